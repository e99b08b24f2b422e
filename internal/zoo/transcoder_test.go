package zoo

import (
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/faults"
)

// transcoder5xx fails every ChangeMessageVisibility with a server error from 5 s to 20 s: the
// heartbeats at 10 s fail on all three of the SDK's attempts.
var transcoder5xx = []faults.Rule{faults.Error("InternalError").On("ChangeMessageVisibility").Window(5*time.Second, 20*time.Second)}

func TestTranscoderCorrect(t *testing.T) {
	survives(t, TranscoderScenario(false), map[string][]faults.Rule{"heartbeat 5xx": transcoder5xx})
}

// Plan: ChangeMessageVisibility fails with InternalError (probability 1) from 5 s to 20 s.
// Fails 20/20.
func TestTranscoderBugHeartbeat5xx(t *testing.T) {
	fails(t, `video v-0[04] rendered 2 times`, TranscoderScenario(true), transcoder5xx...)
}
