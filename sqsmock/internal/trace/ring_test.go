package trace

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTraceIndexMatchesAScan: a message's history, the latest faults and a topic's deliveries,
// read through the ring's index, are what a scan of the whole ring finds, as events are added and
// dropped; a history read visits only that message's events; the index names only messages and
// topics the ring's events name.
func TestTraceIndexMatchesAScan(t *testing.T) {
	const size = 64
	rng := rand.New(rand.NewPCG(1, 17))
	ids := make([]string, 12)
	for i := range ids {
		ids[i] = "m" + strconv.Itoa(i)
	}
	kinds := []string{Sent, Received, Deleted, Moved, DeadLettered, Fault, QueueCreated, SNSDelivered, SNSFiltered, SNSFailed}
	topics := []string{"arn:aws:sns:us-east-1:000000000000:a", "arn:aws:sns:us-east-1:000000000000:b", "arn:aws:sns:eu-west-1:000000000000:a"}
	regions := []string{"us-east-1", "eu-west-1"}
	r := New(size)
	for step := range 2000 {
		ev := Event{Kind: kinds[rng.IntN(len(kinds))], Region: regions[rng.IntN(2)], Account: "000000000000"}
		switch ev.Kind {
		case QueueCreated:
		case SNSDelivered, SNSFiltered, SNSFailed:
			ev.Target, ev.Queue = topics[rng.IntN(len(topics))], "q"
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
		named := map[string]bool{}
		for _, e := range held {
			named[e.MessageID], named[e.TargetMessageID] = true, true
			if IsSNS(e.Kind) {
				named[e.Target] = true
			}
		}
		for id := range r.byMessage {
			require.True(t, named[id], "step %d: the index names %s, which no held event names", step, id)
		}
		for topic := range r.byTopic {
			require.True(t, named[topic], "step %d: the index names %s, which no held event names", step, topic)
		}
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

		for _, topic := range append(topics, "arn:aws:sns:us-east-1:000000000000:none") {
			want = nil
			for _, e := range held {
				if IsSNS(e.Kind) && e.Target == topic && e.Seq > after {
					want = append(want, e)
				}
			}
			want = want[max(0, len(want)-4):]
			got, gotLast = r.TopicEvents(topic, after, 4)
			require.Equal(t, last, gotLast)
			require.Equal(t, orEmpty(want), got, "step %d: %s after %d", step, topic, after)
		}
	}
	require.Equal(t, uint64(2000-size), r.dropped)
}

func orEmpty(evs []Event) []Event {
	if evs == nil {
		return []Event{}
	}
	return evs
}
