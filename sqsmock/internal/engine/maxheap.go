package engine

import "cmp"

// maxHeapUp and maxHeapDown keep h a max-heap on key: the pages of inspection and of the queue
// list keep their first n entries in one while they walk a map.
func maxHeapUp[T any, K cmp.Ordered](h []T, i int, key func(T) K) {
	for i > 0 {
		p := (i - 1) / 2
		if key(h[p]) >= key(h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func maxHeapDown[T any, K cmp.Ordered](h []T, i int, key func(T) K) {
	for {
		l, big := 2*i+1, i
		if l < len(h) && key(h[l]) > key(h[big]) {
			big = l
		}
		if r := l + 1; r < len(h) && key(h[r]) > key(h[big]) {
			big = r
		}
		if big == i {
			return
		}
		h[i], h[big] = h[big], h[i]
		i = big
	}
}

func seqOf(m *message) uint64 { return m.seq }
func nameOf(q *queue) string  { return q.name }
