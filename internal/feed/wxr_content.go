package feed

import (
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// WXRAttachment is what a post body needs to know of an attachment: its
// file's URL and caption, for [gallery] and featured images.
type WXRAttachment struct {
	ID      int64
	URL     string
	Title   string
	Caption string
	Parent  int64
}

var (
	captionRe   = regexp.MustCompile(`(?s)\[caption([^\]]*)\](.*?)\[/caption\]`)
	galleryRe   = regexp.MustCompile(`\[gallery([^\]]*)\]`)
	embedRe     = regexp.MustCompile(`(?s)\[embed([^\]]*)\](.*?)\[/embed\]`)
	shortcodeRe = regexp.MustCompile(`\[/?([a-zA-Z][a-zA-Z0-9_-]*)(?:\s[^\]]*)?\]`)
	attrRe      = regexp.MustCompile(`([a-zA-Z_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))`)
	imgTagRe    = regexp.MustCompile(`(?is)^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$`)
	bareURLRe   = regexp.MustCompile(`(?m)^[ \t]*(https?://[^\s<>"]+)[ \t]*$`)
	blockStart  = regexp.MustCompile(`(?i)^\s*<(p|div|h[1-6]|ul|ol|li|table|thead|tbody|tr|td|th|blockquote|figure|figcaption|pre|hr|dl|dt|dd|section|article|aside|header|footer|address|form|fieldset|details|summary|!--)[\s>/]`)
)

// shortcodeAttrs reads the attributes of a shortcode's opening tag.
func shortcodeAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = m[2] + m[3] + m[4]
	}
	return out
}

// WXRContentHTML turns a WordPress post body into Newsdesk markup: blank
// lines into paragraphs (WordPress's classic editor stores none), [caption]
// into <figure> with <figcaption>, [gallery] into a figure of the
// attachments' images, [embed] and bare URLs on their own line into links.
// Other shortcodes stay as text and are named in the notes. The result is
// not sanitized.
func WXRContentHTML(content string, postID int64, attachments map[int64]WXRAttachment) (string, []string) {
	var notes []string
	s := strings.ReplaceAll(strings.ReplaceAll(content, "\r\n", "\n"), "\r", "\n")

	s = captionRe.ReplaceAllStringFunc(s, func(m string) string {
		parts := captionRe.FindStringSubmatch(m)
		attrs := shortcodeAttrs(parts[1])
		inner := strings.TrimSpace(parts[2])
		img, caption := inner, attrs["caption"]
		if sub := imgTagRe.FindStringSubmatch(inner); sub != nil {
			img = sub[1]
			if c := strings.TrimSpace(sub[2]); c != "" {
				caption = c
			}
		}
		out := "<figure>" + img
		if caption != "" {
			out += "<figcaption>" + caption + "</figcaption>"
		}
		return "\n\n" + out + "</figure>\n\n"
	})

	s = galleryRe.ReplaceAllStringFunc(s, func(m string) string {
		attrs := shortcodeAttrs(galleryRe.FindStringSubmatch(m)[1])
		var items []WXRAttachment
		if ids := attrs["ids"]; ids != "" {
			for _, f := range strings.Split(ids, ",") {
				id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
				if a, ok := attachments[id]; err == nil && ok && a.URL != "" {
					items = append(items, a)
				} else {
					notes = append(notes, fmt.Sprintf("[gallery]: attachment %s is not in the export", strings.TrimSpace(f)))
				}
			}
		} else {
			for _, a := range attachments {
				if a.Parent == postID && a.URL != "" {
					items = append(items, a)
				}
			}
			sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
		}
		if len(items) == 0 {
			notes = append(notes, "[gallery] without images in the export was left out")
			return ""
		}
		var b strings.Builder
		b.WriteString("\n\n<figure class=\"gallery\">")
		for _, a := range items {
			fmt.Fprintf(&b, `<img src="%s" alt="%s">`, html.EscapeString(a.URL), html.EscapeString(a.Title))
		}
		b.WriteString("</figure>\n\n")
		return b.String()
	})

	embedLink := func(u string) string {
		u = strings.TrimSpace(html.UnescapeString(u))
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			notes = append(notes, fmt.Sprintf("[embed] of %q is not a web address and was left out", u))
			return ""
		}
		e := html.EscapeString(u)
		return "\n\n<p><a href=\"" + e + "\">" + e + "</a></p>\n\n"
	}
	s = embedRe.ReplaceAllStringFunc(s, func(m string) string { return embedLink(embedRe.FindStringSubmatch(m)[2]) })
	if !strings.Contains(s, "<!-- wp:") {
		// WordPress turns a URL alone on its line into an embed.
		s = bareURLRe.ReplaceAllStringFunc(s, func(m string) string { return embedLink(bareURLRe.FindStringSubmatch(m)[1]) })
	}

	seen := map[string]bool{}
	for _, m := range shortcodeRe.FindAllStringSubmatch(s, -1) {
		name := strings.ToLower(m[1])
		if !seen[name] && looksLikeShortcode(name) {
			seen[name] = true
			notes = append(notes, fmt.Sprintf("shortcode [%s] is not supported and was left as text", name))
		}
	}
	if !strings.Contains(s, "<!-- wp:") {
		s = autop(s)
	}
	return strings.TrimSpace(outlineHeadings(s)), notes
}

var headingRe = regexp.MustCompile(`(?i)<(/?)h([1-6])\b`)

// outlineHeadings moves a body's headings so its highest is <h2>: the page
// around it holds the <h1>, and an outline that skips levels (a post that
// starts at <h3>) confuses screen readers.
func outlineHeadings(s string) string {
	top := 7
	for _, m := range headingRe.FindAllStringSubmatch(s, -1) {
		top = min(top, int(m[2][0]-'0'))
	}
	if top == 7 || top == 2 {
		return s
	}
	shift := 2 - top
	return headingRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := headingRe.FindStringSubmatch(m)
		level := min(max(int(sub[2][0]-'0')+shift, 2), 6)
		return "<" + sub[1] + "h" + strconv.Itoa(level)
	})
}

// looksLikeShortcode leaves out bracketed words of prose ("[sic]",
// "[1]") that are not shortcodes.
func looksLikeShortcode(name string) bool {
	switch name {
	case "sic", "sup", "note", "citation", "edit", "update", "via", "x":
		return false
	}
	return true
}

// autop wraps the blank-line separated blocks of a classic WordPress body
// in paragraphs, as WordPress's wpautop does when it shows the post.
func autop(s string) string {
	var b strings.Builder
	for _, block := range regexp.MustCompile(`\n[ \t]*\n`).Split(s, -1) {
		block = strings.TrimSpace(block)
		if block == "" {
			continue
		}
		if blockStart.MatchString(block) {
			b.WriteString(block)
		} else {
			b.WriteString("<p>" + strings.ReplaceAll(block, "\n", "<br>\n") + "</p>")
		}
		b.WriteString("\n")
	}
	return b.String()
}
