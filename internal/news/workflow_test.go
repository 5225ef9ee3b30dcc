package news_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
)

func TestWorkflow(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	chan_ := "news/china"
	contributor := news.User{ID: 1, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleContributor, Channel: chan_}}}
	editor := news.User{ID: 2, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleEditor, Channel: chan_}}}
	chief := news.User{ID: 3, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor, Channel: chan_}}}
	otherChief := news.User{ID: 4, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor}}}
	outsider := news.User{ID: 5, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor, Channel: "policies"}}}

	base := func(status news.Status, lastEditor int64) news.Article {
		return news.Article{Status: status, ChannelPath: chan_, AuthorID: 1, LastEditorID: lastEditor, Language: "en", Headline: "H"}
	}
	cases := []struct {
		name       string
		from       news.Article
		step       news.Step
		wantStatus news.Status
		wantChange news.ChangeKind
		wantErr    string
	}{
		{"contributor submits own draft", base(news.StatusDraft, 1), news.Step{Transition: news.TransitionSubmit, Actor: contributor}, news.StatusInReview, news.ChangeNone, ""},
		{"contributor cannot approve", base(news.StatusInReview, 1), news.Step{Transition: news.TransitionApprove, Actor: contributor}, "", "", "your role does not allow it"},
		{"editor cannot publish", base(news.StatusApproved, 1), news.Step{Transition: news.TransitionPublish, Actor: editor}, "", "", "your role does not allow it"},
		{"chief approves another's article", base(news.StatusInReview, 1), news.Step{Transition: news.TransitionApprove, Actor: chief, RequiresApproval: true}, news.StatusApproved, news.ChangeNone, ""},
		{"chief cannot approve own last edit where approval is required", base(news.StatusInReview, 3), news.Step{Transition: news.TransitionApprove, Actor: chief, RequiresApproval: true}, "", "", "other than the article's last writer"},
		{"chief may approve own edit where approval is not required", base(news.StatusInReview, 3), news.Step{Transition: news.TransitionApprove, Actor: chief}, news.StatusApproved, news.ChangeNone, ""},
		{"chief outside the channel", base(news.StatusInReview, 1), news.Step{Transition: news.TransitionApprove, Actor: outsider}, "", "", "your role does not allow it"},
		{"approve a draft", base(news.StatusDraft, 1), news.Step{Transition: news.TransitionApprove, Actor: chief}, "", "", "only articles in review"},
		{"publish approved now", base(news.StatusApproved, 1), news.Step{Transition: news.TransitionPublish, Actor: chief, RequiresApproval: true}, news.StatusPublished, news.ChangePublish, ""},
		{"publish draft without approval rule", base(news.StatusDraft, 3), news.Step{Transition: news.TransitionPublish, Actor: chief}, news.StatusPublished, news.ChangePublish, ""},
		{"publish draft under approval rule", base(news.StatusDraft, 3), news.Step{Transition: news.TransitionPublish, Actor: chief, RequiresApproval: true}, "", "", "requires approval first"},
		{"schedule approved", base(news.StatusApproved, 1), news.Step{Transition: news.TransitionSchedule, Actor: otherChief, At: now.Add(time.Hour)}, news.StatusScheduled, news.ChangeSchedule, ""},
		{"schedule in the past", base(news.StatusApproved, 1), news.Step{Transition: news.TransitionSchedule, Actor: chief, At: now.Add(-time.Second)}, "", "", "not in the future"},
		{"unpublish published", base(news.StatusPublished, 1), news.Step{Transition: news.TransitionUnpublish, Actor: chief}, news.StatusUnpublished, news.ChangeUnpublish, ""},
		{"unpublish scheduled", base(news.StatusScheduled, 1), news.Step{Transition: news.TransitionUnpublish, Actor: chief}, news.StatusUnpublished, news.ChangeUnpublish, ""},
		{"retract needs a note", base(news.StatusPublished, 1), news.Step{Transition: news.TransitionRetract, Actor: chief}, "", "", "needs a note"},
		{"retract", base(news.StatusPublished, 1), news.Step{Transition: news.TransitionRetract, Actor: chief, Note: "Sources withdrew."}, news.StatusRetracted, news.ChangeRetract, ""},
		{"retract a draft", base(news.StatusDraft, 1), news.Step{Transition: news.TransitionRetract, Actor: chief, Note: "x"}, "", "", "only published"},
		{"correct", base(news.StatusPublished, 1), news.Step{Transition: news.TransitionCorrect, Actor: chief, Note: "An earlier version misspelt a name."}, news.StatusPublished, news.ChangeCorrect, ""},
		{"editor cannot correct", base(news.StatusPublished, 1), news.Step{Transition: news.TransitionCorrect, Actor: editor, Note: "x"}, "", "", "your role does not allow it"},
		{"reject back to draft", base(news.StatusInReview, 1), news.Step{Transition: news.TransitionReject, Actor: chief}, news.StatusDraft, news.ChangeNone, ""},
		{"disabled chief", base(news.StatusInReview, 1), news.Step{Transition: news.TransitionApprove, Actor: news.User{ID: 9, Status: news.UserDisabled, Grants: chief.Grants}}, "", "", "your role does not allow it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.step.Now = now
			got, change, err := news.Apply(c.from, c.step)
			if c.wantErr != "" {
				var te *news.TransitionError
				if !errors.As(err, &te) || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want a TransitionError containing %q", err, c.wantErr)
				}
				if got.Status != c.from.Status {
					t.Errorf("refused transition changed the status to %s", got.Status)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got.Status != c.wantStatus || change != c.wantChange {
				t.Errorf("got %s/%q, want %s/%q", got.Status, change, c.wantStatus, c.wantChange)
			}
		})
	}
}

func TestScheduledVisibility(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	chief := news.User{ID: 3, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor}}}
	a := news.Article{Status: news.StatusApproved, ChannelPath: "news", Language: "en", Headline: "H"}
	at := now.Add(time.Minute)
	a, _, err := news.Apply(a, news.Step{Transition: news.TransitionSchedule, Actor: chief, Now: now, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if a.VisibleAt(at.Add(-time.Millisecond)) || !a.VisibleAt(at) {
		t.Errorf("scheduled article visible before %v or not at it", at)
	}
	a.EmbargoUntil = at.Add(time.Hour)
	if a.VisibleAt(at.Add(time.Minute)) || !a.VisibleAt(a.EmbargoUntil) {
		t.Error("embargo does not hold the scheduled article back")
	}
	r := news.Article{Status: news.StatusRetracted, ReleaseAt: now}
	if !r.VisibleAt(now) || r.Listed(now) {
		t.Error("a retracted article should keep its URL but leave listings")
	}
}
