#!/bin/sh
# Stampede and memory, with 100,000 generated articles on SQLite:
#
#  - stampede: 2,000 clients, each on its own connection, released at once
#    on one cold article page; the page must be rendered exactly once (the
#    render counter of /metrics before and after) and every client get 200;
#  - memory: then 64 clients request random article pages among all
#    100,000 for SECONDS; serve's resident memory (VmRSS, and the peak
#    VmHWM) is read from /proc.
#
# Usage: bench/stampede-memory.sh [ARTICLES] [SECONDS]   (default 100000, 60)
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
secs=${2:-60}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/newsdesk" ./cmd/newsdesk
go build -o "$work/exportgen" ./bench/exportgen
go build -o "$work/loadgen" ./bench/loadgen
"$work/exportgen" -db "sqlite:$work/db/newsdesk.db" -paths "$work/paths" -n "$n" -site testdata/seed/seed-site.json >/dev/null
"$work/newsdesk" serve --db "sqlite:$work/db/newsdesk.db" --addr 127.0.0.1:18082 --metrics-addr 127.0.0.1:18083 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18082/readyz && break; sleep 0.1; done
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version | cut -d' ' -f3) $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $n articles, open files $(ulimit -n)"
renders() { curl -sf http://127.0.0.1:18083/metrics | awk '/^newsdesk_page_render_seconds_count/ {print $2}'; }
page=$(sed -n 12345p "$work/paths")
before=$(renders)
"$work/loadgen" -stampede 2000 -url "http://127.0.0.1:18082$page"
after=$(renders)
echo "renders of the cold page during the stampede: $((after - before))"
grep -E '^Vm(RSS|HWM)' /proc/$pid/status | tr -s ' \t' ' ' | sed 's/^/after stampede: /'
"$work/loadgen" -paths "$work/paths" -base http://127.0.0.1:18082 -c 64 -d "${secs}s"
grep -E '^Vm(RSS|HWM)' /proc/$pid/status | tr -s ' \t' ' ' | sed 's/^/after sweep: /'
curl -sf 'http://127.0.0.1:18083/debug/pprof/heap?debug=1' | grep -E '^# (HeapAlloc|HeapSys|HeapInuse|Sys|NextGC|HeapReleased) ' | tr '\n' ' '; echo
curl -sf http://127.0.0.1:18083/metrics | grep -E '^newsdesk_page_cache_(bytes|entries|hits_total|misses_total|evictions_total) '
