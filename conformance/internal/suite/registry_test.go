package suite_test

import (
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
		assert.True(t, strings.HasPrefix(x.Doc, "https://docs.aws.amazon.com/AWSSimpleQueueService/"), "%s doc %q", x.ID, x.Doc)
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
}
