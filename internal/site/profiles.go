package site

import (
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path"

	"github.com/benchsite/benchsite/internal/numfmt"
	"github.com/benchsite/benchsite/internal/profile"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
)

// ProfileView is one run's profile of a benchmark (benchsite run
// --profile), as its page shows it: the top functions by cumulative value
// and a flame graph. Every string comes from the profile or the result
// file, so it reaches HTML only through the template's escaping.
type ProfileView struct {
	Run       RunRef
	Kind      string // "cpu", "mem", "block", "mutex"
	What      string // "CPU time", "allocated bytes", …
	File      string // the file name, e.g. "BenchmarkX.pprof"
	URL       string // the copied .pprof from the site root
	Rounds    int    // profiled rounds (0: not recorded)
	Processes int
	Total     string
	Funcs     []ProfileFunc
	// Flame is the flame graph (root at the top) in a 1000 × FlameHeight
	// viewBox.
	Flame       []FlameRect
	FlameHeight int
}

// ProfileFunc is one row of the top functions table.
type ProfileFunc struct {
	Name, Short                string
	Flat, FlatPct, Cum, CumPct string
}

// FlameRect is one frame of the flame graph.
type FlameRect struct {
	X, Y, W      float64
	TextX, TextY float64
	Text         string // the label, cut to fit; "" when too narrow
	Title        string // the tooltip: full name, value, share
	Fill         string
}

// Limits of what a page shows of a profile.
const (
	profileTopN     = 25
	flameMinShare   = 0.002 // 2 of the 1000 units of width
	flameMaxDepth   = 40
	flameRowHeight  = 18
	flameViewWidth  = 1000.0
	flameCharWidth  = 6.6 // average label character width at font-size 11
	flameMinLabelPx = 24
)

var profileWhat = map[profile.Kind]string{
	profile.CPU: "CPU time", profile.Mem: "allocated bytes",
	profile.Block: "time blocked", profile.Mutex: "mutex wait",
}

// profileOf returns where a point's profile is in the history and its kind;
// ok is false when the benchmark has none or its options do not name a
// usable file (warned).
func (b *builder) profileOf(p point, name string) (src string, kind profile.Kind, ok bool) {
	k, file, has := p.Sum.Profile()
	if !has {
		return "", "", false
	}
	kind, err := profile.ParseKind(k)
	if err == nil {
		src, err = storage.ProfilePath(p.Run.Path, file)
	}
	if err != nil {
		b.warnLocked("%s, %q: options.%s: %v; profile left out", p.Run.Path, name, result.OptProfile, err)
		return "", "", false
	}
	return src, kind, true
}

// addProfiles copies every profile of bn's runs into the site
// (profiles/<machine>/<run label>/<file>), links them from the runs tables
// and summarises each machine's newest one. A missing or unreadable profile
// is a warning: the benchmark's figures do not depend on it.
func (b *builder) addProfiles(bn *bench, bp *BenchPage) error {
	return eachMachine(bn, bp, func(s *series, bm *BenchMachine) error {
		bm.GCOff = bm.Latest.GCOff
		// Every run's profile is copied; the benchmark page's runs table
		// and run picker link those of their rows, the older pages of the
		// table (runs.go) take theirs from bm.profiles.
		rowOf := map[int][]*RunRow{}
		for i := range bm.Runs {
			rowOf[bm.Runs[i].Index] = append(rowOf[bm.Runs[i].Index], &bm.Runs[i])
		}
		for i := range bm.Recent {
			rowOf[bm.Recent[i].Index] = append(rowOf[bm.Recent[i].Index], &bm.Recent[i])
		}
		bm.profiles = map[int]string{}
		for j := len(s.Points) - 1; j >= 0; j-- { // newest first
			pt := s.Points[j]
			src, kind, ok := b.profileOf(pt, bn.Name)
			if !ok {
				continue
			}
			data, err := os.ReadFile(src)
			if err != nil {
				b.warnLocked("%s: profile of %q: %v; left out", pt.Run.Path, bn.Name, err)
				continue
			}
			file := path.Base(src)
			rel := path.Join("profiles", pt.Run.Machine.ID, pt.Run.Label, file)
			if err := b.writeFile(rel, data); err != nil {
				return err
			}
			url := siteURL(rel)
			bm.profiles[j] = url
			for _, rr := range rowOf[j] {
				rr.Profile = url
			}
			if bm.Profile != nil {
				continue
			}
			v, err := profileView(data, kind, src)
			if err != nil {
				b.warnLocked("%v; its summary is left out", err)
				continue
			}
			v.Run, v.File, v.URL = b.runRef(pt.Run), file, url
			v.Rounds, v.Processes = optInt(pt.Sum.Options(), result.OptProfileRounds), optInt(pt.Sum.Options(), result.OptProfileProcesses)
			bm.Profile = v
		}
		return nil
	})
}

