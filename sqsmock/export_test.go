package sqsmock

import (
	"net/http"
	"time"

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

// The call log is on in the package's tests, off for users (who read calls in the trace).
func init() { defaultCallLog = 10000 }

// Call is one call of the call log (for tests).
type Call = callRecord

// Calls returns the recorded calls, oldest first (for tests).
func (m *Mock) Calls() []Call {
	m.callsMu.Lock()
	defer m.callsMu.Unlock()
	return append([]Call(nil), m.calls...)
}

// CallsTo returns the recorded calls of one operation (for tests).
func (m *Mock) CallsTo(operation string) []Call {
	var out []Call
	for _, c := range m.Calls() {
		if c.Operation == operation {
			out = append(out, c)
		}
	}
	return out
}

// ResetCalls forgets the recorded calls (for tests).
func (m *Mock) ResetCalls() { m.resetCalls() }

// NoCallLog turns the call log off (for benchmarks).
func NoCallLog(o *Options) { o.callLog = -1 }

// Timers reports how many timers are waiting, e.g. long polls blocked in ReceiveMessage (for tests).
func (c *ManualClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// clockOf is a clock of two functions, whose timers cannot be stopped (for tests).
func clockOf(now func() time.Time, after func(time.Duration) <-chan time.Time) Clock {
	return funcClock{now: now, after: after}
}

type funcClock struct {
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
}

func (c funcClock) Now() time.Time                 { return c.now() }
func (c funcClock) NewTimer(d time.Duration) Timer { return funcTimer{c.after(d)} }

type funcTimer struct{ c <-chan time.Time }

func (t funcTimer) C() <-chan time.Time { return t.c }
func (t funcTimer) Stop() bool          { return false }

// Addr is the address the server listens on (for tests).
func (s *Server) Addr() string { return s.ln.Addr().String() }
