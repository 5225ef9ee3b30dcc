package media

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newsdesk/internal/news"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSniff decides every fixture's type from its bytes; the names lie on
// purpose where it matters (page.jpg is HTML, not-office.docx a plain zip).
func TestSniff(t *testing.T) {
	tests := []struct {
		file string
		want string // format name, or a fragment of the error
		ok   bool
	}{
		{"photo-gps.jpg", "jpeg", true},
		{"wide.png", "png", true},
		{"two-frames.gif", "gif", true},
		{"opaque.webp", "webp", true},
		{"alpha.webp", "webp", true},
		{"notice.pdf", "pdf", true},
		{"notice.docx", "docx", true},
		{"budget.xlsx", "xlsx", true},
		{"letter.odt", "odt", true},
		{"page.jpg", "not a JPEG, PNG, GIF or WebP image", false},
		{"not-office.docx", "not a DOCX, XLSX or ODT", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Sniff(fixture(t, tt.file))
			switch {
			case tt.ok && err != nil:
				t.Fatalf("Sniff: %v", err)
			case tt.ok && f.Name != tt.want:
				t.Fatalf("Sniff = %s, want %s", f.Name, tt.want)
			case !tt.ok && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Sniff = %v, %v; want an error saying %q", f, err, tt.want)
			}
		})
	}
	for _, raw := range []string{"", "PK\x03\x04broken", "RIFF\x00\x00\x00\x00WEBX", "GIF88a", "%PDF"} {
		if f, err := Sniff([]byte(raw)); err == nil {
			t.Errorf("Sniff(%q) = %s, want an error", raw, f.Name)
		}
	}
}

// TestProcess checks what each accepted image becomes and that bombs and
// lies are refused before any decoding.
func TestProcess(t *testing.T) {
	lim := DefaultLimits()
	widths := DefaultWidths()
	tests := []struct {
		file          string
		format        Format
		width, height int
		variants      []int
	}{
		// 800×600 with EXIF orientation 6: stored upright, 600×800.
		{"photo-gps.jpg", FormatJPEG, 600, 800, []int{320}},
		{"wide.png", FormatPNG, 1200, 300, []int{320, 640, 1024}},
		{"two-frames.gif", FormatGIF, 30, 20, nil},
		{"opaque.webp", FormatJPEG, 0, 0, nil},
		{"alpha.webp", FormatPNG, 0, 0, nil},
		{"notice.pdf", FormatPDF, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := fixture(t, tt.file)
			p, err := Process(in, lim, widths)
			if err != nil {
				t.Fatal(err)
			}
			if p.Format != tt.format {
				t.Fatalf("format %s, want %s", p.Format.Name, tt.format.Name)
			}
			if tt.format.Kind == news.MediaDocument {
				if !bytes.Equal(p.Original.Data, in) {
					t.Fatal("a document must be stored as uploaded")
				}
				return
			}
			if tt.width != 0 && (p.Original.Width != tt.width || p.Original.Height != tt.height) {
				t.Fatalf("size %d×%d, want %d×%d", p.Original.Width, p.Original.Height, tt.width, tt.height)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(p.Original.Data))
			if err != nil || format != tt.format.Name || cfg.Width != p.Original.Width || cfg.Height != p.Original.Height {
				t.Fatalf("stored original decodes as %s %d×%d (%v)", format, cfg.Width, cfg.Height, err)
			}
			var got []int
			for _, v := range p.Variants {
				got = append(got, v.Width)
				if v.Width >= p.Original.Width {
					t.Errorf("variant %d is not narrower than the original %d", v.Width, p.Original.Width)
				}
				cfg, _, err := image.DecodeConfig(bytes.NewReader(v.Data))
				if err != nil || cfg.Width != v.Width || cfg.Height != v.Height {
					t.Errorf("variant %d decodes as %d×%d (%v), recorded %d×%d", v.Width, cfg.Width, cfg.Height, err, v.Width, v.Height)
				}
				wantH := (p.Original.Height*v.Width + p.Original.Width/2) / p.Original.Width
				if v.Height != wantH {
					t.Errorf("variant %d is %d high, want %d (aspect kept)", v.Width, v.Height, wantH)
				}
			}
			if tt.variants != nil && !equalInts(got, tt.variants) {
				t.Errorf("variants %v, want %v", got, tt.variants)
			}
		})
	}
}

// TestProcessStripsEXIF: the GPS position, the camera make and the whole
// EXIF segment are gone, and the photo is turned upright (the red corner
// block, top left as shot, is top right after a 90° clockwise turn).
func TestProcessStripsEXIF(t *testing.T) {
	in := fixture(t, "photo-gps.jpg")
	if !bytes.Contains(in, []byte("Exif")) || !bytes.Contains(in, []byte("NewsdeskCam")) || exifOrientation(in) != 6 {
		t.Fatal("the fixture lost its EXIF")
	}
	p, err := Process(in, DefaultLimits(), DefaultWidths())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append([]Rendition{p.Original}, p.Variants...) {
		for _, bad := range []string{"Exif", "NewsdeskCam", "GPS"} {
			if bytes.Contains(r.Data, []byte(bad)) {
				t.Errorf("%d px rendition still holds %q", r.Width, bad)
			}
		}
		if exifOrientation(r.Data) != 1 {
			t.Errorf("%d px rendition still has an orientation", r.Width)
		}
	}
	img, _, err := image.Decode(bytes.NewReader(p.Original.Data))
	if err != nil {
		t.Fatal(err)
	}
	red := func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return r > 0xc000 && g < 0x4000 && b < 0x4000
	}
	if !red(img.Bounds().Dx()-5, 5) || red(5, 5) {
		t.Error("the photo was not turned upright as its EXIF orientation says")
	}
}

