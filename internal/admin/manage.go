package admin

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"newsdesk/internal/news"
	"newsdesk/internal/web"
)

// manageRoutes registers the site-administration pages: users, channels,
// footer pages, settings and the audit log.
func (s *Server) manageRoutes(mux *http.ServeMux, h, post func(web.HandlerFunc) http.Handler) {
	users, channels := news.ActionManageUsers, news.ActionManageChannels
	pages, settings, audit := news.ActionManagePages, news.ActionManageSettings, news.ActionViewAudit

	// Users and their roles; invitations and password resets are one-time
	// links shown once to the administrator who hands them over.
	mux.Handle("GET /admin/users", h(s.allow(users, s.usersPage)))
	mux.Handle("POST /admin/users", post(s.allow(users, s.createUser)))
	mux.Handle("GET /admin/users/{id}", h(s.allow(users, s.userPage)))
	mux.Handle("POST /admin/users/{id}/roles", post(s.allow(users, s.setUserRoles)))
	mux.Handle("POST /admin/users/{id}/status", post(s.allow(users, s.setUserStatus)))
	mux.Handle("POST /admin/users/{id}/reset-link", post(s.allow(users, s.userResetLink)))

	// The channel tree: site administrators everywhere, subtree
	// administrators inside their subtrees (checked per channel).
	mux.Handle("GET /admin/channels", h(s.allow(channels, s.channelsPage)))
	mux.Handle("POST /admin/channels", post(s.allow(channels, s.createChannel)))
	mux.Handle("POST /admin/channels/{id}", post(s.allow(channels, s.updateChannel)))
	mux.Handle("POST /admin/channels/{id}/delete", post(s.allow(channels, s.deleteChannel)))

	// Footer pages and site settings, checked by the rules of `site apply`.
	mux.Handle("GET /admin/pages", h(s.allow(pages, s.pagesPage)))
	mux.Handle("POST /admin/pages", post(s.allow(pages, s.savePage)))
	mux.Handle("GET /admin/settings", h(s.allow(settings, s.settingsPage)))
	mux.Handle("POST /admin/settings", post(s.allow(settings, s.saveSettings)))

	// Webhooks: endpoints, their health and the delivery log.
	mux.Handle("GET /admin/webhooks", h(s.allow(settings, s.webhooksPage)))
	mux.Handle("POST /admin/webhooks", post(s.allow(settings, s.addWebhook)))
	mux.Handle("POST /admin/webhooks/{id}/delete", post(s.allow(settings, s.removeWebhook)))

	// The audit log, newest first.
	mux.Handle("GET /admin/audit", h(s.allow(audit, s.auditPage)))
}

// pathID reads the numeric {id} of a URL; anything else is not found.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, news.ErrNotFound
	}
	return id, nil
}

// listIndex matches the "[n]" of JSON paths such as "footer_pages[1]".
var listIndex = regexp.MustCompile(`\[\d+\]`)

// formErrors rewrites the JSON paths of a validation error into the names
// of the form's fields: prefix (such as "pages[0].") is dropped, list
// indexes are merged into their list's field, and rename maps what is left
// when a form calls a field differently. Other errors pass unchanged.
func formErrors(err error, prefix string, rename map[string]string) error {
	var v *news.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	out := &news.ValidationError{}
	for _, f := range v.Fields {
		path := listIndex.ReplaceAllString(strings.TrimPrefix(f.Path, prefix), "")
		if to, ok := rename[path]; ok {
			path = to
		}
		out.Fields = append(out.Fields, news.FieldError{Path: path, Message: f.Message})
	}
	return out
}

// fieldErr is a validation error about one field of a form.
func fieldErr(path, format string, args ...any) error {
	v := &news.ValidationError{}
	v.Add(path, format, args...)
	return v
}

// langField is one per-language input of a form: the field name and the
// value it shows.
type langField struct {
	Lang, Name, ID, Value string
}

// langFields makes one input per language for a localized text, named
// base_{lang}, with ids prefixed by idPrefix; values come from form when it
// was submitted, else from current.
func langFields(langs []string, base, idPrefix string, current news.Localized, form map[string][]string) []langField {
	out := make([]langField, 0, len(langs))
	for _, lang := range langs {
		name := base + "_" + lang
		value := current[lang]
		if v, ok := form[name]; ok && len(v) > 0 {
			value = v[0]
		}
		out = append(out, langField{Lang: lang, Name: name, ID: idPrefix + base + "-" + lang, Value: value})
	}
	return out
}

// localized reads base_{lang} for each language, leaving out empty texts.
func localized(form map[string][]string, langs []string, base string) news.Localized {
	out := news.Localized{}
	for _, lang := range langs {
		if v := form[base+"_"+lang]; len(v) > 0 {
			if t := strings.TrimSpace(v[0]); t != "" {
				out[lang] = t
			}
		}
	}
	return out
}

// siteLanguages are the languages forms offer texts in: the site's, or
// every known one before the site has any.
func siteLanguages(site news.Site) []string {
	if len(site.Languages) > 0 {
		return site.Languages
	}
	return news.KnownLanguages
}
