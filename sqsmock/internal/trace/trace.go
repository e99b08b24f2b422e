// Package trace is the mock's trace recorder: a ring of the last N events (what happened to
// queues and messages, on the mock's clock, with the call that caused them, and the faults
// injected), indexed by message id, by fault and by SNS topic so that a message's history, the
// latest faults and a topic's deliveries cost what they return. It turns the engine's events into Events.
package trace

import (
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// The kinds of events (Event.Kind).
const (
	QueueCreated    = "queue.created"
	QueueDeleted    = "queue.deleted"
	QueuePurged     = "queue.purged"
	QueueAttributes = "queue.attributes"
	QueueTagged     = "queue.tagged"
	QueueUntagged   = "queue.untagged"
	Sent            = "message.sent"
	Deduplicated    = "message.deduplicated"
	Received        = "message.received"
	Visibility      = "message.visibility"
	Visible         = "message.visible"
	Deleted         = "message.deleted"
	Expired         = "message.expired"
	DeadLettered    = "message.deadlettered"
	Moved           = "message.moved"
	Fault           = "fault"
	Reset           = "mock.reset"
	Call            = "call"
	SNSDelivered    = "sns.delivered"
	SNSFiltered     = "sns.filtered"
	SNSFailed       = "sns.failed"
)

// Event is one entry of the mock's trace: sqsmock.TraceEvent's twin, field for field (sqsmock
// converts one to the other, so the compiler keeps them in step); the fields are documented there.
type Event struct {
	Seq             uint64    `json:"seq"`
	Time            time.Time `json:"time"`
	Kind            string    `json:"kind"`
	Queue           string    `json:"queue,omitempty"`
	Region          string    `json:"region,omitempty"`
	Account         string    `json:"account,omitempty"`
	Operation       string    `json:"operation,omitempty"`
	CallID          uint64    `json:"callId,omitempty"`
	MessageID       string    `json:"messageId,omitempty"`
	Body            string    `json:"body,omitempty"`
	GroupID         string    `json:"groupId,omitempty"`
	ReceiptHandle   string    `json:"receiptHandle,omitempty"`
	ReceiveCount    int       `json:"receiveCount,omitempty"`
	VisibleAt       time.Time `json:"visibleAt,omitzero"`
	Target          string    `json:"target,omitempty"`
	TargetMessageID string    `json:"targetMessageId,omitempty"`
	Count           int       `json:"count,omitempty"`
	Rule            string    `json:"rule,omitempty"`
	Fault           string    `json:"fault,omitempty"`
	Detail          string    `json:"detail,omitempty"`
}

// Ring is the trace: a ring of the last size events, indexed by message id, by kind fault and
// by the topic of SNS delivery events, so that the console's reads of one message's history, of
// the latest faults or of a topic's deliveries cost what they return, not a walk of the whole ring under the lock every traced call takes. (With 161k
// events and four consoles polling a message's history, that walk pushed SendMessage's median
// from 0.5 ms to 25 ms.) The index is a chain: each event holds the Seq of the previous event of
// the same message (and of its target message, the previous fault, the previous delivery event of
// the same topic), and byMessage (byTopic) the Seq of each message's (topic's) newest event. It
// holds no more than the ring: an entry leaves byMessage or byTopic with the newest event it
// points at, and a chain ends at the first Seq the ring no longer holds.
type Ring struct {
	mu        sync.Mutex
	size      int
	buf       []Event // grows to size, then wraps
	links     []links // links[i] chains buf[i]
	head      int     // index of the oldest event once buf is full
	last      uint64  // Seq of the newest event
	dropped   uint64
	byMessage map[string]uint64 // message id (MessageID or TargetMessageID) -> Seq of its newest event
	lastFault uint64            // Seq of the newest fault event
	byTopic   map[string]uint64 // SNS topic ARN (Target of an SNS event) -> Seq of its newest SNS event
}

// links chains one event to the earlier ones of the same message and kind (0: none).
type links struct {
	prevMessage uint64 // the previous event naming its MessageID
	prevTarget  uint64 // the previous event naming its TargetMessageID (when not its MessageID)
	prevFault   uint64 // the previous fault event (on a fault event)
	prevTopic   uint64 // the previous SNS event of its topic (on an SNS event)
}

// IsSNS reports whether kind is that of an SNS delivery event: sns.delivered, sns.filtered or
// sns.failed.
func IsSNS(kind string) bool { return kind == SNSDelivered || kind == SNSFiltered || kind == SNSFailed }

// New returns a ring of size events, or nil (no trace) when size is not positive.
func New(size int) *Ring {
	if size <= 0 {
		return nil
	}
	return &Ring{size: size, byMessage: map[string]uint64{}, byTopic: map[string]uint64{}}
}

// Add numbers an event and keeps it, dropping the oldest if the ring is full.
func (r *Ring) Add(ev *Event) {
	r.mu.Lock()
	r.last++
	ev.Seq = r.last
	var l links
	if ev.MessageID != "" {
		l.prevMessage = r.byMessage[ev.MessageID]
		r.byMessage[ev.MessageID] = ev.Seq
	}
	if ev.TargetMessageID != "" && ev.TargetMessageID != ev.MessageID {
		l.prevTarget = r.byMessage[ev.TargetMessageID]
		r.byMessage[ev.TargetMessageID] = ev.Seq
	}
	if ev.Kind == Fault {
		l.prevFault = r.lastFault
		r.lastFault = ev.Seq
	}
	if IsSNS(ev.Kind) && ev.Target != "" {
		l.prevTopic = r.byTopic[ev.Target]
		r.byTopic[ev.Target] = ev.Seq
	}
	if len(r.buf) < r.size {
		r.buf = append(r.buf, *ev)
		r.links = append(r.links, l)
	} else {
		r.unindex(&r.buf[r.head])
		r.buf[r.head] = *ev
		r.links[r.head] = l
		r.head++
		if r.head == r.size {
			r.head = 0
		}
		r.dropped++
	}
	r.mu.Unlock()
}

// unindex forgets an event the ring drops: the messages and the topic whose newest event it is
// leave the index.
func (r *Ring) unindex(old *Event) {
	for _, id := range [2]string{old.MessageID, old.TargetMessageID} {
		if id != "" && r.byMessage[id] == old.Seq {
			delete(r.byMessage, id)
		}
	}
	if IsSNS(old.Kind) && old.Target != "" && r.byTopic[old.Target] == old.Seq {
		delete(r.byTopic, old.Target)
	}
}

// at is the event with Seq seq and its links, or nil if the ring does not hold it. Caller holds mu.
func (r *Ring) at(seq uint64) (*Event, *links) {
	n := uint64(len(r.buf))
	if seq == 0 || seq > r.last || r.last-seq >= n {
		return nil, nil
	}
	i := (r.head + int(n-1-(r.last-seq))) % len(r.buf)
	return &r.buf[i], &r.links[i]
}

// MessageEvents returns the newest n events that name message id (as MessageID or
// TargetMessageID) and that keep accepts, oldest first, following the message's chain: it visits
// only that message's events (visited counts them).
func (r *Ring) MessageEvents(id string, n int, keep func(*Event) bool) (evs []Event, visited int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs = []Event{}
	for seq := r.byMessage[id]; len(evs) < n; visited++ {
		ev, l := r.at(seq)
		if ev == nil {
			break
		}
		if keep(ev) {
			evs = append(evs, *ev)
		}
		if ev.MessageID == id {
			seq = l.prevMessage
		} else {
			seq = l.prevTarget
		}
	}
	slices.Reverse(evs)
	return evs, visited
}

// Faults returns the newest n fault events with Seq > after, oldest first, following the chain of
// fault events, and the Seq of the newest event of any kind.
func (r *Ring) Faults(after uint64, n int) ([]Event, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs := []Event{}
	for seq := r.lastFault; seq > after && len(evs) < n; {
		ev, l := r.at(seq)
		if ev == nil {
			break
		}
		evs = append(evs, *ev)
		seq = l.prevFault
	}
	slices.Reverse(evs)
	return evs, r.last
}

// TopicEvents returns the newest n SNS delivery events (IsSNS) of the topic with Seq > after,
// oldest first, following the topic's chain, and the Seq of the newest event of any kind.
func (r *Ring) TopicEvents(topicARN string, after uint64, n int) ([]Event, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs := []Event{}
	for seq := r.byTopic[topicARN]; seq > after && len(evs) < n; {
		ev, l := r.at(seq)
		if ev == nil {
			break
		}
		evs = append(evs, *ev)
		seq = l.prevTopic
	}
	slices.Reverse(evs)
	return evs, r.last
}

// Since returns up to limit events (all when limit is 0) with Seq > after, oldest first, with the
// count of dropped events and the Seq of the newest one. It costs what it copies.
func (r *Ring) Since(after uint64, limit int) (evs []Event, dropped, last uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := uint64(len(r.buf))
	first := r.last - n + 1 // Seq of the oldest held
	start := max(after+1, first)
	if n == 0 || start > r.last {
		return []Event{}, r.dropped, r.last
	}
	count := int(r.last - start + 1)
	if limit > 0 && count > limit {
		count = limit
	}
	evs = make([]Event, count)
	i := (r.head + int(start-first)) % len(r.buf)
	for k := 0; k < count; {
		c := copy(evs[k:], r.buf[i:])
		k += c
		i = 0
	}
	return evs, r.dropped, r.last
}

// Dropped is how many events the ring dropped, oldest first, to keep its size.
func (r *Ring) Dropped() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// Size is the ring's size.
func (r *Ring) Size() int { return r.size }

// kinds names the engine's event kinds.
var kinds = [...]string{
	engine.EventQueueCreated: QueueCreated, engine.EventQueueDeleted: QueueDeleted,
	engine.EventQueuePurged: QueuePurged, engine.EventQueueAttributes: QueueAttributes,
	engine.EventSent: Sent, engine.EventDeduplicated: Deduplicated, engine.EventReceived: Received,
	engine.EventVisibility: Visibility, engine.EventVisible: Visible, engine.EventDeleted: Deleted,
	engine.EventExpired: Expired, engine.EventDeadLettered: DeadLettered, engine.EventMoved: Moved,
	engine.EventFault: Fault, engine.EventQueueTagged: QueueTagged, engine.EventQueueUntagged: QueueUntagged,
}

// Hook is the trace hook of the engine of an account and region (nil when r is nil).
func (r *Ring) Hook(account, region string) engine.TraceHook {
	if r == nil {
		return nil
	}
	return func(e engine.Event) {
		ev := Event{Time: e.Time, Kind: kinds[e.Kind], Queue: e.Queue, Region: region, Account: account,
			Operation: e.Call.Operation, CallID: e.Call.ID, MessageID: e.MessageID, GroupID: e.GroupID,
			ReceiptHandle: e.ReceiptHandle, ReceiveCount: e.ReceiveCount, VisibleAt: e.VisibleAt, Target: e.Target,
			TargetMessageID: e.TargetMessageID, Count: e.Count, Rule: e.Rule, Fault: e.Fault, Detail: e.Detail}
		if e.Body != "" {
			ev.Body = traceBody(e.Body)
		}
		r.Add(&ev)
	}
}

// maxTraceBody is how much of a body message.sent keeps.
const maxTraceBody = 256

// traceBody is the first 256 bytes of a body, cut at a character boundary, copied so the trace
// does not keep a long body alive.
func traceBody(s string) string {
	if len(s) <= maxTraceBody {
		return s
	}
	i := maxTraceBody
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strings.Clone(s[:i])
}

// CallFaults records the call-level faults a decision injected, before the call's own events.
func (r *Ring) CallFaults(e *engine.Engine, call engine.Call, queueURL string, fired []faultplan.Fired, now time.Time) {
	if r == nil || len(fired) == 0 {
		return
	}
	queue := queueurl.Name(queueURL)
	for _, f := range fired {
		ev := Event{Time: now, Kind: Fault, Queue: queue, Operation: call.Operation, CallID: call.ID,
			Rule: f.Rule, Fault: f.Kind, Detail: f.Detail}
		if e != nil {
			ev.Region, ev.Account = e.Region(), e.AccountID()
		}
		r.Add(&ev)
	}
}

// Call records a call the mock answered, after the events it caused: its operation and queue,
// and the error when it failed (Detail).
func (r *Ring) Call(e *engine.Engine, call engine.Call, queue string, err error, now time.Time) {
	if r == nil {
		return
	}
	ev := Event{Time: now, Kind: Call, Queue: queue, Operation: call.Operation, CallID: call.ID}
	if e != nil {
		ev.Region, ev.Account = e.Region(), e.AccountID()
	}
	if err != nil {
		ev.Detail = err.Error()
	}
	r.Add(&ev)
}
