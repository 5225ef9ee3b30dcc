package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// mgChannelForm is the edit form of c as the page fills it, with changes.
func mgChannelForm(c news.Channel, changes ...string) url.Values {
	f := mgForm("parent", strconv.FormatInt(c.ParentID, 10), "slug", c.Slug, "position", strconv.Itoa(c.Position),
		"name_en", c.Name["en"], "name_zh", c.Name["zh"])
	for i := 0; i+1 < len(changes); i += 2 {
		f.Set(changes[i], changes[i+1])
	}
	return f
}

func mgID(c news.Channel) string { return strconv.FormatInt(c.ID, 10) }

// TestManageChannels creates, renames, reorders, moves and deletes channels
// as a site administrator, and checks that a move keeps old public URLs
// working with 301s.
func TestManageChannels(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n, b, _ := mgAdmin(t, dialect)
			news_, world := mgChannel(t, n, "news"), mgChannel(t, n, "news/world")

			// Create news/energy.
			p := mgSubmit(b, "/admin/channels", "/admin/channels", mgForm("parent", mgID(news_), "slug", "energy", "name_en", "Energy", "name_zh", "能源"))
			mgWant(t, "created", mgRedirected(t, b, "create", p, "/admin/channels"), http.StatusOK,
				"Channel news/energy was created.", "<code>news/energy</code>")
			energy := mgChannel(t, n, "news/energy")
			if energy.ParentID != news_.ID || energy.Name["zh"] != "能源" || energy.Position != 2 {
				t.Errorf("created %+v (position after its last sibling: 2)", energy)
			}
			if e := mgAudit(t, n, "channel.create"); e.Target != "news/energy" || e.Details["names"] != `{"en":"Energy","zh":"能源"}` {
				t.Errorf("audit %+v", e)
			}

			// Rename news/world in both languages.
			p = mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(world), mgChannelForm(world, "name_en", "International", "name_zh", "国际新闻"))
			mgWant(t, "renamed", mgRedirected(t, b, "rename", p, "/admin/channels"), http.StatusOK, "Channel news/world was saved.")
			if w := mgChannel(t, n, "news/world"); w.Name["en"] != "International" || w.Name["zh"] != "国际新闻" {
				t.Errorf("renamed %+v", w)
			}
			if e := mgAudit(t, n, "channel.update"); e.Target != "news/world" || !strings.Contains(e.Details["names"], "International") {
				t.Errorf("audit %+v", e)
			}
			mgWant(t, "public listing", mgPublic(t, n, "/en/news/world/"), http.StatusOK, "International")
			// Saving unchanged says so and writes nothing.
			before := mgAudit(t, n, "channel.").Seq
			p = mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(world), mgChannelForm(mgChannel(t, n, "news/world")))
			mgWant(t, "unchanged", mgRedirected(t, b, "unchanged", p, "/admin/channels"), http.StatusOK, "Nothing changed.")
			if after := mgAudit(t, n, "channel.").Seq; after != before {
				t.Errorf("an unchanged save was audited")
			}

			// Reorder the children of news: world, energy, china.
			china := mgChannel(t, n, "news/china")
			mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(china), mgChannelForm(china, "position", "7"))
			w := mgChannel(t, n, "news/world")
			mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(w), mgChannelForm(w, "position", "0"))
			tree, err := n.store.Channels(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			for _, c := range tree.Children(news_.ID) {
				order = append(order, c.Slug)
			}
			if strings.Join(order, ",") != "world,energy,china" {
				t.Errorf("order after reordering: %v", order)
			}
			if e := mgAudit(t, n, "channel.update"); e.Details["position"] != "1 → 0" {
				t.Errorf("reorder audit %+v", e)
			}

			// Move news/china under policies as "prc": the seed article's
			// old URLs answer 301 with the new ones, in both languages.
			var oldURLs []string
			site, _ := n.store.Site(ctx)
			for _, lang := range []string{"en", "zh"} {
				list, _, err := n.store.VisibleArticles(ctx, store.ArticleQuery{Language: lang, Channel: "news/china", Now: n.clock.Now()})
				if err != nil || len(list) != 1 {
					t.Fatalf("seed article in %s: %v %v", lang, list, err)
				}
				oldURLs = append(oldURLs, list[0].Path(site.Location()))
			}
			policies := mgChannel(t, n, "policies")
			china = mgChannel(t, n, "news/china")
			p = mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(china), mgChannelForm(china, "parent", mgID(policies), "slug", "prc"))
			mgWant(t, "moved", mgRedirected(t, b, "move", p, "/admin/channels"), http.StatusOK,
				"The channel moved from news/china to policies/prc;", "<code>policies/prc/government-dynamic</code>")
			for _, old := range oldURLs {
				want := strings.Replace(old, "/news/china/", "/policies/prc/", 1)
				p := mgPublic(t, n, old)
				if loc, _ := url.PathUnescape(p.location); p.status != http.StatusMovedPermanently || loc != want {
					t.Errorf("GET %s: %d → %q, want 301 → %s", old, p.status, p.location, want)
				}
				if p := mgPublic(t, n, want); p.status != http.StatusOK {
					t.Errorf("GET %s: %d", want, p.status)
				}
			}
			for from, to := range map[string]string{"/en/news/china/": "/en/policies/prc/", "/zh/news/china/government-dynamic/": "/zh/policies/prc/government-dynamic/"} {
				if p := mgPublic(t, n, from); p.status != http.StatusMovedPermanently || p.location != to {
					t.Errorf("GET %s: %d → %q, want 301 → %s", from, p.status, p.location, to)
				}
			}
			if e := mgAudit(t, n, "channel.move"); e.Target != "policies/prc" || e.Details["path"] != "news/china → policies/prc" || e.Details["redirects"] != "8" {
				t.Errorf("move audit %+v (2 articles + 3 channels × 2 languages = 8 redirects)", e)
			}

			// A channel cannot move under itself or its descendants.
			policies = mgChannel(t, n, "policies")
			prc := mgChannel(t, n, "policies/prc")
			for _, under := range []news.Channel{policies, prc, mgChannel(t, n, "policies/prc/industry")} {
				p := mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(policies), mgChannelForm(policies, "parent", mgID(under)))
				mgWant(t, "move under "+under.Path, p, http.StatusUnprocessableEntity, "cannot move under itself", "<details open>")
			}
			// A slug taken by a sibling is refused, and the form keeps it.
			p = mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(energy), mgChannelForm(energy, "slug", "world"))
			mgWant(t, "rename onto a sibling", p, http.StatusUnprocessableEntity, `duplicate slug "world"`, `id="ch`+mgID(energy)+`-slug" name="slug" type="text" value="world"`)

			// Delete: refused while a channel holds articles or subchannels.
			gd := mgChannel(t, n, "policies/prc/government-dynamic")
			mgWant(t, "delete with articles", mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(gd)+"/delete", nil),
				http.StatusUnprocessableEntity, "policies/prc/government-dynamic cannot be deleted: it holds 2 articles and 0 subchannels")
			mgWant(t, "delete with subchannels", mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(prc)+"/delete", nil),
				http.StatusUnprocessableEntity, "cannot be deleted: it holds 0 articles and 2 subchannels")
			industry := mgChannel(t, n, "policies/prc/industry")
			p = mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(industry)+"/delete", nil)
			mgWant(t, "deleted", mgRedirected(t, b, "delete", p, "/admin/channels"), http.StatusOK, "Channel policies/prc/industry was deleted.")
			if _, err := n.store.ChannelByPath(ctx, "policies/prc/industry"); err == nil {
				t.Error("the channel is still there")
			}
			if e := mgAudit(t, n, "channel.delete"); e.Target != "policies/prc/industry" {
				t.Errorf("delete audit %+v", e)
			}
			if p := mgSubmit(b, "/admin/channels", "/admin/channels/"+mgID(industry)+"/delete", nil); p.status != http.StatusNotFound {
				t.Errorf("delete again: %d, want 404", p.status)
			}
			if ok, err := n.store.VerifyAudit(ctx); err != nil || ok == 0 {
				t.Errorf("audit chain: %d, %v", ok, err)
			}
		})
	}
}

