package engine

import (
	"container/heap"
	"hash/maphash"
	"sync"
	"time"
)

// queue is one queue's state. Everything below mu is guarded by it.
type queue struct {
	e    *Engine
	name string
	arn  string
	fifo bool

	mu           sync.Mutex
	attrs        queueAttrs
	attrsVersion uint64 // counts changes to attrs (setAttrs)
	tags         map[string]string
	created      time.Time
	modified     time.Time

	byID     map[string]*message
	ready    mheap // standard queues: visible messages by arrival
	pending  mheap // delayed and in-flight messages by the time they become visible
	age      mheap // all messages by retention basis
	groups   map[string]*group
	avail    groupHeap // FIFO groups whose head is visible
	counts   [3]int    // messages per state
	seq      uint64
	readySeq uint64 // counts messages becoming ready, for message.readySeq
	nonce    uint64
	dedup    map[dedupKey]dedupEntry
	dedupLog []dedupRef // insertion order, for expiry
	attempts map[string]*attempt
	dups     []duplicate   // fault-injected duplicate deliveries
	purgeAt  time.Time     // last PurgeQueue
	notify   chan struct{} // closed by the next change; made only when a long poll waits for one
	closed   bool

	// The DeduplicationScope deduplication applies now, and one set by SetQueueAttributes that
	// takes effect at scopeAt (see scheduleScope).
	dedupScope string
	scopeNext  string
	scopeAt    time.Time

	// issued are the latest receipt handles the queue issued, one receive's worth (see issue).
	issued     [10]issuedReceipt
	issuedNext int
	tag        uint64         // what the queue's receipt handles carry of it (receiptCodec.queueTag)
	scratch    receiptScratch // the cipher's memory for sealing and opening receipt handles

	// spent remembers FIFO messages that went away while a receipt handle of theirs had expired
	// (see spentExpired), until the end of their retention period; spentLog in insertion order.
	spent    map[[16]byte]spentReceipt
	spentLog []spentRef
}

// spentReceipt is what a FIFO queue remembers of a message that is gone: the nonce of its last
// receipt handle, and whether that handle was still in flight when the message went.
type spentReceipt struct {
	nonce   uint64
	live    bool
	expires int64 // unix nanoseconds
}

type spentRef struct {
	id      [16]byte
	expires int64
}

// dedupKey is a 128-bit digest of a deduplication id within its scope. Keys and entries hold no
// pointers, so the garbage collector never scans the (possibly huge) deduplication map.
type dedupKey [2]uint64

var dedupSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func makeDedupKey(s string) dedupKey {
	return dedupKey{maphash.String(dedupSeeds[0], s), maphash.String(dedupSeeds[1], s)}
}

func (k dedupKey) xor(g dedupKey) dedupKey { return dedupKey{k[0] ^ g[0], k[1] ^ g[1]} }

// dedupEntry remembers a FIFO deduplication id for the 5-minute interval, with the message it
// accepted: a duplicate send reports that message's id and sequence number. group is the digest of
// the message's group: an entry's key in one scope, xor group, is its key in the other.
type dedupEntry struct {
	expires   int64 // unix nanoseconds
	messageID [16]byte
	seq       uint64
	group     dedupKey
}

// dedupKeyOf returns the deduplication key of id sent in group, in the scope in effect, and the
// group's digest. In queue scope the key is the id's digest; in messageGroup scope it is mixed with
// the group's. Caller holds q.mu.
func (q *queue) dedupKeyOf(id, group string) (key, g dedupKey) {
	key, g = makeDedupKey(id), makeDedupKey(group)
	if q.dedupScope == "messageGroup" {
		key = key.xor(g)
	}
	return key, g
}

// scopePropagation is how long a new DeduplicationScope takes to apply. SQS reports the new value
// at once, but for a while keeps deduplicating as before: recorded on AWS
// (test_fifo_change_to_high_throughput_after_creation and ..._to_regular_throughput_...), right
// after a switch from queue to messageGroup scope the same id sent in a new group is still a
// duplicate, also for ids first sent after the switch, and right after a switch back it is not.
// The API Reference (SetQueueAttributes) says "When you change a queue's attributes, the change
// can take up to 60 seconds for most of the attributes to propagate throughout the Amazon SQS
// system"; the mock takes the 60 seconds, on its clock, so tests of it are deterministic.
const scopePropagation = 60 * time.Second

