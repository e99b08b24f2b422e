package zoo

import (
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/faults"
)

// forwarder5xx fails every SendMessage with a server error for the first ten seconds: longer
// than the SDK's three attempts and their backoff.
var forwarder5xx = []faults.Rule{faults.Error("ServiceUnavailable").On("SendMessage").Window(0, 10*time.Second)}

func TestForwarderCorrect(t *testing.T) {
	survives(t, ForwarderScenario(false), map[string][]faults.Rule{"5xx run on sends": forwarder5xx})
}

// Plan: SendMessage fails with ServiceUnavailable (probability 1) for the first 10 s. Fails
// 20/20.
func TestForwarderBugSend5xx(t *testing.T) {
	fails(t, `event e-\d+ never forwarded`, ForwarderScenario(true), forwarder5xx...)
}
