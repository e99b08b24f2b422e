package sqsmock

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// WithTrace keeps the last size events of the mock's trace (Trace, WriteTrace, the admin
// endpoint GET /_sqsmock/trace): what happened to every queue and message, on the mock's clock,
// with the call that caused it, and every fault the plan injected. Older events are dropped and
// counted (TraceDropped). 0, the default, records nothing.
//
// Cost, measured by BenchmarkTraceSendMessage and BenchmarkTraceReceiveDelete (in-process
// client, no call log, 2 shared cores, amd64, go1.26, benchstat medians of 8 interleaved runs;
// time varied ±30-60% on that machine, so only the allocations are exact):
//
//	                                off                          on (size 10000)
//	SendMessage                     6.4 µs, 1034 B, 11 allocs    7.4 µs, 1182 B, 12 allocs
//	ReceiveMessage + DeleteMessage  13.7 µs, 1893 B, 36 allocs   12.8 µs, 1992 B, 38 allocs
//
// Off is the same as without the trace (no measurable difference from the code before it, with
// p=0.96 and 0.57, and the same bytes and allocations): one nil check per event, nothing built.
// On, each call carries its number in one small allocation, and an event is a copy into the ring
// (which grows to its size, then reuses its slots), plus a copy of the first 256 bytes of a
// longer body on message.sent.
func WithTrace(size int) Option {
	return mockOption(func(c *config) { c.trace = max(size, 0) })
}

// Trace returns the events the trace holds, oldest first (nil when tracing is off; see WithTrace).
// Seq numbers them in the order they were recorded, without gaps. Reset does not clear the trace
// (see Reset).
func (m *Mock) Trace() []TraceEvent {
	if m.trace == nil {
		return nil
	}
	evs, _, _ := m.trace.since(0, 0)
	return evs
}

// TraceDropped returns how many events the trace dropped, oldest first, to keep its size.
func (m *Mock) TraceDropped() uint64 {
	if m.trace == nil {
		return 0
	}
	m.trace.mu.Lock()
	defer m.trace.mu.Unlock()
	return m.trace.dropped
}

// WriteTrace writes the trace's events as JSON lines, oldest first: one TraceEvent object per
// line, keys as in its JSON tags.
func (m *Mock) WriteTrace(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, ev := range m.Trace() {
		if err := enc.Encode(ev); err != nil {
			return err
		}
	}
	return nil
}

// traceRing is the trace: a ring of the last size events, indexed by message id and by kind
// fault, so that the console's reads of one message's history or of the latest faults cost what
// they return, not a walk of the whole ring under the lock every traced call takes. (With 161k
// events and four consoles polling a message's history, that walk pushed SendMessage's median
// from 0.5 ms to 25 ms.) The index is a chain: each event holds the Seq of the previous event of
// the same message (and of its target message, and the previous fault), and byMessage the Seq of
// each message's newest event. It holds no more than the ring: an entry leaves byMessage with the
// newest event it points at, and a chain ends at the first Seq the ring no longer holds.
type traceRing struct {
	mu        sync.Mutex
	size      int
	buf       []TraceEvent // grows to size, then wraps
	links     []traceLinks // links[i] chains buf[i]
	head      int          // index of the oldest event once buf is full
	last      uint64       // Seq of the newest event
	dropped   uint64
	byMessage map[string]uint64 // message id (MessageID or TargetMessageID) -> Seq of its newest event
	lastFault uint64            // Seq of the newest fault event
}

// traceLinks chains one event to the earlier ones of the same message and kind (0: none).
type traceLinks struct {
	prevMessage uint64 // the previous event naming its MessageID
	prevTarget  uint64 // the previous event naming its TargetMessageID (when not its MessageID)
	prevFault   uint64 // the previous fault event (on a fault event)
}

func newTraceRing(size int) *traceRing {
	if size <= 0 {
		return nil
	}
	return &traceRing{size: size, byMessage: map[string]uint64{}}
}

