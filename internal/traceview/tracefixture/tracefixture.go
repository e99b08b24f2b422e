// Package tracefixture holds small traces with each thing the trace page must make obvious, for
// the analysis tests of internal/traceview and the browser tests of the e2e module.
package tracefixture

import (
	"fmt"
	"time"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Story is a small trace with each thing the page must make obvious: a duplicate delivery (m-dup
// received again after a duplicate-delivery fault, after it was deleted), a lost delete (m-lost:
// the delete's fault, visible again, received again), a call-level fault that hit no message,
// and a message handled once (m-ok).
func Story() []sqsmock.TraceEvent {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var evs []sqsmock.TraceEvent
	add := func(d time.Duration, e sqsmock.TraceEvent) {
		e.Seq = uint64(len(evs) + 1)
		e.Time = t0.Add(d)
		if e.Queue == "" && e.Kind != "fault" {
			e.Queue = "orders"
		}
		evs = append(evs, e)
	}
	add(0, sqsmock.TraceEvent{Kind: "queue.created", Operation: "CreateQueue", CallID: 1})
	for i, id := range []string{"m-dup", "m-lost", "m-ok"} {
		add(0, sqsmock.TraceEvent{Kind: "message.sent", MessageID: id, Operation: "SendMessage", CallID: uint64(2 + i), Body: fmt.Sprintf(`{"id":"o-%d"}`, i)})
	}
	vis := t0.Add(30 * time.Second)
	add(time.Second, sqsmock.TraceEvent{Kind: "fault", Queue: "orders", Operation: "ReceiveMessage", CallID: 5, Rule: "throttled", Fault: "error", Detail: "RequestThrottled"})
	add(2*time.Second, sqsmock.TraceEvent{Kind: "message.received", MessageID: "m-dup", Operation: "ReceiveMessage", CallID: 6, ReceiptHandle: "r1", ReceiveCount: 1, VisibleAt: vis})
	add(2*time.Second, sqsmock.TraceEvent{Kind: "fault", Queue: "orders", MessageID: "m-dup", Operation: "ReceiveMessage", CallID: 6, Rule: "duplicate", Fault: "duplicate-delivery"})
	add(2*time.Second, sqsmock.TraceEvent{Kind: "message.received", MessageID: "m-lost", Operation: "ReceiveMessage", CallID: 6, ReceiptHandle: "r2", ReceiveCount: 1, VisibleAt: vis})
	add(2*time.Second, sqsmock.TraceEvent{Kind: "message.received", MessageID: "m-ok", Operation: "ReceiveMessage", CallID: 6, ReceiptHandle: "r3", ReceiveCount: 1, VisibleAt: vis})
	add(3*time.Second, sqsmock.TraceEvent{Kind: "message.deleted", MessageID: "m-dup", Operation: "DeleteMessage", CallID: 7, ReceiptHandle: "r1"})
	add(3*time.Second, sqsmock.TraceEvent{Kind: "fault", Queue: "orders", MessageID: "m-lost", Operation: "DeleteMessage", CallID: 8, Rule: "lost-delete", Fault: "lost-delete"})
	add(3*time.Second, sqsmock.TraceEvent{Kind: "message.deleted", MessageID: "m-ok", Operation: "DeleteMessage", CallID: 9, ReceiptHandle: "r3"})
	add(4*time.Second, sqsmock.TraceEvent{Kind: "message.received", MessageID: "m-dup", Operation: "ReceiveMessage", CallID: 10, ReceiptHandle: "r4", ReceiveCount: 2, VisibleAt: t0.Add(34 * time.Second)})
	add(5*time.Second, sqsmock.TraceEvent{Kind: "message.deleted", MessageID: "m-dup", Operation: "DeleteMessage", CallID: 11, ReceiptHandle: "r4"})
	add(30*time.Second, sqsmock.TraceEvent{Kind: "message.visible", MessageID: "m-lost"})
	add(31*time.Second, sqsmock.TraceEvent{Kind: "message.received", MessageID: "m-lost", Operation: "ReceiveMessage", CallID: 12, ReceiptHandle: "r5", ReceiveCount: 2, VisibleAt: t0.Add(61 * time.Second)})
	add(32*time.Second, sqsmock.TraceEvent{Kind: "message.deleted", MessageID: "m-lost", Operation: "DeleteMessage", CallID: 13, ReceiptHandle: "r5"})
	return evs
}

// WithUnknownKinds is Story with events of kinds the viewer does not know (kinds a newer mock
// may record): a queue's, one on m-ok in the middle of its history, and one of the whole mock.
func WithUnknownKinds() []sqsmock.TraceEvent {
	evs := Story()
	t0 := evs[4].Time
	extra := []sqsmock.TraceEvent{
		{Time: t0, Kind: "queue.tagged", Queue: "orders", Operation: "TagQueue", Detail: "team=payments"},
		{Time: t0, Kind: "message.annotated", Queue: "orders", MessageID: "m-ok", Detail: "a future kind"},
	}
	evs = append(evs[:5], append(extra, evs[5:]...)...)
	evs = append(evs, sqsmock.TraceEvent{Time: evs[len(evs)-1].Time, Kind: "mock.reset"})
	for i := range evs {
		evs[i].Seq = uint64(i + 1)
	}
	return evs
}

// Heartbeat is the trace of a consumer whose Heartbeat comes too late: six messages, each
// received, its 10-second visibility timeout expiring while its handler still runs, received
// again by the next poll and then deleted; the slow one is visible again after its second
// receive too and moves to the dead-letter queue. No fault is injected: the consumer's own bug.
func Heartbeat() []sqsmock.TraceEvent {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var evs []sqsmock.TraceEvent
	add := func(d time.Duration, e sqsmock.TraceEvent) {
		e.Seq = uint64(len(evs) + 1)
		e.Time = t0.Add(d)
		if e.Queue == "" {
			e.Queue = "orders"
		}
		evs = append(evs, e)
	}
	ids := []string{"m-0", "m-1", "m-2", "m-3", "m-4", "m-slow"}
	for i, id := range ids {
		add(0, sqsmock.TraceEvent{Kind: "message.sent", MessageID: id, Operation: "SendMessageBatch", CallID: 1, Body: fmt.Sprintf("order-%d", i)})
	}
	for _, id := range ids {
		add(0, sqsmock.TraceEvent{Kind: "message.received", MessageID: id, Operation: "ReceiveMessage", CallID: 2, ReceiptHandle: id + "/1", ReceiveCount: 1, VisibleAt: t0.Add(10 * time.Second)})
	}
	for _, id := range ids {
		add(10*time.Second, sqsmock.TraceEvent{Kind: "message.visible", MessageID: id})
	}
	for _, id := range ids {
		add(10*time.Second, sqsmock.TraceEvent{Kind: "message.received", MessageID: id, Operation: "ReceiveMessage", CallID: 3, ReceiptHandle: id + "/2", ReceiveCount: 2, VisibleAt: t0.Add(20 * time.Second)})
	}
	for i, id := range ids[:5] {
		add(15*time.Second, sqsmock.TraceEvent{Kind: "message.deleted", MessageID: id, Operation: "DeleteMessage", CallID: uint64(4 + i), ReceiptHandle: id + "/1"})
	}
	add(20*time.Second, sqsmock.TraceEvent{Kind: "message.visible", MessageID: "m-slow"})
	add(20*time.Second, sqsmock.TraceEvent{Kind: "message.deadlettered", MessageID: "m-slow", Operation: "ReceiveMessage", CallID: 10, Target: "orders-dlq"})
	// The test drains the dead-letter queue: a first receive there, no redelivery.
	add(21*time.Second, sqsmock.TraceEvent{Kind: "message.received", Queue: "orders-dlq", MessageID: "m-slow", Operation: "ReceiveMessage", CallID: 11, ReceiptHandle: "m-slow/3", ReceiveCount: 3, VisibleAt: t0.Add(51 * time.Second)})
	add(21*time.Second, sqsmock.TraceEvent{Kind: "message.deleted", Queue: "orders-dlq", MessageID: "m-slow", Operation: "DeleteMessage", CallID: 12, ReceiptHandle: "m-slow/3"})
	return evs
}
