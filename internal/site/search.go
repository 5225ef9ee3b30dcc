package site

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newsdesk/internal/news"
	"newsdesk/internal/search"
)

// maxShownQueryRunes bounds the query echoed back in the page.
const maxShownQueryRunes = 200

// languageNames name each language in each page language, for the search
// filters ("Chinese" on the English page, "中文" on the Chinese one).
var languageNames = map[string]map[string]string{
	"en": {"en": "English", "zh": "Chinese"},
	"zh": {"en": "英文", "zh": "中文"},
}

func languageName(page, lang string) string {
	if n, ok := languageNames[page][lang]; ok {
		return n
	}
	return lang
}

// searchForm is the search page's query string, decoded.
type searchForm struct {
	Q        string // as typed, cleaned for display
	Language string // "" for any
	Channel  string
	From, To string // YYYY-MM-DD as given (only when understood)
	Sort     string
	Page     int

	from, to time.Time
	notes    []string
}

// anyLanguage is the language filter's value for "every language".
const anyLanguage = "any"

// decodeSearch reads the search parameters. Nothing in them is an error:
// what cannot be understood is left out and noted for the reader.
func decodeSearch(r *http.Request, f frame, lang string) (searchForm, error) {
	v := r.URL.Query()
	page, err := pageNumber(r)
	if err != nil {
		return searchForm{}, err
	}
	sf := searchForm{Page: page, Language: lang}
	raw := v.Get("q")
	if len(raw) > search.MaxQueryBytes {
		sf.notes = append(sf.notes, label(lang, "search_truncated"))
	}
	sf.Q = displayQuery(raw)
	switch l := v.Get("language"); {
	case l == anyLanguage:
		sf.Language = ""
	case f.site.HasLanguage(l):
		sf.Language = l
	}
	if c := strings.Trim(v.Get("channel"), "/"); c != "" {
		if _, ok := f.tree.ByPath(c); ok {
			sf.Channel = c
		} else {
			sf.notes = append(sf.notes, fmt.Sprintf(label(lang, "search_bad_channel"), displayQuery(c)))
		}
	}
	loc := f.loc
	day := func(name string) (time.Time, string) {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return time.Time{}, ""
		}
		d, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil || d.Year() < 1900 || d.Year() > 9999 {
			sf.notes = append(sf.notes, fmt.Sprintf(label(lang, "search_bad_date"), displayQuery(s)))
			return time.Time{}, ""
		}
		return d, s
	}
	sf.from, sf.From = day("from")
	sf.to, sf.To = day("to")
	if !sf.from.IsZero() && !sf.to.IsZero() && sf.from.After(sf.to) {
		sf.from, sf.to = sf.to, sf.from
		sf.From, sf.To = sf.To, sf.From
		sf.notes = append(sf.notes, label(lang, "search_swapped"))
	}
	if v.Get("sort") == search.SortNewest {
		sf.Sort = search.SortNewest
	}
	return sf, nil
}

// request is the index request the form asks for.
func (sf searchForm) request(now time.Time, limit int) search.Request {
	r := search.Request{Query: search.Parse(sf.Q), Language: sf.Language, Channel: sf.Channel,
		From: sf.from, Sort: sf.Sort, Offset: (sf.Page - 1) * limit, Limit: limit, Now: now}
	if !sf.to.IsZero() {
		r.To = sf.to.AddDate(0, 0, 1).Add(-time.Nanosecond) // the whole day
	}
	return r
}

// displayQuery makes user input safe to show and short: valid UTF-8, no
// control characters, at most maxShownQueryRunes characters.
func displayQuery(s string) string {
	if len(s) > search.MaxQueryBytes {
		s = s[:search.MaxQueryBytes]
	}
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || !unicode.IsPrint(r) && !unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if rs := []rune(s); len(rs) > maxShownQueryRunes {
		s = string(rs[:maxShownQueryRunes])
	}
	return s
}

// url is the search page for the form, with overrides applied.
func (sf searchForm) url(lang string, change func(*searchForm)) string {
	c := sf
	if change != nil {
		change(&c)
	}
	v := url.Values{}
	v.Set("q", c.Q)
	switch {
	case c.Language == "":
		v.Set("language", anyLanguage)
	case c.Language != lang:
		v.Set("language", c.Language)
	}
	if c.Channel != "" {
		v.Set("channel", c.Channel)
	}
	if c.From != "" {
		v.Set("from", c.From)
	}
	if c.To != "" {
		v.Set("to", c.To)
	}
	if c.Sort != "" {
		v.Set("sort", c.Sort)
	}
	if c.Page > 1 {
		v.Set("page", strconv.Itoa(c.Page))
	}
	return "/" + lang + "/search?" + v.Encode()
}

