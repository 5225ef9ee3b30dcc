package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// auditPageSize is how many entries one page of the log shows.
const auditPageSize = 50

// auditActions are the filters the log page offers: exact actions, and
// prefixes ending in "." for a family of them.
var auditActions = []string{"sign-in", "sign-in.failed", "sign-out", "setup.", "user.", "token.", "session.",
	"settings.", "channel.", "page."}

// auditData is what audit.html shows.
type auditData struct {
	Actions              []roleOption
	Actor, Target        string
	Entries              []auditRow
	Older, Newest        string // links to the next pages, "" when none
	Verified             bool
	Checked              int64
	Broken               string
	FilteredOut, Refused bool
}

type auditRow struct {
	Seq                                 int64
	At, Actor, IP, Action, Target, Info string
}

// auditPage lists the log newest first, 50 entries a page, filtered by
// action, actor and target, and says whether the hash chain holds.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.newPage(r, "audit")
	q := r.URL.Query()
	d := &auditData{Actor: strings.TrimSpace(q.Get("actor")), Target: strings.TrimSpace(q.Get("target"))}
	p.Data = d
	action := q.Get("action")
	d.Actions = append(d.Actions, roleOption{Value: "", Label: p.L["audit_all"], Selected: action == ""})
	for _, a := range auditActions {
		d.Actions = append(d.Actions, roleOption{Value: a, Label: a, Selected: a == action})
	}
	aq := store.AuditQuery{Action: action, Target: d.Target, Limit: auditPageSize + 1}
	v := &news.ValidationError{}
	if action != "" && !contains(auditActions, action) {
		v.Add("action", "unknown action filter %q", action)
	}
	if d.Actor != "" {
		if email, err := news.NormalizeEmail(d.Actor); err != nil {
			v.Add("actor", "no user with the email %q", d.Actor)
		} else {
			u, err := s.store.UserByEmail(ctx, email)
			switch {
			case errors.Is(err, news.ErrNotFound):
				v.Add("actor", "no user with the email %q", d.Actor)
			case err != nil:
				return err
			}
			aq.ActorID = u.ID
		}
	}
	if before := q.Get("before"); before != "" {
		n, err := strconv.ParseInt(before, 10, 64)
		if err != nil || n <= 0 {
			return news.ErrNotFound
		}
		aq.Before = n
	}

	n, err := s.store.VerifyAudit(ctx)
	var broken *store.AuditBreak
	switch {
	case errors.As(err, &broken):
		d.Broken = broken.Error()
	case err != nil:
		return err
	default:
		d.Verified, d.Checked = true, n
	}

	if err := v.Err(); err != nil {
		d.Refused = true
		return s.invalid(w, "audit", p, err)
	}
	entries, err := s.store.AuditEntries(ctx, aq)
	if err != nil {
		return err
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		d.Older = auditURL(q, entries[len(entries)-1].Seq)
	}
	if aq.Before > 0 {
		d.Newest = auditURL(q, 0)
	}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRow{Seq: e.Seq, At: e.At.UTC().Format("2006-01-02 15:04:05 UTC"), Actor: e.Actor,
			IP: e.IP, Action: e.Action, Target: e.Target, Info: detailsText(e.Details)})
	}
	d.FilteredOut = len(d.Entries) == 0 && (action != "" || d.Actor != "" || d.Target != "")
	return s.show(w, http.StatusOK, "audit", p)
}

// auditURL is the log page with the same filters, before seq (0: newest).
func auditURL(q url.Values, before int64) string {
	next := url.Values{}
	for _, key := range []string{"action", "actor", "target"} {
		if v := q.Get(key); v != "" {
			next.Set(key, v)
		}
	}
	if before > 0 {
		next.Set("before", strconv.FormatInt(before, 10))
	}
	if len(next) == 0 {
		return "/admin/audit"
	}
	return "/admin/audit?" + next.Encode()
}

// detailsText shows an entry's details as "key: value" pairs in key order.
func detailsText(details map[string]string) string {
	keys := make([]string, 0, len(details))
	for k := range details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %s", k, details[k])
	}
	return strings.Join(parts, "; ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
