package harness

import (
	"regexp"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
)

// criterionText reads Criterion.rs's own `cargo bench` text:
//
//	K12/1024/32 (cached)    time:   [1.5607 µs 1.5674 µs 1.5746 µs]
//	                        thrpt:  [620.20 MiB/s 623.05 MiB/s 625.73 MiB/s]
//
// (a long name stands on its own line above "time:"). The three figures are
// the lower bound, the point estimate and the upper bound of Criterion's
// confidence interval (95 % by default) for the time per iteration; the
// estimate is the benchmark's figure, the bounds go to extra_info. The
// samples are not in the text: Criterion writes them to
// target/criterion/<name>/new/sample.json, which this reader does not read.
// "thrpt:" lines are kept in extra_info as text; "change:" lines, warnings
// and outlier counts are skipped.
var criterionText = &Format{
	ID:      "Criterion",
	Name:    "criterion",
	Harness: "Criterion.rs",
	Command: "cargo bench 2>&1 | tee result.txt",
	detect: func(s *sniff) bool {
		return criterionTime.MatchString(s.text)
	},
	parse: parseCriterionText,
}

var (
	criterionTime = regexp.MustCompile(`(?m)^(.*?)\s*time:\s+\[`)
	criterionTrip = regexp.MustCompile(`^(.*?)\s*time:\s+\[(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\]\s*$`)
)

func parseCriterionText(data []byte, name string) (*Run, error) {
	run := &Run{}
	ls := lines(data)
	var last *result.Benchmark
	read := 0
	for i, line := range ls {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if !criterionTime.MatchString(line) {
			if strings.HasPrefix(trimmed, "thrpt:") && last != nil {
				t := strings.TrimSpace(strings.TrimPrefix(trimmed, "thrpt:"))
				if !strings.HasPrefix(t, "[") || !strings.HasSuffix(t, "]") {
					return nil, lineErr(name, n, colOf(line, "thrpt:"), "cannot read this throughput line (cut off?); expected \"thrpt: [LOW UNIT ESTIMATE UNIT HIGH UNIT]\"")
				}
				last.ExtraInfo["throughput"] = t
				read = n
			}
			continue
		}
		m := criterionTrip.FindStringSubmatch(line)
		if m == nil {
			return nil, lineErr(name, n, colOf(line, "time:"), "cannot read this time line; expected \"time: [LOW UNIT ESTIMATE UNIT HIGH UNIT]\"")
		}
		// A long name stands alone on the line above.
		bench := strings.TrimSpace(m[1])
		if bench == "" && i > 0 {
			bench = strings.TrimSpace(ls[i-1])
		}
		if bench == "" {
			return nil, lineErr(name, n, 1, "a time line without a benchmark name before it")
		}
		var v [3]float64
		for j := 0; j < 3; j++ {
			x, err := timeValue(name, n, line, m[2+2*j], m[3+2*j])
			if err != nil {
				return nil, err
			}
			v[j] = x
		}
		b := estimated(bench, estimate{Center: v[1], What: "point estimate [confidence interval]"}, Unit{})
		b.ExtraInfo["ci_lower"], b.ExtraInfo["ci_upper"] = v[0], v[2]
		run.Benchmarks = append(run.Benchmarks, b)
		last = &run.Benchmarks[len(run.Benchmarks)-1]
		read = n
	}
	// "NAME    ti" or "   thrp": a time or throughput line cut off in its
	// label. A long name whose time line is missing cannot be told from
	// other text: it is named in a warning.
	resultLike := func(l string) bool {
		f := strings.Fields(l)
		last := f[len(f)-1]
		return strings.HasPrefix("thrpt:", last) || strings.HasPrefix("time:", last)
	}
	if err := checkCut(run, data, ls, name, read, resultLike); err != nil {
		return nil, err
	}
	return run, nil
}
