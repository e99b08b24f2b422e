package zoo

import (
	"testing"

	"github.com/sqsharness/sqsharness/faults"
)

// publisherPartial fails one entry of the first SendMessageBatch.
var publisherPartial = []faults.Rule{faults.PartialBatchFailure().On("SendMessageBatch").Times(1)}

func TestPublisherCorrect(t *testing.T) {
	survives(t, PublisherScenario(false), map[string][]faults.Rule{"partial batch failure": publisherPartial})
}

// Plan: one entry of a SendMessageBatch fails (partial-batch-failure on SendMessageBatch,
// times 1). Fails 20/20.
func TestPublisherBugPartialBatchFailure(t *testing.T) {
	fails(t, `order o-00 charged 0 times`, PublisherScenario(true), publisherPartial...)
}
