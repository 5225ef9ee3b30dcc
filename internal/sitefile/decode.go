package sitefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"

	"newsdesk/internal/news"
)

// File is a decoded site file. Settings holds only the keys the file names,
// so applying it never resets a setting the file leaves out.
type File struct {
	Site     news.Site
	Settings map[string]bool // keys present in the file
	Channels []ChannelSpec
	Pages    []news.Page
	// HasPages and HasChannels tell an empty list from an absent one.
	HasPages, HasChannels bool
}

// ChannelSpec is one channel of the file's tree.
type ChannelSpec struct {
	Slug     string
	Name     news.Localized
	Children []ChannelSpec
	// RequiresApproval is nil when the file leaves the setting alone.
	RequiresApproval *bool
	path             string // JSON path, for messages
}

var settingKeys = []string{"name", "languages", "default_language", "time_zone", "sponsor", "operator", "registration_number", "browser_note", "footer_pages", "require_two_factor", "feed_content", "logo_url", "websub_hub"}

// Decode parses a site file strictly: malformed JSON, unknown keys and values
// of the wrong type are reported with their JSON path. It does not validate
// meaning; see Validate.
func Decode(data []byte) (*File, error) {
	v := &news.ValidationError{}
	var top map[string]json.RawMessage
	if err := unmarshal(data, &top); err != nil {
		return nil, syntaxError(data, err)
	}
	if top == nil {
		v.Add("", "the site file must be a JSON object")
		return nil, v
	}
	f := &File{Settings: map[string]bool{}}
	targets := map[string]any{
		"name": &f.Site.Name, "languages": &f.Site.Languages, "default_language": &f.Site.DefaultLanguage,
		"time_zone": &f.Site.TimeZone, "sponsor": &f.Site.Sponsor, "operator": &f.Site.Operator,
		"registration_number": &f.Site.RegistrationNumber, "browser_note": &f.Site.BrowserNote,
		"footer_pages": &f.Site.FooterPages, "require_two_factor": &f.Site.RequireTwoFactor,
		"feed_content": &f.Site.FeedContent, "logo_url": &f.Site.LogoURL, "websub_hub": &f.Site.WebSubHub,
	}
	for _, key := range sortedKeys(top) {
		raw := top[key]
		switch {
		case targets[key] != nil:
			if err := unmarshal(raw, targets[key]); err != nil {
				v.Add(key, "%s", typeMessage(err))
				continue
			}
			f.Settings[key] = true
		case key == "channels":
			f.HasChannels = true
			f.Channels = decodeChannels(raw, "channels", v)
		case key == "pages":
			f.HasPages = true
			f.Pages = decodePages(raw, v)
		default:
			v.Add(key, "unknown key")
		}
	}
	return f, v.Err()
}

func decodeChannels(raw json.RawMessage, path string, v *news.ValidationError) []ChannelSpec {
	var items []json.RawMessage
	if err := unmarshal(raw, &items); err != nil {
		v.Add(path, "%s", typeMessage(err))
		return nil
	}
	var out []ChannelSpec
	for i, item := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		var obj map[string]json.RawMessage
		if err := unmarshal(item, &obj); err != nil || obj == nil {
			v.Add(p, "must be an object with slug, name and optional children")
			continue
		}
		c := ChannelSpec{path: p}
		for _, key := range sortedKeys(obj) {
			switch key {
			case "slug":
				if err := unmarshal(obj[key], &c.Slug); err != nil {
					v.Add(p+".slug", "%s", typeMessage(err))
				}
			case "name":
				if err := unmarshal(obj[key], &c.Name); err != nil {
					v.Add(p+".name", "%s", typeMessage(err))
				}
			case "children":
				c.Children = decodeChannels(obj[key], p+".children", v)
			case "requires_approval":
				var b bool
				if err := unmarshal(obj[key], &b); err != nil {
					v.Add(p+".requires_approval", "%s", typeMessage(err))
				} else {
					c.RequiresApproval = &b
				}
			default:
				v.Add(p+"."+key, "unknown key")
			}
		}
		out = append(out, c)
	}
	return out
}

func decodePages(raw json.RawMessage, v *news.ValidationError) []news.Page {
	var items []json.RawMessage
	if err := unmarshal(raw, &items); err != nil {
		v.Add("pages", "%s", typeMessage(err))
		return nil
	}
	var out []news.Page
	for i, item := range items {
		p := fmt.Sprintf("pages[%d]", i)
		var obj map[string]json.RawMessage
		if err := unmarshal(item, &obj); err != nil || obj == nil {
			v.Add(p, "must be an object with slug, title and body")
			continue
		}
		pg := news.Page{Position: i}
		for _, key := range sortedKeys(obj) {
			var err error
			switch key {
			case "slug":
				err = unmarshal(obj[key], &pg.Slug)
			case "title":
				err = unmarshal(obj[key], &pg.Title)
			case "body":
				err = unmarshal(obj[key], &pg.Body)
			default:
				v.Add(p+"."+key, "unknown key")
				continue
			}
			if err != nil {
				v.Add(p+"."+key, "%s", typeMessage(err))
			}
		}
		out = append(out, pg)
	}
	return out
}

func unmarshal(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if dec.More() {
		// Offset counts the offending byte, as the decoder's own errors do.
		return &json.SyntaxError{Offset: dec.InputOffset() + 1}
	}
	return nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typeMessage turns a decoding error into words for people editing the file.
func typeMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("expected %s, found JSON %s", goTypeWords(te.Type.String()), te.Value)
	}
	return err.Error()
}

func goTypeWords(t string) string {
	switch t {
	case "string":
		return "a string"
	case "[]string":
		return "a list of strings"
	case "bool":
		return "true or false"
	case "news.Localized", "map[string]string":
		return `an object of texts by language, e.g. {"en": "...", "zh": "..."}`
	}
	if len(t) > 2 && t[:2] == "[]" {
		return "a list"
	}
	return t
}

// syntaxError names the line and column of malformed JSON.
func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	offset := int64(-1)
	if errors.As(err, &se) {
		offset = se.Offset
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &news.ValidationError{Fields: []news.FieldError{{Message: "the site file must be a JSON object, found JSON " + te.Value}}}
	}
	atEnd := errors.Is(err, errUnexpectedEOF(err)) || offset < 0
	if atEnd {
		offset = int64(len(data))
	}
	offset = min(offset, int64(len(data)))
	// A SyntaxError's offset includes the offending byte, so the runes up to
	// it on its line are its (1-based) column; at the end of the data the
	// column is the one after the last character.
	start := bytes.LastIndexByte(data[:offset], '\n') + 1
	line := bytes.Count(data[:offset], []byte("\n")) + 1
	col := utf8.RuneCount(data[start:offset])
	if atEnd || col == 0 {
		col++
	}
	msg := err.Error()
	if msg == "" {
		msg = "unexpected data after the JSON object"
	}
	return &news.ValidationError{Fields: []news.FieldError{{Message: fmt.Sprintf("malformed JSON at line %d, column %d: %s", line, col, msg)}}}
}

func errUnexpectedEOF(err error) error {
	if err != nil && err.Error() == "unexpected EOF" {
		return err
	}
	return errors.New("not EOF")
}