type option struct {
	Value, Name string
	Selected    bool
}

type searchResult struct {
	URL, Lang, HTMLLang string
	Headline, Snippet   []search.Fragment
	Date, ISO           string
	Channel, ChannelURL string
	LanguageName        string
	ShowLanguage        bool
}

type searchView struct {
	Q, Language, Channel, From, To, Sort string
	Languages, Channels, Sorts           []option
	Notes                                []string
	// Asked is set when the reader typed something; Searchable when it held
	// words to look for.
	Asked, Searchable bool
	Total             int
	Summary           string
	Results           []searchResult
	Suggestions       []link
	pager
}

// search is /{lang}/search?q=: results from the index, checked against the
// database, with filters, highlighting and suggestions when nothing matches.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, f frame, lang string) error {
	if s.search == nil {
		return news.ErrNotFound
	}
	sf, err := decodeSearch(r, f, lang)
	if err != nil {
		return err
	}
	if (sf.Page-1)*perPage >= search.MaxResultWindow {
		return news.ErrNotFound
	}
	ctx, now := r.Context(), s.now()
	loc := f.loc
	def := f.site.DefaultLanguage
	q := search.Parse(sf.Q)
	sv := &searchView{Q: sf.Q, Language: sf.Language, Channel: sf.Channel, From: sf.From, To: sf.To, Sort: sf.Sort,
		Notes: sf.notes, Asked: strings.TrimSpace(sf.Q) != "", Searchable: !q.Empty()}
	sv.Languages = append(sv.Languages, option{Value: anyLanguage, Name: label(lang, "search_any_language"), Selected: sf.Language == ""})
	for _, l := range f.site.Languages {
		sv.Languages = append(sv.Languages, option{Value: l, Name: languageName(lang, l), Selected: sf.Language == l})
	}
	sv.Channels = append(sv.Channels, option{Value: "", Name: label(lang, "search_any_channel"), Selected: sf.Channel == ""})
	var walk func(parent int64)
	walk = func(parent int64) {
		for _, c := range f.tree.Children(parent) {
			name := strings.Repeat("\u00a0\u00a0", c.Depth()) + c.Name.In(lang, def)
			sv.Channels = append(sv.Channels, option{Value: c.Path, Name: name, Selected: sf.Channel == c.Path})
			walk(c.ID)
		}
	}
	walk(0)
	sv.Sorts = []option{{Value: search.SortRelevance, Name: label(lang, "search_relevance"), Selected: sf.Sort == ""},
		{Value: search.SortNewest, Name: label(lang, "search_newest"), Selected: sf.Sort == search.SortNewest}}

	p := newPage(f, lang, "")
	p.Title = label(lang, "search_title")
	p.Robots = "noindex"
	p.Search = sv
	if sv.Asked {
		p.Title = fmt.Sprintf(label(lang, "search_title_q"), sf.Q)
	}
	w.Header().Set("Cache-Control", "no-cache")
	if !sv.Searchable {
		return s.send(w, r, "search", p, time.Time{})
	}
	page, err := search.Visible(ctx, s.search, s.store, sf.request(now, perPage))
	if err != nil {
		return err
	}
	sv.Total = page.Total
	quoted := "“" + q.String() + "”"
	if page.Total == 1 {
		sv.Summary = fmt.Sprintf(label(lang, "search_result_one"), quoted)
	} else {
		sv.Summary = fmt.Sprintf(label(lang, "search_results"), page.Total, quoted)
	}
	for _, fd := range page.Found {
		a := fd.Article
		t := a.ReleaseAt.In(loc)
		res := searchResult{URL: a.Path(loc), Lang: a.Language, HTMLLang: htmlLangs[a.Language], Headline: fd.Headline, Snippet: fd.Snippet,
			Date: t.Format("2006-01-02"), ISO: t.Format(time.RFC3339), LanguageName: languageName(lang, a.Language),
			ShowLanguage: a.Language != lang}
		if res.HTMLLang == "" {
			res.HTMLLang = a.Language
		}
		if c, ok := f.tree.ByPath(a.ChannelPath); ok {
			res.Channel, res.ChannelURL = c.Name.In(lang, def), channelURL(lang, c.Path)
		}
		sv.Results = append(sv.Results, res)
	}
	if page.Total == 0 {
		sv.Suggestions = suggestions(sf, f, lang)
	}
	if page.Total > 0 || sf.Page > 1 {
		pages := max((page.Total+perPage-1)/perPage, 1)
		pages = min(pages, search.MaxResultWindow/perPage)
		if sf.Page > pages {
			return news.ErrNotFound
		}
		sv.pager = pager{Page: sf.Page, Pages: pages, PageOf: pageOf(lang, sf.Page, pages), URL: sf.url(lang, nil)}
		if sf.Page > 1 {
			sv.PrevURL = sf.url(lang, func(c *searchForm) { c.Page-- })
		}
		if sf.Page < pages {
			sv.NextURL = sf.url(lang, func(c *searchForm) { c.Page++ })
		}
	}
	return s.send(w, r, "search", p, time.Time{})
}

