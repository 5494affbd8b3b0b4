package harness

import (
	"regexp"
	"strconv"
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
// bench line but does not parse is an error, and so is a cut-off output:
// a last line without its line end that starts like a test line, or fewer
// "test NAME ... " lines after libtest's "running N tests" than N with no
// "test result:" line to close them.
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
	cargoLine    = regexp.MustCompile(`(?m)^test .+ \.\.\. bench: +[0-9]`)
	cargoRunning = regexp.MustCompile(`^running ([0-9]+) tests?\s*$`)
	cargoTest    = regexp.MustCompile(`^test .+ \.\.\. \S`)
	cargoBench   = regexp.MustCompile(`^test (.+?) +\.\.\. bench: +([0-9][0-9,._]*) +(\S+) +\(\+/- +([0-9][0-9,._]*)\)\s*$`)
)

func parseCargo(data []byte, name string) (*Run, error) {
	run := &Run{}
	ls := lines(data)
	read := 0
	// A libtest section: "running N tests", N "test NAME ... " lines, then
	// "test result:".
	type section struct{ line, want, got int }
	var open *section
	var cut *section
	for i, line := range ls {
		n := i + 1
		if m := cargoRunning.FindStringSubmatch(line); m != nil {
			if open != nil && open.got < open.want && cut == nil {
				cut = open
			}
			want, _ := strconv.Atoi(m[1])
			open = &section{line: n, want: want}
			continue
		}
		if open != nil && strings.HasPrefix(line, "test result:") {
			open = nil
			continue
		}
		if open != nil && cargoTest.MatchString(line) {
			open.got++
		}
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
		b := estimated(m[1], estimate{Center: v, What: "median ± (max − min) (libtest) or point estimate ± deviation (Criterion bencher)"}, u)
		b.ExtraInfo["deviation"] = dev
		run.Benchmarks = append(run.Benchmarks, b)
		read = n
	}
	// "test bench_fib": a bench line cut off before "... bench:".
	resultLike := func(l string) bool {
		return strings.HasPrefix(l, "test ") && !strings.HasPrefix(l, "test result:") || strings.HasPrefix("test ", l)
	}
	if err := checkCut(run, data, ls, name, read, resultLike); err != nil {
		return nil, err
	}
	if open != nil && open.got < open.want && cut == nil {
		cut = open
	}
	if cut != nil {
		return nil, lineErr(name, cut.line, 1, "libtest announced %d tests here but only %d \"test NAME ... \" lines follow, with no \"test result:\" line: the output was cut off and %d result(s) are missing; restore the whole output", cut.want, cut.got, cut.want-cut.got)
	}
	return run, nil
}
