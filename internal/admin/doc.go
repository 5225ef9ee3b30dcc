// Package admin is the newsroom at /admin/: sign-in with password and
// one-time codes, the first-administrator set-up, the dashboard, and the
// pages that manage accounts, users, channels, footer pages, settings and
// the audit log. Plain server-rendered HTML that works without JavaScript,
// in English and Chinese. Every state-changing request must pass
// cross-origin protection and carry its form's token.
package admin
