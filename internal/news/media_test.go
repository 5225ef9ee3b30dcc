package news

import (
	"strings"
	"testing"
)

func TestBodyImages(t *testing.T) {
	h1, h2 := strings.Repeat("a", 64), strings.Repeat("b", 64)
	tests := []struct {
		name, body  string
		all, needed []string
	}{
		{"none", `<p>Text</p>`, nil, nil},
		{"library with and without alt", `<img src="/media/` + h1 + `-640.jpg" alt="Harbour"><img src="/media/` + h2 + `.png" alt="">`, []string{h1, h2}, []string{h2}},
		{"alt missing", `<img src="/media/` + h1 + `.jpg">`, []string{h1}, []string{h1}},
		{"twice", `<img src="/media/` + h1 + `.jpg"><img alt="x" src="/media/` + h1 + `-320.jpg">`, []string{h1}, []string{h1}},
		{"not ours", `<img src="https://x.example/media/` + h1 + `.jpg"><img src="/media/` + h1[:60] + `.jpg"><img src="/media/../` + h1 + `.jpg">`, nil, nil},
		{"blank alt", `<img src="/media/` + h1 + `.jpg" alt="  ">`, []string{h1}, []string{h1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BodyMediaHashes(tt.body); strings.Join(got, ",") != strings.Join(tt.all, ",") {
				t.Errorf("BodyMediaHashes = %v, want %v", got, tt.all)
			}
			if got := BodyHashesNeedingAlt(tt.body); strings.Join(got, ",") != strings.Join(tt.needed, ",") {
				t.Errorf("BodyHashesNeedingAlt = %v, want %v", got, tt.needed)
			}
		})
	}
}

func TestCheckAltText(t *testing.T) {
	lead := &Media{Kind: MediaImage, Filename: "lead.jpg"}
	body := []Media{{Kind: MediaImage, Filename: "a.jpg", Alt: "A"}, {Kind: MediaImage, Filename: "b.jpg"}}
	err := CheckAltText(lead, body)
	if err == nil || !strings.Contains(err.Error(), `the lead image "lead.jpg"`) || !strings.Contains(err.Error(), `the image "b.jpg" in the body`) ||
		strings.Contains(err.Error(), "a.jpg") {
		t.Fatalf("CheckAltText = %v", err)
	}
	lead.Alt = "Lead"
	if err := CheckAltText(lead, body[:1]); err != nil {
		t.Fatalf("all described: %v", err)
	}
	if err := CheckAltText(nil, nil); err != nil {
		t.Fatalf("no images: %v", err)
	}
}

func TestMediaURLs(t *testing.T) {
	m := Media{Hash: strings.Repeat("c", 64), Kind: MediaImage, Ext: "jpg", Width: 1200, Variants: []Variant{{Width: 320}, {Width: 640}}}
	want := "/media/" + m.Hash + "-320.jpg 320w, /media/" + m.Hash + "-640.jpg 640w, /media/" + m.Hash + ".jpg 1200w"
	if got := m.Srcset(); got != want {
		t.Errorf("Srcset = %q, want %q", got, want)
	}
	if MediaHashOfURL(m.VariantURL(640)) != m.Hash || MediaHashOfURL(m.URL()) != m.Hash {
		t.Error("MediaHashOfURL does not read back our own URLs")
	}
}
