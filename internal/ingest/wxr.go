package ingest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
)

// Skipped means the item was deliberately not imported; ItemResult.Err
// says why (a trashed post, a menu item, a draft page).
const Skipped Outcome = "skipped"

// WXROptions say where a WordPress export goes.
type WXROptions struct {
	// File names the export in messages and audit records.
	File string
	// Channel is the channel categories are created under ("" for the top
	// level) and where posts without a category go.
	Channel string
	// Language is the language of the copy; "" takes the export's when the
	// site has it, else the site's default.
	Language string
	// Localize, when set (--fetch-media), stores a remote file in the
	// media library and returns its local URL and media id; bodies and
	// lead images then point at the copy. Nil keeps remote URLs.
	Localize func(ctx context.Context, f RemoteFile) (localURL string, mediaID int64, err error)
}

// RemoteFile is an attachment of the old site to copy into the library.
type RemoteFile struct {
	URL, Alt, Caption string
}

// WXRSummary counts what importing one export did.
type WXRSummary struct {
	Summary
	// Pages counts WordPress pages stored as Newsdesk pages (created or
	// changed); Attachments the media items whose remote URLs stay.
	Pages, Attachments int
	// PagesCreated is how many of Pages are new (their items count as
	// imported too).
	PagesCreated int
	// ChannelsCreated, UsersCreated and Redirects count what the import
	// added besides articles.
	ChannelsCreated, UsersCreated, Redirects int
	// MediaFetched counts the files copied into the media library
	// (--fetch-media); MediaFailed those that stayed remote.
	MediaFetched, MediaFailed int
}

func (s WXRSummary) String() string {
	media := fmt.Sprintf("%d attachments kept as remote URLs", s.Attachments)
	if s.MediaFetched+s.MediaFailed > 0 {
		media = fmt.Sprintf("%d attachments, %d files copied into the media library (%d could not be fetched)", s.Attachments, s.MediaFetched, s.MediaFailed)
	}
	return fmt.Sprintf("import wxr: %d items: %d imported, %d updated, %d unchanged, %d skipped, %d failed; %d pages, %s; %d channels, %d users (disabled, to invite) and %d redirects created",
		s.Total, s.Counts[Created], s.Counts[Updated], s.Counts[Unchanged], s.Counts[Skipped], s.Counts[Failed],
		s.Pages, media, s.ChannelsCreated, s.UsersCreated, s.Redirects)
}

// wxrRun is one import's state: the channels, users and attachments the
// items refer to.
type wxrRun struct {
	im       *Importer
	w        feed.WXR
	o        WXROptions
	lang     string
	loc      *time.Location
	channels map[string]string // category nicename → channel path
	users    map[string]news.User
	media    map[int64]feed.WXRAttachment
	sum      *WXRSummary
	// local remembers the files already copied (URL → local URL and id),
	// so a file shown by many posts is fetched once.
	local map[string]localFile
}

type localFile struct {
	url string
	id  int64
	err error
}

