package conformance_test

import (
	"regexp"
	"testing"

	"github.com/sqsharness/sqsharness/conformance"
	"github.com/sqsharness/sqsharness/harness"
)

// Run the whole suite against a backend from a test function. Against a LocalStack already
// running on localhost:4566, set AWS_ENDPOINT_URL_SQS=http://localhost:4566 (or use
// harness.WithEndpoint) and pick harness.LocalStack; results go to $SQSHARNESS_RESULTS_DIR when
// it is set.
func ExampleRun() {
	var t *testing.T // the *testing.T of the test function

	report := conformance.Run(t, harness.Mock)
	_ = report.Results // one Result per behaviour test: ID, status, message
}

// Run only the FIFO and dead-letter tests, against LocalStack at a given endpoint.
func ExampleWithFilter() {
	var t *testing.T

	conformance.Run(t, harness.LocalStack,
		conformance.WithFilter(regexp.MustCompile(`^SQS-(FIFO|DLQ)-`)),
		conformance.WithHarnessOptions(harness.WithEndpoint("http://127.0.0.1:4566")))
}
