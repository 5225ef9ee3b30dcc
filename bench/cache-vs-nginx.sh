#!/bin/sh
# The page cache against nginx serving the same page as a static file.
#
# One demo site; Newsdesk serves an article page from its page cache, and
# nginx (Debian package) serves the file `newsdesk export static` wrote for
# it (the same bytes), both with gzip (the client sends Accept-Encoding:
# gzip; nginx uses gzip_static). wrk on 127.0.0.1 at 64 and 256
# connections; both servers log every request and may use both cores.
# Reports requests/s, p50/p99 latency and server CPU per request (from
# /proc/PID/stat), and the ratios Newsdesk/nginx, all from the same run.
#
# Usage: bench/cache-vs-nginx.sh [SECONDS]   (default 10 per run)
# Needs: nginx and wrk (apt-get install nginx wrk).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
for tool in nginx wrk; do
	command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install nginx wrk" >&2; exit 1; }
done
work=$(mktemp -d)
chmod 755 "$work" # nginx workers run as nobody
trap 'kill $nd_pid 2>/dev/null; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/newsdesk" ./cmd/newsdesk
cd "$work"
./newsdesk serve --demo --addr 127.0.0.1:18080 2>serve.log &
nd_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18080/readyz && break; sleep 0.1; done
path=$(curl -sf http://127.0.0.1:18080/en/ | grep -o 'href="/en/[a-z0-9/-]*/[0-9]\{4\}/[0-9][0-9]/[0-9][0-9]/[^"]*/"' | head -1 | sed 's/href="//; s/"$//')
[ -n "$path" ] || { echo "no article found on the demo home page" >&2; exit 1; }
./newsdesk export static public --base-url http://127.0.0.1:18080/ >/dev/null 2>&1
cat >nginx.conf <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    access_log $work/nginx-access.log;
    sendfile on; tcp_nopush on; keepalive_requests 1000000;
    server {
        listen 127.0.0.1:18081;
        root $work/public;
        gzip_static on;
        location / { try_files \$uri \$uri/index.html =404; }
    }
}
EOF
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.5
a=$(curl -s --compressed http://127.0.0.1:18080"$path" | sha256sum)
b=$(curl -s --compressed http://127.0.0.1:18081"$path" | sha256sum)
[ "$a" = "$b" ] || { echo "the two servers send different pages" >&2; exit 1; }
size=$(curl -s -H 'Accept-Encoding: gzip' http://127.0.0.1:18080"$path" | wc -c)

# cpu_ticks PID...: user+system clock ticks of the processes so far.
cpu_ticks() {
	t=0
	for p in "$@"; do
		set -- $(cut -d' ' -f14,15 "/proc/$p/stat")
		t=$((t + $1 + $2))
	done
	echo $t
}
nginx_pids() { echo "$(cat "$work/nginx.pid") $(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ')"; }
hz=$(getconf CLK_TCK)

# run NAME PORT CONNS: one wrk run; prints a result line.
run() {
	name=$1 port=$2 conns=$3
	if [ "$name" = newsdesk ]; then pids=$nd_pid; else pids=$(nginx_pids); fi
	c0=$(cpu_ticks $pids)
	out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$path")
	c1=$(cpu_ticks $pids)
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	reqs=$(echo "$out" | awk '/requests in/ {print $1}')
	p50=$(echo "$out" | awk '$1=="50%" {print $2}')
	p99=$(echo "$out" | awk '$1=="99%" {print $2}')
	cpu_us=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$reqs" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
	echo "$name $conns $rps $p50 $p99 $cpu_us"
}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version | cut -d' ' -f3) $(nginx -v 2>&1 | cut -d/ -f2) $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), ${secs}s runs"
echo "# page $path, $size bytes gzipped"
echo "server conns req/s p50 p99 cpu-us/req"
for conns in 64 256; do
	# warm both, then measure each
	wrk -t2 -c"$conns" -d2s -H 'Accept-Encoding: gzip' "http://127.0.0.1:18080$path" >/dev/null
	wrk -t2 -c"$conns" -d2s -H 'Accept-Encoding: gzip' "http://127.0.0.1:18081$path" >/dev/null
	n=$(run newsdesk 18080 "$conns")
	x=$(run nginx 18081 "$conns")
	echo "$n"
	echo "$x"
	echo "$n $x" | awk '
	function tous(v) { if (v ~ /us$/) { sub(/us$/, "", v); return v } if (v ~ /ms$/) { sub(/ms$/, "", v); return v * 1000 } if (v ~ /s$/) { sub(/s$/, "", v); return v * 1e6 } return v }
	{ printf "ratio %s conns: req/s %.2fx nginx, p99 %.2fx nginx, cpu/req %.2fx nginx\n", $2, $3 / $9, tous($5) / tous($11), $6 / $12 }'
done
