package report

import (
	"bytes"
	"testing"

	"github.com/benchsite/benchsite/internal/profile"
)

func TestProfileTable(t *testing.T) {
	top := &profile.Top{SampleType: "cpu", Unit: "nanoseconds", Total: 2_000_000_000, Funcs: []profile.Func{
		{Name: "main.main", Flat: 0, Cum: 2_000_000_000},
		{Name: "example.com/m.hot\x1b[31m", Flat: 1_500_000_000, Cum: 1_800_000_000},
	}}
	var buf bytes.Buffer
	if err := ProfileTable(&buf, "BenchmarkX/n=1", profile.CPU, top, "20 rounds in 3 processes"); err != nil {
		t.Fatal(err)
	}
	want := "BenchmarkX/n=1 - cpu profile (by cumulative cpu; total 2 s; 20 rounds in 3 processes)\n" +
		"   flat  flat%    cum    cum%  function\n" +
		"    0 s   0.0%    2 s  100.0%  main.main\n" +
		"  1.5 s  75.0%  1.8 s   90.0%  example.com/m.hot?[31m\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	ProfileTable(&buf, "B", profile.Block, &profile.Top{SampleType: "delay", Unit: "nanoseconds"}, "")
	if want := "B - block profile (by cumulative delay; total 0 s)\n  no samples: the profile recorded nothing for this benchmark\n"; buf.String() != want {
		t.Errorf("empty profile:\n%s", buf.String())
	}
}