// WXR imports a parsed WordPress export: categories become channels (nested
// as in WordPress, created when missing), authors become disabled users to
// invite, posts become articles and published pages become pages, each
// item in its own transaction; old permalinks (/?p=ID and the dated
// permalink) redirect to the new URLs. Running it again changes only what
// changed. A problem with the set-up (no site, an unknown --channel or
// language) is returned before anything is written.
func (im *Importer) WXR(ctx context.Context, w feed.WXR, o WXROptions, progress func(ItemResult)) (WXRSummary, error) {
	sum := WXRSummary{Summary: Summary{Counts: map[Outcome]int{}}}
	site, err := im.Store.Site(ctx)
	if err != nil {
		return sum, err
	}
	if !site.Configured() {
		return sum, errors.New("the site has no settings yet: run `newsdesk site apply FILE` first")
	}
	r := &wxrRun{im: im, w: w, o: o, loc: site.Location(), channels: map[string]string{}, users: map[string]news.User{},
		media: map[int64]feed.WXRAttachment{}, sum: &sum, local: map[string]localFile{}}
	switch {
	case o.Language != "":
		if !site.HasLanguage(o.Language) {
			return sum, fmt.Errorf("--language %q is not one of the site's languages %v", o.Language, site.Languages)
		}
		r.lang = o.Language
	case site.HasLanguage(w.Language):
		r.lang = w.Language
	default:
		r.lang = site.DefaultLanguage
	}
	if o.Channel != "" {
		if _, err := im.Store.ChannelByPath(ctx, o.Channel); err != nil {
			return sum, fmt.Errorf("--channel: %w", err)
		}
	}
	if err := r.createChannels(ctx); err != nil {
		return sum, err
	}
	if err := r.createUsers(ctx); err != nil {
		return sum, err
	}
	for _, it := range w.Items {
		if it.PostType == "attachment" && it.Err == nil {
			u := it.AttachmentURL
			if u == "" {
				u = it.GUID
			}
			r.media[it.PostID] = feed.WXRAttachment{ID: it.PostID, URL: u, Title: it.Title, Caption: markup.PlainText(it.Excerpt), Parent: it.Parent}
		}
	}
	for _, it := range w.Items {
		res := r.item(ctx, it)
		if res.Outcome == "" {
			continue // an attachment, counted apart
		}
		sum.Counts[res.Outcome]++
		sum.Total++
		if progress != nil {
			progress(res)
		}
	}
	if sum.Redirects > 0 {
		// Old URLs a page cache may hold as "not found" now redirect.
		err := im.Store.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.AppendChange(ctx, store.Change{At: im.Now().UTC(), Kind: news.ChangeSite,
				Details: map[string]string{"what": "import wxr redirects", "file": o.File}})
			return err
		})
		if err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// wxrSlug turns a WordPress nicename (URL-escaped, possibly upper-case)
// into a Newsdesk slug, falling back to the name.
func wxrSlug(nicename, name string) string {
	if s, err := url.PathUnescape(nicename); err == nil {
		s = strings.ToLower(strings.TrimSpace(s))
		if news.ValidSlug(s) {
			return s
		}
		if s := news.Slugify(s); s != "" {
			return s
		}
	}
	return news.Slugify(name)
}

// createChannels creates a channel for each category (parents first), in
// one transaction: the tree is made whole or not at all. WordPress's
// "uncategorized" is not made a channel; its posts go to --channel.
func (r *wxrRun) createChannels(ctx context.Context) error {
	byName := map[string]feed.WXRCategory{}
	for _, c := range r.w.Categories {
		byName[c.Nicename] = c
	}
	now := r.im.Now().UTC()
	return r.im.Store.InTx(ctx, func(tx *store.Tx) error {
		created := 0
		var place func(c feed.WXRCategory, depth int) (string, error)
		place = func(c feed.WXRCategory, depth int) (string, error) {
			if path, ok := r.channels[c.Nicename]; ok {
				return path, nil
			}
			if depth > 20 {
				return "", fmt.Errorf("%s: line %d: category %q: its parents loop", r.o.File, c.Line, c.Nicename)
			}
			parentPath := r.o.Channel
			if p, ok := byName[c.Parent]; ok && c.Parent != "" && c.Parent != c.Nicename {
				pp, err := place(p, depth+1)
				if err != nil {
					return "", err
				}
				parentPath = pp
			}
			slug := wxrSlug(c.Nicename, c.Name)
			if slug == "" {
				slug = "category"
			}
			tree, err := tx.Channels(ctx)
			if err != nil {
				return "", err
			}
			var parentID int64
			if parentPath != "" {
				parent, err := tx.ChannelByPath(ctx, parentPath)
				if err != nil {
					return "", err
				}
				parentID = parent.ID
			}
			pages, err := tx.Pages(ctx)
			if err != nil {
				return "", err
			}
			pageSlugs := make([]string, len(pages))
			for i, p := range pages {
				pageSlugs[i] = p.Slug
			}
			join := func(s string) string {
				if parentPath == "" {
					return s
				}
				return parentPath + "/" + s
			}
			for n := 1; n <= 9; n++ {
				try := slug
				if n > 1 {
					try = fmt.Sprintf("%s-%d", slug, n)
				}
				if existing, err := tx.ChannelByPath(ctx, join(try)); err == nil {
					r.channels[c.Nicename] = existing.Path
					return existing.Path, nil
				}
				if sitefile.CheckChannel(tree, pageSlugs, 0, parentID, try) != nil {
					continue // reserved or a page's slug at the top level
				}
				name := c.Name
				if name == "" {
					name = try
				}
				position := 0
				for _, sib := range tree.Children(parentID) {
					position = max(position, sib.Position+1)
				}
				made, err := tx.CreateChannel(ctx, news.Channel{ParentID: parentID, Slug: try, Name: news.Localized{r.lang: name}, Position: position})
				if err != nil {
					return "", fmt.Errorf("%s: line %d: category %q: %w", r.o.File, c.Line, c.Nicename, err)
				}
				if _, err := tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: "import", Action: "channel.create", Target: made.Path,
					Details: map[string]string{"file": r.o.File, "category": c.Nicename}}); err != nil {
					return "", err
				}
				created++
				r.channels[c.Nicename] = made.Path
				return made.Path, nil
			}
			return "", fmt.Errorf("%s: line %d: category %q: no free channel slug for %q", r.o.File, c.Line, c.Nicename, slug)
		}
		for _, c := range r.w.Categories {
			if c.Nicename == "" || c.Nicename == "uncategorized" {
				continue
			}
			if _, err := place(c, 0); err != nil {
				return err
			}
		}
		r.sum.ChannelsCreated = created
		if created == 0 {
			return nil
		}
		// The navigation changed: every cached page shows it.
		_, err := tx.AppendChange(ctx, store.Change{At: now, Kind: news.ChangeSite, Details: map[string]string{"what": "import wxr channels", "file": r.o.File}})
		return err
	})
}

