package jobs

import (
	"context"
	"fmt"
	"slices"

	"newsdesk/internal/store"
)

// PurgeEventName is the event header and body "event" of a CDN purge.
const PurgeEventName = "cache.purge"

// Purge is the optional CDN purge webhook: after each batch of changes the
// Notifier posts the public addresses they altered to URL, so a CDN in
// front of the portal (or of a static export) drops exactly those.
type Purge struct {
	// URL receives a POST of a PurgeEvent as JSON.
	URL string
	// Secret, when set, signs each request as webhooks are signed
	// (SignatureHeader).
	Secret string
	// Paths says which public paths a change altered: exact pages, path
	// prefixes dropped whole, or all (site.Server.PurgePaths).
	Paths func(ctx context.Context, c store.Change) (paths, prefixes []string, all bool, err error)
}

// PurgeEvent is the JSON body of a purge request. URLs are absolute pages;
// one ending in "/" also stands for its later pages (?page=N), which shift
// when an article arrives or leaves. Prefixes are URL prefixes whose every
// page is to go (the sitemaps). All asks for everything (a site-wide
// change such as a new channel name or footer).
type PurgeEvent struct {
	Event    string   `json:"event"`
	FromSeq  int64    `json:"from_seq"` // the batch's first change-log entry
	ToSeq    int64    `json:"to_seq"`   // and its last
	All      bool     `json:"all,omitempty"`
	URLs     []string `json:"urls,omitempty"`
	Prefixes []string `json:"prefixes,omitempty"`
}

// purgeEvent is what one batch of changes asks a CDN to drop; ok is false
// when nothing public changed.
func (n *Notifier) purgeEvent(ctx context.Context, changes []store.Change) (ev PurgeEvent, ok bool, err error) {
	ev = PurgeEvent{Event: PurgeEventName, FromSeq: changes[0].Seq, ToSeq: changes[len(changes)-1].Seq}
	urls, prefixes := map[string]bool{}, map[string]bool{}
	for _, c := range changes {
		paths, pre, all, err := n.Purge.Paths(ctx, c)
		if err != nil {
			return ev, false, fmt.Errorf("purge: change %d: %w", c.Seq, err)
		}
		if all {
			return PurgeEvent{Event: PurgeEventName, FromSeq: ev.FromSeq, ToSeq: ev.ToSeq, All: true}, true, nil
		}
		for _, p := range paths {
			urls[n.BaseURL+p] = true
		}
		for _, p := range pre {
			prefixes[n.BaseURL+p] = true
		}
	}
	for u := range urls {
		ev.URLs = append(ev.URLs, u)
	}
	for p := range prefixes {
		ev.Prefixes = append(ev.Prefixes, p)
	}
	slices.Sort(ev.URLs)
	slices.Sort(ev.Prefixes)
	return ev, len(ev.URLs)+len(ev.Prefixes) > 0, nil
}
