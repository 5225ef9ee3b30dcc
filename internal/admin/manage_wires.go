package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/fetch"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

// wireRoutes registers the wire sources page: site-wide chief editors and
// administrators add, edit, remove and poll sources and see their health;
// administrators also keep the safe fetcher's allow-list there.
func (s *Server) wireRoutes(mux *http.ServeMux, h, post func(web.HandlerFunc) http.Handler) {
	wires := news.ActionManageWires
	mux.Handle("GET /admin/wires", h(s.allow(wires, s.wiresPage)))
	mux.Handle("POST /admin/wires", post(s.allow(wires, s.createWire)))
	mux.Handle("GET /admin/wires/{id}", h(s.allow(wires, s.wirePage)))
	mux.Handle("POST /admin/wires/{id}", post(s.allow(wires, s.updateWire)))
	mux.Handle("POST /admin/wires/{id}/delete", post(s.allow(wires, s.deleteWire)))
	mux.Handle("POST /admin/wires/{id}/poll", post(s.allow(wires, s.pollWire)))
	mux.Handle("POST /admin/wires/allow-list", post(s.allow(news.ActionManageSettings, s.saveAllowList)))
}

// wiresData is what wires.html shows.
type wiresData struct {
	Sources []wireRow
	// Form is the create form, or the edit form on the edit page.
	Form wireForm
	// Edit is true on a source's own page.
	Edit bool
	// Allow is the allow-list as text, shown to administrators.
	Allow     string
	CanAllow  bool
	CanPoll   bool
	Formats   []option
	Channels  []option
	Languages []option
}

// wireRow is one source in the health table.
type wireRow struct {
	news.WireSource
	LastSuccess, LastErrorAt, NextPoll string
	PollMinutes                        int64
}

// wireForm is the add/edit form as shown and as submitted.
type wireForm struct {
	ID                                   int64
	Name, URL, Format, Channel, Language string
	Credit, PollMinutes                  string
	AutoPublish, Enabled                 bool
}

func formOf(w news.WireSource) wireForm {
	return wireForm{ID: w.ID, Name: w.Name, URL: w.URL, Format: w.Format, Channel: w.ChannelPath, Language: w.Language,
		Credit: w.Credit, PollMinutes: strconv.FormatInt(int64(w.Poll/time.Minute), 10), AutoPublish: w.AutoPublish, Enabled: w.Enabled}
}

func readWireForm(f url.Values) wireForm {
	return wireForm{Name: strings.TrimSpace(f.Get("name")), URL: strings.TrimSpace(f.Get("url")), Format: f.Get("format"),
		Channel: f.Get("channel"), Language: f.Get("language"), Credit: strings.TrimSpace(f.Get("credit")),
		PollMinutes: strings.TrimSpace(f.Get("poll")), AutoPublish: f.Get("auto_publish") == "on", Enabled: f.Get("enabled") == "on"}
}

func (s *Server) wiresView(r *http.Request, form wireForm, edit bool) (*page, error) {
	ctx := r.Context()
	p := s.newPage(r, "wires")
	site, err := s.store.Site(ctx)
	if err != nil {
		return nil, err
	}
	loc := site.Location()
	sources, err := s.store.WireSources(ctx)
	if err != nil {
		return nil, err
	}
	d := &wiresData{Form: form, Edit: edit, CanPoll: s.pollWireNow != nil, CanAllow: userOf(r).May(news.ActionManageSettings, news.Target{})}
	for _, w := range sources {
		d.Sources = append(d.Sources, wireRow{WireSource: w, LastSuccess: localTime(w.LastSuccessAt, loc), LastErrorAt: localTime(w.LastErrorAt, loc),
			NextPoll: localTime(w.NextPollAt, loc), PollMinutes: int64(w.Poll / time.Minute)})
	}
	if d.CanAllow {
		allow, err := s.store.FetchAllowList(ctx)
		if err != nil {
			return nil, err
		}
		d.Allow = strings.Join(allow, "\n")
		if r.Method == http.MethodPost && r.PostForm.Has("allow") {
			d.Allow = r.PostForm.Get("allow")
		}
	}
	for _, f := range news.WireFormats {
		d.Formats = append(d.Formats, option{Value: f, Label: p.L["wire_format_"+f], Selected: f == form.Format})
	}
	tree, err := s.store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range treeOrder(tree) {
		d.Channels = append(d.Channels, option{Value: c.Path, Label: crumbLabel(tree, c, p.Lang, site.DefaultLanguage), Selected: c.Path == form.Channel})
	}
	for _, l := range siteLanguages(site) {
		d.Languages = append(d.Languages, option{Value: l, Label: p.L["lang_"+l], Selected: l == form.Language})
	}
	p.Data = d
	return p, nil
}

func (s *Server) wiresPage(w http.ResponseWriter, r *http.Request) error {
	site, err := s.store.Site(r.Context())
	if err != nil {
		return err
	}
	form := wireForm{Format: "rss", Language: site.DefaultLanguage, PollMinutes: strconv.Itoa(int(news.DefaultWirePoll / time.Minute)), Enabled: true}
	p, err := s.wiresView(r, form, false)
	if err != nil {
		return err
	}
	return s.show(w, http.StatusOK, "wires", p)
}

