package cli

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/config"
	"github.com/benchsite/benchsite/internal/machine"
	"github.com/benchsite/benchsite/internal/report"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/runner"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/target"
	"github.com/benchsite/benchsite/internal/words"
	"golang.org/x/term"
)

// compareFlag is --compare or --compare=REF: a boolean flag that may carry a
// value, like pytest-benchmark's --benchmark-compare[=NUM].
type compareFlag struct {
	on  bool
	ref string // "" = newest baseline
}

func (c *compareFlag) String() string {
	if c == nil || !c.on {
		return ""
	}
	return c.ref
}

func (c *compareFlag) Set(s string) error {
	switch s {
	case "true":
		c.on, c.ref = true, ""
	case "false":
		c.on, c.ref = false, ""
	default:
		c.on, c.ref = true, s
	}
	return nil
}

func (c *compareFlag) IsBoolFlag() bool { return true }

// compareFlags are the flags shared by run and compare.
type compareFlags struct {
	fail   string
	strict bool
}

func (c *compareFlags) register(fs *flags) {
	fs.StringVar(&c.fail, "compare-fail", "", "regression `checks`, e.g. mean:10%,min:0.001 (default: compare.fail in the config)")
	fs.BoolVar(&c.strict, "strict", false, "plain threshold rule: no significance test on noisy breaches")
}

// options turns the configuration and flags into compare.Options.
func (c *compareFlags) options(cfg *config.Config) (compare.Options, error) {
	expr, where := cfg.Compare.Fail, "compare.fail in "+configName(cfg)
	if c.fail != "" {
		expr, where = c.fail, "--compare-fail"
	}
	checks, err := compare.ParseChecks(expr)
	if err != nil {
		return compare.Options{}, badInput("%s: %v", where, err)
	}
	opt := compare.Options{Checks: checks, Strict: c.strict || cfg.Compare.Strict, Alpha: cfg.Compare.Alpha}
	if len(cfg.Compare.Thresholds) > 0 {
		opt.PerBenchmark = map[string][]compare.Check{}
		for _, name := range slices.Sorted(maps.Keys(cfg.Compare.Thresholds)) {
			cs, err := compare.ParseChecks(cfg.Compare.Thresholds[name])
			if err != nil {
				return compare.Options{}, badInput("compare.thresholds.%q in %s: %v", name, configName(cfg), err)
			}
			opt.PerBenchmark[name] = cs
		}
	}
	return opt, nil
}

func configName(cfg *config.Config) string {
	if cfg.Path == "" {
		return "the defaults"
	}
	return cfg.Path
}

// targets converts the configured targets.
func targets(cfg *config.Config) []target.Target {
	ts := make([]target.Target, len(cfg.Targets))
	for i, t := range cfg.Targets {
		ts[i] = target.Target{Benchmark: t.Benchmark, Limit: t.Limit.Seconds(), Excess: t.Excess.Fraction}
	}
	return ts
}

