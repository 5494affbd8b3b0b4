package runner

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"

	"github.com/benchsite/benchsite/internal/shard"
)

// ShardOptions make a run measure one share of the suite (package shard):
// the top-level benchmarks the shared plan gives shard Spec.Index.
type ShardOptions struct {
	Spec shard.Spec
	// Durations are each unit's seconds in the newest earlier run of this
	// machine type (shard.Durations), to balance the shares; nil deals the
	// units out by name. Every shard must be given the same durations.
	Durations map[string]float64
}

// selectShard lists the top-level benchmarks of every built package
// (-test.list, which runs nothing), makes the plan, and restricts each
// package to its benchmarks in shard s (pkgInfo.bench), marking those with
// none (pkgInfo.otherShards).
func selectShard(ctx context.Context, opt Options, pkgs []*pkgInfo, s *ShardOptions) (shard.Plan, error) {
	levels := splitBench(opt.Bench)
	names := map[*pkgInfo][]string{}
	var units []string
	for _, pkg := range pkgs {
		ns, err := listBenchmarks(ctx, opt, pkg, levels[0])
		if err != nil {
			return shard.Plan{}, err
		}
		names[pkg] = ns
		for _, n := range ns {
			units = append(units, fullName(pkg, n))
		}
	}
	plan := shard.NewPlan(units, s.Durations, s.Spec.Count)
	for _, pkg := range pkgs {
		var mine []string
		for _, n := range names[pkg] {
			if plan.Units[fullName(pkg, n)] == s.Spec.Index {
				mine = append(mine, regexp.QuoteMeta(n))
			}
		}
		if len(mine) == 0 {
			pkg.otherShards = true
			continue
		}
		levels := append([]string{"^(" + strings.Join(mine, "|") + ")$"}, levels[1:]...)
		pkg.bench = strings.Join(levels, "/")
	}
	return plan, nil
}

// listBenchmarks returns the top-level benchmarks of pkg's test binary whose
// names match pattern (the first level of -bench), in source order.
func listBenchmarks(ctx context.Context, opt Options, pkg *pkgInfo, pattern string) ([]string, error) {
	cmd := exec.CommandContext(ctx, pkg.binary, "-test.list="+pattern)
	cmd.Dir = pkg.Dir
	cmd.Env = opt.benchEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the benchmarks of %s: %v\n%s", pkg.ImportPath, err, stderr.String())
	}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if n := strings.TrimSpace(sc.Text()); strings.HasPrefix(n, "Benchmark") {
			names = append(names, n)
		}
	}
	return names, nil
}

// splitBench splits a -bench pattern into its levels as the testing package
// does (its splitRegexp): at each "/" outside brackets and parentheses.
func splitBench(s string) []string {
	var out []string
	cs, cp, start := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			cs++
		case ']':
			if cs--; cs < 0 {
				cs = 0
			}
		case '(':
			if cs == 0 {
				cp++
			}
		case ')':
			if cs == 0 {
				cp--
			}
		case '\\':
			i++
		case '/':
			if cs == 0 && cp == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// benchFor is the -test.bench pattern of pkg: its shard's, or opt.Bench.
func (opt *Options) benchFor(pkg *pkgInfo) string {
	if pkg.bench != "" {
		return pkg.bench
	}
	return opt.Bench
}
