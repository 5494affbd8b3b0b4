package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/benchsite/benchsite/internal/gobench"
	"github.com/benchsite/benchsite/internal/machine"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/shard"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/version"
)

// Defaults of PairedOptions.
const (
	DefaultMinPairs        = 8  // pairs every benchmark gets
	DefaultMaxPairs        = 20 // pairs no benchmark exceeds
	DefaultPairedRounds    = 5  // rounds per process (after one warm-up round)
	DefaultPairedRoundTime = 20 * time.Millisecond
)

// PairedOptions configure RunPaired. Options.Dir is the current arm (the
// working tree, uncommitted changes included); Options.Rounds and RoundTime
// apply per process (defaults DefaultPairedRounds, DefaultPairedRoundTime).
type PairedOptions struct {
	Options
	// BaseDir is the baseline arm's module directory (a checkout of the
	// baseline revision); BaseName and CurName name the arms in messages,
	// e.g. "baseline (HEAD~1)" and "working tree".
	BaseDir           string
	BaseName, CurName string
	// Seeds are the code-layout seeds (-ldflags=-randlayout=SEED), one per
	// pair: pair i runs both arms built with Seeds[i mod len(Seeds)], so
	// that every pair has a layout of its own, shared by its two arms,
	// and pairs stay independent (a layout effect would otherwise repeat
	// in every pair that shares it). Binaries are linked when a pair
	// first needs them (a link costs well under a second; compiles are
	// cached). Default: MaxPairs random seeds. BaseSeeds, when set (same
	// length), builds the baseline arm with other seeds (benchsite
	// noise: two independent builds of one tree).
	Seeds, BaseSeeds []int64
	// MinPairs and MaxPairs bound the pairs per benchmark; benchmarks of
	// one arm only get MinPairs processes.
	MinPairs, MaxPairs int
	// Stop is asked after each pair from MinPairs on, with every pair's
	// per-round seconds per op so far (base[i], cur[i] for pair i); it
	// returns whether the benchmark is decided and a status for progress
	// lines. Nil: MinPairs pairs.
	Stop func(name, fullname string, base, cur [][]float64) (stop bool, status string)
}

// PairedRun is the outcome of RunPaired.
type PairedRun struct {
	// Base and Cur are the arms as runs: each benchmark's stats pool the
	// rounds of all its processes. Cur has this machine's machine_info
	// and Dir's commit_info; Base has neither commit_info nor a datetime
	// of its own (the caller knows the baseline revision). Cur.Failures
	// holds the failures of both arms (Arm names the side).
	Base, Cur *result.File
	// Pairs are the per-process samples by fullname, for benchmarks in
	// both arms.
	Pairs map[string]*Pairs
	// Removed lists the fullnames found only in the baseline arm.
	Removed []string
	Seeds   []int64
}

// Pairs are one benchmark's samples: Base[i] and Cur[i] are the per-round
// seconds per op of the two processes of pair i.
type Pairs struct {
	Name      string
	Base, Cur [][]float64
}

// arm is one side being measured.
type arm struct {
	name string
	opt  Options
	pkgs [][]*pkgInfo // per seed
}

