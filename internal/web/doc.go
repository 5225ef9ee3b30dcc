// Package web is the HTTP plumbing every surface shares: handlers that return
// errors and one adapter that turns them into responses, security headers,
// access logging, panic recovery, content-hashed static assets, and responses
// with ETag and Last-Modified so browsers and proxies can revalidate cheaply.
package web
