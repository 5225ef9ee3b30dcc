package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"newsdesk/internal/accounts"
	"newsdesk/internal/news"
)

// usersData is what users.html shows: the newsroom and the form that
// invites someone new.
type usersData struct {
	Users       []userRow
	Email, Name string // the create form's values when it is shown again
	Roles       []roleOption
	Channels    []channelOption
}

type userRow struct {
	ID                  int64
	Email, Name, Status string
	Active              bool
	Grants              string
}

// userData is what user.html shows: one user, the forms that change them,
// and a one-time link just made for them.
type userData struct {
	User                  news.User
	Status, Grants        string
	Active, Self          bool
	Roles                 []roleOption
	Channels              []channelOption
	InviteLink, ResetLink string
}

type roleOption struct {
	Value, Label string
	Selected     bool
}

// channelOption is one channel a grant may name, as a checkbox.
type channelOption struct {
	ID      string // the checkbox's id
	Path    string
	Label   string
	Checked bool
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.usersView(r)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "users", p)
}

// usersView builds the users page; after a refused create its form keeps
// what was typed.
func (s *Server) usersView(r *http.Request) (*page, error) {
	ctx := r.Context()
	p := s.newPage(r, "users")
	list, err := s.accounts.Users(ctx, s.actor(r))
	if err != nil {
		return nil, err
	}
	d := &usersData{Email: p.Form.Get("email"), Name: p.Form.Get("name")}
	for _, u := range list {
		d.Users = append(d.Users, userRow{ID: u.ID, Email: u.Email, Name: u.Name, Status: p.L["status_"+string(u.Status)],
			Active: u.Active(), Grants: grantsLabel(p.L, u.Grants)})
	}
	role, channels := string(news.RoleContributor), map[string]bool{}
	if r.Method == http.MethodPost {
		role, channels = p.Form.Get("role"), setOf(p.Form["channel"])
	}
	if d.Channels, err = s.channelOptions(ctx, p, "new-ch-", channels); err != nil {
		return nil, err
	}
	d.Roles = roleOptions(p.L, role)
	p.Data = d
	return p, nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	grants, err := formGrants(f)
	var u news.User
	var token string
	if err == nil {
		u, token, err = s.accounts.AddUser(r.Context(), s.actor(r), accounts.NewUser{Email: f.Get("email"), Name: f.Get("name"), Grants: grants})
	}
	if err != nil {
		p, perr := s.usersView(r)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "users", p, grantErrors(err))
	}
	// The link is shown on this answer only: it is never stored in plain.
	p, d, err := s.userView(r, u.ID)
	if err != nil {
		return err
	}
	d.InviteLink = s.absURL(r, "/admin/invite?token="+url.QueryEscape(token))
	p.Flash = p.L["user_created"]
	return s.show(w, http.StatusOK, "user", p)
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, _, err := s.userView(r, id)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "user", p)
}

// userView builds the page of one user; after a refused roles form it
// keeps what was chosen.
func (s *Server) userView(r *http.Request, id int64) (*page, *userData, error) {
	ctx := r.Context()
	u, err := s.findUser(ctx, r, id)
	if err != nil {
		return nil, nil, err
	}
	p := s.newPage(r, "user_title")
	p.Title += ": " + u.Name
	d := &userData{User: u, Status: p.L["status_"+string(u.Status)], Grants: grantsLabel(p.L, u.Grants),
		Active: u.Active(), Self: u.ID == userOf(r).ID}
	role, channels := mainGrant(u.Grants)
	if r.Method == http.MethodPost && r.PostForm.Has("role") {
		role, channels = r.PostForm.Get("role"), setOf(r.PostForm["channel"])
	}
	d.Roles = roleOptions(p.L, role)
	if d.Channels, err = s.channelOptions(ctx, p, "ch-", channels); err != nil {
		return nil, nil, err
	}
	p.Data = d
	return p, d, nil
}

// findUser loads a user through the accounts service, which checks that
// the actor may manage users.
func (s *Server) findUser(ctx context.Context, r *http.Request, id int64) (news.User, error) {
	list, err := s.accounts.Users(ctx, s.actor(r))
	if err != nil {
		return news.User{}, err
	}
	for _, u := range list {
		if u.ID == id {
			return u, nil
		}
	}
	return news.User{}, news.ErrNotFound
}

func (s *Server) setUserRoles(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.findUser(r.Context(), r, id)
	if err != nil {
		return err
	}
	grants, err := formGrants(r.PostForm)
	if err == nil {
		_, err = s.accounts.SetGrants(r.Context(), s.actor(r), u.Email, grants)
	}
	if err != nil {
		p, _, perr := s.userView(r, id)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "user", p, grantErrors(err))
	}
	return s.flashRedirect(w, r, labels[s.lang(r)]["roles_saved"], userURL(id))
}

