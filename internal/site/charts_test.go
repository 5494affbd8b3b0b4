package site

import (
	"encoding/json"
	"strings"
	"testing"
)

// History charts plot runs at their dates (Unix ms) on a time axis; one
// run without a readable date puts the whole chart back on run numbers,
// since a time axis would drop that run. Memory axes start at zero.
func TestHistoryAxis(t *testing.T) {
	ms := func(v int64) *int64 { return &v }
	med := 1.0
	rows := []runRow{
		{N: "0001", T: ms(1_700_000_000_000), Median: &med, Baseline: true},
		{N: "0002", T: ms(1_700_086_400_000), Median: &med},
	}
	o, _ := historyChart(rows, unitFor(1e-3), nil, "0001")
	if o.XAxis[0].Type != "time" || o.Dataset.Dimensions[0] != "t" || !o.UseUTC {
		t.Fatalf("x axis %+v, dimensions %v, useUTC %v", o.XAxis[0], o.Dataset.Dimensions, o.UseUTC)
	}
	js, err := marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	// The baseline mark and the newest-baseline line sit at the run's time.
	if !strings.Contains(string(js), `"data":[[1700000000000,1,0]]`) || !strings.Contains(string(js), `"xAxis":1700000000000`) {
		t.Errorf("marks not at the run's time: %s", js)
	}

	rows[1].T = nil
	o, _ = historyChart(rows, unitFor(1e-3), nil, "0001")
	if o.XAxis[0].Type != "category" || o.Dataset.Dimensions[0] != "n" {
		t.Errorf("with an undated run: x axis %+v, dimensions %v", o.XAxis[0], o.Dataset.Dimensions)
	}

	m := memoryChart(rows)
	for i, a := range m.YAxis {
		if a.Min != 0 || a.Scale != nil {
			t.Errorf("memory y axis %d: min %v, scale %v; want it from zero", i, a.Min, a.Scale)
		}
	}
	var back map[string]any
	js, _ = marshal(m)
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	for i, a := range back["yAxis"].([]any) {
		if v, ok := a.(map[string]any)["min"]; !ok || v != 0.0 {
			t.Errorf("memory y axis %d in JSON: min %v", i, v)
		}
	}
}

// breakable escapes every character of a name and adds break points only
// after "/", "=" and "_", and before a capital after a small letter
// (CamelCase).
func TestBreakable(t *testing.T) {
	for name, want := range map[string]string{
		`BenchmarkX/a=<b>"&'_c`:      `Benchmark<wbr>X/<wbr>a=<wbr>&lt;b&gt;&#34;&amp;&#39;_<wbr>c`,
		`BenchmarkJoinAVeryLongName`: `Benchmark<wbr>Join<wbr>AVery<wbr>Long<wbr>Name`,
		`HTTPServer`:                 `HTTPServer`,
	} {
		if got := string(breakable(name)); got != want {
			t.Errorf("breakable(%q) = %s\nwant        %s", name, got, want)
		}
	}
}

// Runs with the garbage collector off are marked on the history (a series
// of their own, in the legend), and a history without any has no such mark.
func TestHistoryMarksGCOff(t *testing.T) {
	ms := func(v int64) *int64 { return &v }
	a, b := 1.0, 2.0
	rows := []runRow{
		{N: "0001", I: 0, T: ms(1_700_000_000_000), Median: &a},
		{N: "0002", I: 1, T: ms(1_700_086_400_000), Median: &b, GCOff: true},
	}
	o, _ := historyChart(rows, unitFor(1e-3), nil, "")
	js, err := marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"name":"GC off","type":"scatter","id":"gcoff"`) || !strings.Contains(string(js), `"data":[[1700086400000,2,1]]`) ||
		!strings.Contains(string(js), `"GC off"]`) {
		t.Errorf("the GC-off run is not marked: %s", js)
	}
	rows[1].GCOff = false
	o, _ = historyChart(rows, unitFor(1e-3), nil, "")
	if js, _ = marshal(o); strings.Contains(string(js), "gcoff") || strings.Contains(string(js), "GC off") {
		t.Errorf("a GC-off mark without GC-off runs: %s", js)
	}
}
