package news

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The newsroom's workflow states, beside the imported ones in article.go.
const (
	StatusInReview  Status = "in-review"
	StatusApproved  Status = "approved"
	StatusScheduled Status = "scheduled" // approved, released at ReleaseAt
	// StatusUnpublished is taken off the site by the newsroom; its URL 404s.
	StatusUnpublished Status = "unpublished"
	// StatusRetracted keeps the URL with a retraction notice, out of listings.
	StatusRetracted Status = "retracted"
)

// Transition is a step of the workflow that someone asks for.
type Transition string

// The workflow transitions.
const (
	TransitionSubmit    Transition = "submit"
	TransitionApprove   Transition = "approve"
	TransitionReject    Transition = "reject" // send back to draft
	TransitionPublish   Transition = "publish"
	TransitionSchedule  Transition = "schedule"
	TransitionUnpublish Transition = "unpublish"
	TransitionRetract   Transition = "retract"
	TransitionCorrect   Transition = "correct"
)

// Transitions lists every transition, for forms and the API.
var Transitions = []Transition{TransitionSubmit, TransitionApprove, TransitionReject, TransitionPublish,
	TransitionSchedule, TransitionUnpublish, TransitionRetract, TransitionCorrect}

// Correction is a dated note shown on a corrected article and on the
// corrections page.
type Correction struct {
	At   time.Time
	Note string
}

// Step is one request to move an article along the workflow.
type Step struct {
	Transition Transition
	Actor      User
	// RequiresApproval is the article's channel setting: then only a chief
	// editor other than the last writer may approve, and nothing is
	// published without approval.
	RequiresApproval bool
	Now              time.Time
	// At is the release time for schedule (and optionally publish).
	At time.Time
	// Note is the correction or retraction note.
	Note string
}

// TransitionError explains why a transition was refused, in words an
// editor can act on.
type TransitionError struct {
	From       Status
	Transition Transition
	Reason     string
	// Format and Args are Reason before formatting, so the newsroom can
	// say it in the editor's language (Format is the English text).
	Format string
	Args   []any
	// Cause, when set, is the rule that refused (e.g. ErrAltTextMissing).
	Cause error
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("cannot %s an article that is %s: %s", e.Transition, e.From, e.Reason)
}

// Unwrap gives the rule that refused, if any.
func (e *TransitionError) Unwrap() error { return e.Cause }

// ChangeKind names a change readers can notice; the change log records them.
type ChangeKind string

// The changes readers can notice.
const (
	ChangePublish   ChangeKind = "publish"
	ChangeSchedule  ChangeKind = "schedule" // becomes visible at a later time
	ChangeUpdate    ChangeKind = "update"
	ChangeCorrect   ChangeKind = "correct"
	ChangeUnpublish ChangeKind = "unpublish"
	ChangeRetract   ChangeKind = "retract"
	// ChangeSite is a site-wide edit (settings, channels, footer pages):
	// any page may show it. It names no article (article 0).
	ChangeSite ChangeKind = "site"
	// ChangePins reorders the lead stories of one home page or listing
	// (details: scope); the article is the one pinned or unpinned.
	ChangePins ChangeKind = "pins"
	ChangeNone ChangeKind = ""
)

