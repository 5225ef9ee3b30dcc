package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"newsdesk/internal/markup"
	"newsdesk/internal/news"
)

// NinjsItem is one ninjs document (IPTC News in JSON, version 1.x or 2.x),
// reduced to what Newsdesk stores. ParseNinjs fills it from either version, so
// the importer deals with one shape whatever the agency sends.
type NinjsItem struct {
	// URI is the document's global identifier; later versions of the same
	// story carry the same URI.
	URI string
	// Language is the primary language subtag, one of news.KnownLanguages
	// ("en-GB" arrives as "en", "zh-Hans" as "zh").
	Language string
	// Headline is the main headline as plain text.
	Headline string
	// Summary is the description (standfirst) as plain text; "" when the
	// document has none.
	Summary string
	// BodyHTML is the body as HTML exactly as the source sent it (plain-text
	// bodies are turned into escaped <p> paragraphs). It is NOT sanitized.
	BodyHTML string
	// Byline names the authors as the source wrote it.
	Byline string
	// Source is the credit for the copy (infosources with a source or
	// originator role), names joined with ", ".
	Source string
	// Editor is the responsible editor (infosources with the editor role).
	Editor string
	// Tags are the names (or codes) of the document's subjects, without
	// duplicates.
	Tags []string
	// FirstCreated, VersionCreated, FirstPublished and Embargoed are the
	// document's times, zero when absent, in the offsets the source gave.
	FirstCreated, VersionCreated, FirstPublished, Embargoed time.Time
	// PubStatus is "usable", "withheld", "canceled" or "" (absent, which ninjs
	// defines as usable).
	PubStatus string
	// Version is the source's version label for this URI, "" when absent.
	Version string
}

// ParseNinjs reads one ninjs 1.x or 2.x document. It accepts what agencies
// actually send (unknown fields are ignored, either version's field names are
// understood) but refuses a document Newsdesk could not publish: one without a
// uri, a known language, a headline, a body or description, or a release time
// (firstpublished or firstcreated). Every problem found is reported in one
// *news.ValidationError whose paths are JSON paths into the document
// ("headlines[0].value"); malformed JSON is reported with its line and column.
func ParseNinjs(data []byte) (NinjsItem, error) {
	v := &news.ValidationError{}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := position(data, syn.Offset)
			v.Add("", "invalid JSON at line %d, column %d: %v", line, col, err)
		} else {
			v.Add("", "a ninjs document must be a JSON object, got %s", kind(data))
		}
		return NinjsItem{}, v
	}
	if fields == nil {
		v.Add("", "a ninjs document must be a JSON object, got null")
		return NinjsItem{}, v
	}
	d := object{fields: fields, v: v}

	var it NinjsItem
	it.URI = strings.TrimSpace(d.str("uri"))
	if it.URI == "" && !d.failed("uri") {
		v.Add("uri", "is required")
	}
	it.Language = d.language("language")
	d.str("type") // any type is accepted, but it must be a string
	it.Version = d.strOrNumber("version")

	it.FirstCreated = d.time("firstcreated")
	it.VersionCreated = d.time("versioncreated")
	it.FirstPublished = d.time("firstpublished")
	it.Embargoed = d.time("embargoed")
	if it.ReleaseAt().IsZero() && !d.failed("firstcreated") && !d.failed("firstpublished") {
		v.Add("firstcreated", "is required: a release time (firstcreated or firstpublished) is needed")
	}

	switch s := strings.ToLower(strings.TrimSpace(d.str("pubstatus"))); s {
	case "", "usable", "withheld", "canceled":
		it.PubStatus = s
	case "cancelled":
		it.PubStatus = "canceled"
	default:
		v.Add("pubstatus", "unknown status %q (known: usable, withheld, canceled)", s)
	}

	it.Headline = d.headline()
	it.BodyHTML = d.body()
	it.Summary = d.summary()
	if it.BodyHTML == "" && it.Summary == "" && !d.failedUnder("bodies") && !d.failedUnder("descriptions") &&
		!d.failed("body_html") && !d.failed("body_text") && !d.failed("description_text") && !d.failed("description_html") {
		path := "bodies"
		if d.isV1() {
			path = "body_html"
		}
		v.Add(path, "no body or description: an article needs one of them")
	}

	it.Byline = collapse(d.str("byline"))
	if it.Byline == "" {
		it.Byline = collapse(d.str("by"))
	}
	it.Source, it.Editor = d.infosources()
	it.Tags = d.tags()

	if err := v.Err(); err != nil {
		return NinjsItem{}, err
	}
	return it, nil
}

