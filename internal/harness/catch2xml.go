package harness

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/benchsite/benchsite/internal/result"
)

// catch2XML reads Catch2's XML reporter (--reporter xml; root <Catch> in v2,
// <Catch2TestRun> in v3): every <BenchmarkResults name samples iterations>
// with its <mean value> and <standardDeviation value> children, "all values
// in nano seconds". As in the console output there are no samples: a
// benchmark is an estimate, mean ± std dev. The enclosing <TestCase name> is
// the group. A benchmark that failed (<failed message>, it threw) has no
// figures: it is named in a warning.
var catch2XML = &Format{
	ID:      "Catch2",
	Name:    "catch2-xml",
	Harness: "Catch2",
	Command: "./tests '[!benchmark]' --reporter xml > result.xml",
	detect: func(s *sniff) bool {
		return s.first == '<' && (bytes.Contains(s.data, []byte("<Catch ")) || bytes.Contains(s.data, []byte("<Catch2TestRun")) ||
			bytes.Contains(s.data, []byte("<BenchmarkResults")))
	},
	parse: parseCatch2XML,
}

func parseCatch2XML(data []byte, name string) (*Run, error) {
	run := &Run{Machine: result.MachineInfo{}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	ns, _ := ParseUnit("ns")
	type open struct {
		b          result.Benchmark
		line, col  int
		haveMean   bool
		mean, sdev float64
		failed     *string // <failed message>: the benchmark threw
	}
	var cur *open
	group := ""
	attr := func(se xml.StartElement, k string) string {
		for _, a := range se.Attr {
			if a.Name.Local == k {
				return a.Value
			}
		}
		return ""
	}
	for {
		line, col := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var syn *xml.SyntaxError
			if errors.As(err, &syn) {
				// syn has the line only: the column is where the decoder
				// stopped, on that line.
				line, col := result.Position(data, int(dec.InputOffset()))
				if line != syn.Line {
					line, col = syn.Line, 1
				}
				return nil, &result.Error{File: name, Line: line, Col: col, Msg: "invalid XML: " + syn.Msg}
			}
			return nil, &result.Error{File: name, Line: line, Col: col, Msg: "invalid XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "Catch", "Catch2TestRun":
				if v := attr(t, "catch2-version"); v != "" {
					run.Machine["harness_version"] = v
				}
			case "TestCase":
				group = attr(t, "name")
			case "BenchmarkResults":
				cur = &open{line: line, col: col}
				cur.b.Name = attr(t, "name")
				if cur.b.Name == "" {
					return nil, &result.Error{File: name, Line: line, Col: col, Field: "BenchmarkResults.name", Msg: "missing; every benchmark needs a name"}
				}
				cur.b.Group = group
				cur.b.Stats.Rounds, _ = strconv.Atoi(attr(t, "samples"))
				cur.b.Stats.Iterations, _ = strconv.Atoi(attr(t, "iterations"))
			case "failed":
				if cur != nil {
					msg := attr(t, "message")
					cur.failed = &msg
				}
			case "mean", "standardDeviation":
				if cur == nil {
					continue
				}
				v, err := ns.Value(attr(t, "value"))
				if err != nil {
					return nil, &result.Error{File: name, Line: line, Col: col, Field: t.Name.Local + ".value", Msg: "benchmark " + strconv.Quote(cur.b.Name) + ": " + err.Error()}
				}
				if t.Name.Local == "mean" {
					cur.mean, cur.haveMean = v, true
				} else {
					cur.sdev = v
				}
			}
		case xml.EndElement:
			if t.Name.Local != "BenchmarkResults" || cur == nil {
				continue
			}
			if cur.failed != nil {
				// No figures: named, not imported.
				run.Warnings = append(run.Warnings, fmt.Sprintf("line %d: benchmark %s failed (%s); not imported", cur.line, strconv.Quote(cur.b.Name), *cur.failed))
				cur = nil
				continue
			}
			if !cur.haveMean {
				return nil, &result.Error{File: name, Line: cur.line, Col: cur.col, Field: "BenchmarkResults.mean", Msg: "benchmark " + strconv.Quote(cur.b.Name) + " has no <mean value=…>"}
			}
			b := estimated(cur.b.Name, estimate{Center: cur.mean, Mean: cur.mean, Stddev: cur.sdev,
				Rounds: cur.b.Stats.Rounds, Iterations: cur.b.Stats.Iterations, What: "mean ± std dev of Catch2's samples (not in the output)"}, Unit{})
			b.Group = cur.b.Group
			run.Benchmarks = append(run.Benchmarks, b)
			cur = nil
		}
	}
	return run, nil
}
