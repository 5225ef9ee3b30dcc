package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"

	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// revisionsData is what revisions.html shows.
type revisionsData struct {
	Article news.Article
	Rows    []revisionRow
	CanSave bool
}

type revisionRow struct {
	ID             int64
	Version        int64
	At, Author     string
	Autosave       bool
	Headline       string
	CheckA, CheckB bool
	Current        bool
}

// revisionsPage lists the article's revisions; with ?a=ID&b=ID it shows
// the difference between two of them.
func (s *Server) revisionsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.editableArticle(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if q.Has("a") || q.Has("b") {
		return s.diffPage(w, r, a)
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(ctx, a.ID)
	if err != nil {
		return err
	}
	names, err := s.userNames(ctx)
	if err != nil {
		return err
	}
	loc := site.Location()
	p := s.newPage(r, "revisions")
	p.Title = fmt.Sprintf(p.L["revisions_title"], a.Headline)
	d := &revisionsData{Article: a, CanSave: mayRestore(userOf(r), a)}
	for i, rev := range revs {
		d.Rows = append(d.Rows, revisionRow{ID: rev.ID, Version: rev.Version, At: localTime(rev.At, loc), Author: names[rev.AuthorID],
			Autosave: rev.Autosave, Headline: rev.Headline, CheckB: i == 0, CheckA: i == 1 || len(revs) == 1,
			Current: rev.Version == a.Version})
	}
	p.Data = d
	return s.show(w, http.StatusOK, "revisions", p)
}

// mayRestore mirrors the service's rule for saves: what readers can see is
// changed only by those who may publish it.
func mayRestore(u news.User, a news.Article) bool {
	t := articleTarget(a)
	return u.May(news.ActionEditArticle, t) && (a.VisibleFrom().IsZero() || u.May(news.ActionPublish, t))
}

// diffData is what diff.html shows.
type diffData struct {
	Article   news.Article
	A, B      revisionMeta
	Sections  []diffSection
	ByChar    bool
	Identical bool
}

type revisionMeta struct {
	ID, Version int64
	At, Author  string
	Autosave    bool
}

type diffSection struct {
	Label string
	Parts []diffPart
	Same  bool
}

// diffPart is a run of text that is in both revisions ("="), only in the
// newer ("+") or only in the older ("-").
type diffPart struct {
	Op   string
	Text string
}

func (s *Server) diffPage(w http.ResponseWriter, r *http.Request, a news.Article) error {
	ctx := r.Context()
	q := r.URL.Query()
	load := func(key string) (store.Revision, error) {
		id, err := strconv.ParseInt(q.Get(key), 10, 64)
		if err != nil {
			return store.Revision{}, news.ErrNotFound
		}
		return s.store.RevisionByID(ctx, a.ID, id)
	}
	older, err := load("a")
	if err != nil {
		return err
	}
	newer, err := load("b")
	if err != nil {
		return err
	}
	if older.ID > newer.ID {
		older, newer = newer, older
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	names, err := s.userNames(ctx)
	if err != nil {
		return err
	}
	loc := site.Location()
	meta := func(rev store.Revision) revisionMeta {
		return revisionMeta{ID: rev.ID, Version: rev.Version, At: localTime(rev.At, loc), Author: names[rev.AuthorID], Autosave: rev.Autosave}
	}
	p := s.newPage(r, "diff")
	p.Title = fmt.Sprintf(p.L["diff_title"], a.Headline)
	byChar := charLevel(a.Language)
	d := &diffData{Article: a, A: meta(older), B: meta(newer), ByChar: byChar, Identical: true}
	// The headline, subheading and summary are plain text already; the
	// body is compared as the text a reader sees, not as markup.
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, part := range []struct{ label, old, new string }{
		{p.L["headline"], squeeze(older.Headline), squeeze(newer.Headline)},
		{p.L["subheading"], squeeze(older.Subheading), squeeze(newer.Subheading)},
		{p.L["summary"], squeeze(older.Summary), squeeze(newer.Summary)},
		{p.L["body"], markup.PlainText(older.BodyHTML), markup.PlainText(newer.BodyHTML)},
	} {
		old, neu := part.old, part.new
		sec := diffSection{Label: part.label, Parts: diffText(old, neu, byChar), Same: old == neu}
		d.Identical = d.Identical && sec.Same
		d.Sections = append(d.Sections, sec)
	}
	p.Data = d
	return s.show(w, http.StatusOK, "diff", p)
}

// charLevel reports whether text in lang is compared character by
// character: Chinese is written without spaces between words.
func charLevel(lang string) bool { return lang == "zh" }

// diffText compares two plain texts word by word (runs of letters between
// spaces) or character by character.
func diffText(old, neu string, byChar bool) []diffPart {
	dmp := diffmatchpatch.New()
	var diffs []diffmatchpatch.Diff
	if byChar {
		diffs = dmp.DiffCleanupSemantic(dmp.DiffMain(old, neu, false))
	} else {
		var ra, rb []rune
		var tokens []string
		ra, rb, tokens = wordRunes(old, neu)
		if tokens == nil {
			return diffText(old, neu, true) // more distinct words than runes to name them
		}
		diffs = dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
		for i, df := range diffs {
			var b strings.Builder
			for _, r := range df.Text {
				b.WriteString(tokens[tokenIndex(r)])
			}
			diffs[i].Text = b.String()
		}
	}
	var out []diffPart
	for _, df := range diffs {
		op := map[diffmatchpatch.Operation]string{diffmatchpatch.DiffEqual: "=", diffmatchpatch.DiffInsert: "+", diffmatchpatch.DiffDelete: "-"}[df.Type]
		if df.Text == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += df.Text
			continue
		}
		out = append(out, diffPart{Op: op, Text: df.Text})
	}
	return out
}

// wordRunes names each distinct word and each run of spaces of both texts
// by one rune, so the character diff compares whole words. It returns nil
// tokens when there are too many distinct ones to name.
func wordRunes(a, b string) ([]rune, []rune, []string) {
	var tokens []string
	index := map[string]rune{}
	encode := func(s string) []rune {
		var out []rune
		for _, t := range splitWords(s) {
			r, ok := index[t]
			if !ok {
				r = tokenRune(len(tokens))
				if r < 0 {
					return nil
				}
				index[t] = r
				tokens = append(tokens, t)
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	if (ra == nil && a != "") || (rb == nil && b != "") {
		return nil, nil, nil
	}
	if tokens == nil {
		tokens = []string{}
	}
	return ra, rb, tokens
}

// tokenRune and tokenIndex map token numbers to runes and back, skipping
// the surrogate range, which a Go string cannot hold.
func tokenRune(i int) rune {
	if i >= 0xD800 {
		i += 0x800
	}
	if i > unicode.MaxRune {
		return -1
	}
	return rune(i)
}

func tokenIndex(r rune) int {
	if r >= 0xE000 {
		return int(r) - 0x800
	}
	return int(r)
}

// splitWords cuts s into words and the spaces between them, keeping both,
// so that joining the pieces gives s back.
func splitWords(s string) []string {
	var out []string
	start := 0
	space := false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if i > start && sp != space {
			out = append(out, s[start:i])
			start = i
		}
		space = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// restoreRevision saves the text of an old revision as a new version; the
// other fields stay as they are now.
func (s *Server) restoreRevision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.editableArticle(r)
	if err != nil {
		return err
	}
	revID, err := strconv.ParseInt(r.PathValue("rev"), 10, 64)
	if err != nil {
		return news.ErrNotFound
	}
	rev, err := s.store.RevisionByID(ctx, a.ID, revID)
	if err != nil {
		return err
	}
	d := editorial.Draft{Language: a.Language, Channel: a.ChannelPath, Headline: rev.Headline, Subheading: rev.Subheading,
		Slug: a.Slug, Summary: rev.Summary, BodyHTML: rev.BodyHTML, Byline: a.Byline, Source: a.Source, Editor: a.Editor,
		Tags: a.Tags, EmbargoUntil: a.EmbargoUntil}
	l := labels[s.lang(r)]
	back := articleURL(a.ID) + "/revisions"
	saved, err := s.editorial.Save(ctx, userOf(r), s.clientIP(r), a.ID, a.Version, d, false)
	var conflict *editorial.ConflictError
	if errors.As(err, &conflict) {
		return s.flashRedirect(w, r, fmt.Sprintf(l["restore_conflict"], conflict.By), back)
	}
	if err != nil {
		return err
	}
	if err := s.store.Audit(ctx, s.auditEntry(r, "article.restore", fmt.Sprintf("article %d", a.ID), map[string]string{
		"revision": itoa(rev.ID), "from_version": itoa(rev.Version), "version": itoa(saved.Version)})); err != nil {
		return err
	}
	return s.flashRedirect(w, r, fmt.Sprintf(l["restored"], rev.Version, saved.Version), back)
}
