package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/gobench"
	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/ingest"
	"github.com/benchsite/benchsite/internal/report"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/runner"
	"github.com/benchsite/benchsite/internal/storage"
)

// loaded is a result file with the label comparisons show for it
// (pytest-benchmark's: the file name without .json).
type loaded struct {
	file    *result.File
	label   string
	path    string
	matched string // which file a reference matched, to tell the user
	warned  bool   // its warnings were printed as it was read
}

func load(path string) (*loaded, error) {
	f, err := result.ReadFile(path)
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	return &loaded{file: f, label: storage.Label(path), path: path}, nil
}

// loadAny reads a run from a file in any format import reads (package
// ingest), printing its warnings.
func loadAny(e *env, path string, opt ingest.Options) (*loaded, error) {
	run, err := ingest.ReadFile(path, opt)
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	for _, w := range run.Warnings {
		fmt.Fprintln(e.stderr, "benchsite: warning:", w)
	}
	label := strings.TrimSuffix(baseName(path), filepath.Ext(path))
	return &loaded{file: run.File, label: label, path: path, warned: true}, nil
}

func baseName(p string) string { return filepath.Base(p) }

// loadBaseline resolves ref ("" = the newest baseline of machineID). With
// ref == "" and no baseline it returns nil, nil.
func loadBaseline(store storage.Store, ref, machineID string) (*loaded, error) {
	if ref == "" {
		ent, ok, err := store.NewestBaseline(machineID)
		if err != nil {
			return nil, &exitError{ExitBadUse, err}
		}
		if !ok {
			return nil, nil
		}
		return load(ent.Path)
	}
	ent, err := store.Resolve(ref, machineID)
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	return load(ent.Path)
}

func cmdCompare(e *env, args []string) error {
	fs := flagSet(e, "compare", "[flags] [BASELINE [CURRENT]]", "Compare a run with a baseline and check the performance targets; exit 1 on a regression or a missed target. BASELINE and CURRENT are paths or prefixes (0001, Linux-Go-1.26-64bit/0003); defaults: this machine's newest *_baseline.json and its newest run")
	var com common
	com.register(fs)
	var cf compareFlags
	cf.register(fs)
	format := fs.String("format", "table", "output `format`: table, markdown or json")
	wide := fs.Bool("wide", false, "print the table at full width (it is fitted to the terminal's width otherwise; a pipe or file always gets full width)")
	skip := fs.Bool("skip-invalid", false, "skip malformed lines of go test output given as BASELINE or CURRENT (each is named in a warning)")
	inFormat := fs.String("input-format", "", "read BASELINE and CURRENT files as `NAME` instead of telling their format by content (as import --format): "+ingest.FormatNames())
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	switch *format {
	case "table", "markdown", "json":
	default:
		return badInput("--format: %q; use table, markdown or json", *format)
	}
	if len(pos) > 2 {
		return badInput("compare takes at most two runs (BASELINE CURRENT), got %d: %s", len(pos), strings.Join(pos, " "))
	}
	opt, err := cf.options(cfg)
	if err != nil {
		return err
	}
	warned := map[string]bool{}
	store := storage.Store{Root: cfg.Storage, Warn: func(m string) {
		if !warned[m] {
			warned[m] = true
			fmt.Fprintln(e.stderr, "benchsite: warning:", m)
		}
	}}
	machineID := currentMachine(e, runner.Options{Dir: e.dir}, store)
	if err := ingest.CheckFormat(*inFormat); err != nil {
		return badInput("--input-format: %v", err)
	}
	iopt := ingest.Options{Module: gobench.ModulePath(e.dir), SkipInvalid: *skip, Format: *inFormat}

	var base, cur *loaded
	switch len(pos) {
	case 0:
		// The newest run and its baseline in force (history's rule).
		if base, cur, err = newestPair(e, store, machineID); err != nil {
			return err
		}
	case 1:
		// A named baseline against the newest run.
		if base, err = loadRef(e, store, pos[0], machineID, iopt); err != nil {
			return err
		}
		ent, ok, err := store.Newest(machineID)
		if err != nil {
			return &exitError{ExitBadUse, err}
		}
		if !ok || sameFile(ent.Path, base.path) {
			return badInput("no run newer than the baseline %s in %s: run 'benchsite run --compare' or name the run to compare", base.label, e.rel(filepath.Join(store.Root, machineID)))
		}
		if cur, err = load(ent.Path); err != nil {
			return err
		}
	default:
		if base, err = loadRef(e, store, pos[0], machineID, iopt); err != nil {
			return err
		}
		if cur, err = loadRef(e, store, pos[1], machineID, iopt); err != nil {
			return err
		}
	}

	for _, l := range []*loaded{base, cur} {
		if l.matched != "" {
			fmt.Fprintln(e.stderr, "benchsite:", l.matched)
		}
		if !l.warned {
			for _, n := range l.file.Notes {
				fmt.Fprintln(e.stderr, "benchsite: warning:", n)
			}
		}
	}
	rep := compare.Compare(base.file, cur.file, base.label, cur.label, opt)
	if err := report.ComparisonFit(e.stdout, rep, *format, e.tableWidth(*wide)); err != nil {
		return err
	}
	failed := rep.Failed()
	if *format == "table" {
		// The targets table is for people; json and markdown stay one document.
		if checkTargets(e, cur.file, cfg, "") {
			failed = true
		}
	} else if missedTargets(cur.file, cfg) {
		failed = true
	}
	if failed {
		return errFailed
	}
	return nil
}

