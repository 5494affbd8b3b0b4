package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/report"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/runner"
	"github.com/benchsite/benchsite/internal/shard"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/words"
)

// shardOptions checks run's --shard against the other flags and returns
// what the runner needs: the spec and the durations of the newest run of
// machineID in the history (every shard of a CI matrix restores the same
// history, so all compute the same plan). nil without --shard.
func shardOptions(e *env, spec string, save string, autosave bool, jsonOut string, store storage.Store, machineID string) (*runner.ShardOptions, error) {
	if spec == "" {
		return nil, nil
	}
	s, err := shard.Parse(spec)
	if err != nil {
		return nil, badInput("--shard: %v", err)
	}
	if save != "" || autosave {
		return nil, badInput("--shard: a shard is one share of a run, not a run to keep in the history: write it with --json FILE, then join the shards with 'benchsite merge FILE...'")
	}
	if jsonOut == "" {
		return nil, badInput("--shard: give --json FILE for the shard's result ('benchsite merge' joins the shards' files)")
	}
	opt := &runner.ShardOptions{Spec: s}
	if ent, ok, err := store.Newest(machineID); err == nil && ok {
		if f, err := ent.Read(); err == nil {
			opt.Durations = shard.Durations(f)
			fmt.Fprintf(e.stderr, "benchsite: shard %s, balanced by the durations of %s\n", s, ent.Label())
		}
	}
	if opt.Durations == nil {
		fmt.Fprintf(e.stderr, "benchsite: shard %s, no earlier run of %s: benchmarks dealt out by name\n", s, machineID)
	}
	return opt, nil
}

// shardOf returns base with only the benchmarks of cur's shard, so that an
// unpaired comparison of one shard does not list the other shards'
// benchmarks as removed. Without a shard it returns base.
func shardOf(base, cur *result.File) *result.File {
	if cur.Shard == nil || base == nil {
		return base
	}
	plan := shard.Plan{Count: cur.Shard.Count, Units: cur.Shard.Units}
	spec := shard.Spec{Index: cur.Shard.Index, Count: cur.Shard.Count}
	out := *base
	out.Benchmarks = slices.DeleteFunc(slices.Clone(base.Benchmarks), func(b result.Benchmark) bool {
		return !plan.Includes(spec, b.Fullname)
	})
	return &out
}

