package harness

import (
	"regexp"
	"strings"
)

// cargo reads the "bencher" lines of `cargo bench`: libtest's #[bench]
// output and Criterion.rs's --output-format bencher, one benchmark a line:
//
//	test bench_fib_20 ... bench:      18,149 ns/iter (+/- 755)
//
// The figure is libtest's median over its samples (Criterion's point
// estimate), "+/-" libtest's max − min (Criterion's standard deviation);
// no samples are printed, so a benchmark is an estimate. ns/iter is a time;
// other units (cycles/iter, MS/s) are read by ParseUnit. Lines that do not
// match (test results, warnings) are skipped; a line that starts like a
// bench line but does not parse is an error.
var cargo = &Format{
	ID:      "cargo",
	Name:    "cargo",
	Harness: "cargo bench (libtest / Criterion bencher)",
	Command: "cargo bench -- --output-format bencher | tee result.txt   # Criterion; libtest prints this by default",
	detect: func(s *sniff) bool {
		return cargoLine.MatchString(s.text)
	},
	parse: parseCargo,
}

var (
	cargoLine  = regexp.MustCompile(`(?m)^test .+ \.\.\. bench: +[0-9]`)
	cargoBench = regexp.MustCompile(`^test (.+?) +\.\.\. bench: +([0-9][0-9,._]*) +(\S+) +\(\+/- +([0-9][0-9,._]*)\)\s*$`)
)

func parseCargo(data []byte, name string) (*Run, error) {
	run := &Run{}
	for i, line := range lines(data) {
		n := i + 1
		if !strings.HasPrefix(line, "test ") || !strings.Contains(line, "... bench:") {
			continue
		}
		m := cargoBench.FindStringSubmatch(line)
		if m == nil {
			return nil, lineErr(name, n, colOf(line, "bench:"), "cannot read this bench line; expected \"test NAME ... bench: N UNIT (+/- N)\"")
		}
		u, err := ParseUnit(m[3])
		if err != nil {
			return nil, lineErr(name, n, colOf(line, m[3]), "benchmark %q: %v", m[1], err)
		}
		v, err := u.Value(m[2])
		if err != nil {
			return nil, lineErr(name, n, colOf(line, m[2]), "%v", err)
		}
		dev, err := u.Value(m[4])
		if err != nil {
			return nil, lineErr(name, n, colOf(line, m[4]), "%v", err)
		}
		b := estimated(m[1], Estimate{Center: v, What: "median ± (max − min) (libtest) or point estimate ± deviation (Criterion bencher)"}, u)
		b.ExtraInfo["deviation"] = dev
		run.Benchmarks = append(run.Benchmarks, b)
	}
	return run, nil
}
