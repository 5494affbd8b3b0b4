#!/bin/sh
# changes-scale.sh measures `benchsite changes` end to end on a generated
# history of RUNS runs × BENCHMARKS benchmarks (histgen: a step in every
# fifth benchmark at a third and two thirds of the runs, a 3× run in every
# seventh): reading every result file, comparing each run with its
# baseline, and change-point detection on every series (issue 10 bounds
# detection over 10,000 runs × 20 benchmarks at 2 s). It runs the real
# bin/benchsite REPEAT times under /usr/bin/time -v and prints the medians
# of the wall time, the CPU time (user + system: on a shared machine the
# wall time also counts the wait for a core) and the peak RSS, the number
# of changes listed, and the load average before and after. Like build,
# changes keeps the history's summaries in a cache (under
# $XDG_CACHE_HOME/benchsite/history; here $CHANGES_DIR/cache, emptied
# first): the first run reads every file (cold), the others only the cache
# and the files that changed (warm, as in CI after a new run); REPEAT ≥ 2
# gives both, the warm figures the medians of the runs after the first.
#
#	scripts/changes-scale.sh [RUNS [BENCHMARKS [REPEAT]]]     # default 10000 20 3
#
# CHANGES_DIR (default /tmp/benchsite-changes-RUNSxBENCHMARKS) keeps the
# generated history between calls; BENCHSITE (default bin/benchsite) is
# the binary measured. Detection alone, without reading the files, is
# BenchmarkDetect20x10000 in internal/changepoint.
set -eu
runs=${1:-10000}
benches=${2:-20}
repeat=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${CHANGES_DIR:-/tmp/benchsite-changes-${runs}x${benches}}
bin=${BENCHSITE:-$root/bin/benchsite}
cd "$root"
[ -n "${BENCHSITE:-}" ] || go build -o bin/benchsite ./cmd/benchsite
mkdir -p "$dir"
if [ ! -f "$dir/gen.ok" ]; then
	rm -rf "$dir/history"
	go run ./internal/history/historytest/histgen -runs "$runs" -benchmarks "$benches" -out "$dir/history"
	touch "$dir/gen.ok"
fi
cd "$dir"
export XDG_CACHE_HOME="$dir/cache"
rm -rf "$XDG_CACHE_HOME"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >times
for i in $(seq "$repeat"); do
	# Exit 1 (a regression among the newest runs) is a result, not a failure.
	rc=0
	/usr/bin/time -v "$bin" changes --storage history --format json >changes.json 2>time.log || rc=$?
	[ "$rc" -le 1 ] || { cat time.log; exit 1; }
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' time.log | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.log)
	cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' time.log | awk '{s+=$1} END {print s}')
	echo "$wall $rss $cpu" >>times
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
n=$(grep -o '"fullname":' changes.json | wc -l)
echo "benchsite changes on $runs runs x $benches benchmarks, $n changes listed:"
head -n 1 times | { read -r wall rss cpu; echo "  cold (no cache): wall $wall s, cpu $cpu s, peak RSS $rss kB"; }
if [ "$repeat" -ge 2 ]; then
	tail -n +2 times >warm
	echo "  warm (cache; medians of $((repeat - 1))): wall $(cut -d' ' -f1 warm | median) s, cpu $(cut -d' ' -f3 warm | median) s, peak RSS $(cut -d' ' -f2 warm | median) kB"
fi
