package cli

import (
	"context"
	"fmt"
	"strings"

	"newsdesk/internal/backup"
	"newsdesk/internal/config"
	"newsdesk/internal/media"
)

// runBackup writes the whole site (tables and media) to one file while the
// site keeps running.
func runBackup(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("backup", "newsdesk backup FILE [--db URL] [--media DIR|s3://...]",
		"Write every table and media file to FILE (a .tar.gz; see README), read consistently while the site runs.\nFILE appears complete or not at all.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(env.Stderr, fs, "expected one FILE, got %d arguments", len(pos))
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "backup", err)
	}
	defer s.Close()
	files, err := mediaFiles(ctx, cfg.Media, env.Getenv)
	if err != nil {
		return fail(env.Stderr, "backup", err)
	}
	n := 0
	m, err := backup.Create(ctx, s, pos[0], backup.Options{Files: files, Version: Version, Progress: func(_ int, line string) {
		n++ // the total is not known until the end: a count, no bar
		fmt.Fprintf(env.Stderr, "[%d] %s\n", n, line)
	}})
	if err != nil {
		return fail(env.Stderr, "backup", err)
	}
	fmt.Fprintf(env.Stdout, "backup: %d tables, %d rows, %d media files (schema %d, %s) written to %s\n",
		len(m.Tables), m.Rows(), len(m.Media), m.SchemaVersion, m.Dialect, pos[0])
	if len(m.MissingMedia) > 0 {
		fmt.Fprintf(env.Stderr, "newsdesk backup: %d media files named in the database were missing from %s and are not in the backup: %s\n",
			len(m.MissingMedia), redactMedia(cfg.Media), strings.Join(m.MissingMedia, ", "))
		return exitFailed
	}
	return exitOK
}

// runRestore loads a backup into an empty database of either dialect.
func runRestore(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("restore", "newsdesk restore FILE [--db URL] [--media DIR|s3://...]",
		"Restore a backup made by `newsdesk backup` into an empty database (SQLite or PostgreSQL, whichever it came from)\nand copy its media files back. The file is checked whole first; the rows load in one transaction.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(env.Stderr, fs, "expected one FILE, got %d arguments", len(pos))
	}
	s, err := openStore(ctx, &cfg, false)
	if err != nil {
		return fail(env.Stderr, "restore", err)
	}
	defer s.Close()
	files, err := mediaFiles(ctx, cfg.Media, env.Getenv)
	if err != nil {
		return fail(env.Stderr, "restore", err)
	}
	var p *progress
	r, err := backup.Restore(ctx, s, pos[0], backup.Options{Files: files, Version: Version, Progress: func(total int, line string) {
		if p == nil {
			p = newProgress(env.Stderr, total, "restoring")
		}
		p.item(line)
	}})
	if p != nil {
		p.done()
	}
	if err != nil {
		return fail(env.Stderr, "restore", err)
	}
	m := r.Manifest
	fmt.Fprintf(env.Stdout, "restore: %d tables, %d rows, %d media files from a %s backup of %s (newsdesk %s, schema %d)\n",
		len(m.Tables), m.Rows(), len(m.Media), m.Dialect, m.Created.Format("2006-01-02 15:04:05 UTC"), m.Newsdesk, m.SchemaVersion)
	if r.Migrated > 0 {
		fmt.Fprintf(env.Stdout, "restore: %d migrations applied after loading\n", r.Migrated)
	}
	fmt.Fprintf(env.Stdout, "restore: audit log verified, %d entries, chain intact\n", r.AuditEntries)
	fmt.Fprintln(env.Stdout, "restore: sign-in sessions are not in backups: everyone signs in again; run `newsdesk reindex` to rebuild the search index")
	return exitOK
}

// mediaFiles is the media storage --media names: an s3:// bucket or a folder.
func mediaFiles(ctx context.Context, where string, getenv func(string) string) (media.Files, error) {
	if strings.HasPrefix(where, "s3://") {
		return media.OpenS3(ctx, where, getenv)
	}
	return media.DirFiles{Dir: where}, nil
}
