package conformance_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/conformance"
	"github.com/sqsharness/sqsharness/conformance/internal/report"
	"github.com/sqsharness/sqsharness/conformance/internal/suite"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/shorttest"
)

// TestConformance runs the behaviour suite on the mock in process and over HTTP, always, and on
// moto, LocalStack and ElasticMQ when their endpoints are set (SQSHARNESS_<PEER>_ENDPOINT, as
// `eval "$(.ci/peers/env.sh)"` exports them); a missing peer skips with instructions, or fails under
// CI=true. Real AWS runs only when SQSHARNESS_CONFORMANCE_AWS=1. Results go to
// $SQSHARNESS_RESULTS_DIR/<backend>.json when it is set (else to a temporary directory).
func TestConformance(t *testing.T) {
	dir := os.Getenv("SQSHARNESS_RESULTS_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	backends := []harness.Backend{"mock", "server", "moto", "localstack", "elasticmq"}
	if os.Getenv("SQSHARNESS_CONFORMANCE_AWS") == "1" {
		backends = append(backends, "aws")
	}
	if doc := os.Getenv("SQSHARNESS_CONFORMANCE_DOC"); doc != "" {
		// After every backend ran (cleanups run after the parallel subtests), render the matrix.
		t.Cleanup(func() { writeDoc(t, dir, doc) })
	}
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			t.Parallel()
			conformance.Run(t, b, func(o *conformance.Options) { o.ResultsDir = dir })
		})
	}
}

func writeDoc(t *testing.T, dir, doc string) {
	reports, err := report.ReadDir(dir)
	if err != nil {
		t.Errorf("reading results: %v", err)
		return
	}
	devs, err := suite.LoadDeviations()
	require.NoError(t, err)
	for _, r := range reports {
		report.Apply(r, devs)
	}
	if err := report.WriteMarkdown(doc, reports, devs); err != nil {
		t.Errorf("writing %s: %v", doc, err)
		return
	}
	t.Logf("conformance matrix of %d backends written to %s (copy it to docs/conformance.md with `go run ./conformance/cmd/report -results %s`)", len(reports), doc, dir)
}
