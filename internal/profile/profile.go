// Package profile reads, merges and summarises the pprof profiles that Go
// test binaries write (-test.cpuprofile, -test.memprofile,
// -test.blockprofile, -test.mutexprofile), for benchsite's --profile.
//
// Profiles are read and written with github.com/google/pprof/profile, the
// library behind `go tool pprof`: the protocol-buffer format is parsed, never
// pprof's text output. Per-process profiles of one benchmark are merged with
// profile.Merge (sample values of identical stacks add up), so the merged
// file opens in `go tool pprof` like any other.
//
// Summaries are computed as `go tool pprof -top -cum` does, per function
// (all inlined frames counted as their own functions):
//
//   - flat: the value of the samples whose innermost frame is the function
//     (time spent in the function itself, or bytes it allocated itself);
//   - cum: the value of the samples with the function anywhere on the
//     stack, each sample counted once however often the function recurses.
//
// This is pytest-benchmark's --benchmark-cprofile table (tottime, cumtime)
// for Go's sampled profiles. Values are estimates from sampling: a CPU
// profile samples at 100 Hz, a heap profile every 512 KiB allocated on
// average, so a function with few samples has a large relative error.
package profile

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

// Kind is what a profile measures.
type Kind string

// The kinds of profile a Go test binary writes.
const (
	CPU   Kind = "cpu"   // CPU time (-test.cpuprofile)
	Mem   Kind = "mem"   // heap allocations (-test.memprofile)
	Block Kind = "block" // time blocked on channels and locks (-test.blockprofile)
	Mutex Kind = "mutex" // time others waited for mutexes held (-test.mutexprofile)
)

// Kinds lists every Kind, in the order the usage text names them.
var Kinds = []Kind{CPU, Mem, Block, Mutex}

// ParseKind returns the Kind named s, or an error listing the kinds.
// "heap" (go tool pprof's and net/http/pprof's name) is Mem.
func ParseKind(s string) (Kind, error) {
	if s == "heap" {
		return Mem, nil
	}
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown profile %q: use one of %s", s, strings.Join(names, ", "))
}

// TestFlags returns the test binary flags that make it write this kind of
// profile to path (absolute, so -test.outputdir does not move it). Block and
// mutex profiles record every event (rate and fraction 1, go test's
// defaults); heap profiles keep the runtime's default sampling (one sample
// per 512 KiB on average), which does not slow the benchmark down.
func (k Kind) TestFlags(path string) []string {
	switch k {
	case CPU:
		return []string{"-test.cpuprofile=" + path}
	case Mem:
		return []string{"-test.memprofile=" + path}
	case Block:
		return []string{"-test.blockprofile=" + path, "-test.blockprofilerate=1"}
	case Mutex:
		return []string{"-test.mutexprofile=" + path, "-test.mutexprofilefraction=1"}
	}
	return nil
}

// SampleType is the sample type a summary of this kind reads: "cpu"
// (nanoseconds), "alloc_space" (bytes allocated over the process's life,
// freed or not), or "delay" (nanoseconds) for block and mutex profiles.
func (k Kind) SampleType() string {
	switch k {
	case Mem:
		return "alloc_space"
	case Block, Mutex:
		return "delay"
	}
	return "cpu"
}

// Parse decodes one profile (gzipped or not, as pprof files come); name is
// used in errors.
func Parse(data []byte, name string) (*profile.Profile, error) {
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: not a pprof profile: %v", name, err)
	}
	return p, nil
}

// Merge parses each profile and merges them into one: the values of samples
// with the same stack and labels add up. The profiles must be of the same
// kind (same sample and period types); names are used in errors and have
// one entry per profile.
func Merge(data [][]byte, names []string) (*profile.Profile, error) {
	if len(data) == 0 {
		return nil, errors.New("no profiles to merge")
	}
	ps := make([]*profile.Profile, len(data))
	for i, d := range data {
		p, err := Parse(d, names[i])
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	m, err := profile.Merge(ps)
	if err != nil {
		return nil, fmt.Errorf("merging %s: %v", strings.Join(names, ", "), err)
	}
	return m, nil
}

// Encode writes p in pprof's gzipped protocol-buffer format, the file format
// `go tool pprof` opens.
func Encode(p *profile.Profile) ([]byte, error) {
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Func is one function's share of a profile, in the summary's unit.
type Func struct {
	Name string
	Flat int64 // samples whose innermost frame is this function
	Cum  int64 // samples with this function anywhere on the stack
}

// Top is a profile's summary: its functions by cumulative value.
type Top struct {
	SampleType string // e.g. "cpu", "alloc_space"
	Unit       string // "nanoseconds", "bytes" or "count"
	Total      int64  // sum over every sample
	Funcs      []Func // by Cum, then Flat (both descending), then Name
}

// sampleIndex returns the index of the sample type named typ.
func sampleIndex(p *profile.Profile, typ string) (int, error) {
	var have []string
	for i, st := range p.SampleType {
		if st.Type == typ {
			return i, nil
		}
		have = append(have, strconv.Quote(st.Type)) // untrusted: quoted
	}
	return 0, fmt.Errorf("profile has no %q samples (it has %s)", typ, strings.Join(have, ", "))
}

// frames returns the function names of a sample's stack, innermost first;
// inlined functions are frames of their own, as pprof shows them. A
// location without symbols is named by its address.
func frames(s *profile.Sample) []string {
	var out []string
	for _, loc := range s.Location {
		if len(loc.Line) == 0 {
			out = append(out, fmt.Sprintf("0x%x", loc.Address))
			continue
		}
		for _, ln := range loc.Line { // Line[0] is the innermost
			name := "?"
			if ln.Function != nil && ln.Function.Name != "" {
				name = ln.Function.Name
			}
			out = append(out, name)
		}
	}
	return out
}

// Summarize returns the functions of p by cumulative value of sample type
// typ (see Kind.SampleType), at most n of them (n ≤ 0: all).
func Summarize(p *profile.Profile, typ string, n int) (*Top, error) {
	idx, err := sampleIndex(p, typ)
	if err != nil {
		return nil, err
	}
	t := &Top{SampleType: typ, Unit: p.SampleType[idx].Unit}
	byName := map[string]*Func{}
	get := func(name string) *Func {
		f := byName[name]
		if f == nil {
			f = &Func{Name: name}
			byName[name] = f
		}
		return f
	}
	seen := map[string]bool{}
	for _, s := range p.Sample {
		v := s.Value[idx]
		if v == 0 {
			continue
		}
		t.Total += v
		fr := frames(s)
		if len(fr) == 0 {
			continue
		}
		get(fr[0]).Flat += v
		clear(seen)
		for _, name := range fr {
			if !seen[name] {
				seen[name] = true
				get(name).Cum += v
			}
		}
	}
	for _, f := range byName {
		t.Funcs = append(t.Funcs, *f)
	}
	slices.SortFunc(t.Funcs, func(a, b Func) int {
		if c := cmp.Compare(b.Cum, a.Cum); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Flat, a.Flat); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	if n > 0 && len(t.Funcs) > n {
		t.Funcs = t.Funcs[:n]
	}
	return t, nil
}

// Share returns v as a fraction of the total (0 when the profile is empty).
func (t *Top) Share(v int64) float64 {
	if t.Total == 0 {
		return 0
	}
	return float64(v) / float64(t.Total)
}
