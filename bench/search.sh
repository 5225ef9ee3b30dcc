#!/bin/sh
# Search benchmark: bilingual articles generated from the shared corpora
# (English Wikinews/GUM and PUD sentences, Chinese Wikinews/GCDT and UD GSD
# sentences), indexed with Bleve and queried by class (single English words,
# two-character Chinese words from the gold segmentation, phrases, filtered
# queries); the same queries through PostgreSQL full-text search
# (to_tsvector('simple', ...) with a GIN index) as the baseline; Chinese
# recall for both. Then how long after its release time an embargoed
# article is first found, with the indexer and publish clock running.
#
# Usage: bench/search.sh [ARTICLES]   (default 100000)
# NEWSDESK_BENCH_BASELINE=off leaves the PostgreSQL baseline out (it is slow at 100,000).
# PostgreSQL: NEWSDESK_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres);
# without it the baseline is skipped with a message.
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version | cut -d' ' -f3) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $n articles"
NEWSDESK_BENCH_ARTICLES=$n go test ./internal/search -run '^$' -bench 'SearchCorpus|SearchVisibleDelay' -benchtime 1x -timeout 2h -v |
	grep -E 'bench_test|bench_delay_test|^(Benchmark|ok|FAIL)|SKIP' |
	sed -E 's/^[[:space:]]+//'
