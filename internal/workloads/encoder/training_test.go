package encoder_test

import (
	"testing"

	"github.com/benchsite/benchsite/internal/workloads/determinism"
	"github.com/benchsite/benchsite/internal/workloads/encoder"
	"github.com/benchsite/benchsite/internal/workloads/patients"
	"github.com/benchsite/benchsite/internal/workloads/retrieval"
)

// TestTrainingLearns trains 200 steps of batch 32 on generated patients and
// checks, on 1000 held-out patients, that the loss drops clearly and that
// retrieval recall@1 beats chance. Chance is the probability that a random
// other item shares the query's label, Σ_k n_k(n_k−1) / (n(n−1)) over the
// held-out label counts n_k: about 0.21 here, since the conditions are far
// from uniform, not 1/8.
func TestTrainingLearns(t *testing.T) {
	src := determinism.SetDeterminism(42)
	trainPs, trainX := patients.Generate(4000, src.Data)
	evalPs, evalX := patients.Generate(1000, src.Eval)
	labels := func(ps []patients.Patient) []int {
		y := make([]int, len(ps))
		for i, p := range ps {
			y[i] = p.Condition
		}
		return y
	}
	trainY, evalY := labels(trainPs), labels(evalPs)
	xEval := encoder.Gather[float64](nil, evalX, nil)

	var counts [patients.NumConditions]float64
	for _, y := range evalY {
		counts[y]++
	}
	n := float64(len(evalY))
	chance := 0.0
	for _, c := range counts {
		chance += c * (c - 1) / (n * (n - 1))
	}

	enc := encoder.New[float64](src.Model)
	evaluate := func() (loss, recall1 float64) {
		loss = enc.Loss(xEval, evalY)
		m, err := retrieval.Evaluate(enc.Forward(xEval), encoder.Embed, evalY)
		if err != nil {
			t.Fatal(err)
		}
		return loss, m.Recall[0]
	}
	loss0, recall0 := evaluate()

	s := encoder.NewSampler(len(trainY), src.Batch)
	var x []float64
	y := make([]int, 32)
	for range 200 {
		idx := s.Next(32)
		x = encoder.Gather(x, trainX, idx)
		for i, j := range idx {
			y[i] = trainY[j]
		}
		enc.TrainStep(x, y)
	}
	loss1, recall1 := evaluate()
	t.Logf("held-out loss %.3f → %.3f, recall@1 %.3f → %.3f (chance %.3f)", loss0, loss1, recall0, recall1, chance)

	if loss1 > 0.6*loss0 {
		t.Errorf("held-out loss went from %.3f to %.3f in 200 steps, want below 60%% of the start", loss0, loss1)
	}
	if recall1 < chance+0.2 || recall1 <= recall0 {
		t.Errorf("held-out recall@1 %.3f after training (%.3f before), want above chance %.3f by 0.2", recall1, recall0, chance)
	}
}
