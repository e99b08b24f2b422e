package sqsmock

import (
	"net/http"

	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// Connections reports how many accepted connections have not sent a request yet (for tests).
func (s *Server) Connections() int {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	n := 0
	for _, info := range s.conns {
		if info.state == http.StateNew {
			n++
		}
	}
	return n
}

// ActiveConnections reports how many connections are serving a request (for tests).
func (s *Server) ActiveConnections() int {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	n := 0
	for _, info := range s.conns {
		if info.state == http.StateActive {
			n++
		}
	}
	return n
}

// EngineSnapshot is the engine's whole state (for tests that check a failed request changed
// nothing).
func (m *Mock) EngineSnapshot() engine.Snapshot { return m.engine.Snapshot() }

// CheckEngine reports the first inconsistency among the engine's structures (for tests).
func (m *Mock) CheckEngine() error { return m.engine.CheckInvariants() }