// ReleaseAt is the time the story was released to the public: firstpublished
// when the source gives it, else firstcreated (ninjs 2 has no firstpublished).
func (it NinjsItem) ReleaseAt() time.Time {
	if !it.FirstPublished.IsZero() {
		return it.FirstPublished
	}
	return it.FirstCreated
}

// Status maps the ninjs pubstatus onto the article status: usable (or absent)
// is published, withheld and canceled take the article off the site.
func (it NinjsItem) Status() news.Status {
	switch it.PubStatus {
	case "withheld":
		return news.StatusWithheld
	case "canceled":
		return news.StatusCanceled
	}
	return news.StatusPublished
}

// Article turns the item into an article with every time in UTC. BodyHTML is
// still the raw HTML and must be sanitized before it is stored; channel and
// slug are left for the importer, which knows the site.
func (it NinjsItem) Article() news.Article {
	return news.Article{
		URI:            it.URI,
		Language:       it.Language,
		Headline:       it.Headline,
		Summary:        it.Summary,
		BodyHTML:       it.BodyHTML,
		Byline:         it.Byline,
		Source:         it.Source,
		Editor:         it.Editor,
		Tags:           slices.Clone(it.Tags),
		Status:         it.Status(),
		ReleaseAt:      it.ReleaseAt().UTC(),
		EmbargoUntil:   it.Embargoed.UTC(),
		VersionCreated: it.VersionCreated.UTC(),
	}
}

// object is one JSON object of the document being read, with its path, so
// every field read from it can report problems where they are.
type object struct {
	path   string
	fields map[string]json.RawMessage
	v      *news.ValidationError
}