// add numbers an event and keeps it, dropping the oldest if the ring is full.
func (r *traceRing) add(ev *TraceEvent) {
	r.mu.Lock()
	r.last++
	ev.Seq = r.last
	var l traceLinks
	if ev.MessageID != "" {
		l.prevMessage = r.byMessage[ev.MessageID]
		r.byMessage[ev.MessageID] = ev.Seq
	}
	if ev.TargetMessageID != "" && ev.TargetMessageID != ev.MessageID {
		l.prevTarget = r.byMessage[ev.TargetMessageID]
		r.byMessage[ev.TargetMessageID] = ev.Seq
	}
	if ev.Kind == TraceFault {
		l.prevFault = r.lastFault
		r.lastFault = ev.Seq
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

// unindex forgets an event the ring drops: the messages whose newest event it is leave the index.
func (r *traceRing) unindex(old *TraceEvent) {
	for _, id := range [2]string{old.MessageID, old.TargetMessageID} {
		if id != "" && r.byMessage[id] == old.Seq {
			delete(r.byMessage, id)
		}
	}
}

// at is the event with Seq seq and its links, or nil if the ring does not hold it. Caller holds mu.
func (r *traceRing) at(seq uint64) (*TraceEvent, *traceLinks) {
	n := uint64(len(r.buf))
	if seq == 0 || seq > r.last || r.last-seq >= n {
		return nil, nil
	}
	i := (r.head + int(n-1-(r.last-seq))) % len(r.buf)
	return &r.buf[i], &r.links[i]
}

// messageEvents returns the newest n events that name message id (as MessageID or
// TargetMessageID) and that keep accepts, oldest first, following the message's chain: it visits
// only that message's events (visited counts them).
func (r *traceRing) messageEvents(id string, n int, keep func(*TraceEvent) bool) (evs []TraceEvent, visited int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs = []TraceEvent{}
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

// faults returns the newest n fault events with Seq > after, oldest first, following the chain of
// fault events, and the Seq of the newest event of any kind.
func (r *traceRing) faults(after uint64, n int) ([]TraceEvent, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs := []TraceEvent{}
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

// since returns up to limit events (all when limit is 0) with Seq > after, oldest first, with the
// count of dropped events and the Seq of the newest one. It costs what it copies.
func (r *traceRing) since(after uint64, limit int) (evs []TraceEvent, dropped, last uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := uint64(len(r.buf))
	first := r.last - n + 1 // Seq of the oldest held
	start := max(after+1, first)
	if n == 0 || start > r.last {
		return []TraceEvent{}, r.dropped, r.last
	}
	count := int(r.last - start + 1)
	if limit > 0 && count > limit {
		count = limit
	}
	evs = make([]TraceEvent, count)
	i := (r.head + int(start-first)) % len(r.buf)
	for k := 0; k < count; {
		c := copy(evs[k:], r.buf[i:])
		k += c
		i = 0
	}
	return evs, r.dropped, r.last
}

// traceKinds names the engine's event kinds.
var traceKinds = [...]TraceKind{
	engine.EventQueueCreated: TraceQueueCreated, engine.EventQueueDeleted: TraceQueueDeleted,
	engine.EventQueuePurged: TraceQueuePurged, engine.EventQueueAttributes: TraceQueueAttributes,
	engine.EventSent: TraceSent, engine.EventDeduplicated: TraceDeduplicated, engine.EventReceived: TraceReceived,
	engine.EventVisibility: TraceVisibility, engine.EventVisible: TraceVisible, engine.EventDeleted: TraceDeleted,
	engine.EventExpired: TraceExpired, engine.EventDeadLettered: TraceDeadLettered, engine.EventMoved: TraceMoved,
	engine.EventFault: TraceFault, engine.EventQueueTagged: TraceQueueTagged, engine.EventQueueUntagged: TraceQueueUntagged,
}

// traceHook is the trace hook of a namespace's engine (nil when tracing is off).
func (m *Mock) traceHook(ns namespace) engine.TraceHook {
	if m.trace == nil {
		return nil
	}
	return func(e engine.Event) {
		ev := TraceEvent{Time: e.Time, Kind: traceKinds[e.Kind], Queue: e.Queue, Region: ns.region, Account: ns.account,
			Operation: e.Call.Operation, CallID: e.Call.ID, MessageID: e.MessageID, GroupID: e.GroupID,
			ReceiptHandle: e.ReceiptHandle, ReceiveCount: e.ReceiveCount, VisibleAt: e.VisibleAt, Target: e.Target,
			TargetMessageID: e.TargetMessageID, Count: e.Count, Rule: e.Rule, Fault: e.Fault, Detail: e.Detail}
		if e.Body != "" {
			ev.Body = traceBody(e.Body)
		}
		m.trace.add(&ev)
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

// traceCallFaults records the call-level faults a decision injected, before the call's own events.
func (m *Mock) traceCallFaults(e *engine.Engine, call engine.Call, queueURL string, fired []faultplan.Fired, now time.Time) {
	if m.trace == nil || len(fired) == 0 {
		return
	}
	queue := queueurl.Name(queueURL)
	for _, f := range fired {
		ev := TraceEvent{Time: now, Kind: TraceFault, Queue: queue, Operation: call.Operation, CallID: call.ID,
			Rule: f.Rule, Fault: f.Kind, Detail: f.Detail}
		if e != nil {
			ev.Region, ev.Account = e.Region(), e.AccountID()
		}
		m.trace.add(&ev)
	}
}

// maxTracePage is the most events one answer of GET /_sqsmock/trace carries.
const maxTracePage = 5000

// sinceParam reads the query parameter since (absent: 0) of the trace endpoints; a value that is
// not a non-negative integer is answered with 400 and ok false.
func sinceParam(w http.ResponseWriter, r *http.Request) (since uint64, ok bool) {
	v := r.URL.Query().Get("since")
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "since: not a non-negative integer: " + strconv.Quote(v)})
		return 0, false
	}
	return n, true
}

// traceAnswer is the JSON of GET /_sqsmock/trace.
type traceAnswer struct {
	Events  []TraceEvent `json:"events"`
	Dropped uint64       `json:"dropped"`
	Last    uint64       `json:"last"`
	Size    int          `json:"size"`
}

// serveTrace answers GET /_sqsmock/trace?since=N: the events with Seq > N (N absent: 0), oldest
// first, at most maxTracePage of them (ask again with since = the last one's Seq while it is
// below last), the count of dropped events, the Seq of the newest event and the ring's size
// (0: tracing is off).
func (m *Mock) serveTrace(w http.ResponseWriter, r *http.Request) {
	since, ok := sinceParam(w, r)
	if !ok {
		return
	}
	a := traceAnswer{Events: []TraceEvent{}}
	if m.trace != nil {
		a.Events, a.Dropped, a.Last = m.trace.since(since, maxTracePage)
		a.Size = m.trace.size
	}
	writeJSON(w, http.StatusOK, a)
}
