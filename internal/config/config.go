// Package config holds Newsdesk's one typed configuration: read from flags,
// with NEWSDESK_* environment variables as their defaults, validated once and
// passed down. A flag always wins over the environment.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"newsdesk/internal/mail"
	"newsdesk/internal/store"
)

// Config is everything the commands need to know about where data lives and
// how to serve it.
type Config struct {
	DB    string // sqlite:PATH or postgres://...
	Media string // folder for media files
	Index string // folder for the search index

	// SMTP, when set, is where invitation and reset links are also mailed
	// from (smtp://user:pass@host:587?from=ADDRESS).
	SMTP string

	Addr         string
	Demo         bool
	AutoMigrate  bool
	Dev          bool
	TrustedProxy string // comma-separated CIDRs; see TrustedProxies
	MetricsAddr  string
	// SearchRate and APIRate are how many requests a minute one client
	// (an IP address) may make to search and to the API, over all nodes;
	// 0 turns the limit off.
	SearchRate int
	APIRate    int
	// PurgeURL, when set, receives a POST naming the public URLs each
	// batch of changes altered, for a CDN to drop (signed with
	// PurgeSecret when that is set).
	PurgeURL      string
	PurgeSecret   string
	trustedParsed []netip.Prefix
}

// Getenv reads one environment variable (os.Getenv in production).
type Getenv func(string) string

func env(getenv Getenv, name, def string) string {
	if v := getenv("NEWSDESK_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); v != "" {
		return v
	}
	return def
}

// BindData registers the flags of every command that touches data: --db,
// --media and --index.
func (c *Config) BindData(fs *flag.FlagSet, getenv Getenv) {
	fs.StringVar(&c.DB, "db", env(getenv, "db", store.DefaultURL), "database `URL`: sqlite:PATH or postgres://...")
	fs.StringVar(&c.Media, "media", env(getenv, "media", ""), "media `DIR` (default: media/ beside the SQLite file)")
	fs.StringVar(&c.Index, "index", env(getenv, "index", ""), "search index `DIR` (default: index/ beside the SQLite file)")
	fs.StringVar(&c.SMTP, "smtp", env(getenv, "smtp", ""), "mail invitation and reset links through `URL` smtp://user:pass@host:587?from=ADDRESS")
}

// BindServe registers the flags of `newsdesk serve`, including BindData's.
func (c *Config) BindServe(fs *flag.FlagSet, getenv Getenv) {
	c.BindData(fs, getenv)
	fs.StringVar(&c.Addr, "addr", env(getenv, "addr", "127.0.0.1:8080"), "listen `ADDR` (host:port)")
	fs.BoolVar(&c.Demo, "demo", false, "on an empty database, load the built-in bilingual demo site")
	fs.BoolVar(&c.AutoMigrate, "automigrate", false, "apply pending database migrations at start")
	fs.BoolVar(&c.Dev, "dev", false, "read templates and assets from disk on every request (development)")
	fs.StringVar(&c.TrustedProxy, "trusted-proxy", env(getenv, "trusted-proxy", ""), "`CIDR,...` of proxies whose X-Forwarded-* headers are believed")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env(getenv, "metrics-addr", ""), "listen `ADDR` for /metrics (off when empty)")
	fs.IntVar(&c.SearchRate, "search-rate", envInt(getenv, "search-rate", 60), "searches a minute one client may make (`N`, 0: no limit)")
	fs.IntVar(&c.APIRate, "api-rate", envInt(getenv, "api-rate", 600), "API requests a minute one client may make (`N`, 0: no limit)")
	fs.StringVar(&c.PurgeURL, "purge-url", env(getenv, "purge-url", ""), "CDN purge webhook: POST the URLs each change altered to `URL` (off when empty)")
	fs.StringVar(&c.PurgeSecret, "purge-secret", env(getenv, "purge-secret", ""), "sign purge requests with `SECRET` (Newsdesk-Signature header, as webhooks)")
}

// envInt is env for a number; a value that is not one keeps the default
// and is reported by Validate through the flag's own parsing.
func envInt(getenv Getenv, name string, def int) int {
	v := env(getenv, name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1 // Validate names it
	}
	return n
}

// Validate checks the values and fills derived defaults (media and index
// folders beside a SQLite file).
func (c *Config) Validate() error {
	switch {
	case strings.HasPrefix(c.DB, "sqlite:"):
		dir := filepath.Dir(strings.TrimPrefix(strings.TrimPrefix(c.DB, "sqlite:"), "//"))
		if c.Media == "" {
			c.Media = filepath.Join(dir, "media")
		}
		if c.Index == "" {
			c.Index = filepath.Join(dir, "index")
		}
	case strings.HasPrefix(c.DB, "postgres://"), strings.HasPrefix(c.DB, "postgresql://"):
		if c.Media == "" {
			c.Media = filepath.Join("newsdesk-data", "media")
		}
		if c.Index == "" {
			c.Index = filepath.Join("newsdesk-data", "index")
		}
	default:
		return fmt.Errorf("--db %q: use sqlite:PATH or postgres://...", c.DB)
	}
	if c.SMTP != "" {
		if _, err := mail.Parse(c.SMTP); err != nil {
			return fmt.Errorf("--smtp: %w", err)
		}
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			return fmt.Errorf("--addr %q: %w", c.Addr, err)
		}
	}
	if c.SearchRate < 0 {
		return fmt.Errorf("--search-rate (or NEWSDESK_SEARCH_RATE): want a number of requests a minute, 0 or more")
	}
	if c.APIRate < 0 {
		return fmt.Errorf("--api-rate (or NEWSDESK_API_RATE): want a number of requests a minute, 0 or more")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr %q: %w", c.MetricsAddr, err)
		}
	}
	if c.PurgeURL != "" {
		if u, err := url.Parse(c.PurgeURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--purge-url %q (or NEWSDESK_PURGE_URL): want an http(s)://host/... address", c.PurgeURL)
		}
	}
	c.trustedParsed = nil
	for _, part := range strings.Split(c.TrustedProxy, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return fmt.Errorf("--trusted-proxy %q: %w", part, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		c.trustedParsed = append(c.trustedParsed, p)
	}
	return nil
}

// TrustedProxies are the parsed --trusted-proxy prefixes (after Validate).
func (c *Config) TrustedProxies() []netip.Prefix { return c.trustedParsed }
