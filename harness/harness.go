// Package harness runs a Go test against an SQS backend of your choice — the in-process mock
// (default), the mock over HTTP, LocalStack, moto, ElasticMQ or real AWS — through one client
// type, sqsmock.API, and gives the test uniquely named queues that are deleted when it ends, plus
// testify-based helpers to send, receive, drain, wait and assert, and a consumer runner that checks
// delivery invariants.
//
//	h := harness.New(t)                        // backend from SQSHARNESS_BACKEND, default "mock"
//	q := h.Queue("jobs", map[string]string{"VisibilityTimeout": "2"})
//	h.SendN(q, 3)
//	msgs := h.ReceiveN(q, 3, 5*time.Second)
//
// Time: on the mock (both ways) the harness drives a manual clock, so Advance and the waits inside
// ReceiveN, WaitForCount and RunConsumer jump instead of sleeping; on the other backends they take
// real time. Tests written with h.Advance run unchanged on every backend.
package harness

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Backend names a kind of SQS endpoint.
type Backend string

// The backends.
const (
	Mock       Backend = "mock"       // sqsmock in process, manual clock (default)
	Server     Backend = "server"     // sqsmock over HTTP through the real *sqs.Client, manual clock
	LocalStack Backend = "localstack" // LocalStack at an endpoint (package localstackcontainer starts one in Docker)
	Moto       Backend = "moto"       // moto's server at an endpoint
	ElasticMQ  Backend = "elasticmq"  // ElasticMQ at an endpoint
	AWS        Backend = "aws"        // real Amazon SQS, default credential chain; only when asked for
)

// Backends lists every backend, the mock first.
var Backends = []Backend{Mock, Server, LocalStack, Moto, ElasticMQ, AWS}

// EnvBackend selects the backend when no WithBackend option is given.
const EnvBackend = "SQSHARNESS_BACKEND"

// EndpointEnv is the variable holding a peer's endpoint, e.g. SQSHARNESS_MOTO_ENDPOINT.
func EndpointEnv(b Backend) string {
	return "SQSHARNESS_" + strings.ToUpper(string(b)) + "_ENDPOINT"
}

// Capabilities say how a backend lets a test wait. They change how waits are done, never what is
// asserted.
type Capabilities struct {
	// FastForward: the backend runs on a clock the harness controls (the mock), so waits jump.
	FastForward bool
	// Inspect: Mock() gives the sqsmock.Mock behind the client.
	Inspect bool
}

// Option configures New.
type Option func(*config)

type config struct {
	backend     Backend
	endpoint    string
	region      string
	mockOpts    []sqsmock.Option
	clockStart  time.Time
	wait        time.Duration
	clientOpts  []func(*sqs.Options)
	queuePrefix string
}

// WithBackend selects the backend ("mock", "server", "localstack", "moto", "elasticmq", "aws"),
// overriding SQSHARNESS_BACKEND.
func WithBackend(b Backend) Option { return func(c *config) { c.backend = b } }

// WithEndpoint sets the endpoint URL of a third-party backend (or of AWS), overriding
// AWS_ENDPOINT_URL_SQS and SQSHARNESS_<BACKEND>_ENDPOINT.
func WithEndpoint(url string) Option { return func(c *config) { c.endpoint = url } }

// WithRegion sets the region (default: AWS_REGION for aws, us-east-1 otherwise).
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithMockOptions passes options to sqsmock.New for the mock and server backends.
func WithMockOptions(opts ...sqsmock.Option) Option {
	return func(c *config) { c.mockOpts = append(c.mockOpts, opts...) }
}

// WithClockStart sets where the mock's manual clock starts (default: now, to the second).
func WithClockStart(t time.Time) Option { return func(c *config) { c.clockStart = t } }

// WithWait sets the default timeout of ReceiveN, WaitForCount and RunConsumer (default 10s; on
// the mock it is clock time and costs nothing).
func WithWait(d time.Duration) Option { return func(c *config) { c.wait = d } }

// WithClientOptions customises the *sqs.Client of the HTTP backends (e.g. faults.WithPlan(plan)).
func WithClientOptions(fns ...func(*sqs.Options)) Option {
	return func(c *config) { c.clientOpts = append(c.clientOpts, fns...) }
}

// WithQueuePrefix sets the prefix of queue names made by Queue and FIFOQueue (default "sqsh").
func WithQueuePrefix(p string) Option { return func(c *config) { c.queuePrefix = p } }

