// Package peerenv reads the environment that decides how the module's tests treat the
// third-party SQS peers (LocalStack, moto, ElasticMQ), for the packages that share it: harness,
// the conformance tests and e2e's browser tests (the module harness/localstackcontainer keeps its
// own copy of the little it needs, since it may be used at another version of this module).
package peerenv

import (
	"os"
	"strings"
)

// EndpointVar is the variable holding a backend's endpoint: SQSHARNESS_MOTO_ENDPOINT for "moto",
// SQSHARNESS_MY_SQS_ENDPOINT for "my-sqs".
func EndpointVar(backend string) string {
	return "SQSHARNESS_" + strings.ToUpper(strings.ReplaceAll(backend, "-", "_")) + "_ENDPOINT"
}

// InCI reports whether CI=true, where a backend that cannot be reached fails the test instead of
// skipping it.
func InCI() bool { return strings.EqualFold(os.Getenv("CI"), "true") }
