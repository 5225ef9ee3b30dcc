package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Service is the media library; build one per process.
type Service struct {
	Store *store.Store
	// Dir is the --media folder. Files sit in sub-folders named by the
	// first two hex digits of their hash, so no folder grows too large.
	Dir string
	// Files, when set, keeps the bytes instead of Dir: an S3-compatible
	// bucket (S3Files) for several nodes.
	Files  Files
	Limits Limits
	// Widths are the widths of the resized variants.
	Widths []int
	Now    func() time.Time
	Log    *slog.Logger
	// busy bounds how many images are decoded at once: a 50-megapixel
	// image needs a few hundred megabytes while it is processed.
	busy chan struct{}
}

// maxConcurrentImages is how many uploads are processed at once; more wait.
const maxConcurrentImages = 2

// New makes the library over dir with the default limits and widths.
func New(s *store.Store, dir string, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Store: s, Dir: dir, Limits: DefaultLimits(), Widths: DefaultWidths(), Now: time.Now, Log: log,
		busy: make(chan struct{}, maxConcurrentImages)}
}

// ErrForbidden means the actor may not use the media library.
var ErrForbidden = errors.New("you are not allowed to use the media library")

// Upload is one file sent to the library with what the uploader says of it.
type Upload struct {
	Filename             string
	Body                 io.Reader
	Alt, Caption, Credit string
}

// Text limits: long enough for any real caption, short enough for a page.
const (
	maxAlt      = 1000
	maxCaption  = 2000
	maxCredit   = 300
	maxFilename = 200
)

// Add reads, checks, prepares and stores one upload. The same bytes
// uploaded again give back the media already stored (created false): no
// second row and no second file. Problems with the file or the text are a
// *news.ValidationError on "file", "alt", "caption" or "credit"; nothing is
// stored then.
func (s *Service) Add(ctx context.Context, actor news.User, ip string, up Upload) (m news.Media, created bool, err error) {
	if !actor.MayUseMedia() {
		return m, false, ErrForbidden
	}
	v := &news.ValidationError{}
	alt, caption, credit := checkText(v, up.Alt, up.Caption, up.Credit)
	if err := v.Err(); err != nil {
		return m, false, err
	}
	data, err := io.ReadAll(io.LimitReader(up.Body, s.Limits.MaxBytes+1))
	if err != nil {
		return m, false, fmt.Errorf("read upload %q: %w", up.Filename, err)
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	if int64(len(data)) <= s.Limits.MaxBytes {
		if old, err := s.Store.MediaByHash(ctx, hash); err == nil {
			return old, false, nil
		} else if !errors.Is(err, news.ErrNotFound) {
			return m, false, err
		}
	}
	if s.busy != nil {
		select {
		case s.busy <- struct{}{}:
			defer func() { <-s.busy }()
		case <-ctx.Done():
			return m, false, fmt.Errorf("upload %q: %w", up.Filename, ctx.Err())
		}
	}
	p, err := Process(data, s.Limits, s.Widths)
	if err != nil {
		v.Add("file", "%s: %s", displayName(up.Filename), err.Error())
		return m, false, v
	}
	m = news.Media{Hash: hash, Kind: p.Format.Kind, MIME: p.Format.MIME, Ext: p.Format.Ext,
		Filename: cleanFilename(up.Filename, p.Format.Ext), Width: p.Original.Width, Height: p.Original.Height,
		Bytes: int64(len(p.Original.Data)), Alt: alt, Caption: caption, Credit: credit, UploadedBy: actor.ID,
		CreatedAt: s.Now().UTC().Truncate(time.Microsecond)}
	if err := s.writeFile(ctx, m.Hash, m.Hash+"."+m.Ext, p.Original.Data); err != nil {
		return m, false, err
	}
	for _, r := range p.Variants {
		if err := s.writeFile(ctx, m.Hash, m.Hash+"-"+strconv.Itoa(r.Width)+"."+m.Ext, r.Data); err != nil {
			return m, false, err
		}
		m.Variants = append(m.Variants, news.Variant{Width: r.Width, Height: r.Height, Bytes: int64(len(r.Data))})
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.MediaByHash(ctx, hash); err == nil {
			return errAlreadyThere
		}
		if m.ID, err = tx.InsertMedia(ctx, m); err != nil {
			return err
		}
		details := map[string]string{"file": m.Filename, "type": m.MIME, "hash": m.Hash, "bytes": strconv.FormatInt(m.Bytes, 10)}
		if m.Kind == news.MediaImage {
			details["size"] = fmt.Sprintf("%d×%d", m.Width, m.Height)
		}
		_, err := tx.AppendAudit(ctx, store.AuditEntry{At: m.CreatedAt, ActorID: actor.ID, Actor: actor.Email, IP: ip,
			Action: "media.upload", Target: fmt.Sprintf("media %d", m.ID), Details: details})
		return err
	})
	if errors.Is(err, errAlreadyThere) || (err != nil && isUniqueViolation(err)) {
		// Someone uploaded the same bytes a moment ago: theirs stands.
		old, lerr := s.Store.MediaByHash(ctx, hash)
		if lerr != nil {
			return m, false, errors.Join(err, lerr)
		}
		return old, false, nil
	}
	if err != nil {
		return m, false, err
	}
	s.Log.Info("media uploaded", "id", m.ID, "file", m.Filename, "type", m.MIME, "bytes", m.Bytes, "variants", len(m.Variants))
	return m, true, nil
}

