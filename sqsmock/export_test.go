package sqsmock

import (
	"net/http"

	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// Connections reports how many accepted connections have not sent a request yet (for tests).
func (s *Server) Connections() int { return s.http.Count(http.StateNew) }

// ActiveConnections reports how many connections are serving a request (for tests).
func (s *Server) ActiveConnections() int { return s.http.Count(http.StateActive) }

// EngineSnapshot is the engine's whole state (for tests that check a failed request changed
// nothing).
func (m *Mock) EngineSnapshot() engine.Snapshot { return m.engine.Snapshot() }

// CheckEngine reports the first inconsistency among the engine's structures (for tests).
func (m *Mock) CheckEngine() error { return m.engine.CheckInvariants() }

// Region returns the mock's own region (for tests).
func (m *Mock) Region() string { return m.cfg.region }

// AccountID returns the mock's own account id (for tests).
func (m *Mock) AccountID() string { return m.cfg.account }
