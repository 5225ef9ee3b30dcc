package wire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/fetch"
	"newsdesk/internal/ingest"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// DefaultLease is how long a claim on a source lasts: longer than any poll
// (the fetcher's own time cap is 30 s), short enough that a node that died
// mid-poll holds nothing for long.
const DefaultLease = 5 * time.Minute

// ErrBusy is returned by PollNow when another poll holds the source.
var ErrBusy = errors.New("the source is being polled right now")

// Poller polls wire sources.
type Poller struct {
	Store    *store.Store
	Importer *ingest.Importer
	Now      func() time.Time
	Log      *slog.Logger
	// Fetch holds the fetcher's limits; the allow-list is read from the
	// store at every poll, so an administrator's change applies at once.
	Fetch fetch.Options
	// Lease is how long a claim lasts (DefaultLease when zero).
	Lease time.Duration
	// Tick bounds how long Run sleeps between looks for due sources
	// (30 s when zero).
	Tick time.Duration
}

// Result is what one poll of one source did.
type Result struct {
	SourceID    int64
	NotModified bool
	Summary     ingest.FeedSummary
	// Err is a failure of the poll itself (fetch, format): the source is
	// unhealthy and backs off.
	Err error
	// Warning names items that could not be imported; the source itself
	// is fine and keeps its schedule.
	Warning string
}

func (r Result) String() string {
	switch {
	case r.Err != nil:
		return "failed: " + r.Err.Error()
	case r.NotModified:
		return "not modified since the last poll"
	}
	if r.Warning != "" {
		return r.Summary.String() + " (" + r.Warning + ")"
	}
	return r.Summary.String()
}

func (p *Poller) lease() time.Duration {
	if p.Lease > 0 {
		return p.Lease
	}
	return DefaultLease
}

// RunOnce polls every source that is due and not held by another node.
func (p *Poller) RunOnce(ctx context.Context) ([]Result, error) {
	now := p.Now().UTC()
	ids, err := p.Store.DueWireSources(ctx, now, 50)
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, id := range ids {
		ok, err := p.Store.ClaimWireSource(ctx, id, now, p.lease(), true)
		if err != nil {
			return out, err
		}
		if !ok {
			continue // another node took it
		}
		out = append(out, p.pollClaimed(ctx, id))
	}
	return out, nil
}

// PollNow polls one source at once, due or not ("poll now" in the admin),
// unless another poll holds it.
func (p *Poller) PollNow(ctx context.Context, id int64) (Result, error) {
	if _, err := p.Store.WireSource(ctx, id); err != nil {
		return Result{}, err
	}
	ok, err := p.Store.ClaimWireSource(ctx, id, p.Now().UTC(), p.lease(), false)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, ErrBusy
	}
	return p.pollClaimed(ctx, id), nil
}

// pollClaimed polls a source this node holds, records the outcome and
// releases it.
func (p *Poller) pollClaimed(ctx context.Context, id int64) Result {
	res := Result{SourceID: id}
	w, err := p.Store.WireSource(ctx, id)
	if err != nil {
		res.Err = err
		return res
	}
	rec := store.WirePollResult{ETag: w.ETag, LastModified: w.LastModified}
	res = p.poll(ctx, w, &rec)
	rec.At = p.Now().UTC()
	rec.Err, rec.Warning = res.Err, res.Warning
	rec.NewItems = res.Summary.Counts[ingest.Created]
	// Record with a context of its own: a shutdown mid-poll must still
	// release the claim.
	finishCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := p.Store.FinishWirePoll(finishCtx, w, rec); err != nil {
		p.Log.Error("wire poll", "source", w.ID, "err", err)
	}
	if res.Err != nil {
		p.Log.Warn("wire poll failed", "source", w.ID, "name", w.Name, "failures", w.ErrorCount+1,
			"retry_in", w.Backoff(w.ErrorCount+1), "err", res.Err)
	} else {
		p.Log.Info("wire polled", "source", w.ID, "name", w.Name, "result", res.String())
	}
	return res
}

// poll fetches and imports; rec gets the validators to keep.
func (p *Poller) poll(ctx context.Context, w news.WireSource, rec *store.WirePollResult) Result {
	res := Result{SourceID: w.ID}
	allow, err := p.Store.FetchAllowList(ctx)
	if err != nil {
		res.Err = err
		return res
	}
	opts := p.Fetch
	opts.Allow = allow
	f, err := fetch.New(opts)
	if err != nil {
		res.Err = fmt.Errorf("allow-list: %w", err)
		return res
	}
	resp, err := f.Get(ctx, w.URL, fetch.Validators{ETag: w.ETag, LastModified: w.LastModified})
	if err != nil {
		res.Err = err
		return res
	}
	if resp.NotModified {
		res.NotModified = true
		rec.ETag, rec.LastModified = resp.Validators.ETag, resp.Validators.LastModified
		return res
	}
	body, err := feed.DecodeCharset(resp.Body, resp.ContentType)
	if err != nil {
		res.Err = err
		return res
	}
	parsed, err := feed.ParseFeed(body, feed.WireFormat(w.Format))
	if err != nil {
		res.Err = err
		return res
	}
	src := ingest.FeedSource{SourceID: w.ID, Key: w.URL, Channel: w.ChannelPath, Language: w.Language, Credit: w.Credit,
		AutoPublish: w.AutoPublish, Actor: fmt.Sprintf("wire %d", w.ID)}
	var firstErr error
	res.Summary = p.Importer.Feed(ctx, src, parsed, func(r ingest.ItemResult) {
		if r.Err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", r.Path, r.Err)
		}
	})
	if n := res.Summary.Failed(); n > 0 {
		// Keep the old validators, so the next poll fetches the whole feed
		// again and retries what failed (unchanged items cost nothing).
		res.Warning = fmt.Sprintf("%d of %d items failed; first: %v", n, res.Summary.Total, firstErr)
		return res
	}
	rec.ETag, rec.LastModified = resp.Validators.ETag, resp.Validators.LastModified
	return res
}

// Run polls due sources until ctx ends, sleeping until the next source is
// due (at most Tick, to notice sources added on other nodes).
func (p *Poller) Run(ctx context.Context) {
	tick := p.Tick
	if tick <= 0 {
		tick = 30 * time.Second
	}
	for {
		if _, err := p.RunOnce(ctx); err != nil && ctx.Err() == nil {
			p.Log.Error("wire poller", "err", err)
		}
		wait := tick
		if next, err := p.Store.NextWirePoll(ctx); err == nil && !next.IsZero() {
			if d := next.Sub(p.Now()); d < wait {
				wait = max(d, time.Second)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// PollNowSummary polls one source at once and words the outcome for a
// person; the admin's "poll now" button calls it.
func (p *Poller) PollNowSummary(ctx context.Context, id int64) (string, error) {
	r, err := p.PollNow(ctx, id)
	if err != nil {
		return "", err
	}
	if r.Err != nil {
		return "", r.Err
	}
	return r.String(), nil
}
