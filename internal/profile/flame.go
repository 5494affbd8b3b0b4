package profile

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/timefmt"
	"github.com/google/pprof/profile"
	"golang.org/x/perf/benchunit"
)

// Node is one frame of a flame graph: a function reached by one call path.
// Value is the samples' value (in the Top's unit) under that path; the
// children's values sum to at most Value, the rest being the function's own.
type Node struct {
	Name     string  `json:"name"`
	Value    int64   `json:"value"`
	Children []*Node `json:"children,omitempty"`
}

// Flame returns p's call tree for sample type typ, root first ("total"),
// with the stacks of every sample merged by function name along the path.
// Paths worth less than minShare of the total (e.g. 0.005) are dropped, so
// the tree stays small enough to draw; children are sorted by name, as
// flame graphs are, so the same profile always draws the same.
func Flame(p *profile.Profile, typ string, minShare float64) (*Node, error) {
	idx, err := sampleIndex(p, typ)
	if err != nil {
		return nil, err
	}
	root := &Node{Name: "total"}
	kids := map[*Node]map[string]*Node{}
	for _, s := range p.Sample {
		v := s.Value[idx]
		if v <= 0 {
			continue
		}
		root.Value += v
		fr := frames(s)
		n := root
		for i := len(fr) - 1; i >= 0; i-- { // outermost first
			m := kids[n]
			if m == nil {
				m = map[string]*Node{}
				kids[n] = m
			}
			c := m[fr[i]]
			if c == nil {
				c = &Node{Name: fr[i]}
				m[fr[i]] = c
				n.Children = append(n.Children, c)
			}
			c.Value += v
			n = c
		}
	}
	prune(root, int64(minShare*float64(root.Value)))
	return root, nil
}

func prune(n *Node, min int64) {
	n.Children = slices.DeleteFunc(n.Children, func(c *Node) bool { return c.Value < min || c.Value == 0 })
	slices.SortFunc(n.Children, func(a, b *Node) int { return cmp.Compare(a.Name, b.Name) })
	for _, c := range n.Children {
		prune(c, min)
	}
}

// FormatValue writes a profile value in its unit as people read it:
// nanoseconds as a time ("1.23 ms"), bytes with a binary prefix ("12.50MiB"),
// anything else as a plain number.
func FormatValue(v int64, unit string) string {
	switch unit {
	case "nanoseconds":
		return timefmt.Short(float64(v) / 1e9)
	case "bytes":
		if v == 0 {
			return "0B"
		}
		return benchunit.Scale(float64(v), benchunit.Binary) + "B"
	}
	return strconv.FormatInt(v, 10)
}

// ShortName drops the package path from a function name
// ("github.com/x/y/encoder.(*MLP).Forward" → "encoder.(*MLP).Forward"), as
// pprof's flame graph labels do.
func ShortName(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 && !strings.Contains(name[:i], "(") {
		return name[i+1:]
	}
	return name
}
