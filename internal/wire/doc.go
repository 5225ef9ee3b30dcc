// Package wire polls the newsroom's wire sources: it fetches each due feed
// through the safe fetcher with a conditional GET, reads it in the source's
// declared format and lands its items through package ingest (review queue
// or straight out, as the source says), then records the source's health
// and when to poll next, backing off exponentially while it fails. A poll
// first claims its source with a conditional update, so several nodes over
// one database never poll the same source at once.
package wire
