package traceview

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Client-side event kinds: the harness's record of a client's calls on a real backend has no
// engine to ask, so a call that failed is an event of its own. The mock's trace never has it.
const (
	// KindCallFailed is a call the client made that returned an error (Operation, Detail: the
	// error; MessageID when the call named one message through its receipt handle).
	KindCallFailed string = "call.failed"
)

// message states, as the page draws them (the letters are the JSON codes).
const (
	stDelayed  = "d" // sent with a delay, not yet receivable
	stVisible  = "v" // receivable
	stInFlight = "f" // received, hidden until its visibility timeout ends
	stGone     = ""  // deleted, expired, purged, or moved out of the trace's view
)

// model is what the page's script draws: the events, one lane per message, the depth of each
// queue over time and the findings. Every position is an index into Events.
type model struct {
	Title    string     `json:"title"`
	Source   string     `json:"source,omitempty"`
	Client   bool       `json:"client"`
	Dropped  uint64     `json:"dropped"`
	Start    time.Time  `json:"start"`
	Events   []event    `json:"events"`
	Lanes    []lane     `json:"lanes"`
	CallLane []int      `json:"callLane"` // fault and failed-call events that hit no message
	Queues   []queue    `json:"queues"`
	Findings []finding  `json:"findings"`
	Counts   countsJSON `json:"counts"`
}

type countsJSON struct {
	Messages     int `json:"messages"`
	Faults       int `json:"faults"`
	Duplicates   int `json:"duplicates"`
	LostDelete   int `json:"lostDeletes"`
	Redelivered  int `json:"redelivered"`  // received again after a visibility timeout expired
	DeadLettered int `json:"deadLettered"` // moved to a dead-letter queue
	NeverSent    int `json:"neverSent"`    // expected bodies the trace never shows sent
	Failures     int `json:"failures"`     // the test's own failed checks
}

// event is a trace event with where the page draws it.
type event struct {
	sqsmock.TraceEvent
	T    float64 `json:"t"`    // milliseconds since the first event
	Lane int     `json:"lane"` // index in Lanes, or -1 (queue events, call-level faults)
}

// lane is one message's history: the states it went through and the events on it.
type lane struct {
	ID       string   `json:"id"`
	Queue    string   `json:"queue"` // where it was sent
	Body     string   `json:"body,omitempty"`
	Segs     [][3]any `json:"segs"`  // [from event, to event (-1: the end of the trace), state]
	Marks    []int    `json:"marks"` // its events
	Receives int      `json:"receives"`
	Flags    []string `json:"flags,omitempty"` // duplicate, lost-delete, fault, vis-expired, redelivered, dlq, …
	End      string   `json:"end"`             // its last state: deleted, deadlettered, expired, moved, purged, in flight, visible, delayed
	Problem  bool     `json:"problem"`         // a duplicate delivery, a lost delete, a fault, an expired visibility timeout or a dead-letter move hit it
	first    int
}

// queue is one queue's depth after each event that changed it.
type queue struct {
	Name   string   `json:"name"`
	Points [][4]int `json:"points"` // [event, visible, in flight, delayed]
}

// finding is something a person should look at: a check of the test's that failed, a message
// received twice, a delete that did not stick, a visibility timeout that expired while the
// message was in flight, a dead-letter move, an expected message never sent, a body sent twice.
type finding struct {
	Kind  string `json:"kind"`  // failure, duplicate, lost-delete, redelivered, dead-lettered, never-sent, sent-twice
	Lane  int    `json:"lane"`  // -1: no message's (a failure, a message never sent)
	Event int    `json:"event"` // the event that shows it (the second receive, the lost delete); -1: none
	Rule  string `json:"rule,omitempty"`
	Text  string `json:"text"`
}

// msgState is the analysis's view of one message while it walks the events.
type msgState struct {
	lane       int
	state      string
	queue      string
	segFrom    int
	visibleAt  time.Time // end of the current visibility timeout, when known
	expiredAt  int       // event index of its visibility timeout expiring since the last receive, -1 if none
	extendedAt int       // event index of the last visibility change since the last receive, -1 if none
	lastRecv   int       // event index of the last receive, -1 before one
	faultSince int       // event index of a fault on it since the last receive, -1 if none
	deletedAt  int       // event index of a delete the client believed done, -1 if none
	lostAt     int       // event index of a lost-delete or stale-handle-delete fault, -1 if none
}

