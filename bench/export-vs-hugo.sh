#!/bin/sh
# Static export against Hugo building the same content.
#
# bench/exportgen writes N generated articles into a fresh SQLite database
# (over the seed site's channel tree) and the same articles as a Hugo site
# with equivalent templates (the portal's page markup, listings, tag pages,
# RSS/Atom/JSON feeds, a sitemap). Then, in the same run: `newsdesk export
# static` (full; pages with .gz and .br siblings), `hugo` (pages only), and
# an incremental export after one article changed. Reports wall time,
# articles/s, CPU seconds (user+system) and peak memory (max RSS from
# /usr/bin/time) for each, and the ratios Newsdesk/Hugo.
#
# Each size runs ROUNDS times (default 3), the tools alternating which
# goes first; the ratios are of the medians, as this machine is shared
# and a single run of either tool can land on a busy second.
#
# Outputs go under OUT (default: a temporary folder on disk; OUT=/dev/shm/x
# measures the tools without the disk). Nothing is deleted until the end:
# on an ext4 without a journal (this machine) creating files just after
# many were deleted is several times slower, which would favour whichever
# tool ran second.
#
# Usage: [OUT=DIR] [ROUNDS=3] bench/export-vs-hugo.sh [N...]   (default: 10000 50000)
# Needs: hugo (apt-get install hugo) and /usr/bin/time (apt-get install time).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
command -v hugo >/dev/null || { echo "needs hugo: apt-get install hugo" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 1; }
work=$(mktemp -d)
out=${OUT:-$work/out}
mkdir -p "$out"
out=$(mktemp -d "$out/run.XXXXXX")
trap 'rm -rf "$work" "$out"' EXIT
go build -o "$work/newsdesk" ./cmd/newsdesk
go build -o "$work/exportgen" ./bench/exportgen
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version | cut -d' ' -f3) hugo $(hugo version | cut -d' ' -f2) $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "tool articles seconds articles/s cpu-seconds max-rss-MB files"

# measure NAME N CMD...: runs CMD under /usr/bin/time, prints a result line.
measure() {
	name=$1 n=$2
	shift 2
	/usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
	set -- $(cat "$work/time")
	echo "$1 $2 $3 $4"
}

rounds=${ROUNDS:-3}

# median of the numbers on standard input
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

for n in ${@:-10000 50000}; do
	d="$out/$n"
	"$work/exportgen" -db "sqlite:$d/db/newsdesk.db" -hugo "$d/hugo" -n "$n" -site "$root/testdata/seed/seed-site.json" >/dev/null
	sync
	: >"$work/nd.$n"
	: >"$work/hu.$n"
	r=1
	while [ "$r" -le "$rounds" ]; do
		# Odd rounds run Newsdesk first, even rounds Hugo first.
		for tool in $([ $((r % 2)) -eq 1 ] && echo "newsdesk hugo" || echo "hugo newsdesk"); do
			if [ "$tool" = newsdesk ]; then
				set -- $(measure newsdesk "$n" "$work/newsdesk" export static "$d/public-$r" --db "sqlite:$d/db/newsdesk.db" --base-url http://127.0.0.1:18080/)
				echo "$1 $2 $(awk -v u="$3" -v s="$4" 'BEGIN {print u + s}')" >>"$work/nd.$n"
				awk -v n="$n" -v r="$r" -v s="$1" -v kb="$2" -v u="$3" -v y="$4" 'BEGIN {printf "  round %d newsdesk %d %.2f s %.0f/s cpu %.1f s %.0f MB\n", r, n, s, n / s, u + y, kb / 1024}'
			else
				set -- $(measure hugo "$n" hugo --quiet -s "$d/hugo" -d "$d/hugo-public-$r")
				echo "$1 $2 $(awk -v u="$3" -v s="$4" 'BEGIN {print u + s}')" >>"$work/hu.$n"
				awk -v n="$n" -v r="$r" -v s="$1" -v kb="$2" -v u="$3" -v y="$4" 'BEGIN {printf "  round %d hugo     %d %.2f s %.0f/s cpu %.1f s %.0f MB\n", r, n, s, n / s, u + y, kb / 1024}'
			fi
		done
		r=$((r + 1))
	done
	nd_s=$(cut -d' ' -f1 "$work/nd.$n" | median) nd_kb=$(cut -d' ' -f2 "$work/nd.$n" | median) nd_cpu=$(cut -d' ' -f3 "$work/nd.$n" | median)
	hu_s=$(cut -d' ' -f1 "$work/hu.$n" | median) hu_kb=$(cut -d' ' -f2 "$work/hu.$n" | median) hu_cpu=$(cut -d' ' -f3 "$work/hu.$n" | median)
	nd_files=$(find -L "$d/public-1" -type f | wc -l)
	hu_files=$(find "$d/hugo-public-1" -type f | wc -l)
	# One article's headline is edited through the editorial service; the
	# incremental export rewrites what that touched.
	"$work/exportgen" -db "sqlite:$d/db/newsdesk.db" -edit $((n / 2)) >/dev/null
	set -- $(measure incremental "$n" "$work/newsdesk" export static "$d/public-1" --incremental --db "sqlite:$d/db/newsdesk.db" --base-url http://127.0.0.1:18080/)
	in_s=$1 in_kb=$2
	in_pages=$(grep -o 'incremental): [0-9]* pages' "$work/log" | grep -o '[0-9]*')
	echo "medians of $rounds:"
	awk -v n="$n" -v s="$nd_s" -v c="$nd_cpu" -v kb="$nd_kb" -v f="$nd_files" 'BEGIN {printf "newsdesk %d %.2f %.0f %.1f %.0f %d\n", n, s, n / s, c, kb / 1024, f}'
	awk -v n="$n" -v s="$hu_s" -v c="$hu_cpu" -v kb="$hu_kb" -v f="$hu_files" 'BEGIN {printf "hugo %d %.2f %.0f %.1f %.0f %d\n", n, s, n / s, c, kb / 1024, f}'
	awk -v n="$n" -v s="$in_s" -v kb="$in_kb" -v p="$in_pages" 'BEGIN {printf "incremental %d %.2f - - %.0f %s-pages\n", n, s, kb / 1024, p}'
	awk -v a="$nd_s" -v b="$hu_s" -v ca="$nd_cpu" -v cb="$hu_cpu" -v ka="$nd_kb" -v kb="$hu_kb" -v n="$n" \
		'BEGIN {printf "ratio %d: articles/s %.2fx hugo, CPU per article %.2fx hugo, peak memory %.2fx hugo\n", n, b / a, ca / cb, ka / kb}'
done
