#!/bin/sh
# make.sh regenerates the files in this folder that benchsite made itself,
# with real harnesses installed from Debian 12 packages:
#   apt-get install -y hyperfine catch2 libbenchmark-dev g++
# Run it from this folder: sh make.sh. Figures differ on every run; the tests
# read whatever the files say, so a regenerated set still passes.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hyperfine --export-json: per-run wall times in seconds, one result per command.
hyperfine --runs 10 --warmup 2 --export-json hyperfine.json \
	'sleep 0.01' 'sh -c "seq 1 20000 > /dev/null"'
# A parameter scan adds "parameters" to each result.
hyperfine --runs 5 --export-json hyperfine_params.json -P n 1 3 'sleep 0.00{n}'

# Google Benchmark (--benchmark_format=json) with repetitions: every
# repetition is an "iteration" row, followed by the aggregate rows (mean,
# median, stddev, cv); one benchmark reports bytes_per_second.
cat > "$tmp/gbench.cc" <<'CC'
#include <benchmark/benchmark.h>
#include <string>
static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static void BM_Fib(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(fib(static_cast<unsigned>(st.range(0))));
}
BENCHMARK(BM_Fib)->Arg(10)->Arg(20)->Unit(benchmark::kMicrosecond);
static void BM_Copy(benchmark::State& st) {
  std::string src(static_cast<size_t>(st.range(0)), 'x'), dst;
  for (auto _ : st) { dst = src; benchmark::DoNotOptimize(dst.data()); }
  st.SetBytesProcessed(int64_t(st.iterations()) * st.range(0));
}
BENCHMARK(BM_Copy)->Arg(4096);
BENCHMARK_MAIN();
CC
g++ -O2 -o "$tmp/gbench" "$tmp/gbench.cc" -lbenchmark -lpthread
"$tmp/gbench" --benchmark_format=json --benchmark_repetitions=5 --benchmark_min_time=0.05 > googlebenchmark_repetitions.json

# Catch2 v2 benchmarks: the console reporter and the XML reporter.
cat > "$tmp/catch.cc" <<'CC'
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>
static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
TEST_CASE("Fibonacci") {
  BENCHMARK("Fibonacci 10") { return fib(10); };
  BENCHMARK("Fibonacci 20") { return fib(20); };
}
CC
g++ -O2 -o "$tmp/catch" "$tmp/catch.cc"
"$tmp/catch" --benchmark-samples 20 > catch2_v2_console.txt
"$tmp/catch" --benchmark-samples 20 --reporter xml > catch2_v2.xml
