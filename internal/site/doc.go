// Package site is the public portal: the language homes, channel listings,
// articles, tag pages, the corrections page and footer pages readers see,
// rendered from embedded templates in the reader's language and the site's
// time zone. Every query it makes for readers goes through the store's
// visibility rule, so nothing unreleased is ever shown; the one exception
// is the preview (Preview for the newsroom, PreviewLink's signed, expiring
// links for reviewers), which is never cached nor indexed.
package site