// scheduleScope records a DeduplicationScope set by SetQueueAttributes: it takes effect
// scopePropagation later, or never if it is set back first. Caller holds q.mu.
func (q *queue) scheduleScope(scope string, now time.Time) {
	switch {
	case scope == q.dedupScope:
		q.scopeNext = ""
	case scope != q.scopeNext:
		q.scopeNext, q.scopeAt = scope, now.Add(scopePropagation)
	}
}

// rescope puts the pending DeduplicationScope into effect. Every id remembered keeps
// deduplicating for the rest of its 5-minute interval, now in the new scope: its key changes
// scope. Entries of one id in several groups merge, going to queue scope, into the one that lasts
// longest. Caller holds q.mu.
func (q *queue) rescope() {
	toQueue := q.scopeNext == "queue"
	next := make(map[dedupKey]dedupEntry, len(q.dedup))
	for k, d := range q.dedup {
		nk := k.xor(d.group)
		if kept, ok := next[nk]; ok && toQueue && (kept.expires > d.expires || kept.expires == d.expires && kept.seq > d.seq) {
			continue
		}
		next[nk] = d
	}
	log := q.dedupLog[:0]
	for _, ref := range q.dedupLog {
		if d, ok := q.dedup[ref.key]; ok {
			log = append(log, dedupRef{key: ref.key.xor(d.group), expires: ref.expires})
		}
	}
	q.dedup, q.dedupLog = next, log
	q.dedupScope, q.scopeNext = q.scopeNext, ""
}

type dedupRef struct {
	key     dedupKey
	expires int64
}

// attempt remembers a FIFO ReceiveRequestAttemptId for the 5-minute interval.
type attempt struct {
	expires  time.Time
	messages []*message
	receipts []uint64
}

const dedupInterval = 5 * time.Minute

func newQueue(e *Engine, name string, fifo bool, attrs queueAttrs, now time.Time) *queue {
	q := &queue{
		e: e, name: name, arn: e.arn(name), fifo: fifo, tag: e.receipts.queueTag(name),
		attrs: attrs, tags: map[string]string{}, created: now, modified: now,
		byID:    map[string]*message{},
		ready:   mheap{less: bySeq, index: heapIdx},
		pending: mheap{less: byVisibleAt, index: heapIdx},
		age:     mheap{less: byAge, index: ageIdx},
	}
	if fifo {
		q.groups = map[string]*group{}
		q.dedup = map[dedupKey]dedupEntry{}
		q.attempts = map[string]*attempt{}
		q.spent = map[[16]byte]spentReceipt{}
		q.dedupScope = attrs.dedupScope
	}
	return q
}

// setAttrs replaces the queue's attributes, as changed at now. Caller holds q.mu.
func (q *queue) setAttrs(a queueAttrs, now time.Time) {
	q.attrs = a
	q.attrsVersion++
	q.modified = now
}

// total is the number of messages held. Caller holds q.mu.
func (q *queue) total() int { return len(q.byID) }

// wake tells long polls that something changed. Caller holds q.mu.
func (q *queue) wake() {
	if q.notify != nil {
		close(q.notify)
		q.notify = nil
	}
}

// changed returns a channel that is closed by the next change (wake). Caller holds q.mu.
func (q *queue) changed() <-chan struct{} {
	if q.notify == nil {
		q.notify = make(chan struct{})
	}
	return q.notify
}

// close ends the queue's life: long polls return. Caller must not hold q.mu.
func (q *queue) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.wake()
	}
	q.mu.Unlock()
}

