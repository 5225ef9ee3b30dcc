package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
)

// channelsData is what channels.html shows: the part of the tree the user
// administers, each channel with its forms, and the form for a new one.
type channelsData struct {
	Tree     []*channelNode
	New      *channelNode // the create form; ID 0
	CanAdd   bool         // there is some parent the user may add under
	SiteWide bool         // the user administers the whole tree
}

// channelNode is one channel of the page with its edit and delete forms.
type channelNode struct {
	P                     *page
	ID                    int64
	Path, Slug, Name      string
	Names                 []langField
	Position              string
	Approval              bool
	Parents               []parentOption
	Articles, Subchannels int
	Open                  bool              // shown expanded: its form was just refused
	Errors                map[string]string // the refused form's field errors
	Kids                  []*channelNode
}

// HTMLID prefixes the ids of the node's fields, unique on the page.
func (n *channelNode) HTMLID() string {
	if n.ID == 0 {
		return "new-"
	}
	return "ch" + itoa(n.ID) + "-"
}

// Deletable reports whether the channel is empty enough to delete.
func (n *channelNode) Deletable() bool { return n.Articles == 0 && n.Subchannels == 0 }

type parentOption struct {
	Value, Label string
	Selected     bool
}

// failedForm names the form whose refusal is being shown: "new" for the
// create form, a channel id for an edit or delete, "" for none.
type failedForm string

func (s *Server) channelsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.channelsView(r, "")
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "channels", p)
}

// channelsView builds the channel page for the user: site administrators see
// the whole tree, subtree administrators the subtrees they hold.
func (s *Server) channelsView(r *http.Request, failed failedForm) (*page, error) {
	ctx := r.Context()
	u := userOf(r)
	p := s.newPage(r, "channels")
	tree, err := s.store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := s.store.ChannelArticleCounts(ctx)
	if err != nil {
		return nil, err
	}
	langs := siteLanguages(site)
	may := func(path string) bool { return u.May(news.ActionManageChannels, news.Target{Channel: path}) }
	d := &channelsData{SiteWide: may("")}

	// The parents a channel may be given: the top level for site
	// administrators, and every channel the user administers outside the
	// channel's own subtree.
	parents := func(self news.Channel, selected int64) []parentOption {
		var out []parentOption
		if d.SiteWide {
			out = append(out, parentOption{Value: "0", Label: p.L["top_level"], Selected: selected == 0})
		}
		for _, c := range treeOrder(tree) {
			inside := self.ID != 0 && (c.ID == self.ID || strings.HasPrefix(c.Path, self.Path+"/"))
			current := self.ID != 0 && c.ID == self.ParentID
			if (may(c.Path) && !inside) || current {
				out = append(out, parentOption{Value: itoa(c.ID), Label: crumbLabel(tree, c, p.Lang, site.DefaultLanguage), Selected: c.ID == selected})
			}
		}
		if self.ID != 0 && self.ParentID == 0 && !d.SiteWide {
			// Only a site administrator may place channels at the top; keep
			// the current place so the form still submits it.
			out = append([]parentOption{{Value: "0", Label: p.L["top_level"], Selected: true}}, out...)
		}
		return out
	}
	form := r.PostForm
	var build func(c news.Channel) *channelNode
	build = func(c news.Channel) *channelNode {
		n := &channelNode{P: p, ID: c.ID, Path: c.Path, Slug: c.Slug, Name: c.Name.In(p.Lang, site.DefaultLanguage),
			Position: strconv.Itoa(c.Position), Articles: counts[c.ID], Approval: c.RequiresApproval}
		var values url.Values
		selected := c.ParentID
		if failed == failedForm(itoa(c.ID)) {
			n.Open, n.Errors, values = true, p.Errors, form
			if form.Has("slug") {
				n.Slug, n.Position = form.Get("slug"), form.Get("position")
				selected, _ = strconv.ParseInt(form.Get("parent"), 10, 64)
			}
			n.Position = numberOrEmpty(n.Position)
		}
		n.Names = langFields(langs, "name", n.HTMLID(), c.Name, values)
		n.Parents = parents(c, selected)
		for _, kid := range tree.Children(c.ID) {
			n.Subchannels++
			if may(kid.Path) {
				n.Kids = append(n.Kids, build(kid))
			}
		}
		return n
	}
	for _, c := range treeOrder(tree) {
		parentPath := c.ParentPath()
		if may(c.Path) && (parentPath == "" || !may(parentPath)) {
			d.Tree = append(d.Tree, build(c))
		}
	}

	d.New = &channelNode{P: p}
	var values url.Values
	selected := int64(0)
	if failed == "new" {
		d.New.Open, d.New.Errors, values = true, p.Errors, form
		d.New.Slug, d.New.Position = form.Get("slug"), form.Get("position")
		selected, _ = strconv.ParseInt(form.Get("parent"), 10, 64)
	}
	d.New.Position = numberOrEmpty(d.New.Position)
	d.New.Names = langFields(langs, "name", "new-", nil, values)
	d.New.Parents = parents(news.Channel{}, selected)
	d.CanAdd = len(d.New.Parents) > 0
	p.Data = d
	return p, nil
}

