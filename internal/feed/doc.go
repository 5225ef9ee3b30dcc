// Package feed reads and writes the formats news travels in: IPTC ninjs
// documents from news agencies now, and the syndication and export formats
// (RSS, Atom, WordPress WXR) as they are added. Readers turn each format into
// the domain's news.Article and report problems as *news.ValidationError with
// the path of the offending field, so the person fixing a file is told where to
// look. Body HTML is passed on as received; sanitizing it is the importer's job
// (see package markup).
package feed
