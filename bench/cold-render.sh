#!/bin/sh
# Cold render: a page-cache miss for an article page among 100,000 stored
# articles (each iteration a different article), p50 and p99, on SQLite and
# on PostgreSQL; beside it a page-cache hit of the same portal, the baseline,
# in the same run.
#
# Usage: bench/cold-render.sh [ARTICLES] [ITERATIONS]   (default 100000, 5000)
# PostgreSQL: NEWSDESK_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres).
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
iters=${2:-5000}
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version | cut -d' ' -f3) $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $n articles"
NEWSDESK_BENCH_ARTICLES=$n go test ./internal/site -run '^$' -bench 'ColdArticle|CachedPage' -benchtime "${iters}x" -timeout 60m |
	grep -E '^(Benchmark|ok|FAIL)' | sed -E 's/[[:space:]]+/ /g'
