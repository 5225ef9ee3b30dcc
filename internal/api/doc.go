// Package api is the JSON API at /api/v1/. It authenticates only with
// bearer tokens (never with the newsroom's session cookies, so a page on
// another site cannot make a signed-in editor's browser write through it),
// answers errors as RFC 9457 problem details, and describes itself in
// /api/v1/openapi.json, which lists exactly the routes registered here.
package api
