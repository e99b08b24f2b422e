// Package shorttest decides what the quick loop, go test -short ./..., leaves out: the work that
// takes real time (peers such as LocalStack, moto and ElasticMQ answer on the wall clock) or
// starts other programs. The full test command (go test ./..., scripts/test.sh) runs without
// -short and so runs everything.
//
// It imports nothing of the module, so the tests of any package can use it.
package shorttest

import "testing"

// SkipRealBackend skips the test under -short when b, a harness.Backend, is not the mock (in
// process, "mock", or over HTTP, "server"): every other backend waits in real time.
func SkipRealBackend[B ~string](t testing.TB, b B) {
	t.Helper()
	if testing.Short() && b != "mock" && b != "server" {
		t.Skipf("-short: %s answers in real time; go test without -short (or scripts/test.sh) runs it", b)
	}
}

// Skip skips the test under -short, saying what it does and which command runs it.
func Skip(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: %s; go test without -short (or scripts/test.sh) runs it", what)
	}
}
