package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// WXR is a WordPress export (WordPress eXtended RSS, versions 1.0 to 1.2)
// reduced to what Newsdesk imports: the site's addresses, its authors,
// categories and tags, and every item (posts, pages, attachments and the
// rest, which the importer sorts out).
type WXR struct {
	Version string
	Title   string
	// Link, BaseSiteURL and BaseBlogURL are the old site's addresses; old
	// permalinks are made relative to them.
	Link, BaseSiteURL, BaseBlogURL string
	// Language is the export's language as a primary subtag Newsdesk knows,
	// "" when unknown.
	Language   string
	Authors    []WXRAuthor
	Categories []WXRCategory
	Tags       []WXRTerm
	Items      []WXRItem
}

// WXRAuthor is one wp:author.
type WXRAuthor struct {
	ID                        string
	Login, Email, DisplayName string
	FirstName, LastName       string
	Line                      int
}

// WXRCategory is one wp:category; Parent is the parent's nicename.
type WXRCategory struct {
	Nicename, Name, Parent, Description string
	Line                                int
}

// WXRTerm is one wp:tag.
type WXRTerm struct {
	Slug, Name string
}

// WXRItem is one item: a post, page, attachment or other post type.
type WXRItem struct {
	// Line is where the item starts in the file.
	Line      int
	PostID    int64
	Title     string
	Link      string
	GUID      string
	Creator   string // the author's login
	Content   string // content:encoded, HTML as WordPress stores it
	Excerpt   string
	PostName  string // the slug
	Status    string // publish, draft, pending, private, future, trash, inherit...
	PostType  string // post, page, attachment, nav_menu_item...
	Parent    int64
	MenuOrder int
	Password  string
	// DateGMT is wp:post_date_gmt; zero for drafts WordPress never dated.
	DateGMT time.Time
	// Date is wp:post_date in the old site's local time, as written.
	Date string
	// ModifiedGMT is wp:post_modified_gmt, zero when absent.
	ModifiedGMT   time.Time
	AttachmentURL string
	// Categories and Tags hold the nicenames and names the item is filed
	// under.
	Categories []WXRTerm
	Tags       []WXRTerm
	// Meta is wp:postmeta by key (the last value wins).
	Meta map[string]string
	// Err says why the item cannot be imported (it names the line); the
	// rest of the file still can.
	Err error
}

// ThumbnailID is the post id of the item's featured image, 0 if none.
func (it WXRItem) ThumbnailID() int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(it.Meta["_thumbnail_id"]), 10, 64)
	return n
}

// xnode is one element of the parsed document.
type xnode struct {
	space, local string
	attrs        []xml.Attr
	text         strings.Builder
	kids         []*xnode
	line         int
}

func (n *xnode) child(local string) *xnode {
	for _, k := range n.kids {
		if k.local == local {
			return k
		}
	}
	return nil
}

// str is the trimmed text of the first child named local.
func (n *xnode) str(local string) string {
	if c := n.child(local); c != nil {
		return strings.TrimSpace(c.text.String())
	}
	return ""
}

// raw is the untrimmed text of the first child named local (bodies keep
// their blank lines).
func (n *xnode) raw(local string) string {
	if c := n.child(local); c != nil {
		return c.text.String()
	}
	return ""
}

func (n *xnode) attr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// wxrNamespace reports whether space is one of WordPress's export
// namespaces (http://wordpress.org/export/1.0/ to 1.2/).
func wxrNamespace(space string) bool {
	return strings.HasPrefix(space, "http://wordpress.org/export/") || strings.HasPrefix(space, "https://wordpress.org/export/")
}

