package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// pnOrder checks that the section of a public page opening with start holds
// the headlines in want, in that order, and that exactly pinned of its
// items are marked as pinned.
func pnOrder(t *testing.T, n *newsroom, path, start string, pinned int, want ...string) {
	t.Helper()
	p := mgPublic(t, n, path)
	if p.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, p.status, p.body)
	}
	i := strings.Index(p.body, start)
	if i < 0 {
		t.Fatalf("GET %s: no %q\n%s", path, start, p.body)
	}
	sec := p.body[i:]
	sec = sec[:strings.Index(sec, "</ul>")]
	at := -1
	for _, h := range want {
		j := strings.Index(sec, ">"+h+"</a>")
		if j < 0 {
			t.Fatalf("GET %s: %q is not listed\n%s", path, h, sec)
		}
		if j < at {
			t.Fatalf("GET %s: %q is out of order (want %q)\n%s", path, h, want, sec)
		}
		at = j
	}
	if got := strings.Count(sec, `<li class="pinned">`); got != pinned {
		t.Errorf("GET %s: %d pinned items, want %d\n%s", path, got, pinned, sec)
	}
}

// pnAbsent checks that a headline is nowhere on a public page.
func pnAbsent(t *testing.T, n *newsroom, path, headline string) {
	t.Helper()
	if p := mgPublic(t, n, path); strings.Contains(p.body, ">"+headline+"</a>") {
		t.Errorf("GET %s still lists %q\n%s", path, headline, p.body)
	}
}

// pnPin submits the edit page's lead-stories form.
func pnPin(b *browser, id int64, kv ...string) page {
	b.t.Helper()
	edit := fmt.Sprintf("/admin/articles/%d", id)
	return mgSubmit(b, edit, edit+"/pins", mgForm(kv...))
}

