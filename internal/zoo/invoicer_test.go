package zoo

import (
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/faults"
)

// invoicerBurst throttles every receive for the first ten seconds: longer than the SDK's three
// attempts and their backoff.
var invoicerBurst = []faults.Rule{faults.Error("RequestThrottled").On("ReceiveMessage").Window(0, 10*time.Second)}

// invoicer5xx fails every receive with a server error for the first ten seconds.
var invoicer5xx = []faults.Rule{faults.Error("ServiceUnavailable").On("ReceiveMessage").Window(0, 10*time.Second)}

func TestInvoicerCorrect(t *testing.T) {
	survives(t, InvoicerScenario(false), map[string][]faults.Rule{"throttling burst": invoicerBurst, "5xx run": invoicer5xx})
}

// Plan: ReceiveMessage throttled (error RequestThrottled, probability 1) for the first 10 s.
// Fails 20/20.
func TestInvoicerBugThrottlingBurst(t *testing.T) {
	fails(t, `run returned an error: invoicer: receive: .*RequestThrottled`, InvoicerScenario(true), invoicerBurst...)
}

// Plan: ReceiveMessage fails with ServiceUnavailable (probability 1) for the first 10 s. Fails
// 20/20.
func TestInvoicerBug5xxRun(t *testing.T) {
	fails(t, `order o-\d+ charged 0 times`, InvoicerScenario(true), invoicer5xx...)
}
