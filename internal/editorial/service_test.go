package editorial_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

type fixture struct {
	s       *store.Store
	ed      *editorial.Service
	now     time.Time
	editor  news.User
	chief   news.User
	chief2  news.User
	contrib news.User
	// startSeq is the change log's end once the fixture is set up (its
	// site apply is a change too).
	startSeq int64
}

func newFixture(t *testing.T, dialect string) *fixture {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t, dialect)
	data, err := os.ReadFile("../../testdata/seed/seed-site.json")
	if err != nil {
		t.Fatal(err)
	}
	san := markup.NewSanitizer()
	if _, err := sitefile.Apply(ctx, s, san, data); err != nil {
		t.Fatal(err)
	}
	f := &fixture{s: s, now: time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)}
	f.ed = &editorial.Service{Store: s, Sanitizer: san, Now: func() time.Time { return f.now }, Log: slog.New(slog.DiscardHandler)}
	mk := func(email string, grants ...news.Grant) news.User {
		u := news.User{Email: email, Name: email, Status: news.UserActive, Grants: grants}
		id, err := s.CreateUser(ctx, u, f.now)
		if err != nil {
			t.Fatal(err)
		}
		u.ID = id
		return u
	}
	f.editor = mk("ed@example.org", news.Grant{Role: news.RoleEditor, Channel: "news"})
	f.chief = mk("chief@example.org", news.Grant{Role: news.RoleChiefEditor, Channel: "news"})
	f.chief2 = mk("chief2@example.org", news.Grant{Role: news.RoleChiefEditor})
	f.contrib = mk("co@example.org", news.Grant{Role: news.RoleContributor, Channel: "news/world"})
	if f.startSeq, err = s.LastChange(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func draft() editorial.Draft {
	return editorial.Draft{Language: "en", Channel: "news/world", Headline: "Grid operators sign accord",
		Summary: "An accord.", BodyHTML: `<p>Text.</p><script>alert(1)</script><p onclick="x()">More.</p>`, Tags: []string{" grid ", ""}}
}

func TestCreateSaveConflict(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, dialect)
			a, err := f.ed.Create(ctx, f.contrib, "10.0.0.1", draft())
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != news.StatusDraft || a.Version != 1 || a.Slug != "grid-operators-sign-accord" || a.AuthorID != f.contrib.ID {
				t.Errorf("created %+v", a)
			}
			if strings.Contains(a.BodyHTML, "script") || strings.Contains(a.BodyHTML, "onclick") || len(a.Tags) != 1 || a.Tags[0] != "grid" {
				t.Errorf("not cleaned: %q %q", a.BodyHTML, a.Tags)
			}
			if _, err := f.ed.Create(ctx, f.contrib, "", editorial.Draft{Language: "en", Channel: "policies", Headline: "x"}); !errors.Is(err, editorial.ErrForbidden) {
				t.Errorf("contributor outside the channel: %v", err)
			}
			if _, err := f.ed.Create(ctx, f.editor, "", editorial.Draft{Language: "xx", Channel: "news/nope", Headline: ""}); err == nil {
				t.Error("bad draft accepted")
			} else if v := (*news.ValidationError)(nil); !errors.As(err, &v) || !strings.Contains(err.Error(), "channel") || !strings.Contains(err.Error(), "language") {
				t.Errorf("bad draft: %v", err)
			}

			d := draft()
			d.Headline = "Grid operators sign a wider accord"
			saved, err := f.ed.Save(ctx, f.editor, "", a.ID, a.Version, d, false)
			if err != nil {
				t.Fatal(err)
			}
			if saved.Version != 2 || saved.Slug != a.Slug || saved.LastEditorID != f.editor.ID {
				t.Errorf("saved %+v", saved)
			}
			// A second editor still on version 1 is refused, and nothing changes.
			d.Headline = "Overwritten?"
			_, err = f.ed.Save(ctx, f.chief, "", a.ID, 1, d, true)
			var conflict *editorial.ConflictError
			if !errors.As(err, &conflict) || conflict.Current.Version != 2 || conflict.By != "ed@example.org" {
				t.Fatalf("stale save: %v", err)
			}
			stored, _ := f.s.ArticleByID(ctx, a.ID)
			if stored.Headline != "Grid operators sign a wider accord" {
				t.Errorf("stale save overwrote: %q", stored.Headline)
			}
			revs, err := f.s.Revisions(ctx, a.ID)
			if err != nil || len(revs) != 2 || revs[0].Version != 2 || revs[1].Version != 1 {
				t.Errorf("revisions: %+v %v", revs, err)
			}
			// Another contributor may not edit it.
			other := news.User{ID: 999, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleContributor, Channel: "news/world"}}}
			if _, err := f.ed.Save(ctx, other, "", a.ID, 2, d, false); !errors.Is(err, editorial.ErrForbidden) {
				t.Errorf("other contributor: %v", err)
			}
		})
	}
}

