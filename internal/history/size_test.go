package history

import (
	"testing"
	"unsafe"
)

func TestSizes(t *testing.T) {
	t.Logf("Summary %d Point %d Verdict %d Run %d", unsafe.Sizeof(Summary{}), unsafe.Sizeof(Point{}), unsafe.Sizeof(Verdict{}), unsafe.Sizeof(Run{}))
}
