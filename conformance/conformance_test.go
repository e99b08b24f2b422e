package conformance_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/conformance"
	"github.com/sqsharness/sqsharness/conformance/internal/report"
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
	backends := []harness.Backend{harness.Mock, harness.Server, harness.Moto, harness.LocalStack, harness.ElasticMQ}
	if os.Getenv("SQSHARNESS_CONFORMANCE_AWS") == "1" {
		backends = append(backends, harness.AWS)
	}
	if doc := os.Getenv("SQSHARNESS_CONFORMANCE_DOC"); doc != "" {
		// After every backend ran (cleanups run after the parallel subtests), render the matrix.
		t.Cleanup(func() { writeDoc(t, dir, doc) })
	}
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			t.Parallel()
			conformance.Run(t, b, conformance.WithResultsDir(dir))
		})
	}
}

func writeDoc(t *testing.T, dir, doc string) {
	reports, err := report.ReadDir(dir)
	if err != nil {
		t.Errorf("reading results: %v", err)
		return
	}
	devs, err := conformance.LoadDeviations()
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

func TestRegistry(t *testing.T) {
	tests := conformance.Tests()
	assert.GreaterOrEqual(t, len(tests), 150, "behaviour tests")
	id := regexp.MustCompile(`^SQS-[A-Z]+-[0-9]{3}$`)
	seen := map[string]bool{}
	for _, x := range tests {
		assert.Regexp(t, id, x.ID)
		assert.False(t, seen[x.ID], "duplicate ID %s", x.ID)
		seen[x.ID] = true
		assert.NotEmpty(t, x.Title, x.ID)
		assert.True(t, strings.HasPrefix(x.Doc, "https://docs.aws.amazon.com/AWSSimpleQueueService/"), "%s doc %q", x.ID, x.Doc)
		assert.NotNil(t, x.Run, x.ID)
	}
}

func TestDeviationsFile(t *testing.T) {
	d, err := conformance.LoadDeviations()
	require.NoError(t, err)
	for _, e := range d.List {
		assert.NotEqual(t, "mock", e.Backend)
	}
	_, err = conformance.ParseDeviations([]byte("- {backend: mock, test: SQS-Q-001, instead: x, evidence: y}\n"))
	assert.ErrorContains(t, err, "the mock has no deviations")
	_, err = conformance.ParseDeviations([]byte("- {backend: moto, test: SQS-NOPE-001, instead: x, evidence: y}\n"))
	assert.ErrorContains(t, err, "no such test")
	_, err = conformance.ParseDeviations([]byte("- {backend: moto, test: SQS-Q-001, instead: x}\n"))
	assert.ErrorContains(t, err, "evidence")
}
