package suite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/conformance/internal/suite"
)

func TestRegistry(t *testing.T) {
	tests := suite.Tests()
	assert.GreaterOrEqual(t, len(tests), 150, "behaviour tests")
	id := regexp.MustCompile(`^SQS-[A-Z]+-[0-9]{3}$`)
	seen := map[string]bool{}
	for _, x := range tests {
		assert.Regexp(t, id, x.ID)
		assert.False(t, seen[x.ID], "duplicate ID %s", x.ID)
		seen[x.ID] = true
		assert.NotEmpty(t, x.Title, x.ID)
		sqsDoc := strings.HasPrefix(x.Doc, "https://docs.aws.amazon.com/AWSSimpleQueueService/")
		snsDoc := x.Area() == "SNS" && strings.HasPrefix(x.Doc, "https://docs.aws.amazon.com/sns/")
		assert.True(t, sqsDoc || snsDoc, "%s doc %q", x.ID, x.Doc)
		assert.NotNil(t, x.Run, x.ID)
	}
}

func TestDeviationsFile(t *testing.T) {
	d, err := suite.LoadDeviations()
	require.NoError(t, err)
	for _, e := range d.List {
		assert.NotEqual(t, "mock", e.Backend)
	}
	_, err = suite.ParseDeviations([]byte("- {backend: mock, test: SQS-Q-001, instead: x, evidence: y}\n"))
	assert.ErrorContains(t, err, "the mock has no deviations")
	_, err = suite.ParseDeviations([]byte("- {backend: moto, test: SQS-NOPE-001, instead: x, evidence: y}\n"))
	assert.ErrorContains(t, err, "no such test")
	_, err = suite.ParseDeviations([]byte("- {backend: moto, test: SQS-Q-001, instead: x}\n"))
	assert.ErrorContains(t, err, "evidence")
	_, err = suite.ParseDeviations([]byte("- {backend: server, test: SQS-Q-001, instead: x, evidence: y}\n"))
	assert.ErrorContains(t, err, "the mock has no deviations")

	// A backend of one's own lists its deviations in a file of its own, added to the built-in ones.
	own := filepath.Join(t.TempDir(), "mine.yaml")
	require.NoError(t, os.WriteFile(own, []byte("- {backend: my-sqs, test: SQS-Q-001, instead: x, evidence: y}\n"), 0o644))
	both, err := suite.LoadDeviations(own)
	require.NoError(t, err)
	assert.Len(t, both.List, len(d.List)+1)
	_, listed := both.Lookup("my-sqs", "SQS-Q-001")
	assert.True(t, listed)
	_, err = suite.LoadDeviations(filepath.Join(t.TempDir(), "missing.yaml"))
	assert.Error(t, err)
	dup := filepath.Join(t.TempDir(), "dup.yaml")
	e := d.List[0]
	require.NoError(t, os.WriteFile(dup, []byte(fmt.Sprintf("- {backend: %s, test: %s, instead: x, evidence: y}\n", e.Backend, e.Test)), 0o644))
	_, err = suite.LoadDeviations(dup)
	assert.ErrorContains(t, err, "listed twice", "a file of one's own cannot replace a built-in entry")
}