func (s *Server) wirePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	src, err := s.store.WireSource(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.wiresView(r, formOf(src), true)
	if err != nil {
		return err
	}
	p.Title = fmt.Sprintf(p.L["wire_edit_title"], src.Name)
	return s.show(w, http.StatusOK, "wires", p)
}

// sourceOf validates the form against the site and the channel tree.
func (s *Server) sourceOf(ctx context.Context, tx *store.Tx, f wireForm) (news.WireSource, error) {
	site, err := tx.Site(ctx)
	if err != nil {
		return news.WireSource{}, err
	}
	src := news.WireSource{ID: f.ID, Name: f.Name, URL: f.URL, Format: f.Format, Language: f.Language, Credit: f.Credit,
		AutoPublish: f.AutoPublish, Enabled: f.Enabled}
	v := &news.ValidationError{}
	if f.Channel != "" {
		c, err := tx.ChannelByPath(ctx, f.Channel)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return src, err
		}
		src.ChannelID, src.ChannelPath = c.ID, c.Path
	}
	minutes, perr := strconv.Atoi(f.PollMinutes)
	src.Poll = time.Duration(minutes) * time.Minute
	src.Validate(v, site)
	if perr == nil {
		return src, v.Err()
	}
	for i := range v.Fields {
		if v.Fields[i].Path == "poll" {
			v.Fields[i].Message = "must be a whole number of minutes"
		}
	}
	return src, v.Err()
}

func (s *Server) saveWire(w http.ResponseWriter, r *http.Request, id int64) error {
	ctx := r.Context()
	f := readWireForm(r.PostForm)
	f.ID = id
	var saved int64
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		src, err := s.sourceOf(ctx, tx, f)
		if err != nil {
			return err
		}
		if saved, err = tx.SaveWireSource(ctx, src, s.now()); err != nil {
			if errors.Is(err, store.ErrDuplicateWireURL) {
				return fieldErr("url", "another wire source already has this URL")
			}
			return err
		}
		action := "wire.update"
		if id == 0 {
			action = "wire.create"
		}
		_, err = tx.AppendAudit(ctx, s.auditEntry(r, action, fmt.Sprintf("wire %d", saved), map[string]string{
			"name": src.Name, "url": src.URL, "format": src.Format, "channel": src.ChannelPath, "language": src.Language,
			"credit": src.Credit, "poll": src.Poll.String(), "auto_publish": strconv.FormatBool(src.AutoPublish), "enabled": strconv.FormatBool(src.Enabled)}))
		return err
	})
	if err != nil {
		var v *news.ValidationError
		if !errors.As(err, &v) {
			return err
		}
		p, perr := s.wiresView(r, f, id != 0)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "wires", p, err)
	}
	key := "wire_saved"
	if id == 0 {
		key = "wire_created"
	}
	return s.flashRedirect(w, r, fmt.Sprintf(labels[s.lang(r)][key], f.Name), "/admin/wires")
}

func (s *Server) createWire(w http.ResponseWriter, r *http.Request) error { return s.saveWire(w, r, 0) }

func (s *Server) updateWire(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.store.WireSource(r.Context(), id); err != nil {
		return err
	}
	return s.saveWire(w, r, id)
}

func (s *Server) deleteWire(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var name string
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		src, err := tx.WireSource(ctx, id)
		if err != nil {
			return err
		}
		name = src.Name
		if err := tx.DeleteWireSource(ctx, id); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.auditEntry(r, "wire.delete", fmt.Sprintf("wire %d", id), map[string]string{"name": src.Name, "url": src.URL}))
		return err
	})
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, fmt.Sprintf(labels[s.lang(r)]["wire_deleted"], name), "/admin/wires")
}

func (s *Server) pollWire(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	src, err := s.store.WireSource(r.Context(), id)
	if err != nil {
		return err
	}
	if s.pollWireNow == nil {
		return errors.New("no wire poller in this server")
	}
	L := labels[s.lang(r)]
	summary, err := s.pollWireNow(r.Context(), id)
	msg := fmt.Sprintf(L["wire_polled"], src.Name, summary)
	if err != nil {
		msg = fmt.Sprintf(L["wire_poll_failed"], src.Name, err)
	}
	if aerr := s.store.Audit(r.Context(), s.auditEntry(r, "wire.poll", fmt.Sprintf("wire %d", id), map[string]string{"result": msg})); aerr != nil {
		return aerr
	}
	return s.flashRedirect(w, r, msg, "/admin/wires")
}

func (s *Server) saveAllowList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	entries, err := fetch.ParseAllowList([]string{r.PostForm.Get("allow")})
	if err != nil {
		p, perr := s.wiresView(r, wireForm{Enabled: true, PollMinutes: "5"}, false)
		if perr != nil {
			return perr
		}
		return s.invalid(w, "wires", p, fieldErr("allow", "%v", err))
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		changed, err := tx.SetFetchAllowList(ctx, entries)
		if err != nil || !changed {
			return err
		}
		_, err = tx.AppendAudit(ctx, s.auditEntry(r, "settings.fetch_allow", "fetch allow-list", map[string]string{"hosts": strings.Join(entries, " ")}))
		return err
	})
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, labels[s.lang(r)]["wire_allow_saved"], "/admin/wires")
}
