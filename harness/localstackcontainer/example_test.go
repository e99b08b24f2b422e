package localstackcontainer_test

import (
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/harness/localstackcontainer"
)

// A test on LocalStack in Docker: the first test to call Start starts the container, the others
// share it, and it is removed when the test binary exits. Without Docker the test is skipped
// (failed under CI=true). The example is compiled, not run: it needs Docker.
func Example() {
	var t *testing.T // the *testing.T of the test function

	h := harness.New(t, func(o *harness.Options) { o.Backend = "localstack" }, func(o *harness.Options) { o.Endpoint = localstackcontainer.Start(t) })
	q := h.Queue("jobs", nil)
	h.Send(q, "hello")
	h.AssertBodies(h.Receive(q, 1, 10*time.Second), "hello")
}
