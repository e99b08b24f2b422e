package conformance_test

import (
	"testing"

	"github.com/sqsharness/sqsharness/conformance"
	"github.com/sqsharness/sqsharness/harness"
)

// Run the whole suite against a backend from a test function. Each behaviour is a parallel
// subtest named by its ID, so `go test -run 'TestConformance/SQS-FIFO-'` runs the FIFO tests
// only, and -failfast, -parallel and -timeout work as usual. Results go to
// $SQSHARNESS_RESULTS_DIR/<backend>.json when it is set.
func ExampleRun() {
	var t *testing.T // the *testing.T of the test function

	conformance.Run(t, "mock")
}

// Run the suite against a LocalStack at a given endpoint (run it with -parallel 24: a real
// backend spends most of a test waiting).
func ExampleRun_endpoint() {
	var t *testing.T

	conformance.Run(t, "localstack", func(o *conformance.Options) {
		o.Harness = append(o.Harness, func(h *harness.Options) { h.Endpoint = "http://127.0.0.1:4566" })
	})
}

// Run the suite against an SQS-compatible server of your own: a name the harness does not know
// is a server at an endpoint, and a deviations file lists what it knowingly does differently.
func ExampleRun_ownBackend() {
	var t *testing.T

	conformance.Run(t, "my-sqs", func(o *conformance.Options) {
		o.Harness = append(o.Harness, func(h *harness.Options) { h.Endpoint = "http://127.0.0.1:4100" })
		o.Deviations = "testdata/my-sqs-deviations.yaml"
	})
}
