package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/report"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/runner"
	"github.com/benchsite/benchsite/internal/storage"
)

// loaded is a result file with the label comparisons show for it
// (pytest-benchmark's: the file name without .json).
type loaded struct {
	file  *result.File
	label string
	path  string
}

func load(path string) (*loaded, error) {
	f, err := result.ReadFile(path)
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	return &loaded{file: f, label: strings.TrimSuffix(baseName(path), ".json"), path: path}, nil
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
	store := storage.Store{Root: cfg.Storage}
	machineID := currentMachine(e, runner.Options{Dir: e.dir}, store)

	var base, cur *loaded
	if len(pos) >= 1 {
		if base, err = loadRef(e, store, pos[0], machineID); err != nil {
			return err
		}
	} else {
		base, err = loadBaseline(store, "", machineID)
		if err != nil {
			return err
		}
		if base == nil {
			return badInput("no baseline (*_baseline.json) in %s for %s: save one with 'benchsite run --save baseline' or name the files to compare", e.rel(filepath.Join(store.Root, machineID)), machineID)
		}
	}
	if len(pos) == 2 {
		if cur, err = loadRef(e, store, pos[1], machineID); err != nil {
			return err
		}
	} else {
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
	}

	rep := compare.Compare(base.file, cur.file, base.label, cur.label, opt)
	if err := report.Comparison(e.stdout, rep, *format); err != nil {
		return err
	}
	failed := rep.Failed()
	if *format == "table" {
		// The targets table is for people; json and markdown stay one document.
		if checkTargets(e, cur.file, cfg) {
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

// loadRef loads a run named on the command line: an existing file path, or
// a storage reference.
func loadRef(e *env, store storage.Store, ref, machineID string) (*loaded, error) {
	if p := e.abs(ref); strings.HasSuffix(ref, ".json") {
		if _, err := os.Stat(p); err == nil {
			return load(p)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, &exitError{ExitBadUse, err}
		}
	}
	ent, err := store.Resolve(ref, machineID)
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	return load(ent.Path)
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
