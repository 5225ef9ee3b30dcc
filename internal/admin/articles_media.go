package admin

import (
	"context"
	"strconv"
	"strings"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// articleMediaForm is the lead image and downloads part of the editor's
// form. Present marks a form that has it (the hidden media_fields field):
// a form without it leaves the article's media as they are.
type articleMediaForm struct {
	Present                       bool
	Lead, LeadCaption, LeadCredit string
	Attachments                   []string
}

func mediaFormOfArticle(a news.Article) articleMediaForm {
	f := articleMediaForm{Present: true, LeadCaption: a.LeadCaption, LeadCredit: a.LeadCredit}
	if a.LeadMediaID != 0 {
		f.Lead = strconv.FormatInt(a.LeadMediaID, 10)
	}
	for _, id := range a.Attachments {
		f.Attachments = append(f.Attachments, strconv.FormatInt(id, 10))
	}
	return f
}

func mediaFormOfRequest(v map[string][]string) articleMediaForm {
	get := func(k string) string {
		if len(v[k]) > 0 {
			return v[k][0]
		}
		return ""
	}
	return articleMediaForm{Present: get("media_fields") == "1", Lead: get("lead_media"),
		LeadCaption: get("lead_caption"), LeadCredit: get("lead_credit"), Attachments: v["attachments"]}
}

// draft reads the ids; the editorial service checks what they name.
func (f articleMediaForm) draft(v *news.ValidationError) *editorial.DraftMedia {
	if !f.Present {
		return nil
	}
	d := &editorial.DraftMedia{LeadCaption: f.LeadCaption, LeadCredit: f.LeadCredit}
	if s := strings.TrimSpace(f.Lead); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 0 {
			v.Add("lead_media", "%q is not a media id", s)
		}
		d.LeadID = id
	}
	for _, s := range f.Attachments {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || id <= 0 {
			v.Add("attachments", "%q is not a media id", s)
			continue
		}
		d.Attachments = append(d.Attachments, id)
	}
	return d
}

// mediaChoice is what the editor offers: the newest images for the lead
// (and the chosen one, however old), its caption and credit, and the
// newest documents as downloads (and the chosen ones).
type mediaChoice struct {
	Leads                   []option
	Lead                    *mediaItem
	LeadCaption, LeadCredit string
	Docs                    []docChoice
}

// docChoice is one document offered as a download.
type docChoice struct {
	ID      int64
	Label   string
	Checked bool
}

// mediaChoiceSize is how many of the newest images and documents the
// editor lists without JavaScript; the picker searches them all.
const mediaChoiceSize = 100

func (s *Server) mediaChoice(ctx context.Context, f articleMediaForm) (*mediaChoice, error) {
	if s.media == nil {
		return nil, nil
	}
	c := &mediaChoice{LeadCaption: f.LeadCaption, LeadCredit: f.LeadCredit}
	images, _, err := s.store.ListMedia(ctx, store.MediaQuery{Kind: news.MediaImage, Limit: mediaChoiceSize})
	if err != nil {
		return nil, err
	}
	leadID, _ := strconv.ParseInt(strings.TrimSpace(f.Lead), 10, 64)
	if leadID != 0 {
		if m, err := s.store.MediaByID(ctx, leadID); err == nil && m.Kind == news.MediaImage {
			it := mediaItemOf(m, nil)
			c.Lead = &it
			if !containsMedia(images, m.ID) {
				images = append([]news.Media{m}, images...)
			}
		}
	}
	for _, m := range images {
		label := m.Filename
		if m.Alt == "" {
			label += " ⚠"
		}
		c.Leads = append(c.Leads, option{Value: strconv.FormatInt(m.ID, 10), Label: label, Selected: m.ID == leadID})
	}
	docs, _, err := s.store.ListMedia(ctx, store.MediaQuery{Kind: news.MediaDocument, Limit: mediaChoiceSize})
	if err != nil {
		return nil, err
	}
	chosen := map[int64]bool{}
	var chosenIDs []int64
	for _, a := range f.Attachments {
		if id, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64); err == nil && !chosen[id] {
			chosen[id] = true
			chosenIDs = append(chosenIDs, id)
		}
	}
	// The chosen ones first, in their order, then the rest, newest first.
	first, err := s.store.MediaByIDs(ctx, chosenIDs)
	if err != nil {
		return nil, err
	}
	for _, m := range first {
		c.Docs = append(c.Docs, docChoice{ID: m.ID, Label: docLabel(m), Checked: true})
	}
	for _, m := range docs {
		if !chosen[m.ID] {
			c.Docs = append(c.Docs, docChoice{ID: m.ID, Label: docLabel(m)})
		}
	}
	return c, nil
}

func docLabel(m news.Media) string {
	return m.Filename + " (" + strings.ToUpper(m.Ext) + ", " + humanSize(m.Bytes) + ")"
}

func containsMedia(list []news.Media, id int64) bool {
	for _, m := range list {
		if m.ID == id {
			return true
		}
	}
	return false
}
