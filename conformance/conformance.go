// Package conformance is one suite of Amazon SQS behaviour tests that runs unchanged on every
// backend the harness knows: the mock in process and over HTTP, LocalStack, moto, ElasticMQ and
// real AWS. Each test has a stable ID (e.g. SQS-VIS-003), a title and the AWS documentation section
// whose behaviour it checks; what it asserts comes from that documentation and from answers
// recorded against AWS. A backend's capabilities (can its clock be fast-forwarded?) change how a
// test waits, never what it asserts.
//
// Known deviations of third-party backends are listed in internal/suite/deviations.yaml: a listed
// test that fails on that backend is reported as a known deviation instead of a failure. The mock
// has none.
//
//	func TestConformance(t *testing.T) { conformance.Run(t, "mock") }
package conformance

import (
	"os"
	"testing"

	"github.com/sqsharness/sqsharness/conformance/internal/suite"
	"github.com/sqsharness/sqsharness/harness"
)

// Options configure Run.
type Options struct {
	// Harness are passed to harness.New for every test (e.g. an endpoint).
	Harness []func(*harness.Options)
	// ResultsDir is where the run's results go, as <backend>.json (docs/conformance.md is
	// rendered from them). Default: $SQSHARNESS_RESULTS_DIR; none when empty.
	ResultsDir string
	// Deviations is a YAML file of your backend's known deviations, added to the built-in list:
	// entries {backend, test (an ID), instead, evidence, intermittent (optional)}.
	Deviations string
}

// Run runs every behaviour test on backend (a built-in name, or your own with an endpoint), each
// as a parallel subtest of t named by its ID; -run, -failfast, -parallel and -timeout work as for
// any test (give real backends `-parallel 24`). A listed deviation that fails passes as a known
// deviation; one that passes fails. An unreachable backend skips t with instructions (fails it
// under CI=true), as harness.New does.
func Run(t *testing.T, backend harness.Backend, optFns ...func(*Options)) {
	t.Helper()
	o := Options{ResultsDir: os.Getenv("SQSHARNESS_RESULTS_DIR")}
	for _, fn := range optFns {
		fn(&o)
	}
	var extra []string
	if o.Deviations != "" {
		extra = append(extra, o.Deviations)
	}
	devs, err := suite.LoadDeviations(extra...)
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	suite.Run(t, backend, suite.Config{Harness: o.Harness, ResultsDir: o.ResultsDir, Deviations: devs})
}
