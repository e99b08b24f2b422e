package faults

import (
	"weak"

	"github.com/sqsharness/sqsharness/internal/faulthook"
)

func init() {
	faulthook.Held = func(plan any, queueURL string) int {
		p, _ := plan.(*Plan)
		if p == nil {
			return 0
		}
		return p.held(queueURL)
	}
}

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

// held counts the messages the plan's client placements hold back for a later receive from
// queueURL.
func (p *Plan) held(queueURL string) int {
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
