// Package search is Newsdesk's full-text search in English and Chinese: a
// Bleve index on the node's disk, fed from the change log, queried by the
// public site and API (visible articles only) and by the newsroom (every
// status).
//
// Each language has its own text fields (headline_en with the English
// analyzer: stemming and stop words; headline_zh with the CJK analyzer:
// overlapping bigrams, so two-character words such as 能源 are found). Text is
// folded (full-width to half-width, case) before it reaches the analyzers, and
// the user's query is parsed here into Bleve query objects: raw reader input
// never reaches Bleve's query-string syntax.
//
// Every article is indexed whatever its status, with its status and the
// instant it becomes visible. Index.Public is the only public query path and
// always adds the visibility filter (public flag and visible_from <= now), so
// a scheduled or embargoed article cannot be found before its time even if it
// was indexed early; callers load the hits from the store and drop any that
// the database no longer shows, a second guard against index lag.
package search
