package site

import (
	"net/http/httptest"
	"testing"
)

func TestRouteOf(t *testing.T) {
	cases := map[string]string{
		"/":                                   "root",
		"/healthz":                            "probe",
		"/static/site.abc.css":                "static",
		"/media/ab/cd.jpg":                    "media",
		"/sitemap.xml":                        "sitemap",
		"/robots.txt":                         "sitemap",
		"/en/":                                "home",
		"/en":                                 "home",
		"/en/feed.xml":                        "feed",
		"/en/news/china/atom.xml":             "feed",
		"/zh/search?q=能源":                     "search",
		"/en/corrections/":                    "corrections",
		"/en/tags/grid/":                      "tag",
		"/en/preview/tok/":                    "preview",
		"/en/news/china/":                     "listing",
		"/en/about-us/":                       "listing",
		"/en/news/china/2022/09/16/xi-meets/": "article",
		"/en/news/2022/09/16/slug/":           "article",
		"/en/news/2022/":                      "listing",
	}
	for path, want := range cases {
		if got := RouteOf(httptest.NewRequest("GET", path, nil)); got != want {
			t.Errorf("RouteOf(%s) = %s, want %s", path, got, want)
		}
	}
}
