package engine

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// state is where a message stands in its queue.
type state uint8

const (
	stateDelayed  state = iota // sent with a delay that has not passed
	stateReady                 // visible, receivable
	stateInflight              // received, inside its visibility timeout
)

// stamp is an instant in Unix nanoseconds; 0 means unset. Unlike time.Time it holds no pointer,
// so a million stored messages give the garbage collector less to scan.
type stamp int64

func stampOf(t time.Time) stamp { return stamp(t.UnixNano()) }

// time returns the instant in UTC (the zero time for an unset stamp).
func (s stamp) time() time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(s)).UTC()
}

func (s stamp) add(d time.Duration) stamp { return s + stamp(d) }

// millis renders the stamp as SQS's epoch-milliseconds attributes do.
func (s stamp) millis() string { return strconv.FormatInt(int64(s)/int64(time.Millisecond), 10) }

// message is one stored message. Fields after the blank line are owned by the queue's lock.
type message struct {
	id           string
	body         string
	md5Body      string
	attrs        map[string]types.MessageAttributeValue
	md5Attrs     string
	traceHeader  string // AWSTraceHeader system attribute
	md5SysAttrs  string
	groupID      string
	dedupID      string
	seqNumber    string // FIFO SequenceNumber
	dlqSourceArn string
	sentAt       stamp // SentTimestamp
	ageBase      stamp // what retention counts from
	size         int

	seq          uint64 // arrival order in this queue
	readySeq     uint64 // order in which it last became ready: a FIFO group's place among groups
	state        state
	visChanged   bool  // ChangeMessageVisibility was called since the current receive (ends a FIFO receive attempt's replay)
	visibleAt    stamp // when a delayed or in-flight message becomes ready
	receivedAt   stamp // start of the current receive, for the 12-hour ceiling
	firstReceive stamp
	receiveCount int
	receipt      uint64 // nonce of the current receipt handle
	heapIdx      int    // index in ready or pending heap
	ageIdx       int    // index in age heap
	group        *group // FIFO group
}

// mheap is a binary heap of messages that keeps each message's index, so a message can be
// removed or re-ordered in O(log n).
type mheap struct {
	items []*message
	less  func(a, b *message) bool
	index func(m *message) *int
}

func (h *mheap) len() int { return len(h.items) }

func (h *mheap) peek() *message {
	if len(h.items) == 0 {
		return nil
	}
	return h.items[0]
}

func (h *mheap) push(m *message) {
	*h.index(m) = len(h.items)
	h.items = append(h.items, m)
	h.up(len(h.items) - 1)
}

func (h *mheap) pop() *message {
	if len(h.items) == 0 {
		return nil
	}
	m := h.items[0]
	h.remove(m)
	return m
}

func (h *mheap) remove(m *message) {
	i := *h.index(m)
	if i < 0 || i >= len(h.items) || h.items[i] != m {
		return
	}
	last := len(h.items) - 1
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = nil
	h.items = h.items[:last]
	*h.index(m) = -1
	if i != last {
		if !h.down(i) {
			h.up(i)
		}
	}
	if cap(h.items) > 1024 && len(h.items) < cap(h.items)/4 {
		h.items = append([]*message(nil), h.items...)
	}
}

func (h *mheap) fix(m *message) {
	i := *h.index(m)
	if i < 0 {
		return
	}
	if !h.down(i) {
		h.up(i)
	}
}

func (h *mheap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	*h.index(h.items[i]) = i
	*h.index(h.items[j]) = j
}

func (h *mheap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(h.items[j], h.items[i]) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h *mheap) down(i0 int) bool {
	i, n := i0, len(h.items)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && h.less(h.items[r], h.items[l]) {
			j = r
		}
		if !h.less(h.items[j], h.items[i]) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}

func heapIdx(m *message) *int { return &m.heapIdx }
func ageIdx(m *message) *int  { return &m.ageIdx }

func bySeq(a, b *message) bool { return a.seq < b.seq }

func byVisibleAt(a, b *message) bool {
	if a.visibleAt == b.visibleAt {
		return a.seq < b.seq
	}
	return a.visibleAt < b.visibleAt
}

func byAge(a, b *message) bool {
	if a.ageBase == b.ageBase {
		return a.seq < b.seq
	}
	return a.ageBase < b.ageBase
}

// group is a FIFO message group: its messages in order. Only the visible prefix is receivable,
// so a message in flight blocks every message behind it. msgs[start:] is the live part, so taking
// the head costs O(1) however long the group is.
type group struct {
	id     string
	msgs   []*message
	start  int
	inHeap bool
	key    uint64 // readySeq of the head when pushed to the available heap
	idx    int
}

func (g *group) size() int { return len(g.msgs) - g.start }

func (g *group) head() *message {
	if g.start >= len(g.msgs) {
		return nil
	}
	return g.msgs[g.start]
}

// at returns the i-th live message.
func (g *group) at(i int) *message { return g.msgs[g.start+i] }

func (g *group) append(m *message) { g.msgs = append(g.msgs, m) }

// removeMsg drops m from the group, keeping order. Messages that leave a group are near its
// head (received, expired), so the scan is short.
func (g *group) removeMsg(m *message) {
	for i := g.start; i < len(g.msgs); i++ {
		if g.msgs[i] != m {
			continue
		}
		if i == g.start {
			g.msgs[i] = nil
			g.start++
		} else {
			copy(g.msgs[i:], g.msgs[i+1:])
			g.msgs[len(g.msgs)-1] = nil
			g.msgs = g.msgs[:len(g.msgs)-1]
		}
		break
	}
	switch {
	case g.start == len(g.msgs):
		g.msgs, g.start = nil, 0
	case g.start > 64 && g.start > len(g.msgs)/2:
		n := copy(g.msgs, g.msgs[g.start:])
		clear(g.msgs[n:])
		g.msgs, g.start = g.msgs[:n], 0
	}
}

// groupHeap orders receivable FIFO groups by when their head message became visible.
type groupHeap []*group

func (h groupHeap) Len() int           { return len(h) }
func (h groupHeap) Less(i, j int) bool { return h[i].key < h[j].key }
func (h groupHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].idx = i; h[j].idx = j }
func (h *groupHeap) Push(x any)        { g := x.(*group); g.idx = len(*h); *h = append(*h, g) }
func (h *groupHeap) Pop() any {
	old := *h
	g := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	g.idx = -1
	return g
}
