package engine

import (
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Snapshot is everything an engine holds, in a canonical form: two snapshots are equal
// (reflect.DeepEqual) exactly when the engine's state is the same. It is for tests, which check
// that a request that fails leaves no state behind.
type Snapshot struct {
	Held     int64  // messages counted against MaxMessages
	Sequence uint64 // the last FIFO sequence number issued
	Queues   []QueueSnapshot
	Deleted  map[string]time.Time // queues deleted within the last 60 seconds
	Tasks    []TaskSnapshot       // message move tasks, by source queue and start
}

// QueueSnapshot is one queue's state.
type QueueSnapshot struct {
	Name       string
	FIFO       bool
	Closed     bool
	Attributes map[string]string // as GetQueueAttributes reports them, with counts and timestamps
	Tags       map[string]string
	PurgeAt    time.Time
	// Arrivals, Readies and Receipts are the queue's counters: messages added, messages made
	// ready, receipt handles issued.
	Arrivals, Readies, Receipts uint64
	Messages                    []MessageSnapshot   // in arrival order
	Groups                      map[string][]string // FIFO groups: their message ids in order
	Dedup                       []DedupSnapshot     // FIFO deduplication ids, by key
	DedupLog                    int                 // entries in the deduplication expiry log
	Attempts                    map[string]AttemptSnapshot
	Duplicates                  []DuplicateSnapshot      // fault-injected deliveries still to come
	Spent                       map[string]SpentSnapshot // FIFO messages gone with an expired receipt handle, by id
	SpentLog                    int                      // entries in their expiry log
}

// SpentSnapshot is what a FIFO queue remembers of a message gone with an expired receipt handle.
type SpentSnapshot struct {
	Receipt uint64 // its last receipt handle's nonce
	Live    bool   // that handle was in flight when the message went
	Expires int64
}

// MessageSnapshot is one stored message.
type MessageSnapshot struct {
	ID, Body, MD5Body, MD5Attrs, TraceHeader, MD5SysAttrs string
	GroupID, DedupID, SequenceNumber, DLQSourceARN        string
	Attributes                                            map[string]types.MessageAttributeValue
	State                                                 string
	SentAt, AgeBase, VisibleAt, ReceivedAt, FirstReceive  int64
	Size, ReceiveCount                                    int
	Arrival, Ready, Receipt                               uint64
	VisibilityChanged                                     bool
}

// DedupSnapshot is one remembered FIFO deduplication id (by its digest).
type DedupSnapshot struct {
	Key       [2]uint64
	Expires   int64
	MessageID string
	Sequence  uint64
}

// AttemptSnapshot is one remembered FIFO ReceiveRequestAttemptId.
type AttemptSnapshot struct {
	Expires    time.Time
	MessageIDs []string
	Receipts   []uint64
}

// DuplicateSnapshot is one fault-injected delivery still to come.
type DuplicateSnapshot struct {
	At           time.Time
	MessageID    string
	Receipt      uint64
	ReceiveCount int
}

// TaskSnapshot is one message move task.
type TaskSnapshot struct {
	ID, Source, Destination, Status, Failure string
	Rate, ToMove, Moved                      int
}

// Snapshot reports the engine's whole state. Like any operation it first applies the deadlines
// that have passed (expiry, visibility timeouts); it changes nothing else.
func (e *Engine) Snapshot() Snapshot {
	now := e.now()
	e.mu.RLock()
	qs := make([]*queue, 0, len(e.queues))
	for _, q := range e.queues {
		qs = append(qs, q)
	}
	deleted := map[string]time.Time{}
	for name, at := range e.deleted.at {
		if now.Sub(at) < deletedRecently {
			deleted[name] = at
		}
	}
	tasks := make([]*moveTask, 0, len(e.tasks))
	for _, t := range e.tasks {
		tasks = append(tasks, t)
	}
	e.mu.RUnlock()
	sort.Slice(qs, func(i, j int) bool { return qs[i].name < qs[j].name })
	sort.Slice(tasks, func(i, j int) bool {
		a, b := tasks[i], tasks[j]
		if a.source != b.source {
			return a.source < b.source
		}
		if !a.started.Equal(b.started) {
			return a.started.Before(b.started)
		}
		return a.id < b.id
	})

	s := Snapshot{Queues: make([]QueueSnapshot, len(qs)), Deleted: deleted}
	for i, q := range qs {
		q.mu.Lock()
		q.advance(now)
		s.Queues[i] = q.snapshot()
		q.mu.Unlock()
	}
	for _, t := range tasks {
		t.mu.Lock()
		s.Tasks = append(s.Tasks, TaskSnapshot{ID: t.id, Source: t.source, Destination: t.dest, Status: t.status,
			Failure: t.failure, Rate: t.rate, ToMove: t.toMove, Moved: t.moved})
		t.mu.Unlock()
	}
	s.Held, s.Sequence = e.held.Load(), e.sequence.Load()
	return s
}

// snapshot reports one queue. Caller holds q.mu.
func (q *queue) snapshot() QueueSnapshot {
	s := QueueSnapshot{Name: q.name, FIFO: q.fifo, Closed: q.closed, Attributes: q.attrMap(),
		Tags: map[string]string{}, PurgeAt: q.purgeAt, Arrivals: q.seq, Readies: q.readySeq, Receipts: q.nonce,
		DedupLog: len(q.dedupLog)}
	for k, v := range q.tags {
		s.Tags[k] = v
	}
	for _, m := range q.byArrival() {
		s.Messages = append(s.Messages, MessageSnapshot{ID: m.id, Body: m.body, MD5Body: m.md5Body,
			MD5Attrs: m.md5Attrs, TraceHeader: m.traceHeader, MD5SysAttrs: m.md5SysAttrs, GroupID: m.groupID,
			DedupID: m.dedupID, SequenceNumber: m.seqNumber, DLQSourceARN: m.dlqSourceArn, Attributes: m.attrs,
			State: stateNames[m.state], SentAt: int64(m.sentAt), AgeBase: int64(m.ageBase),
			VisibleAt: int64(m.visibleAt), ReceivedAt: int64(m.receivedAt), FirstReceive: int64(m.firstReceive),
			Size: m.size, ReceiveCount: m.receiveCount, Arrival: m.seq, Ready: m.readySeq, Receipt: m.receipt,
			VisibilityChanged: m.visChanged})
	}
	if q.fifo {
		s.Groups = map[string][]string{}
		for id, g := range q.groups {
			ids := make([]string, 0, g.size())
			for i := 0; i < g.size(); i++ {
				ids = append(ids, g.at(i).id)
			}
			s.Groups[id] = ids
		}
		for k, d := range q.dedup {
			s.Dedup = append(s.Dedup, DedupSnapshot{Key: k, Expires: d.expires, MessageID: formatUUID(d.messageID), Sequence: d.seq})
		}
		sort.Slice(s.Dedup, func(i, j int) bool {
			a, b := s.Dedup[i].Key, s.Dedup[j].Key
			return a[0] < b[0] || a[0] == b[0] && a[1] < b[1]
		})
		s.Attempts = map[string]AttemptSnapshot{}
		for id, a := range q.attempts {
			as := AttemptSnapshot{Expires: a.expires, Receipts: append([]uint64(nil), a.receipts...)}
			for _, m := range a.messages {
				as.MessageIDs = append(as.MessageIDs, m.id)
			}
			s.Attempts[id] = as
		}
		s.Spent = map[string]SpentSnapshot{}
		for id, sp := range q.spent {
			s.Spent[formatUUID(id)] = SpentSnapshot{Receipt: sp.nonce, Live: sp.live, Expires: sp.expires}
		}
		s.SpentLog = len(q.spentLog)
	}
	for _, d := range q.dups {
		s.Duplicates = append(s.Duplicates, DuplicateSnapshot{At: d.at, MessageID: d.copy.id, Receipt: d.copy.receipt,
			ReceiveCount: d.copy.receiveCount})
	}
	return s
}

// byArrival lists the queue's messages in arrival order. Caller holds q.mu.
func (q *queue) byArrival() []*message {
	msgs := make([]*message, 0, len(q.byID))
	for _, m := range q.byID {
		msgs = append(msgs, m)
	}
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].seq < msgs[j].seq })
	return msgs
}

