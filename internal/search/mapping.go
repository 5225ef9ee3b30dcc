package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"golang.org/x/text/width"

	"newsdesk/internal/markup"
	"newsdesk/internal/news"
)

// Text fields: one set per language, so each is analysed by its own
// language's analyzer.
const (
	fieldHeadline = "headline"
	fieldSummary  = "summary"
	fieldBody     = "body"
)

// textFields are the searched parts of an article with their query-time
// weight: a word in the headline counts more than in the summary, and that
// more than in the body.
var textFields = []struct {
	name  string
	boost float64
}{{fieldHeadline, 4}, {fieldSummary, 2}, {fieldBody, 1}}

// languageAnalyzers names the analyzer of each language's text fields;
// languages not listed use English's (a Latin-script default).
var languageAnalyzers = map[string]string{"en": en.AnalyzerName, "zh": cjk.AnalyzerName}

// indexLanguages are the languages with their own field set.
var indexLanguages = []string{"en", "zh"}

// fieldLang is the field set an article's language writes to.
func fieldLang(lang string) string {
	if _, ok := languageAnalyzers[lang]; ok {
		return lang
	}
	return "en"
}

// The release date as the day and month keywords of the recency boost.
const (
	dayLayout   = "2006-01-02"
	monthLayout = "2006-01"
	// yearLayout names a whole year, so a release filter spanning one is
	// one term (see releaseFilter).
	yearLayout = "2006"
)

// fieldName is a text field of one language: headline_en, body_zh.
func fieldName(part, lang string) string { return part + "_" + lang }

// document is what the index holds for one article. Text is folded; the
// keyword fields are exact.
type document struct {
	Headline, Summary, Body string   `json:"-"`
	Lang                    string   `json:"lang"`
	Channel                 []string `json:"channel"`
	Tags                    []string `json:"tags"`
	Source                  string   `json:"source"`
	Status                  string   `json:"status"`
	// Author is the id of the article's first writer ("0" for imports),
	// for newsroom searches limited to one's own articles.
	Author string `json:"author"`
	// Public is "yes" when the article may ever be shown to readers in its
	// current status (published or scheduled, not retracted).
	Public      string    `json:"public"`
	Release     time.Time `json:"release"`
	VisibleFrom time.Time `json:"visible_from"`
	Updated     time.Time `json:"updated"`
}

// digest fingerprints everything the document holds, so a check can tell
// whether the index has an article exactly as the database does.
func (d document) digest() string {
	b, _ := json.Marshal(struct {
		document
		H, S, B string
	}{d, d.Headline, d.Summary, d.Body})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// fields flattens a document into the field names the mapping knows, with
// text under its language's names.
func (d document) fields() map[string]any {
	l := fieldLang(d.Lang)
	m := map[string]any{
		fieldName(fieldHeadline, l): d.Headline,
		fieldName(fieldSummary, l):  d.Summary,
		fieldName(fieldBody, l):     d.Body,
		"lang":                      d.Lang,
		"channel":                   d.Channel,
		"tags":                      d.Tags,
		"source":                    d.Source,
		"status":                    d.Status,
		"author":                    d.Author,
		"public":                    d.Public,
		"updated":                   d.Updated,
		"digest":                    d.digest(),
	}
	if !d.Release.IsZero() {
		m["release"] = d.Release
		m["day"] = d.Release.UTC().Format(dayLayout)
		m["month"] = d.Release.UTC().Format(monthLayout)
		m["year"] = d.Release.UTC().Format(yearLayout)
	}
	if !d.VisibleFrom.IsZero() {
		m["visible_from"] = d.VisibleFrom
	}
	return m
}

// Fold is the normalisation applied to indexed text and to queries alike:
// full-width Latin letters and digits become ASCII (ＧＤＰ → GDP) and invalid
// UTF-8 is replaced. Chinese punctuation keeps its full width (readers see
// snippets cut from this text), half-width katakana are widened by the CJK
// analyzer, and case is folded by the analyzers. Snippets are cut from the
// folded text, so match offsets always fit it.
func Fold(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsFunc(s, fullWidthAlnum) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if fullWidthAlnum(r) {
			if n := width.LookupRune(r).Narrow(); n != 0 {
				return n
			}
		}
		return r
	}, s)
}

// fullWidthAlnum reports whether r is a full-width Latin letter or digit.
func fullWidthAlnum(r rune) bool {
	return r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A
}

// Text is the folded text of an article's searched parts, as indexed; match
// locations returned by a search are byte offsets into these strings.
type Text struct {
	Headline, Summary, Body string
}

// TextOf folds an article's headline, summary (or subheading) and body text.
func TextOf(a news.Article) Text {
	summary := a.Summary
	if a.Subheading != "" {
		summary = strings.TrimSpace(a.Subheading + " " + summary)
	}
	return Text{Headline: Fold(a.Headline), Summary: Fold(summary), Body: Fold(markup.PlainText(a.BodyHTML))}
}

// public reports whether readers may ever meet the article in its current
// status: a retracted article keeps its URL but leaves search.
func public(a news.Article) bool {
	return !a.VisibleFrom().IsZero() && a.Status != news.StatusRetracted
}

// docOf is the index document of an article.
func docOf(a news.Article) document {
	t := TextOf(a)
	d := document{Headline: t.Headline, Summary: t.Summary, Body: t.Body, Lang: a.Language,
		Channel: channelAncestors(a.ChannelPath), Tags: foldTags(a.Tags), Source: strings.ToLower(strings.TrimSpace(a.Source)),
		Status: string(a.Status), Author: strconv.FormatInt(a.AuthorID, 10), Public: "no", Release: a.ReleaseAt.UTC(), Updated: a.UpdatedAt.UTC()}
	if public(a) {
		d.Public = "yes"
		d.VisibleFrom = a.VisibleFrom()
	}
	return d
}

// channelAncestors lists a channel path and every ancestor, so a filter on
// news/china also finds articles filed under news/china/industry.
func channelAncestors(path string) []string {
	var out []string
	for i := 0; i < len(path); i++ {
		if path[i] == '/' {
			out = append(out, path[:i])
		}
	}
	return append(out, path)
}

// foldTags makes tags comparable in filters: folded and lower case.
func foldTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, strings.ToLower(Fold(t)))
	}
	return out
}

// docID is an article's document id in the index.
func docID(id int64) string { return strconv.FormatInt(id, 10) }

// newMapping is the index mapping: documents are flat maps whose text fields
// name their language and whose keyword fields are matched exactly.
func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	dm := bleve.NewDocumentStaticMapping()
	for _, l := range indexLanguages {
		for _, f := range textFields {
			fm := bleve.NewTextFieldMapping()
			fm.Analyzer = languageAnalyzers[l]
			fm.Store = false
			fm.IncludeTermVectors = true // locations for snippets and phrases
			fm.IncludeInAll = false
			fm.DocValues = false // text is never sorted or faceted on
			dm.AddFieldMappingsAt(fieldName(f.name, l), fm)
		}
	}
	for _, k := range []string{"lang", "channel", "tags", "source", "status", "author", "public", "digest", "day", "month", "year"} {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = k == "status" || k == "public" || k == "digest"
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = true // facets and sorting
		dm.AddFieldMappingsAt(k, fm)
	}
	for _, d := range []string{"release", "visible_from", "updated"} {
		fm := bleve.NewDateTimeFieldMapping()
		fm.Store = false
		fm.IncludeInAll = false
		fm.DocValues = true
		dm.AddFieldMappingsAt(d, fm)
	}
	im.DefaultMapping = dm
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}
