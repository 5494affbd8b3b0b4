package cli

import (
	"fmt"
	"io"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/machine"
	"github.com/benchsite/benchsite/internal/report"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/runner"
	"github.com/benchsite/benchsite/internal/storage"
)

// pairedPlan is what a paired run measures as its baseline.
type pairedPlan struct {
	ref    string // as the user named it, or the stored baseline's commit id
	id     string // full commit id
	label  string // names the baseline in the comparison: "HEAD~1", "0004_baseline"
	stored *loaded
	// dirty: the stored baseline was saved from a working tree with
	// uncommitted changes, which its commit, re-measured, does not have.
	dirty bool
}

// planFromBaseline returns the plan that re-measures a stored baseline's
// commit, or "" and the reason it cannot.
func planFromBaseline(e *env, base *loaded) (*pairedPlan, string) {
	id := base.file.CommitInfo.ID
	if id == "" || id == "unversioned" {
		return nil, "it names no commit"
	}
	full, err := runner.ResolveCommit(e.ctx, e.dir, id)
	if err != nil {
		return nil, fmt.Sprintf("its commit %s is not in this repository (or there is no git)", short(id))
	}
	return &pairedPlan{ref: id, id: full, label: base.label, stored: base, dirty: base.file.CommitInfo.Dirty}, ""
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// newestBaselineAnyMachine returns the newest baseline of any machine (by
// its datetime): a paired run needs only its commit, not its timings, so a
// new machine can re-measure the revision another machine saved.
func newestBaselineAnyMachine(store storage.Store) *loaded {
	ms, err := store.Machines()
	if err != nil {
		return nil
	}
	var best *loaded
	for _, m := range ms {
		ent, ok, err := store.NewestBaseline(m)
		if err != nil || !ok {
			continue
		}
		l, err := load(ent.Path)
		if err != nil {
			continue
		}
		if best == nil || l.file.Datetime > best.file.Datetime {
			best = l
		}
	}
	return best
}

// runPaired measures plan's revision and the working tree in interleaved
// pairs and returns the current arm as a run carrying the paired verdicts,
// and the pooled baseline arm.
func runPaired(e *env, opt runner.Options, plan *pairedPlan, cmpOpt compare.Options, checkExpr string) (cur, base *result.File, err error) {
	dir, cleanup, err := runner.Checkout(e.ctx, e.dir, plan.id)
	if err != nil {
		return nil, nil, badInput("baseline (%s): %v", plan.label, err)
	}
	defer cleanup()
	popt := runner.PairedOptions{
		Options:  opt,
		BaseDir:  dir,
		BaseName: "baseline (" + plan.label + ")",
		CurName:  "working tree",
	}
	_, _, maxPairs := compare.PairedLimits()
	popt.MaxPairs = maxPairs
	popt.Stop = compare.PairedStop(cmpOpt, 0, maxPairs)
	fmt.Fprintf(e.stderr, "Measuring %s (commit %s) and the working tree in interleaved process pairs…\n", plan.label, short(plan.id))
	run, err := runner.RunPaired(e.ctx, popt)
	if err != nil {
		return nil, nil, err
	}
	pairs := map[string][2][][]float64{}
	for full, p := range run.Pairs {
		pairs[full] = [2][][]float64{p.Base, p.Cur}
	}
	v := compare.PairedVerdicts(pairs, run.Base, run.Cur, cmpOpt, checkExpr)
	v.Baseline = machine.CommitAt(e.dir, plan.id)
	v.Ref, v.Label = plan.ref, plan.label
	v.Seeds = run.Seeds
	v.RoundsPerProcess = popt.Rounds
	if v.RoundsPerProcess == 0 {
		v.RoundsPerProcess = runner.DefaultPairedRounds
	}
	v.Removed = run.Removed
	run.Cur.Paired = v
	run.Base.CommitInfo = v.Baseline
	run.Base.Datetime = run.Cur.Datetime
	return run.Cur, run.Base, nil
}

// printComparison prints a comparison with its heading and, for a stored
// baseline compared unpaired, what that comparison cannot tell.
// maxWidth fits the table to a terminal (0: full width).
func printComparison(e *env, w io.Writer, rep *compare.Report, plan *pairedPlan, stored *loaded, why string, maxWidth int) error {
	switch {
	case plan != nil:
		fmt.Fprintf(w, "\nPaired comparison with %s (commit %s, re-measured in this session):\n", plan.label, short(plan.id))
		if plan.dirty {
			fmt.Fprintf(w, "Note: %s was saved from a working tree with uncommitted changes; the baseline measured here is its commit %s as committed, without them.\n", plan.label, short(plan.id))
		}
	case stored != nil:
		when := stored.file.Datetime
		if t, err := stored.file.Time(); err == nil {
			when = t.UTC().Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(w, "\nUNPAIRED comparison with the stored file %s (saved %s on %s): the baseline could not be re-measured because %s.\n",
			stored.label, when, machine.ID(stored.file.MachineInfo), why)
		fmt.Fprintf(w, "The two sides were measured at different times (perhaps on different machines); load, CPU frequency and code layout differ between them, so a difference of tens of percent can be noise. The p-values below compare the rounds inside each run; they do not measure the difference between the two sessions, which is larger. Commit the baseline or use --against REF for a verdict you can trust.\n")
	}
	return report.ComparisonFit(w, rep, "table", maxWidth)
}

// pairedLabel is the text a summary gives a comparison's kind.
func pairedLabel(rep *compare.Report) string {
	if rep.Paired {
		return "paired (both revisions measured in this session)"
	}
	return "unpaired (stored file measured at another time)"
}
