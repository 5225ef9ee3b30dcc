#!/bin/sh
# Regenerates cmd/newsdesk/default.pgo, the CPU profile `go build` uses for
# profile-guided optimisation of the binary (Go's PGO: hot calls inlined and
# devirtualised; about 7% less CPU for a static export). The profile joins
# the two workloads that matter: a full static export (BenchmarkFullExport)
# and serving article pages, rendered cold and from the page cache
# (BenchmarkColdArticle, BenchmarkCachedPage). Refresh it after large
# changes to those paths; an old profile still builds, it only helps less.
#
# Usage: bench/pgo-profile.sh   (about two minutes)
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
NEWSDESK_BENCH_ARTICLES=5000 go test ./internal/export -run '^$' -bench BenchmarkFullExport -benchtime 4x \
	-cpuprofile "$work/export.pprof" -o "$work/export.test" >/dev/null
NEWSDESK_BENCH_ARTICLES=5000 go test ./internal/site -run '^$' -bench 'ColdArticle/sqlite|CachedPage' -benchtime 20000x \
	-cpuprofile "$work/serve.pprof" -o "$work/site.test" >/dev/null
go tool pprof -proto "$work/export.pprof" "$work/serve.pprof" >cmd/newsdesk/default.pgo
echo "wrote cmd/newsdesk/default.pgo ($(wc -c <cmd/newsdesk/default.pgo) bytes)"
