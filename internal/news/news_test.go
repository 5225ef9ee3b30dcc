package news_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"newsdesk/internal/news"
)

func TestSlugify(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"english headline", "Xi meets with Belarusian President Lukashenko", "xi-meets-with-belarusian-president-lukashenko"},
		{"chinese kept", "习近平会见白俄罗斯总统卢卡申科", "习近平会见白俄罗斯总统卢卡申科"},
		{"mixed scripts", "China's GDP 增长 5.2% in 2023", "chinas-gdp-增长-5-2-in-2023"},
		{"chinese punctuation separates", "习近平：会见卢卡申科", "习近平-会见卢卡申科"},
		{"punctuation and spaces collapse", "  Hello,   World!!! -- (Again)  ", "hello-world-again"},
		{"apostrophes dropped", "Xinhua’s and China's", "xinhuas-and-chinas"},
		{"accented latin lower-cased", "Ÿes École", "ÿes-école"},
		{"digits kept", "2022 Samarkand Summit", "2022-samarkand-summit"},
		{"nothing usable", "!!! ... ???", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := news.Slugify(tt.in)
			if got != tt.want {
				t.Fatalf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got != "" && !news.ValidSlug(got) {
				t.Errorf("Slugify(%q) = %q, which ValidSlug refuses", tt.in, got)
			}
		})
	}
}

func TestSlugifyLengthCap(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"one long latin word", strings.Repeat("a", 300)},
		{"many latin words", strings.Repeat("word ", 100)},
		// A hyphen falls due exactly when the cap is reached.
		{"hyphen at the cap", strings.Repeat("a", 79) + " bcd"},
		{"long chinese headline", strings.Repeat("能源局发布新闻", 30)},
		{"mixed long headline", strings.Repeat("能源 energy ", 40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := news.Slugify(tt.in)
			if n := utf8.RuneCountInString(got); n == 0 || n > 80 {
				t.Errorf("Slugify gave %d runes, want 1..80: %q", n, got)
			}
			if strings.HasSuffix(got, "-") || strings.HasPrefix(got, "-") {
				t.Errorf("Slugify gave a hyphen at an end: %q", got)
			}
			if !news.ValidSlug(got) {
				t.Errorf("Slugify gave %q (%d bytes), which ValidSlug refuses", got, len(got))
			}
		})
	}
}

func TestValidSlug(t *testing.T) {
	tests := []struct {
		slug string
		want bool
	}{
		{"government-dynamic", true},
		{"news", true},
		{"2022", true}, // digits are a valid segment; site files refuse them separately
		{"a1-b2", true},
		{"政务动态", true},
		{"能源-energy", true},
		{"école", true},
		{"", false},
		{"-news", false},
		{"news-", false},
		{"news--china", false},
		{"News", false},
		{"École", false},
		{"news/china", false},
		{"news china", false},
		{"news_china", false},
		{"news.china", false},
		{"feed.xml", false},
		{"新闻：", false},
		{strings.Repeat("a", 200), true},
		{strings.Repeat("a", 201), false},
	}
	for _, tt := range tests {
		if got := news.ValidSlug(tt.slug); got != tt.want {
			t.Errorf("ValidSlug(%q) = %v, want %v", tt.slug, got, tt.want)
		}
	}
}