// suggestions are the ways out of an empty result: drop each filter, search
// the other languages, check the spelling (a line of text in the template).
func suggestions(sf searchForm, f frame, lang string) []link {
	var out []link
	drop := func(name string, change func(*searchForm)) {
		out = append(out, link{Name: fmt.Sprintf(label(lang, "search_drop"), name), URL: sf.url(lang, func(c *searchForm) { change(c); c.Page = 1 })})
	}
	if sf.Channel != "" {
		name := sf.Channel
		if c, ok := f.tree.ByPath(sf.Channel); ok {
			name = c.Name.In(lang, f.site.DefaultLanguage)
		}
		drop(label(lang, "search_channel")+" "+name, func(c *searchForm) { c.Channel = "" })
	}
	if sf.From != "" || sf.To != "" {
		name := sf.From + " – " + sf.To
		switch {
		case sf.To == "":
			name = label(lang, "search_from") + " " + sf.From
		case sf.From == "":
			name = label(lang, "search_to") + " " + sf.To
		}
		drop(name, func(c *searchForm) { c.From, c.To, c.from, c.to = "", "", time.Time{}, time.Time{} })
	}
	if sf.Language != "" {
		for _, l := range f.site.Languages {
			if l != sf.Language {
				out = append(out, link{Name: fmt.Sprintf(label(lang, "search_other_lang"), languageName(lang, l)),
					URL: sf.url(lang, func(c *searchForm) { c.Language = l; c.Page = 1 })})
			}
		}
		if len(f.site.Languages) > 2 {
			out = append(out, link{Name: label(lang, "search_all_langs"), URL: sf.url(lang, func(c *searchForm) { c.Language = ""; c.Page = 1 })})
		}
	}
	return out
}

// openSearchName is the OpenSearch description's file name under /{lang}/
// (a file name, so no channel or page can take it).
const openSearchName = "opensearch.xml"

// openSearch is the OpenSearch description that lets browsers add the
// site's search (linked from every page with rel="search").
func (s *Server) openSearch(w http.ResponseWriter, r *http.Request, f frame, lang string) error {
	if s.search == nil {
		return news.ErrNotFound
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	name := f.site.Name.In(lang, f.site.DefaultLanguage)
	short := []rune(name)
	if len(short) > 16 {
		short = short[:16]
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">` + "\n")
	fmt.Fprintf(&b, "<ShortName>%s</ShortName>\n", xmlEscape(strings.TrimSpace(string(short))))
	fmt.Fprintf(&b, "<Description>%s</Description>\n", xmlEscape(fmt.Sprintf(label(lang, "search_description"), name)))
	fmt.Fprintf(&b, "<InputEncoding>UTF-8</InputEncoding>\n<Language>%s</Language>\n", xmlEscape(htmlLangs[lang]))
	fmt.Fprintf(&b, "<Url type=\"text/html\" method=\"get\" template=\"%s\"/>\n", xmlEscape(base+"/"+lang+"/search?q={searchTerms}"))
	fmt.Fprintf(&b, "<Url type=\"application/opensearchdescription+xml\" rel=\"self\" template=\"%s\"/>\n", xmlEscape(base+"/"+lang+"/opensearch.xml"))
	b.WriteString("</OpenSearchDescription>\n")
	w.Header().Set("Content-Type", "application/opensearchdescription+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write([]byte(b.String()))
	return err
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }
