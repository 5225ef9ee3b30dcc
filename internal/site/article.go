package site

import (
	"html/template"
	"net/url"
	"time"

	"newsdesk/internal/news"
)

// noticeLayout is how correction and retraction times read: to the minute,
// in the site's zone.
const noticeLayout = "2006-01-02 15:04"

// updatedAfter is how long after its release an article may change (the
// publish step itself, a typo fixed at once) before it reads as updated.
const updatedAfter = time.Minute

// articlePage is an article's page as readers see it: the published page
// and the newsroom's preview both come from here, so a preview is exactly
// what will be published.
func articlePage(f frame, a news.Article, am articleMedia) *pageData {
	lang := a.Language
	loc := f.loc
	release := a.ReleaseAt.In(loc)
	p := newPage(f, lang, a.ChannelPath)
	p.Title = a.Headline
	p.Description = a.Summary
	p.setCrumbs(f, a.ChannelPath)
	av := &articleView{
		Headline: a.Headline, Summary: a.Summary, Byline: a.Byline, Source: a.Source, Editor: a.Editor,
		Release: release.Format(releaseLayout), ISO: release.Format(time.RFC3339),
		// BodyHTML was sanitized when it was stored.
		Body: template.HTML(withSrcset(a.BodyHTML, am.body)),
		Lead: leadFigure(a, am.lead), Downloads: downloads(am.attachments),
	}
	if u := lastUpdate(a); u.Sub(a.ReleaseAt) > updatedAfter {
		u = u.In(loc)
		av.Updated, av.UpdatedISO = u.Format(releaseLayout), u.Format(time.RFC3339)
	}
	for _, t := range a.Tags {
		av.Tags = append(av.Tags, link{Name: t, URL: tagURL(lang, t)})
	}
	for _, c := range a.Corrections {
		av.Corrections = append(av.Corrections, datedNote(c.At, c.Note, loc))
	}
	if a.Status == news.StatusRetracted {
		d := datedNote(a.RetractedAt, a.RetractionNote, loc)
		av.Retraction = &d
	}
	p.Article = av
	return p
}

// lastUpdate is when readers last saw the article change. For copy written
// or edited here that is its last save or workflow step. Imported copy that
// nobody here has edited records its arrival in UpdatedAt, which is no
// change of the story: the source's version time and any correction count.
func lastUpdate(a news.Article) time.Time {
	if a.VersionCreated.IsZero() || a.LastEditorID != 0 {
		return a.UpdatedAt
	}
	t := a.VersionCreated
	for _, c := range a.Corrections {
		if c.At.After(t) {
			t = c.At
		}
	}
	return t
}

func datedNote(at time.Time, note string, loc *time.Location) dated {
	t := at.In(loc)
	return dated{Date: t.Format(noticeLayout), ISO: t.Format(time.RFC3339), Note: note}
}

// tagURL is the listing of a tag; any tag text, Chinese or with a slash,
// is one escaped path segment.
func tagURL(lang, tag string) string {
	return "/" + lang + "/tags/" + url.PathEscape(tag) + "/"
}