var errAlreadyThere = errors.New("media already stored")

func isUniqueViolation(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "unique") || strings.Contains(msg, "duplicate key")
}

// Describe changes a file's alt text, caption and credit.
func (s *Service) Describe(ctx context.Context, actor news.User, ip string, id int64, alt, caption, credit string) (news.Media, error) {
	v := &news.ValidationError{}
	alt, caption, credit = checkText(v, alt, caption, credit)
	var m news.Media
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = tx.MediaByID(ctx, id); err != nil {
			return err
		}
		if !actor.MayEditMedia(m) {
			return ErrForbidden
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.UpdateMediaText(ctx, id, alt, caption, credit); err != nil {
			return err
		}
		m.Alt, m.Caption, m.Credit = alt, caption, credit
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: s.Now().UTC(), ActorID: actor.ID, Actor: actor.Email, IP: ip,
			Action: "media.describe", Target: fmt.Sprintf("media %d", id), Details: map[string]string{"file": m.Filename, "alt": alt}})
		return err
	})
	return m, err
}

// checkText trims the texts and checks their lengths.
func checkText(v *news.ValidationError, alt, caption, credit string) (string, string, string) {
	alt, caption, credit = oneLine(alt), strings.TrimSpace(caption), oneLine(credit)
	for _, c := range []struct {
		name, value string
		max         int
	}{{"alt", alt, maxAlt}, {"caption", caption, maxCaption}, {"credit", credit, maxCredit}} {
		if !utf8.ValidString(c.value) {
			v.Add(c.name, "is not valid UTF-8 text")
		} else if n := utf8.RuneCountInString(c.value); n > c.max {
			v.Add(c.name, "is %d characters long; at most %d", n, c.max)
		}
	}
	return alt, caption, credit
}

// oneLine folds line breaks and runs of spaces into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// displayName is how an uploaded name appears in messages.
func displayName(name string) string {
	if name = cleanFilename(name, ""); name == "" {
		return "the file"
	}
	return strconv.Quote(name)
}

// cleanFilename keeps the last path element of an uploaded name without
// control or format characters, at most maxFilename characters, and gives
// it the sniffed extension when its own says otherwise: the name offered
// for download must not claim another type.
func cleanFilename(name, ext string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.In(r, unicode.Cf) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ".")
	if r := []rune(name); len(r) > maxFilename {
		name = string(r[:maxFilename])
	}
	if ext == "" {
		return name
	}
	base := name
	if i := strings.LastIndex(name, "."); i > 0 {
		got := strings.ToLower(name[i+1:])
		if got == ext || (ext == "jpg" && got == "jpeg") {
			return name
		}
		base = name[:i]
	}
	if base == "" {
		base = "file"
	}
	return base + "." + ext
}

// files is where the bytes go: Files, or the Dir folder.
func (s *Service) files() Files {
	if s.Files != nil {
		return s.Files
	}
	return DirFiles{Dir: s.Dir}
}

// objectName is a stored file's name in Files: ab/abcdef...ext.
func objectName(hash, name string) string { return hash[:2] + "/" + name }

// writeFile stores data under name; a file already stored under a name has
// the same content (the name is the content's hash).
func (s *Service) writeFile(ctx context.Context, hash, name string, data []byte) error {
	return s.files().Put(ctx, objectName(hash, name), data)
}

// InUseError refuses to delete a file that articles still show.
type InUseError struct {
	File string
	Uses []store.MediaUse
}

func (e *InUseError) Error() string {
	var parts []string
	for _, u := range e.Uses {
		parts = append(parts, fmt.Sprintf("%q (%s)", u.Headline, u.How))
	}
	return fmt.Sprintf("%q is still shown by %s: remove it from those articles first", e.File, strings.Join(parts, ", "))
}

// Delete removes a file no article shows: its record (audited) and then
// its files. Only its uploader or an editor and up may.
func (s *Service) Delete(ctx context.Context, actor news.User, ip string, id int64) (news.Media, error) {
	var m news.Media
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = tx.MediaByID(ctx, id); err != nil {
			return err
		}
		if !actor.MayEditMedia(m) {
			return ErrForbidden
		}
		uses, err := tx.MediaUses(ctx, m)
		if err != nil {
			return err
		}
		if len(uses) > 0 {
			return &InUseError{File: m.Filename, Uses: uses}
		}
		if err := tx.DeleteMedia(ctx, id); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: s.Now().UTC(), ActorID: actor.ID, Actor: actor.Email, IP: ip,
			Action: "media.delete", Target: fmt.Sprintf("media %d", id), Details: map[string]string{"file": m.Filename, "hash": m.Hash}})
		return err
	})
	if err != nil {
		return m, err
	}
	names := []string{m.Hash + "." + m.Ext}
	for _, v := range m.Variants {
		names = append(names, m.Hash+"-"+strconv.Itoa(v.Width)+"."+m.Ext)
	}
	for _, name := range names {
		if err := s.files().Remove(ctx, objectName(m.Hash, name)); err != nil {
			// The record is gone, so nothing serves the file; a leftover
			// only takes space.
			s.Log.Warn("media file not removed", "file", objectName(m.Hash, name), "err", err)
		}
	}
	return m, nil
}
