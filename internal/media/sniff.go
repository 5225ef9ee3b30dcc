package media

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"

	"newsdesk/internal/news"
)

// Format is a file type the library accepts, as sniffed from the bytes.
type Format struct {
	Name string // jpeg, png, gif, webp, pdf, docx, xlsx, odt
	MIME string
	Ext  string
	Kind news.MediaKind
}

// The accepted formats.
var (
	FormatJPEG = Format{"jpeg", "image/jpeg", "jpg", news.MediaImage}
	FormatPNG  = Format{"png", "image/png", "png", news.MediaImage}
	FormatGIF  = Format{"gif", "image/gif", "gif", news.MediaImage}
	FormatWebP = Format{"webp", "image/webp", "webp", news.MediaImage}
	FormatPDF  = Format{"pdf", "application/pdf", "pdf", news.MediaDocument}
	FormatDOCX = Format{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", news.MediaDocument}
	FormatXLSX = Format{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", news.MediaDocument}
	FormatODT  = Format{"odt", "application/vnd.oasis.opendocument.text", "odt", news.MediaDocument}
)

// ErrUnknownFormat is the answer for bytes that are none of the accepted
// formats, whatever the file's name or declared type says.
var ErrUnknownFormat = errors.New("not a JPEG, PNG, GIF or WebP image, nor a PDF, DOCX, XLSX or ODT document")

// odtMIME is what an ODF text document's first entry, "mimetype", holds.
const odtMIME = "application/vnd.oasis.opendocument.text"

// Sniff decides what b is from its content alone: magic numbers for images
// and PDF, and for zip containers the entries that make an Office Open XML
// or OpenDocument file. The name and Content-Type of an upload are never
// asked: an HTML page named photo.jpg is refused.
func Sniff(b []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return FormatJPEG, nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG, nil
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return FormatGIF, nil
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return FormatWebP, nil
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return FormatPDF, nil
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return sniffZip(b)
	}
	return Format{}, ErrUnknownFormat
}

// sniffZip tells DOCX, XLSX and ODT from any other zip. It reads only the
// central directory and, for ODT, the few stored bytes of "mimetype":
// nothing is inflated, so a zip bomb costs nothing here.
func sniffZip(b []byte) (Format, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return Format{}, errors.New("a zip file that cannot be read: " + err.Error())
	}
	var contentTypes, word, xl bool
	for i, f := range zr.File {
		switch {
		case f.Name == "[Content_Types].xml":
			contentTypes = true
		case strings.HasPrefix(f.Name, "word/"):
			word = true
		case strings.HasPrefix(f.Name, "xl/"):
			xl = true
		case i == 0 && f.Name == "mimetype" && f.Method == zip.Store && f.UncompressedSize64 <= 100:
			rc, err := f.Open()
			if err != nil {
				continue
			}
			got, err := io.ReadAll(io.LimitReader(rc, 100))
			rc.Close()
			if err == nil && string(got) == odtMIME {
				return FormatODT, nil
			}
		}
	}
	switch {
	case contentTypes && word:
		return FormatDOCX, nil
	case contentTypes && xl:
		return FormatXLSX, nil
	}
	return Format{}, errors.New("a zip file that is not a DOCX, XLSX or ODT document")
}

// formatByExt maps a stored file's extension back to its format, for
// serving.
func formatByExt(ext string) (Format, bool) {
	for _, f := range []Format{FormatJPEG, FormatPNG, FormatGIF, FormatWebP, FormatPDF, FormatDOCX, FormatXLSX, FormatODT} {
		if f.Ext == ext {
			return f, true
		}
	}
	return Format{}, false
}