// createUsers makes each author with an email a disabled user, to be
// invited by an administrator; an existing user of that email is used as
// is. Authors without a usable email keep their name as the byline only.
func (r *wxrRun) createUsers(ctx context.Context) error {
	now := r.im.Now().UTC()
	return r.im.Store.InTx(ctx, func(tx *store.Tx) error {
		created := 0
		for _, a := range r.w.Authors {
			name := a.DisplayName
			if name == "" {
				name = strings.TrimSpace(a.FirstName + " " + a.LastName)
			}
			if name == "" {
				name = a.Login
			}
			u := news.User{Name: name}
			email, err := news.NormalizeEmail(a.Email)
			if err == nil {
				existing, err := tx.UserByEmail(ctx, email)
				switch {
				case err == nil:
					u = existing
				case errors.Is(err, news.ErrNotFound):
					u = news.User{Email: email, Name: name, Status: news.UserDisabled}
					if u.ID, err = tx.CreateUser(ctx, u, now); err != nil {
						return err
					}
					if _, err := tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: "import", Action: "user.create", Target: email,
						Details: map[string]string{"file": r.o.File, "wordpress_login": a.Login, "status": string(news.UserDisabled)}}); err != nil {
						return err
					}
					created++
				default:
					return err
				}
			}
			r.users[a.Login] = u
		}
		r.sum.UsersCreated = created
		return nil
	})
}

// item imports one item; an attachment gives an empty outcome.
func (r *wxrRun) item(ctx context.Context, it feed.WXRItem) ItemResult {
	name := fmt.Sprintf("%s:%d (post %d)", r.o.File, it.Line, it.PostID)
	skip := func(format string, args ...any) ItemResult {
		return ItemResult{Path: name, Outcome: Skipped, Err: fmt.Errorf(format, args...)}
	}
	if it.Err != nil {
		return ItemResult{Path: name, Outcome: Skipped, Err: it.Err}
	}
	switch it.PostType {
	case "attachment":
		r.sum.Attachments++
		return ItemResult{}
	case "post", "page":
	default:
		return skip("post type %q is not imported", it.PostType)
	}
	switch it.Status {
	case "trash":
		return skip("in the WordPress trash")
	case "auto-draft", "inherit":
		return skip("status %q is not a post of its own", it.Status)
	}
	body, notes := feed.WXRContentHTML(it.Content, it.PostID, r.media)
	if r.o.Localize != nil {
		body, notes = r.localizeBody(ctx, body, notes)
	}
	var leadID int64
	if thumb, ok := r.media[it.ThumbnailID()]; ok && thumb.URL != "" {
		var f localFile
		if r.o.Localize != nil {
			if f = r.localize(ctx, thumb); f.err != nil {
				notes = append(notes, f.err.Error())
			}
		}
		switch {
		case r.o.Localize != nil && f.err == nil && it.PostType == "post":
			// The copy in the library is the article's lead image.
			leadID = f.id
		case !strings.Contains(body, thumb.URL):
			src := thumb.URL
			if r.o.Localize != nil && f.err == nil {
				src = f.url
			}
			fig := `<figure><img src="` + html.EscapeString(src) + `" alt="` + html.EscapeString(thumb.Title) + `">`
			if thumb.Caption != "" {
				fig += "<figcaption>" + html.EscapeString(thumb.Caption) + "</figcaption>"
			}
			body = fig + "</figure>" + body
		}
	}
	body = r.im.Sanitizer.Sanitize(body)
	title := it.Title
	if title == "" {
		title = markup.Excerpt(body, 80)
	}
	if title == "" {
		title = fmt.Sprintf("Untitled (post %d)", it.PostID)
	}
	var res ItemResult
	if it.PostType == "page" {
		res = r.page(ctx, it, name, title, body)
	} else {
		res = r.post(ctx, it, name, title, body, leadID)
	}
	if len(notes) > 0 && res.Err == nil && res.Outcome != Skipped {
		res.Notes = notes
	}
	return res
}

