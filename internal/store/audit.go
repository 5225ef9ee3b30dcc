package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log: who did what, when, from where.
// Entries are hash-chained: each hash covers the entry and the previous
// hash, so editing or deleting any row breaks every link after it.
type AuditEntry struct {
	Seq      int64
	At       time.Time
	ActorID  int64  // 0 for the CLI or the system
	Actor    string // email, "cli" or "system"
	IP       string
	Action   string // e.g. "sign-in", "sign-in-failed", "user.create"
	Target   string
	Details  map[string]string
	PrevHash string
	Hash     string
}

// genesisHash is the previous hash of the first entry.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// auditHash is the chain's hash of e: SHA-256 over the previous hash and a
// canonical encoding of every field.
func auditHash(e AuditEntry) string {
	details, _ := json.Marshal(e.Details) // map keys are sorted
	h := sha256.New()
	for _, part := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.ActorID, 10), e.Actor, e.IP, e.Action, e.Target, string(details),
	} {
		h.Write([]byte(strconv.Itoa(len(part))))
		h.Write([]byte{':'})
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AppendAudit adds an entry at the end of the chain. Call it inside the
// transaction that makes the change it records, so both land or neither.
func (tx *Tx) AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	if err := tx.d.lockAudit(ctx, tx.tx); err != nil {
		return e, fmt.Errorf("audit: %w", err)
	}
	var last sql.NullInt64
	var prev sql.NullString
	err := tx.tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("audit: %w", err)
	}
	e.Seq = last.Int64 + 1
	e.PrevHash = genesisHash
	if prev.Valid {
		e.PrevHash = prev.String
	}
	// Microseconds survive both databases' timestamp types unchanged.
	e.At = e.At.UTC().Truncate(time.Microsecond)
	// So does text only when it is valid UTF-8 without NUL: PostgreSQL
	// refuses the rest and JSON rewrites it, and a hash over bytes that do
	// not come back would read as tampering.
	e.Actor, e.IP, e.Action, e.Target = storable(e.Actor), storable(e.IP), storable(e.Action), storable(e.Target)
	details := make(map[string]string, len(e.Details))
	for k, v := range e.Details {
		details[storable(k)] = storable(v)
	}
	e.Details = details
	e.Hash = auditHash(e)
	detailsJSON, _ := json.Marshal(e.Details)
	var actor any
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor, ip, action, target, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.Seq, e.At, actor, e.Actor, e.IP, e.Action, e.Target, string(detailsJSON), e.PrevHash, e.Hash)
	if err != nil {
		return e, fmt.Errorf("audit: %w", err)
	}
	return e, nil
}

// storable replaces what a text column cannot hold (invalid UTF-8, NUL)
// with U+FFFD.
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// Audit appends one entry in its own transaction, for events that change
// nothing else (a failed sign-in).
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.AppendAudit(ctx, e)
		return err
	})
}

// AuditQuery filters the audit log for the admin page.
type AuditQuery struct {
	Action  string // exact action, or a prefix ending in "." ("user.")
	ActorID int64
	Target  string // substring
	Before  int64  // seq; 0: newest
	Limit   int
}

// AuditEntries lists entries newest first.
func (q *queries) AuditEntries(ctx context.Context, aq AuditQuery) ([]AuditEntry, error) {
	where := []string{"1 = 1"}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if aq.Action != "" {
		if strings.HasSuffix(aq.Action, ".") {
			where = append(where, "action LIKE "+arg(escapeLike(aq.Action)+"%")+` ESCAPE '\'`)
		} else {
			where = append(where, "action = "+arg(aq.Action))
		}
	}
	if aq.ActorID != 0 {
		where = append(where, "actor_id = "+arg(aq.ActorID))
	}
	if aq.Target != "" {
		where = append(where, "target LIKE "+arg("%"+escapeLike(aq.Target)+"%")+` ESCAPE '\'`)
	}
	if aq.Before > 0 {
		where = append(where, "seq < "+arg(aq.Before))
	}
	if aq.Limit <= 0 || aq.Limit > 500 {
		aq.Limit = 50
	}
	return q.auditRows(ctx, `WHERE `+strings.Join(where, " AND ")+` ORDER BY seq DESC LIMIT `+arg(aq.Limit), args...)
}

func (q *queries) auditRows(ctx context.Context, tail string, args ...any) ([]AuditEntry, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT seq, at, COALESCE(actor_id, 0), actor, ip, action, target, details, prev_hash, hash FROM audit_log `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var details string
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.Actor, &e.IP, &e.Action, &e.Target, &details, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		e.At = e.At.UTC()
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			// A row edited by hand may hold anything; keep it for Verify to report.
			e.Details = map[string]string{"_unreadable": details}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditBreak describes the first broken link of the chain.
type AuditBreak struct {
	Seq    int64
	Reason string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", b.Seq, b.Reason)
}

// VerifyAudit walks the whole chain in order and returns the number of
// entries checked and, if any row was edited, deleted or inserted, the
// first broken link as an *AuditBreak.
func (q *queries) VerifyAudit(ctx context.Context) (int64, error) {
	const page = 1000
	var after int64
	prev := genesisHash
	var n int64
	for {
		list, err := q.auditRows(ctx, `WHERE seq > $1 ORDER BY seq LIMIT $2`, after, page)
		if err != nil {
			return n, err
		}
		for _, e := range list {
			switch {
			case e.Seq != after+1:
				return n, &AuditBreak{Seq: after + 1, Reason: fmt.Sprintf("entry missing (next present is %d): a row was deleted", e.Seq)}
			case e.PrevHash != prev:
				return n, &AuditBreak{Seq: e.Seq, Reason: "its link to the previous entry does not match: a row before it was changed or removed"}
			case auditHash(e) != e.Hash:
				return n, &AuditBreak{Seq: e.Seq, Reason: "its contents do not match its hash: the row was edited"}
			}
			prev, after = e.Hash, e.Seq
			n++
		}
		if len(list) < page {
			return n, nil
		}
	}
}

func escapeLike(s string) string { return likeEscaper.Replace(s) }