func (o object) at(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// raw returns the field's JSON; null counts as absent.
func (o object) raw(key string) (json.RawMessage, bool) {
	r, ok := o.fields[key]
	if !ok || kind(r) == "null" {
		return nil, false
	}
	return r, true
}

func (o object) has(key string) bool {
	_, ok := o.raw(key)
	return ok
}

// failed reports whether a problem was already recorded at key itself.
func (o object) failed(key string) bool {
	p := o.at(key)
	for _, f := range o.v.Fields {
		if f.Path == p {
			return true
		}
	}
	return false
}

// failedUnder reports whether a problem was recorded at key or inside it.
func (o object) failedUnder(key string) bool {
	p := o.at(key)
	for _, f := range o.v.Fields {
		if f.Path == p || strings.HasPrefix(f.Path, p+"[") || strings.HasPrefix(f.Path, p+".") {
			return true
		}
	}
	return false
}

func (o object) str(key string) string {
	r, ok := o.raw(key)
	if !ok {
		return ""
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		o.v.Add(o.at(key), "must be a string, got %s", kind(r))
		return ""
	}
	return s
}

// strOrNumber reads a string that some producers send as a number (version).
func (o object) strOrNumber(key string) string {
	if r, ok := o.raw(key); ok && kind(r) == "number" {
		return string(bytes.TrimSpace(r))
	}
	return strings.TrimSpace(o.str(key))
}

// objects reads an array of objects; elements that are not objects are
// reported and skipped.
func (o object) objects(key string) []object {
	r, ok := o.raw(key)
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(r, &items); err != nil {
		o.v.Add(o.at(key), "must be an array of objects, got %s", kind(r))
		return nil
	}
	out := make([]object, 0, len(items))
	for i, item := range items {
		path := fmt.Sprintf("%s[%d]", o.at(key), i)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(item, &m); err != nil || m == nil {
			o.v.Add(path, "must be an object, got %s", kind(item))
			continue
		}
		out = append(out, object{path: path, fields: m, v: o.v})
	}
	return out
}

// dateLayouts are the date-time forms accepted: RFC 3339 (with or without a
// fraction of a second), and the same without seconds, which some feeds send.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"}

func (o object) time(key string) time.Time {
	s := strings.TrimSpace(o.str(key))
	if s == "" {
		return time.Time{}
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	o.v.Add(o.at(key), "%q is not a date-time with a UTC offset, like 2022-09-16T17:51:59+08:00", s)
	return time.Time{}
}

// language reads a BCP 47 tag and keeps its primary subtag, which is what
// Newsdesk's editions are keyed by.
func (o object) language(key string) string {
	if !o.has(key) {
		o.v.Add(o.at(key), "is required")
		return ""
	}
	tag := strings.TrimSpace(o.str(key))
	if o.failed(key) {
		return ""
	}
	primary, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	primary = strings.ToLower(primary)
	if !news.IsKnownLanguage(primary) {
		o.v.Add(o.at(key), "unknown language %q (known: %s)", tag, strings.Join(news.KnownLanguages, ", "))
		return ""
	}
	return primary
}

// isV1 guesses whether the document uses ninjs 1.x field names, to name the
// right field when something is missing.
func (o object) isV1() bool {
	if o.has("headlines") || o.has("bodies") || o.has("descriptions") {
		return false
	}
	for _, k := range []string{"headline", "body_html", "body_text", "description_text", "description_html", "subject"} {
		if o.has(k) {
			return true
		}
	}
	return false
}

// text is one entry of headlines, bodies or descriptions.
type text struct {
	path, role, contentType, value string
}

func (o object) texts(key string) []text {
	var out []text
	for _, item := range o.objects(key) {
		out = append(out, text{
			path:        item.path,
			role:        strings.ToLower(strings.TrimSpace(item.str("role"))),
			contentType: mediaType(item.str("contenttype")),
			value:       item.str("value"),
		})
	}
	return out
}

// headline picks the main headline (ninjs 2 headlines with role "main", else
// the first) or the ninjs 1 headline.
func (o object) headline() string {
	before := len(o.v.Fields)
	entries := o.texts("headlines")
	plain := func(t text) string {
		if isHTML(t.contentType, "") {
			return markup.PlainText(t.value)
		}
		return collapse(t.value)
	}
	for _, main := range []bool{true, false} {
		for _, t := range entries {
			if (!main || t.role == "main") && plain(t) != "" {
				return plain(t)
			}
		}
	}
	if h := collapse(o.str("headline")); h != "" {
		return h
	}
	if len(o.v.Fields) > before {
		return "" // the problem is already reported where it is
	}
	switch {
	case len(entries) > 0:
		preferred := entries[0]
		for _, t := range entries {
			if t.role == "main" {
				preferred = t
				break
			}
		}
		o.v.Add(preferred.path+".value", "is empty: an article needs a headline")
	case o.has("headlines"):
		o.v.Add(o.at("headlines"), "is empty: an article needs a headline")
	case o.has("headline"):
		o.v.Add(o.at("headline"), "is empty: an article needs a headline")
	default:
		o.v.Add(o.at("headlines"), "is required: an article needs a headline")
	}
	return ""
}

// body picks the body to publish: of ninjs 2 bodies, HTML before plain text
// and role "main" before others; else ninjs 1 body_html, then body_text.
// Plain text becomes escaped paragraphs.
func (o object) body() string {
	best, bestScore := text{}, -1
	for _, t := range o.texts("bodies") {
		if strings.TrimSpace(t.value) == "" {
			continue
		}
		score := 0
		if isHTML(t.contentType, t.value) {
			score += 2
		}
		if t.role == "main" {
			score++
		}
		if score > bestScore {
			best, bestScore = t, score
		}
	}
	if bestScore >= 0 {
		if isHTML(best.contentType, best.value) {
			return strings.TrimSpace(best.value)
		}
		return textToHTML(best.value)
	}
	if s := strings.TrimSpace(o.str("body_html")); s != "" {
		return s
	}
	return textToHTML(o.str("body_text"))
}

// descriptionRank orders description roles: a summary is what readers should
// see; editorial notes never are.
var descriptionRank = map[string]int{"summary": 4, "main": 3, "": 2, "ednote": -1}

// summary picks the description to show as plain text: ninjs 2 descriptions
// by role, else ninjs 1 description_text, then description_html.
func (o object) summary() string {
	best, bestRank := "", -1
	for _, t := range o.texts("descriptions") {
		rank, ok := descriptionRank[t.role]
		if !ok {
			rank = 1
		}
		var s string
		if isHTML(t.contentType, "") {
			s = markup.PlainText(t.value)
		} else {
			s = collapse(t.value)
		}
		if s != "" && rank > bestRank {
			best, bestRank = s, rank
		}
	}
	if best != "" {
		return best
	}
	if s := collapse(o.str("description_text")); s != "" {
		return s
	}
	return markup.PlainText(o.str("description_html"))
}

// sourceRoles and editorRoles are the infosource roles (the last segment when
// the role is a URI) credited as Source and as Editor.
var (
	sourceRoles = map[string]bool{"source": true, "originator": true, "originfo": true, "credit": true, "creditline": true, "provider": true}
	editorRoles = map[string]bool{"editor": true}
)

func (o object) infosources() (source, editor string) {
	var sources, editors []string
	for _, item := range o.objects("infosources") {
		name := collapse(item.str("name"))
		if name == "" {
			name = collapse(item.str("literal"))
		}
		role := strings.ToLower(strings.TrimSpace(item.str("role")))
		if i := strings.LastIndexAny(role, "/#:"); i >= 0 {
			role = role[i+1:]
		}
		switch {
		case name == "":
		case sourceRoles[role] && !slices.Contains(sources, name):
			sources = append(sources, name)
		case editorRoles[role] && !slices.Contains(editors, name):
			editors = append(editors, name)
		}
	}
	return strings.Join(sources, ", "), strings.Join(editors, ", ")
}

// tags collects subject names (or literals, or ninjs 1 codes) from ninjs 2
// subjects and ninjs 1 subject, without duplicates.
func (o object) tags() []string {
	var tags []string
	seen := map[string]bool{}
	for _, key := range []string{"subjects", "subject"} {
		for _, item := range o.objects(key) {
			tag := collapse(item.str("name"))
			if tag == "" {
				tag = collapse(item.str("literal"))
			}
			if tag == "" {
				tag = collapse(item.str("code"))
			}
			if k := strings.ToLower(tag); tag != "" && !seen[k] {
				seen[k] = true
				tags = append(tags, tag)
			}
		}
	}
	return tags
}

// mediaType lowercases a content type and drops its parameters.
func mediaType(s string) string {
	s, _, _ = strings.Cut(s, ";")
	return strings.ToLower(strings.TrimSpace(s))
}

var looksLikeHTML = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*[\s/>]`)

// isHTML decides whether a value is markup: by its content type, or when there
// is none, by whether value contains tags.
func isHTML(contentType, value string) bool {
	switch contentType {
	case "text/html", "application/xhtml+xml":
		return true
	case "":
		return looksLikeHTML.MatchString(value)
	}
	return false
}

var blankLine = regexp.MustCompile(`\n[ \t\f\v]*\n`)

// textToHTML turns a plain-text body into paragraphs. Blank lines separate
// paragraphs, and single line breaks inside one are kept as <br>; text without
// blank lines has one paragraph per line, as wire copy is usually written.
func textToHTML(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var paras []string
	if blankLine.MatchString(s) {
		paras = blankLine.Split(s, -1)
	} else {
		paras = strings.Split(s, "\n")
	}
	var b strings.Builder
	for _, p := range paras {
		var lines []string
		for line := range strings.SplitSeq(p, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				lines = append(lines, html.EscapeString(line))
			}
		}
		if len(lines) > 0 {
			b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>")
		}
	}
	return b.String()
}

// collapse trims s and reduces every run of whitespace to one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// kind names the JSON type of a value for error messages.
func kind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// position turns a byte offset into a 1-based line and column (in characters)
// so a malformed document can be fixed in an editor.
func position(data []byte, offset int64) (line, col int) {
	off := int(min(max(offset, 0), int64(len(data))))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	line = bytes.Count(data[:off], []byte("\n")) + 1
	col = utf8.RuneCount(data[start:off])
	if col == 0 {
		col = 1
	}
	return line, col
}