// analyse builds the page's model from the events, in Seq order.
func analyse(p Page) *model {
	evs := append([]sqsmock.TraceEvent(nil), p.Events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
	m := &model{Title: p.Title, Source: p.Source, Client: p.ClientView, Dropped: p.Dropped,
		Events: make([]event, len(evs)), Lanes: []lane{}, CallLane: []int{}, Queues: []queue{}, Findings: []finding{}}
	if len(evs) > 0 {
		m.Start = evs[0].Time
		for _, e := range evs {
			if !e.Time.IsZero() && e.Time.Before(m.Start) {
				m.Start = e.Time
			}
		}
	}
	msgs := map[string]*msgState{}
	depth := map[string]*[3]int{}
	qIndex := map[string]int{}
	touch := func(name string) *[3]int {
		if _, ok := qIndex[name]; !ok {
			qIndex[name] = len(m.Queues)
			m.Queues = append(m.Queues, queue{Name: name, Points: [][4]int{}})
			depth[name] = &[3]int{}
		}
		return depth[name]
	}
	count := func(q, st string, d int) {
		if q == "" {
			return
		}
		c := touch(q)
		switch st {
		case stVisible:
			c[0] += d
		case stInFlight:
			c[1] += d
		case stDelayed:
			c[2] += d
		}
	}
	bodies := map[[2]string][]int{} // (queue, body) → lanes sent with it
	setState := func(ms *msgState, i int, st, q string) {
		l := &m.Lanes[ms.lane]
		if ms.state != stGone {
			l.Segs = append(l.Segs, [3]any{ms.segFrom, i, ms.state})
		}
		count(ms.queue, ms.state, -1)
		ms.state, ms.segFrom = st, i
		if q != "" {
			ms.queue = q
		}
		count(ms.queue, ms.state, +1)
	}
	flag := func(l *lane, f string) {
		for _, x := range l.Flags {
			if x == f {
				return
			}
		}
		l.Flags = append(l.Flags, f)
	}
	// duplicate records the finding of a message received twice at event i, naming the fault
	// that came before it, if any.
	duplicate := func(ms *msgState, l *lane, i int, text string) {
		rule := ""
		if ms.faultSince >= 0 {
			rule = evs[ms.faultSince].Rule
			text += fmt.Sprintf(", after fault %s (%s)", rule, evs[ms.faultSince].Fault)
		}
		m.Findings = append(m.Findings, finding{Kind: "duplicate", Lane: ms.lane, Event: i, Rule: rule, Text: text})
		flag(l, "duplicate")
		m.Counts.Duplicates++
	}
	for i, e := range evs {
		m.Events[i] = event{TraceEvent: e, Lane: -1}
		if !e.Time.IsZero() && !m.Start.IsZero() {
			m.Events[i].T = float64(e.Time.Sub(m.Start).Microseconds()) / 1000
		}
		before := [3]int{}
		if e.Queue != "" {
			before = *touch(e.Queue)
		}
		if e.Kind == "fault" {
			m.Counts.Faults++
		}
		if e.MessageID == "" {
			if e.Kind == "fault" || e.Kind == KindCallFailed {
				m.CallLane = append(m.CallLane, i)
			}
			// A purge, a deleted queue or a reset of the mock ends the lanes of the messages it
			// removed.
			end := map[string]string{"queue.purged": "purged", "queue.deleted": "queue deleted", "mock.reset": "reset"}[e.Kind]
			if end != "" {
				for _, ms := range msgs {
					if ms.state != stGone && (e.Kind == "mock.reset" || ms.queue == e.Queue) {
						setState(ms, i, stGone, "")
						m.Lanes[ms.lane].End = end
					}
				}
				for qi := range m.Queues {
					q := &m.Queues[qi]
					c := depth[q.Name]
					if n := len(q.Points); n == 0 || [3]int(q.Points[n-1][1:]) != *c {
						q.Points = append(q.Points, [4]int{i, c[0], c[1], c[2]})
					}
				}
			}
			continue
		}
		ms := msgs[e.MessageID]
		if ms == nil {
			ms = &msgState{lane: len(m.Lanes), state: stGone, queue: e.Queue, lastRecv: -1, faultSince: -1, deletedAt: -1, lostAt: -1, expiredAt: -1, extendedAt: -1}
			msgs[e.MessageID] = ms
			m.Lanes = append(m.Lanes, lane{ID: e.MessageID, Queue: e.Queue, Segs: [][3]any{}, Marks: []int{}, first: i})
		}
		l := &m.Lanes[ms.lane]
		m.Events[i].Lane = ms.lane
		l.Marks = append(l.Marks, i)
		switch e.Kind {
		case "message.sent":
			l.Body = e.Body
			if e.Body != "" {
				k := [2]string{e.Queue, e.Body}
				bodies[k] = append(bodies[k], ms.lane)
			}
			if !e.VisibleAt.IsZero() && e.VisibleAt.After(e.Time) {
				setState(ms, i, stDelayed, e.Queue)
			} else {
				setState(ms, i, stVisible, e.Queue)
			}
		case "message.received":
			l.Receives++
			prev := ms.lastRecv
			// On a client-side view nothing says when a visibility timeout ended: a receive after
			// the deadline the receive gave is a plain redelivery, not a duplicate.
			expired := ms.state == stInFlight && !ms.visibleAt.IsZero() && !e.Time.Before(ms.visibleAt)
			switch {
			case ms.state == stInFlight && !expired:
				duplicate(ms, l, i, fmt.Sprintf("%s received again (receive %d) while its delivery at event #%d was still in flight", short(e.MessageID), l.Receives, evs[prev].Seq))
			case ms.state == stGone && prev >= 0:
				duplicate(ms, l, i, fmt.Sprintf("%s received again (receive %d) after it was deleted", short(e.MessageID), l.Receives))
			case prev >= 0 && ms.lostAt >= 0:
				lost := evs[ms.lostAt]
				m.Findings = append(m.Findings, finding{Kind: "lost-delete", Lane: ms.lane, Event: i, Rule: lost.Rule,
					Text: fmt.Sprintf("%s: %s at event #%d reported success but fault %s (%s) kept the message; it became visible again and was received again (receive %d)",
						short(e.MessageID), opName(lost.Operation, "DeleteMessage"), lost.Seq, lost.Rule, lost.Fault, l.Receives)})
				flag(l, "lost-delete")
				m.Counts.LostDelete++
			case prev >= 0 && ms.deletedAt >= 0:
				// client view: the client deleted it, and it came back
				del := evs[ms.deletedAt]
				m.Findings = append(m.Findings, finding{Kind: "lost-delete", Lane: ms.lane, Event: i,
					Text: fmt.Sprintf("%s: %s at event #%d succeeded, yet the message was received again (receive %d)", short(e.MessageID), opName(del.Operation, "DeleteMessage"), del.Seq, l.Receives)})
				flag(l, "lost-delete")
				m.Counts.LostDelete++
			case prev >= 0 && (ms.expiredAt >= 0 || expired):
				m.Findings = append(m.Findings, finding{Kind: "redelivered", Lane: ms.lane, Event: i, Text: expiredText(evs, ms, i, l.Receives)})
				flag(l, "vis-expired")
				m.Counts.Redelivered++
			case prev >= 0:
				flag(l, "redelivered")
			}
			// A fault of this very receive (a duplicate scheduled) explains the next one.
			if ms.faultSince < 0 || e.CallID == 0 || evs[ms.faultSince].CallID != e.CallID {
				ms.faultSince = -1
			}
			ms.lastRecv, ms.lostAt, ms.deletedAt, ms.expiredAt, ms.extendedAt = i, -1, -1, -1, -1
			ms.visibleAt = e.VisibleAt
			// A copy of a message already deleted (a duplicate delivery) is drawn as its receive
			// only: the queue holds nothing more, and deleting the copy changes nothing.
			if ms.state != stGone || prev < 0 {
				setState(ms, i, stInFlight, e.Queue)
			}
		case "message.visibility":
			ms.visibleAt = e.VisibleAt
			if ms.state == stInFlight {
				ms.extendedAt = i
			}
			if ms.state == stInFlight && !e.VisibleAt.IsZero() && !e.VisibleAt.After(e.Time) {
				setState(ms, i, stVisible, "")
			}
		case "message.visible":
			if ms.state == stInFlight && ms.lastRecv >= 0 {
				ms.expiredAt = i // its visibility timeout ran out (a change to 0 made it visible at once)
			}
			if ms.state == stInFlight || ms.state == stDelayed {
				setState(ms, i, stVisible, "")
			}
		case "message.deleted":
			ms.deletedAt = i
			if ms.state != stGone {
				setState(ms, i, stGone, "")
			}
			l.End = "deleted"
		case "message.expired":
			if ms.state != stGone {
				setState(ms, i, stGone, "")
			}
			l.End = "expired"
		case "message.deadlettered", "message.moved":
			ms.expiredAt, ms.extendedAt = -1, -1 // a receive from its new queue is not a redelivery
			if e.Kind == "message.deadlettered" {
				flag(l, "dlq")
				to := ""
				if e.Target != "" {
					to = " " + e.Target
				}
				m.Findings = append(m.Findings, finding{Kind: "dead-lettered", Lane: ms.lane, Event: i,
					Text: fmt.Sprintf("%s moved to the dead-letter queue%s after %s", short(e.MessageID), to, plural(l.Receives, "receive"))})
				m.Counts.DeadLettered++
			}
			if e.Target != "" {
				setState(ms, i, stVisible, e.Target)
			} else if ms.state != stGone {
				setState(ms, i, stGone, "")
			}
			l.End = strings.TrimPrefix(string(e.Kind), "message.")
		case "fault":
			ms.faultSince = i
			if strings.Contains(e.Fault, "lost-delete") || strings.Contains(e.Fault, "stale-handle-delete") {
				ms.lostAt = i
			}
			flag(l, "fault")
		case KindCallFailed:
			flag(l, "failed-call")
		}
		if e.Queue != "" && *touch(e.Queue) != before {
			c := depth[e.Queue]
			q := &m.Queues[qIndex[e.Queue]]
			q.Points = append(q.Points, [4]int{i, c[0], c[1], c[2]})
		}
		if ms.queue != e.Queue && ms.queue != "" { // moved: the target's depth changed too
			c := touch(ms.queue)
			q := &m.Queues[qIndex[ms.queue]]
			q.Points = append(q.Points, [4]int{i, c[0], c[1], c[2]})
		}
	}
	// A lost delete that was never followed by a receive still shows: the message is left
	// visible or in flight at the end, where the client believed it gone.
	for id, ms := range msgs {
		l := &m.Lanes[ms.lane]
		if ms.state != stGone {
			l.Segs = append(l.Segs, [3]any{ms.segFrom, -1, ms.state})
			l.End = map[string]string{stVisible: "visible", stInFlight: "in flight", stDelayed: "delayed"}[ms.state]
		}
		if ms.lostAt >= 0 {
			lost := evs[ms.lostAt]
			m.Findings = append(m.Findings, finding{Kind: "lost-delete", Lane: ms.lane, Event: ms.lostAt, Rule: lost.Rule,
				Text: fmt.Sprintf("%s: %s at event #%d reported success but fault %s (%s) kept the message; it is still in the queue at the end", short(id), opName(lost.Operation, "DeleteMessage"), lost.Seq, lost.Rule, lost.Fault)})
			flag(l, "lost-delete")
			m.Counts.LostDelete++
		}
	}
	for k, lanes := range bodies {
		if len(lanes) < 2 {
			continue
		}
		ids := make([]string, len(lanes))
		for i, li := range lanes {
			ids[i] = short(m.Lanes[li].ID)
			flag(&m.Lanes[li], "sent-twice")
		}
		m.Findings = append(m.Findings, finding{Kind: "sent-twice", Lane: lanes[1], Event: m.Lanes[lanes[1]].first,
			Text: fmt.Sprintf("the same body was sent %d times to %s (%s): %s", len(lanes), k[0], strings.Join(ids, ", "), clip(k[1], 60))})
	}
	m.Findings = append(m.Findings, neverSent(p, m, bodies)...)
	for i := range m.Lanes {
		l := &m.Lanes[i]
		for _, f := range l.Flags {
			switch f {
			case "duplicate", "lost-delete", "fault", "sent-twice", "vis-expired", "dlq":
				l.Problem = true
			}
		}
	}
	m.Counts.Messages = len(m.Lanes)
	// The first finding of each kind leads (a duplicate, a lost delete, a body sent twice), so each
	// kind is on screen at once; the rest follow in the order they happened.
	sort.SliceStable(m.Findings, func(i, j int) bool { return m.Findings[i].Event < m.Findings[j].Event })
	var lead, rest []finding
	seen := map[string]bool{}
	for _, f := range m.Findings {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			lead = append(lead, f)
		} else {
			rest = append(rest, f)
		}
	}
	rank := map[string]int{"duplicate": 0, "lost-delete": 1, "redelivered": 2, "dead-lettered": 3, "never-sent": 4, "sent-twice": 5}
	sort.SliceStable(lead, func(i, j int) bool { return rank[lead[i].Kind] < rank[lead[j].Kind] })
	// The test's own failed checks come first of all, as the test reported them.
	failures := make([]finding, 0, len(p.Failures))
	for _, f := range p.Failures {
		failures = append(failures, finding{Kind: "failure", Lane: -1, Event: -1, Text: f})
	}
	m.Counts.Failures = len(failures)
	m.Findings = append(append(failures, lead...), rest...)
	return m
}

