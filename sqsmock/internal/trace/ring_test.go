package trace

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTraceIndexMatchesAScan: a message's history and the latest faults, read through the
// ring's index, are what a scan of the whole ring finds, as events are added and dropped; a
// history read visits only that message's events; the index never names more messages than the
// ring holds events.
func TestTraceIndexMatchesAScan(t *testing.T) {
	const size = 64
	rng := rand.New(rand.NewPCG(1, 17))
	ids := make([]string, 12)
	for i := range ids {
		ids[i] = "m" + strconv.Itoa(i)
	}
	kinds := []string{Sent, Received, Deleted, Moved, DeadLettered, Fault, QueueCreated}
	regions := []string{"us-east-1", "eu-west-1"}
	r := New(size)
	for step := range 2000 {
		ev := Event{Kind: kinds[rng.IntN(len(kinds))], Region: regions[rng.IntN(2)], Account: "000000000000"}
		switch ev.Kind {
		case QueueCreated:
		case Moved:
			ev.MessageID, ev.TargetMessageID = ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))] // sometimes the same
		case Fault:
			if rng.IntN(2) == 0 {
				ev.MessageID = ids[rng.IntN(len(ids))]
			}
		default:
			ev.MessageID = ids[rng.IntN(len(ids))]
		}
		r.Add(&ev)

		held, _, last := r.Since(0, 0)
		require.LessOrEqual(t, len(r.byMessage), len(held), "step %d: index entries", step)
		for _, id := range ids {
			var want []Event
			for _, e := range held {
				if e.MessageID == id || e.TargetMessageID == id {
					want = append(want, e)
				}
			}
			got, visited := r.MessageEvents(id, size+1, func(*Event) bool { return true })
			require.Equal(t, len(want), visited, "step %d, %s: events visited", step, id)
			require.Equal(t, orEmpty(want), got, "step %d, %s", step, id)

			// The newest 3 in one region.
			want = slices.DeleteFunc(want, func(e Event) bool { return e.Region != "eu-west-1" })
			want = want[max(0, len(want)-3):]
			got, _ = r.MessageEvents(id, 3, func(e *Event) bool { return e.Region == "eu-west-1" })
			require.Equal(t, orEmpty(want), got, "step %d, %s in eu-west-1", step, id)
		}
		after := last - uint64(rng.IntN(size*2))
		if after > last {
			after = 0
		}
		var want []Event
		for _, e := range held {
			if e.Kind == Fault && e.Seq > after {
				want = append(want, e)
			}
		}
		want = want[max(0, len(want)-5):]
		got, gotLast := r.Faults(after, 5)
		require.Equal(t, last, gotLast)
		require.Equal(t, orEmpty(want), got, "step %d: faults after %d", step, after)
	}
	require.Equal(t, uint64(2000-size), r.dropped)
}

func orEmpty(evs []Event) []Event {
	if evs == nil {
		return []Event{}
	}
	return evs
}
