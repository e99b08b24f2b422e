package conformance

import "testing"

func TestRecordedNamesExistingTests(t *testing.T) {
	ids := map[string]bool{}
	for _, x := range Tests() {
		ids[x.ID] = true
	}
	for id := range recorded {
		if !ids[id] {
			t.Errorf("evidence.go names %s, which is no test", id)
		}
	}
}
