package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Outcome says what importing one item did.
type Outcome string

// The outcomes of importing one item.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	// Older means the stored version is newer than the file's; nothing changed.
	Older  Outcome = "older version ignored"
	Failed Outcome = "failed"
)

// ItemResult is the outcome of one file.
type ItemResult struct {
	Path    string
	Outcome Outcome
	Article news.Article
	Err     error
	// Notes are what an import changed or left out of an item that still
	// went in (an unsupported shortcode, a private post made a draft).
	Notes []string
}

// Summary counts the outcomes of a run.
type Summary struct {
	Counts map[Outcome]int
	Total  int
}

// Failed is the number of items that did not import.
func (s Summary) Failed() int { return s.Counts[Failed] }

func (s Summary) String() string {
	files := "files"
	if s.Total == 1 {
		files = "file"
	}
	return fmt.Sprintf("import: %d %s: %d created, %d updated, %d unchanged, %d older ignored, %d failed",
		s.Total, files, s.Counts[Created], s.Counts[Updated], s.Counts[Unchanged], s.Counts[Older], s.Counts[Failed])
}

// Importer imports ninjs documents into the store.
type Importer struct {
	Store     *store.Store
	Sanitizer *markup.Sanitizer
	// Now is the clock; tests set it.
	Now func() time.Time
}

