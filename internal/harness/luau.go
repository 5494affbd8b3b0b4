package harness

import (
	"regexp"
	"strconv"
	"strings"
)

// luau reads the output of Luau's bench/bench.py:
//
//	SUCCESS: base64                                  :   15.041ms +/-  0.636% on luau
//
// and, when present, its RESULTS table (Test | Min | Average | StdDev% |
// Driver), from which the minimum is taken. The figure is the mean of the
// runs; "+/-" is the standard deviation in percent of the mean. No samples
// are printed: a benchmark is an estimate. The driver (VM) goes to
// extra_info.
var luau = &Format{
	ID:      "Luau",
	Name:    "benchmarkluau",
	Harness: "Luau bench",
	Command: "python bench/bench.py | tee result.txt",
	detect: func(s *sniff) bool {
		return luauLine.MatchString(s.text)
	},
	parse: parseLuau,
}

var (
	luauLine  = regexp.MustCompile(`(?m)^SUCCESS: .*:\s*[0-9.]+\S* \+/-`)
	luauBench = regexp.MustCompile(`^SUCCESS: (.+?)\s*:\s*([0-9.]+)([^\s0-9.]+) \+/-\s*([0-9.]+)% on (\S+)\s*$`)
	luauRow   = regexp.MustCompile(`^(.+?)\s*\|\s*([0-9.]+)([^\s0-9.|]+)\s*\|`)
)

func parseLuau(data []byte, name string) (*Run, error) {
	run := &Run{}
	index := map[string]int{}
	inTable := false
	ls := lines(data)
	read := 0
	for i, line := range ls {
		n := i + 1
		if strings.Contains(line, "RESULTS") {
			inTable = true
			continue
		}
		if inTable {
			m := luauRow.FindStringSubmatch(line)
			if m == nil || m[1] == "Test" {
				continue
			}
			j, ok := index[strings.TrimSpace(m[1])]
			if !ok {
				continue // "Total", or a benchmark without a SUCCESS line
			}
			v, err := timeValue(name, n, line, m[2], m[3])
			if err != nil {
				return nil, err
			}
			b := &run.Benchmarks[j]
			b.Stats.Min = v
			read = n
			continue
		}
		if !strings.HasPrefix(line, "SUCCESS:") {
			continue
		}
		m := luauBench.FindStringSubmatch(line)
		if m == nil {
			return nil, lineErr(name, n, 1, "cannot read this line; expected \"SUCCESS: NAME : N<unit> +/- N%% on DRIVER\"")
		}
		mean, err := timeValue(name, n, line, m[2], m[3])
		if err != nil {
			return nil, err
		}
		pct, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			return nil, lineErr(name, n, colOf(line, m[4]), "%q is not a number", m[4])
		}
		b := estimated(m[1], estimate{Center: mean, Mean: mean, Stddev: mean * pct / 100, What: "mean ± std dev (in percent of the mean)"}, Unit{})
		b.ExtraInfo["driver"] = m[5]
		b.ExtraInfo["stddev_percent"] = pct
		index[m[1]] = len(run.Benchmarks)
		run.Benchmarks = append(run.Benchmarks, b)
		read = n
	}
	// "SUCCES", or a row of the RESULTS table cut off before its minimum
	// was read.
	resultLike := func(l string) bool {
		return strings.HasPrefix(l, "SUCCESS:") || strings.HasPrefix("SUCCESS:", l) || inTable && strings.Contains(l, "|") && !strings.HasPrefix(l, "Total")
	}
	if err := checkCut(run, data, ls, name, read, resultLike); err != nil {
		return nil, err
	}
	return run, nil
}
