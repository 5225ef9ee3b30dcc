package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"newsdesk/internal/news"
)

// ErrConflict means a write would break a uniqueness rule, such as a second
// account with the same email.
var ErrConflict = errors.New("already exists")

// Credentials are a user's secrets, kept apart from news.User so that pages
// and logs that show users never hold them.
type Credentials struct {
	PasswordHash      string
	TOTPSecret        string // "" when two-factor is not enrolled
	TOTPLastStep      int64  // last accepted TOTP time step, against replay
	RecoveryHashes    []string
	PasswordChangedAt time.Time
}

const userColumns = `id, email, name, status, created_at`

func (q *queries) scanUsers(ctx context.Context, where string, args ...any) ([]news.User, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	var out []news.User
	for rows.Next() {
		var u news.User
		var status string
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &status, &u.CreatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load users: %w", err)
		}
		u.Status = news.UserStatus(status)
		u.CreatedAt = u.CreatedAt.UTC()
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	for i := range out {
		if out[i].Grants, err = q.grants(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (q *queries) grants(ctx context.Context, userID int64) ([]news.Grant, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT role, channel FROM user_grants WHERE user_id = $1 ORDER BY channel, role`, userID)
	if err != nil {
		return nil, fmt.Errorf("user %d grants: %w", userID, err)
	}
	defer rows.Close()
	var out []news.Grant
	for rows.Next() {
		var g news.Grant
		var role string
		if err := rows.Scan(&role, &g.Channel); err != nil {
			return nil, fmt.Errorf("user %d grants: %w", userID, err)
		}
		g.Role = news.Role(role)
		out = append(out, g)
	}
	return out, rows.Err()
}

func (q *queries) oneUser(ctx context.Context, what, where string, args ...any) (news.User, error) {
	list, err := q.scanUsers(ctx, where, args...)
	if err != nil {
		return news.User{}, err
	}
	if len(list) == 0 {
		return news.User{}, fmt.Errorf("user %s: %w", what, news.ErrNotFound)
	}
	return list[0], nil
}

// UserByID loads a user with their grants.
func (q *queries) UserByID(ctx context.Context, id int64) (news.User, error) {
	return q.oneUser(ctx, fmt.Sprint(id), `WHERE id = $1`, id)
}

// UserByEmail loads a user by (normalized) email.
func (q *queries) UserByEmail(ctx context.Context, email string) (news.User, error) {
	return q.oneUser(ctx, email, `WHERE email = $1`, email)
}

// Users lists every user by email.
func (q *queries) Users(ctx context.Context) ([]news.User, error) {
	return q.scanUsers(ctx, `ORDER BY email`)
}

// CreateUser stores a new user with grants and returns the id, or an error
// wrapping ErrConflict when the email is taken.
func (q *queries) CreateUser(ctx context.Context, u news.User, now time.Time) (int64, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = $1`, u.Email).Scan(&n); err != nil {
		return 0, fmt.Errorf("create user %s: %w", u.Email, err)
	}
	if n > 0 {
		return 0, fmt.Errorf("create user %s: a user with this email %w", u.Email, ErrConflict)
	}
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO users (email, name, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) RETURNING id`, u.Email, u.Name, string(u.Status), now.UTC()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create user %s: %w", u.Email, err)
	}
	if err := q.SetGrants(ctx, id, u.Grants); err != nil {
		return 0, err
	}
	return id, nil
}

// UpdateUser changes a user's name and status.
func (q *queries) UpdateUser(ctx context.Context, u news.User, now time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE users SET name = $1, status = $2, updated_at = $3 WHERE id = $4`,
		u.Name, string(u.Status), now.UTC(), u.ID)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return mustAffect(res, fmt.Sprintf("user %d", u.ID))
}

// SetGrants replaces a user's grants.
func (q *queries) SetGrants(ctx context.Context, userID int64, grants []news.Grant) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM user_grants WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("user %d grants: %w", userID, err)
	}
	seen := map[news.Grant]bool{}
	for _, g := range grants {
		if seen[g] {
			continue
		}
		seen[g] = true
		if _, err := q.q.ExecContext(ctx, `INSERT INTO user_grants (user_id, role, channel) VALUES ($1, $2, $3)`,
			userID, string(g.Role), g.Channel); err != nil {
			return fmt.Errorf("user %d grant %s: %w", userID, g, err)
		}
	}
	return nil
}

