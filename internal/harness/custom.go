package harness

import (
	"encoding/json"
	"strconv"
)

// The "custom" JSON of github-action-benchmark: an array of {"name",
// "unit", "value", "range", "extra"}. The action's users say whether
// bigger or smaller is better by the tool they pick, so do benchsite's:
// --format customBiggerIsBetter or customSmallerIsBetter. Detected without
// --format ("custom"), a file is read only when each unit itself tells the
// direction (a time, a rate, a cycle count; see ParseUnit); otherwise the
// error asks for one of the two. Times are converted to seconds; other
// units are kept as written. A value is one figure, an estimate; range
// (free text, e.g. "± 3") and extra go to extra_info.
var (
	custom = &Format{
		ID:      "custom",
		Name:    "custom",
		Harness: "github-action-benchmark custom JSON",
		Command: `echo '[{"name": "My benchmark", "unit": "ms", "value": 12.5}]' > result.json`,
		detect:  detectCustom,
		parse:   func(data []byte, name string) (*Run, error) { return parseCustom(data, name, 0) },
	}
	customBigger = &Format{
		ID:      "custom",
		Name:    "customBiggerIsBetter",
		Harness: "github-action-benchmark custom JSON (bigger is better)",
		Command: custom.Command,
		detect:  func(*sniff) bool { return false }, // only when asked for
		parse:   func(data []byte, name string) (*Run, error) { return parseCustom(data, name, +1) },
	}
	customSmaller = &Format{
		ID:      "custom",
		Name:    "customSmallerIsBetter",
		Harness: "github-action-benchmark custom JSON (smaller is better)",
		Command: custom.Command,
		detect:  func(*sniff) bool { return false },
		parse:   func(data []byte, name string) (*Run, error) { return parseCustom(data, name, -1) },
	}
)

func detectCustom(s *sniff) bool {
	return s.first == '[' && has(s.elem0, "name", "unit")
}

// parseCustom reads custom JSON; direction is +1 (bigger is better), -1
// (smaller is better) or 0 (from each unit).
func parseCustom(data []byte, name string, direction int) (*Run, error) {
	d := &jdoc{data: data, name: name}
	root, err := d.root()
	if err != nil {
		return nil, err
	}
	run := &Run{}
	var serr error
	for i, el := range d.stream(root, "", &serr) {
		field := strconv.Itoa(i)
		var r struct {
			Name  string          `json:"name"`
			Unit  *string         `json:"unit"`
			Value *json.Number    `json:"value"`
			Range json.RawMessage `json:"range"`
			Extra *string         `json:"extra"`
		}
		if err := el.decode(field, &r); err != nil {
			return nil, err
		}
		v := el.v
		switch {
		case r.Name == "":
			return nil, d.errAt(v.off, field+".name", "missing or empty; every benchmark needs a name")
		case r.Value == nil:
			return nil, d.errAt(v.off, field+".value", "missing for benchmark %q", r.Name)
		case r.Unit == nil:
			return nil, d.errAt(v.off, field+".unit", "missing for benchmark %q", r.Name)
		}
		u, uerr := ParseUnit(*r.Unit)
		switch {
		case uerr == nil && u.IsTime():
			// seconds; a time is never better bigger, whatever was asked
		case direction != 0:
			u = Unit{Name: *r.Unit, HigherIsBetter: direction > 0}
		case uerr != nil:
			return nil, d.errAt(d.at(v, "unit"), field+".unit", "benchmark %q: unit %q does not say whether bigger or smaller is better; name the format customBiggerIsBetter or customSmallerIsBetter (as the tool of github-action-benchmark): import --format customBiggerIsBetter, compare --input-format customBiggerIsBetter", r.Name, *r.Unit)
		}
		x, err := d.number(*r.Value, u, v, field, "value")
		if err != nil {
			return nil, err
		}
		b := estimated(r.Name, estimate{Center: x, What: "one value (custom JSON)"}, u)
		if len(r.Range) > 0 && string(r.Range) != "null" {
			var s string
			if json.Unmarshal(r.Range, &s) != nil {
				s = string(r.Range)
			}
			b.ExtraInfo["range"] = s
		}
		if r.Extra != nil {
			b.ExtraInfo["extra"] = *r.Extra
		}
		run.Benchmarks = append(run.Benchmarks, b)
	}
	if serr != nil {
		return nil, serr
	}
	return run, nil
}
