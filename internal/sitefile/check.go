package sitefile

import (
	"newsdesk/internal/news"
)

// SettingsFile is a site file that sets every setting to the values of site,
// as a form showing all settings submits them; ApplyFile then checks it by
// the rules of `site apply`.
func SettingsFile(site news.Site) *File {
	f := &File{Site: site, Settings: map[string]bool{}}
	for _, key := range settingKeys {
		f.Settings[key] = true
	}
	return f
}

// PageFile is a site file that creates or updates one page, which ApplyFile
// checks (slug, languages) and sanitizes as `site apply` would. Error paths
// start with "pages[0].".
func PageFile(p news.Page) *File {
	return &File{Pages: []news.Page{p}, HasPages: true}
}

// CheckChannel checks the slug of one channel where it would stand in tree,
// by the rules Validate applies to a site file: a valid slug, not all digits,
// at the top level neither reserved nor the slug of one of pageSlugs, and
// unique among its siblings. id is the channel's own id (0 for a new one),
// parentID the parent it would have (0: top level), which must exist and must
// not lie inside the channel's own subtree. Errors are at "slug" and
// "parent".
func CheckChannel(tree *news.ChannelTree, pageSlugs []string, id, parentID int64, slug string) error {
	v := &news.ValidationError{}
	if parentID != 0 {
		parent, ok := tree.ByID(parentID)
		if !ok {
			v.Add("parent", "the parent channel does not exist")
			return v
		}
		if self, ok := tree.ByID(id); ok && id != 0 && (parent.ID == self.ID || isUnder(parent.Path, self.Path)) {
			v.Add("parent", "a channel cannot move under itself or one of its own subchannels (%s)", parent.Path)
			return v
		}
	}
	top := parentID == 0
	if msg := channelSlugProblem(slug, top); msg != "" {
		v.Add("slug", "%s", msg)
		return v
	}
	for _, sib := range tree.Children(parentID) {
		if sib.Slug == slug && sib.ID != id {
			v.Add("slug", "duplicate slug %q (also at %s)", slug, sib.Path)
			return v
		}
	}
	if top && contains(pageSlugs, slug) {
		v.Add("slug", "%q is already a page; pages and top-level channels share one namespace", slug)
	}
	return v.Err()
}

// isUnder reports whether path lies strictly below ancestor.
func isUnder(path, ancestor string) bool {
	return len(path) > len(ancestor) && path[:len(ancestor)] == ancestor && path[len(ancestor)] == '/'
}
