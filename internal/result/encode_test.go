package result_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// reference is what Encode wrote before it wrote the file by hand:
// encoding/json's Encoder, indented by four spaces.
func reference(t *testing.T, f *result.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "    ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fill sets every settable field under v to a value that is not the zero
// one, so that a field added to File, Benchmark or Stats and not written
// by Encode's hand-written encoder fails TestEncodeIsEncodingJSON. n varies
// the values (times that print with an exponent, HTML to escape).
func fill(v reflect.Value, n int) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).CanSet() {
				fill(v.Field(i), n+i)
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d <script>&é\u2028", n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(n + 1))
	case reflect.Float64:
		v.SetFloat([]float64{1.25e-7, 0.5, 3e21, 123456.789, 1e-6}[n%5])
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 3, 3)
		for i := 0; i < 3; i++ {
			fill(s.Index(i), n+i)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := 0; i < 2; i++ {
			k := reflect.New(v.Type().Key()).Elem()
			fill(k, n+i)
			e := reflect.New(v.Type().Elem()).Elem()
			if e.Kind() == reflect.Interface {
				e.Set(reflect.ValueOf([]any{n, "<b>", map[string]any{"x": 1.5e-9}}[i%3]))
			} else {
				fill(e, n+i)
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	}
}

// Encode writes what encoding/json writes, byte for byte: for every
// field set, for the omitempty fields left out one by one, and for every
// result file of the testdata.
func TestEncodeIsEncodingJSON(t *testing.T) {
	var full result.File
	fill(reflect.ValueOf(&full).Elem(), 0)
	cases := map[string]*result.File{"every field": &full, "zero": {}, "no benchmarks": {Benchmarks: []result.Benchmark{}}}
	for i, cut := range []func(f *result.File){
		func(f *result.File) { f.Shard = nil },
		func(f *result.File) { f.Failures = nil },
		func(f *result.File) { f.Paired = nil },
		func(f *result.File) { f.Shard, f.Failures, f.Paired = nil, nil, nil },
		func(f *result.File) { f.Benchmarks[0].Stats.Data = nil },
		func(f *result.File) { f.Benchmarks[1].Stats.Iterations = 0 },
		func(f *result.File) { f.Benchmarks[2].Stats.Data, f.Benchmarks[2].Stats.Iterations = nil, 0 },
		func(f *result.File) { f.Benchmarks[0].ExtraInfo, f.Benchmarks[0].Params = nil, map[string]any{} },
	} {
		var f result.File
		fill(reflect.ValueOf(&f).Elem(), i)
		cut(&f)
		cases[fmt.Sprint("cut ", i)] = &f
	}
	for _, p := range fixturePaths(t) {
		if f, err := result.ReadFile(p); err == nil {
			cases[p] = f
		}
	}
	if len(cases) < 15 {
		t.Fatalf("only %d cases: the fixtures are missing", len(cases))
	}
	for name, f := range cases {
		got, err := result.Encode(f)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if want := reference(t, f); !bytes.Equal(got, want) {
			os.WriteFile(filepath.Join(t.TempDir(), "got.json"), got, 0o644)
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s: Encode differs from encoding/json at byte %d:\n got …%s…\nwant …%s…", name, i,
				got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
		}
	}
	// A non-finite statistic is refused as encoding/json refuses it.
	full.Benchmarks[1].Stats.Data[2] = full.Benchmarks[1].Stats.Mean / 0 * 0 // NaN
	if _, err := result.Encode(&full); err == nil || err.Error() != "json: unsupported value: NaN" {
		t.Errorf("a NaN sample: %v", err)
	}
}
