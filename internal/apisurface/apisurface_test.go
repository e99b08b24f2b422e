package apisurface

import (
	"strings"
	"testing"
)

// budget is issue 18's ceiling on the public surface, lowered as the 0.2 API lands; the
// design (ARCHITECTURE.md, "The public API (0.2)") aims at 200.
const budget = 382

// TestPublicSurface counts the exported identifiers of the public packages and fails above the
// budget. With -v it lists them.
func TestPublicSurface(t *testing.T) {
	pkgs, err := Count("../..")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range pkgs {
		total += len(p.Names)
		t.Logf("%-28s %3d  %s", p.Path, len(p.Names), strings.Join(p.Names, " "))
	}
	t.Logf("total %d (budget %d)", total, budget)
	if total > budget {
		t.Errorf("the public packages export %d identifiers, over the budget of %d: unexport or merge (ARCHITECTURE.md, \"The public API (0.2)\")", total, budget)
	}
}
