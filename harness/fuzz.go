package harness

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"
)

// Fuzz lets go test -fuzz search Explore's fault space (func FuzzOrders(f *testing.F) {
// harness.Fuzz(f, body) }): each input decodes, four bytes a rule, to a plan under which body runs
// once on a fresh mock in a synctest bubble, so the fuzzer's minimiser drops rules; the failing
// plan is logged as YAML. Without -fuzz, the seeds (no faults, each family alone) and saved
// inputs run. Mock only.
func Fuzz(f *testing.F, body func(t *testing.T, h *H), optFns ...func(*Options)) {
	f.Helper()
	cfg := newConfig(optFns)
	sp := newSpace(cfg.explore.kinds)
	f.Add([]byte{})
	for i := range sp.families {
		f.Add([]byte{byte(i), 1, 2, 3})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spec := sp.decode(data)
		plan, err := spec.plan()
		if err != nil {
			t.Fatalf("harness: Fuzz: the input decodes to an invalid plan (a bug of the harness): %v\n%s", err, planYAML(spec))
		}
		defer func() {
			if t.Failed() {
				t.Logf("harness: Fuzz: the fault plan of this input:\n%s", indent(planYAML(spec), "    "))
			}
		}()
		synctest.Test(t, func(t *testing.T) {
			body(t, New(t, append(slices.Clone(optFns), withFaults(plan))...))
		})
	})
}

// maxFuzzRules bounds the rules one fuzz input makes.
const maxFuzzRules = 6

// decode turns a fuzz input into a plan of the space: each four bytes are one rule, the first
// choosing its family and the other three seeding its parameters; a shorter tail is ignored.
// The plan's seed is a hash of the input.
func (s space) decode(data []byte) planSpec {
	h := fnv.New64a()
	h.Write(data)
	spec := planSpec{Seed: h.Sum64()}
	if len(s.families) == 0 {
		return spec
	}
	for i := 0; i+4 <= len(data) && len(spec.Rules) < maxFuzzRules; i += 4 {
		fam := s.families[int(data[i])%len(s.families)]
		var seed [8]byte
		copy(seed[:], data[i+1:i+4])
		r := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:]), uint64(data[i])))
		rule := fam.draw(r)
		rule.Name = fmt.Sprintf("%s-%d", rule.Kind, len(spec.Rules)+1)
		spec.Rules = append(spec.Rules, rule)
	}
	return spec
}