// CheckInvariants reports the first inconsistency among the engine's structures: counts that
// disagree with the messages, a message missing from the heap or group it belongs in, a FIFO group
// whose visible head no receive can reach, a deduplication id or spent receipt that never expires, a held count
// that is not the number of messages. It is for tests; call it when no request is in flight.
func (e *Engine) CheckInvariants() error {
	e.mu.RLock()
	qs := make([]*queue, 0, len(e.queues))
	for _, q := range e.queues {
		qs = append(qs, q)
	}
	e.mu.RUnlock()
	var held int64
	ids := map[string]string{}
	seqs := map[string]string{}
	for _, q := range qs {
		q.mu.Lock()
		err := q.checkInvariants()
		held += int64(len(q.byID))
		for id, m := range q.byID {
			if other, dup := ids[id]; dup && err == nil {
				err = fmt.Errorf("message %s is in queues %s and %s", id, other, q.name)
			}
			ids[id] = q.name
			if m.seqNumber != "" {
				if other, dup := seqs[m.seqNumber]; dup && err == nil {
					err = fmt.Errorf("sequence number %s is used twice (%s, %s)", m.seqNumber, other, id)
				}
				seqs[m.seqNumber] = id
			}
		}
		q.mu.Unlock()
		if err != nil {
			return fmt.Errorf("queue %s: %w", q.name, err)
		}
	}
	if n := e.held.Load(); n != held {
		return fmt.Errorf("held count is %d, but the queues hold %d messages", n, held)
	}
	return nil
}

