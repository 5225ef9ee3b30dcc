package config_test

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"newsdesk/internal/config"
)

func TestBindAndValidate(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(t *testing.T, c *config.Config)
		wantErr string
	}{
		{name: "defaults", check: func(t *testing.T, c *config.Config) {
			if c.DB != "sqlite:./newsdesk-data/newsdesk.db" || c.Addr != "127.0.0.1:8080" ||
				c.Media != filepath.Join("newsdesk-data", "media") || c.Index != filepath.Join("newsdesk-data", "index") {
				t.Errorf("%+v", c)
			}
		}},
		{name: "environment", env: map[string]string{"NEWSDESK_DB": "sqlite:/srv/nd/db.sqlite", "NEWSDESK_ADDR": "0.0.0.0:80", "NEWSDESK_TRUSTED_PROXY": "10.0.0.0/8, 192.0.2.1"},
			check: func(t *testing.T, c *config.Config) {
				if c.DB != "sqlite:/srv/nd/db.sqlite" || c.Addr != "0.0.0.0:80" || c.Media != "/srv/nd/media" || len(c.TrustedProxies()) != 2 {
					t.Errorf("%+v %v", c, c.TrustedProxies())
				}
			}},
		{name: "flag wins over environment", env: map[string]string{"NEWSDESK_ADDR": "0.0.0.0:80"}, args: []string{"--addr", "127.0.0.1:9000"},
			check: func(t *testing.T, c *config.Config) {
				if c.Addr != "127.0.0.1:9000" {
					t.Errorf("addr %q", c.Addr)
				}
			}},
		{name: "postgres keeps files in newsdesk-data", args: []string{"--db", "postgres://postgres@127.0.0.1/nd"}, check: func(t *testing.T, c *config.Config) {
			if c.Media != filepath.Join("newsdesk-data", "media") {
				t.Errorf("media %q", c.Media)
			}
		}},
		{name: "bad db", args: []string{"--db", "mysql://x"}, wantErr: "use sqlite:PATH or postgres://"},
		{name: "bad addr", args: []string{"--addr", "8080"}, wantErr: "--addr"},
		{name: "bad proxy", args: []string{"--trusted-proxy", "10.0.0.0/33"}, wantErr: "--trusted-proxy"},
		{name: "bad metrics addr", args: []string{"--metrics-addr", "x"}, wantErr: "--metrics-addr"},
		{name: "bad smtp", args: []string{"--smtp", "smtp://mail.example.org"}, wantErr: "--smtp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			var cfg config.Config
			cfg.BindServe(fs, func(k string) string { return c.env[k] })
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			err := cfg.Validate()
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, &cfg)
		})
	}
}
