package cli

import (
	"context"
	"errors"
	"fmt"

	"newsdesk/internal/config"
	"newsdesk/internal/store"
)

// openStore opens the database named in cfg and, unless migrating is the
// command's job, insists that its schema is current.
func openStore(ctx context.Context, cfg *config.Config, requireCurrent bool, opts ...store.Option) (*store.Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, cfg.DB, opts...)
	if err != nil {
		return nil, err
	}
	if requireCurrent {
		if err := s.CheckSchema(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// isSchemaBehind reports whether err says the schema needs a migration.
func isSchemaBehind(err error) bool { return errors.Is(err, store.ErrSchemaBehind) }

func runMigrate(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("migrate", "newsdesk migrate [--db URL]", "Apply pending database migrations.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(env.Stderr, fs, "unexpected argument %q", pos[0])
	}
	s, err := openStore(ctx, &cfg, false)
	if err != nil {
		return fail(env.Stderr, "migrate", err)
	}
	defer s.Close()
	n, err := s.Migrate(ctx)
	if err != nil {
		return fail(env.Stderr, "migrate", err)
	}
	_, version, err := s.SchemaVersion(ctx)
	if err != nil {
		return fail(env.Stderr, "migrate", err)
	}
	fmt.Fprintf(env.Stdout, "migrate: %d migrations applied, schema at version %d\n", n, version)
	return exitOK
}

var errNoSite = errors.New("the site has no settings yet: run `newsdesk site apply FILE` first")

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, err)...)
}
