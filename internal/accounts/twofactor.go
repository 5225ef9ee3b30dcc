package accounts

import (
	"context"

	"newsdesk/internal/auth"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Enrolment is a two-factor secret offered to a user, not yet confirmed.
type Enrolment struct {
	Secret string
	URL    string // otpauth:// URL
	QRPNG  []byte // the URL as a QR code, drawn here
}

// BeginTOTP makes a new secret for the user to scan.
func (s *Service) BeginTOTP(a Actor) (Enrolment, error) {
	secret, url, png, err := auth.NewTOTP(s.Issuer, a.User.Email)
	return Enrolment{Secret: secret, URL: url, QRPNG: png}, err
}

// OfferTOTP redraws an enrolment for a secret already offered (kept in the
// user's session between pages).
func (s *Service) OfferTOTP(a Actor, secret string) (Enrolment, error) {
	url, png, err := auth.TOTPImage(s.Issuer, a.User.Email, secret)
	return Enrolment{Secret: secret, URL: url, QRPNG: png}, err
}

// ConfirmTOTP enrols the secret once the user proves their app shows the
// right code, and returns ten recovery codes to show once.
func (s *Service) ConfirmTOTP(ctx context.Context, a Actor, secret, code string) ([]string, error) {
	ok, step := auth.ValidateTOTP(secret, code, s.now())
	if !ok {
		return nil, fieldErr("code", "the code does not match; check the time on your device and try again")
	}
	plain, hashes, err := auth.NewRecoveryCodes(10)
	if err != nil {
		return nil, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, a.User.ID, secret, hashes, s.now()); err != nil {
			return err
		}
		if _, err := tx.UseTOTPStep(ctx, a.User.ID, step); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, s.entry(a, "user.2fa-enrol", a.User.Email, nil))
		return err
	})
	return plain, err
}

// DisableTOTP removes two-factor sign-in after checking the password. It is
// refused when the site requires two-factor for the user's role.
func (s *Service) DisableTOTP(ctx context.Context, a Actor, password string, required bool) error {
	if required {
		return fieldErr("", "two-factor sign-in is required for your role on this site")
	}
	creds, err := s.Store.Credentials(ctx, a.User.ID)
	if err != nil {
		return err
	}
	if ok, _, _ := s.Hasher.Verify(password, creds.PasswordHash); !ok {
		return fieldErr("password", "the password is not right")
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, a.User.ID, "", nil, s.now()); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, s.entry(a, "user.2fa-remove", a.User.Email, nil))
		return err
	})
}

// HasTOTP reports whether the user has enrolled two-factor sign-in.
func (s *Service) HasTOTP(ctx context.Context, userID int64) (bool, error) {
	c, err := s.Store.Credentials(ctx, userID)
	return c.TOTPSecret != "", err
}

// TwoFactorRequired reports whether the site's setting obliges u to use
// two-factor sign-in: it covers chief editors and administrators.
func TwoFactorRequired(mandatory bool, u news.User) bool {
	if !mandatory {
		return false
	}
	for _, g := range u.Grants {
		if g.Role == news.RoleAdministrator || g.Role == news.RoleChiefEditor {
			return true
		}
	}
	return false
}