// numberOrEmpty keeps what a number field can show again: a number input
// cannot hold text.
func numberOrEmpty(s string) string {
	if _, err := strconv.Atoi(strings.TrimSpace(s)); err != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// treeOrder lists channels depth first, each followed by its subtree, in
// navigation order.
func treeOrder(tree *news.ChannelTree) []news.Channel {
	var out []news.Channel
	var walk func(parent int64)
	walk = func(parent int64) {
		for _, c := range tree.Children(parent) {
			out = append(out, c)
			walk(c.ID)
		}
	}
	walk(0)
	return out
}

// channelForm is the edit or create form as submitted.
type channelForm struct {
	ParentID int64
	Slug     string
	Names    news.Localized
	Position int
	HasPos   bool
	// Approval is the "requires approval" checkbox.
	Approval bool
}

// readChannelForm decodes the form and checks what needs no database.
func readChannelForm(f url.Values, langs []string) (channelForm, error) {
	v := &news.ValidationError{}
	cf := channelForm{Slug: strings.TrimSpace(f.Get("slug")), Names: localized(f, langs, "name"), Approval: f.Get("requires_approval") == "on"}
	parent, err := strconv.ParseInt(strings.TrimSpace(f.Get("parent")), 10, 64)
	if err != nil || parent < 0 {
		v.Add("parent", "choose a parent channel")
	}
	cf.ParentID = parent
	if pos := strings.TrimSpace(f.Get("position")); pos != "" {
		n, err := strconv.Atoi(pos)
		if err != nil || n < 0 || n > 9999 {
			v.Add("position", "must be a whole number from 0 to 9999")
		}
		cf.Position, cf.HasPos = n, true
	}
	if len(cf.Names) == 0 {
		v.Add("name", "give the channel a name in at least one language")
	}
	return cf, v.Err()
}

// checkChannel applies the rules of `site apply` to the channel's slug
// where it would stand; pages share the top level with channels.
func checkChannel(ctx context.Context, tx *store.Tx, tree *news.ChannelTree, id int64, cf channelForm) error {
	pages, err := tx.Pages(ctx)
	if err != nil {
		return err
	}
	slugs := make([]string, len(pages))
	for i, pg := range pages {
		slugs[i] = pg.Slug
	}
	return sitefile.CheckChannel(tree, slugs, id, cf.ParentID, cf.Slug)
}

// mayPlaceUnder reports whether u may put a channel under parentID (0: the
// top level, for site administrators only).
func mayPlaceUnder(u news.User, tree *news.ChannelTree, parentID int64) bool {
	path := ""
	if parentID != 0 {
		parent, ok := tree.ByID(parentID)
		if !ok {
			return true // CheckChannel reports the missing parent
		}
		path = parent.Path
	}
	return u.May(news.ActionManageChannels, news.Target{Channel: path})
}

func (s *Server) createChannel(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := userOf(r)
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	cf, err := readChannelForm(r.PostForm, siteLanguages(site))
	var made news.Channel
	if err == nil {
		err = s.store.InTx(ctx, func(tx *store.Tx) error {
			tree, err := tx.Channels(ctx)
			if err != nil {
				return err
			}
			if !mayPlaceUnder(u, tree, cf.ParentID) {
				return errForbidden
			}
			if err := checkChannel(ctx, tx, tree, 0, cf); err != nil {
				return err
			}
			if !cf.HasPos {
				cf.Position = nextPosition(tree, cf.ParentID)
			}
			if made, err = tx.CreateChannel(ctx, news.Channel{ParentID: cf.ParentID, Slug: cf.Slug, Name: cf.Names, Position: cf.Position, RequiresApproval: cf.Approval}); err != nil {
				return err
			}
			if _, err := tx.AppendChange(ctx, store.Change{At: s.now(), Kind: news.ChangeSite, Details: map[string]string{"what": "channel " + made.Path}}); err != nil {
				return err
			}
			_, err = tx.AppendAudit(ctx, s.auditEntry(r, "channel.create", made.Path, map[string]string{
				"names": jsonText(cf.Names), "position": strconv.Itoa(cf.Position)}))
			return err
		})
	}
	if err != nil {
		return s.channelRefused(w, r, "new", err)
	}
	return s.flashRedirect(w, r, fmt.Sprintf(labels[s.lang(r)]["channel_created"], made.Path), "/admin/channels")
}

// nextPosition places a new channel after its last sibling.
func nextPosition(tree *news.ChannelTree, parentID int64) int {
	n := 0
	for _, c := range tree.Children(parentID) {
		if c.Position >= n {
			n = c.Position + 1
		}
	}
	return n
}

func (s *Server) updateChannel(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := userOf(r)
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	var up store.ChannelUpdate
	var changed bool
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		tree, err := tx.Channels(ctx)
		if err != nil {
			return err
		}
		old, ok := tree.ByID(id)
		if !ok {
			return news.ErrNotFound
		}
		if !u.May(news.ActionManageChannels, news.Target{Channel: old.Path}) {
			return errForbidden
		}
		cf, err := readChannelForm(r.PostForm, siteLanguages(site))
		if err != nil {
			return err
		}
		if cf.ParentID != old.ParentID && !mayPlaceUnder(u, tree, cf.ParentID) {
			return errForbidden
		}
		if err := checkChannel(ctx, tx, tree, id, cf); err != nil {
			return err
		}
		if !cf.HasPos {
			cf.Position = old.Position
		}
		details := map[string]string{}
		if jsonText(old.Name) != jsonText(cf.Names) {
			details["names"] = jsonText(cf.Names)
		}
		if old.Position != cf.Position {
			details["position"] = fmt.Sprintf("%d → %d", old.Position, cf.Position)
		}
		if old.RequiresApproval != cf.Approval {
			details["requires_approval"] = strconv.FormatBool(cf.Approval)
		}
		if up, err = tx.UpdateChannel(ctx, news.Channel{ID: id, ParentID: cf.ParentID, Slug: cf.Slug, Name: cf.Names, Position: cf.Position, RequiresApproval: cf.Approval}, s.now()); err != nil {
			return err
		}
		action := "channel.update"
		if up.Moved() {
			action = "channel.move"
			details["path"] = up.OldPath + " → " + up.NewPath
			details["redirects"] = strconv.Itoa(up.Redirects)
			details["channels"] = strconv.Itoa(up.Channels)
			details["grants"] = strconv.Itoa(up.Grants)
		}
		if changed = len(details) > 0; !changed {
			return nil
		}
		if _, err := tx.AppendChange(ctx, store.Change{At: s.now(), Kind: news.ChangeSite, Details: map[string]string{"what": "channel " + up.NewPath}}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.auditEntry(r, action, up.NewPath, details))
		return err
	})
	if err != nil {
		return s.channelRefused(w, r, failedForm(itoa(id)), err)
	}
	l := labels[s.lang(r)]
	msg := l["no_change"]
	switch {
	case up.Moved():
		msg = fmt.Sprintf(l["channel_moved"], up.OldPath, up.NewPath, up.Redirects)
	case changed:
		msg = fmt.Sprintf(l["channel_saved"], up.NewPath)
	}
	return s.flashRedirect(w, r, msg, "/admin/channels")
}

