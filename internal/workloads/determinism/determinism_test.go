package determinism

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"runtime"
	"testing"
)

func TestSameSeedSameStreams(t *testing.T) {
	a, b, c := SetDeterminism(5), SetDeterminism(5), SetDeterminism(6)
	for st := range numStreams {
		x, y, z := a.Rand(st).Uint64(), b.Rand(st).Uint64(), c.Rand(st).Uint64()
		if x != y {
			t.Errorf("stream %d: seed 5 gave %x and %x", st, x, y)
		}
		if x == z {
			t.Errorf("stream %d: seeds 5 and 6 both gave %x", st, x)
		}
		if w := New(5, st).Uint64(); w != x {
			t.Errorf("New(5, %d) starts with %x, SetDeterminism(5) with %x", st, w, x)
		}
	}
	if a.Data != a.Rand(Data) || a.Model != a.Rand(Model) || a.Batch != a.Rand(Batch) || a.Eval != a.Rand(Eval) {
		t.Error("named fields do not point at the streams")
	}
}

func TestStreamsAreIndependent(t *testing.T) {
	s := SetDeterminism(1)
	seen := map[uint64]Stream{}
	for st := range numStreams {
		for range 100 {
			v := s.Rand(st).Uint64()
			if prev, ok := seen[v]; ok {
				t.Fatalf("streams %d and %d produced the same value %x", prev, st, v)
			}
			seen[v] = st
		}
	}
}

func TestDeterminismInfo(t *testing.T) {
	a, b, c := DeterminismInfo(5), DeterminismInfo(5), DeterminismInfo(6)
	if a != b {
		t.Fatalf("same seed, different info: %+v vs %+v", a, b)
	}
	if a.Fingerprint == c.Fingerprint {
		t.Fatal("seeds 5 and 6 have the same fingerprint")
	}
	if a.Seed != 5 || a.GoVersion != runtime.Version() || a.GOOS != runtime.GOOS || a.GOARCH != runtime.GOARCH ||
		a.GOMAXPROCS != runtime.GOMAXPROCS(0) || a.NumCPU != runtime.NumCPU() || a.Backend == "" {
		t.Fatalf("info %+v does not describe this process", a)
	}
	// The hand-written FNV-1a agrees with hash/fnv over the same draws.
	h := fnv.New64a()
	for st := range numStreams {
		r := New(5, st)
		for range FingerprintDraws {
			h.Write(binary.LittleEndian.AppendUint64(nil, r.Uint64()))
		}
	}
	if want := fmt.Sprintf("%016x", h.Sum64()); a.Fingerprint != want {
		t.Fatalf("fingerprint %s, want %s (FNV-1a of the first %d draws of each stream)", a.Fingerprint, want, FingerprintDraws)
	}
}