// postStatus maps WordPress's post status onto Newsdesk's.
func postStatus(it feed.WXRItem) (news.Status, string) {
	if it.Password != "" {
		return news.StatusDraft, "password-protected in WordPress: imported as a draft"
	}
	switch it.Status {
	case "publish", "future":
		// Future posts are published at their date: the importer holds
		// them back as scheduled until then.
		return news.StatusPublished, ""
	case "pending":
		return news.StatusInReview, ""
	case "private":
		return news.StatusDraft, "private in WordPress: imported as a draft"
	}
	return news.StatusDraft, ""
}

func (r *wxrRun) post(ctx context.Context, it feed.WXRItem, name, title, body string, leadID int64) ItemResult {
	status, note := postStatus(it)
	channel := r.o.Channel
	for _, c := range it.Categories {
		if path, ok := r.channels[c.Slug]; ok {
			channel = path
			break
		}
	}
	if channel == "" {
		return ItemResult{Path: name, Outcome: Failed, Err: errors.New("the post has no category that became a channel: pass --channel PATH for such posts")}
	}
	var tags []string
	for _, t := range it.Tags {
		if t.Name != "" {
			tags = append(tags, t.Name)
		}
	}
	author := r.users[it.Creator]
	byline := author.Name
	if byline == "" {
		byline = it.Creator
	}
	a := news.Article{
		URI:            r.uri(it),
		Language:       r.lang,
		Headline:       title,
		Summary:        markup.PlainText(it.Excerpt),
		BodyHTML:       body,
		Byline:         byline,
		Tags:           tags,
		Status:         status,
		ReleaseAt:      it.DateGMT.UTC(),
		VersionCreated: it.ModifiedGMT.UTC(),
		AuthorID:       author.ID,
		LeadMediaID:    leadID,
	}
	if a.ReleaseAt.IsZero() && status != news.StatusDraft {
		if t, err := time.ParseInLocation(time.DateTime, it.Date, r.loc); err == nil {
			a.ReleaseAt = t.UTC()
		}
	}
	slugBase := wxrSlug(it.PostName, "")
	l := landing{name: name, channel: channel, actor: "import", keepStatus: true, revision: true, slugBase: slugBase,
		details: map[string]string{"wordpress_post": strconv.FormatInt(it.PostID, 10)}}
	l.after = func(ctx context.Context, tx *store.Tx, res ItemResult) error {
		if res.Article.VisibleFrom().IsZero() {
			return nil // drafts have no public URL to send readers to
		}
		return r.redirect(ctx, tx, it, res.Article.Path(r.loc))
	}
	res := r.im.land(ctx, l, a)
	if note != "" && res.Err == nil {
		res.Notes = append(res.Notes, note)
	}
	return res
}