// Apply moves a along the workflow, or refuses with a *TransitionError. It
// checks the actor's permission on the article's channel, the approval rule
// and the state machine; it returns the changed article and the change
// readers will notice (ChangeNone for newsroom-only steps).
func Apply(a Article, st Step) (Article, ChangeKind, error) {
	refuse := func(format string, args ...any) (Article, ChangeKind, error) {
		return a, ChangeNone, &TransitionError{From: a.Status, Transition: st.Transition, Reason: fmt.Sprintf(format, args...),
			Format: format, Args: args}
	}
	target := Target{Channel: a.ChannelPath, AuthorID: a.AuthorID}
	need := map[Transition]Action{
		TransitionSubmit: ActionSubmit, TransitionApprove: ActionApprove, TransitionReject: ActionApprove,
		TransitionPublish: ActionPublish, TransitionSchedule: ActionPublish, TransitionUnpublish: ActionPublish,
		TransitionRetract: ActionRetract, TransitionCorrect: ActionCorrect,
	}[st.Transition]
	if need == "" {
		return refuse("unknown transition %q", st.Transition)
	}
	if !st.Actor.May(need, target) {
		return refuse("your role does not allow it in %s", a.ChannelPath)
	}
	now := st.Now.UTC()
	from := a.Status
	in := func(states ...Status) bool {
		for _, s := range states {
			if from == s {
				return true
			}
		}
		return false
	}
	switch st.Transition {
	case TransitionSubmit:
		if !in(StatusDraft, StatusUnpublished) {
			return refuse("only drafts can be submitted for review")
		}
		a.Status = StatusInReview
		return a, ChangeNone, nil

	case TransitionReject:
		if !in(StatusInReview, StatusApproved) {
			return refuse("only articles in review or approved can be sent back")
		}
		a.Status, a.ApprovedByID = StatusDraft, 0
		return a, ChangeNone, nil

	case TransitionApprove:
		if !in(StatusInReview) {
			return refuse("only articles in review can be approved")
		}
		if st.RequiresApproval && st.Actor.ID == a.LastEditorID {
			return refuse("this channel requires approval by a chief editor other than the article's last writer")
		}
		a.Status, a.ApprovedByID = StatusApproved, st.Actor.ID
		return a, ChangeNone, nil

	case TransitionPublish, TransitionSchedule:
		switch {
		case in(StatusApproved):
		case in(StatusDraft, StatusInReview, StatusUnpublished):
			if st.RequiresApproval {
				return refuse("this channel requires approval first: submit it for review")
			}
		default:
			return refuse("only approved articles (or drafts where no approval is required) can be published")
		}
		release := st.At.UTC()
		if st.Transition == TransitionSchedule {
			if !release.After(now) {
				return refuse("the scheduled time %s is not in the future", release.Format(time.RFC3339))
			}
		} else if release.IsZero() || release.Before(now) {
			release = now
		}
		a.ReleaseAt = release.Truncate(time.Second)
		a.Status = StatusScheduled
		if a.VisibleFrom().After(now) {
			return a, ChangeSchedule, nil
		}
		a.Status = StatusPublished
		return a, ChangePublish, nil

	case TransitionUnpublish:
		if !in(StatusPublished, StatusScheduled) {
			return refuse("only published or scheduled articles can be unpublished")
		}
		a.Status = StatusUnpublished
		return a, ChangeUnpublish, nil

	case TransitionRetract:
		if !in(StatusPublished) {
			return refuse("only published articles can be retracted")
		}
		if strings.TrimSpace(st.Note) == "" {
			return refuse("a retraction needs a note saying why")
		}
		a.Status, a.RetractionNote, a.RetractedAt = StatusRetracted, strings.TrimSpace(st.Note), now
		return a, ChangeRetract, nil

	case TransitionCorrect:
		if !in(StatusPublished, StatusScheduled) {
			return refuse("only published or scheduled articles can be corrected")
		}
		if strings.TrimSpace(st.Note) == "" {
			return refuse("a correction needs a note saying what was corrected")
		}
		a.Corrections = append(a.Corrections, Correction{At: now, Note: strings.TrimSpace(st.Note)})
		return a, ChangeCorrect, nil
	}
	return refuse("unknown transition")
}

// Listed reports whether the article belongs in listings, feeds and search
// at now: visible and not retracted.
func (a Article) Listed(now time.Time) bool {
	return a.VisibleAt(now) && a.Status != StatusRetracted
}

// MovedFrom describes, for the change log, where a changed article was
// before: its previous URL path when that changed, and its previous tags
// (one per line) when they changed. Caches use it to drop the listings it left.
func MovedFrom(before, after Article, loc *time.Location) map[string]string {
	d := map[string]string{}
	if before.ReleaseAt.IsZero() || after.ReleaseAt.IsZero() {
		return d
	}
	if from, to := before.Path(loc), after.Path(loc); from != to {
		d["from_path"] = from
	}
	if !slices.Equal(before.Tags, after.Tags) {
		d["from_tags"] = strings.Join(before.Tags, "\n")
	}
	return d
}
