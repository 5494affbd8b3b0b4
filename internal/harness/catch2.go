package harness

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
)

// catch2 reads the benchmark tables of Catch2's console reporter (v2 and
// v3; v3 heads the last column "est run time"):
//
//	benchmark name                       samples       iterations    estimated
//	                                     mean          low mean      high mean
//	                                     std dev       low std dev   high std dev
//	-------------------------------------------------------------------------------
//	Fibonacci 10                                    20           423    1.09134 ms
//	                                        42.8643 ns    35.3615 ns    54.5507 ns
//	                                        21.0979 ns    14.5208 ns    24.3879 ns
//
// Catch2 prints the mean and the standard deviation of its samples, each
// with a bootstrap confidence interval, but not the samples: a benchmark is
// an estimate (mean ± std dev, rounds = samples, iterations as printed).
// The test case (the title above the table) is the group. A benchmark that
// failed (threw: "Benchmark failed (message)" in its row) has no figures:
// it is named in a warning, and Catch2's report of the failure under it
// is passed over.
var catch2 = &Format{
	ID:      "Catch2",
	Name:    "catch2",
	Harness: "Catch2",
	Command: "./tests '[!benchmark]' | tee result.txt",
	detect: func(s *sniff) bool {
		return catch2Header.MatchString(s.text)
	},
	parse: parseCatch2,
}

var (
	catch2Header  = regexp.MustCompile(`(?m)^benchmark name +samples +iterations +(estimated|est run time)`)
	catch2First   = regexp.MustCompile(`^(.*?)\s+([0-9]+)\s+([0-9]+)\s+(\S+) (\S+)\s*$`)
	catch2Version = regexp.MustCompile(`is a Catch2? v?([0-9][0-9.]*)`) // v2: "Catch v2.13.10", v3: "Catch2 v3.5.0"
	catch2Failed  = regexp.MustCompile(`^(.*?)\s*Benchmark failed \((.*)\)\s*$`)
	catch2Triple  = regexp.MustCompile(`^\s+(\S+) (\S+)\s+(\S+) (\S+)\s+(\S+) (\S+)\s*$`)
)

func isRule(s string, c byte) bool {
	s = strings.TrimSpace(s)
	return len(s) >= 20 && strings.Trim(s, string(c)) == ""
}

func parseCatch2(data []byte, name string) (*Run, error) {
	run := &Run{Machine: result.MachineInfo{}}
	ls := lines(data)
	group := ""
	read := 0
	for i := 0; i < len(ls); i++ {
		line := ls[i]
		if v := catch2Version.FindStringSubmatch(line); v != nil {
			run.Machine["harness_version"] = v[1]
		}
		// A test case's title stands between two rules of dashes.
		if isRule(line, '-') && i+2 < len(ls) && isRule(ls[i+2], '-') && strings.TrimSpace(ls[i+1]) != "" {
			group = strings.TrimSpace(ls[i+1])
			i += 2
			continue
		}
		if !catch2Header.MatchString(line) {
			continue
		}
		// Skip the header's two more lines and its rule.
		i += 3
		if i >= len(ls) || !isRule(ls[i], '-') {
			return nil, lineErr(name, min(i, len(ls)-1)+1, 1, "expected the rule of dashes under the benchmark table's header")
		}
		namePrefix, prefixLine := "", 0
		for i++; i < len(ls); i++ {
			line := ls[i]
			trimmed := strings.TrimSpace(line)
			if trimmed == "" {
				continue
			}
			if isRule(line, '-') || isRule(line, '=') {
				if namePrefix != "" {
					run.Warnings = append(run.Warnings, fmt.Sprintf("line %d: %q stands in a benchmark table without figures; not read as a benchmark", prefixLine, strings.TrimSpace(namePrefix)))
					namePrefix = ""
				}
				i-- // let the outer loop see a test case title
				break
			}
			if f := catch2Failed.FindStringSubmatch(line); f != nil {
				// A benchmark that threw has no figures: named, not
				// imported.
				bench := strings.TrimSpace(namePrefix + strings.TrimSpace(f[1]))
				run.Warnings = append(run.Warnings, fmt.Sprintf("line %d: benchmark %s failed (%s); not imported", i+1, strconv.Quote(bench), f[2]))
				namePrefix = ""
				continue
			}
			if strings.HasSuffix(trimmed, ": FAILED:") && namePrefix == "" {
				// Catch2's report of the failure (file:line: FAILED:, then
				// the message) runs to the next blank line.
				for i+1 < len(ls) && strings.TrimSpace(ls[i+1]) != "" {
					i++
				}
				continue
			}
			m := catch2First.FindStringSubmatch(line)
			if m == nil {
				// A long name is wrapped: its start stands alone.
				if namePrefix == "" {
					prefixLine = i + 1
				}
				namePrefix += trimmed + " "
				continue
			}
			n := i + 1
			bench := strings.TrimSpace(namePrefix + strings.TrimSpace(m[1]))
			namePrefix = ""
			if bench == "" {
				return nil, lineErr(name, n, 1, "a benchmark row without a name")
			}
			samples, _ := strconv.Atoi(m[2])
			iters, _ := strconv.Atoi(m[3])
			if i+2 >= len(ls) {
				return nil, lineErr(name, n, 1, "benchmark %q: the file ends before its mean and std dev lines", bench)
			}
			var fig [2][3]float64
			for k := 0; k < 2; k++ {
				l := ls[i+1+k]
				t := catch2Triple.FindStringSubmatch(l)
				if t == nil {
					what := []string{"mean, low mean, high mean", "std dev, low std dev, high std dev"}[k]
					return nil, lineErr(name, n+1+k, 1, "benchmark %q: expected three figures with units (%s)", bench, what)
				}
				for j := 0; j < 3; j++ {
					x, err := timeValue(name, n+1+k, l, t[1+2*j], t[2+2*j])
					if err != nil {
						return nil, err
					}
					fig[k][j] = x
				}
			}
			i += 2
			read = i + 1
			b := estimated(bench, estimate{Center: fig[0][0], Mean: fig[0][0], Stddev: fig[1][0],
				Rounds: samples, Iterations: iters, What: "mean ± std dev of Catch2's samples (not in the output)"}, Unit{})
			b.Group = group
			b.ExtraInfo["mean_ci"] = []float64{fig[0][1], fig[0][2]}
			b.ExtraInfo["stddev_ci"] = []float64{fig[1][1], fig[1][2]}
			run.Benchmarks = append(run.Benchmarks, b)
		}
		if namePrefix != "" {
			// The table ends with the file, after a name: its figures
			// were cut off.
			return nil, lineErr(name, prefixLine, 1, "the file ends in the benchmark table after %q, before its figures: the output was cut off; restore the whole output", strings.TrimSpace(namePrefix))
		}
	}
	if err := checkCut(run, data, ls, name, read, func(string) bool { return false }); err != nil {
		return nil, err
	}
	return run, nil
}