// advance applies every deadline up to now: retention expiry, delays and visibility timeouts
// ending, and expired FIFO deduplication ids and receive attempts. Caller holds q.mu.
// Cost is proportional to what changed, never to the queue's depth.
func (q *queue) advance(now time.Time) {
	retention := time.Duration(q.attrs.retention) * time.Second
	nowS := stampOf(now)
	tracing := q.e.tracing()
	for m := q.age.peek(); m != nil && nowS >= m.ageBase.add(retention); m = q.age.peek() {
		q.remove(m)
		if tracing {
			q.e.emit(Event{Kind: EventExpired, Time: m.ageBase.add(retention).time(), Queue: q.name, MessageID: m.id,
				GroupID: m.groupID, ReceiveCount: m.receiveCount})
		}
	}
	woke := false
	for m := q.pending.peek(); m != nil && nowS >= m.visibleAt; m = q.pending.peek() {
		q.pending.remove(m)
		was := m.state
		q.setReady(m)
		woke = true
		if tracing {
			detail := "visibility timeout ended"
			if was == stateDelayed {
				detail = "delay ended"
			}
			q.e.emit(Event{Kind: EventVisible, Time: m.visibleAt.time(), Queue: q.name, MessageID: m.id,
				GroupID: m.groupID, ReceiveCount: m.receiveCount, Detail: detail})
		}
	}
	if woke {
		q.wake()
	}
	if q.fifo {
		nowNanos := now.UnixNano()
		for len(q.dedupLog) > 0 && nowNanos >= q.dedupLog[0].expires {
			ref := q.dedupLog[0]
			if d, ok := q.dedup[ref.key]; ok && nowNanos >= d.expires {
				delete(q.dedup, ref.key)
			}
			q.dedupLog[0] = dedupRef{}
			q.dedupLog = q.dedupLog[1:]
		}
		if len(q.dedupLog) == 0 {
			q.dedupLog = nil
		}
		if q.scopeNext != "" && !now.Before(q.scopeAt) {
			q.rescope()
		}
		for id, a := range q.attempts {
			if !now.Before(a.expires) {
				delete(q.attempts, id)
			}
		}
		for len(q.spentLog) > 0 && nowNanos >= q.spentLog[0].expires {
			ref := q.spentLog[0]
			if s, ok := q.spent[ref.id]; ok && nowNanos >= s.expires {
				delete(q.spent, ref.id)
			}
			q.spentLog = q.spentLog[1:]
		}
		if len(q.spentLog) == 0 {
			q.spentLog = nil
		}
	}
}

// nextDeadline is when the next delayed or in-flight message becomes visible (zero if none).
// Caller holds q.mu.
func (q *queue) nextDeadline() time.Time {
	var next time.Time
	if m := q.pending.peek(); m != nil {
		next = m.visibleAt.time()
	}
	for _, d := range q.dups { // fault-injected duplicates wake long polls when due
		if next.IsZero() || d.at.Before(next) {
			next = d.at
		}
	}
	return next
}

// add stores a new message, delayed until visibleAt if that is after now. Caller holds q.mu.
func (q *queue) add(m *message, now time.Time) {
	q.seq++
	m.seq = q.seq
	m.heapIdx, m.ageIdx = -1, -1
	q.byID[m.id] = m
	q.age.push(m)
	if q.fifo {
		g := q.groups[m.groupID]
		if g == nil {
			g = &group{id: m.groupID, idx: -1}
			q.groups[m.groupID] = g
		}
		m.group = g
		g.append(m)
	}
	m.state = stateDelayed
	q.counts[stateDelayed]++
	if m.visibleAt > stampOf(now) {
		q.pending.push(m)
		return
	}
	q.setReady(m)
	q.wake()
}

// setReady makes a message visible. It is in no heap when called. Caller holds q.mu.
func (q *queue) setReady(m *message) {
	q.counts[m.state]--
	m.state = stateReady
	q.counts[stateReady]++
	q.readySeq++
	m.readySeq = q.readySeq
	if q.fifo {
		q.refreshGroup(m.group)
		return
	}
	q.ready.push(m)
}

// setInflight takes a ready message out of the receivable set until visibleAt. Caller holds q.mu.
func (q *queue) setInflight(m *message, visibleAt time.Time) {
	if !q.fifo && m.state == stateReady {
		q.ready.remove(m)
	}
	if m.state != stateReady {
		q.pending.remove(m)
	}
	q.counts[m.state]--
	m.state = stateInflight
	q.counts[stateInflight]++
	m.visibleAt = stampOf(visibleAt)
	q.pending.push(m)
}

// changeVisibility moves an in-flight or ready message's deadline. Caller holds q.mu.
func (q *queue) changeVisibility(m *message, now, visibleAt time.Time) {
	if !visibleAt.After(now) {
		if m.state == stateInflight {
			q.pending.remove(m)
			q.setReady(m)
			q.wake()
		}
		return
	}
	if m.state == stateInflight {
		m.visibleAt = stampOf(visibleAt)
		q.pending.fix(m)
		return
	}
	q.setInflight(m, visibleAt)
}

