// Package ingest brings copy from outside into the store: ninjs files now,
// and later feeds and WordPress exports. Each item is its own transaction, so
// one bad file never stops or half-writes the others.
package ingest
