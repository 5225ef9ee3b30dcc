// Package fetch is the only way Newsdesk reaches out to other servers (wire
// feeds, WordPress media). A URL from a form or an imported file must not
// become a way into the machine's own network: the fetcher refuses loopback,
// private, link-local, shared (CGNAT), multicast, unspecified and cloud
// metadata addresses, checked on the addresses a name resolves to at the
// moment of dialling and again on every redirect, unless an administrator put
// the host on the allow-list. It also caps the body size, the total time and
// the number of redirects, and speaks conditional GET so pollers re-download
// only what changed.
package fetch
