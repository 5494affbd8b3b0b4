package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/report"
)

// defaultFailRecent is --fail-recent's default: how long a regression
// stays open (history.RecentRuns), as on the site's status badge.
const defaultFailRecent = history.RecentRuns

func cmdChanges(e *env, args []string) error {
	fs := flagSet(e, "changes", "[flags]", "List the change points of every benchmark's history, newest first: the run at which its median moved and stayed moved, by how much, and the permutation test's p-value. Exit 1 when a series' newest change is a regression among its machine's newest --fail-recent runs")
	var com common
	com.register(fs)
	format := fs.String("format", "table", "output `format`: table, markdown or json")
	machineID := fs.String("machine", "", "only this machine `id` (default: every machine)")
	since := fs.String("since", "", "only changes at or after `DATE|RUN`: a date (2026-01-31, or RFC 3339) or a run (0031, 0031_comparison)")
	failRecent := fs.Int("fail-recent", defaultFailRecent, "exit 1 when a series' newest change is a regression whose first run is among its machine's newest `N` runs (0: never)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput("changes takes no arguments, got %q", strings.Join(pos, " "))
	}
	switch *format {
	case "table", "markdown", "json":
	default:
		return badInput("--format: %q; use table, markdown or json", *format)
	}
	if *failRecent < 0 {
		return badInput("--fail-recent: %d; use a number of runs ≥ 0", *failRecent)
	}
	keep, err := sinceFilter(*since)
	if err != nil {
		return err
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	if _, err := os.Stat(cfg.Storage); err != nil {
		return badInput("history directory %s: %v; save a run first ('benchsite run --save baseline') or name it with --storage", e.rel(cfg.Storage), err)
	}
	h, err := history.Load(history.Options{Storage: cfg.Storage})
	if err != nil {
		return &exitError{ExitBadUse, err}
	}
	if *machineID != "" {
		var ids []string
		found := false
		for _, m := range h.Machines {
			ids = append(ids, m.ID)
			found = found || m.ID == *machineID
		}
		if !found {
			return badInput("--machine: no machine %q in %s (machines: %s)", *machineID, e.rel(cfg.Storage), strings.Join(ids, ", "))
		}
	}
	var all, shown []*history.Change
	for _, c := range h.Changes() {
		if *machineID != "" && c.Series.Machine.ID != *machineID {
			continue
		}
		all = append(all, c)
		if keep(c) {
			shown = append(shown, c)
		}
	}
	if err := report.Changes(e.stdout, shown, *format); err != nil {
		return err
	}
	recent := report.RecentRegressions(all, *failRecent)
	if len(recent) == 0 {
		return nil
	}
	out := e.stderr
	if *format == "table" {
		out = e.stdout
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "Regressions at the newest runs (within %d):\n", *failRecent)
	for _, line := range recent {
		fmt.Fprintf(out, "\t%s\n", line)
	}
	return errFailed
}

// sinceFilter parses --since: "" keeps all; a date or RFC 3339 time keeps
// changes whose first run is not older; a run number or label ("0031",
// "0031_comparison") keeps changes whose first run's number is at least
// that.
func sinceFilter(s string) (func(*history.Change) bool, error) {
	if s == "" {
		return func(*history.Change) bool { return true }, nil
	}
	// A run: its number, or its label ("0031_comparison").
	num, _, _ := strings.Cut(s, "_")
	if n, err := strconv.Atoi(num); err == nil && n >= 0 && !strings.ContainsAny(num, "+-") {
		return func(c *history.Change) bool { return c.Run.Number >= n }, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return func(c *history.Change) bool { return !c.Run.Time.IsZero() && !c.Run.Time.Before(t) }, nil
		}
	}
	return nil, badInput("--since: %q is neither a date (2026-01-31, 2026-01-31T12:00:00Z) nor a run (0031, 0031_comparison)", s)
}
