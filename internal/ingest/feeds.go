package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Duplicate means the item's content already arrived under another GUID
// from the same source; nothing was stored.
const Duplicate Outcome = "duplicate"

// FeedSource says where a feed's items go and how they are credited.
type FeedSource struct {
	// SourceID is the wire source the feed came from; 0 for a one-off
	// import, whose items are then recognised by URI alone.
	SourceID int64
	// Key scopes item GUIDs that are not URIs themselves ("42" means
	// nothing outside its feed) when the feed has no link of its own: the
	// source's URL, or the file imported.
	Key string
	// Channel is the channel new articles are filed under; articles
	// already stored stay where they are.
	Channel string
	// Language overrides the items' and the feed's language; "" takes the
	// item's, else the feed's, else the site's default.
	Language string
	// Credit is the articles' source line; "" takes a ninjs item's own
	// credit, else the feed's title.
	Credit string
	// AutoPublish publishes new items at once; otherwise they wait in the
	// review queue (status in-review).
	AutoPublish bool
	// Actor names the importer in the audit record ("import", "wire 3").
	Actor string
}

// FeedSummary counts the outcomes of importing one feed.
type FeedSummary struct {
	Summary
}

func (s FeedSummary) String() string {
	return fmt.Sprintf("import feed: %d items: %d created, %d updated, %d unchanged, %d duplicates, %d older ignored, %d failed",
		s.Total, s.Counts[Created], s.Counts[Updated], s.Counts[Unchanged], s.Counts[Duplicate], s.Counts[Older], s.Counts[Failed])
}

// Feed imports every item of f, each in its own transaction, and reports
// each result to progress as it goes.
func (im *Importer) Feed(ctx context.Context, src FeedSource, f feed.IncomingFeed, progress func(ItemResult)) FeedSummary {
	sum := FeedSummary{Summary{Counts: map[Outcome]int{}}}
	for i, it := range f.Items {
		res := im.FeedItem(ctx, src, f, i, it)
		sum.Counts[res.Outcome]++
		sum.Total++
		if progress != nil {
			progress(res)
		}
	}
	return sum
}

// FeedItem imports item number i of f. An item is known by its GUID (per
// source) or URI and by the hash of its content: an unchanged item changes
// nothing, a changed one becomes a new revision of the same article, and
// the same content under a new GUID is a duplicate.
func (im *Importer) FeedItem(ctx context.Context, src FeedSource, f feed.IncomingFeed, i int, it feed.IncomingItem) ItemResult {
	name := fmt.Sprintf("item %d", i+1)
	if it.GUID != "" {
		name += " (" + it.GUID + ")"
	}
	if it.Err != nil {
		return ItemResult{Path: name, Outcome: Failed, Err: it.Err}
	}
	hash := contentHash(it)
	now := im.Now().UTC().Truncate(time.Microsecond)
	if src.SourceID != 0 {
		// Polls of one source never overlap (the poller holds its lease),
		// so these reads need no transaction of their own.
		rec, err := im.Store.WireItemByGUID(ctx, src.SourceID, it.GUID)
		switch {
		case err == nil && rec.ContentHash == hash:
			a, err := im.Store.ArticleByID(ctx, rec.ArticleID)
			if err == nil || rec.ArticleID == 0 {
				return ItemResult{Path: name, Outcome: Unchanged, Article: a}
			}
		case errors.Is(err, news.ErrNotFound):
			if dup, err := im.Store.WireItemByHash(ctx, src.SourceID, hash); err == nil {
				// The same story sent again under a new GUID: remember the
				// GUID, so its later changes update the first article.
				dup.GUID, dup.LastSeenAt = it.GUID, now
				if err := im.Store.PutWireItem(ctx, dup); err != nil {
					return ItemResult{Path: name, Outcome: Failed, Err: err}
				}
				a, _ := im.Store.ArticleByID(ctx, dup.ArticleID)
				return ItemResult{Path: name, Outcome: Duplicate, Article: a}
			}
		case err != nil:
			return ItemResult{Path: name, Outcome: Failed, Err: err}
		}
	}

	incoming := feedArticle(src, f, it)
	incoming.BodyHTML = im.Sanitizer.Sanitize(incoming.BodyHTML)
	incoming.Summary = markup.PlainText(incoming.Summary)
	status := news.StatusInReview
	if src.AutoPublish {
		status = news.StatusPublished
	}
	actor := src.Actor
	if actor == "" {
		actor = "import"
	}
	l := landing{name: name, channel: src.Channel, actor: actor, newStatus: status, keepStatus: true, keepChannel: true, revision: true,
		details: map[string]string{"guid": it.GUID}}
	if src.SourceID != 0 {
		l.details["wire_source"] = fmt.Sprint(src.SourceID)
		l.find = func(ctx context.Context, tx *store.Tx) (news.Article, bool, error) {
			rec, err := tx.WireItemByGUID(ctx, src.SourceID, it.GUID)
			if err == nil && rec.ArticleID != 0 {
				a, err := tx.ArticleByID(ctx, rec.ArticleID)
				if err == nil {
					return a, true, nil
				}
				if !errors.Is(err, news.ErrNotFound) {
					return news.Article{}, false, err
				}
			} else if err != nil && !errors.Is(err, news.ErrNotFound) {
				return news.Article{}, false, err
			}
			a, err := tx.ArticleByURI(ctx, incoming.URI)
			if errors.Is(err, news.ErrNotFound) {
				return news.Article{}, false, nil
			}
			return a, err == nil, err
		}
		l.after = func(ctx context.Context, tx *store.Tx, res ItemResult) error {
			return tx.PutWireItem(ctx, store.WireItem{SourceID: src.SourceID, GUID: it.GUID, ContentHash: hash, ArticleID: res.Article.ID, LastSeenAt: now})
		}
	}
	return im.land(ctx, l, incoming)
}