// expiredText says how a message's visibility timeout expired while it was in flight and it was
// received again at event i (its receive n).
func expiredText(evs []sqsmock.TraceEvent, ms *msgState, i, n int) string {
	recv := evs[ms.lastRecv]
	how := "neither deleted nor extended in time"
	if ms.extendedAt >= 0 {
		ext := evs[ms.extendedAt]
		how = fmt.Sprintf("not deleted, last extended at event #%d until %s", ext.Seq, clock(ext.VisibleAt))
	}
	until := recv.VisibleAt
	if ms.expiredAt >= 0 {
		until = evs[ms.expiredAt].Time
	} else if !ms.visibleAt.IsZero() {
		until = ms.visibleAt
	}
	return fmt.Sprintf("%s: visibility timeout expired while it was in flight (received at event #%d, %s, visible again at %s) and it was received again (receive %d)",
		short(evs[i].MessageID), recv.Seq, how, clock(until), n)
}

// neverSent lists the expected bodies the trace never shows sent (Page.Expected), in the order
// given; nothing when the trace ring dropped events, since the send may be among them.
func neverSent(p Page, m *model, sent map[[2]string][]int) []finding {
	if p.Dropped > 0 {
		return nil
	}
	var out []finding
	for _, q := range sortedKeys(p.Expected) {
		for _, b := range p.Expected[q] {
			if len(sent[[2]string{q, b}]) > 0 || sentTruncated(m, q, b) {
				continue
			}
			m.Counts.NeverSent++
			out = append(out, finding{Kind: "never-sent", Lane: -1, Event: -1,
				Text: fmt.Sprintf("expected on %s but never sent: %s", q, clip(b, 80))})
		}
	}
	return out
}

// sentTruncated reports whether a long body was sent to q: the trace keeps only the first bytes
// of a body (256, cut at a character).
func sentTruncated(m *model, q, body string) bool {
	for _, l := range m.Lanes {
		if l.Queue == q && len(l.Body) >= 250 && len(l.Body) < len(body) && strings.HasPrefix(body, l.Body) {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// clock is a time of the trace as the page's table shows it: the time of day, to the millisecond.
func clock(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format("15:04:05.000")
}

// plural is "1 receive" or "2 receives".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func opName(op, def string) string {
	if op == "" {
		return def
	}
	return op
}

// short is a message id as the page labels its lane: the first 8 characters of a UUID.
func short(id string) string {
	if len(id) > 13 && strings.Count(id, "-") >= 4 {
		return id[:8]
	}
	return id
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