func cmdRun(e *env, args []string) error {
	fs := flagSet(e, "run", "[flags] [PACKAGES...]", "Run the benchmark suites (default packages from the config), print the results, optionally save them, compare them with a baseline and check the performance targets")
	var com common
	com.register(fs)
	var cf compareFlags
	cf.register(fs)
	var cmp compareFlag
	fs.Var(&cmp, "compare", "compare with the newest baseline (if any), or with `REF` given as --compare=REF (0001, a path, MACHINE/0003)")
	bench := fs.String("bench", "", "run only benchmarks matching `regexp` (default: run.bench in the config)")
	save := fs.String("save", "", "save the run as NNNN_`NAME`.json in the history")
	autosave := fs.Bool("autosave", false, "save the run under an automatic name (commit and time)")
	jsonOut := fs.String("json", "", "also write the run to `file` (must not exist)")
	summary := fs.String("summary", "", "append the comparison as a Markdown table to `file` (e.g. $GITHUB_STEP_SUMMARY)")
	rounds := fs.Int("rounds", 0, "rounds per benchmark (default: run.rounds in the config)")
	roundTime := fs.String("round-time", "", "calibrate iterations so a round lasts `duration` (default: run.round-time)")
	short := fs.Bool("short", false, "pass -short: skip the slow benchmarks")
	against := fs.String("against", "", "measure git revision `REF` and the working tree in one session, in interleaved process pairs, and compare them")
	reportOut := fs.String("report", "", "write the comparison as JSON to `file` (must not exist; with --compare or --against)")
	wide := fs.Bool("wide", false, "print the results table at full width (it is fitted to the terminal's width otherwise; a pipe or file always gets full width)")
	shardSpec := fs.String("shard", "", "run only share `I/N` of the benchmarks (balanced by the newest run's durations; write it with --json and join the shards with benchsite merge)")
	machineFlag := fs.String("machine", "", "keep this machine's history under `id` instead of the one machine_info gives (e.g. one id per CI runner type)")
	var tf troubleFlags
	tf.register(fs)
	pkgs, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	if err := runRefAsPackage(e, storage.Store{Root: cfg.Storage}, pkgs); err != nil {
		return err
	}

	// Everything that can be wrong with the input is checked before the
	// suites run, so a typo costs seconds, not a whole run.
	if *save != "" && *autosave {
		return badInput("--save and --autosave: choose one")
	}
	if *save != "" || flagGiven(fs.FlagSet, "save") { // --save '' is a mistake, not "don't save"
		if err := storage.ValidName(*save); err != nil {
			return badInput("--save: %v", err)
		}
	}
	opt := runner.Options{
		Dir: e.dir, Packages: cfg.Packages, Bench: cfg.Run.Bench,
		Rounds: cfg.Run.Rounds, RoundTime: cfg.Run.RoundTime.Duration,
		Short: cfg.Run.Short || *short, Progress: e.stderr,
		Terminal: isTerminal(e.stderr),
	}
	for _, g := range cfg.Groups {
		opt.Groups = append(opt.Groups, runner.Group{Pattern: g.Pattern, Name: g.Group})
	}
	if len(pkgs) > 0 {
		opt.Packages = pkgs
	}
	profs, err := tf.apply(&opt)
	if err != nil {
		return err
	}
	if *bench != "" {
		if _, err := regexp.Compile(*bench); err != nil {
			return badInput("--bench: %v", err)
		}
		opt.Bench = *bench
	}
	if isSet(fs, "rounds") && *rounds < 1 {
		return badInput("--rounds: %d; need at least 1", *rounds)
	} else if *rounds > 0 {
		opt.Rounds = *rounds
	}
	if *roundTime != "" {
		d, err := config.ParseDuration(*roundTime)
		if err != nil {
			return badInput("--round-time: %v", err)
		}
		opt.RoundTime = d
	}
	if *jsonOut != "" {
		if *jsonOut, err = newOutput(e, "--json", *jsonOut); err != nil {
			return err
		}
		// The profiles go beside the file; checked now, before any
		// benchmark runs, as the file itself is (--save numbers its
		// folder with the run, so it cannot meet an old one).
		if profs != nil {
			if pd := storage.ProfileDir(*jsonOut); lexists(pd) {
				return badInput("--json: %s exists (an earlier run's profiles); --profile keeps this run's beside %s: remove it or name another file", pd, filepath.Base(*jsonOut))
			}
		}
	}
	if *summary != "" {
		*summary = e.abs(*summary)
		if err := dirExists(filepath.Dir(*summary)); err != nil {
			return badInput("--summary: %v", err)
		}
	}
	againstSet := false
	fs.Visit(func(f *flag.Flag) { againstSet = againstSet || f.Name == "against" })
	if againstSet && strings.TrimSpace(*against) == "" {
		// Else --against "$BASE" with BASE unset would silently measure one
		// arm and compare nothing.
		return badInput("--against: needs a git revision (HEAD~1, main, a commit id); it was given an empty one")
	}
	if *against != "" && cmp.on {
		return badInput("--against and --compare: choose one (--against REF re-measures REF; --compare re-measures the baseline's commit)")
	}
	if *reportOut != "" {
		if *against == "" && !cmp.on {
			return badInput("--report: needs --compare or --against (there is nothing to report without a comparison)")
		}
		if *reportOut, err = newOutput(e, "--report", *reportOut); err != nil {
			return err
		}
	}
	// The checks are parsed even without --compare: a typo in them is
	// reported now, not on the day a comparison first needs them.
	cmpOpt, err := cf.options(cfg)
	if err != nil {
		return err
	}
	checkExpr := cfg.Compare.Fail
	if cf.fail != "" {
		checkExpr = cf.fail
	}
	store := storage.Store{Root: cfg.Storage}
	machineID := *machineFlag
	if machineID == "" {
		machineID = currentMachine(e, opt, store)
	} else if err := storage.ValidName(machineID); err != nil {
		return badInput("--machine: %v", err)
	}
	if isSet(fs, "shard") && strings.TrimSpace(*shardSpec) == "" {
		// An empty matrix variable would otherwise run the whole suite
		// as if no --shard had been given.
		return badInput("--shard: empty: give I/N, e.g. 2/4")
	}
	if opt.Shard, err = shardOptions(e, *shardSpec, *save, *autosave, *jsonOut, store, machineID); err != nil {
		return err
	}
	var base *loaded
	var plan *pairedPlan
	why := ""
	if *against != "" {
		id, err := runner.ResolveCommit(e.ctx, e.dir, *against)
		if err != nil {
			return badInput("--against: %v", err)
		}
		plan = &pairedPlan{ref: *against, id: id, label: *against}
	} else if cmp.on {
		base, err = loadBaseline(store, cmp.ref, machineID)
		if err != nil {
			return err
		}
		if base == nil && cmp.ref == "" {
			// A paired run needs only a baseline's commit: another
			// machine's newest baseline names one as well.
			if other := newestBaselineAnyMachine(store); other != nil {
				if p, _ := planFromBaseline(e, other); p != nil {
					plan = p
					fmt.Fprintf(e.stderr, "benchsite: no baseline for %s yet; re-measuring the commit of %s's newest baseline (%s) instead\n", machineID, machine.ID(other.file.MachineInfo), other.label)
				}
			}
		}
		if base != nil {
			plan, why = planFromBaseline(e, base)
		}
		if base == nil && plan == nil {
			fmt.Fprintf(e.stderr, "benchsite: no baseline in %s for %s yet; nothing to compare (save one with --save baseline)\n", e.rel(store.Root), machineID)
		}
	}

	var f, pairedBase *result.File
	if plan != nil {
		popt := opt
		// Per process, a paired run takes fewer, shorter rounds than a
		// single run (the pairs are the replication), unless the
		// flags say otherwise.
		popt.Rounds, popt.RoundTime = 0, 0
		if *rounds > 0 {
			popt.Rounds = *rounds
		}
		if *roundTime != "" {
			popt.RoundTime = opt.RoundTime
		}
		f, pairedBase, err = runPaired(e, popt, plan, cmpOpt, checkExpr)
	} else {
		f, err = runner.Run(e.ctx, opt)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	report.RunTableFit(e.stdout, f, e.tableWidth(*wide))
	if profs != nil {
		if err := profs.print(e.stdout); err != nil {
			return err
		}
	}

	label := "current"
	name := *save
	if *autosave {
		name = autosaveName(f)
	}
	if name != "" {
		id := machineID
		path, err := store.Save(id, name, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "\nSaved %s\n", e.rel(path))
		if profs != nil {
			if err := profs.save(e, path); err != nil {
				return err
			}
		}
		label = storage.Label(path)
	}
	if *jsonOut != "" {
		if err := writeNew(*jsonOut, f); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Wrote %s\n", e.rel(*jsonOut))
		if profs != nil {
			if err := profs.save(e, *jsonOut); err != nil {
				return err
			}
		}
	}
	if profs != nil && name == "" && *jsonOut == "" {
		profs.unsavedNote(e)
	}

	failed := false
	var rep *compare.Report
	switch {
	case plan != nil:
		rep = compare.Compare(pairedBase, f, plan.label, label, cmpOpt)
		if err := printComparison(e, e.stdout, rep, plan, nil, "", e.tableWidth(*wide)); err != nil {
			return err
		}
	case base != nil:
		rep = compare.Compare(shardOf(base.file, f), f, base.label, label, cmpOpt)
		if err := printComparison(e, e.stdout, rep, nil, base, why, e.tableWidth(*wide)); err != nil {
			return err
		}
	}
	if rep != nil {
		if *summary != "" {
			if err := appendSummary(*summary, func(w io.Writer) error {
				if _, err := fmt.Fprintf(w, "\n_%s_\n\n", pairedLabel(rep)); err != nil {
					return err
				}
				return report.Comparison(w, rep, "markdown")
			}); err != nil {
				return err
			}
		}
		if *reportOut != "" {
			if err := writeReport(e, *reportOut, rep); err != nil {
				return err
			}
		}
		failed = rep.Failed()
	} else if *summary != "" {
		// A job summary that says nothing would look like a pass.
		note := fmt.Sprintf("### Benchmark comparison\n\nNo baseline for %s yet: nothing was compared.\n", machineID)
		if err := appendSummary(*summary, func(w io.Writer) error { _, err := io.WriteString(w, note); return err }); err != nil {
			return err
		}
	}
	if checkTargets(e, f, cfg, opt.Bench) {
		failed = true
	}
	if reportFailures(e, f) {
		failed = true
	}
	if failed {
		return errFailed
	}
	return nil
}

// reportFailures names the benchmarks that failed during the run, with
// their output, and reports whether there were any (exit status 1: the
// others were measured and kept, as go test and pytest-benchmark do). A
// benchmark that failed only in its --profile rounds keeps its timed
// results and is named apart.
func reportFailures(e *env, f *result.File) bool {
	if len(f.Failures) == 0 {
		return false
	}
	var out, prof []result.Failure
	for _, fl := range f.Failures {
		if fl.Profiling {
			prof = append(prof, fl)
		} else {
			out = append(out, fl)
		}
	}
	list := func(fs []result.Failure) {
		for _, fl := range fs {
			arm := ""
			if fl.Arm != "" {
				arm = " (" + fl.Arm + ")"
			}
			fmt.Fprintf(e.stdout, "--- FAIL: %s%s in %s\n", fl.Name, arm, fl.Package)
			if fl.Output != "" {
				fmt.Fprintln(e.stdout, fl.Output)
			}
		}
	}
	if len(out) > 0 {
		fmt.Fprintf(e.stdout, "\n%s FAILED (left out of the run, named in its file):\n", words.Count(len(out), "benchmark"))
		list(out)
	}
	if len(prof) > 0 {
		fmt.Fprintf(e.stdout, "\n%s FAILED in the profiled rounds only (timed results kept, no profile; named in the run's failures):\n", words.Count(len(prof), "benchmark"))
		list(prof)
	}
	return true
}

// currentMachine is the id runs of this machine are saved under. It names
// the Go version of the go command that builds the benchmarks (which may
// differ from the one benchsite was built with); without a working go
// command, benchsite's own.
//
// Histories saved before machine ids told machines apart are under
// pytest-benchmark's id alone ("Linux-Go-1.26-64bit"): when the storage has
// no folder for this machine's id yet and the legacy folder's newest run was
// made on this machine (same CPU model and count), that folder is used.
func currentMachine(e *env, opt runner.Options, store storage.Store) string {
	info, err := runner.MachineInfo(e.ctx, opt)
	if err != nil {
		info = machine.Info()
	}
	id := machine.ID(info)
	if ents, err := store.List(id); err == nil && len(ents) == 0 {
		legacy := info.ID()
		if ent, ok, err := store.Newest(legacy); err == nil && ok {
			if f, err := ent.Read(); err == nil && machine.ID(f.MachineInfo) == id {
				return legacy
			}
		}
	}
	return id
}

// runRefAsPackage refuses, before anything is measured, a package argument
// that is a run reference ("run --compare 0001" parses 0001 as a package):
// all digits, or a saved run's name that is no directory here.
func runRefAsPackage(e *env, store storage.Store, pkgs []string) error {
	for _, p := range pkgs {
		ref := strings.Trim(p, "0123456789") == ""
		if !ref {
			if es, err := store.Match(p, ""); err == nil && len(es) > 0 {
				st, err := os.Stat(e.abs(p))
				ref = err != nil || !st.IsDir()
			}
		}
		if ref {
			return badInput("%s is not a package; did you mean --compare=%s?", p, p)
		}
	}
	return nil
}

// checkTargets prints the target table and reports whether one was missed.
// filter is the --bench regexp the run was limited to ("" for none): a
// target not found whose benchmark the filter leaves out (runner.Selects),
// or any target not found in a shard (merge checks them all), was not run
// rather than misnamed, so it is left out of the table and counted in one
// line. A target the filter selects but the run does not have is misnamed
// and shown as not found, even with --bench . (this project's default).
func checkTargets(e *env, f *result.File, cfg *config.Config, filter string) bool {
	ts := targets(cfg)
	if len(ts) == 0 {
		return false
	}
	st := target.Check(f, ts)
	dropped := 0
	st = slices.DeleteFunc(st, func(s target.Status) bool {
		if s.Found || f.Shard == nil && runner.Selects(filter, goBenchName(s.Benchmark)) {
			return false
		}
		dropped++
		return true
	})
	if dropped > 0 {
		if f.Shard != nil {
			fmt.Fprintf(e.stdout, "\n%s not run in this shard (benchsite merge checks every target).\n", words.Count(dropped, "target"))
		} else {
			fmt.Fprintf(e.stdout, "\n%s not run (filtered by --bench %s).\n", words.Count(dropped, "target"), filter)
		}
	}
	if len(st) == 0 {
		return false
	}
	fmt.Fprintln(e.stdout)
	report.Targets(e.stdout, st, "table")
	return target.Missed(st)
}

// goBenchName is the Go benchmark name a target's benchmark reference
// names, for matching against --bench: without a fullname's package
// ("pkg::BenchmarkX/a" → "BenchmarkX/a") and with the "Benchmark" prefix a
// reference may leave out (result.Benchmark.Match).
func goBenchName(ref string) string {
	if _, name, ok := strings.Cut(ref, "::"); ok {
		ref = name
	} else if i := strings.Index(ref, ".Benchmark"); i >= 0 {
		ref = ref[i+1:] // example.com/p.BenchmarkX/a
	}
	if !strings.HasPrefix(ref, "Benchmark") {
		ref = "Benchmark" + ref
	}
	return ref
}

// writeReport writes the comparison rep as JSON (compare --format json's
// schema) to path, a new file (--report of run and merge).
func writeReport(e *env, path string, rep *compare.Report) error {
	var buf strings.Builder
	if err := report.Comparison(&buf, rep, "json"); err != nil {
		return err
	}
	if err := storage.WriteNew(path, []byte(buf.String())); err != nil {
		return badInput("--report: %v", err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s\n", e.rel(path))
	return nil
}

// appendSummary appends what write writes to path (the job summary).
func appendSummary(path string, write func(io.Writer) error) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return badInput("--summary: %v", err)
	}
	if err := write(fh); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// newOutput checks, before anything runs, that the output file path given
// to flag can be written as a new file: it must not exist (results are
// never overwritten) and its directory must. It returns the path made
// absolute.
func newOutput(e *env, flag, path string) (string, error) {
	path = e.abs(path)
	if _, err := os.Lstat(path); err == nil {
		return "", badInput("%s: %s exists; results are never overwritten: remove it or name another file", flag, path)
	}
	if err := dirExists(filepath.Dir(path)); err != nil {
		return "", badInput("%s: %v", flag, err)
	}
	return path, nil
}

// dirExists checks that an output file's directory exists, before a run
// that would otherwise fail only at its end.
func dirExists(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s does not exist; create it or name a file in an existing one", dir)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// autosaveName names a run after its commit and time, as pytest-benchmark's
// --benchmark-autosave does: <commit id>_<UTC time>[_uncommitted-changes].
func autosaveName(f *result.File) string {
	id := f.CommitInfo.ID
	t, err := f.Time()
	if err != nil {
		t = time.Now()
	}
	name := id + "_" + t.UTC().Format("20060102_150405")
	if f.CommitInfo.Dirty {
		name += "_uncommitted-changes"
	}
	return name
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// missedTargets checks the targets without printing.
func missedTargets(f *result.File, cfg *config.Config) bool {
	ts := targets(cfg)
	return len(ts) > 0 && target.Missed(target.Check(f, ts))
}

// writeNew writes f to path atomically, refusing to overwrite.
func writeNew(path string, f *result.File) error {
	data, err := result.Encode(f)
	if err != nil {
		return err
	}
	if err := storage.WriteNew(path, data); err != nil {
		return badInput("%v", err)
	}
	return nil
}