func cmdMerge(e *env, args []string) error {
	fs := flagSet(e, "merge", "[flags] FILE...", "Join the result files of the shards of one run ('benchsite run --shard I/N --json FILE', one per machine) into one run and save it in the history")
	var com common
	com.register(fs)
	save := fs.String("save", "merged", "save the run as NNNN_`NAME`.json")
	machineFlag := fs.String("machine", "", "save under machine `id` (default: the one the shards' machine_info gives)")
	jsonOut := fs.String("json", "", "also write the merged run to `file` (must not exist)")
	summary := fs.String("summary", "", "append the paired comparison of paired shards as a Markdown table to `file` (e.g. $GITHUB_STEP_SUMMARY)")
	reportOut := fs.String("report", "", "write the paired comparison of paired shards as JSON to `file` (must not exist; compare --format json's schema)")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return badInput("merge: name the shards' result files")
	}
	if err := storage.ValidName(*save); err != nil {
		return badInput("--save: %v", err)
	}
	if *machineFlag != "" {
		if err := storage.ValidName(*machineFlag); err != nil {
			return badInput("--machine: %v", err)
		}
	}
	if *jsonOut != "" {
		if *jsonOut, err = newOutput(e, "--json", *jsonOut); err != nil {
			return err
		}
	}
	if *reportOut != "" {
		if *reportOut, err = newOutput(e, "--report", *reportOut); err != nil {
			return err
		}
	}
	if *summary != "" {
		// Checked before anything is saved, as run does.
		*summary = e.abs(*summary)
		if err := dirExists(filepath.Dir(*summary)); err != nil {
			return badInput("--summary: %v", err)
		}
	}
	var parts []shard.Part
	for _, p := range files {
		f, err := result.ReadFile(e.abs(p))
		if err != nil {
			return &exitError{ExitBadUse, err}
		}
		parts = append(parts, shard.Part{Name: p, File: f})
	}
	f, err := shard.Merge(parts)
	if err != nil {
		return badInput("merge: %v; nothing was saved", err)
	}
	data, err := result.Encode(f)
	if err != nil {
		return badInput("merge: %v", err)
	}
	for _, m := range shard.MixedCPUs(parts) {
		fmt.Fprintf(e.stderr, "warning: merge: %s: the merged run records the first file's machine_info; its figures mix CPUs\n", m)
	}
	for _, u := range shard.Unmeasured(parts) {
		fmt.Fprintf(e.stderr, "warning: merge: no result and no failure of %s: skipped, filtered out by --bench, or lost; the merged run lacks it\n", u)
	}
	fmt.Fprintln(e.stdout)
	report.RunTableFit(e.stdout, f, e.tableWidth(false))
	id := *machineFlag
	if id == "" {
		id = f.MachineInfo.ID()
	}
	store := storage.Store{Root: cfg.Storage}
	path, err := store.SaveEncoded(id, *save, data)
	if err != nil {
		return &exitError{ExitBadUse, err}
	}
	fmt.Fprintf(e.stdout, "\nSaved %s (%s from %s)\n", e.rel(path), words.Count(len(f.Benchmarks), "benchmark"), words.Count(len(parts), "shard"))
	if *jsonOut != "" {
		if err := writeNew(*jsonOut, f); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Wrote %s\n", e.rel(*jsonOut))
	}

	failed := reportFailures(e, f)
	if f.Paired != nil {
		cmpOpt, err := (&compareFlags{}).options(cfg)
		if err != nil {
			return err
		}
		rep := compare.Compare(pairedBase(f), f, f.Paired.Label, storage.Label(path), cmpOpt)
		fmt.Fprintf(e.stdout, "\nPaired comparison with %s (commit %s), joined from the shards:\n", f.Paired.Label, short(f.Paired.Baseline.ID))
		if err := report.Comparison(e.stdout, rep, "table"); err != nil {
			return err
		}
		if *summary != "" {
			if err := appendSummary(*summary, func(w io.Writer) error {
				if _, err := fmt.Fprintf(w, "\n_%s, %s_\n\n", pairedLabel(rep), words.Count(len(parts), "shard")); err != nil {
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
		failed = failed || rep.Failed()
	} else if *reportOut != "" {
		fmt.Fprintf(e.stderr, "warning: merge: --report: the shards were not paired (run --compare or --against): there is no comparison to write; %s not written\n", e.rel(*reportOut))
	}
	if checkTargets(e, f, cfg, "") {
		failed = true
	}
	if failed {
		return errFailed
	}
	return nil
}

// pairedBase is the baseline arm of a paired run as far as its stored
// verdicts tell it: per benchmark the compared field's value over all its
// rounds, under the baseline's commit, so compare.Compare shows the stored
// verdicts (the pooled rounds of the baseline arm are not kept in a file).
func pairedBase(f *result.File) *result.File {
	base := &result.File{MachineInfo: f.MachineInfo, CommitInfo: f.Paired.Baseline, Datetime: f.Datetime, Version: f.Version}
	for _, b := range f.Benchmarks {
		pb, ok := f.Paired.Benchmarks[b.Fullname]
		if !ok {
			continue
		}
		v := pb.Base
		base.Benchmarks = append(base.Benchmarks, result.Benchmark{
			Group: b.Group, Name: b.Name, Fullname: b.Fullname, Params: b.Params, Param: b.Param,
			Stats: result.Stats{Min: v, Max: v, Mean: v, Median: v, Rounds: len(pb.BaseValues), Q1: v, Q3: v},
		})
	}
	return base
}
