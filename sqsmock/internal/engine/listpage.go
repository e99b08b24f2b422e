package engine

import (
	"slices"
	"strings"
)

// QueueCounts is a queue's name and its messages by state, as the admin list shows it.
type QueueCounts struct {
	Name, ARN                string
	FIFO                     bool
	Ready, InFlight, Delayed int
}

// CountsPage lists the queues whose names start with prefix and sort after after (""; from the
// first), at most limit of them in name order, with their message counts (deadlines that have
// passed applied, as Inspect does). total is how many queues match prefix, rest how many of those
// sort after after (rest > len(page): more follow). It copies and sorts only the page: a walk of
// the queues keeps the limit first in a bounded heap, so a console polling the first page of
// 20,000 queues does not sort them all, nor copy their attributes.
func (e *Engine) CountsPage(prefix, after string, limit int) (page []QueueCounts, total, rest int) {
	e.mu.RLock()
	top := make([]*queue, 0, max(0, min(limit, len(e.queues))))
	for name, q := range e.queues {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		total++
		if name <= after {
			continue
		}
		rest++
		switch {
		case limit <= 0:
		case len(top) < limit:
			top = append(top, q)
			maxHeapUp(top, len(top)-1, nameOf)
		case name < top[0].name:
			top[0] = q
			maxHeapDown(top, 0, nameOf)
		}
	}
	e.mu.RUnlock()
	slices.SortFunc(top, func(a, b *queue) int { return strings.Compare(a.name, b.name) })
	now := e.now()
	page = make([]QueueCounts, len(top))
	for i, q := range top {
		q.mu.Lock()
		q.advance(now)
		page[i] = QueueCounts{Name: q.name, ARN: q.arn, FIFO: q.fifo, Ready: q.counts[stateReady],
			InFlight: q.counts[stateInflight], Delayed: q.counts[stateDelayed]}
		q.mu.Unlock()
	}
	return page, total, rest
}
