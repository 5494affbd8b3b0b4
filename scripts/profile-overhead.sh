#!/bin/sh
# profile-overhead.sh: does `benchsite run --profile` change the timed
# samples? It should not: the profiled rounds run in extra processes after
# the timed ones. This measures it against the machine's own noise.
#
# Each block runs the benchmark three times: two plain runs (A1, A2) and one
# profiled run (B, --profile KIND), in an order that rotates from block to
# block, so drift and load on the machine hit all three alike. Per block it
# takes two ratios of the runs' medians:
#   A/A = A2 / A1   plain against plain: what load alone does (an A/A test)
#   A/B = B  / A1   profiled against plain: load plus any effect of --profile
# and prints, over the blocks, the median of each ratio with its spread
# (interquartile range, min … max). --profile has no effect when the A/B
# median sits within the A/A spread; both medians are 1 on a quiet machine.
# Every run writes its own --json file in a temporary folder (the history is
# not touched).
#
# Usage: scripts/profile-overhead.sh [--bench RE] [--kind KIND] [--blocks N]
#                                    [--rounds N] [--round-time D]
#   defaults: --bench 'BenchmarkForward/batch=32$' --kind cpu --blocks 6
#             --rounds 10 --round-time 100ms (benchsite run's defaults)
# Needs: go, python3 (only to read the JSON files).
set -eu
BENCH='BenchmarkForward/batch=32$'
KIND=cpu
BLOCKS=6
ROUNDS=10
ROUNDTIME=100ms
while [ $# -gt 0 ]; do
	case $1 in
	--bench) BENCH=$2 ;;
	--kind) KIND=$2 ;;
	--blocks) BLOCKS=$2 ;;
	--rounds) ROUNDS=$2 ;;
	--round-time) ROUNDTIME=$2 ;;
	*)
		echo "usage: $0 [--bench RE] [--kind KIND] [--blocks N] [--rounds N] [--round-time D]" >&2
		exit 2
		;;
	esac
	shift 2
done
cd "$(dirname "$0")/.."
go build -o bin/benchsite ./cmd/benchsite
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

one() { # arm file
	case $1 in
	B) set -- "$2" --profile "$KIND" ;;
	*) set -- "$2" ;;
	esac
	out=$1
	shift
	bin/benchsite run --bench "$BENCH" --rounds "$ROUNDS" --round-time "$ROUNDTIME" \
		--storage "$tmp/h" --json "$out" "$@" >"$out.out" 2>&1 || {
		echo "benchsite run failed; its output:" >&2
		cat "$out.out" >&2
		exit 1
	}
}

i=1
while [ "$i" -le "$BLOCKS" ]; do
	case $((i % 3)) in
	1) order="A1 A2 B" ;;
	2) order="B A1 A2" ;;
	0) order="A2 B A1" ;;
	esac
	for arm in $order; do
		one "${arm%[12]}" "$tmp/$i-$arm.json"
	done
	echo "block $i/$BLOCKS done ($order)" >&2
	i=$((i + 1))
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

echo "benchmark: $BENCH   blocks: $BLOCKS   rounds: $ROUNDS × $ROUNDTIME   profile: $KIND"
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average (1, 5, 15 min) before: $load_before, after: $load_after"
python3 - "$tmp" "$BLOCKS" <<'PY'
import json, statistics, sys
tmp, blocks = sys.argv[1], int(sys.argv[2])
def med(i, arm):
    return json.load(open(f"{tmp}/{i}-{arm}.json"))["benchmarks"][0]["stats"]["median"]
print("block      A1 median    A2 median     B median     A/A     A/B")
aa, ab = [], []
for i in range(1, blocks + 1):
    a1, a2, b = med(i, "A1"), med(i, "A2"), med(i, "B")
    aa.append(a2 / a1)
    ab.append(b / a1)
    print(f"{i:5}  {a1*1e6:9.1f} µs {a2*1e6:9.1f} µs {b*1e6:9.1f} µs   {aa[-1]:.3f}   {ab[-1]:.3f}")
def spread(xs):
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
    return f"median {statistics.median(xs):.3f}, IQR {q[0]:.3f} … {q[2]:.3f}, range {min(xs):.3f} … {max(xs):.3f}"
print(f"A/A (plain / plain):    {spread(aa)}")
print(f"A/B (profiled / plain): {spread(ab)}")
PY
echo "top functions of the last profiled run:"
sed -n '/ profile (by cumulative/,/^$/p' "$tmp/$BLOCKS-B.json.out" | head -12
