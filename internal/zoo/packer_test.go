package zoo

import (
	"testing"
	"time"

	"github.com/sqsharness/sqsharness/faults"
)

var (
	// packerRace delivers the first message received (o-00, five items) once more a second
	// later: the first worker to be free receives it while o-00's items are still being picked.
	packerRace = []faults.Rule{faults.DuplicateDelivery(time.Second).Times(1)}
	// packerLate delivers it once more a minute later, long after it was packed.
	packerLate = []faults.Rule{faults.DuplicateDelivery(time.Minute).Times(1)}
)

func TestPackerCorrect(t *testing.T) {
	survives(t, PackerScenario(false), map[string][]faults.Rule{"duplicate while packing": packerRace, "late duplicate": packerLate})
}

// The check-then-act bug is a race: a duplicate that comes after the order was packed is
// skipped by the buggy variant too.
func TestPackerBugSurvivesALateDuplicate(t *testing.T) {
	run(t, PackerScenario(true), plan(t, packerLate...))
}

// Plan: one duplicate delivery a second after the first (duplicate-delivery, times 1, delay
// 1s), received while the first copy is being packed. Fails 20/20.
func TestPackerBugDuplicateWhilePacking(t *testing.T) {
	fails(t, `order o-\d+ reserved 2 times`, PackerScenario(true), packerRace...)
}
