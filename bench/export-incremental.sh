#!/bin/sh
# Incremental export at scale: ARTICLES generated articles (default
# 100,000), one full `newsdesk export static`, then one article's headline
# edited through the editorial service and `export static --incremental`
# timed (target: under 1 s at 100,000 articles), and what it rewrote.
#
# Usage: bench/export-incremental.sh [ARTICLES]
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/newsdesk" ./cmd/newsdesk
go build -o "$work/exportgen" ./bench/exportgen
db="sqlite:$work/db/newsdesk.db"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version | cut -d' ' -f3) $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $n articles"
"$work/exportgen" -db "$db" -n "$n" -site testdata/seed/seed-site.json >/dev/null
/usr/bin/time -f 'full export: %e s, max RSS %M KB' "$work/newsdesk" export static "$work/public" --db "$db" --base-url http://127.0.0.1:18080/ 2>&1 | grep -v '^export:'
for i in 1 2 3; do
	"$work/exportgen" -db "$db" -edit $((n / 2 + i))
	/usr/bin/time -f "incremental export after one edit: %e s, max RSS %M KB" "$work/newsdesk" export static "$work/public" --incremental --db "$db" --base-url http://127.0.0.1:18080/ 2>&1 | grep -v '^export:'
done
