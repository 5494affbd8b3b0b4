#!/bin/sh
# profile-overhead.sh: does `benchsite run --profile` change the timed
# samples? It should not: the profiled rounds run in extra processes after
# the timed ones. This measures it.
#
# Runs one benchmark PAIRS times without and PAIRS times with --profile KIND,
# interleaved (plain, profiled, plain, profiled, …) so that drift of the
# machine hits both arms alike, each run written to its own --json file in a
# temporary folder (the history is not touched). Prints every run's median,
# the median of each arm's medians, their ratio (profiled / plain), the
# spread among the plain runs themselves (the A/A noise to judge the ratio
# by), and benchsite compare's verdict (Mann-Whitney U on the rounds) for
# each plain/profiled pair.
#
# Usage: scripts/profile-overhead.sh [BENCH_REGEX] [PAIRS] [KIND]
#   defaults: 'BenchmarkForward/batch=32$' 5 cpu
# Needs: go, python3 (only to read the JSON files).
set -eu
BENCH=${1:-'BenchmarkForward/batch=32$'}
PAIRS=${2:-5}
KIND=${3:-cpu}
cd "$(dirname "$0")/.."
go build -o bin/benchsite ./cmd/benchsite
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=1
while [ "$i" -le "$PAIRS" ]; do
	bin/benchsite run --bench "$BENCH" --storage "$tmp/h" --json "$tmp/plain-$i.json" >/dev/null 2>&1
	bin/benchsite run --bench "$BENCH" --storage "$tmp/h" --profile "$KIND" --json "$tmp/prof-$i.json" >"$tmp/prof-$i.out" 2>&1
	echo "pair $i/$PAIRS done" >&2
	i=$((i + 1))
done
echo "benchmark: $BENCH   pairs: $PAIRS   profile: $KIND   ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs)"
python3 - "$tmp" "$PAIRS" <<'PY'
import json, statistics, sys
tmp, pairs = sys.argv[1], int(sys.argv[2])
def med(path):
    b = json.load(open(path))["benchmarks"][0]
    return b["stats"]["median"], b["stats"]["rounds"]
plain = [med(f"{tmp}/plain-{i}.json") for i in range(1, pairs + 1)]
prof = [med(f"{tmp}/prof-{i}.json") for i in range(1, pairs + 1)]
print("run  plain median   profiled median   (rounds each)")
for i, (a, b) in enumerate(zip(plain, prof), 1):
    print(f"{i:3}  {a[0]*1e6:10.1f} µs   {b[0]*1e6:10.1f} µs      ({a[1]}, {b[1]})")
pa = statistics.median(x[0] for x in plain)
pb = statistics.median(x[0] for x in prof)
lo, hi = min(x[0] for x in plain), max(x[0] for x in plain)
print(f"median of medians: plain {pa*1e6:.1f} µs, profiled {pb*1e6:.1f} µs, ratio profiled/plain {pb/pa:.3f}")
print(f"A/A spread of the plain runs: max/min {hi/lo:.3f} ({lo*1e6:.1f} … {hi*1e6:.1f} µs)")
PY
i=1
while [ "$i" -le "$PAIRS" ]; do
	printf 'pair %s: ' "$i"
	bin/benchsite compare --compare-fail median:5% --format json "$tmp/plain-$i.json" "$tmp/prof-$i.json" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"][0]; print("%s, median change %+.1f%%, p = %.3f" % (r["status"], r["change_percent"], r["p_value"]))' || true
	i=$((i + 1))
done
echo "top functions of the last profiled run:"
sed -n '/ profile (by cumulative/,/^$/p' "$tmp/prof-$PAIRS.out" | head -12