// H is one test's handle on a backend. Its helpers fail the test (through testify's require) when
// a call they make fails.
type H struct {
	t        testing.TB
	api      sqsmock.API
	backend  Backend
	endpoint string
	region   string
	caps     Capabilities
	mock     *sqsmock.Mock
	clock    *sqsmock.ManualClock
	server   *sqsmock.Server
	wait     time.Duration
	prefix   string
}

// New returns a handle on the backend chosen by WithBackend, else SQSHARNESS_BACKEND, else the
// in-process mock. A third-party backend with no endpoint configured is tried on its usual local
// port (DefaultEndpoint); one that does not answer skips the test with instructions (and fails it
// when CI=true).
func New(t testing.TB, opts ...Option) *H {
	t.Helper()
	cfg := config{wait: 10 * time.Second, queuePrefix: "sqsh"}
	for _, o := range opts {
		o(&cfg)
	}
	fromEnv := false
	if cfg.backend == "" {
		cfg.backend = Backend(strings.ToLower(strings.TrimSpace(os.Getenv(EnvBackend))))
		fromEnv = cfg.backend != ""
	}
	if cfg.backend == "" {
		cfg.backend = Mock
	}
	h := &H{t: t, backend: cfg.backend, wait: cfg.wait, prefix: cfg.queuePrefix}
	switch cfg.backend {
	case Mock, Server:
		h.setupMock(cfg)
	case LocalStack, Moto, ElasticMQ, AWS:
		h.setupRemote(cfg, fromEnv)
	default:
		t.Fatalf("harness: unknown backend %q (want one of %v)", cfg.backend, Backends)
	}
	return h
}

func (h *H) setupMock(cfg config) {
	start := cfg.clockStart
	if start.IsZero() {
		start = time.Now().Truncate(time.Second)
	}
	h.clock = sqsmock.NewManualClock(start)
	h.region = cfg.region
	if h.region == "" {
		h.region = "us-east-1"
	}
	mopts := append([]sqsmock.Option{sqsmock.WithClock(h.clock), sqsmock.WithRegion(h.region)}, cfg.mockOpts...)
	h.caps = Capabilities{FastForward: true, Inspect: true}
	if h.backend == Mock {
		h.mock = sqsmock.New(mopts...)
		h.api = h.mock.Client()
		return
	}
	h.server = sqsmock.NewServer(h.t, mopts...)
	h.mock = h.server.Mock()
	h.endpoint = h.server.URL
	h.api = h.server.SDKClient(cfg.clientOpts...)
}

// T is the test the handle belongs to.
func (h *H) T() testing.TB { return h.t }

// Client is the SQS client: *sqsmock.Client for the mock, *sqs.Client for every other backend.
func (h *H) Client() sqsmock.API { return h.api }

// Backend is the backend in use.
func (h *H) Backend() Backend { return h.backend }

// Endpoint is the HTTP endpoint in use ("" for the in-process mock and for AWS without one).
func (h *H) Endpoint() string { return h.endpoint }

// Region is the region in use.
func (h *H) Region() string { return h.region }

// Caps describes what the backend can do.
func (h *H) Caps() Capabilities { return h.caps }

// Mock is the mock behind the client (nil unless Caps().Inspect).
func (h *H) Mock() *sqsmock.Mock { return h.mock }

// Clock is the mock's manual clock (nil unless Caps().FastForward).
func (h *H) Clock() *sqsmock.ManualClock { return h.clock }

// Ctx is the context for calls: the test's own, cancelled when it ends.
func (h *H) Ctx() context.Context {
	if c, ok := h.t.(interface{ Context() context.Context }); ok {
		return c.Context()
	}
	return context.Background()
}

// Advance lets d pass: on the mock it moves the clock (firing long-poll deadlines); elsewhere it
// sleeps.
func (h *H) Advance(d time.Duration) {
	if h.clock != nil {
		h.clock.Advance(d)
		return
	}
	time.Sleep(d)
}

// WaitForPollers returns once n long polls are blocked in ReceiveMessage: exactly on the mock (its
// clock's timers); elsewhere after a short real pause that lets the requests arrive.
func (h *H) WaitForPollers(n int) {
	h.t.Helper()
	if h.clock == nil {
		time.Sleep(500 * time.Millisecond)
		return
	}
	done := make(chan struct{})
	go func() { h.clock.WaitForTimers(n); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		h.t.Fatalf("harness: %d long polls did not start within 10s", n)
	}
}

func (h *H) String() string { return fmt.Sprintf("harness(%s %s)", h.backend, h.endpoint) }