func TestWorkflowThroughService(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, dialect)
			if err := f.s.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.ChannelByPath(ctx, "news/world")
				if err != nil {
					return err
				}
				c.RequiresApproval = true
				_, _, err = tx.UpsertChannel(ctx, c)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			a, err := f.ed.Create(ctx, f.chief, "", draft())
			if err != nil {
				t.Fatal(err)
			}
			step := func(u news.User, tr news.Transition, at time.Time, note string) (news.Article, error) {
				return f.ed.Transition(ctx, u, "10.0.0.2", a.ID, news.Step{Transition: tr, At: at, Note: note})
			}
			if _, err := step(f.chief, news.TransitionPublish, time.Time{}, ""); err == nil || !strings.Contains(err.Error(), "requires approval") {
				t.Fatalf("publish without approval: %v", err)
			}
			if _, err := step(f.chief, news.TransitionSubmit, time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := step(f.chief, news.TransitionApprove, time.Time{}, ""); err == nil {
				t.Fatal("the last writer approved their own article in an approval channel")
			}
			if _, err := step(f.chief2, news.TransitionApprove, time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
			at := f.now.Add(time.Hour)
			a, err = step(f.chief2, news.TransitionSchedule, at, "")
			if err != nil || a.Status != news.StatusScheduled {
				t.Fatalf("schedule: %v %v", a.Status, err)
			}
			// Not visible a moment before its time, visible at it.
			if _, err := f.s.VisibleArticle(ctx, "en", "news/world", a.Slug, at.Add(-time.Millisecond)); !errors.Is(err, news.ErrNotFound) {
				t.Errorf("scheduled article visible early: %v", err)
			}
			if _, err := f.s.VisibleArticle(ctx, "en", "news/world", a.Slug, at); err != nil {
				t.Errorf("scheduled article not visible at its time: %v", err)
			}
			changes, _ := f.s.Changes(ctx, f.startSeq, 100)
			if len(changes) != 0 {
				t.Errorf("scheduling wrote to the change log: %+v", changes)
			}
			f.now = at.Add(time.Minute)
			// The publish clock's step, done by hand here (internal/jobs tests the clock).
			var published bool
			if err := f.s.InTx(ctx, func(tx *store.Tx) (err error) { published, err = tx.MarkPublished(ctx, a.ID, f.now); return err }); err != nil || !published {
				t.Fatalf("mark published: %v %v", published, err)
			}
			a, err = step(f.chief2, news.TransitionCorrect, time.Time{}, "An earlier version gave the wrong date.")
			if err != nil || len(a.Corrections) != 1 {
				t.Fatalf("correct: %v", err)
			}
			a, err = step(f.chief2, news.TransitionRetract, time.Time{}, "The accord was not signed.")
			if err != nil || a.Status != news.StatusRetracted {
				t.Fatalf("retract: %v", err)
			}
			changes, _ = f.s.Changes(ctx, f.startSeq, 100)
			var kinds []string
			for _, c := range changes {
				kinds = append(kinds, string(c.Kind))
			}
			if strings.Join(kinds, ",") != "correct,retract" {
				t.Errorf("change log: %v", kinds)
			}
			entries, _ := f.s.AuditEntries(ctx, store.AuditQuery{Action: "article.", Limit: 50})
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action)
			}
			if got := strings.Join(actions, ","); got != "article.retract,article.correct,article.schedule,article.approve,article.submit,article.create" {
				t.Errorf("audit: %s", got)
			}
			if n, err := f.s.VerifyAudit(ctx); err != nil || n == 0 {
				t.Errorf("audit chain: %d %v", n, err)
			}
		})
	}
}
