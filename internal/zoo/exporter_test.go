package zoo

import (
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/faults"
)

var (
	// exporterFalseEmpty makes the job's first receive come back empty.
	exporterFalseEmpty = []faults.Rule{faults.FalseEmpty().Times(1)}
	// exporterDelayed delays one published record by a minute.
	exporterDelayed = []faults.Rule{faults.DelayedVisibility(time.Minute).Times(1)}
	// exporterLostDelete loses one delete: the record comes back 30 s later.
	exporterLostDelete = []faults.Rule{faults.LostDelete().Times(1)}
)

func TestExporterCorrect(t *testing.T) {
	survives(t, ExporterScenario(false), map[string][]faults.Rule{
		"false empty": exporterFalseEmpty, "delayed record": exporterDelayed, "lost delete": exporterLostDelete})
}

// Plan: the first receive is false-empty (false-empty, times 1). Fails 20/20.
func TestExporterBugFalseEmpty(t *testing.T) {
	fails(t, `run returned at \S+, before it was asked to stop, with work still pending: 20 messages in the queue \(20 visible`, ExporterScenario(true), exporterFalseEmpty...)
}

// Plan: one published record delayed by a minute (delayed-visibility on SendMessageBatch,
// times 1, delay 1m). Fails 20/20.
func TestExporterBugDelayedRecord(t *testing.T) {
	fails(t, `run returned at \S+, before it was asked to stop, with work still pending: 1 message in the queue \(0 visible, 0 in flight, 1 delayed\)`, ExporterScenario(true), exporterDelayed...)
}

// Plan: one lost delete (lost-delete, times 1): the record is in flight when the job exits.
// Fails 20/20.
func TestExporterBugLostDelete(t *testing.T) {
	fails(t, `run returned at \S+, before it was asked to stop, with work still pending: 1 message in the queue \(0 visible, 1 in flight, 0 delayed\)`, ExporterScenario(true), exporterLostDelete...)
}
