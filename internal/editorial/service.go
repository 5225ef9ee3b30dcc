package editorial

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Service is the editorial service; build one per process.
type Service struct {
	Store     *store.Store
	Sanitizer *markup.Sanitizer
	Now       func() time.Time
	Log       *slog.Logger
}

// ErrForbidden means the actor may not do this to this article.
var ErrForbidden = errors.New("you are not allowed to do this to this article")

// ConflictError means someone saved the article since the editor opened it:
// nothing was overwritten, and Current is what is stored now.
type ConflictError struct {
	Current news.Article
	By      string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s saved this article (version %d) after you opened it; your text was not saved over theirs", e.By, e.Current.Version)
}

// Draft is what an editor writes.
type Draft struct {
	Language, Channel          string
	Headline, Subheading, Slug string
	Summary, BodyHTML          string
	Byline, Source, Editor     string
	Tags                       []string
	EmbargoUntil               time.Time
	// Media, when not nil, sets the lead image and the downloads; nil
	// leaves them as they are (a restored revision, a client that does not
	// know them).
	Media *DraftMedia
}

// DraftMedia is an article's lead image (0: none), the caption and credit
// it shows on this article ("" shows the image's own), and its documents
// listed as downloads, in order.
type DraftMedia struct {
	LeadID                  int64
	LeadCaption, LeadCredit string
	Attachments             []int64
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// clean sanitizes and trims what came from the editor.
func (s *Service) clean(d Draft) Draft {
	d.Headline, d.Subheading = strings.TrimSpace(d.Headline), strings.TrimSpace(d.Subheading)
	d.Summary = markup.PlainText(d.Summary)
	d.BodyHTML = s.Sanitizer.Sanitize(d.BodyHTML)
	d.Slug = strings.TrimSpace(strings.ToLower(d.Slug))
	d.Byline, d.Source, d.Editor = strings.TrimSpace(d.Byline), strings.TrimSpace(d.Source), strings.TrimSpace(d.Editor)
	var tags []string
	for _, t := range d.Tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	d.Tags = tags
	if d.Media != nil {
		m := *d.Media
		m.LeadCaption, m.LeadCredit = strings.TrimSpace(m.LeadCaption), strings.Join(strings.Fields(m.LeadCredit), " ")
		d.Media = &m
	}
	return d
}

// apply copies the draft onto a, resolving the channel inside tx.
func (s *Service) apply(ctx context.Context, tx *store.Tx, a news.Article, d Draft) (news.Article, error) {
	v := &news.ValidationError{}
	c, err := tx.ChannelByPath(ctx, strings.Trim(d.Channel, "/"))
	if errors.Is(err, news.ErrNotFound) {
		v.Add("channel", "no channel %q", d.Channel)
	} else if err != nil {
		return a, err
	}
	a.Language, a.ChannelID, a.ChannelPath = d.Language, c.ID, c.Path
	a.Headline, a.Subheading, a.Summary, a.BodyHTML = d.Headline, d.Subheading, d.Summary, d.BodyHTML
	a.Byline, a.Source, a.Editor, a.Tags, a.EmbargoUntil = d.Byline, d.Source, d.Editor, d.Tags, d.EmbargoUntil
	if d.Slug != "" && d.Slug != a.Slug {
		if !news.ValidSlug(d.Slug) {
			v.Add("slug", "%q is not a valid slug (lower-case letters, digits and inner hyphens)", d.Slug)
		} else {
			a.Slug = d.Slug
		}
	}
	if a.Slug == "" {
		a.Slug = news.Slugify(a.Headline)
		if a.Slug == "" {
			a.Slug = "article"
		}
	}
	if a.ChannelID != 0 {
		if a.Slug, err = tx.UniqueSlug(ctx, a.Language, a.ChannelID, a.Slug, a.ID); err != nil {
			return a, err
		}
	}
	if d.Media != nil {
		if err := applyMedia(ctx, tx, &a, *d.Media, v); err != nil {
			return a, err
		}
	}
	a.Validate(v)
	return a, v.Err()
}

// Create stores a new draft written by actor.
func (s *Service) Create(ctx context.Context, actor news.User, ip string, d Draft) (news.Article, error) {
	d = s.clean(d)
	if !actor.May(news.ActionCreateArticle, news.Target{Channel: strings.Trim(d.Channel, "/"), AuthorID: actor.ID}) {
		return news.Article{}, ErrForbidden
	}
	var a news.Article
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		var err error
		a = news.Article{Status: news.StatusDraft, AuthorID: actor.ID, LastEditorID: actor.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
		if a, err = s.apply(ctx, tx, a, d); err != nil {
			return err
		}
		if a.ID, err = tx.SaveArticle(ctx, a); err != nil {
			return err
		}
		if _, err := tx.AddRevision(ctx, revisionOf(a, actor.ID, now, false)); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.Email, IP: ip, Action: "article.create",
			Target: fmt.Sprintf("article %d", a.ID), Details: map[string]string{"headline": a.Headline, "channel": a.ChannelPath, "language": a.Language}})
		return err
	})
	return a, err
}

func revisionOf(a news.Article, author int64, at time.Time, autosave bool) store.Revision {
	return store.Revision{ArticleID: a.ID, Version: a.Version, AuthorID: author, At: at, Autosave: autosave,
		Headline: a.Headline, Subheading: a.Subheading, Summary: a.Summary, BodyHTML: a.BodyHTML}
}