func TestIsReservedSlug(t *testing.T) {
	for _, s := range []string{"search", "corrections", "tags", "feed.xml", "atom.xml", "feed.json", "static", "media", "admin", "api"} {
		if !news.IsReservedSlug(s) {
			t.Errorf("IsReservedSlug(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"news", "about-us", "searches", "Search"} {
		if news.IsReservedSlug(s) {
			t.Errorf("IsReservedSlug(%q) = true, want false", s)
		}
	}
}

func TestVisibility(t *testing.T) {
	release := time.Date(2022, 9, 16, 17, 51, 59, 0, time.FixedZone("CST", 8*3600))
	embargo := release.Add(2 * time.Hour)
	tests := []struct {
		name        string
		a           news.Article
		wantFrom    time.Time // zero: never visible
		invisibleAt []time.Time
		visibleAt   []time.Time
	}{
		{
			name:        "draft is never visible",
			a:           news.Article{Status: news.StatusDraft, ReleaseAt: release},
			invisibleAt: []time.Time{release, release.Add(24 * time.Hour)},
		},
		{
			name:        "published without a release time is never visible",
			a:           news.Article{Status: news.StatusPublished},
			invisibleAt: []time.Time{release, time.Now()},
		},
		{
			name:        "published is visible from its release, not before",
			a:           news.Article{Status: news.StatusPublished, ReleaseAt: release},
			wantFrom:    release,
			invisibleAt: []time.Time{release.Add(-time.Second), release.Add(-time.Nanosecond)},
			visibleAt:   []time.Time{release, release.UTC(), release.Add(time.Second)},
		},
		{
			name:        "embargo later than release holds it back",
			a:           news.Article{Status: news.StatusPublished, ReleaseAt: release, EmbargoUntil: embargo},
			wantFrom:    embargo,
			invisibleAt: []time.Time{release, embargo.Add(-time.Second)},
			visibleAt:   []time.Time{embargo, embargo.Add(time.Minute)},
		},
		{
			name:        "embargo earlier than release changes nothing",
			a:           news.Article{Status: news.StatusPublished, ReleaseAt: release, EmbargoUntil: release.Add(-time.Hour)},
			wantFrom:    release,
			invisibleAt: []time.Time{release.Add(-time.Minute)},
			visibleAt:   []time.Time{release},
		},
		{
			name:        "withheld is never visible",
			a:           news.Article{Status: news.StatusWithheld, ReleaseAt: release},
			invisibleAt: []time.Time{release, release.Add(24 * time.Hour)},
		},
		{
			name:        "canceled is never visible",
			a:           news.Article{Status: news.StatusCanceled, ReleaseAt: release},
			invisibleAt: []time.Time{release, release.Add(24 * time.Hour)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := tt.a.VisibleFrom()
			if !from.Equal(tt.wantFrom) || from.IsZero() != tt.wantFrom.IsZero() {
				t.Errorf("VisibleFrom = %v, want %v", from, tt.wantFrom)
			}
			if !from.IsZero() && from.Location() != time.UTC {
				t.Errorf("VisibleFrom is in %v, want UTC", from.Location())
			}
			for _, now := range tt.invisibleAt {
				if tt.a.VisibleAt(now) {
					t.Errorf("VisibleAt(%v) = true, want false", now)
				}
			}
			for _, now := range tt.visibleAt {
				if !tt.a.VisibleAt(now) {
					t.Errorf("VisibleAt(%v) = false, want true", now)
				}
			}
		})
	}
}

func TestStatusValid(t *testing.T) {
	for _, s := range []news.Status{news.StatusDraft, news.StatusPublished, news.StatusWithheld, news.StatusCanceled} {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
	for _, s := range []news.Status{"", "usable", "Published", "cancelled"} {
		if s.Valid() {
			t.Errorf("%q.Valid() = true", s)
		}
	}
}

// seedChannels is the seed site's tree, deliberately out of order.
func seedChannels() []news.Channel {
	return []news.Channel{
		{ID: 3, ParentID: 2, Slug: "government-dynamic", Path: "news/china/government-dynamic", Position: 0, Name: news.Localized{"en": "Government Dynamic"}},
		{ID: 6, ParentID: 0, Slug: "policies", Path: "policies", Position: 1},
		{ID: 5, ParentID: 1, Slug: "world", Path: "news/world", Position: 1},
		{ID: 4, ParentID: 2, Slug: "industry", Path: "news/china/industry", Position: 1},
		{ID: 2, ParentID: 1, Slug: "china", Path: "news/china", Position: 0},
		{ID: 1, ParentID: 0, Slug: "news", Path: "news", Position: 0, Name: news.Localized{"en": "NEWS", "zh": "新闻"}},
		// Same position as world: slug order decides.
		{ID: 7, ParentID: 1, Slug: "asia", Path: "news/asia", Position: 1},
	}
}

func paths(cs []news.Channel) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Path
	}
	return out
}

func TestChannelTreeAncestry(t *testing.T) {
	tree := news.NewChannelTree(seedChannels())
	tests := []struct {
		path string
		want []string
	}{
		{"news/china/government-dynamic", []string{"news", "news/china", "news/china/government-dynamic"}},
		{"/news/china/government-dynamic/", []string{"news", "news/china", "news/china/government-dynamic"}},
		{"news", []string{"news"}},
		{"news/nope", []string{"news"}},
		{"nope", nil},
	}
	for _, tt := range tests {
		got := paths(tree.Ancestry(tt.path))
		if strings.Join(got, " > ") != strings.Join(tt.want, " > ") {
			t.Errorf("Ancestry(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestChannelTreeChildren(t *testing.T) {
	tree := news.NewChannelTree(seedChannels())
	tests := []struct {
		parent int64
		want   []string
	}{
		{0, []string{"news", "policies"}},
		{1, []string{"news/china", "news/asia", "news/world"}},
		{2, []string{"news/china/government-dynamic", "news/china/industry"}},
		{3, nil},
	}
	for _, tt := range tests {
		got := paths(tree.Children(tt.parent))
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Children(%d) = %v, want %v", tt.parent, got, tt.want)
		}
	}
}

func TestChannelTreeLookups(t *testing.T) {
	tree := news.NewChannelTree(seedChannels())
	if tree.Len() != 7 {
		t.Errorf("Len = %d, want 7", tree.Len())
	}
	c, ok := tree.ByPath("/news/")
	if !ok || c.ID != 1 || c.Name.In("zh", "en") != "新闻" {
		t.Errorf("ByPath(/news/) = %+v, %v", c, ok)
	}
	c, ok = tree.ByPath("news/china/government-dynamic")
	if !ok || c.ID != 3 || c.Depth() != 2 || c.ParentPath() != "news/china" {
		t.Errorf("ByPath(government-dynamic) = %+v, %v (depth %d, parent %q)", c, ok, c.Depth(), c.ParentPath())
	}
	for _, p := range []string{"news/chin", "china", "", "news/china/government-dynamic/x"} {
		if c, ok := tree.ByPath(p); ok {
			t.Errorf("ByPath(%q) = %+v, want not found", p, c)
		}
	}
	if c, ok := tree.ByID(4); !ok || c.Path != "news/china/industry" {
		t.Errorf("ByID(4) = %+v, %v", c, ok)
	}
	if _, ok := tree.ByID(99); ok {
		t.Error("ByID(99) found a channel")
	}
	// All promises parents before children.
	seen := map[string]bool{}
	for _, c := range tree.All() {
		if p := c.ParentPath(); p != "" && !seen[p] {
			t.Errorf("All lists %s before its parent %s: %v", c.Path, p, paths(tree.All()))
		}
		seen[c.Path] = true
	}
}

func TestArticlePath(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	mustParse := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name    string
		lang    string
		release time.Time
		loc     *time.Location
		want    string
	}{
		{"seed release in Shanghai", "en", mustParse("2022-09-16T17:51:59+08:00"), shanghai,
			"/en/news/china/government-dynamic/2022/09/16/slug/"},
		{"same instant stored in UTC", "en", mustParse("2022-09-16T17:51:59+08:00").UTC(), shanghai,
			"/en/news/china/government-dynamic/2022/09/16/slug/"},
		{"evening UTC is next day in Shanghai", "zh", mustParse("2022-09-16T20:00:00Z"), shanghai,
			"/zh/news/china/government-dynamic/2022/09/17/slug/"},
		{"same instant in UTC", "en", mustParse("2022-09-16T20:00:00Z"), time.UTC,
			"/en/news/china/government-dynamic/2022/09/16/slug/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := news.Article{Language: tt.lang, ChannelPath: "news/china/government-dynamic", Slug: "slug", ReleaseAt: tt.release}
			if got := a.Path(tt.loc); got != tt.want {
				t.Errorf("Path = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSiteLocationAndLanguages(t *testing.T) {
	s := news.Site{Languages: []string{"en", "zh"}, TimeZone: "Asia/Shanghai"}
	if got := s.Location().String(); got != "Asia/Shanghai" {
		t.Errorf("Location = %s", got)
	}
	if (news.Site{}).Location() != time.UTC {
		t.Error("empty site's Location is not UTC")
	}
	if !s.HasLanguage("zh") || s.HasLanguage("fr") || !s.Configured() || (news.Site{}).Configured() {
		t.Error("HasLanguage/Configured wrong")
	}
}

func TestValidateSiteSettings(t *testing.T) {
	tests := []struct {
		name  string
		site  news.Site
		paths []string
	}{
		{"valid", news.Site{Languages: []string{"en", "zh"}, DefaultLanguage: "zh", TimeZone: "Asia/Shanghai", Name: news.Localized{"en": "X"}}, nil},
		{"unknown language", news.Site{Languages: []string{"en", "fr"}}, []string{"languages[1]"}},
		{"default not listed", news.Site{Languages: []string{"en"}, DefaultLanguage: "zh"}, []string{"default_language"}},
		{"unknown zone", news.Site{Languages: []string{"en"}, TimeZone: "Mars/Olympus"}, []string{"time_zone"}},
		{"text in unknown language", news.Site{Languages: []string{"en"}, Sponsor: news.Localized{"de": "X"}}, []string{"sponsor.de"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &news.ValidationError{}
			news.ValidateSiteSettings(tt.site, v)
			var got []string
			for _, f := range v.Fields {
				got = append(got, f.Path)
			}
			if strings.Join(got, ",") != strings.Join(tt.paths, ",") {
				t.Errorf("paths = %v, want %v (%v)", got, tt.paths, v.Err())
			}
			if (v.Err() == nil) != (len(tt.paths) == 0) {
				t.Errorf("Err() = %v", v.Err())
			}
		})
	}
}

func TestArticleValidate(t *testing.T) {
	good := news.Article{Language: "en", Headline: "H", ChannelID: 1, Status: news.StatusPublished, ReleaseAt: time.Now(), Slug: "h"}
	tests := []struct {
		name   string
		mutate func(a *news.Article)
		paths  string
	}{
		{"valid", func(a *news.Article) {}, ""},
		{"language", func(a *news.Article) { a.Language = "fr" }, "language"},
		{"headline", func(a *news.Article) { a.Headline = "  " }, "headline"},
		{"channel", func(a *news.Article) { a.ChannelID = 0 }, "channel"},
		{"status", func(a *news.Article) { a.Status = "usable" }, "status"},
		{"release", func(a *news.Article) { a.ReleaseAt = time.Time{} }, "release time"},
		{"slug", func(a *news.Article) { a.Slug = "Bad Slug" }, "slug"},
		{"draft needs no release", func(a *news.Article) { a.Status, a.ReleaseAt = news.StatusDraft, time.Time{} }, ""},
	}
	for _, tt := range tests {
		a := good
		tt.mutate(&a)
		v := &news.ValidationError{}
		a.Validate(v)
		var got []string
		for _, f := range v.Fields {
			got = append(got, f.Path)
		}
		if strings.Join(got, ",") != tt.paths {
			t.Errorf("%s: paths = %v, want %q", tt.name, got, tt.paths)
		}
	}
}

func TestValidationErrorMessage(t *testing.T) {
	v := &news.ValidationError{}
	if v.Err() != nil {
		t.Fatal("empty ValidationError is an error")
	}
	v.Add("channels[0].slug", "%q is reserved", "search")
	v.Add("", "malformed")
	want := `channels[0].slug: "search" is reserved; malformed`
	if got := v.Err().Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestLocalizedIn(t *testing.T) {
	l := news.Localized{"zh": "新闻", "en": ""}
	tests := []struct{ lang, fallback, want string }{
		{"zh", "en", "新闻"},
		{"en", "zh", "新闻"},
		{"en", "fr", "新闻"},
	}
	for _, tt := range tests {
		if got := l.In(tt.lang, tt.fallback); got != tt.want {
			t.Errorf("In(%q, %q) = %q, want %q", tt.lang, tt.fallback, got, tt.want)
		}
	}
	if got := (news.Localized{}).In("en", "zh"); got != "" {
		t.Errorf("empty In = %q", got)
	}
}

func TestChannelTreeAllParentsFirst(t *testing.T) {
	cs := []news.Channel{
		{ID: 1, Slug: "a", Path: "a", Position: 1},
		{ID: 2, Slug: "b", Path: "b", Position: 0},
		{ID: 3, ParentID: 1, Slug: "x", Path: "a/x"},
		{ID: 4, ParentID: 2, Slug: "y", Path: "b/y"},
		{ID: 5, Slug: "c", Path: "c", Position: 2},
		{ID: 6, ParentID: 5, Slug: "z", Path: "c/z"},
	}
	for _, perm := range [][]int{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {2, 0, 1, 3, 5, 4}, {3, 5, 0, 2, 1, 4}} {
		var in []news.Channel
		for _, i := range perm {
			in = append(in, cs[i])
		}
		all := news.NewChannelTree(in).All()
		seen := map[string]bool{}
		for _, c := range all {
			if p := c.ParentPath(); p != "" && !seen[p] {
				t.Errorf("input order %v: All lists %s before its parent: %v", perm, c.Path, paths(all))
			}
			seen[c.Path] = true
		}
		if got := paths(news.NewChannelTree(in).Children(0)); strings.Join(got, ",") != "b,a,c" {
			t.Errorf("input order %v: Children(0) = %v, want [b a c]", perm, got)
		}
	}
}
