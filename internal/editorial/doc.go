// Package editorial is the newsroom's daily work on articles: drafts saved
// with optimistic locking and a revision for every save (autosaves
// included), the review workflow of the domain with its audit record, and
// the change log of everything readers could notice. The admin pages and
// the API both go through it.
package editorial
