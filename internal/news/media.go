package news

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MediaKind separates pictures shown in pages from documents offered as
// downloads.
type MediaKind string

// The kinds of media the library holds.
const (
	MediaImage    MediaKind = "image"
	MediaDocument MediaKind = "document"
)

// Variant is one resized copy of an image, made once at upload.
type Variant struct {
	Width  int   `json:"width"`
	Height int   `json:"height"`
	Bytes  int64 `json:"bytes"`
}

// Media is one file of the media library: an image or a document. Its files
// are named by Hash, the SHA-256 of the uploaded bytes, so a URL never
// changes meaning and can be cached for ever.
type Media struct {
	ID       int64
	Hash     string
	Kind     MediaKind
	MIME     string
	Ext      string // of the stored file, from the sniffed type: "jpg", "png", "pdf", ...
	Filename string // as uploaded, cleaned; shown and offered when downloading
	Width    int
	Height   int
	Bytes    int64
	// Alt describes the image for people who cannot see it; required
	// before an article showing it is published.
	Alt string
	// Caption and Credit are the defaults an article's lead image shows.
	Caption, Credit string
	Variants        []Variant
	UploadedBy      int64
	CreatedAt       time.Time
}

// URL is the public path of the stored file.
func (m Media) URL() string { return "/media/" + m.Hash + "." + m.Ext }

// VariantURL is the public path of the variant w pixels wide.
func (m Media) VariantURL(w int) string {
	return "/media/" + m.Hash + "-" + strconv.Itoa(w) + "." + m.Ext
}

// Files lists the public paths of the stored file and of every variant:
// what a static export copies.
func (m Media) Files() []string {
	out := []string{m.URL()}
	for _, v := range m.Variants {
		out = append(out, m.VariantURL(v.Width))
	}
	return out
}

// Srcset lists the variants and the original for <img srcset>, narrowest
// first; "" when there is nothing to choose from.
func (m Media) Srcset() string {
	if m.Kind != MediaImage || len(m.Variants) == 0 {
		return ""
	}
	var parts []string
	for _, v := range m.Variants {
		parts = append(parts, fmt.Sprintf("%s %dw", m.VariantURL(v.Width), v.Width))
	}
	parts = append(parts, fmt.Sprintf("%s %dw", m.URL(), m.Width))
	return strings.Join(parts, ", ")
}

// mediaURL matches the public path of a library file or of one of its
// variants, as the editor inserts them into bodies.
var mediaURL = regexp.MustCompile(`^/media/([0-9a-f]{64})(?:-[0-9]{1,5})?\.[a-z0-9]{2,5}$`)

// MediaHashOfURL returns the hash of the library file an image URL points
// to, or "" when the URL is not one of ours.
func MediaHashOfURL(u string) string {
	m := mediaURL.FindStringSubmatch(u)
	if m == nil {
		return ""
	}
	return m[1]
}

// bodyImage finds the <img> tags of sanitized body HTML (the sanitizer
// writes attributes double-quoted), and src and alt in each.
var (
	bodyImage = regexp.MustCompile(`<img\b[^>]*>`)
	imageSrc  = regexp.MustCompile(`\ssrc="([^"]*)"`)
	imageAlt  = regexp.MustCompile(`\salt="([^"]*)"`)
)

// BodyImage is a library image shown in a body, with the alt text its tag
// gives ("" for none: the library's alt text is used).
type BodyImage struct {
	Hash, Alt string
}

// BodyImages lists the library images a body shows, in order.
func BodyImages(bodyHTML string) []BodyImage {
	var out []BodyImage
	for _, tag := range bodyImage.FindAllString(bodyHTML, -1) {
		src := imageSrc.FindStringSubmatch(tag)
		if src == nil {
			continue
		}
		h := MediaHashOfURL(src[1])
		if h == "" {
			continue
		}
		img := BodyImage{Hash: h}
		if alt := imageAlt.FindStringSubmatch(tag); alt != nil {
			img.Alt = strings.TrimSpace(alt[1])
		}
		out = append(out, img)
	}
	return out
}

// BodyMediaHashes lists the library images a body shows, in order, once each.
func BodyMediaHashes(bodyHTML string) []string {
	var out []string
	seen := map[string]bool{}
	for _, img := range BodyImages(bodyHTML) {
		if !seen[img.Hash] {
			seen[img.Hash] = true
			out = append(out, img.Hash)
		}
	}
	return out
}

// BodyHashesNeedingAlt lists the library images of a body whose tags give
// no alt text of their own, so the library's must do, once each.
func BodyHashesNeedingAlt(bodyHTML string) []string {
	var out []string
	seen := map[string]bool{}
	for _, img := range BodyImages(bodyHTML) {
		if img.Alt == "" && !seen[img.Hash] {
			seen[img.Hash] = true
			out = append(out, img.Hash)
		}
	}
	return out
}

// CheckAltText is the rule that nothing is published with an image readers
// who cannot see it would miss: the lead image and every library image in
// the body need alt text. body are the body's library images whose tags
// give none (BodyHashesNeedingAlt). It names each image that has none.
func CheckAltText(lead *Media, body []Media) error {
	var missing []string
	if lead != nil && lead.Kind == MediaImage && strings.TrimSpace(lead.Alt) == "" {
		missing = append(missing, fmt.Sprintf("the lead image %q", lead.Filename))
	}
	for _, m := range body {
		if m.Kind == MediaImage && strings.TrimSpace(m.Alt) == "" {
			missing = append(missing, fmt.Sprintf("the image %q in the body", m.Filename))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%w: add it to %s in the media library", ErrAltTextMissing, strings.Join(missing, ", "))
}

// ErrAltTextMissing is the alt-text rule's refusal (see CheckAltText).
var ErrAltTextMissing = errors.New("alt text is required before publishing")

// MayUseMedia reports whether u may upload to and pick from the media
// library: whoever may write articles somewhere.
func (u User) MayUseMedia() bool {
	return u.Active() && len(u.Grants) > 0
}

// MayEditMedia reports whether u may change the alt text, caption and
// credit of m: its uploader, or an editor or higher.
func (u User) MayEditMedia(m Media) bool {
	if !u.MayUseMedia() {
		return false
	}
	if m.UploadedBy == u.ID {
		return true
	}
	for _, g := range u.Grants {
		if g.Role.rank() >= RoleEditor.rank() {
			return true
		}
	}
	return false
}
