#!/bin/sh
# scale.sh measures how the site build scales with the history (issue 11):
# a generated history of RUNS runs × BENCHMARKS benchmarks (histgen), built
# REPEAT times from scratch, then one run added and the site rebuilt into
# the same output REPEAT times (run RUNS+1, then run RUNS to RUNS-1 runs:
# see below). It prints the medians: wall time and peak
# RSS of a real `bin/benchsite build` process (/usr/bin/time -v), the
# largest HTML page, the largest file a benchmark page loads before the
# reader zooms (its data file), the home page, the site's size, what the
# last incremental build printed (pages rendered and left unchanged), and
# whether the incremental output equals a clean build's (diff -r).
#
#	scripts/scale.sh [RUNS [BENCHMARKS [REPEAT]]]     # default 10000 20 3
#
# A clean build starts with an empty cache (XDG_CACHE_HOME points at a new
# folder): it reads and compares every run. The incremental builds keep
# theirs, as `benchsite build` does in the user cache directory. The CPU
# time (user + system) is printed beside the wall time: on a shared
# machine the wall time also counts the wait for a core.
#
# SCALE_DIR (default /tmp/benchsite-scale-RUNSxBENCHMARKS) keeps the
# generated history between calls; BENCHSITE (default bin/benchsite) is the
# binary measured.
set -eu
runs=${1:-10000}
benches=${2:-20}
repeat=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${SCALE_DIR:-/tmp/benchsite-scale-${runs}x${benches}}
bin=${BENCHSITE:-$root/bin/benchsite}
cd "$root"
[ -n "${BENCHSITE:-}" ] || go build -o bin/benchsite ./cmd/benchsite
mkdir -p "$dir"
cd "$dir"
machine=Linux-Go-1.26-64bit
extra=$(printf '%04d' $((runs + 1)))
if [ ! -f "gen.ok" ]; then
	rm -rf history spare
	(cd "$root" && go run ./internal/history/historytest/histgen -runs $((runs + 1)) -benchmarks "$benches" -out "$dir/history")
	mkdir -p spare
	mv history/$machine/${extra}_*.json spare/
	touch gen.ok
fi
rm -rf history/$machine/${extra}_*.json public clean
# An empty project: no content, no templates, no browser build.
printf '[site]\nwasm = ""\n' > benchsite.toml

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# col N: the median of column N of times (1 wall s, 2 peak RSS kB, 3 CPU s).
col() { cut -d' ' -f"$1" times | median; }

# timed OUT CACHE: builds into OUT with the cache under CACHE, under
# /usr/bin/time -v; appends "wall-seconds peak-RSS-kB cpu-seconds" to times.
timed() {
	XDG_CACHE_HOME=$2 /usr/bin/time -v "$bin" build --storage history --out "$1" >build.log 2>time.log || { cat build.log time.log; exit 1; }
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' time.log | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.log)
	cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' time.log | awk '{s+=$1} END {print s}')
	echo "$wall $rss $cpu" >>times
}

: >times
for i in $(seq "$repeat"); do
	rm -rf public cache-clean
	timed public "$dir/cache-clean"
done
clean_s=$(col 1)
clean_rss=$(col 2)
clean_cpu=$(col 3)
cat build.log

page=$(find public -name '*.html' -printf '%s %p\n' | sort -n | tail -1)
data=$(find public/data -maxdepth 1 -name '*.json' -printf '%s %p\n' | sort -n | tail -1)
home=$(stat -c %s public/index.html)
size=$(du -sb public | cut -f1)

: >times
rm -rf cache-inc
for i in $(seq "$repeat"); do
	rm -f history/$machine/${extra}_*.json
	XDG_CACHE_HOME=$dir/cache-inc "$bin" build --storage history --out public >/dev/null
	cp spare/${extra}_*.json history/$machine/
	timed public "$dir/cache-inc"
done
add_s=$(col 1)
add_rss=$(col 2)
add_cpu=$(col 3)
# What the last incremental build says: pages rendered and unchanged.
add_log=$(cat build.log)

rm -rf cache-clean
XDG_CACHE_HOME=$dir/cache-clean "$bin" build --storage history --out clean >/dev/null
if diff -r public clean >diff.log; then same=identical; else same="DIFFERENT (see $dir/diff.log)"; fi
rm -f history/$machine/${extra}_*.json

# Run RUNS added to RUNS-1 runs: with RUNS a multiple of 100, run RUNS+1
# above starts a new page of every runs table (the page it completed gets
# a file, the one before it is rendered again); run RUNS only fills the
# newest page, the common case.
last=$(printf '%04d' "$runs")
: >times
mkdir -p aside
for i in $(seq "$repeat"); do
	mv history/$machine/${last}_*.json aside/
	XDG_CACHE_HOME=$dir/cache-inc "$bin" build --storage history --out public >/dev/null
	mv aside/${last}_*.json history/$machine/
	timed public "$dir/cache-inc"
done
fill_s=$(col 1)
fill_rss=$(col 2)
fill_cpu=$(col 3)
fill_log=$(cat build.log)

echo "history: $runs runs x $benches benchmarks; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
echo "clean build:        median $clean_s s wall, $clean_cpu s CPU, peak RSS $((clean_rss / 1024)) MiB (of $repeat)"
echo "peak RSS per run and benchmark: $((clean_rss * 1024 / (runs * benches))) bytes (the whole peak over runs x benchmarks; the growth is the difference of two sizes)"
echo "add run $((runs + 1)), build: median $add_s s wall, $add_cpu s CPU, peak RSS $((add_rss / 1024)) MiB (of $repeat)"
echo "add run $((runs + 1)), pages: $add_log"
echo "add run $runs to $((runs - 1)), build: median $fill_s s wall, $fill_cpu s CPU, peak RSS $((fill_rss / 1024)) MiB (of $repeat)"
echo "add run $runs, pages: $fill_log"
echo "largest HTML page:  $page"
echo "largest data file:  $data"
echo "home page:          $home bytes"
echo "site:               $((size / 1048576)) MiB"
echo "incremental output vs clean build: $same"
