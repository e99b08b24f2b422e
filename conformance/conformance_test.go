package conformance_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/conformance"
	"github.com/sqsharness/sqsharness/conformance/internal/report"
	"github.com/sqsharness/sqsharness/conformance/internal/suite"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// TestConformance runs the behaviour suite on the mock in process and over HTTP, always, and on
// moto, LocalStack and ElasticMQ when their endpoints are set (SQSHARNESS_<PEER>_ENDPOINT, as
// `eval "$(.ci/peers/env.sh)"` exports them); a missing peer skips with instructions, or fails under
// CI=true. Real AWS runs only when SQSHARNESS_CONFORMANCE_AWS=1. "my-sqs" is the server again,
// as a backend of one's own. Results go to
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
	t.Run("my-sqs", func(t *testing.T) { // not in the matrix: its results go elsewhere
		shorttest.SkipRealBackend(t, "my-sqs")
		t.Parallel()
		runOwnBackend(t)
	})
}

// runOwnBackend shows that a backend of one's own needs no change here: a name harness does not
// know and an endpoint. The sqsmock server stands in for it, in real time as any other server,
// with a deviations file of its own (empty: a listed test it passes would fail as stale).
func runOwnBackend(t *testing.T) {
	srv := sqsmock.NewServer(t)
	devs := filepath.Join(t.TempDir(), "deviations.yaml")
	require.NoError(t, os.WriteFile(devs, []byte("[]\n"), 0o644))
	dir := t.TempDir()
	t.Cleanup(func() { // after the suite's own cleanup has written the results
		reports, err := report.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, reports, 1)
		assert.Equal(t, "my-sqs", reports[0].Backend)
		assert.Len(t, reports[0].Results, len(suite.Tests()), "every behaviour ran")
	})
	conformance.Run(t, "my-sqs", func(o *conformance.Options) {
		o.Harness = append(o.Harness, func(h *harness.Options) { h.Endpoint = srv.URL })
		o.ResultsDir, o.Deviations = dir, devs
	})
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
