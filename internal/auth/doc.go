// Package auth holds the newsroom's credentials: password hashing, one-time
// codes, recovery codes and the random tokens behind API tokens, sessions and
// one-time links. It stores nothing; the store keeps what it returns.
//
// Everything secret that leaves this package is either shown to a person once
// (a new API token, recovery codes, a TOTP secret) or is a one-way hash meant
// for the database. Comparisons of secrets are constant-time, and errors never
// quote the secret they were given, so they are safe to log.
//
// The package imports only the standard library, golang.org/x/crypto and
// github.com/pquerna/otp, so any layer may use it.
package auth
