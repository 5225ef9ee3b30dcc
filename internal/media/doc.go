// Package media is the media library: it takes uploaded images (JPEG, PNG,
// GIF, WebP) and documents (PDF, DOCX, XLSX, ODT), decides what they are
// from their bytes alone, refuses oversized files and decompression bombs
// before decoding them, strips EXIF and GPS by re-encoding images, makes
// resized variants once, stores every file under --media named by the
// SHA-256 of the upload (written atomically), records it in the database,
// and serves the files at /media/ with immutable caching. The newsroom and
// the API upload through it; the portal only builds URLs (news.Media).
package media