// feedArticle turns a feed item into an article, not yet sanitized. The
// item's picture goes at the top of the body, as the remote URL, unless the
// body already shows it.
func feedArticle(src FeedSource, f feed.IncomingFeed, it feed.IncomingItem) news.Article {
	var a news.Article
	if it.Ninjs != nil {
		a = it.Ninjs.Article()
	} else {
		a = news.Article{
			URI:            itemURI(feedKey(src, f), it.GUID),
			Headline:       it.Title,
			Summary:        it.Summary,
			BodyHTML:       it.BodyHTML,
			Byline:         strings.Join(it.Authors, ", "),
			Tags:           it.Categories,
			Status:         news.StatusPublished,
			ReleaseAt:      it.Published.UTC(),
			VersionCreated: it.Updated.UTC(),
		}
		if a.ReleaseAt.IsZero() {
			a.ReleaseAt = it.Updated.UTC()
		}
		if a.VersionCreated.IsZero() {
			a.VersionCreated = a.ReleaseAt
		}
		if it.ImageURL != "" && !strings.Contains(a.BodyHTML, it.ImageURL) && !strings.Contains(a.BodyHTML, html.EscapeString(it.ImageURL)) {
			a.BodyHTML = `<figure><img src="` + html.EscapeString(it.ImageURL) + `" alt=""></figure>` + a.BodyHTML
		}
		if a.BodyHTML == "" {
			a.BodyHTML = "<p>" + html.EscapeString(it.Title) + "</p>"
		}
	}
	switch {
	case src.Credit != "":
		a.Source = src.Credit
	case a.Source == "":
		a.Source = f.Title
	}
	if len([]rune(a.Source)) > 200 {
		a.Source = string([]rune(a.Source)[:200])
	}
	a.Language = src.Language
	if a.Language == "" {
		a.Language = it.Language
	}
	if a.Language == "" {
		a.Language = f.Language
	}
	return a
}

// feedKey scopes a feed's relative GUIDs: the feed's own link when it has
// one, so the same feed fetched by a wire source and imported from a file
// gives the same URIs; else the source's key.
func feedKey(src FeedSource, f feed.IncomingFeed) string {
	if f.Link != "" {
		return f.Link
	}
	return src.Key
}

// itemURI names an item globally: its GUID when that is an absolute URI
// (a permalink, urn: or tag:), else the GUID qualified by its feed.
func itemURI(key, guid string) string {
	if u, err := url.Parse(guid); err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "") {
		return guid
	}
	return key + "#" + guid
}

// contentHash fingerprints what a reader would see of an item.
func contentHash(it feed.IncomingItem) string {
	c := struct {
		Title, Summary, Body, Link, Image string
		Authors, Categories               []string
		Published, Updated                time.Time
		Ninjs                             *feed.NinjsItem
	}{it.Title, it.Summary, it.BodyHTML, it.Link, it.ImageURL, it.Authors, it.Categories, it.Published.UTC(), it.Updated.UTC(), it.Ninjs}
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
