// Package patients generates the synthetic patient records the model is
// trained and evaluated on.
//
// Every patient is drawn from the caller's *rand.Rand (see package
// determinism), in this order: condition, age, sex, six vitals, ten labs,
// diagnosis codes. The distributions, fixed by the workloads spec, are:
//
//   - condition ∈ {0..7} with P(k) ∝ 1/(k+1)
//   - age ~ Normal(55, 15) clipped to [18, 95]; sex ~ Bernoulli(0.5) (1 or 0)
//   - vital j ~ Normal(mean_j + shift, sd_j), shift = (((c·(j+3)) mod 5) − 2)·0.5·sd_j,
//     for heart_rate 75±10, sbp 125±15, dbp 80±10, temp_c 36.8±0.4,
//     resp_rate 16±3, spo2 97±1.5
//   - lab j = exp(Normal(μ_j + 0.3·(((c + j) mod 3) − 1), 0.25)), μ_j = 2j/9
//   - Poisson(3)+1 diagnosis codes from a vocabulary of 512; each is, with
//     probability 0.7, c·64 + Uniform{0..63}, else Uniform{0..511}
//     (duplicates are kept, as independent draws give them)
//
// The feature row of a patient has NumFeatures values: [0] (age−55)/15,
// [1] sex, [2..7] the vitals z-scored with their own mean/sd, [8..17]
// (log(lab_j) − μ_j)/0.25, [18..63] multi-hot of code mod 46.
package patients

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Sizes of the record and of the feature row.
const (
	NumConditions = 8
	NumVitals     = 6
	NumLabs       = 10
	CodeVocab     = 512
	CodeBuckets   = 46 // multi-hot width: code mod 46
	NumFeatures   = 2 + NumVitals + NumLabs + CodeBuckets

	// Offsets of the feature groups in a feature row.
	FeatAge    = 0
	FeatSex    = 1
	FeatVitals = 2
	FeatLabs   = FeatVitals + NumVitals
	FeatCodes  = FeatLabs + NumLabs
)

// Age distribution.
const (
	AgeMean, AgeSD = 55.0, 15.0
	AgeMin, AgeMax = 18.0, 95.0
)

// Lab and code parameters.
const (
	LabSD          = 0.25
	LabShift       = 0.3
	CodeMeanExtra  = 3.0 // Poisson mean; a patient has Poisson(3)+1 codes
	CodeInBlock    = 0.7 // probability a code comes from the condition's block
	CodeBlockWidth = 64
)

// VitalNames, VitalMean and VitalSD describe the six vitals, in order.
var (
	VitalNames = [NumVitals]string{"heart_rate", "sbp", "dbp", "temp_c", "resp_rate", "spo2"}
	VitalMean  = [NumVitals]float64{75, 125, 80, 36.8, 16, 97}
	VitalSD    = [NumVitals]float64{10, 15, 10, 0.4, 3, 1.5}
)

// Patient is one synthetic record.
type Patient struct {
	Condition int // 0..7
	Age       float64
	Sex       int // 0 or 1
	Vitals    [NumVitals]float64
	Labs      [NumLabs]float64 // positive; log-normal
	Codes     []int            // 1 or more codes in [0, CodeVocab)
}

// VitalShift is the condition's shift of vital j, in the vital's units.
func VitalShift(condition, j int) float64 {
	return float64((condition*(j+3))%5-2) * 0.5 * VitalSD[j]
}

// LabMu is μ_j, the base mean of log(lab_j).
func LabMu(j int) float64 { return 2 * float64(j) / 9 }

// LabLogMean is the mean of log(lab_j) for a condition.
func LabLogMean(condition, j int) float64 {
	return LabMu(j) + LabShift*float64((condition+j)%3-1)
}

// ConditionProb returns P(condition = k) ∝ 1/(k+1).
func ConditionProb(k int) float64 { return (1 / float64(k+1)) / harmonic }

