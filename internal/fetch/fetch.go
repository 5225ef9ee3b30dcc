package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults for a Fetcher's limits.
const (
	DefaultMaxBytes     = 20 << 20
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRedirects = 5
	DefaultUserAgent    = "Newsdesk/1 (+wire ingest)"
)

// ErrRefused is wrapped by every error for an address the fetcher will not
// reach; callers tell a policy refusal from a network failure with errors.Is.
var ErrRefused = errors.New("address refused")

// ErrTooLarge is wrapped when a response body is over the size cap.
var ErrTooLarge = errors.New("response too large")

// Fetcher fetches URLs over HTTP(S) under the address policy. The zero value
// is not usable: build one with New. It is safe for concurrent use.
type Fetcher struct {
	allow        []string
	allowNets    []netip.Prefix
	maxBytes     int64
	timeout      time.Duration
	maxRedirects int
	userAgent    string
	lookup       func(ctx context.Context, host string) ([]netip.Addr, error)
	client       *http.Client
}

// Options configure a Fetcher; zero fields take the defaults.
type Options struct {
	// Allow lists hosts the administrator lets the fetcher reach even though
	// they resolve to a refused address: host names (matched
	// case-insensitively against the URL's host), IP addresses or CIDR
	// prefixes (matched against the resolved address). Tests that serve
	// feeds from httptest put "127.0.0.1" here.
	Allow []string
	// MaxBytes caps the response body.
	MaxBytes int64
	// Timeout caps the whole exchange, redirects and body included.
	Timeout time.Duration
	// MaxRedirects caps the redirects followed.
	MaxRedirects int
	// UserAgent is sent with every request.
	UserAgent string
	// Lookup resolves a host name; nil uses the system resolver. Tests give
	// names that resolve to private addresses without touching DNS.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

// New builds a Fetcher. An allow-list entry that is neither a host name nor
// an address or prefix is an error, so a typo is caught when it is saved.
func New(o Options) (*Fetcher, error) {
	f := &Fetcher{maxBytes: o.MaxBytes, timeout: o.Timeout, maxRedirects: o.MaxRedirects, userAgent: o.UserAgent, lookup: o.Lookup}
	if f.maxBytes <= 0 {
		f.maxBytes = DefaultMaxBytes
	}
	if f.timeout <= 0 {
		f.timeout = DefaultTimeout
	}
	if f.maxRedirects <= 0 {
		f.maxRedirects = DefaultMaxRedirects
	}
	if f.userAgent == "" {
		f.userAgent = DefaultUserAgent
	}
	if f.lookup == nil {
		f.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	entries, err := ParseAllowList(o.Allow)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if p, err := netip.ParsePrefix(e); err == nil {
			f.allowNets = append(f.allowNets, p.Masked())
		} else if a, err := netip.ParseAddr(e); err == nil {
			f.allowNets = append(f.allowNets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			f.allow = append(f.allow, e)
		}
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy: nil, // a proxy would dial for us, past the address check
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return f.dial(ctx, dialer, network, addr)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: f.timeout,
	}
	f.client = &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > f.maxRedirects {
				return fmt.Errorf("more than %d redirects", f.maxRedirects)
			}
			return f.CheckURL(req.Context(), req.URL.String())
		},
	}
	return f, nil
}

// ParseAllowList cleans an allow-list as an administrator typed it (one
// entry per line or comma-separated): lower-cased, without blanks and
// duplicates. It refuses entries that are not a host name, address or prefix.
func ParseAllowList(entries []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range entries {
		for _, e := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == '\t' }) {
			e = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(e), "."))
			if e == "" || seen[e] {
				continue
			}
			if _, err := netip.ParsePrefix(e); err != nil {
				if _, err := netip.ParseAddr(strings.Trim(e, "[]")); err == nil {
					e = strings.Trim(e, "[]")
				} else if !validHostName(e) {
					return nil, fmt.Errorf("allow-list entry %q is not a host name, IP address or CIDR prefix", e)
				}
			}
			seen[e] = true
			out = append(out, e)
		}
	}
	return out, nil
}

func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// Validators are the cache validators of a previous response, sent back for
// a conditional GET.
type Validators struct {
	ETag         string
	LastModified string
}

// Response is a fetched document.
type Response struct {
	// URL is where the body came from, after redirects.
	URL         string
	Status      int
	ContentType string
	// NotModified is true on a 304 answer to a conditional GET; Body is empty.
	NotModified bool
	Body        []byte
	// Validators to send next time.
	Validators Validators
}

