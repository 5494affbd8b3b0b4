package harness

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// hyperfine reads hyperfine's --export-json file: {"results": [{"command",
// "mean", "stddev", "median", "min", "max", "user", "system", "times",
// "exit_codes", "parameters"}]}, times in seconds. Every entry of times is
// one measured run of the command, a sample; a file without times (written
// by hyperfine before 1.4) gives an estimate from its summary figures.
// Parameters of a --parameter-scan go to params.
var hyperfine = &Format{
	ID:      "hyperfine",
	Name:    "hyperfine",
	Harness: "hyperfine",
	Command: "hyperfine --runs 20 --export-json result.json 'mycommand --flag'",
	detect: func(s *sniff) bool {
		return s.first == '{' && has(s.obj, "results") && has(s.sub["results"], "command", "mean")
	},
	parse: parseHyperfine,
}

func parseHyperfine(data []byte, name string) (*Run, error) {
	d := &jdoc{data: data, name: name}
	root, err := d.root()
	if err != nil {
		return nil, err
	}
	run := &Run{}
	sec := Unit{}
	var serr error
	for i, el := range d.streamMember(root, "results", nil, &serr) {
		field := fmt.Sprintf("results.%d", i)
		var r struct {
			Command    string            `json:"command"`
			Mean       *json.Number      `json:"mean"`
			Stddev     *json.Number      `json:"stddev"`
			Median     *json.Number      `json:"median"`
			Min        *json.Number      `json:"min"`
			Max        *json.Number      `json:"max"`
			User       *json.Number      `json:"user"`
			System     *json.Number      `json:"system"`
			Times      []json.Number     `json:"times"`
			ExitCodes  []*int            `json:"exit_codes"`
			Parameters map[string]string `json:"parameters"`
		}
		if err := el.decode(field, &r); err != nil {
			return nil, err
		}
		v := el.v
		if r.Command == "" {
			return nil, d.errAt(v.off, field+".command", "missing; every result needs its command")
		}
		num := func(n *json.Number, f string) (float64, error) {
			if n == nil {
				return 0, nil
			}
			return d.number(*n, sec, v, field, f)
		}
		b := result.Benchmark{Name: r.Command, ExtraInfo: map[string]any{}}
		if len(r.Parameters) > 0 {
			b.Params = map[string]any{}
			var keys []string
			for k, p := range r.Parameters {
				b.Params[k] = p
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var parts []string
			for _, k := range keys {
				parts = append(parts, r.Parameters[k])
			}
			b.Param = strings.Join(parts, "-")
		}
		if len(r.Times) > 0 {
			samples := make([]float64, len(r.Times))
			for j, t := range r.Times {
				if samples[j], err = d.number(t, sec, v, field, "times", strconv.Itoa(j)); err != nil {
					return nil, err
				}
			}
			b.Stats = stats.Compute(samples, 1)
		} else {
			if r.Mean == nil {
				return nil, d.errAt(v.off, field+".mean", "missing for command %q (and no times)", r.Command)
			}
			var e estimate
			var errs [5]error
			e.Center, errs[0] = num(r.Mean, "mean")
			e.Mean = e.Center
			e.Stddev, errs[1] = num(r.Stddev, "stddev")
			e.Median, errs[2] = num(r.Median, "median")
			e.Min, errs[3] = num(r.Min, "min")
			e.Max, errs[4] = num(r.Max, "max")
			for _, err := range errs {
				if err != nil {
					return nil, err
				}
			}
			e.haveMedian, e.haveMin, e.haveMax = r.Median != nil, r.Min != nil, r.Max != nil
			e.What = "mean ± stddev (file without per-run times)"
			e.apply(&b)
		}
		for _, p := range []struct {
			k string
			n *json.Number
		}{{"user", r.User}, {"system", r.System}} {
			if x, err := num(p.n, p.k); err != nil {
				return nil, err
			} else if p.n != nil {
				b.ExtraInfo[p.k] = x
			}
		}
		if n := countNonZero(r.ExitCodes); n > 0 {
			b.ExtraInfo["failed_runs"] = n
			run.Warnings = append(run.Warnings, fmt.Sprintf("command %q: %d of %d runs exited with a non-zero status (hyperfine -i); their times are kept", r.Command, n, len(r.ExitCodes)))
		}
		run.Benchmarks = append(run.Benchmarks, b)
	}
	if serr != nil {
		return nil, serr
	}
	return run, nil
}

func countNonZero(codes []*int) int {
	n := 0
	for _, c := range codes {
		if c != nil && *c != 0 {
			n++
		}
	}
	return n
}