// TestManageChannelsRefusals re-shows the create form with the problem
// next to its field (422), by the slug rules of `site apply`.
func TestManageChannelsRefusals(t *testing.T) {
	tests := []struct {
		name           string
		parent         string // a path, "" for the top level, or an id
		slug, nameEN   string
		position, want string
	}{
		{"invalid slug", "news", "Energy News", "E", "", `"Energy News" is not a valid slug`},
		{"missing slug", "news", "", "E", "", "is missing"},
		{"all digits", "news", "2024", "E", "", `"2024" is all digits`},
		{"reserved at the top", "", "search", "E", "", `"search" is reserved`},
		{"reserved file name at the top", "", "feed.xml", "E", "", `not a valid slug`},
		{"a page's slug at the top", "", "about-us", "E", "", `"about-us" is already a page`},
		{"duplicate sibling", "news", "china", "E", "", `duplicate slug "china" (also at news/china)`},
		{"no name", "news", "energy", "", "", "give the channel a name"},
		{"bad position", "news", "energy", "E", "first", "must be a whole number"},
		{"unknown parent", "#99999", "energy", "E", "", "the parent channel does not exist"},
	}
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n, b, _ := mgAdmin(t, dialect)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					parent := "0"
					switch {
					case strings.HasPrefix(tt.parent, "#"):
						parent = tt.parent[1:]
					case tt.parent != "":
						parent = mgID(mgChannel(t, n, tt.parent))
					}
					p := mgSubmit(b, "/admin/channels", "/admin/channels", mgForm("parent", parent, "slug", tt.slug, "name_en", tt.nameEN, "position", tt.position))
					mgWant(t, tt.name, p, http.StatusUnprocessableEntity, tt.want, `class="problem"`)
					if tt.slug != "" && !strings.Contains(p.body, `id="new-slug" name="slug" type="text" value="`+tt.slug+`"`) {
						t.Errorf("the form lost the slug typed")
					}
				})
			}
			tree, err := n.store.Channels(context.Background())
			if err != nil || tree.Len() != 6 {
				t.Errorf("refused forms changed the tree: %d channels (%v)", tree.Len(), err)
			}
			// The same slug is fine below the top level, or as a sibling elsewhere.
			for _, ok := range []url.Values{
				mgForm("parent", mgID(mgChannel(t, n, "news")), "slug", "search", "name_en", "Search news"),
				mgForm("parent", mgID(mgChannel(t, n, "policies")), "slug", "china", "name_en", "China policies"),
			} {
				if p := mgSubmit(b, "/admin/channels", "/admin/channels", ok); p.status != http.StatusSeeOther {
					t.Errorf("create %v: %d\n%s", ok, p.status, p.body)
				}
			}
		})
	}
}