// newestPair loads machineID's newest run and its baseline in force
// (history.BaselinesInForce), reading only those two files.
func newestPair(e *env, store storage.Store, machineID string) (base, cur *loaded, err error) {
	ents, err := store.List(machineID)
	if err != nil {
		return nil, nil, &exitError{ExitBadUse, err}
	}
	dir := e.rel(filepath.Join(store.Root, machineID))
	flags := make([]bool, len(ents))
	for i, ent := range ents {
		flags[i] = ent.Baseline()
	}
	last := len(ents) - 1
	inForce := history.BaselinesInForce(flags)
	switch {
	case last < 0 || (!flags[last] && inForce[last] < 0):
		return nil, nil, badInput("no baseline (*_baseline.json) in %s for %s: save one with 'benchsite run --save baseline' or name the files to compare", dir, machineID)
	case flags[last]:
		return nil, nil, badInput("no run newer than the baseline %s in %s: run 'benchsite run --compare' or name the run to compare", ents[last].Label(), dir)
	}
	if base, err = load(ents[inForce[last]].Path); err != nil {
		return nil, nil, err
	}
	if cur, err = load(ents[last].Path); err != nil {
		return nil, nil, err
	}
	return base, cur, nil
}

// loadRef loads a run named on the command line: an existing file, in any
// format import reads, or a reference to a saved run ("0001",
// "machine-id/0003"), looked up in this machine's folder and, when nothing
// there matches, in every machine's folder (pytest-benchmark's compare
// looks in all of them). Which file a reference matched is printed; a
// reference that matches several files is an error listing them.
func loadRef(e *env, store storage.Store, ref, machineID string, opt ingest.Options) (*loaded, error) {
	p := e.abs(ref)
	if info, err := os.Stat(p); err == nil && (info.Mode().IsRegular() || info.IsDir()) { // a folder: Criterion.rs's target/criterion
		return loadAny(e, p, opt)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, &exitError{ExitBadUse, err}
	}
	ent, err := store.Resolve(ref, machineID)
	if err != nil {
		if here, merr := store.Match(ref, machineID); merr == nil && len(here) == 0 {
			ent, err = store.Resolve(ref, "")
		}
	}
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	l, err := load(ent.Path) // the history holds result files only
	if err != nil {
		return nil, err
	}
	l.matched = fmt.Sprintf("%s is %s", ref, e.rel(ent.Path))
	return l, nil
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