// ParseWXR reads a WordPress export. A file that is not well-formed XML,
// is not a WXR file or has no known WXR version is refused whole, with the
// line and the reason, so an import never starts on a broken file.
func ParseWXR(data []byte) (WXR, error) {
	root, err := parseXMLTree(data)
	if err != nil {
		return WXR{}, err
	}
	if root.local != "rss" {
		return WXR{}, fmt.Errorf("line %d: not a WordPress export: the document is <%s>, not <rss>", root.line, root.local)
	}
	ch := root.child("channel")
	if ch == nil {
		return WXR{}, fmt.Errorf("line %d: not a WordPress export: <rss> has no <channel>", root.line)
	}
	var w WXR
	var versionNode *xnode
	for _, k := range ch.kids {
		if k.local == "wxr_version" {
			versionNode = k
		}
	}
	if versionNode == nil {
		return WXR{}, fmt.Errorf("line %d: not a WordPress export: the channel has no wp:wxr_version", ch.line)
	}
	w.Version = strings.TrimSpace(versionNode.text.String())
	if v, err := strconv.ParseFloat(w.Version, 64); err != nil || v < 1.0 || v >= 2 {
		return WXR{}, fmt.Errorf("line %d: wp:wxr_version %q is not a WXR version this importer reads (1.0 to 1.2)", versionNode.line, w.Version)
	}
	w.Title = collapse(ch.str("title"))
	w.Link = ch.str("link")
	w.Language = knownLanguage(ch.str("language"))
	for _, k := range ch.kids {
		if !wxrNamespace(k.space) {
			continue
		}
		switch k.local {
		case "base_site_url":
			w.BaseSiteURL = strings.TrimSpace(k.text.String())
		case "base_blog_url":
			w.BaseBlogURL = strings.TrimSpace(k.text.String())
		case "author":
			w.Authors = append(w.Authors, WXRAuthor{ID: k.str("author_id"), Login: k.str("author_login"), Email: k.str("author_email"),
				DisplayName: collapse(k.str("author_display_name")), FirstName: collapse(k.str("author_first_name")),
				LastName: collapse(k.str("author_last_name")), Line: k.line})
		case "category":
			w.Categories = append(w.Categories, WXRCategory{Nicename: k.str("category_nicename"), Name: collapse(k.str("cat_name")),
				Parent: k.str("category_parent"), Description: k.str("category_description"), Line: k.line})
		case "tag":
			w.Tags = append(w.Tags, WXRTerm{Slug: k.str("tag_slug"), Name: collapse(k.str("tag_name"))})
		}
	}
	if w.BaseBlogURL == "" {
		w.BaseBlogURL = w.BaseSiteURL
	}
	if w.BaseBlogURL == "" {
		w.BaseBlogURL = w.Link
	}
	for _, k := range ch.kids {
		if k.local != "item" {
			continue
		}
		w.Items = append(w.Items, wxrItem(k))
	}
	return w, nil
}