var (
	harmonic     float64                // Σ_{k<8} 1/(k+1)
	conditionCDF [NumConditions]float64 // inverse-CDF table
	poissonCDF   []float64              // Poisson(3) CDF up to where it rounds to 1
)

func init() {
	for k := range NumConditions {
		harmonic += 1 / float64(k+1)
	}
	acc := 0.0
	for k := range NumConditions {
		acc += ConditionProb(k)
		conditionCDF[k] = acc
	}
	conditionCDF[NumConditions-1] = 1
	p := math.Exp(-CodeMeanExtra)
	acc = 0
	for k := 0; acc < 1 && k < 64; k++ {
		acc += p
		poissonCDF = append(poissonCDF, acc)
		p *= CodeMeanExtra / float64(k+1)
	}
	// The sum may stop a rounding error short of 1; the last entry takes
	// the rest of the mass rather than a draw falling off the table.
	poissonCDF[len(poissonCDF)-1] = 1
}

// Generate draws n patients from rng and returns them with their n×64
// feature matrix (row i belongs to patient i). n = 0 gives an empty slice and
// a nil matrix.
func Generate(n int, rng *rand.Rand) ([]Patient, *mat.Dense) {
	if n < 0 {
		panic(fmt.Sprintf("patients.Generate: n = %d, want n >= 0", n))
	}
	if n == 0 {
		return []Patient{}, nil
	}
	ps := make([]Patient, n)
	feats := make([]float64, n*NumFeatures)
	// All codes share one backing array, sized so that it almost never
	// grows: the code count has mean 4 and variance 3 per patient.
	codes := make([]int, 0, 4*n+4*int(math.Sqrt(3*float64(n)))+16)
	ends := make([]int, n) // where each patient's codes end in codes
	for i := range ps {
		codes = draw(&ps[i], feats[i*NumFeatures:(i+1)*NumFeatures], codes, rng)
		ends[i] = len(codes)
	}
	start := 0
	for i := range ps {
		ps[i].Codes = codes[start:ends[i]:ends[i]]
		start = ends[i]
	}
	return ps, mat.NewDense(n, NumFeatures, feats)
}

// draw fills p and its feature row f (all zero on entry), appending the codes
// to codes.
func draw(p *Patient, f []float64, codes []int, rng *rand.Rand) []int {
	c := inverseCDF(conditionCDF[:], rng.Float64())
	p.Condition = c

	age := rng.NormFloat64()*AgeSD + AgeMean
	age = min(max(age, AgeMin), AgeMax)
	p.Age = age
	f[FeatAge] = (age - AgeMean) / AgeSD

	if rng.Uint64()&1 == 1 {
		p.Sex = 1
		f[FeatSex] = 1
	}

	for j := range NumVitals {
		v := rng.NormFloat64()*VitalSD[j] + VitalMean[j] + VitalShift(c, j)
		p.Vitals[j] = v
		f[FeatVitals+j] = (v - VitalMean[j]) / VitalSD[j]
	}

	for j := range NumLabs {
		z := rng.NormFloat64()*LabSD + LabLogMean(c, j)
		p.Labs[j] = math.Exp(z)
		// log(lab_j) is z; using z itself skips a log that could only
		// add rounding.
		f[FeatLabs+j] = (z - LabMu(j)) / LabSD
	}

	k := 1 + inverseCDF(poissonCDF, rng.Float64())
	for range k {
		var code int
		if rng.Float64() < CodeInBlock {
			code = c*CodeBlockWidth + rng.IntN(CodeBlockWidth)
		} else {
			code = rng.IntN(CodeVocab)
		}
		codes = append(codes, code)
		f[FeatCodes+code%CodeBuckets] = 1
	}
	return codes
}

// inverseCDF returns the first k with u < cdf[k] (len(cdf)−1 if none).
func inverseCDF(cdf []float64, u float64) int {
	for k, c := range cdf {
		if u < c {
			return k
		}
	}
	return len(cdf) - 1
}
