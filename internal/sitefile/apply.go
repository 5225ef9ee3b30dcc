package sitefile

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// Result counts what an apply changed; all zero means the file was already
// in force.
type Result struct {
	Settings, Channels, Pages int
}

// Changed reports whether the apply changed anything.
func (r Result) Changed() bool { return r.Settings+r.Channels+r.Pages > 0 }

func (r Result) String() string {
	if !r.Changed() {
		return "site apply: nothing to change"
	}
	return fmt.Sprintf("site apply: %d settings, %d channels, %d pages changed", r.Settings, r.Channels, r.Pages)
}

// Apply decodes, validates and applies a site file in one transaction.
func Apply(ctx context.Context, s *store.Store, san *markup.Sanitizer, data []byte) (Result, error) {
	f, err := Decode(data)
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = s.InTx(ctx, func(tx *store.Tx) error {
		if res, err = ApplyFile(ctx, tx, san, f); err != nil || !res.Changed() {
			return err
		}
		// The operator at the command line changed the site: on the record.
		if _, err := tx.AppendChange(ctx, store.Change{At: time.Now(), Kind: news.ChangeSite, Details: map[string]string{"what": "site apply"}}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{At: time.Now(), Actor: "cli", Action: "settings.apply", Target: "site",
			Details: map[string]string{"settings": strconv.Itoa(res.Settings), "channels": strconv.Itoa(res.Channels), "pages": strconv.Itoa(res.Pages)}})
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// ApplyFile validates and applies an already decoded (or built) file inside
// tx, so that surfaces other than the CLI, such as the newsroom's settings
// form, get exactly the rules of `site apply` and can record the change in
// the same transaction.
func ApplyFile(ctx context.Context, tx *store.Tx, san *markup.Sanitizer, f *File) (Result, error) {
	var res Result
	current, err := tx.Site(ctx)
	if err != nil {
		return res, err
	}
	pages, err := tx.Pages(ctx)
	if err != nil {
		return res, err
	}
	tree, err := tx.Channels(ctx)
	if err != nil {
		return res, err
	}
	var pageSlugs, topChannels []string
	for _, p := range pages {
		pageSlugs = append(pageSlugs, p.Slug)
	}
	for _, c := range tree.Children(0) {
		topChannels = append(topChannels, c.Slug)
	}
	if err := f.Validate(pageSlugs, topChannels); err != nil {
		return res, err
	}
	if err := checkMerged(current, f); err != nil {
		return res, err
	}
	values := store.SiteSettings(f.Site)
	for _, key := range settingKeys {
		if !f.Settings[key] {
			continue
		}
		changed, err := tx.SetSetting(ctx, key, values[key])
		if err != nil {
			return res, err
		}
		if changed {
			res.Settings++
		}
	}
	if err := applyChannels(ctx, tx, f.Channels, 0, "", &res); err != nil {
		return res, err
	}
	for _, p := range f.Pages {
		body := news.Localized{}
		for lang, html := range p.Body {
			body[lang] = san.Sanitize(html)
		}
		p.Body = body
		changed, err := tx.UpsertPage(ctx, p)
		if err != nil {
			return res, err
		}
		if changed {
			res.Pages++
		}
	}
	return res, nil
}

// checkMerged validates the settings as they will stand after the apply, for
// files that change only some of them.
func checkMerged(current news.Site, f *File) error {
	merged := current
	if f.Settings["languages"] {
		merged.Languages = f.Site.Languages
	}
	if f.Settings["default_language"] {
		merged.DefaultLanguage = f.Site.DefaultLanguage
	}
	v := &news.ValidationError{}
	if len(merged.Languages) == 0 {
		v.Add("languages", "the site needs at least one language")
	}
	if merged.DefaultLanguage == "" && len(merged.Languages) > 0 && !f.Settings["default_language"] {
		// A site without a default language uses its first one.
		f.Site.DefaultLanguage = merged.Languages[0]
		f.Settings["default_language"] = true
	} else if merged.DefaultLanguage != "" && !merged.HasLanguage(merged.DefaultLanguage) {
		v.Add("default_language", "%q is not one of the site's languages %v", merged.DefaultLanguage, merged.Languages)
	}
	return v.Err()
}

func applyChannels(ctx context.Context, tx *store.Tx, list []ChannelSpec, parentID int64, parentPath string, res *Result) error {
	for i, spec := range list {
		path := spec.Slug
		if parentPath != "" {
			path = parentPath + "/" + spec.Slug
		}
		c := news.Channel{ParentID: parentID, Slug: spec.Slug, Path: path, Name: spec.Name, Position: i}
		if spec.RequiresApproval != nil {
			c.RequiresApproval = *spec.RequiresApproval
		} else if old, err := tx.ChannelByPath(ctx, path); err == nil {
			c.RequiresApproval = old.RequiresApproval // not named: left as it is
		}
		id, changed, err := tx.UpsertChannel(ctx, c)
		if err != nil {
			return err
		}
		if changed {
			res.Channels++
		}
		if err := applyChannels(ctx, tx, spec.Children, id, path, res); err != nil {
			return err
		}
	}
	return nil
}
