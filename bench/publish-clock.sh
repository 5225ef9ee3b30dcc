#!/bin/sh
# Publish-clock delay: 1,000 articles scheduled over about 2 s, published by
# PublishClock.Run with the real clock; for each, the delay from its due time
# to its 'publish' row in the change log, on SQLite and on PostgreSQL.
#
#   logged-*: change_log.at - due (the time the clock stamped on the row)
#   seen-*:   when a reader polling the log every 5 ms first saw the
#             committed row - due (what caches, search and feeds experience)
#
# Usage: bench/publish-clock.sh [RUNS]   (default 3 runs per database)
# PostgreSQL: NEWSDESK_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres);
# each run creates and drops its own database. Without PostgreSQL that half
# is skipped with a message.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version | cut -d' ' -f3) $(nproc) cores, $runs runs"
go test ./internal/jobs -run '^$' -bench 'PublishClockDelay' -benchtime 1x -count "$runs" |
	grep -E '^(Benchmark|---|ok|FAIL|cpu)|SKIP' |
	sed -E 's/[[:space:]]+/ /g'