func (s *Server) deleteChannel(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := userOf(r)
	var gone news.Channel
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		tree, err := tx.Channels(ctx)
		if err != nil {
			return err
		}
		c, ok := tree.ByID(id)
		if !ok {
			return news.ErrNotFound
		}
		if !u.May(news.ActionManageChannels, news.Target{Channel: c.Path}) {
			return errForbidden
		}
		if gone, err = tx.DeleteChannel(ctx, id); err != nil {
			return err
		}
		if _, err := tx.AppendChange(ctx, store.Change{At: s.now(), Kind: news.ChangeSite, Details: map[string]string{"what": "channel " + gone.Path}}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.auditEntry(r, "channel.delete", gone.Path, map[string]string{"names": jsonText(gone.Name)}))
		return err
	})
	var use *store.ChannelInUseError
	if errors.As(err, &use) {
		l := labels[s.lang(r)]
		msg := fmt.Sprintf(l["channel_in_use"], use.Path, use.Articles, use.Children, use.Users)
		if use.Wires > 0 {
			msg += " " + fmt.Sprintf(l["channel_in_use_wires"], use.Wires)
		}
		err = fieldErr("delete", "%s", msg)
	}
	if err != nil {
		return s.channelRefused(w, r, failedForm(itoa(id)), err)
	}
	return s.flashRedirect(w, r, fmt.Sprintf(labels[s.lang(r)]["channel_deleted"], gone.Path), "/admin/channels")
}

// channelRefused shows the channel page again with the refused form open
// and its problems beside its fields (422); other errors go on.
func (s *Server) channelRefused(w http.ResponseWriter, r *http.Request, failed failedForm, err error) error {
	if errors.Is(err, store.ErrConflict) {
		err = fieldErr("slug", "a channel with this path already exists")
	}
	var v *news.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	p, perr := s.channelsView(r, failed)
	if perr != nil {
		return perr
	}
	return s.invalid(w, "channels", p, err)
}

// auditEntry is an audit-log line by the signed-in user.
func (s *Server) auditEntry(r *http.Request, action, target string, details map[string]string) store.AuditEntry {
	u := userOf(r)
	return store.AuditEntry{At: s.now(), ActorID: u.ID, Actor: u.Email, IP: s.clientIP(r), Action: action, Target: target, Details: details}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
