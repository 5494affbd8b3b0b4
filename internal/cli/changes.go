package cli

import (
	"flag"
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
	since := fs.String("since", "", "only changes at or after `DATE|RUN`: a date (2026-01-31, 20260131 or RFC 3339) or a run of the machine (0031, 0031_comparison; with several machines, name one with --machine); the exit status considers only the changes listed")
	skip := fs.Bool("skip-invalid", false, "warn about unreadable result files and leave them out instead of stopping (as build does)")
	failRecent := fs.Int("fail-recent", defaultFailRecent, "exit 1 when a listed series' newest change is a regression whose first run is among its machine's newest `N` runs (0: never)")
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
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "since" })
	if given && strings.TrimSpace(*since) == "" {
		return badInput("--since: empty; give a date (2026-01-31) or a run (0031), or leave the flag out")
	}
	if *failRecent < 0 {
		return badInput("--fail-recent: %d; use a number of runs ≥ 0", *failRecent)
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	if _, err := os.Stat(cfg.Storage); err != nil {
		return badInput("history directory %s: %v; save a run first ('benchsite run --save baseline') or name it with --storage", e.rel(cfg.Storage), err)
	}
	// The comparison options and the cache are build's (siteOptions), so
	// the two commands reuse each other's summaries and verdicts rather
	// than overwrite the cache with ones made under other options.
	var cf compareFlags
	cmpOpt, err := cf.options(cfg)
	if err != nil {
		return err
	}
	h, err := history.Load(history.Options{Storage: cfg.Storage, SkipInvalid: *skip,
		Compare: cmpOpt, Cache: historyCache(cfg.Storage),
		Warn: func(msg string) { fmt.Fprintf(e.stderr, "benchsite: warning: %s\n", msg) }})
	if err != nil {
		return &exitError{ExitBadUse, err}
	}
	var ids []string
	found := false
	for _, m := range h.Machines {
		ids = append(ids, m.ID)
		found = found || m.ID == *machineID
	}
	if *machineID != "" && !found {
		return badInput("--machine: no machine %q in %s (machines: %s)", *machineID, e.rel(cfg.Storage), strings.Join(ids, ", "))
	}
	keep, err := sinceFilter(*since, h, *machineID)
	if err != nil {
		return err
	}
	if h.Runs == 0 && *format != "json" {
		fmt.Fprintf(e.stdout, "No runs saved in %s yet: no history to look for change points in. Save runs with 'benchsite run --save NAME'.\n", e.rel(cfg.Storage))
		return nil
	}
	// The exit status considers the changes listed (--machine, --since).
	var shown []*history.Change
	for _, c := range h.Changes() {
		if *machineID != "" && c.Series.Machine.ID != *machineID {
			continue
		}
		if keep(c) {
			shown = append(shown, c)
		}
	}
	if err := report.Changes(e.stdout, shown, *format); err != nil {
		return err
	}
	recent := report.RecentRegressions(shown, *failRecent)
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

// sinceFilter parses --since against h: "" keeps all; a date (2026-01-31,
// 20260131) or RFC 3339 time keeps changes whose first run is not older; a
// run number or label ("0031", "0031_comparison") keeps changes whose first
// run's number is at least that. Run numbers are per machine: a run needs
// machineID, or a history of one machine, and must exist there.
func sinceFilter(s string, h *history.History, machineID string) (func(*history.Change) bool, error) {
	if s == "" {
		return func(*history.Change) bool { return true }, nil
	}
	dates := []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"}
	num, _, _ := strings.Cut(s, "_")
	digits := num != "" && strings.Trim(num, "0123456789") == ""
	if digits && s == num && len(s) == 8 {
		// 20260131 is a date: no history has twenty million runs. A label
		// of 8 characters ("0031_pr7") is a run.
		dates = append(dates, "20060102")
	}
	for _, layout := range dates {
		if t, err := time.Parse(layout, s); err == nil {
			return func(c *history.Change) bool { return !c.Run.Time.IsZero() && !c.Run.Time.Before(t) }, nil
		}
	}
	n, err := strconv.Atoi(num)
	if !digits || err != nil || s == num && len(s) == 8 {
		return nil, badInput("--since: %q is neither a date (2026-01-31, 20260131, 2026-01-31T12:00:00Z) nor a run (0031, 0031_comparison)", s)
	}
	var m *history.Machine
	var ids []string
	for _, x := range h.Machines {
		ids = append(ids, x.ID)
		if x.ID == machineID || machineID == "" && len(h.Machines) == 1 {
			m = x
		}
	}
	if m == nil {
		if len(h.Machines) == 0 {
			return nil, badInput("--since: no run %s: there are no runs yet", s)
		}
		return nil, badInput("--since %s: run numbers are per machine and %d machines have runs (%s); add --machine ID, or give a date", s, len(h.Machines), strings.Join(ids, ", "))
	}
	for _, r := range m.Runs {
		if r.Number == n && (s == num || r.Label == s) {
			return func(c *history.Change) bool { return c.Series.Machine != m || c.Run.Number >= n }, nil
		}
	}
	span := ""
	if len(m.Runs) > 0 {
		span = fmt.Sprintf(" (its runs are %s to %s; 'benchsite list' shows them)", m.Runs[0].Label, m.Runs[len(m.Runs)-1].Label)
	}
	return nil, badInput("--since: machine %s has no run %s%s", m.ID, s, span)
}
