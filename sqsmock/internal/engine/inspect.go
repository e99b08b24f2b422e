package engine

import (
	"cmp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// QueueView is a queue as inspection sees it.
type QueueView struct {
	Name, ARN                string
	FIFO                     bool
	Ready, InFlight, Delayed int
	// Duplicates counts the deliveries a fault plan scheduled (FaultAction.Duplicate) that no
	// receive has taken yet. They are not messages: no attribute counts them.
	Duplicates       int
	Attributes, Tags map[string]string
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
	// Arrival numbers the queue's messages in arrival order (1, 2, 3, …, never reused): the
	// cursor of InspectPage.
	Arrival uint64
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
	v := q.view()
	if !withMessages {
		return v, nil, true
	}
	msgs := q.byArrival()
	out := make([]MessageView, len(msgs))
	for i, m := range msgs {
		out[i] = m.view()
	}
	return v, out, true
}

// view is the queue as inspection sees it. Caller holds q.mu.
func (q *queue) view() QueueView {
	v := QueueView{Name: q.name, ARN: q.arn, FIFO: q.fifo, Ready: q.counts[stateReady],
		InFlight: q.counts[stateInflight], Delayed: q.counts[stateDelayed], Duplicates: len(q.dups),
		Attributes: q.attrMap(), Tags: make(map[string]string, len(q.tags))}
	for k, t := range q.tags {
		v.Tags[k] = t
	}
	return v
}

// view is the message as inspection sees it. Caller holds its queue's lock.
func (m *message) view() MessageView {
	mv := MessageView{ID: m.id, Body: m.body, State: stateNames[m.state], ReceiveCount: m.receiveCount,
		GroupID: m.groupID, DeduplicationID: m.dedupID, SequenceNumber: m.seqNumber, SentAt: m.sentAt.time(),
		FirstReceiveAt: m.firstReceive.time(), Attributes: m.attrs, DeadLetterSourceARN: m.dlqSourceArn,
		TraceHeader: m.traceHeader, Arrival: m.seq}
	if m.state != stateReady {
		mv.VisibleAt = m.visibleAt.time()
	}
	return mv
}

// Page is one page of a queue's messages in arrival order (InspectPage).
type Page struct {
	Messages []MessageView
	// Total is how many messages the queue holds.
	Total int
	// More reports whether messages arrived after the page's last (ask again with its Arrival).
	More bool
}

// InspectPage reports a queue (as Inspect) and at most limit of its messages in arrival order,
// those that arrived after the message whose MessageView.Arrival is after (0: from the first).
// It copies only the page: it walks the queue's messages once, keeping the limit earliest in a
// bounded heap, so a poll of a large queue costs a walk, not a copy and a sort of every message.
func (e *Engine) InspectPage(nameOrURL string, after uint64, limit int) (QueueView, Page, bool) {
	q, err := e.lookup(&nameOrURL)
	if err != nil {
		return QueueView{}, Page{}, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.advance(e.now())
	v := q.view()
	p := Page{Total: len(q.byID), Messages: []MessageView{}}
	if limit <= 0 {
		return v, p, true
	}
	// top is a max-heap on seq of the earliest limit messages seen so far.
	top := make([]*message, 0, min(limit, len(q.byID)))
	for _, m := range q.byID {
		switch {
		case m.seq <= after:
			continue
		case len(top) < limit:
			top = append(top, m)
			maxHeapUp(top, len(top)-1, seqOf)
		case m.seq < top[0].seq:
			p.More = true
			top[0] = m
			maxHeapDown(top, 0, seqOf)
		default:
			p.More = true
		}
	}
	slices.SortFunc(top, func(a, b *message) int { return cmp.Compare(a.seq, b.seq) })
	p.Messages = make([]MessageView, len(top))
	for i, m := range top {
		p.Messages[i] = m.view()
	}
	return v, p, true
}

// InspectMessage reports one message of a queue by its id, without looking at the others.
func (e *Engine) InspectMessage(nameOrURL, id string) (MessageView, bool) {
	q, err := e.lookup(&nameOrURL)
	if err != nil {
		return MessageView{}, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.advance(e.now())
	m := q.byID[id]
	if m == nil {
		return MessageView{}, false
	}
	return m.view(), true
}
