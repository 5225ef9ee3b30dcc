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
}

// Summary counts the outcomes of a run.
type Summary struct {
	Counts map[Outcome]int
	Total  int
}

// Failed is the number of items that did not import.
func (s Summary) Failed() int { return s.Counts[Failed] }

func (s Summary) String() string {
	return fmt.Sprintf("import: %d files: %d created, %d updated, %d unchanged, %d older ignored, %d failed",
		s.Total, s.Counts[Created], s.Counts[Updated], s.Counts[Unchanged], s.Counts[Older], s.Counts[Failed])
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
	res := ItemResult{Path: name, Outcome: Failed}
	item, err := feed.ParseNinjs(data)
	if err != nil {
		res.Err = err
		return res
	}
	incoming := item.Article()
	incoming.BodyHTML = im.Sanitizer.Sanitize(incoming.BodyHTML)
	incoming.Summary = markup.PlainText(incoming.Summary)
	now := im.Now().UTC().Truncate(time.Microsecond)

	err = im.Store.InTx(ctx, func(tx *store.Tx) error {
		site, err := tx.Site(ctx)
		if err != nil {
			return err
		}
		if !site.Configured() {
			return errors.New("the site has no settings yet: run `newsdesk site apply FILE` first")
		}
		if !site.HasLanguage(incoming.Language) {
			return &news.ValidationError{Fields: []news.FieldError{{Path: "language", Message: fmt.Sprintf("%q is not one of the site's languages %v", incoming.Language, site.Languages)}}}
		}
		old, err := tx.ArticleByURI(ctx, incoming.URI)
		exists := err == nil
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return err
		}
		if exists && !incoming.VersionCreated.IsZero() && incoming.VersionCreated.Before(old.VersionCreated) {
			res.Outcome, res.Article = Older, old
			return nil
		}
		switch {
		case channel != "":
			c, err := tx.ChannelByPath(ctx, channel)
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
			incoming.ID, incoming.CreatedAt, incoming.Slug = old.ID, old.CreatedAt, old.Slug
			// What the newsroom added stays: authorship, approval, notes.
			incoming.Version, incoming.Subheading = old.Version, old.Subheading
			incoming.AuthorID, incoming.LastEditorID, incoming.ApprovedByID = old.AuthorID, old.LastEditorID, old.ApprovedByID
			incoming.Corrections, incoming.RetractionNote, incoming.RetractedAt = old.Corrections, old.RetractionNote, old.RetractedAt
			if incoming.ChannelID != old.ChannelID || incoming.Language != old.Language {
				incoming.Slug = ""
			}
		} else {
			incoming.CreatedAt = now
		}
		if incoming.Slug == "" {
			base := news.Slugify(incoming.Headline)
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
			return nil
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
			details := map[string]string{"source": "import", "uri": incoming.URI}
			if exists {
				maps.Copy(details, news.MovedFrom(old, incoming, site.Location()))
			}
			if _, err := tx.AppendChange(ctx, store.Change{At: now, ArticleID: id, Kind: kind, Details: details}); err != nil {
				return err
			}
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: "import", Action: "article.import", Target: fmt.Sprintf("article %d", id),
			Details: map[string]string{"uri": incoming.URI, "outcome": string(res.Outcome), "status": string(incoming.Status), "file": name}})
		return err
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