// Save stores an edit made from version base. When someone saved since, it
// refuses with *ConflictError and changes nothing. Autosaves keep a revision
// but stay out of the audit log. Editing what readers can see needs the
// right to publish, and a change of channel, slug or date leaves redirects.
func (s *Service) Save(ctx context.Context, actor news.User, ip string, id, base int64, d Draft, autosave bool) (news.Article, error) {
	d = s.clean(d)
	var a news.Article
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.ArticleByID(ctx, id)
		if err != nil {
			return err
		}
		if old.Version != base {
			by := "someone"
			if u, err := tx.UserByID(ctx, old.LastEditorID); err == nil {
				by = u.Name
			}
			return &ConflictError{Current: old, By: by}
		}
		target := news.Target{Channel: old.ChannelPath, AuthorID: old.AuthorID}
		live := old.VisibleFrom() != time.Time{} // published, scheduled or retracted
		if !actor.May(news.ActionEditArticle, target) || (live && !actor.May(news.ActionPublish, target)) {
			return ErrForbidden
		}
		if nc := strings.Trim(d.Channel, "/"); nc != old.ChannelPath && !actor.May(news.ActionEditArticle, news.Target{Channel: nc, AuthorID: old.AuthorID}) {
			return ErrForbidden
		}
		now := s.now()
		if a, err = s.apply(ctx, tx, old, d); err != nil {
			return err
		}
		a.Version, a.LastEditorID, a.UpdatedAt = old.Version+1, actor.ID, now
		if a.Status == news.StatusPublished || a.Status == news.StatusScheduled {
			// What readers see (or will at its time) keeps its alt text.
			if refusal, err := altTextRefusal(ctx, tx, a); err != nil {
				return err
			} else if refusal != nil {
				v := &news.ValidationError{}
				v.Add("lead_media", "%s", refusal.Error())
				return v
			}
		}
		if _, err := tx.SaveArticle(ctx, a); err != nil {
			return err
		}
		if _, err := tx.AddRevision(ctx, revisionOf(a, actor.ID, now, autosave)); err != nil {
			return err
		}
		loc, err := location(ctx, tx)
		if err != nil {
			return err
		}
		if live {
			details := news.MovedFrom(old, a, loc)
			if from, to := old.Path(loc), a.Path(loc); from != to {
				if err := tx.AddRedirect(ctx, from, to, now); err != nil {
					return err
				}
			}
			if a.VisibleAt(now) {
				if _, err := tx.AppendChange(ctx, store.Change{At: now, ArticleID: a.ID, Kind: news.ChangeUpdate, Details: details}); err != nil {
					return err
				}
			}
		}
		if autosave {
			return nil
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.Email, IP: ip, Action: "article.save",
			Target: fmt.Sprintf("article %d", a.ID), Details: map[string]string{"version": fmt.Sprint(a.Version), "headline": a.Headline}})
		return err
	})
	return a, err
}

func location(ctx context.Context, tx *store.Tx) (*time.Location, error) {
	site, err := tx.Site(ctx)
	if err != nil {
		return nil, err
	}
	return site.Location(), nil
}

// Transition moves an article along the workflow. The domain decides; this
// records the step in the audit log and, when readers will notice, in the
// change log, all in one transaction.
func (s *Service) Transition(ctx context.Context, actor news.User, ip string, id int64, step news.Step) (news.Article, error) {
	var a news.Article
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.ArticleByID(ctx, id)
		if err != nil {
			return err
		}
		c, err := tx.ChannelByPath(ctx, old.ChannelPath)
		if err != nil {
			return err
		}
		now := s.now()
		step.Actor, step.Now, step.RequiresApproval = actor, now, c.RequiresApproval
		next, change, err := news.Apply(old, step)
		if err != nil {
			return err
		}
		if step.Transition == news.TransitionPublish || step.Transition == news.TransitionSchedule {
			if refusal, err := altTextRefusal(ctx, tx, next); err != nil {
				return err
			} else if refusal != nil {
				return &news.TransitionError{From: old.Status, Transition: step.Transition, Reason: refusal.Error(), Cause: refusal}
			}
		}
		next.UpdatedAt, next.Version = now, old.Version+1
		a = next
		if _, err := tx.SaveArticle(ctx, a); err != nil {
			return err
		}
		details := map[string]string{"from": string(old.Status), "to": string(a.Status)}
		if step.Note != "" {
			details["note"] = step.Note
		}
		if a.Status == news.StatusScheduled {
			details["release"] = a.VisibleFrom().Format(time.RFC3339)
		}
		if change == news.ChangeCorrect && !a.VisibleAt(now) {
			change = news.ChangeNone // readers see it with the article when it is released
		}
		if change != news.ChangeNone && change != news.ChangeSchedule {
			if _, err := tx.AppendChange(ctx, store.Change{At: now, ArticleID: a.ID, Kind: change, Details: details}); err != nil {
				return err
			}
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.Email, IP: ip,
			Action: "article." + string(step.Transition), Target: fmt.Sprintf("article %d", a.ID), Details: details})
		return err
	})
	return a, err
}
