package news

import (
	"net/url"
	"strings"
	"time"
)

// WireFormats are the formats a wire source may declare. They match the
// names package feed parses ("jsonfeed" is JSON Feed 1.x).
var WireFormats = []string{"rss", "atom", "jsonfeed", "ninjs"}

// Poll interval bounds: agencies ask pollers not to hammer them, and a
// newsroom wants copy within the hour.
const (
	MinWirePoll     = time.Minute
	MaxWirePoll     = 24 * time.Hour
	DefaultWirePoll = 5 * time.Minute
)

// WireSource is a feed the newsroom receives copy from: where it is, what
// it is, where its items go and whether they wait for review. The fields
// after AutoPublish are the poller's record of the source's health.
type WireSource struct {
	ID          int64
	Name        string
	URL         string
	Format      string
	ChannelID   int64
	ChannelPath string
	// Language is the language of the source's copy, one of the site's.
	Language string
	// Credit is the article's source line ("Xinhua").
	Credit string
	Poll   time.Duration
	// AutoPublish sends items straight out; false (the default) puts them
	// in the review queue (status in-review).
	AutoPublish bool
	Enabled     bool

	ETag, LastModified string
	LastPolledAt       time.Time
	LastSuccessAt      time.Time
	LastError          string
	LastErrorAt        time.Time
	// ErrorCount counts failed polls since the last success; backoff grows
	// with it.
	ErrorCount int
	NextPollAt time.Time
	ItemsCount int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Healthy reports whether the last poll succeeded (or none failed yet).
func (w WireSource) Healthy() bool { return w.ErrorCount == 0 }

// Backoff is how long the poller waits after the n-th failure in a row:
// the poll interval doubled per failure, capped at a day, so a broken
// source is retried less and less often but never forgotten.
func (w WireSource) Backoff(failures int) time.Duration {
	d := w.Poll
	if d <= 0 {
		d = DefaultWirePoll
	}
	for i := 1; i < failures && d < MaxWirePoll; i++ {
		d *= 2
	}
	return min(d, MaxWirePoll)
}

// Validate checks what an administrator typed; site gives the languages.
func (w WireSource) Validate(v *ValidationError, site Site) {
	if strings.TrimSpace(w.Name) == "" {
		v.Add("name", "is required")
	} else if len(w.Name) > 200 {
		v.Add("name", "is longer than 200 characters")
	}
	u, err := url.Parse(strings.TrimSpace(w.URL))
	switch {
	case strings.TrimSpace(w.URL) == "":
		v.Add("url", "is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		v.Add("url", "must be an http or https URL, got %q", w.URL)
	case u.User != nil:
		v.Add("url", "must not carry a user name or password")
	}
	known := false
	for _, f := range WireFormats {
		known = known || f == w.Format
	}
	if !known {
		v.Add("format", "unknown format %q (known: %s)", w.Format, strings.Join(WireFormats, ", "))
	}
	if w.ChannelID == 0 {
		v.Add("channel", "is required")
	}
	if !site.HasLanguage(w.Language) {
		v.Add("language", "%q is not one of the site's languages %v", w.Language, site.Languages)
	}
	if len(w.Credit) > 200 {
		v.Add("credit", "is longer than 200 characters")
	}
	if w.Poll < MinWirePoll || w.Poll > MaxWirePoll {
		v.Add("poll", "must be between %v and %v, got %v", MinWirePoll, MaxWirePoll, w.Poll)
	}
}
