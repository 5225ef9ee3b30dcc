#!/bin/sh
# Static export against Hugo building the same content.
#
# bench/exportgen writes N generated articles into a fresh SQLite database
# (over the seed site's channel tree) and the same articles as a Hugo site
# with equivalent templates. Then, in the same run: `newsdesk export static`
# (full; pages with .gz and .br siblings), `hugo` (pages only), and an
# incremental export after one article changed. Reports wall time,
# articles/s and peak memory (max RSS from /usr/bin/time) for each, and the
# ratios Newsdesk/Hugo.
#
# Usage: bench/export-vs-hugo.sh [N...]   (default: 10000 50000)
# Needs: hugo (apt-get install hugo) and /usr/bin/time (apt-get install time).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
command -v hugo >/dev/null || { echo "needs hugo: apt-get install hugo" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/newsdesk" ./cmd/newsdesk
go build -o "$work/exportgen" ./bench/exportgen
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version | cut -d' ' -f3) hugo $(hugo version | cut -d' ' -f2) $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "tool articles seconds articles/s max-rss-MB files"

# measure NAME N CMD...: runs CMD under /usr/bin/time, prints a result line.
measure() {
	name=$1 n=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
	set -- $(cat "$work/time")
	echo "$1 $2"
}

for n in ${@:-10000 50000}; do
	rm -rf "$work/db" "$work/hugo" "$work/public"*
	"$work/exportgen" -db "sqlite:$work/db/newsdesk.db" -hugo "$work/hugo" -n "$n" -site "$root/testdata/seed/seed-site.json" >/dev/null
	sync
	set -- $(measure newsdesk "$n" "$work/newsdesk" export static "$work/public" --db "sqlite:$work/db/newsdesk.db" --base-url http://127.0.0.1:18080/)
	nd_s=$1 nd_kb=$2
	nd_files=$(find -L "$work/public" -type f | wc -l)
	set -- $(measure hugo "$n" hugo --quiet -s "$work/hugo" -d "$work/hugo-public")
	hu_s=$1 hu_kb=$2
	hu_files=$(find "$work/hugo-public" -type f | wc -l)
	# One article changes; the incremental export rewrites what it touched.
	"$work/newsdesk" import ninjs --channel news/world "$root/testdata/seed/seed-article.ninjs.json" --db "sqlite:$work/db/newsdesk.db" >/dev/null 2>&1
	set -- $(measure incremental "$n" "$work/newsdesk" export static "$work/public" --incremental --db "sqlite:$work/db/newsdesk.db" --base-url http://127.0.0.1:18080/)
	in_s=$1 in_kb=$2
	in_pages=$(grep -o 'incremental): [0-9]* pages' "$work/out" | grep -o '[0-9]*')
	awk -v n="$n" -v s="$nd_s" -v kb="$nd_kb" -v f="$nd_files" 'BEGIN {printf "newsdesk %d %.1f %.0f %.0f %d\n", n, s, n / s, kb / 1024, f}'
	awk -v n="$n" -v s="$hu_s" -v kb="$hu_kb" -v f="$hu_files" 'BEGIN {printf "hugo %d %.1f %.0f %.0f %d\n", n, s, n / s, kb / 1024, f}'
	awk -v n="$n" -v s="$in_s" -v kb="$in_kb" -v p="$in_pages" 'BEGIN {printf "incremental %d %.2f - %.0f %s-pages\n", n, s, kb / 1024, p}'
	awk -v a="$nd_s" -v b="$hu_s" -v ka="$nd_kb" -v kb="$hu_kb" -v n="$n" 'BEGIN {printf "ratio %d: articles/s %.2fx hugo, peak memory %.2fx hugo\n", n, b / a, ka / kb}'
done