// TestArticlePins pins lead stories on the home page and a channel page
// through the edit page: they head those pages in the editors' order, only
// while readers may see them, and only chief editors may pin.
func TestArticlePins(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n := newNewsroom(t, dialect)
			n.addUser(t, "dan@example.org", "Dan", news.Grant{Role: news.RoleChiefEditor})
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news"})
			dan, ed := n.browser(t), n.browser(t)
			dan.signIn("dan@example.org")
			ed.signIn("ed@example.org")

			publish := func(headline string, kv ...string) int64 {
				t.Helper()
				id := arCreate(t, dan, arForm(headline, "news/world", "en", "<p>Text.</p>", kv...))
				edit := fmt.Sprintf("/admin/articles/%d", id)
				mgRedirected(t, dan, "publish "+headline, arTransition(dan, id, "publish"), edit)
				n.clock.Add(time.Minute)
				return id
			}
			a, b, c := publish("Alpha story"), publish("Beta story"), publish("Gamma story")
			// Newest first before any pin.
			pnOrder(t, n, "/en/", `<section class="leads">`, 0, "Gamma story", "Beta story", "Alpha story")

			// The form, as a chief editor sees it, unpinned.
			editA := fmt.Sprintf("/admin/articles/%d", a)
			mgWant(t, "edit page", dan.get(editA), http.StatusOK, "Lead stories", `<label for="pin-home">Pin on the English home page</label>`,
				`<label for="pin-channel">Pin on the channel page (news/world)</label>`, `id="pin-home" name="home" type="checkbox" value="1" aria-describedby`)

			// Alpha first and Beta second on the home page; on the channel,
			// Beta first, then Alpha.
			p := mgRedirected(t, dan, "pin alpha", pnPin(dan, a, "home", "1", "home_position", "1", "channel", "1", "channel_position", "1"), editA)
			mgWant(t, "after pinning", p, http.StatusOK, "Lead stories saved.", `name="home" type="checkbox" value="1" checked`,
				`name="channel" type="checkbox" value="1" checked`)
			editB := fmt.Sprintf("/admin/articles/%d", b)
			mgRedirected(t, dan, "pin beta", pnPin(dan, b, "home", "1", "home_position", "2", "channel", "1", "channel_position", "1"), editB)
			pins, err := n.store.Pins(ctx, a)
			if err != nil || len(pins) != 2 || pins[0] != (store.Pin{Scope: "channel:news/world", Position: 2}) || pins[1] != (store.Pin{Scope: "home:en", Position: 1}) {
				t.Fatalf("alpha's pins: %+v, %v", pins, err)
			}
			mgWant(t, "alpha's form", dan.get(editA), http.StatusOK, `name="channel_position" type="number" min="1" max="999" step="1" value="2"`)
			if e := mgAudit(t, n, "article.pin"); e.Target != fmt.Sprintf("article %d", b) || e.Details["home:en"] != "2" || e.Details["channel:news/world"] != "1" || e.Actor != "dan@example.org" {
				t.Errorf("pin audit: %+v", e)
			}
			pnOrder(t, n, "/en/", `<section class="leads">`, 2, "Alpha story", "Beta story", "Gamma story")
			pnOrder(t, n, "/en/news/world/", `<ul class="headlines">`, 2, "Beta story", "Alpha story", "Gamma story")
			// Other pages keep their order: the parent channel, the other language.
			pnOrder(t, n, "/en/news/", `<ul class="headlines">`, 0, "Gamma story", "Beta story", "Alpha story")

			// The rest leaves pinned stories out, so pages count right.
			list, total, err := n.store.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Channel: "news/world", Now: n.clock.Now(), ExceptPinned: store.ChannelScope("news/world")})
			if err != nil || total != 1 || len(list) != 1 || list[0].ID != c {
				t.Fatalf("the rest of news/world: %d %v %v", total, list, err)
			}

			// A bad position is refused on the page, nothing changed.
			p = pnPin(dan, c, "home", "1", "home_position", "0")
			mgWant(t, "bad position", p, http.StatusUnprocessableEntity, "A position is a whole number from 1 to 999.")
			if pins, _ := n.store.Pins(ctx, c); len(pins) != 0 {
				t.Errorf("a refused pin was stored: %+v", pins)
			}

			// An editor may not pin: no form, and the POST is refused.
			if p := ed.get(editA); p.status != http.StatusOK || strings.Contains(p.body, "Lead stories") {
				t.Errorf("the editor's page: %d, offers the pins form: %v", p.status, strings.Contains(p.body, "Lead stories"))
			}
			if p := pnPin(ed, c, "home", "1", "home_position", "1"); p.status != http.StatusForbidden {
				t.Errorf("an editor pinning: %d, want 403", p.status)
			}

			// Unpublished, a pinned story leaves the pinned area.
			mgRedirected(t, dan, "unpublish alpha", arTransition(dan, a, "unpublish"), editA)
			pnAbsent(t, n, "/en/", "Alpha story")
			pnAbsent(t, n, "/en/news/world/", "Alpha story")
			pnOrder(t, n, "/en/", `<section class="leads">`, 1, "Beta story", "Gamma story")

			// An embargoed pinned story shows only once the embargo lifts.
			site, err := n.store.Site(ctx)
			if err != nil {
				t.Fatal(err)
			}
			lift := n.clock.Now().Add(2 * time.Hour)
			d := publish("Delta story", "embargo", lift.In(site.Location()).Format("2006-01-02T15:04"))
			mgRedirected(t, dan, "pin delta", pnPin(dan, d, "home", "1", "home_position", "1"), fmt.Sprintf("/admin/articles/%d", d))
			pnAbsent(t, n, "/en/", "Delta story")
			n.clock.Set(lift.Add(time.Minute))
			pnOrder(t, n, "/en/", `<section class="leads">`, 2, "Delta story", "Beta story", "Gamma story")

			// Unchecking unpins.
			mgRedirected(t, dan, "unpin beta", pnPin(dan, b, "home_position", "1", "channel_position", "1"), editB)
			if pins, _ := n.store.Pins(ctx, b); len(pins) != 0 {
				t.Errorf("beta still pinned: %+v", pins)
			}
			pnOrder(t, n, "/en/", `<section class="leads">`, 1, "Delta story", "Gamma story", "Beta story")

			// A channel that moves takes its pins along.
			mgRedirected(t, dan, "pin gamma", pnPin(dan, c, "channel", "1", "channel_position", "1"), fmt.Sprintf("/admin/articles/%d", c))
			pnOrder(t, n, "/en/news/world/", `<ul class="headlines">`, 1, "Gamma story", "Delta story", "Beta story")
			world := mgChannel(t, n, "news/world")
			world.Slug = "globe"
			if err := n.store.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.UpdateChannel(ctx, world, n.clock.Now())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			pnOrder(t, n, "/en/news/globe/", `<ul class="headlines">`, 1, "Gamma story", "Delta story", "Beta story")
			if pins, _ := n.store.Pins(ctx, c); len(pins) != 1 || pins[0].Scope != "channel:news/globe" {
				t.Errorf("gamma's pins after the move: %+v", pins)
			}
		})
	}
}
