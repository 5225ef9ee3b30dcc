package news

// Redirect sends readers and search engines from a URL path that once held
// content (an old slug, date or channel, or a URL from an imported site) to
// where it lives now, with a 301.
type Redirect struct {
	From string
	To   string
}