// RunPaired measures the baseline and the current arm in interleaved process
// pairs, as Abedi & Brecht's randomized multiple interleaved trials
// ("Conducting repeatable experiments in highly variable cloud computing
// environments", ICPE 2017) and asv's --interleave-rounds do:
//
//  1. Both arms are built with the same go command and flags, once per
//     pair with that pair's layout seed (-ldflags=-randlayout=SEED, Go ≥
//     1.23), so that code layout, which a build fixes by accident
//     (Mytkowicz et al., "Producing wrong data without doing anything
//     obviously wrong!", ASPLOS 2009; Curtsinger & Berger, "Stabilizer",
//     ASPLOS 2013), varies from pair to pair and alike in both arms. A
//     build failure is an error naming the arm.
//  2. The current arm is calibrated once (iterations per round for
//     RoundTime); both arms run those same iterations. The baseline arm is
//     only listed (one iteration per benchmark), to find benchmarks that
//     exist on one side only.
//  3. Per benchmark, pairs of processes run back to back; within each two
//     consecutive pairs the order is AB then BA or BA then AB at random
//     (balanced), each process one warm-up round and Rounds rounds; pair i
//     runs the binaries of seed i. After
//     MinPairs pairs, Stop decides after each pair whether to go on, up to
//     MaxPairs.
//
// A benchmark that fails in either arm is named in Cur.Failures and left out.
func RunPaired(ctx context.Context, opt PairedOptions) (*PairedRun, error) {
	if opt.Rounds == 0 {
		opt.Rounds = DefaultPairedRounds
	}
	if opt.RoundTime == 0 {
		opt.RoundTime = DefaultPairedRoundTime
	}
	if err := opt.Options.defaults(); err != nil {
		return nil, err
	}
	if opt.BaseDir == "" {
		return nil, errors.New("paired run: no baseline directory")
	}
	if opt.BaseName == "" {
		opt.BaseName = "baseline"
	}
	if opt.CurName == "" {
		opt.CurName = "current"
	}
	if opt.MinPairs <= 0 {
		opt.MinPairs = DefaultMinPairs
	}
	if opt.MaxPairs < opt.MinPairs {
		opt.MaxPairs = max(DefaultMaxPairs, opt.MinPairs)
	}
	if len(opt.Seeds) == 0 {
		for range opt.MaxPairs {
			opt.Seeds = append(opt.Seeds, 1+rand.Int64N(1<<31))
		}
	}
	baseSeeds := opt.BaseSeeds
	if len(baseSeeds) == 0 {
		baseSeeds = opt.Seeds
	}
	if len(baseSeeds) != len(opt.Seeds) {
		return nil, errors.New("paired run: BaseSeeds and Seeds differ in length")
	}
	groups, err := compileGroups(opt.Groups)
	if err != nil {
		return nil, err
	}
	p := newProgress(opt.Progress, opt.Terminal)
	defer p.clear()

	tc, err := toolchain(ctx, opt.Options)
	if err != nil {
		return nil, err
	}
	if !goAtLeast(tc.Version, 1, 23) {
		return nil, fmt.Errorf("paired runs need Go ≥ 1.23 (-ldflags=-randlayout); %s is %s", opt.GoCmd, tc.Version)
	}
	cur := &arm{name: opt.CurName, opt: opt.Options}
	base := &arm{name: opt.BaseName, opt: opt.Options}
	base.opt.Dir = opt.BaseDir
	if opt.Verbose {
		cur.opt.vlog, base.opt.vlog = p, p
	}
	tmp, err := os.MkdirTemp("", "benchsite-paired-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if opt.Verbose {
		// Unlike Run, a paired run does not keep its binaries: the
		// baseline's are built in a checkout that is removed too.
		defer p.line("--verbose: the test binaries of the command lines above are removed with the run (a paired run does not keep them; rerun without --against or --compare to keep them)")
	}

	nb := min(opt.MinPairs, len(opt.Seeds))
	p.live("building %d layout%s of both arms…", nb, plural(nb, "", "s"))
	bl, err := newBuilder(ctx, tc, tmp, []*arm{base, cur}, [][]int64{baseSeeds, opt.Seeds})
	if err != nil {
		return nil, err
	}
	if err := bl.ensure(nb); err != nil {
		return nil, err
	}

	run := &PairedRun{Pairs: map[string]*Pairs{}, Seeds: slices.Clone(opt.Seeds)}
	run.Cur = &result.File{
		MachineInfo: machine.Info(),
		CommitInfo:  machine.Commit(opt.Dir),
		Datetime:    time.Now().Format("2006-01-02T15:04:05.000000-07:00"),
		Version:     "benchsite " + version.String(),
		Benchmarks:  []result.Benchmark{},
	}
	tc.apply(run.Cur.MachineInfo)
	run.Base = &result.File{MachineInfo: run.Cur.MachineInfo, Benchmarks: []result.Benchmark{}, Version: run.Cur.Version}
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))

	basePkgs := map[string]*pkgInfo{}
	for _, bp := range base.pkgs[0] {
		basePkgs[bp.ImportPath] = bp
	}
	if opt.Shard != nil {
		// The plan comes from the current arm; the baseline arm's
		// packages take the same restriction, and a package of the
		// baseline arm only is reported (as removed) by shard 1.
		plan, err := selectShard(ctx, cur.opt, cur.pkgs[0], opt.Shard)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cur.name, err)
		}
		run.Cur.Shard = shard.Info(opt.Shard.Spec, plan)
		for _, bp := range base.pkgs[0] {
			if i := slices.IndexFunc(cur.pkgs[0], func(c *pkgInfo) bool { return c.ImportPath == bp.ImportPath }); i >= 0 {
				bp.bench, bp.otherShards = cur.pkgs[0][i].bench, cur.pkgs[0][i].otherShards
			} else if opt.Shard.Spec.Index != 1 {
				bp.otherShards = true
			}
		}
	}
	curPaths := map[string]bool{}
	for pi, pkg := range cur.pkgs[0] {
		curPaths[pkg.ImportPath] = true
		if pkg.otherShards {
			continue
		}
		cal, failed, err := calibrateGC(ctx, cur.opt, pkg, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cur.name, err)
		}
		if failed != nil {
			run.Cur.Failures = append(run.Cur.Failures, failed.failures(cur.name)...)
		}
		// The baseline arm's benchmarks: listed, one iteration each.
		inBase := map[string]bool{}
		bi := -1
		if bp := basePkgs[pkg.ImportPath]; bp != nil {
			bi = slices.Index(base.pkgs[0], bp)
			lopt := base.opt
			lopt.calBenchtime = "1x"
			lst, bfailed, err := calibrate(ctx, lopt, bp, &progress{})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", base.name, err)
			}
			if bfailed != nil {
				run.Cur.Failures = append(run.Cur.Failures, bfailed.failures(base.name)...)
			}
			for _, c := range lst {
				inBase[c.name] = true
			}
			for _, c := range lst {
				if !slices.ContainsFunc(cal, func(x calEntry) bool { return x.name == c.name }) &&
					(bfailed == nil || !slices.Contains(bfailed.names, c.name)) &&
					(failed == nil || !slices.Contains(failed.names, c.name)) {
					run.Removed = append(run.Removed, fullName(pkg, c.name))
				}
			}
		}
		for _, c := range cal {
			if c.procs > 0 {
				run.Cur.MachineInfo["gomaxprocs"] = c.procs
			}
			bb, cb, pairs, fail, err := measurePairs(ctx, opt, bl, bi, pi, inBase[c.name] && bi >= 0, c, rng, p)
			if err != nil {
				return nil, err
			}
			if fail != nil {
				run.Cur.Failures = append(run.Cur.Failures, *fail)
				p.line("%s  FAILED (%s)", c.name, fail.Arm)
				continue
			}
			for _, g := range groups {
				if g.re.MatchString(cb.Name) {
					cb.Group = g.name
					if bb != nil {
						bb.Group = g.name
					}
					break
				}
			}
			// --profile: the current arm's benchmark, after its pairs.
			pf, err := profileRounds(ctx, cur.opt, pkg, c, cb, tmp, cur.name, p)
			if err != nil {
				return nil, err
			}
			if pf != nil {
				run.Cur.Failures = append(run.Cur.Failures, *pf)
			}
			run.Cur.Benchmarks = append(run.Cur.Benchmarks, *cb)
			if bb != nil {
				run.Base.Benchmarks = append(run.Base.Benchmarks, *bb)
				run.Pairs[cb.Fullname] = pairs
			}
		}
	}
	// Packages of the baseline arm only: their benchmarks were removed.
	for _, bp := range base.pkgs[0] {
		if curPaths[bp.ImportPath] || bp.otherShards {
			continue
		}
		lopt := base.opt
		lopt.calBenchtime = "1x"
		lst, _, err := calibrate(ctx, lopt, bp, &progress{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", base.name, err)
		}
		for _, c := range lst {
			run.Removed = append(run.Removed, fullName(bp, c.name))
		}
	}
	if len(run.Cur.Benchmarks) == 0 && len(run.Cur.Failures) == 0 && run.Cur.Shard == nil {
		return nil, fmt.Errorf("no benchmark matched -bench %q in %s", opt.Bench, strings.Join(opt.Packages, " "))
	}
	return run, nil
}