// checkInvariants checks one queue's structures. Caller holds q.mu.
func (q *queue) checkInvariants() error {
	var counts [3]int
	for id, m := range q.byID {
		if m.id != id {
			return fmt.Errorf("message %s is filed under %s", m.id, id)
		}
		counts[m.state]++
		if m.ageIdx < 0 || m.ageIdx >= len(q.age.items) || q.age.items[m.ageIdx] != m {
			return fmt.Errorf("message %s is not in the retention heap", id)
		}
		inReady := !q.fifo && m.state == stateReady
		h := &q.pending
		if inReady {
			h = &q.ready
		}
		if q.fifo && m.state == stateReady {
			h = nil
		}
		if h != nil && (m.heapIdx < 0 || m.heapIdx >= len(h.items) || h.items[m.heapIdx] != m) {
			return fmt.Errorf("message %s (%s) is not in its heap", id, stateNames[m.state])
		}
		if q.fifo {
			if m.group == nil || q.groups[m.groupID] != m.group {
				return fmt.Errorf("message %s is not in its group %q", id, m.groupID)
			}
			if m.seqNumber == "" || m.dedupID == "" {
				return fmt.Errorf("FIFO message %s has no sequence number or deduplication id", id)
			}
		}
	}
	if counts != q.counts {
		return fmt.Errorf("counts %v, but the messages are %v (delayed, ready, in flight)", q.counts, counts)
	}
	if n := len(q.ready.items) + len(q.pending.items); !q.fifo && n != len(q.byID) {
		return fmt.Errorf("%d messages in the ready and pending heaps, %d stored", n, len(q.byID))
	}
	if len(q.age.items) != len(q.byID) {
		return fmt.Errorf("%d messages in the retention heap, %d stored", len(q.age.items), len(q.byID))
	}
	for _, h := range []*mheap{&q.ready, &q.pending, &q.age} {
		for i := 1; i < len(h.items); i++ {
			if h.less(h.items[i], h.items[(i-1)/2]) {
				return fmt.Errorf("a message heap is out of order at %d", i)
			}
		}
	}
	if !q.fifo {
		return nil
	}
	return q.checkFifo()
}

// checkFifo checks a FIFO queue's groups and deduplication ids. Caller holds q.mu.
func (q *queue) checkFifo() error {
	grouped := 0
	for id, g := range q.groups {
		if g.size() == 0 {
			return fmt.Errorf("group %q is empty but kept", id)
		}
		grouped += g.size()
		for i := 0; i < g.size(); i++ {
			if m := g.at(i); q.byID[m.id] != m {
				return fmt.Errorf("group %q holds message %s, which is not stored", id, m.id)
			}
		}
		if h := g.head(); h.state == stateReady && !g.inHeap {
			return fmt.Errorf("group %q has a visible head but no receive can reach it", id)
		}
		if g.inHeap && (g.idx < 0 || g.idx >= len(q.avail) || q.avail[g.idx] != g) {
			return fmt.Errorf("group %q is marked available but is not on the heap", id)
		}
	}
	for _, g := range q.avail {
		if q.groups[g.id] != g {
			return fmt.Errorf("group %q is on the available heap but gone", g.id)
		}
	}
	if grouped != len(q.byID) {
		return fmt.Errorf("%d messages in groups, %d stored", grouped, len(q.byID))
	}
	logged := make(map[dedupRef]bool, len(q.dedupLog))
	for _, r := range q.dedupLog {
		logged[r] = true
	}
	for k, d := range q.dedup {
		if !logged[dedupRef{key: k, expires: d.expires}] {
			return fmt.Errorf("a deduplication id (sequence %d) is not in the expiry log", d.seq)
		}
	}
	spentLogged := make(map[spentRef]bool, len(q.spentLog))
	for _, r := range q.spentLog {
		spentLogged[r] = true
	}
	for id, sp := range q.spent {
		if !spentLogged[spentRef{id: id, expires: sp.expires}] {
			return fmt.Errorf("spent receipt of message %s is not in the expiry log", formatUUID(id))
		}
		if _, ok := q.byID[formatUUID(id)]; ok {
			return fmt.Errorf("message %s is both stored and spent", formatUUID(id))
		}
	}
	return nil
}
