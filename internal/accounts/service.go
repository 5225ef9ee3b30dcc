package accounts

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"newsdesk/internal/auth"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Errors callers tell apart.
var (
	// ErrInvalidCredentials is the one answer to a wrong email, a wrong
	// password or a disabled account, so sign-in never says which.
	ErrInvalidCredentials = errors.New("the email or password is not right")
	// ErrInvalidCode is a wrong, reused or expired two-factor code.
	ErrInvalidCode = errors.New("the code is not right or was already used")
	// ErrForbidden means the actor may not do this.
	ErrForbidden = errors.New("you are not allowed to do this")
	// ErrLinkInvalid means a one-time link is unknown, used or expired.
	ErrLinkInvalid = errors.New("this link is not valid: it may have expired or been used already")
)

// ThrottledError says sign-in is paused for the caller's address or account.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-in attempts: try again in %s", e.RetryAfter.Round(time.Second))
}

// Actor is who is acting: a signed-in user, or the CLI on the server.
type Actor struct {
	User news.User // zero for the CLI
	IP   string
	// CLI marks commands run on the server by its operator, who holds the
	// database anyway and so may do anything.
	CLI bool
}

// CLIActor is the operator at the server's command line.
var CLIActor = Actor{CLI: true}

func (a Actor) label() string {
	if a.CLI {
		return "cli"
	}
	if a.User.Email != "" {
		return a.User.Email
	}
	return "anonymous"
}

func (a Actor) may(action news.Action, target news.Target) bool {
	return a.CLI || a.User.May(action, target)
}

// Service is the accounts service; build one per process.
type Service struct {
	Store  *store.Store
	Hasher *auth.Hasher
	Now    func() time.Time
	Log    *slog.Logger
	// Issuer names the site in authenticator apps and emails.
	Issuer string
	// Mail, when set, also emails invitation and reset links, which start
	// with BaseURL (e.g. https://news.example.org).
	Mail    Sender
	BaseURL string
}

// New builds a service with production password parameters.
func New(s *store.Store, log *slog.Logger) *Service {
	return &Service{Store: s, Hasher: auth.NewHasher(auth.DefaultParams), Now: time.Now, Log: log, Issuer: "Newsdesk"}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// audit builds an audit entry for the actor.
func (s *Service) entry(a Actor, action, target string, details map[string]string) store.AuditEntry {
	return store.AuditEntry{At: s.now(), ActorID: a.User.ID, Actor: a.label(), IP: a.IP, Action: action, Target: target, Details: details}
}
