package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"slices"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"newsdesk/internal/news"
)

// Limits bound what one upload may cost in bytes, memory and time.
type Limits struct {
	// MaxBytes is the largest file accepted.
	MaxBytes int64
	// MaxPixels bounds width × height, read from the header before the
	// image is decoded: a few kilobytes of PNG can claim gigapixels.
	MaxPixels int64
	// MaxSide bounds each of width and height.
	MaxSide int
}

// DefaultLimits are 20 MB, 50 megapixels and 16,000 pixels a side: every
// camera and scanner photo a newsroom sends, and nothing that would take a
// gigabyte of memory to decode.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 20 << 20, MaxPixels: 50_000_000, MaxSide: 16000}
}

// DefaultWidths are the widths of the resized variants: phones, small
// tablets, laptops and wide screens. An image is never enlarged.
func DefaultWidths() []int { return []int{320, 640, 1024, 1600} }

// jpegQuality is the quality of re-encoded JPEGs: no visible loss in news
// photos at about half the bytes of a camera's output.
const jpegQuality = 85

// Rendition is one encoded image: the stored original or a variant.
type Rendition struct {
	Width, Height int
	Data          []byte
}

// Processed is what the pipeline makes of one upload.
type Processed struct {
	// Format is what is stored: the sniffed format, except that WebP is
	// stored as JPEG (or PNG when it has transparency), as Go has no WebP
	// encoder and re-encoding is what strips metadata.
	Format Format
	// Original is the stored file: re-encoded for images (no EXIF, no GPS,
	// no comments), the uploaded bytes for documents.
	Original Rendition
	// Variants are the resized copies, narrowest first.
	Variants []Rendition
}

// LimitError is an upload over a limit; it says which and by how much.
type LimitError struct{ Reason string }

func (e *LimitError) Error() string { return e.Reason }

// Process checks and prepares one upload: size, format from the bytes,
// dimensions from the header against lim, then (for images) the decode,
// the EXIF orientation applied, the metadata-free re-encode and the
// variants at widths narrower than the image. It never panics on any
// input and never decodes an image over the limits.
func Process(b []byte, lim Limits, widths []int) (Processed, error) {
	if int64(len(b)) > lim.MaxBytes {
		return Processed{}, &LimitError{fmt.Sprintf("the file is larger than the limit of %s", humanBytes(lim.MaxBytes))}
	}
	if len(b) == 0 {
		return Processed{}, errors.New("the file is empty")
	}
	f, err := Sniff(b)
	if err != nil {
		return Processed{}, err
	}
	if f.Kind != news.MediaImage {
		return Processed{Format: f, Original: Rendition{Data: b}}, nil
	}
	cfg, err := decodeConfig(f, b)
	if err != nil {
		return Processed{}, fmt.Errorf("a %s image whose header cannot be read: %w", f.Name, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height, lim); err != nil {
		return Processed{}, err
	}
	img, err := decode(f, b)
	if err != nil {
		return Processed{}, fmt.Errorf("a %s image that cannot be decoded: %w", f.Name, err)
	}
	if got := img.Bounds(); got.Dx() != cfg.Width || got.Dy() != cfg.Height {
		return Processed{}, fmt.Errorf("a %s image whose header says %d×%d but whose pixels are %d×%d", f.Name, cfg.Width, cfg.Height, got.Dx(), got.Dy())
	}
	if f == FormatJPEG {
		img = orient(img, exifOrientation(b))
	}
	out := f
	if f == FormatWebP {
		out = FormatJPEG
		if !opaque(img) {
			out = FormatPNG
		}
	}
	p := Processed{Format: out}
	b0 := img.Bounds()
	if p.Original.Data, err = encode(out, img); err != nil {
		return Processed{}, err
	}
	p.Original.Width, p.Original.Height = b0.Dx(), b0.Dy()
	if out == FormatGIF {
		// A GIF keeps its first frame, at its own size only: resizing a
		// paletted image well needs re-quantizing, which is not worth it
		// for the rare still GIF.
		return p, nil
	}
	// Widest first, each made from the one before: a 12-megapixel photo is
	// read once at full size, not once per variant. Each step shrinks by at
	// most the ratio of neighbouring widths, where Catmull-Rom stays sharp.
	ws := append([]int(nil), widths...)
	slices.Sort(ws)
	slices.Reverse(ws)
	src, srcRect := img, b0
	alpha := out == FormatPNG && !opaque(img)
	for _, w := range ws {
		if w <= 0 || w >= b0.Dx() {
			continue
		}
		h := max(1, (b0.Dy()*w+b0.Dx()/2)/b0.Dx())
		var dst draw.Image
		if alpha {
			dst = image.NewNRGBA(image.Rect(0, 0, w, h))
		} else {
			dst = image.NewRGBA(image.Rect(0, 0, w, h))
		}
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, srcRect, xdraw.Src, nil)
		data, err := encode(out, dst)
		if err != nil {
			return Processed{}, err
		}
		p.Variants = append([]Rendition{{Width: w, Height: h, Data: data}}, p.Variants...)
		src, srcRect = dst, dst.Bounds()
	}
	return p, nil
}

func checkDimensions(w, h int, lim Limits) error {
	switch {
	case w <= 0 || h <= 0:
		return fmt.Errorf("an image of %d×%d pixels", w, h)
	case w > lim.MaxSide || h > lim.MaxSide:
		return &LimitError{fmt.Sprintf("the image is %d×%d pixels; at most %d pixels a side are accepted", w, h, lim.MaxSide)}
	case int64(w)*int64(h) > lim.MaxPixels:
		return &LimitError{fmt.Sprintf("the image is %d×%d pixels (%.1f megapixels); at most %.1f megapixels are accepted",
			w, h, float64(w)*float64(h)/1e6, float64(lim.MaxPixels)/1e6)}
	}
	return nil
}

// decodeConfig reads only the header, with the decoder of the sniffed
// format (never image.DecodeConfig's own guess).
func decodeConfig(f Format, b []byte) (image.Config, error) {
	r := bytes.NewReader(b)
	switch f {
	case FormatJPEG:
		return jpeg.DecodeConfig(r)
	case FormatPNG:
		return png.DecodeConfig(r)
	case FormatGIF:
		return gif.DecodeConfig(r)
	case FormatWebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, ErrUnknownFormat
}

// decode decodes the whole image; for a GIF, its first frame.
func decode(f Format, b []byte) (img image.Image, err error) {
	defer func() {
		// The decoders are not known to panic, but an upload must never
		// take the server down if one does.
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder failure: %v", p)
		}
	}()
	r := bytes.NewReader(b)
	switch f {
	case FormatJPEG:
		return jpeg.Decode(r)
	case FormatPNG:
		return png.Decode(r)
	case FormatGIF:
		return gif.Decode(r)
	case FormatWebP:
		return webp.Decode(r)
	}
	return nil, ErrUnknownFormat
}

func encode(f Format, img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case FormatJPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	case FormatPNG:
		err = png.Encode(&buf, img)
	case FormatGIF:
		err = gif.Encode(&buf, img, nil)
	default:
		err = fmt.Errorf("cannot encode %s", f.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", f.Name, err)
	}
	return buf.Bytes(), nil
}

// opaque reports whether every pixel of img is opaque, asking the image
// when it can tell.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
