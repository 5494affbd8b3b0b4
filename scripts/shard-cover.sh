#!/bin/sh
# shard-cover.sh checks issue 11's sharding promise with real runs: for
# N = 1 … 5, the shards 1/N … N/N of `benchsite run --shard I/N` cover
# every benchmark of the unsharded run exactly once, `benchsite merge` joins
# them into one run, `benchsite compare` finds no benchmark added or removed
# between the merged run and the unsharded one, and the site built from the
# merged run has the same pages as the one built from the unsharded run.
# It does this on this project and on a small foreign module it writes into
# a temporary git repository (three packages, eleven top-level benchmarks,
# some with sub-benchmarks). Rounds are short (--rounds 2 --round-time
# 5ms): the figures do not matter here, only which benchmarks run where.
#
#	scripts/shard-cover.sh            # prints one line per module and N, then "all covered"
#
# Exit 0 when every check holds, 1 (naming the module, N and the check)
# otherwise. It takes a few minutes on a 2-core machine.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
go build -o bin/benchsite ./cmd/benchsite
bin=$root/bin/benchsite
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
quick="--rounds 2 --round-time 5ms"

# names FILE: the sorted fullnames of a run file.
names() { python3 -c 'import json,sys; print("\n".join(sorted(b["fullname"] for b in json.load(open(sys.argv[1]))["benchmarks"])))' "$1"; }

# cover DIR LABEL: the checks on the module in DIR (a git work tree).
cover() {
	dir=$1 label=$2
	cd "$dir"
	# shellcheck disable=SC2086
	"$bin" run $quick --json "$work/$label-whole.json" >/dev/null
	names "$work/$label-whole.json" >"$work/$label-whole.txt"
	total=$(wc -l <"$work/$label-whole.txt")
	for n in 1 2 3 4 5; do
		files=""
		: >"$work/$label-all.txt"
		for i in $(seq "$n"); do
			f=$work/$label-$i-$n.json
			# shellcheck disable=SC2086
			"$bin" run $quick --shard "$i/$n" --json "$f" >/dev/null
			names "$f" >>"$work/$label-all.txt"
			files="$files $f"
		done
		sort "$work/$label-all.txt" >"$work/$label-all-sorted.txt"
		if ! cmp -s "$work/$label-all-sorted.txt" "$work/$label-whole.txt"; then
			echo "$label N=$n: the shards do not cover the unsharded run exactly once:"
			diff "$work/$label-whole.txt" "$work/$label-all-sorted.txt" || true
			exit 1
		fi
		merged=$work/$label-merged-$n.json
		# shellcheck disable=SC2086
		"$bin" merge --storage "$work/$label-store-$n" --json "$merged" $files >/dev/null
		names "$merged" >"$work/$label-merged.txt"
		if ! cmp -s "$work/$label-merged.txt" "$work/$label-whole.txt"; then
			echo "$label N=$n: the merged run's benchmarks differ from the unsharded run's"
			exit 1
		fi
		if "$bin" compare --compare-fail mean:100000% "$work/$label-whole.json" "$merged" >"$work/cmp.txt" 2>&1; then :; else
			echo "$label N=$n: compare of the unsharded and merged runs failed:"
			cat "$work/cmp.txt"
			exit 1
		fi
		if grep -Eq '(^| )(added|removed)( |$)' "$work/cmp.txt"; then
			echo "$label N=$n: compare lists benchmarks added or removed:"
			cat "$work/cmp.txt"
			exit 1
		fi
		for kind in whole merged; do
			h=$work/$label-$kind-history/m
			rm -rf "$work/$label-$kind-history" "$work/$label-$kind-site"
			mkdir -p "$h"
			if [ "$kind" = whole ]; then cp "$work/$label-whole.json" "$h/0001_run.json"; else cp "$merged" "$h/0001_run.json"; fi
			XDG_CACHE_HOME=$work/cache "$bin" build --storage "$work/$label-$kind-history" --out "$work/$label-$kind-site" >/dev/null
			(cd "$work/$label-$kind-site" && find . -name '*.html' | sort) >"$work/$label-$kind-pages.txt"
		done
		if ! cmp -s "$work/$label-whole-pages.txt" "$work/$label-merged-pages.txt"; then
			echo "$label N=$n: the merged run's site has other pages than the unsharded run's:"
			diff "$work/$label-whole-pages.txt" "$work/$label-merged-pages.txt" || true
			exit 1
		fi
		echo "$label N=$n: shards 1/$n … $n/$n cover all $total benchmarks exactly once; merged run compares and renders like the unsharded one"
	done
	cd "$root"
}

cover "$root" benchsite

# A foreign module: three packages, eleven top-level benchmarks.
mod=$work/foreign
mkdir -p "$mod/a" "$mod/b" "$mod/c"
printf 'module example.com/foreign\n\ngo 1.26\n' >"$mod/go.mod"
for p in a b c; do
	{
		printf 'package %s\n\nimport (\n\t"strconv"\n\t"testing"\n)\n\n' "$p"
		printf 'var sink int\n\n'
		for k in 1 2 3; do
			printf 'func Benchmark%s%d(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += len(strconv.Itoa(i * %d))\n\t}\n}\n\n' "$(echo "$p" | tr a-z A-Z)" "$k" "$k"
		done
	} >"$mod/$p/${p}_test.go"
done
cat >>"$mod/a/a_test.go" <<'EOF'
func BenchmarkSizes(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink += len(strconv.Itoa(i % n))
			}
		})
	}
}
EOF
cat >>"$mod/c/c_test.go" <<'EOF'
func BenchmarkKinds(b *testing.B) {
	for _, k := range []string{"x", "y"} {
		b.Run(k, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink += len(k + strconv.Itoa(i))
			}
		})
	}
}
EOF
(cd "$mod" && git init -q && git add -A && git -c user.email=s@example.com -c user.name=s commit -qm foreign)
cover "$mod" foreign
echo "all covered"
