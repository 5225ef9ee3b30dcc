package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// pinsForm is the edit page's "Lead stories" form: whether the article is
// pinned on its language's home page and on its channel's listing, and where.
type pinsForm struct {
	HomeLabel           string
	Home, Channel       bool
	HomePos, ChannelPos string
}

// pinsView fills the form from where a is pinned now, or from the form as
// submitted when it is shown again.
func (s *Server) pinsView(r *http.Request, p *page, a news.Article) (*pinsForm, error) {
	name := p.L["lang_"+a.Language]
	if name == "" {
		name = a.Language
	}
	pf := &pinsForm{HomeLabel: fmt.Sprintf(p.L["pin_home"], name), HomePos: "1", ChannelPos: "1"}
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/pins") {
		f := r.PostForm
		pf.Home, pf.Channel = f.Get("home") != "", f.Get("channel") != ""
		pf.HomePos, pf.ChannelPos = f.Get("home_position"), f.Get("channel_position")
		return pf, nil
	}
	pins, err := s.store.Pins(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	for _, pin := range pins {
		switch pin.Scope {
		case store.HomeScope(a.Language):
			pf.Home, pf.HomePos = true, strconv.Itoa(pin.Position)
		case store.ChannelScope(a.ChannelPath):
			pf.Channel, pf.ChannelPos = true, strconv.Itoa(pin.Position)
		}
	}
	return pf, nil
}

// maxPinPosition bounds the position field.
const maxPinPosition = 999

// pinPosition reads a position field: a whole number from 1.
func pinPosition(v string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil && n >= 1 && n <= maxPinPosition
}

// pinArticle pins or unpins the article on its language's home page and on
// its channel's listing. Pinning puts a story in front of every reader, so
// it takes the right to publish in the article's channel.
func (s *Server) pinArticle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.store.ArticleByID(ctx, id)
	if err != nil {
		return err
	}
	if !userOf(r).May(news.ActionPublish, articleTarget(a)) {
		return errForbidden
	}
	f := r.PostForm
	type choice struct {
		scope, field string
		on           bool
		pos          int
	}
	choices := []choice{
		{scope: store.HomeScope(a.Language), field: "home", on: f.Get("home") != ""},
		{scope: store.ChannelScope(a.ChannelPath), field: "channel", on: f.Get("channel") != ""},
	}
	l := labels[s.lang(r)]
	details := map[string]string{}
	for i, c := range choices {
		details[c.scope] = "unpinned"
		if !c.on {
			continue
		}
		pos, ok := pinPosition(f.Get(c.field + "_position"))
		if !ok {
			p, err := s.editView(r, a, nil, 0)
			if err != nil {
				return err
			}
			p.Errors["pins"] = fmt.Sprintf(l["pin_position_invalid"], maxPinPosition)
			return s.show(w, http.StatusUnprocessableEntity, "article_edit", p)
		}
		choices[i].pos = pos
		details[c.scope] = strconv.Itoa(pos)
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		for _, c := range choices {
			var err error
			if c.on {
				err = tx.SetPin(ctx, c.scope, a.ID, c.pos)
			} else {
				err = tx.RemovePin(ctx, c.scope, a.ID)
			}
			if err != nil {
				return err
			}
		}
		scopes := make([]string, 0, len(choices))
		for _, c := range choices {
			scopes = append(scopes, c.scope)
		}
		if _, err := tx.AppendChange(ctx, store.Change{At: s.now(), ArticleID: a.ID, Kind: news.ChangePins, Details: map[string]string{"scopes": strings.Join(scopes, "\n")}}); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, s.auditEntry(r, "article.pin", "article "+itoa(a.ID), details))
		return err
	})
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, l["pins_saved"], articleURL(a.ID))
}