// TestManageChannelsSubtreeAdmin: an administrator of news/china manages
// only channels inside it.
func TestManageChannelsSubtreeAdmin(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			n.addUser(t, "sam@example.org", "Sam", news.Grant{Role: news.RoleAdministrator, Channel: "news/china"})
			b := n.browser(t)
			b.signIn("sam@example.org")
			china, world, policies := mgChannel(t, n, "news/china"), mgChannel(t, n, "news/world"), mgChannel(t, n, "policies")
			industry := mgChannel(t, n, "news/china/industry")
			gd := mgChannel(t, n, "news/china/government-dynamic")

			// The create form offers the subtree only, not the top level.
			page := b.get("/admin/channels")
			m := regexp.MustCompile(`(?s)<select id="new-parent" name="parent"[^>]*>(.*?)</select>`).FindStringSubmatch(page.body)
			if m == nil {
				t.Fatalf("no parent select:\n%s", page.body)
			}
			if strings.Count(m[1], "<option") != 3 || strings.Contains(m[1], `value="0"`) || strings.Contains(m[1], `value="`+mgID(world)+`"`) {
				t.Errorf("the create form offers parents:\n%s", m[1])
			}
			tests := []struct {
				name   string
				action string
				form   url.Values
				status int
			}{
				{"create inside", "/admin/channels", mgForm("parent", mgID(china), "slug", "coal", "name_en", "Coal"), http.StatusSeeOther},
				{"create at the top", "/admin/channels", mgForm("parent", "0", "slug", "coal", "name_en", "Coal"), http.StatusForbidden},
				{"create outside", "/admin/channels", mgForm("parent", mgID(policies), "slug", "coal", "name_en", "Coal"), http.StatusForbidden},
				{"edit outside", "/admin/channels/" + mgID(world), mgChannelForm(world, "name_en", "W"), http.StatusForbidden},
				{"delete outside", "/admin/channels/" + mgID(policies) + "/delete", nil, http.StatusForbidden},
				{"move out of the subtree", "/admin/channels/" + mgID(industry), mgChannelForm(industry, "parent", mgID(world)), http.StatusForbidden},
				{"move the subtree to the top", "/admin/channels/" + mgID(china), mgChannelForm(china, "parent", "0"), http.StatusForbidden},
				{"rename the subtree's root", "/admin/channels/" + mgID(china), mgChannelForm(china, "name_en", "Mainland"), http.StatusSeeOther},
				{"move inside the subtree", "/admin/channels/" + mgID(industry), mgChannelForm(industry, "parent", mgID(gd)), http.StatusSeeOther},
			}
			for _, tt := range tests {
				if p := mgSubmit(b, "/admin/channels", tt.action, tt.form); p.status != tt.status {
					t.Errorf("%s: %d, want %d\n%s", tt.name, p.status, tt.status, p.body)
				}
			}
			tree, err := n.store.Channels(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, c := range tree.All() {
				paths = append(paths, c.Path)
			}
			want := "news,policies,news/china,news/world,news/china/government-dynamic,news/china/coal,news/china/government-dynamic/industry"
			if got := strings.Join(paths, ","); got != want {
				t.Errorf("tree:\n got %s\nwant %s", got, want)
			}
			if w := mgChannel(t, n, "news/world"); w.Name["en"] != "World" {
				t.Errorf("news/world renamed by a subtree administrator: %+v", w)
			}
			if c := mgChannel(t, n, "news/china"); c.Name["en"] != "Mainland" {
				t.Errorf("news/china not renamed: %+v", c)
			}
		})
	}
}