// redelay applies a changed DelaySeconds to the FIFO messages still waiting out their delay:
// "For FIFO queues, the per-queue delay setting is retroactive—changing the setting affects the
// delay of messages already in the queue" (Developer Guide, "Amazon SQS delay queues"). Each now
// becomes visible its new delay after it was sent. Messages already visible stay visible.
// Caller holds q.mu.
func (q *queue) redelay(now time.Time) {
	d := time.Duration(q.attrs.delay) * time.Second
	var delayed []*message
	for _, m := range q.pending.items {
		if m.state == stateDelayed {
			delayed = append(delayed, m)
		}
	}
	for _, m := range delayed {
		m.visibleAt = m.sentAt.add(d)
		q.pending.fix(m)
	}
	q.advance(now)
}

// remove deletes a message from every structure. Caller holds q.mu.
func (q *queue) remove(m *message) {
	if _, ok := q.byID[m.id]; !ok {
		return
	}
	delete(q.byID, m.id)
	q.age.remove(m)
	switch {
	case m.state == stateReady && !q.fifo:
		q.ready.remove(m)
	case m.state != stateReady:
		q.pending.remove(m)
	}
	q.counts[m.state]--
	q.e.addHeld(-1)
	if q.fifo {
		q.spend(m)
		g := m.group
		wasHead := g.head() == m
		g.removeMsg(m)
		if g.size() == 0 {
			if g.inHeap {
				heap.Remove(&q.avail, g.idx)
				g.inHeap = false
			}
			delete(q.groups, g.id)
		} else if wasHead {
			q.refreshGroup(g)
		}
	}
}

// spend remembers a FIFO message that is going away if a receipt handle of it has expired: one
// superseded by a later receive, or its last one if that is no longer in flight. Caller holds q.mu.
func (q *queue) spend(m *message) {
	live := m.state == stateInflight
	if m.receipt == 0 || live && m.receiveCount <= 1 {
		return // never received here, or deleted with its only handle
	}
	id, ok := uuidBytes(m.id)
	if !ok {
		return
	}
	expires := q.e.now().Add(time.Duration(q.attrs.retention) * time.Second).UnixNano()
	q.spent[id] = spentReceipt{nonce: m.receipt, live: live, expires: expires}
	q.spentLog = append(q.spentLog, spentRef{id: id, expires: expires})
}

// spentExpired reports whether the receipt handle with this nonce, of a FIFO message that is gone,
// had expired: SQS answers a delete with it "The receipt handle has expired" also after another
// receiver deleted the message. Caller holds q.mu.
func (q *queue) spentExpired(id [16]byte, nonce uint64) bool {
	s, ok := q.spent[id]
	return ok && (nonce < s.nonce || nonce == s.nonce && !s.live)
}

// refreshGroup puts a FIFO group on the available heap when its head is visible. Groups are
// served in the order their heads became visible: a group whose head comes back after a
// visibility timeout goes behind groups that were waiting, as SQS does. Stale entries are
// dropped lazily when popped. Caller holds q.mu.
func (q *queue) refreshGroup(g *group) {
	h := g.head()
	if h == nil || h.state != stateReady {
		return
	}
	if g.inHeap {
		if g.key != h.readySeq {
			g.key = h.readySeq
			heap.Fix(&q.avail, g.idx)
		}
		return
	}
	g.key = h.readySeq
	g.inHeap = true
	heap.Push(&q.avail, g)
}

// purge deletes every message and reports how many. Caller holds q.mu.
func (q *queue) purge() int {
	n := len(q.byID)
	q.byID = map[string]*message{}
	q.ready.items, q.pending.items, q.age.items = nil, nil, nil
	q.counts = [3]int{}
	if q.fifo {
		q.groups = map[string]*group{}
		q.avail = nil
		// SQS forgets deduplication ids and receive attempts too (test_purge_queue_clears_fifo_deduplication_cache).
		q.dedup = map[dedupKey]dedupEntry{}
		q.dedupLog = nil
		q.attempts = map[string]*attempt{}
	}
	q.e.addHeld(-int64(n))
	return n
}

// addHeld counts messages held, for MaxMessages.
func (e *Engine) addHeld(n int64) { e.held.Add(n) }

// reserveHeld counts one more message held, unless the engine already holds MaxMessages. The check
// and the count are one atomic step, so concurrent sends to different queues (each under its own
// queue lock) cannot together pass the limit.
func (e *Engine) reserveHeld() bool {
	limit := int64(e.cfg.MaxMessages)
	if limit <= 0 {
		e.held.Add(1)
		return true
	}
	for {
		n := e.held.Load()
		if n >= limit {
			return false
		}
		if e.held.CompareAndSwap(n, n+1) {
			return true
		}
	}
}
