package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Files is where the library keeps its bytes, by name ("ab/<hash>.jpg"):
// a folder (DirFiles; shared between nodes on a network file system) or an
// S3-compatible bucket (S3Files). Names are content hashes, so a Put of a
// name that exists writes the same bytes again and may be skipped.
type Files interface {
	// Put stores data under name; a reader never sees half of it.
	Put(ctx context.Context, name string, data []byte) error
	// Open reads a stored file, and when it was stored; a missing one is
	// os.ErrNotExist.
	Open(ctx context.Context, name string) (io.ReadSeekCloser, time.Time, error)
	// Remove deletes a stored file; a missing one is not an error.
	Remove(ctx context.Context, name string) error
}

// DirFiles keeps files in a folder, in sub-folders by hash prefix.
type DirFiles struct{ Dir string }

func (d DirFiles) path(name string) string { return filepath.Join(d.Dir, filepath.FromSlash(name)) }

// Put writes to a temporary file in the same folder, syncs it and renames
// it into place, so a reader or a crash never sees half a file. A file
// already there with the same size has the same content and is left alone.
func (d DirFiles) Put(_ context.Context, name string, data []byte) error {
	final := d.path(name)
	if fi, err := os.Stat(final); err == nil && fi.Size() == int64(len(data)) {
		return nil
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("media folder %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := io.Copy(tmp, bytes.NewReader(data)); err != nil {
		tmp.Close()
		return fmt.Errorf("store %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("store %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	return nil
}

// Open opens the file.
func (d DirFiles) Open(_ context.Context, name string) (io.ReadSeekCloser, time.Time, error) {
	f, err := os.Open(d.path(name))
	if err != nil {
		return nil, time.Time{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, time.Time{}, err
	}
	return f, fi.ModTime(), nil
}

// Remove deletes the file.
func (d DirFiles) Remove(_ context.Context, name string) error {
	if err := os.Remove(d.path(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
