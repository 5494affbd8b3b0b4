package patients

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/benchsite/benchsite/internal/workloads/determinism"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

func gen(t *testing.T, n int, seed uint64) ([]Patient, *mat.Dense) {
	t.Helper()
	ps, x := Generate(n, determinism.New(seed, determinism.Data))
	if len(ps) != n {
		t.Fatalf("Generate(%d): %d patients", n, len(ps))
	}
	if r, c := x.Dims(); r != n || c != NumFeatures {
		t.Fatalf("Generate(%d): features %d×%d, want %d×%d", n, r, c, n, NumFeatures)
	}
	return ps, x
}

// The feature row is a function of the record; check it element by element.
func TestFeaturesMatchRecords(t *testing.T) {
	ps, x := gen(t, 2000, 3)
	for i, p := range ps {
		want := make([]float64, NumFeatures)
		want[FeatAge] = (p.Age - 55) / 15
		want[FeatSex] = float64(p.Sex)
		for j := range NumVitals {
			want[FeatVitals+j] = (p.Vitals[j] - VitalMean[j]) / VitalSD[j]
		}
		for j := range NumLabs {
			want[FeatLabs+j] = (math.Log(p.Labs[j]) - 2*float64(j)/9) / 0.25
		}
		if len(p.Codes) == 0 {
			t.Fatalf("patient %d has no codes", i)
		}
		for _, c := range p.Codes {
			if c < 0 || c >= CodeVocab {
				t.Fatalf("patient %d: code %d outside [0, 512)", i, c)
			}
			want[FeatCodes+c%46] = 1
		}
		if p.Sex != 0 && p.Sex != 1 {
			t.Fatalf("patient %d: sex %d", i, p.Sex)
		}
		for f := range NumFeatures {
			if got := x.At(i, f); math.Abs(got-want[f]) > 1e-12 {
				t.Fatalf("patient %d feature %d = %v, want %v (record %+v)", i, f, got, want[f], p)
			}
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, xa := gen(t, 500, 7)
	b, xb := gen(t, 500, 7)
	c, xc := gen(t, 500, 8)
	for i := range a {
		if a[i].Condition != b[i].Condition || a[i].Age != b[i].Age || a[i].Vitals != b[i].Vitals ||
			a[i].Labs != b[i].Labs || !equalInts(a[i].Codes, b[i].Codes) {
			t.Fatalf("same seed, patient %d differs: %+v vs %+v", i, a[i], b[i])
		}
	}
	if !bitEqual(xa.RawMatrix().Data, xb.RawMatrix().Data) {
		t.Fatal("same seed gave different feature matrices")
	}
	if bitEqual(xa.RawMatrix().Data, xc.RawMatrix().Data) || a[0].Age == c[0].Age {
		t.Fatal("seeds 7 and 8 gave the same patients")
	}
}

func TestGenerateEdgeSizes(t *testing.T) {
	ps, x := Generate(0, rand.New(rand.NewPCG(1, 1)))
	if len(ps) != 0 || x != nil {
		t.Fatalf("Generate(0) = %d patients, %v", len(ps), x)
	}
	ps, _ = Generate(1, rand.New(rand.NewPCG(1, 1)))
	if len(ps) != 1 || len(ps[0].Codes) == 0 {
		t.Fatalf("Generate(1) = %+v", ps)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Generate(-1) did not panic")
		}
	}()
	Generate(-1, rand.New(rand.NewPCG(1, 1)))
}

// within fails the test when |got − want| > k standard errors.
func within(t *testing.T, what string, got, want, se float64) {
	t.Helper()
	const k = 5 // 5σ: a correct generator fails about once in 3.5 million checks
	if math.IsNaN(got) || math.Abs(got-want) > k*se {
		t.Errorf("%s = %.5f, want %.5f ± %.5f (5 standard errors)", what, got, want, k*se)
	}
}

// TestDistributions checks 100,000 patients against the spec. Every tolerance
// is 5 standard errors of the estimate, far tighter than the gap a wrong
// formula opens (the smallest such gap, a vital shift, is 0.5 sd against a
// tolerance of about 0.07 sd).
func TestDistributions(t *testing.T) {
	const n = 100_000
	ps, _ := gen(t, n, 2024)

	// Conditions.
	var count [NumConditions]int
	for _, p := range ps {
		count[p.Condition]++
	}
	for k := range NumConditions {
		p := 1 / float64(k+1) / 2.717857142857143 // H_8
		within(t, "P(condition="+string(rune('0'+k))+")", float64(count[k])/n, p, math.Sqrt(p*(1-p)/n))
	}

	// Age: censored Normal(55, 15) on [18, 95]. The expected moments come
	// from the censored density: point masses at the bounds plus the
	// normal density between them.
	norm := distuv.Normal{Mu: 55, Sigma: 15}
	pLo, pHi := norm.CDF(18), 1-norm.CDF(95)
	moment := func(pow float64) float64 {
		in := quad.Fixed(func(x float64) float64 { return math.Pow(x, pow) * norm.Prob(x) }, 18, 95, 200, nil, 0)
		return pLo*math.Pow(18, pow) + pHi*math.Pow(95, pow) + in
	}
	m1, m2 := moment(1), moment(2)
	sd := math.Sqrt(m2 - m1*m1)
	var ages []float64
	atLo, atHi := 0, 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range ps {
		ages = append(ages, p.Age)
		lo, hi = min(lo, p.Age), max(hi, p.Age)
		if p.Age == 18 {
			atLo++
		}
		if p.Age == 95 {
			atHi++
		}
	}
	if lo != 18 || hi != 95 {
		t.Errorf("age range [%v, %v], want exactly [18, 95] (clipped)", lo, hi)
	}
	am, asd := meanSD(ages)
	within(t, "mean age", am, m1, sd/math.Sqrt(n))
	within(t, "sd of age", asd, sd, sd/math.Sqrt(2*n)*1.2)
	within(t, "share of ages clipped to 18", float64(atLo)/n, pLo, math.Sqrt(pLo/n))
	within(t, "share of ages clipped to 95", float64(atHi)/n, pHi, math.Sqrt(pHi/n))

	// Sex.
	males := 0
	for _, p := range ps {
		males += p.Sex
	}
	within(t, "P(sex=1)", float64(males)/n, 0.5, math.Sqrt(0.25/n))

	// Vitals and labs, per condition: means and sds.
	for c := range NumConditions {
		var vit [NumVitals][]float64
		var lab [NumLabs][]float64
		for _, p := range ps {
			if p.Condition != c {
				continue
			}
			for j := range NumVitals {
				vit[j] = append(vit[j], p.Vitals[j])
			}
			for j := range NumLabs {
				if p.Labs[j] <= 0 {
					t.Fatalf("lab %d = %v, want > 0", j, p.Labs[j])
				}
				lab[j] = append(lab[j], math.Log(p.Labs[j]))
			}
		}
		nc := float64(count[c])
		for j := range NumVitals {
			m, s := meanSD(vit[j])
			shift := float64((c*(j+3))%5-2) * 0.5 * VitalSD[j]
			name := VitalNames[j] + " | condition " + string(rune('0'+c))
			within(t, "mean "+name, m, VitalMean[j]+shift, VitalSD[j]/math.Sqrt(nc))
			within(t, "sd "+name, s, VitalSD[j], VitalSD[j]/math.Sqrt(2*nc))
		}
		for j := range NumLabs {
			m, s := meanSD(lab[j])
			want := 2*float64(j)/9 + 0.3*float64((c+j)%3-1)
			name := "log lab " + string(rune('0'+j)) + " | condition " + string(rune('0'+c))
			within(t, "mean "+name, m, want, 0.25/math.Sqrt(nc))
			within(t, "sd "+name, s, 0.25, 0.25/math.Sqrt(2*nc))
		}
	}

	// Diagnosis codes: Poisson(3)+1 per patient, 70% from the condition's
	// block of 64 (plus the 1/8 of uniform draws that land there too).
	var counts []float64
	inBlock, total := 0, 0
	for _, p := range ps {
		counts = append(counts, float64(len(p.Codes)))
		for _, code := range p.Codes {
			total++
			if code/64 == p.Condition {
				inBlock++
			}
		}
	}
	cm, csd := meanSD(counts)
	within(t, "mean number of codes", cm, 4, math.Sqrt(3.0/n))
	within(t, "variance of number of codes", csd*csd, 3, math.Sqrt(2*9.0/n+3.0/n))
	pb := 0.7 + 0.3*64.0/512
	within(t, "share of codes in the condition's block", float64(inBlock)/float64(total), pb,
		math.Sqrt(pb*(1-pb)/float64(total)))
	if mn := minFloat(counts); mn != 1 {
		t.Errorf("fewest codes = %v, want 1 (Poisson(3)+1)", mn)
	}
}

func meanSD(x []float64) (m, sd float64) {
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	for _, v := range x {
		sd += (v - m) * (v - m)
	}
	return m, math.Sqrt(sd / float64(len(x)-1))
}

func minFloat(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		m = min(m, v)
	}
	return m
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func bitEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