func optInt(options map[string]any, key string) int {
	if f, ok := options[key].(float64); ok && f >= 0 && f < 1e9 && f == math.Trunc(f) {
		return int(f)
	}
	if n, ok := options[key].(int); ok {
		return n
	}
	return 0
}

// profileView summarises a profile for its page.
func profileView(data []byte, kind profile.Kind, name string) (*ProfileView, error) {
	p, err := profile.Parse(data, name)
	if err != nil {
		return nil, err
	}
	top, err := profile.Summarize(p, kind.SampleType(), profileTopN)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	root, err := profile.Flame(p, kind.SampleType(), flameMinShare)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	v := &ProfileView{Kind: string(kind), What: profileWhat[kind], Total: profile.FormatValue(top.Total, top.Unit)}
	for _, f := range top.Funcs {
		v.Funcs = append(v.Funcs, ProfileFunc{
			Name: f.Name, Short: profile.ShortName(f.Name),
			Flat: profile.FormatValue(f.Flat, top.Unit), FlatPct: numfmt.Share(top.Share(f.Flat), 1),
			Cum: profile.FormatValue(f.Cum, top.Unit), CumPct: numfmt.Share(top.Share(f.Cum), 1),
		})
	}
	if root.Value > 0 {
		depth := 0
		flameLayout(root, 0, flameViewWidth, 0, root.Value, top.Unit, &v.Flame, &depth)
		v.FlameHeight = (depth + 1) * flameRowHeight
	}
	return v, nil
}

// flameLayout places n and its children: each frame as wide as its share
// of the total, children left to right under their parent.
func flameLayout(n *profile.Node, x, w float64, depth int, total int64, unit string, out *[]FlameRect, maxDepth *int) {
	if depth >= flameMaxDepth {
		return
	}
	*maxDepth = max(*maxDepth, depth)
	name := profile.ShortName(n.Name)
	r := FlameRect{
		X: round2(x), Y: float64(depth * flameRowHeight), W: round2(w), TextX: round2(x + 3), TextY: float64(depth*flameRowHeight + 13),
		Title: fmt.Sprintf("%s — %s (%s)", n.Name, profile.FormatValue(n.Value, unit), numfmt.Share(float64(n.Value)/float64(total), 1)),
		Fill:  flameColour(n.Name),
	}
	if w >= flameMinLabelPx {
		r.Text = fitLabel(name, int((w-6)/flameCharWidth))
	}
	*out = append(*out, r)
	cx := x
	for _, c := range n.Children {
		cw := w * float64(c.Value) / float64(n.Value)
		flameLayout(c, cx, cw, depth+1, total, unit, out, maxDepth)
		cx += cw
	}
}

// fitLabel cuts s to at most n characters, ending in "…" when cut.
func fitLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n < 3 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

// flameColour is a warm colour chosen by the function's name, so a
// function has the same colour wherever it appears and in every build.
func flameColour(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	v := h.Sum32()
	return fmt.Sprintf("hsl(%d,%d%%,%d%%)", 10+v%40, 70+(v>>8)%20, 60+(v>>16)%15)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// warnLocked is warn for code running on several goroutines.
func (b *builder) warnLocked(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.warn(format, args...)
}
