//go:build ignore

// make-fixtures writes the small test files of internal/media/testdata:
// go run ./internal/media/testdata/make-fixtures.go (from the repository
// root). The WebP files are copied from golang.org/x/image's testdata
// (BSD licence): opaque.webp is blue-purple-pink.lossy.webp, alpha.webp is
// gopher-doc.with-alpha.lossless.webp.
package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

const dir = "internal/media/testdata"

func main() {
	write("photo-gps.jpg", jpegWithExif(gradient(800, 600)))
	write("wide.png", pngOf(gradient(1200, 300)))
	write("bomb.png", pngBomb(100000, 100000))
	write("bomb.jpg", jpegBomb(60000, 60000))
	write("page.jpg", []byte("<!doctype html><html><body><script>alert(1)</script></body></html>\n"))
	write("two-frames.gif", twoFrames())
	write("notice.pdf", []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"))
	write("notice.docx", zipOf(false, "[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`))
	write("budget.xlsx", zipOf(false, "[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"xl/workbook.xml", `<?xml version="1.0"?><workbook/>`))
	write("letter.odt", zipOf(true, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", `<?xml version="1.0"?><office:document-content/>`))
	write("not-office.docx", zipOf(false, "readme.txt", "just a zip"))
}

func write(name string, b []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		log.Fatal(err)
	}
}

func gradient(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	// A red block top left shows which way up the image is.
	for y := 0; y < h/10; y++ {
		for x := 0; x < w/10; x++ {
			img.Set(x, y, color.RGBA{255, 0, 0, 255})
		}
	}
	return img
}

func pngOf(img image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// jpegWithExif is a JPEG with an APP1 EXIF segment: Make "NewsdeskCam",
// Orientation 6 (turn 90° clockwise) and a GPS IFD at 39°54'N.
func jpegWithExif(img image.Image) []byte {
	var j bytes.Buffer
	jpeg.Encode(&j, img, &jpeg.Options{Quality: 90})
	le := binary.LittleEndian
	var t bytes.Buffer
	t.WriteString("II")
	binary.Write(&t, le, uint16(42))
	binary.Write(&t, le, uint32(8))
	// IFD0 at 8: 3 entries, then next-IFD 0. Data after it.
	ifd0 := 8
	entries := 3
	dataAt := ifd0 + 2 + entries*12 + 4
	makeAt := dataAt
	makeStr := "NewsdeskCam\x00"
	gpsAt := makeAt + len(makeStr)
	binary.Write(&t, le, uint16(entries))
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&t, le, tag)
		binary.Write(&t, le, typ)
		binary.Write(&t, le, count)
		binary.Write(&t, le, value)
	}
	entry(0x010f, 2, uint32(len(makeStr)), uint32(makeAt)) // Make
	entry(0x0112, 3, 1, 6)                                 // Orientation
	entry(0x8825, 4, 1, uint32(gpsAt))                     // GPSInfo
	binary.Write(&t, le, uint32(0))
	t.WriteString(makeStr)
	// GPS IFD: LatitudeRef "N", Latitude 39/1 54/1 0/1.
	ratAt := gpsAt + 2 + 2*12 + 4
	binary.Write(&t, le, uint16(2))
	entry(0x0001, 2, 2, uint32('N'))
	entry(0x0002, 5, 3, uint32(ratAt))
	binary.Write(&t, le, uint32(0))
	for _, v := range []uint32{39, 1, 54, 1, 0, 1} {
		binary.Write(&t, le, v)
	}
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	var out bytes.Buffer
	out.Write(j.Bytes()[:2])
	out.Write([]byte{0xff, 0xe1})
	binary.Write(&out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
	out.Write(j.Bytes()[2:])
	return out.Bytes()
}

func chunk(w *bytes.Buffer, typ string, data []byte) {
	binary.Write(w, binary.BigEndian, uint32(len(data)))
	w.WriteString(typ)
	w.Write(data)
	binary.Write(w, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngBomb is a valid PNG signature and header claiming w×h pixels, with a
// few bytes of image data: decoding it would need tens of gigabytes.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk(&b, "IHDR", ihdr)
	chunk(&b, "IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

// jpegBomb is a small JPEG whose frame header is patched to claim w×h.
func jpegBomb(w, h uint16) []byte {
	var j bytes.Buffer
	jpeg.Encode(&j, gradient(16, 16), nil)
	b := j.Bytes()
	i := bytes.Index(b, []byte{0xff, 0xc0})
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

func twoFrames() []byte {
	pal := color.Palette{color.Black, color.White, color.RGBA{255, 0, 0, 255}}
	a := image.NewPaletted(image.Rect(0, 0, 30, 20), pal)
	c := image.NewPaletted(image.Rect(0, 0, 30, 20), pal)
	for i := range a.Pix {
		a.Pix[i], c.Pix[i] = 1, 2
	}
	var b bytes.Buffer
	gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{a, c}, Delay: []int{10, 10}})
	return b.Bytes()
}

// zipOf makes a zip of name, content pairs; stored: the first entry is
// stored uncompressed, as ODF wants its mimetype.
func zipOf(stored bool, pairs ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i < len(pairs); i += 2 {
		method := zip.Deflate
		if stored && i == 0 {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: pairs[i], Method: method})
		if err != nil {
			log.Fatal(err)
		}
		w.Write([]byte(pairs[i+1]))
	}
	zw.Close()
	return b.Bytes()
}
