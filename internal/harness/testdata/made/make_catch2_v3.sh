#!/bin/sh
# make_catch2_v3.sh makes catch2_v3_console.txt and catch2_v3.xml with a
# real Catch2 v3. Debian 12 packages Catch2 2.13 only (make.sh uses it); the
# Go module proxy serves Catch2's source tree as a module, and v3 ships a
# single-file build of itself, extras/catch_amalgamated.{hpp,cpp}.
# Needs go and g++. Run it from this folder: sh make_catch2_v3.sh. Figures
# differ on every run; the tests read whatever the files say (TestCatch2V3
# names the figures it checks: update them with the files).
set -eu
version=v3.5.0 # v3.5.2, the latest, is refused by the module proxy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$(cd "$tmp" && go mod download -json "github.com/catchorg/Catch2@$version+incompatible" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
cp "$src/extras/catch_amalgamated.hpp" "$src/extras/catch_amalgamated.cpp" "$tmp/"

# Three test cases: fib at three sizes (fib 30 takes milliseconds, which
# the XML reporter writes with an exponent, 2.1e+06); a name long enough to
# be wrapped by the console reporter, with XML's special characters; and a
# benchmark that fails (it throws), which both reporters name.
cat > "$tmp/bench.cc" <<'CC'
#include "catch_amalgamated.hpp"
#include <stdexcept>
#include <vector>
static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
TEST_CASE("Fibonacci", "[!benchmark]") {
  BENCHMARK("Fibonacci 10") { return fib(10); };
  BENCHMARK("Fibonacci 20") { return fib(20); };
  BENCHMARK("Fibonacci 30") { return fib(30); };
}
TEST_CASE("Containers", "[!benchmark]") {
  BENCHMARK("vector<int> push_back of 1000 ints, reserved beforehand") {
    std::vector<int> v;
    v.reserve(1000);
    for (int i = 0; i < 1000; i++) v.push_back(i);
    return v.size();
  };
}
TEST_CASE("Failing", "[!benchmark]") {
  BENCHMARK("throws") {
    if (fib(5) > 0) throw std::runtime_error("no input file");
    return 0;
  };
}
CC
g++ -O2 -std=c++17 -o "$tmp/bench" "$tmp/bench.cc" "$tmp/catch_amalgamated.cpp"
# Catch2 exits with the number of failed test cases: 1, the one that throws.
"$tmp/bench" '[!benchmark]' --benchmark-samples 20 > catch2_v3_console.txt || test $? -eq 1
"$tmp/bench" '[!benchmark]' --benchmark-samples 20 --reporter xml > catch2_v3.xml || test $? -eq 1
