package sqsmock

import "github.com/sqsharness/sqsharness/sqsmock/internal/engine"

// Connections reports how many accepted connections have not sent a request yet (for tests).
func (s *Server) Connections() int {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	return len(s.fresh)
}

// EngineSnapshot is the engine's whole state (for tests that check a failed request changed
// nothing).
func (m *Mock) EngineSnapshot() engine.Snapshot { return m.engine.Snapshot() }

// CheckEngine reports the first inconsistency among the engine's structures (for tests).
func (m *Mock) CheckEngine() error { return m.engine.CheckInvariants() }