// wxrItem reads one item; problems are the item's Err.
func wxrItem(k *xnode) WXRItem {
	it := WXRItem{Line: k.line, Title: collapse(k.str("title")), Link: k.str("link"), GUID: k.str("guid"), Meta: map[string]string{}}
	for _, c := range k.kids {
		text := strings.TrimSpace(c.text.String())
		switch {
		case c.local == "creator":
			it.Creator = text
		case c.local == "encoded" && strings.Contains(c.space, "/content/"):
			it.Content = c.text.String()
		case c.local == "encoded" && strings.Contains(c.space, "excerpt"):
			it.Excerpt = c.text.String()
		case c.local == "category":
			term := WXRTerm{Slug: c.attr("nicename"), Name: collapse(c.text.String())}
			switch c.attr("domain") {
			case "category":
				it.Categories = append(it.Categories, term)
			case "post_tag":
				it.Tags = append(it.Tags, term)
			}
		case !wxrNamespace(c.space):
		case c.local == "post_id":
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil || n <= 0 {
				it.Err = fmt.Errorf("line %d: wp:post_id %q is not a positive number", c.line, text)
			}
			it.PostID = n
		case c.local == "post_name":
			it.PostName = text
		case c.local == "status":
			it.Status = text
		case c.local == "post_type":
			it.PostType = text
		case c.local == "post_parent":
			it.Parent, _ = strconv.ParseInt(text, 10, 64)
		case c.local == "menu_order":
			it.MenuOrder, _ = strconv.Atoi(text)
		case c.local == "post_password":
			it.Password = text
		case c.local == "post_date":
			it.Date = text
		case c.local == "post_date_gmt":
			t, err := wxrTime(text)
			if err != nil && it.Err == nil {
				it.Err = fmt.Errorf("line %d: wp:post_date_gmt: %w", c.line, err)
			}
			it.DateGMT = t
		case c.local == "post_modified_gmt":
			it.ModifiedGMT, _ = wxrTime(text)
		case c.local == "attachment_url":
			it.AttachmentURL = text
		case c.local == "postmeta":
			it.Meta[c.str("meta_key")] = c.raw("meta_value")
		}
	}
	if it.PostID == 0 && it.Err == nil {
		// Hand-made exports leave the id out; the ?p=ID of the guid or
		// link still names the post.
		for _, s := range []string{it.GUID, it.Link} {
			if u, err := url.Parse(s); err == nil {
				if n, err := strconv.ParseInt(u.Query().Get("p"), 10, 64); err == nil && n > 0 {
					it.PostID = n
					break
				}
			}
		}
		if it.PostID == 0 {
			it.Err = fmt.Errorf("line %d: the item has no wp:post_id (in the WordPress export namespace)", k.line)
		}
	}
	if it.PostType == "" {
		it.PostType = "post"
	}
	if it.Status == "" {
		it.Status = "publish"
	}
	return it
}

// wxrTime reads WordPress's "2006-01-02 15:04:05" (UTC for the _gmt
// fields); WordPress writes all zeros for "never".
func wxrTime(s string) (time.Time, error) {
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD hh:mm:ss)", s)
	}
	return t, nil
}

// parseXMLTree reads the whole document into nodes, failing with the line
// of the first problem. HTML entities (&nbsp;) that WordPress lets through
// are accepted.
func parseXMLTree(data []byte) (*xnode, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Entity = xml.HTMLEntity
	var stack []*xnode
	var root *xnode
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var syn *xml.SyntaxError
			if errors.As(err, &syn) {
				return nil, fmt.Errorf("line %d: malformed XML: %s", syn.Line, syn.Msg)
			}
			return nil, fmt.Errorf("line %d: malformed XML: %w", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xnode{space: t.Name.Space, local: t.Name.Local, attrs: t.Attr, line: line}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
			if len(stack) > 64 {
				return nil, fmt.Errorf("line %d: malformed XML: elements nested more than 64 deep", line)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("line 1: not a WordPress export: the file has no XML elements")
	}
	return root, nil
}

// OldPaths are the paths (with query) an item was reachable at on the old
// site, relative to its blog URL: /?p=ID (and /?page_id=ID for pages) and
// the permalink of its link, such as /2013/01/11/slug/.
func (w WXR) OldPaths(it WXRItem) []string {
	base, _ := url.Parse(w.BaseBlogURL)
	prefix := ""
	if base != nil {
		prefix = strings.TrimSuffix(base.EscapedPath(), "/")
	}
	paths := []string{prefix + "/?p=" + strconv.FormatInt(it.PostID, 10)}
	if it.PostType == "page" {
		paths = append(paths, prefix+"/?page_id="+strconv.FormatInt(it.PostID, 10))
	}
	if u, err := url.Parse(it.Link); err == nil && it.Link != "" {
		p := u.EscapedPath()
		if p != "" && p != "/" && p != prefix && p != prefix+"/" {
			if u.RawQuery != "" {
				p += "?" + u.RawQuery
			}
			if p != paths[0] {
				paths = append(paths, p)
			}
		}
	}
	return paths
}
