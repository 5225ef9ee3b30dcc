// Package demo holds the built-in bilingual demo site — settings, channel
// tree, footer pages and three dozen original articles in English and
// Chinese — so `newsdesk serve --demo` shows a living portal on first run.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"newsdesk/internal/ingest"
	"newsdesk/internal/sitefile"
)

//go:embed content
var content embed.FS

// Result says what loading the demo did.
type Result struct {
	Site     sitefile.Result
	Articles ingest.Summary
}

// Load applies the demo site and imports its articles. Articles live in
// folders named after their channel path with "/" written as "~".
func Load(ctx context.Context, im *ingest.Importer) (Result, error) {
	var res Result
	siteJSON, err := fs.ReadFile(content, "content/site.json")
	if err != nil {
		return res, fmt.Errorf("demo: %w", err)
	}
	if res.Site, err = sitefile.Apply(ctx, im.Store, im.Sanitizer, siteJSON); err != nil {
		return res, fmt.Errorf("demo site: %w", err)
	}
	var files []string
	err = fs.WalkDir(content, "content/articles", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return res, fmt.Errorf("demo articles: %w", err)
	}
	sort.Strings(files)
	res.Articles = ingest.Summary{Counts: map[ingest.Outcome]int{}}
	for _, p := range files {
		data, err := fs.ReadFile(content, p)
		if err != nil {
			return res, fmt.Errorf("demo: %w", err)
		}
		channel := strings.ReplaceAll(path.Base(path.Dir(p)), "~", "/")
		r := im.Ninjs(ctx, p, data, channel)
		if r.Err != nil {
			return res, fmt.Errorf("demo article %s: %w", p, r.Err)
		}
		res.Articles.Counts[r.Outcome]++
		res.Articles.Total++
	}
	return res, nil
}
