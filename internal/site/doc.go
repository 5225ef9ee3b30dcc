// Package site is the public portal: the language homes, channel listings,
// articles and footer pages readers see, rendered from embedded templates in
// the reader's language and the site's time zone. Every query it makes goes
// through the store's visibility rule, so nothing unreleased is ever shown.
package site
