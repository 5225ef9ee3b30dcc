package news

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Status is where an article stands in its life. Imports and the newsroom set it;
// Visible decides from it (and the clock) whether readers see the article.
type Status string

// The statuses an article can have.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	// StatusWithheld is published copy taken back, as ninjs pubstatus "withheld".
	StatusWithheld Status = "withheld"
	// StatusCanceled is copy killed by its source, as ninjs pubstatus "canceled".
	StatusCanceled Status = "canceled"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusPublished, StatusWithheld, StatusCanceled,
		StatusInReview, StatusApproved, StatusScheduled, StatusUnpublished, StatusRetracted:
		return true
	}
	return false
}

// Article is one story in one language.
type Article struct {
	ID       int64
	URI      string // external identifier (ninjs uri); "" for articles written here
	Language string
	// ChannelID and ChannelPath name the channel the article is filed under.
	ChannelID   int64
	ChannelPath string
	Headline    string
	Subheading  string
	Slug        string
	Summary     string
	// BodyHTML is sanitized HTML, safe to send to readers as it is.
	BodyHTML string
	Byline   string
	// Source is the credit for wire or third-party copy ("Xinhua").
	Source string
	// Editor is the responsible editor named under the article.
	Editor string
	Tags   []string
	Status Status
	// ReleaseAt is the release time readers see ("Release Date:").
	ReleaseAt time.Time
	// EmbargoUntil, when not zero, holds the article back until then even if
	// ReleaseAt has passed.
	EmbargoUntil time.Time
	// VersionCreated is the source's version time; older versions are ignored.
	VersionCreated time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time

	// AuthorID wrote the first version; LastEditorID saved the latest; both
	// 0 for imported copy. ApprovedByID approved it for publication.
	AuthorID, LastEditorID, ApprovedByID int64
	// Version counts saves, for optimistic locking: a save names the
	// version it started from and is refused when someone saved since.
	Version int64
	// Corrections are the dated notes of a corrected article.
	Corrections []Correction
	// RetractionNote and RetractedAt are set when the article is retracted.
	RetractionNote string
	RetractedAt    time.Time

	// LeadMediaID is the lead image from the media library (0: none);
	// LeadCaption and LeadCredit, when set, replace the image's own
	// caption and credit on this article.
	LeadMediaID             int64
	LeadCaption, LeadCredit string
	// Attachments are the library documents listed under the article as
	// downloads, in order.
	Attachments []int64
}

// VisibleFrom is the instant from which readers may see the article, or the
// zero time when they may never see it in its current status. It is the one
// visibility rule; storage keeps it in a column so every query can apply it.
func (a Article) VisibleFrom() time.Time {
	switch {
	case a.ReleaseAt.IsZero():
		return time.Time{}
	case a.Status == StatusRetracted:
		// The URL stays, with its retraction notice.
		return a.ReleaseAt.UTC()
	case a.Status != StatusPublished && a.Status != StatusScheduled:
		return time.Time{}
	}
	if a.EmbargoUntil.After(a.ReleaseAt) {
		return a.EmbargoUntil.UTC()
	}
	return a.ReleaseAt.UTC()
}

// VisibleAt reports whether a reader may see the article at now.
func (a Article) VisibleAt(now time.Time) bool {
	from := a.VisibleFrom()
	return !from.IsZero() && !from.After(now)
}

// Path is the article's public URL path in the site's time zone:
// /{lang}/{channel path}/{yyyy}/{mm}/{dd}/{slug}/.
func (a Article) Path(loc *time.Location) string {
	d := a.ReleaseAt.In(loc)
	return fmt.Sprintf("/%s/%s/%04d/%02d/%02d/%s/", a.Language, a.ChannelPath, d.Year(), int(d.Month()), d.Day(), a.Slug)
}

// Validate checks the fields every stored article needs; path prefixes the
// field names in the errors (e.g. a file name or JSON path).
func (a Article) Validate(v *ValidationError) {
	if !IsKnownLanguage(a.Language) {
		v.Add("language", "unknown language %q (known: %s)", a.Language, strings.Join(KnownLanguages, ", "))
	}
	if strings.TrimSpace(a.Headline) == "" {
		v.Add("headline", "is empty")
	}
	if a.ChannelID == 0 {
		v.Add("channel", "no channel given")
	}
	if !a.Status.Valid() {
		v.Add("status", "unknown status %q", a.Status)
	}
	if (a.Status == StatusPublished || a.Status == StatusScheduled || a.Status == StatusRetracted) && a.ReleaseAt.IsZero() {
		v.Add("release time", "a published or scheduled article needs a release time")
	}
	if a.Slug != "" && !ValidSlug(a.Slug) {
		v.Add("slug", "%q is not a valid slug", a.Slug)
	}
}

// maxTagBytes bounds a tag: longer text is no label a reader clicks.
const maxTagBytes = 200

// CleanTags is the tags an article may carry: trimmed, without empty ones,
// duplicates, control characters or the names "." and ".." (a tag is one
// segment of its page's URL, /{lang}/tags/{tag}/, and those two would name
// another page), and none longer than 200 bytes.
func CleanTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, t))
		if t == "" || t == "." || t == ".." || len(t) > maxTagBytes || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}