func (s *Server) setUserStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.findUser(r.Context(), r, id)
	if err != nil {
		return err
	}
	status := news.UserStatus(r.PostForm.Get("status"))
	if status != news.UserActive && status != news.UserDisabled {
		err = fieldErr("status", "unknown status %q", status)
	} else {
		_, err = s.accounts.SetStatus(r.Context(), s.actor(r), u.Email, status)
	}
	if err != nil {
		p, _, perr := s.userView(r, id)
		if perr != nil {
			return perr
		}
		// The last-administrator refusal names the role; here it is the
		// status that could not change.
		return s.invalid(w, "user", p, formErrors(err, "", map[string]string{"role": "status"}))
	}
	msg := labels[s.lang(r)]["user_enabled"]
	if status == news.UserDisabled {
		msg = labels[s.lang(r)]["user_disabled"]
	}
	return s.flashRedirect(w, r, msg, userURL(id))
}

func (s *Server) userResetLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.findUser(r.Context(), r, id)
	if err != nil {
		return err
	}
	token, err := s.accounts.ResetLink(r.Context(), s.actor(r), u.Email)
	if err != nil {
		return err
	}
	p, d, err := s.userView(r, id)
	if err != nil {
		return err
	}
	d.ResetLink = s.absURL(r, "/admin/reset?token="+url.QueryEscape(token))
	return s.show(w, http.StatusOK, "user", p)
}

func userURL(id int64) string { return "/admin/users/" + itoa(id) }

// absURL makes a full URL on the host the administrator is using, to hand
// over by other means.
func (s *Server) absURL(r *http.Request, path string) string {
	scheme := "http"
	if s.isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// formGrants reads a role and the channels it is granted on; no channel
// means site-wide.
func formGrants(f url.Values) ([]news.Grant, error) {
	role, err := news.ParseRole(f.Get("role"))
	if err != nil {
		return nil, fieldErr("role", "%s", err.Error())
	}
	var grants []news.Grant
	for _, path := range f["channel"] {
		if path = strings.TrimSpace(path); path != "" {
			grants = append(grants, news.Grant{Role: role, Channel: path})
		}
	}
	if len(grants) == 0 {
		grants = []news.Grant{{Role: role}}
	}
	return grants, nil
}

// grantErrors puts the service's errors about grants[n] next to the role
// select and the channel boxes.
func grantErrors(err error) error {
	return formErrors(err, "", map[string]string{"grants.role": "role", "grants.channel": "channel"})
}

// mainGrant is what the roles form starts from: the user's most powerful
// role and the channels it is granted on (none: site-wide).
func mainGrant(grants []news.Grant) (string, map[string]bool) {
	channels := map[string]bool{}
	for _, role := range news.Roles {
		found := false
		for _, g := range grants {
			if g.Role != role {
				continue
			}
			found = true
			if g.Channel == "" {
				return string(role), map[string]bool{}
			}
			channels[g.Channel] = true
		}
		if found {
			return string(role), channels
		}
	}
	return string(news.RoleContributor), channels
}

func roleOptions(l map[string]string, selected string) []roleOption {
	out := make([]roleOption, len(news.Roles))
	for i, role := range news.Roles {
		out[i] = roleOption{Value: string(role), Label: l["role_"+string(role)], Selected: string(role) == selected}
	}
	return out
}

// channelOptions lists every channel as a checkbox, labelled with its names
// from the top in the interface language and its path.
func (s *Server) channelOptions(ctx context.Context, p *page, idPrefix string, checked map[string]bool) ([]channelOption, error) {
	tree, err := s.store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return nil, err
	}
	var out []channelOption
	for _, c := range treeOrder(tree) {
		out = append(out, channelOption{ID: idPrefix + itoa(c.ID), Path: c.Path,
			Label: crumbLabel(tree, c, p.Lang, site.DefaultLanguage), Checked: checked[c.Path]})
	}
	return out, nil
}

// crumbLabel names a channel by its ancestry: "NEWS › China (news/china)".
func crumbLabel(tree *news.ChannelTree, c news.Channel, lang, fallback string) string {
	var names []string
	for _, a := range tree.Ancestry(c.Path) {
		name := a.Name.In(lang, fallback)
		if name == "" {
			name = a.Slug
		}
		names = append(names, name)
	}
	return strings.Join(names, " › ") + " (" + c.Path + ")"
}

// grantsLabel says in the interface language what a user may do.
func grantsLabel(l map[string]string, grants []news.Grant) string {
	if len(grants) == 0 {
		return l["no_roles"]
	}
	parts := make([]string, len(grants))
	for i, g := range grants {
		where := g.Channel
		if where == "" {
			where = l["site_wide"]
		}
		parts[i] = l["role_"+string(g.Role)] + " (" + where + ")"
	}
	return strings.Join(parts, ", ")
}

func setOf(list []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range list {
		out[s] = true
	}
	return out
}
