// Package accounts is the newsroom's people service: users and their roles,
// the first-administrator set-up, invitations and password resets, sign-in
// with throttling and two-factor codes, API tokens, and the audit record of
// each of these. Admin pages, the API and the CLI all go through it, and it
// asks the domain (news.User.May) whenever a permission is at stake.
package accounts
