package cli

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/paired"
	"github.com/benchsite/benchsite/internal/report"
	"github.com/benchsite/benchsite/internal/runner"
)

// cmdNoise qualifies the machine: two independent builds of the same tree
// (different layout seeds) measured in interleaved pairs, as run --against
// measures two revisions. What separates them is noise alone; per benchmark
// it reports that noise and the smallest change a paired run would detect.
func cmdNoise(e *env, args []string) error {
	fs := flagSet(e, "noise", "[flags] [PACKAGES...]", "Qualify this machine: measure two builds of the same tree (different code layouts) in interleaved pairs; per benchmark, report the noise and the smallest change a paired run detects at the paired rule's alpha (1%) with 95% power, and suggest [compare.thresholds] entries")
	var com common
	com.register(fs)
	var cf compareFlags
	cf.register(fs)
	bench := fs.String("bench", "", "only benchmarks matching `regexp` (default: run.bench in the config)")
	pairs := fs.Int("pairs", 0, "process pairs per benchmark (default: the most a paired run takes)")
	rounds := fs.Int("rounds", 0, "rounds per process (default: as a paired run)")
	short := fs.Bool("short", false, "pass -short: skip the slow benchmarks")
	pkgs, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	cmpOpt, err := cf.options(cfg)
	if err != nil {
		return err
	}
	minPairs, _, maxPairs := compare.PairedLimits()
	if *pairs < 0 || *pairs > 0 && *pairs < minPairs {
		return badInput("--pairs: %d; need at least %d (the fewest for a 99%% interval)", *pairs, minPairs)
	}
	n := maxPairs
	if *pairs > 0 {
		n = *pairs
	}
	if *rounds < 0 {
		return badInput("--rounds: %d; need at least 1", *rounds)
	}
	opt := runner.Options{Dir: e.dir, Packages: cfg.Packages, Bench: cfg.Run.Bench, Rounds: *rounds,
		Short: cfg.Run.Short || *short, Progress: e.stderr, Terminal: isTerminal(e.stderr)}
	if len(pkgs) > 0 {
		opt.Packages = pkgs
	}
	if *bench != "" {
		if _, err := regexp.Compile(*bench); err != nil {
			return badInput("--bench: %v", err)
		}
		opt.Bench = *bench
	}
	seeds := func() []int64 {
		s := make([]int64, n)
		for i := range s {
			s[i] = 1 + rand.Int64N(1<<31)
		}
		return s
	}
	popt := runner.PairedOptions{Options: opt, BaseDir: e.dir, BaseName: "build A", CurName: "build B",
		Seeds: seeds(), BaseSeeds: seeds(), MinPairs: n, MaxPairs: n}
	fmt.Fprintf(e.stderr, "Measuring two builds of the working tree (different code layouts) in %d interleaved process pairs per benchmark…\n", n)
	run, err := runner.RunPaired(e.ctx, popt)
	if err != nil {
		return err
	}
	// The paired rule's own level: a regression needs its interval
	// above no change ([compare] alpha is the unpaired test's level).
	alpha := 1 - paired.DefaultConfidence
	z := distuv.UnitNormal.Quantile(1-alpha/2) + distuv.UnitNormal.Quantile(0.95)

	fmt.Fprintf(e.stdout, "\nNoise of this machine: %d process pairs per benchmark, two builds of one tree; a paired run takes up to %d pairs.\n", n, maxPairs)
	fmt.Fprintf(e.stdout, "Detectable: the smallest change a paired run of %d pairs finds at α = %g with 95%% power, (z(1−α/2) + z(0.95)) × noise / √%d.\n\n", maxPairs, alpha, maxPairs)
	header := []string{"Name", "Noise per pair", "A/A change (99% interval)", "Detectable", "Check", "Advice"}
	var rows [][]string
	suggest := map[string]string{}
	var names []string
	for _, b := range run.Cur.Benchmarks {
		pr := run.Pairs[b.Fullname]
		if pr == nil {
			continue
		}
		checks := compare.ChecksFor(b.Name, b.Fullname, cmpOpt)
		check, field := "", "mean"
		var thr float64 = math.NaN()
		for _, c := range checks {
			if c.Field == "min" || c.Field == "mean" || c.Field == "median" {
				check, field = c.String(), c.Field
				if c.Percent {
					thr = c.Threshold
				}
				break
			}
		}
		bv, cv := compare.ProcessValues(pr.Base, field), compare.ProcessValues(pr.Cur, field)
		est, err := paired.Compare(bv, cv, 0)
		if err != nil {
			continue
		}
		// The log ratio's spread is a fraction; the detectable change is
		// taken back to the ratio scale.
		det := math.Expm1(z*est.Spread/math.Sqrt(float64(maxPairs))) * 100
		advice := "ok"
		if !math.IsNaN(thr) && thr < det {
			s := fmt.Sprintf("%s:%.0f%%", field, math.Ceil(det))
			advice = "raise to " + s
			suggest[b.Name] = s
			names = append(names, b.Name)
		}
		if check == "" {
			check = "—"
		}
		rows = append(rows, []string{b.Name, fmt.Sprintf("%.1f %%", est.Spread*100),
			compare.FormatInterval(est.Change*100, est.Low*100, est.High*100), fmt.Sprintf("%.1f %%", det), check, advice})
	}
	report.Table(e.stdout, header, []bool{false, true, false, true, false, false}, rows)
	if len(names) > 0 {
		slices.Sort(names)
		fmt.Fprintf(e.stdout, "\nOn this machine these thresholds are below what a paired run can detect. With a threshold at the detectable change, a slowdown of exactly that size is flagged about half the time (the estimate must also pass the threshold) and one of twice that size almost always. Suggested for %s:\n\n[compare.thresholds]\n", configName(cfg))
		for _, n := range names {
			fmt.Fprintf(e.stdout, "%q = %q\n", n, suggest[n])
		}
	} else {
		fmt.Fprintf(e.stdout, "\nEvery threshold is above what a paired run detects on this machine.\n")
	}
	if reportFailures(e, run.Cur) {
		return errFailed
	}
	return nil
}
