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

// The With* functions below are not API: they keep the browser tests (*_browser_test.go, which
// move to the e2e module) compiling until they move and take ServerOptions there. Each is a
// NewServer option.

func WithQueue(name string, attributes map[string]string) func(*ServerOptions) {
	return withMock(func(o *Options) { o.Queues = append(o.Queues, Queue{Name: name, Attributes: attributes}) })
}

func WithDeadLetterQueue(source, dlq string, maxReceiveCount int) func(*ServerOptions) {
	return withMock(func(o *Options) {
		o.Queues = append(o.Queues, Queue{Name: source, DeadLetterQueue: dlq, MaxReceiveCount: maxReceiveCount})
	})
}

func WithTrace(size int) func(*ServerOptions) {
	return withMock(func(o *Options) { o.TraceSize = size })
}

func WithClock(c Clock) func(*ServerOptions) { return withMock(func(o *Options) { o.Clock = c }) }

func WithHTTPMiddleware(mw func(http.Handler) http.Handler) func(*ServerOptions) {
	return func(o *ServerOptions) { o.Middleware = append(o.Middleware, mw) }
}

func WithBrowserOrigins(origins ...string) func(*ServerOptions) {
	return func(o *ServerOptions) { o.BrowserOrigins = append(o.BrowserOrigins, origins...) }
}

func WithAdminToken(token string) func(*ServerOptions) {
	return func(o *ServerOptions) { o.AdminToken = token }
}

func withMock(f func(*Options)) func(*ServerOptions) {
	return func(o *ServerOptions) { o.Mock = append(o.Mock, f) }
}

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