// fullName is the fullname the collector gives a benchmark of pkg.
func fullName(pkg *pkgInfo, name string) string {
	if rel := gobench.RelPkg(pkg.ImportPath, pkg.Module); rel != "" {
		return rel + "::" + name
	}
	return name
}

// builder lists every arm's packages once and links the arms' binaries
// for a layout seed when first needed.
type builder struct {
	ctx   context.Context
	tc    toolchainInfo
	tmp   string
	arms  []*arm
	seeds [][]int64
	built int // seeds 0..built-1 are built
}

func newBuilder(ctx context.Context, tc toolchainInfo, tmp string, arms []*arm, seeds [][]int64) (*builder, error) {
	for _, a := range arms {
		pkgs, err := listPackages(ctx, a.opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.name, err)
		}
		a.pkgs = make([][]*pkgInfo, len(seeds[0]))
		for s := range a.pkgs {
			for _, p := range pkgs {
				q := *p
				a.pkgs[s] = append(a.pkgs[s], &q)
			}
		}
	}
	return &builder{ctx: ctx, tc: tc, tmp: tmp, arms: arms, seeds: seeds}, nil
}

// ensure builds every arm for seeds 0..n-1, two go commands at a time.
func (b *builder) ensure(n int) error {
	n = min(n, len(b.seeds[0]))
	if n <= b.built {
		return nil
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	var mu sync.Mutex
	var errs []error
	for ai, a := range b.arms {
		for s := b.built; s < n; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				o := a.opt
				o.BuildFlags = withRandLayout(o.BuildFlags, b.seeds[ai][s])
				dir := filepath.Join(b.tmp, strconv.Itoa(ai), strconv.Itoa(s))
				err := os.MkdirAll(dir, 0o755)
				if err == nil {
					err = build(b.ctx, o, b.tc, a.pkgs[s], dir)
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("building the %s: %w", a.name, err))
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	b.built = n
	return nil
}

// withRandLayout adds -randlayout=SEED to the linker flags, keeping any
// -ldflags the user gave.
func withRandLayout(flags []string, seed int64) []string {
	out := slices.Clone(flags)
	add := "-randlayout=" + strconv.FormatInt(seed, 10)
	for i, f := range out {
		if v, ok := strings.CutPrefix(f, "-ldflags="); ok {
			out[i] = "-ldflags=" + strings.Trim(v, `'"`) + " " + add
			return out
		}
	}
	return append(out, "-ldflags="+add)
}

// measurePairs measures one benchmark: pairs of processes of both arms, or,
// when bpkgs is empty (a benchmark of the current arm only), MinPairs
// processes of the current arm. A failure in either arm is returned as the
// benchmark's failure.
func measurePairs(ctx context.Context, opt PairedOptions, bl *builder, bi, ci int, paired bool, c calEntry, rng *rand.Rand, p *progress) (bb, cb *result.Benchmark, pairs *Pairs, fail *result.Failure, err error) {
	base, cur := bl.arms[0], bl.arms[1]
	quiet := &progress{}
	pairs = &Pairs{Name: c.name}
	var baseRuns, curRuns []*result.Benchmark
	one := func(a *arm, pkg *pkgInfo) (*result.Benchmark, error) {
		b, err := measure(ctx, a.opt, pkg, c, quiet)
		var bf *benchFailed
		if errors.As(err, &bf) {
			fl := bf.failures(a.name)[0]
			fail = &fl
			return nil, nil
		}
		return b, err
	}
	status := ""
	firstBase := false
	for i := 0; ; i++ {
		s := i % len(opt.Seeds)
		if err := bl.ensure(s + 1); err != nil {
			return nil, nil, nil, nil, err
		}
		if !paired {
			if i >= opt.MinPairs {
				break
			}
			b, err := one(cur, cur.pkgs[s][ci])
			if err != nil || fail != nil {
				return nil, nil, nil, fail, err
			}
			curRuns = append(curRuns, b)
			p.live("%s  process %d/%d (only in the %s)", c.name, i+1, opt.MinPairs, cur.name)
			continue
		}
		// Balanced order: AB BA or BA AB, chosen at random per two pairs.
		if i%2 == 0 {
			firstBase = rng.IntN(2) == 0
		} else {
			firstBase = !firstBase
		}
		var rb, rc *result.Benchmark
		if firstBase {
			if rb, err = one(base, base.pkgs[s][bi]); err == nil && fail == nil {
				rc, err = one(cur, cur.pkgs[s][ci])
			}
		} else {
			if rc, err = one(cur, cur.pkgs[s][ci]); err == nil && fail == nil {
				rb, err = one(base, base.pkgs[s][bi])
			}
		}
		if err != nil || fail != nil {
			return nil, nil, nil, fail, err
		}
		baseRuns, curRuns = append(baseRuns, rb), append(curRuns, rc)
		pairs.Base = append(pairs.Base, rb.Stats.Data)
		pairs.Cur = append(pairs.Cur, rc.Stats.Data)
		n := i + 1
		p.live("%s  pair %d  %s", c.name, n, status)
		if n < opt.MinPairs {
			continue
		}
		if n >= opt.MaxPairs || opt.Stop == nil {
			if opt.Stop != nil {
				_, status = opt.Stop(c.name, fullName(cur.pkgs[0][ci], c.name), pairs.Base, pairs.Cur)
			}
			break
		}
		var stop bool
		stop, status = opt.Stop(c.name, fullName(cur.pkgs[0][ci], c.name), pairs.Base, pairs.Cur)
		if stop {
			break
		}
	}
	cb = pool(curRuns, opt, c, opt.Seeds)
	if len(baseRuns) > 0 {
		bb = pool(baseRuns, opt, c, opt.BaseSeeds)
		p.line("%s  %d pairs × %d rounds × %d iterations  %s", c.name, len(pairs.Cur), opt.Rounds, c.n, status)
	} else {
		p.line("%s  %d processes × %d rounds × %d iterations  (only in the %s)", c.name, len(curRuns), opt.Rounds, c.n, cur.name)
	}
	return bb, cb, pairs, nil, nil
}

// pool merges one arm's processes of a benchmark into one result: the stats
// of all their rounds, the last process's metrics.
func pool(runs []*result.Benchmark, opt PairedOptions, c calEntry, seeds []int64) *result.Benchmark {
	b := *runs[len(runs)-1]
	var data []float64
	for _, r := range runs {
		data = append(data, r.Stats.Data...)
	}
	b.Stats = stats.Compute(data, c.n)
	b.Options = mapsClone(b.Options)
	b.Options["rounds"] = len(data)
	b.Options["min_rounds"] = len(data)
	b.Options["processes"] = len(runs)
	b.Options["rounds_per_process"] = opt.Rounds
	if len(seeds) == 0 {
		seeds = opt.Seeds
	}
	b.Options["layout_seeds"] = slices.Clone(seeds)
	b.Options["warmup"] = len(runs) // one discarded round per process
	return &b
}

func mapsClone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+4)
	for k, v := range m {
		out[k] = v
	}
	return out
}