// page stores a published WordPress page as a Newsdesk page in the import's
// language; drafts are skipped, as pages have no drafts.
func (r *wxrRun) page(ctx context.Context, it feed.WXRItem, name, title, body string) ItemResult {
	if it.Status != "publish" || it.Password != "" {
		return ItemResult{Path: name, Outcome: Skipped, Err: fmt.Errorf("page with status %q: Newsdesk pages are public, so only published pages are imported", it.Status)}
	}
	slug := wxrSlug(it.PostName, title)
	res := ItemResult{Path: name, Outcome: Failed}
	now := r.im.Now().UTC()
	err := r.im.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ChannelByPath(ctx, slug); err == nil || news.IsReservedSlug(slug) || !news.ValidSlug(slug) {
			res.Outcome = Skipped
			return fmt.Errorf("page slug %q is taken by a channel or reserved", slug)
		}
		p, err := tx.PageBySlug(ctx, slug)
		exists := err == nil
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return err
		}
		if !exists {
			p = news.Page{Slug: slug, Title: news.Localized{}, Body: news.Localized{}, Position: 100 + it.MenuOrder}
		}
		if p.Title == nil {
			p.Title = news.Localized{}
		}
		if p.Body == nil {
			p.Body = news.Localized{}
		}
		p.Title[r.lang], p.Body[r.lang] = title, body
		changed, err := tx.UpsertPage(ctx, p)
		if err != nil {
			return err
		}
		switch {
		case !exists:
			res.Outcome = Created
			r.sum.PagesCreated++
		case changed:
			res.Outcome = Updated
		default:
			res.Outcome = Unchanged
		}
		if changed {
			r.sum.Pages++
			if _, err := tx.AppendChange(ctx, store.Change{At: now, Kind: news.ChangeSite, Details: map[string]string{"what": "page " + slug}}); err != nil {
				return err
			}
			if _, err := tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: "import", Action: "page.import", Target: slug,
				Details: map[string]string{"file": r.o.File, "wordpress_post": strconv.FormatInt(it.PostID, 10), "outcome": string(res.Outcome)}}); err != nil {
				return err
			}
		}
		res.Article = news.Article{Headline: title}
		return r.redirect(ctx, tx, it, "/"+r.lang+"/"+slug+"/")
	})
	if err != nil {
		if res.Outcome != Skipped {
			res.Outcome = Failed
		}
		res.Err = err
	}
	return res
}

// uri names a post across imports: the old blog's address and its id.
func (r *wxrRun) uri(it feed.WXRItem) string {
	base := strings.TrimSuffix(r.w.BaseBlogURL, "/")
	if base == "" {
		base = "wordpress:" + r.o.File
	}
	return base + "/?p=" + strconv.FormatInt(it.PostID, 10)
}

// redirect sends the item's old paths to to, counting the new ones.
func (r *wxrRun) redirect(ctx context.Context, tx *store.Tx, it feed.WXRItem, to string) error {
	for _, from := range r.w.OldPaths(it) {
		if old, err := tx.Redirect(ctx, from); err == nil && old == to {
			continue
		}
		if err := tx.AddRedirect(ctx, from, to, r.im.Now().UTC()); err != nil {
			return err
		}
		r.sum.Redirects++
	}
	return nil
}

// localize copies an attachment into the media library once per run.
func (r *wxrRun) localize(ctx context.Context, a feed.WXRAttachment) localFile {
	if f, ok := r.local[a.URL]; ok {
		return f
	}
	alt := a.Title
	if alt == "" {
		alt = a.Caption
	}
	u, id, err := r.o.Localize(ctx, RemoteFile{URL: a.URL, Alt: alt, Caption: a.Caption})
	f := localFile{url: u, id: id}
	if err != nil {
		f.err = fmt.Errorf("could not copy %s into the media library (the remote URL stays): %w", a.URL, err)
		r.sum.MediaFailed++
	} else {
		r.sum.MediaFetched++
	}
	r.local[a.URL] = f
	return f
}

// localizeBody points the body's references to the export's attachments
// (WordPress's resized copies, file-300x200.jpg, included) at their copies
// in the media library.
func (r *wxrRun) localizeBody(ctx context.Context, body string, notes []string) (string, []string) {
	ids := make([]int64, 0, len(r.media))
	for id := range r.media {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		a := r.media[id]
		if a.URL == "" {
			continue
		}
		ext := path.Ext(a.URL)
		re, err := regexp.Compile(regexp.QuoteMeta(strings.TrimSuffix(a.URL, ext)) + `(?:-\d+x\d+)?` + regexp.QuoteMeta(ext))
		if err != nil || !re.MatchString(body) {
			continue
		}
		f := r.localize(ctx, a)
		if f.err != nil {
			notes = append(notes, f.err.Error())
			continue
		}
		body = re.ReplaceAllLiteralString(body, f.url)
	}
	return body, notes
}