// CountActiveAdministrators counts active users with a site-wide
// administrator grant; the last one may not be disabled or demoted.
func (q *queries) CountActiveAdministrators(ctx context.Context) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT u.id) FROM users u JOIN user_grants g ON g.user_id = u.id
		WHERE u.status = 'active' AND g.role = 'administrator' AND g.channel = ''`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count administrators: %w", err)
	}
	return n, nil
}

// Credentials loads a user's secrets.
func (q *queries) Credentials(ctx context.Context, userID int64) (Credentials, error) {
	var c Credentials
	var codes string
	var changed sql.NullTime
	err := q.q.QueryRowContext(ctx, `SELECT password_hash, totp_secret, totp_last_step, recovery_codes, password_changed_at
		FROM users WHERE id = $1`, userID).Scan(&c.PasswordHash, &c.TOTPSecret, &c.TOTPLastStep, &codes, &changed)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("user %d: %w", userID, news.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("user %d credentials: %w", userID, err)
	}
	if err := json.Unmarshal([]byte(codes), &c.RecoveryHashes); err != nil {
		return c, fmt.Errorf("user %d recovery codes: %w", userID, err)
	}
	c.PasswordChangedAt = timeOf(changed)
	return c, nil
}

// SetPassword stores a new password hash. rehash marks a parameter upgrade
// on sign-in, which is not a password change.
func (q *queries) SetPassword(ctx context.Context, userID int64, hash string, now time.Time, rehash bool) error {
	query := `UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE id = $3`
	if rehash {
		query = `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`
	}
	res, err := q.q.ExecContext(ctx, query, hash, now.UTC(), userID)
	if err != nil {
		return fmt.Errorf("user %d password: %w", userID, err)
	}
	return mustAffect(res, fmt.Sprintf("user %d", userID))
}

// SetTOTP enrols (or, with an empty secret, removes) two-factor sign-in and
// replaces the recovery codes.
func (q *queries) SetTOTP(ctx context.Context, userID int64, secret string, recoveryHashes []string, now time.Time) error {
	if recoveryHashes == nil {
		recoveryHashes = []string{}
	}
	codes, _ := json.Marshal(recoveryHashes)
	res, err := q.q.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_last_step = 0, recovery_codes = $2, updated_at = $3 WHERE id = $4`,
		secret, string(codes), now.UTC(), userID)
	if err != nil {
		return fmt.Errorf("user %d two-factor: %w", userID, err)
	}
	return mustAffect(res, fmt.Sprintf("user %d", userID))
}

// UseTOTPStep records that a one-time code of time step was used; it
// reports false when that step (or a later one) was already used, so a code
// cannot be replayed, even by two nodes at once.
func (q *queries) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
	if err != nil {
		return false, fmt.Errorf("user %d two-factor: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UseRecoveryCode removes the recovery code hash at index, atomically: it
// reports false when the stored list changed meanwhile (the code was used).
func (q *queries) UseRecoveryCode(ctx context.Context, userID int64, before []string, index int) (bool, error) {
	if index < 0 || index >= len(before) {
		return false, nil
	}
	after := append(append([]string{}, before[:index]...), before[index+1:]...)
	old, _ := json.Marshal(before)
	next, _ := json.Marshal(after)
	res, err := q.q.ExecContext(ctx, `UPDATE users SET recovery_codes = $1 WHERE id = $2 AND recovery_codes = $3`, string(next), userID, string(old))
	if err != nil {
		return false, fmt.Errorf("user %d recovery code: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, news.ErrNotFound)
	}
	return nil
}