// Get fetches rawURL, conditionally when cond carries validators. Answers
// other than 2xx and 304 are errors naming the status.
func (f *Fetcher) Get(ctx context.Context, rawURL string, cond Validators) (Response, error) {
	if err := f.CheckURL(ctx, rawURL); err != nil {
		return Response{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return Response{}, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return Response{}, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	out := Response{URL: resp.Request.URL.String(), Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		Validators: Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}}
	if resp.StatusCode == http.StatusNotModified {
		out.NotModified = true
		if out.Validators == (Validators{}) {
			out.Validators = cond
		}
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return out, fmt.Errorf("fetch %s: server answered %s", rawURL, resp.Status)
	}
	if resp.ContentLength > f.maxBytes {
		return out, fmt.Errorf("fetch %s: %w: %d bytes announced, the limit is %d", rawURL, ErrTooLarge, resp.ContentLength, f.maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return out, fmt.Errorf("fetch %s: reading the body: %w", rawURL, err)
	}
	if int64(len(body)) > f.maxBytes {
		return out, fmt.Errorf("fetch %s: %w: over %d bytes", rawURL, ErrTooLarge, f.maxBytes)
	}
	out.Body = body
	return out, nil
}

// CheckURL refuses a URL the fetcher would not fetch: a scheme other than
// http or https, credentials in the URL, or a host that is a refused address
// literally or in any spelling (decimal, octal, hex, short forms), or that
// resolves to one. The dialler checks again at connection time, so a name
// that changes its answer in between gains nothing.
func (f *Fetcher) CheckURL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("fetch %q: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("fetch %s: only http and https URLs can be fetched, not %q", rawURL, u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("fetch %s: user names and passwords in URLs are not sent", u.Redacted())
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("fetch %s: the URL has no host", rawURL)
	}
	_, err = f.resolve(ctx, host)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	return nil
}

// dial connects to the first permitted address addr's host resolves to.
func (f *Fetcher) dial(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, err := f.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var last error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, last
}

// resolve returns host's addresses when every one of them is permitted. A
// name with one refused address among public ones is refused whole: a
// resolver that answers both is how rebinding attacks win.
func (f *Fetcher) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	hostAllowed := false
	for _, h := range f.allow {
		if h == host {
			hostAllowed = true
		}
	}
	var addrs []netip.Addr
	if a, ok := ParseIP(host); ok {
		addrs = []netip.Addr{a}
	} else {
		found, err := f.lookup(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("resolving %s: %w", host, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("resolving %s: no addresses", host)
		}
		addrs = found
	}
	for i, a := range addrs {
		a = a.Unmap()
		addrs[i] = a
		if hostAllowed || f.netAllowed(a) {
			continue
		}
		if why := Refused(a); why != "" {
			if a.String() == host {
				return nil, fmt.Errorf("%w: %s is %s (an administrator can allow the host)", ErrRefused, a, why)
			}
			return nil, fmt.Errorf("%w: %s resolves to %s, %s (an administrator can allow the host)", ErrRefused, host, a, why)
		}
	}
	return addrs, nil
}

func (f *Fetcher) netAllowed(a netip.Addr) bool {
	for _, p := range f.allowNets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// blocked are the ranges no fetch may reach without an allow-list entry.
var blocked = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("169.254.169.254/32"), "the cloud metadata address"},
	{netip.MustParsePrefix("fd00:ec2::254/128"), "the cloud metadata address"},
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (CGNAT) address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("fc00::/7"), "a private (unique local) address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
}

// Refused says why a is refused ("a loopback address"), or "" when it may
// be fetched. IPv6 forms that carry an IPv4 address (mapped, compatible,
// NAT64, 6to4) are judged by that address.
func Refused(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		b := a.As16()
		var embedded netip.Addr
		switch {
		case netip.MustParsePrefix("64:ff9b::/96").Contains(a), netip.MustParsePrefix("::/96").Contains(a) && a != netip.IPv6Unspecified() && a != netip.IPv6Loopback():
			embedded = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		case netip.MustParsePrefix("2002::/16").Contains(a):
			embedded = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
		}
		if embedded.IsValid() {
			if why := Refused(embedded); why != "" {
				return why + " (inside an IPv6 address)"
			}
		}
	}
	for _, b := range blocked {
		if b.prefix.Contains(a) {
			return b.why
		}
	}
	return ""
}

// ParseIP reads host as an IP address in any spelling a C library's
// inet_aton accepts (2130706433, 0177.0.0.1, 0x7f.1, 127.1) as well as the
// usual dotted and IPv6 forms, so "http://2130706433/" is judged as the
// loopback address it is and not as a name.
func ParseIP(host string) (netip.Addr, bool) {
	host = strings.Trim(host, "[]")
	if i := strings.IndexByte(host, '%'); i >= 0 { // zone
		host = host[:i]
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap(), true
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return netip.Addr{}, false
		}
		n, ok := atonPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	var v uint64
	last := len(nums) - 1
	for i := 0; i < last; i++ {
		if nums[i] > 255 {
			return netip.Addr{}, false
		}
		v |= nums[i] << (8 * (3 - i))
	}
	if nums[last] >= 1<<(8*(4-last)) {
		return netip.Addr{}, false
	}
	v |= nums[last]
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// atonPart reads one inet_aton number: 0x hex, leading-0 octal or decimal.
func atonPart(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	for _, r := range p {
		if r == '_' || r == '+' || r == '-' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(p, base, 32)
	return n, err == nil
}
