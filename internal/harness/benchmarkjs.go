package harness

import (
	"regexp"
	"strconv"
	"strings"
)

// benchmarkJS reads benchmark.js's text, one benchmark a line:
//
//	fib(20) x 12,146 ops/sec ±0.32% (96 runs sampled)
//
// The figure is a rate (higher is better): operations per second, the
// inverse of the mean time; "±" is benchmark.js's relative margin of error
// at 95 % (rme), kept in extra_info; rounds is the number of runs sampled.
// No samples are printed: a benchmark is an estimate.
var benchmarkJS = &Format{
	ID:      "benchmarkjs",
	Name:    "benchmarkjs",
	Harness: "benchmark.js",
	Command: "node bench.js | tee result.txt   # suite.on('cycle', e => console.log(String(e.target)))",
	detect: func(s *sniff) bool {
		return benchJSLine.MatchString(s.text)
	},
	parse: parseBenchmarkJS,
}

var (
	benchJSLine = regexp.MustCompile(`(?m) x [0-9][0-9,.]* ops/sec ±`)
	benchJS     = regexp.MustCompile(`^(.+) x ([0-9][0-9,.]*) (ops/sec) ±([0-9.]+)% \(([0-9]+) runs? sampled\)\s*$`)
)

func parseBenchmarkJS(data []byte, name string) (*Run, error) {
	run := &Run{}
	ls := lines(data)
	read := 0
	for i, line := range ls {
		n := i + 1
		if !strings.Contains(line, " ops/sec ") {
			continue
		}
		m := benchJS.FindStringSubmatch(line)
		if m == nil {
			return nil, lineErr(name, n, 1, "cannot read this line; expected \"NAME x N ops/sec ±N%% (N runs sampled)\"")
		}
		u, _ := ParseUnit(m[3])
		v, err := u.Value(m[2])
		if err != nil {
			return nil, lineErr(name, n, colOf(line, m[2]), "%v", err)
		}
		runs, _ := strconv.Atoi(m[5])
		b := estimated(m[1], estimate{Center: v, Mean: v, Rounds: runs, What: "ops/sec (1 / mean time) ± relative margin of error"}, u)
		rme, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			return nil, lineErr(name, n, colOf(line, m[4]), "%q is not a number", m[4])
		}
		b.ExtraInfo["rme_percent"] = rme
		run.Benchmarks = append(run.Benchmarks, b)
		read = n
	}
	// "fib(20) x 12,1": a result line cut off before " ops/sec".
	resultLike := func(l string) bool { return strings.Contains(l, " x ") || strings.HasSuffix(l, " x") }
	if err := checkCut(run, data, ls, name, read, resultLike); err != nil {
		return nil, err
	}
	return run, nil
}
