package engine

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// QueueView is a queue as inspection sees it.
type QueueView struct {
	Name, ARN                string
	FIFO                     bool
	Ready, InFlight, Delayed int
	Attributes, Tags         map[string]string
}

// MessageView is a message as inspection sees it.
type MessageView struct {
	ID, Body                                 string
	State                                    string // "ready", "inflight" or "delayed"
	ReceiveCount                             int
	GroupID, DeduplicationID, SequenceNumber string
	SentAt, VisibleAt, FirstReceiveAt        time.Time
	Attributes                               map[string]types.MessageAttributeValue
	DeadLetterSourceARN, TraceHeader         string
}

var stateNames = [...]string{stateDelayed: "delayed", stateReady: "ready", stateInflight: "inflight"}

// Inspect reports a queue (by name, URL or ARN) and, if withMessages, its messages in arrival
// order. It applies the deadlines that have passed, as any operation would, and changes nothing else.
func (e *Engine) Inspect(nameOrURL string, withMessages bool) (QueueView, []MessageView, bool) {
	q, err := e.lookup(&nameOrURL)
	if err != nil {
		return QueueView{}, nil, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.advance(e.now())
	v := QueueView{Name: q.name, ARN: q.arn, FIFO: q.fifo, Ready: q.counts[stateReady],
		InFlight: q.counts[stateInflight], Delayed: q.counts[stateDelayed], Attributes: q.attrMap(),
		Tags: make(map[string]string, len(q.tags))}
	for k, t := range q.tags {
		v.Tags[k] = t
	}
	if !withMessages {
		return v, nil, true
	}
	msgs := q.byArrival()
	out := make([]MessageView, len(msgs))
	for i, m := range msgs {
		mv := MessageView{ID: m.id, Body: m.body, State: stateNames[m.state], ReceiveCount: m.receiveCount,
			GroupID: m.groupID, DeduplicationID: m.dedupID, SequenceNumber: m.seqNumber, SentAt: m.sentAt.time(),
			FirstReceiveAt: m.firstReceive.time(), Attributes: m.attrs, DeadLetterSourceARN: m.dlqSourceArn,
			TraceHeader: m.traceHeader}
		if m.state != stateReady {
			mv.VisibleAt = m.visibleAt.time()
		}
		out[i] = mv
	}
	return v, out, true
}
