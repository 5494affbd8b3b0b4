// Command benchsite runs Go benchmark suites, keeps every run as
// pytest-benchmark JSON history in .benchmarks/, compares runs against a
// baseline and fails the build on a regression, and builds a static report
// site from the history. Run 'benchsite help' for the commands.
package main

import (
	"os"

	"github.com/benchsite/benchsite/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
