package news

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Role is a set of powers granted on a channel subtree or site-wide.
type Role string

// The roles, from most to least powerful. Each includes the powers of those
// below it.
const (
	RoleAdministrator Role = "administrator"
	RoleChiefEditor   Role = "chief-editor"
	RoleEditor        Role = "editor"
	RoleContributor   Role = "contributor"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdministrator, RoleChiefEditor, RoleEditor, RoleContributor}

// ParseRole checks a role name as the CLI and forms give it.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("unknown role %q (known: %s)", s, strings.Join(names, ", "))
}

// rank orders roles: a higher rank includes every power of a lower one.
func (r Role) rank() int {
	switch r {
	case RoleAdministrator:
		return 4
	case RoleChiefEditor:
		return 3
	case RoleEditor:
		return 2
	case RoleContributor:
		return 1
	}
	return 0
}

// Grant gives a role on a channel subtree; Channel "" means site-wide.
type Grant struct {
	Role    Role
	Channel string
}

// Covers reports whether the grant reaches channel path: site-wide grants
// reach everything, others their channel and everything below it.
func (g Grant) Covers(path string) bool {
	return g.Channel == "" || path == g.Channel || strings.HasPrefix(path, g.Channel+"/")
}

func (g Grant) String() string {
	if g.Channel == "" {
		return string(g.Role) + " (site-wide)"
	}
	return string(g.Role) + " on " + g.Channel
}

// UserStatus says whether a user may sign in.
type UserStatus string

// The statuses of a user account.
const (
	UserActive   UserStatus = "active"
	UserDisabled UserStatus = "disabled"
)

// User is a member of the newsroom.
type User struct {
	ID        int64
	Email     string
	Name      string
	Status    UserStatus
	Grants    []Grant
	CreatedAt time.Time
}

// Active reports whether the user may act at all.
func (u User) Active() bool { return u.Status == UserActive }

// NormalizeEmail lower-cases and checks an email address, so one person has
// one account however they type it.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") {
		return "", fmt.Errorf("%q is not an email address", s)
	}
	return strings.ToLower(s), nil
}
