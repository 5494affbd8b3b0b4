// Command histgen writes a synthetic history (package historytest) for
// measuring how the site scales with it:
//
//	go run ./internal/history/historytest/histgen -runs 10000 -benchmarks 20 -out DIR
//
// writes DIR/Linux-Go-1.26-64bit/0001_baseline.json … as
// historytest.ScaleSpec describes. The same flags write the same bytes, so
// -runs N+1 writes the files of -runs N and one more.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/benchsite/benchsite/internal/history/historytest"
)

func main() {
	runs := flag.Int("runs", 1000, "number of runs")
	benchmarks := flag.Int("benchmarks", 20, "benchmarks per run")
	rounds := flag.Int("rounds", 20, "rounds (samples) per benchmark and run")
	out := flag.String("out", "", "history `dir` to write (the --storage of benchsite)")
	flag.Parse()
	if *out == "" || *runs < 1 || *benchmarks < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: histgen -out DIR [-runs N] [-benchmarks N] [-rounds N]")
		os.Exit(2)
	}
	spec := historytest.ScaleSpec(*runs, *benchmarks, *rounds)
	if _, err := historytest.Write(*out, spec); err != nil {
		fmt.Fprintln(os.Stderr, "histgen:", err)
		os.Exit(1)
	}
}