// TestProcessRefuses: limits and lies, each with a message that says what
// is wrong. Bombs are refused from the header (a LimitError), so they are
// never decoded.
func TestProcessRefuses(t *testing.T) {
	small := Limits{MaxBytes: 1000, MaxPixels: 1_000_000, MaxSide: 2000}
	tests := []struct {
		name  string
		data  []byte
		lim   Limits
		limit bool
		msg   string
	}{
		{"png bomb", fixture(t, "bomb.png"), DefaultLimits(), true, "100000×100000"},
		{"jpeg bomb", fixture(t, "bomb.jpg"), DefaultLimits(), true, "60000×60000"},
		{"too many pixels", fixture(t, "wide.png"), Limits{MaxBytes: 1 << 20, MaxPixels: 100_000, MaxSide: 5000}, true, "megapixels"},
		{"too wide", fixture(t, "wide.png"), Limits{MaxBytes: 1 << 20, MaxPixels: 1e9, MaxSide: 1000}, true, "1200×300"},
		{"too big", fixture(t, "photo-gps.jpg"), small, true, "larger than the limit of 1000 bytes"},
		{"html named jpg", fixture(t, "page.jpg"), DefaultLimits(), false, "not a JPEG"},
		{"zip that is no document", fixture(t, "not-office.docx"), DefaultLimits(), false, "not a DOCX"},
		{"empty", nil, DefaultLimits(), false, "empty"},
		{"truncated jpeg", fixture(t, "photo-gps.jpg")[:3000], DefaultLimits(), false, "cannot be decoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Process(tt.data, tt.lim, DefaultWidths())
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want one saying %q", err, tt.msg)
			}
			var le *LimitError
			if errors.As(err, &le) != tt.limit {
				t.Fatalf("LimitError: %v, want %v", errors.As(err, &le), tt.limit)
			}
		})
	}
}

func TestCleanFilename(t *testing.T) {
	tests := []struct{ in, ext, want string }{
		{"photo.JPG", "jpg", "photo.JPG"},
		{"photo.jpeg", "jpg", "photo.jpeg"},
		{`C:\Users\me\Desktop\会议.png`, "png", "会议.png"},
		{"../../etc/passwd", "pdf", "passwd.pdf"},
		{"evil.html", "jpg", "evil.jpg"},
		{"a\"b\x00c\u202e.pdf", "pdf", "abc.pdf"},
		{"", "docx", "file.docx"},
		{"...", "odt", "file.odt"},
	}
	for _, tt := range tests {
		if got := cleanFilename(tt.in, tt.ext); got != tt.want {
			t.Errorf("cleanFilename(%q, %q) = %q, want %q", tt.in, tt.ext, got, tt.want)
		}
	}
}

// FuzzProcess feeds arbitrary bytes to the upload pipeline: it must never
// panic, never return an image over the limits, and never store what it
// did not sniff. The fixtures are the seeds, run in every test run.
func FuzzProcess(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() && !strings.HasSuffix(e.Name(), ".go") {
			f.Add(fixture(f, e.Name()))
		}
	}
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	lim := Limits{MaxBytes: 64 << 10, MaxPixels: 1_000_000, MaxSide: 2000}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Process(b, lim, []int{16, 64})
		if err != nil {
			return
		}
		if p.Format.Kind == news.MediaImage {
			o := p.Original
			if o.Width <= 0 || o.Height <= 0 || o.Width > lim.MaxSide || o.Height > lim.MaxSide || int64(o.Width)*int64(o.Height) > lim.MaxPixels {
				t.Fatalf("accepted a %d×%d image over the limits", o.Width, o.Height)
			}
			if _, err := Sniff(o.Data); err != nil {
				t.Fatalf("stored bytes do not sniff: %v", err)
			}
		}
		_ = exifOrientation(b)
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkProcess measures the upload pipeline per format: sniff, header
// check, decode, orientation, re-encode and variants.
func BenchmarkProcess(b *testing.B) {
	for _, file := range []string{"photo-gps.jpg", "wide.png", "opaque.webp", "notice.pdf"} {
		data := fixture(b, file)
		b.Run(file, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Process(data, DefaultLimits(), DefaultWidths()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRefuseBomb shows a decompression bomb costs a header read.
func BenchmarkRefuseBomb(b *testing.B) {
	data := fixture(b, "bomb.png")
	for b.Loop() {
		if _, err := Process(data, DefaultLimits(), DefaultWidths()); err == nil {
			b.Fatal("bomb accepted")
		}
	}
}

// BenchmarkProcessCameraPhoto is a 12-megapixel JPEG, a phone camera's
// photo: the upload a newsroom waits for most.
func BenchmarkProcessCameraPhoto(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7 % 251)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Process(data, DefaultLimits(), DefaultWidths()); err != nil {
			b.Fatal(err)
		}
	}
}