// NinjsFiles expands the given files and folders (folders: every *.json file
// below them, in name order) into the list of files to import.
func NinjsFiles(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", arg, err)
		}
		if !info.IsDir() {
			out = append(out, arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".json") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", arg, err)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// Run imports each file into channel (a slug path; "" keeps the channel of an
// article already stored) and reports every result to progress as it goes.
func (im *Importer) Run(ctx context.Context, files []string, channel string, progress func(ItemResult)) Summary {
	sum := Summary{Counts: map[Outcome]int{}}
	for _, path := range files {
		var res ItemResult
		data, err := os.ReadFile(path)
		if err != nil {
			res = ItemResult{Path: path, Outcome: Failed, Err: err}
		} else {
			res = im.Ninjs(ctx, path, data, channel)
		}
		sum.Counts[res.Outcome]++
		sum.Total++
		if progress != nil {
			progress(res)
		}
	}
	return sum
}

// Ninjs imports one ninjs document in its own transaction. It is idempotent by
// uri: a re-import updates the stored article in place, an older
// versioncreated is ignored, and a move to a new URL leaves a redirect.
func (im *Importer) Ninjs(ctx context.Context, name string, data []byte, channel string) ItemResult {
	item, err := feed.ParseNinjs(data)
	if err != nil {
		return ItemResult{Path: name, Outcome: Failed, Err: err}
	}
	incoming := item.Article()
	incoming.BodyHTML = im.Sanitizer.Sanitize(incoming.BodyHTML)
	incoming.Summary = markup.PlainText(incoming.Summary)
	return im.land(ctx, landing{name: name, channel: channel, actor: "import"}, incoming)
}

// landing says how one incoming article lands: every source (ninjs files,
// feeds, wires, WordPress) goes through land, so updates in place, redirects
// on moves, the change log and the audit record work the same for all.
type landing struct {
	// name is the file or item named in results and the audit record.
	name string
	// channel is the target channel's path; "" keeps a stored article's.
	channel string
	// actor is who the audit record names ("import", "wire 3").
	actor string
	// find, when set, finds the stored article (exists false when there is
	// none) instead of looking it up by URI.
	find func(ctx context.Context, tx *store.Tx) (news.Article, bool, error)
	// newStatus is a new article's status; "" takes the incoming status.
	newStatus news.Status
	// keepStatus keeps a stored article's status on update (the review
	// queue stays the review queue), unless the source withdrew the copy.
	keepStatus bool
	// revision records each created or changed text as a revision, so
	// editors see what the source changed.
	revision bool
	// after runs inside the transaction once the outcome is known, for
	// every outcome but Failed.
	after func(ctx context.Context, tx *store.Tx, res ItemResult) error
	// details are added to the audit record.
	details map[string]string
	// keepChannel files only new articles under channel: a stored one
	// stays where the newsroom (or the source that brought it) put it.
	keepChannel bool
	// slugBase is the slug a new article would like (a WordPress post
	// name); "" slugifies the headline. A taken slug gets a number.
	slugBase string
}

// land stores incoming (already sanitized) in its own transaction. It is
// idempotent: a re-import updates the stored article in place, an older
// version is ignored, and a move to a new URL leaves a redirect. An
// incoming article without a language takes the site's default.
func (im *Importer) land(ctx context.Context, l landing, incoming news.Article) ItemResult {
	res := ItemResult{Path: l.name, Outcome: Failed}
	now := im.Now().UTC().Truncate(time.Microsecond)
	err := im.Store.InTx(ctx, func(tx *store.Tx) error {
		site, err := tx.Site(ctx)
		if err != nil {
			return err
		}
		if !site.Configured() {
			return errors.New("the site has no settings yet: run `newsdesk site apply FILE` first")
		}
		if incoming.Language == "" {
			incoming.Language = site.DefaultLanguage
		}
		if !site.HasLanguage(incoming.Language) {
			return &news.ValidationError{Fields: []news.FieldError{{Path: "language", Message: fmt.Sprintf("%q is not one of the site's languages %v", incoming.Language, site.Languages)}}}
		}
		var old news.Article
		var exists bool
		if l.find != nil {
			old, exists, err = l.find(ctx, tx)
			if err != nil {
				return err
			}
		} else {
			old, err = tx.ArticleByURI(ctx, incoming.URI)
			exists = err == nil
			if err != nil && !errors.Is(err, news.ErrNotFound) {
				return err
			}
		}
		after := func(r ItemResult) error {
			if l.after == nil {
				return nil
			}
			return l.after(ctx, tx, r)
		}
		if incoming.ReleaseAt.IsZero() {
			// Undated copy (feeds without dates) is released when it
			// first arrives, and keeps that time.
			incoming.ReleaseAt = now
			if exists {
				incoming.ReleaseAt = old.ReleaseAt
			}
		}
		if exists && !incoming.VersionCreated.IsZero() && incoming.VersionCreated.Before(old.VersionCreated) {
			res.Outcome, res.Article = Older, old
			return after(res)
		}
		switch {
		case exists && l.keepChannel:
			incoming.ChannelID, incoming.ChannelPath = old.ChannelID, old.ChannelPath
		case l.channel != "":
			c, err := tx.ChannelByPath(ctx, l.channel)
			if err != nil {
				return fmt.Errorf("--channel: %w", err)
			}
			incoming.ChannelID, incoming.ChannelPath = c.ID, c.Path
		case exists:
			incoming.ChannelID, incoming.ChannelPath = old.ChannelID, old.ChannelPath
		default:
			return errors.New("no channel for a new article: pass --channel PATH")
		}
		if exists {
			incoming.ID, incoming.CreatedAt, incoming.Slug, incoming.URI = old.ID, old.CreatedAt, old.Slug, old.URI
			// What the newsroom added stays: authorship, approval, notes.
			incoming.Version, incoming.Subheading = old.Version, old.Subheading
			incoming.AuthorID, incoming.LastEditorID, incoming.ApprovedByID = old.AuthorID, old.LastEditorID, old.ApprovedByID
			incoming.Corrections, incoming.RetractionNote, incoming.RetractedAt = old.Corrections, old.RetractionNote, old.RetractedAt
			if l.keepStatus && incoming.Status != news.StatusWithheld && incoming.Status != news.StatusCanceled {
				incoming.Status = old.Status
			}
			if incoming.ChannelID != old.ChannelID || incoming.Language != old.Language {
				incoming.Slug = ""
			}
		} else {
			incoming.CreatedAt = now
			if l.newStatus != "" && incoming.Status != news.StatusWithheld && incoming.Status != news.StatusCanceled {
				incoming.Status = l.newStatus
			}
		}
		if incoming.Slug == "" {
			base := l.slugBase
			if base == "" {
				base = news.Slugify(incoming.Headline)
			}
			if base == "" {
				base = "article"
			}
			incoming.Slug, err = tx.UniqueSlug(ctx, incoming.Language, incoming.ChannelID, base, incoming.ID)
			if err != nil {
				return err
			}
		}
		if incoming.Status == news.StatusPublished && incoming.VisibleFrom().After(now) {
			// Embargoed or future copy waits for the publish clock, which
			// announces it in the change log when it lifts.
			incoming.Status = news.StatusScheduled
		}
		if exists && old.Status == news.StatusPublished && incoming.Status == news.StatusScheduled && !incoming.VisibleFrom().After(now) {
			incoming.Status = news.StatusPublished
		}
		incoming.UpdatedAt = old.UpdatedAt
		if exists && sameContent(old, incoming) {
			res.Outcome, res.Article = Unchanged, old
			return after(res)
		}
		incoming.UpdatedAt = now
		if exists {
			incoming.Version = old.Version + 1
		}
		v := &news.ValidationError{}
		incoming.Validate(v)
		if err := v.Err(); err != nil {
			return err
		}
		id, err := tx.SaveArticle(ctx, incoming)
		if err != nil {
			return err
		}
		incoming.ID = id
		if l.revision && (!exists || old.Headline != incoming.Headline || old.Summary != incoming.Summary || old.BodyHTML != incoming.BodyHTML) {
			version := max(incoming.Version, 1)
			if _, err := tx.AddRevision(ctx, store.Revision{ArticleID: id, Version: version, At: now,
				Headline: incoming.Headline, Subheading: incoming.Subheading, Summary: incoming.Summary, BodyHTML: incoming.BodyHTML}); err != nil {
				return err
			}
		}
		if exists {
			loc := site.Location()
			if from, to := old.Path(loc), incoming.Path(loc); from != to {
				if err := tx.AddRedirect(ctx, from, to, now); err != nil {
					return err
				}
			}
			res.Outcome = Updated
		} else {
			res.Outcome = Created
		}
		res.Article = incoming
		// Readers notice: tell the change log, and keep the record.
		wasVisible, isVisible := exists && old.VisibleAt(now), incoming.VisibleAt(now)
		kind := news.ChangeNone
		switch {
		case isVisible && !wasVisible:
			kind = news.ChangePublish
		case isVisible && wasVisible:
			kind = news.ChangeUpdate
		case wasVisible && !isVisible:
			kind = news.ChangeUnpublish
		}
		if kind != news.ChangeNone {
			details := map[string]string{"source": l.actor, "uri": incoming.URI}
			if exists {
				maps.Copy(details, news.MovedFrom(old, incoming, site.Location()))
			}
			if _, err := tx.AppendChange(ctx, store.Change{At: now, ArticleID: id, Kind: kind, Details: details}); err != nil {
				return err
			}
		}
		details := map[string]string{"uri": incoming.URI, "outcome": string(res.Outcome), "status": string(incoming.Status), "file": l.name}
		for k, v := range l.details {
			details[k] = v
		}
		if _, err := tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: l.actor, Action: "article.import", Target: fmt.Sprintf("article %d", id),
			Details: details}); err != nil {
			return err
		}
		return after(res)
	})
	if err != nil {
		res.Outcome, res.Err = Failed, err
	}
	return res
}

// sameContent reports whether b would change nothing readers or editors see.
func sameContent(a, b news.Article) bool {
	norm := func(x news.Article) news.Article {
		x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{}
		x.ReleaseAt, x.EmbargoUntil, x.VersionCreated = x.ReleaseAt.UTC(), x.EmbargoUntil.UTC(), x.VersionCreated.UTC()
		x.Tags = normalTags(x.Tags)
		return x
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// normalTags trims, de-duplicates and sorts tags the way the store keeps them.
func normalTags(tags []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}
