package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/conformance/internal/suite"
)

// TestMarkdownShowsEvidence checks that the matrix has an evidence column linked to a citation
// for every behaviour, and that the summary counts each level.
func TestMarkdownShowsEvidence(t *testing.T) {
	tests := suite.Tests()
	r := &suite.Report{Backend: "mock", Started: time.Unix(0, 0)}
	for _, x := range tests {
		r.Results = append(r.Results, suite.Result{ID: x.ID, Title: x.Title, Doc: x.Doc, Status: suite.Pass})
	}
	md := Markdown([]*suite.Report{r}, &suite.Deviations{})
	if !strings.Contains(md, "| ID | behaviour | evidence | mock |") {
		t.Error("no evidence column in the matrix")
	}
	n := map[suite.EvidenceLevel]int{}
	for _, x := range tests {
		e := x.Evidence()
		n[e.Level]++
		a := evidenceAnchor(x.ID)
		if !strings.Contains(md, fmt.Sprintf("| [%s](#%s) |", e.Level, a)) {
			t.Errorf("%s: no evidence cell linking to #%s", x.ID, a)
		}
		if !strings.Contains(md, fmt.Sprintf(`<a id="%s"></a>**%s** %s`, a, x.ID, e.Level)) {
			t.Errorf("%s: no citation", x.ID)
		}
	}
	want := fmt.Sprintf("**%d recorded**, **%d documented**, **%d inferred**", n[suite.Recorded], n[suite.Documented], n[suite.Inferred])
	if !strings.Contains(md, want) {
		t.Errorf("summary does not say %q", want)
	}
}
