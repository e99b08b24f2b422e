package faultplan

import (
	"weak"
)

// addClient notes a client placement of the plan, for held. The plan does not keep it alive.
func (p *Plan) addClient(s *clientState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	live := p.clients[:0]
	for _, c := range p.clients {
		if c.Value() != nil {
			live = append(live, c)
		}
	}
	p.clients = append(live, weak.Make(s))
}

// Held counts the messages the plan's client placements (SDK middleware) hold back for a later
// receive from queueURL: duplicate and delayed deliveries no receive has returned yet. The
// harness waits for them before it calls a consumer's run settled. A nil plan holds none.
func (p *Plan) Held(queueURL string) int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	clients := append([]weak.Pointer[clientState](nil), p.clients...)
	p.mu.Unlock()
	n := 0
	for _, c := range clients {
		s := c.Value()
		if s == nil {
			continue
		}
		s.mu.Lock()
		for _, h := range s.held {
			if h.queueURL == queueURL {
				n++
			}
		}
		s.mu.Unlock()
	}
	return n
}
