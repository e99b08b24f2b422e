// Package harness runs a Go test against an SQS backend of your choice — the in-process mock
// (default), the mock over HTTP, LocalStack, moto, ElasticMQ or real AWS — through one client
// type, sqsmock.API, and gives the test uniquely named queues that are deleted when it ends, plus
// testify-based helpers to send, receive, drain, wait and assert, and a consumer runner that checks
// delivery invariants.
//
//	h := harness.New(t)                        // backend from SQSHARNESS_BACKEND, default "mock"
//	q := h.Queue("jobs", map[string]string{"VisibilityTimeout": "2"})
//	h.SendBodies(q, harness.Bodies("msg", 3))
//	msgs := h.Receive(q, 3, 5*time.Second)
//
// Time: Test runs a test body inside a testing/synctest bubble on the mock and the server, and
// as is on the other backends, so one body tests concurrent code (the user's own consumer,
// heartbeats, backoff) in milliseconds on the mock and in real time against LocalStack or AWS.
// Outside a bubble the mock runs on a manual clock that Advance and the waits inside ReceiveN,
// WaitForCount and CheckConsumer move instead of sleeping. Tests written with
// h.Advance run unchanged on every backend. Nothing else moves that clock: a call that waits on it
// (a long poll, a fault plan's latency) for 5 s of real time while it stands still fails the test
// with an explanation, and the harness then moves the clock itself, so the test ends instead of
// hanging until go test's -timeout.
//
// Faults: Options.Faults applies one faults.Plan on every backend, where it belongs (inside the mock
// on the mock and the server, as SDK middleware elsewhere), and never twice. Explore finds the
// plan for you: it runs a test body under many plans drawn from the space of SQS's faults, shrinks
// the first that fails and keeps it as a regression test; Fuzz hands the same space to go test
// -fuzz.
package harness

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/bubble"
	"github.com/sqsharness/sqsharness/internal/exempt"
	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/internal/peerenv"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Backend names a kind of SQS endpoint, as SQSHARNESS_BACKEND does: "mock" (sqsmock in process,
// the default), "server" (sqsmock over HTTP through the real *sqs.Client), "localstack", "moto",
// "elasticmq" (a peer at an endpoint) or "aws" (real Amazon SQS, only when asked for). Any other
// name (lower case letters, digits, '-') is an SQS-compatible server of your own at an endpoint.
type Backend string

const (
	backendMock       Backend = "mock"       // sqsmock in process (default)
	backendServer     Backend = "server"     // sqsmock through the real *sqs.Client over HTTP (in a bubble: in memory)
	backendLocalStack Backend = "localstack" // LocalStack at an endpoint (package localstackcontainer starts one in Docker)
	backendMoto       Backend = "moto"       // moto's server at an endpoint
	backendElasticMQ  Backend = "elasticmq"  // ElasticMQ at an endpoint
	backendAWS        Backend = "aws"        // real Amazon SQS, default credential chain; only when asked for
)

// ownBackend matches the name of a backend of the user's own: an SQS server at an endpoint.
var ownBackend = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// allBackends lists the built-in backends, the mock first.
var allBackends = []Backend{backendMock, backendServer, backendLocalStack, backendMoto, backendElasticMQ, backendAWS}

// envBackend selects the backend when Options.Backend is empty.
const envBackend = "SQSHARNESS_BACKEND"

// endpointEnv is the variable holding a peer's endpoint, e.g. SQSHARNESS_MOTO_ENDPOINT.
func endpointEnv(b Backend) string { return peerenv.EndpointVar(string(b)) }

// Capabilities say how a backend lets a test wait. They change how waits are done, never what is
// asserted.
type Capabilities struct {
	// FastForward: the backend runs on a clock the test controls (the mock's manual clock, or a
	// synctest bubble's fake time), so waits jump.
	FastForward bool
	// Inspect: Mock() gives the sqsmock.Mock behind the client.
	Inspect bool
}

// Options configure New, Test, Explore and Fuzz, which take optFns ...func(*Options) as the SDK's
// clients do: harness.New(t, func(o *harness.Options) { o.Backend = "moto" }).
type Options struct {
	// Backend selects the backend (see Backend); default $SQSHARNESS_BACKEND, else "mock".
	Backend Backend
	// Endpoint is the URL of a third-party backend or of AWS; default
	// SQSHARNESS_<BACKEND>_ENDPOINT, AWS_ENDPOINT_URL_SQS, else the peer's usual local port.
	Endpoint string
	// Region: default AWS_REGION on "aws", us-east-1 elsewhere.
	Region string
	// Faults is applied once, on whichever backend runs: inside the mock on "mock" and "server"
	// (every fault kind, on the mock's clock), as SDK middleware elsewhere.
	Faults *faults.Plan
	// Mock are options of sqsmock.New on the "mock" and "server" backends.
	Mock []func(*sqsmock.Options)
	// Client are options of the client: every HTTP backend's *sqs.Client, and the retry options
	// of the in-process client (an option it cannot apply fails the test).
	Client []func(*sqs.Options)
	// ClockStart is where the mock's manual clock starts (default: now, to the second). A
	// synctest bubble has no manual clock.
	ClockStart time.Time
	// Wait is the default timeout of ReceiveN and WaitForCount (default 10s; clock
	// time on the mock).
	Wait time.Duration
	// QueuePrefix starts the names of the queues Queue makes (default "sqsh").
	QueuePrefix string
	// TraceDir is where a failing test's trace page is written, as SQSHARNESS_TRACE_DIR says.
	TraceDir string

	// Runs is how many runs an Explore search makes after the saved plans and the run without
	// faults (default 100; under -short, one per family). SQSHARNESS_EXPLORE_RUNS overrides it.
	Runs int
	// Seed is an Explore search's base seed (default, or 0: derived from the test's name, so a
	// search is the same on every go test). SQSHARNESS_EXPLORE_SEED overrides it.
	Seed uint64
	// Corpus is the directory of an Explore test's saved plans (default
	// testdata/explore/<test name>, in the package's directory).
	Corpus string
	// FaultKinds narrow an Explore search to these kinds of fault (named as in a plan file,
	// e.g. "throttle", "duplicate-delivery"); default all.
	FaultKinds []string

	stallAfter time.Duration // 0: defaultStallAfter (our own tests set it)
	runLimit   time.Duration // real time one Explore run may take before it is stopped as hung
}

type config struct {
	backend     Backend
	endpoint    string
	region      string
	mockOpts    []func(*sqsmock.Options)
	clockStart  time.Time
	wait        time.Duration
	clientOpts  []func(*sqs.Options)
	plan        *faults.Plan
	queuePrefix string
	traceDir    string
	explore     exploreConfig // Explore's options
	stallAfter  time.Duration // 0: defaultStallAfter
}

// withFaults sets Options.Faults.
func withFaults(plan *faults.Plan) func(*Options) { return func(o *Options) { o.Faults = plan } }

// newConfig applies optFns to the zero Options and reads the result.
func newConfig(optFns []func(*Options)) config {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	kinds := make([]faultplan.Kind, len(o.FaultKinds))
	for i, k := range o.FaultKinds {
		kinds[i] = faultplan.Kind(k)
	}
	return config{
		backend: o.Backend, endpoint: o.Endpoint, region: o.Region,
		mockOpts: o.Mock, clockStart: o.ClockStart, wait: o.Wait,
		clientOpts: o.Client, plan: o.Faults, queuePrefix: o.QueuePrefix, traceDir: o.TraceDir,
		explore: exploreConfig{runs: o.Runs, seed: o.Seed, seedSet: o.Seed != 0, corpus: o.Corpus,
			kinds: kinds, runLimit: o.runLimit},
		stallAfter: o.stallAfter,
	}
}

// Test runs f with a handle on the selected backend: on the mock and the server inside a
// testing/synctest bubble, so every wait takes fake time (f must then keep synctest's rules: no
// t.Run, t.Parallel or t.Deadline, and its goroutines end before it returns); on LocalStack,
// moto, ElasticMQ and AWS as is, in real time.
func Test(t *testing.T, f func(t *testing.T, h *H), optFns ...func(*Options)) {
	t.Helper()
	switch b := selectedBackend(optFns); b {
	case backendMock, backendServer:
		synctest.Test(t, func(t *testing.T) { f(t, New(t, optFns...)) })
	default:
		f(t, New(t, optFns...))
	}
}

// selectedBackend is the backend New would use with opts.
func selectedBackend(optFns []func(*Options)) Backend {
	cfg := newConfig(optFns)
	cfg.resolveBackend()
	return cfg.backend
}

// resolveBackend fills in the backend: Options.Backend, else SQSHARNESS_BACKEND, else the mock.
func (c *config) resolveBackend() (fromEnv bool) {
	if c.backend == "" {
		c.backend = Backend(strings.ToLower(strings.TrimSpace(os.Getenv(envBackend))))
		fromEnv = c.backend != ""
	}
	if c.backend == "" {
		c.backend = backendMock
	}
	return fromEnv
}

// H is one test's handle on a backend. Its helpers fail the test (through testify's require) when
// a call they make fails.
type H struct {
	t        testing.TB
	api      sqsmock.API // the client for the test's code: under the fault plan
	own      sqsmock.API // the client for the harness's own setup and checks: exempt from it
	backend  Backend
	endpoint string
	region   string
	caps     Capabilities
	mock     *sqsmock.Mock
	clock    *sqsmock.ManualClock // nil in a synctest bubble, whose fake time needs no driving
	bubbled  bool                 // New ran inside a testing/synctest bubble
	plan     *faults.Plan         // Options.Faults
	server   *sqsmock.Server
	wait     time.Duration
	prefix   string
	ctx      context.Context // nil: the test's own context
	traceDir string          // Options.TraceDir, SQSHARNESS_TRACE_DIR: where the trace page goes
	calls    *callRecorder   // a remote backend's calls, for the trace page
	checks   checkLog        // the problems reported and the effects declared (check.go, effects.go)
	// sqsOptions are the options of the backend's *sqs.Client (not on the in-process mock),
	// which its SNS clients share (topics.go): snsAPI the test's, snsOwn the harness's.
	sqsOptions     sqs.Options
	snsMu          sync.Mutex
	snsAPI, snsOwn sqsmock.SNSAPI
}

// New returns a handle on the backend Options.Backend, else SQSHARNESS_BACKEND, else the
// in-process mock selects; an unreachable backend skips the test with instructions (fails it under CI=true).
// In a synctest bubble the mock runs on the bubble's fake time and the server backend is served in
// memory; a third-party backend fails there (use Test).
func New(t testing.TB, optFns ...func(*Options)) *H {
	t.Helper()
	cfg := newConfig(optFns)
	if cfg.wait == 0 {
		cfg.wait = 10 * time.Second
	}
	if cfg.queuePrefix == "" {
		cfg.queuePrefix = "sqsh"
	}
	fromEnv := cfg.resolveBackend()
	h := &H{t: t, backend: cfg.backend, wait: cfg.wait, prefix: cfg.queuePrefix, bubbled: bubble.Inside(), plan: cfg.plan}
	h.onePlan(faultsMiddlewares(cfg.clientOpts) + btoi(cfg.plan != nil))
	h.setupTrace(&cfg)
	switch cfg.backend {
	case backendMock, backendServer:
		h.setupMock(cfg)
	default:
		if !ownBackend.MatchString(string(cfg.backend)) {
			t.Fatalf("harness: unknown backend %q (want one of %v, or a name of your own, in lower case letters, digits and '-', with an endpoint)", cfg.backend, allBackends)
		}
		if h.bubbled {
			t.Fatalf("harness: backend %s cannot run inside a testing/synctest bubble: the bubble's time stops while a call waits on the network. Use harness.Test, which runs real backends outside a bubble", cfg.backend)
		}
		h.ctx = deadlineContext(t)
		h.setupRemote(cfg, fromEnv)
		if c, ok := h.api.(*sqs.Client); ok {
			h.sqsOptions = c.Options()
		}
		h.own = h.api
		if c, ok := h.api.(*sqs.Client); ok && cfg.plan != nil {
			for _, r := range (*faultplan.Plan)(cfg.plan).Rules() {
				if slices.ContainsFunc(r.Operations, faultplan.SNSOperation) && (r.Kind == faultplan.DuplicateDelivery || r.Kind == faultplan.DelayedVisibility) {
					t.Skipf("harness: rule %q of the fault plan acts on SNS's deliveries into queues, which only sqsmock can: on %s faults act in the clients' middleware", r.Name, cfg.backend)
				}
			}
			h.api = sqs.New(c.Options(), faults.WithPlan(cfg.plan))
		}
		h.api, h.own = h.calls.wrap(h.api, false), h.calls.wrap(h.own, true)
	}
	return h
}

func (h *H) setupMock(cfg config) {
	h.t.Helper()
	h.region = cfg.region
	if h.region == "" {
		h.region = "us-east-1"
	}
	mopts := []func(*sqsmock.Options){func(o *sqsmock.Options) { o.Region = h.region }}
	if !h.bubbled { // in a bubble the real clock is the bubble's fake time
		start := cfg.clockStart
		if start.IsZero() {
			start = time.Now().Truncate(time.Second)
		}
		h.clock = sqsmock.NewManualClock(start)
		mopts = append(mopts, func(o *sqsmock.Options) { o.Clock = watchedClock{h.clock, watchClock(h.t, h.clock, cfg.stallAfter)} })
	}
	mopts = append(mopts, cfg.mockOpts...)
	h.caps = Capabilities{FastForward: true, Inspect: true}
	h.mock = sqsmock.New(mopts...)
	h.onePlan(faultsMiddlewares(cfg.clientOpts) + btoi(cfg.plan != nil) + btoi(h.mock.Faults() != nil))
	if cfg.plan != nil {
		if err := h.mock.SetFaults(cfg.plan); err != nil {
			h.t.Fatalf("harness: Options.Faults: %v", err)
		}
	}
	switch {
	case h.backend == backendMock:
		if what := inProcessCannotApply(cfg.clientOpts); what != "" {
			h.t.Fatalf("harness: Options.Client sets %s, which the in-process mock client cannot apply (it honours Retryer, RetryMode and RetryMaxAttempts). Use Options.Faults for a fault plan, or the \"server\" backend for a real *sqs.Client on the mock", what)
		}
		h.api = h.mock.Client(cfg.clientOpts...)
		h.own = h.mock.Client()
	case h.bubbled: // a bubble cannot wait on a socket: the same handler, in memory
		h.api = h.mock.SDKClient(cfg.clientOpts...)
		h.own = h.mock.SDKClient(append(cfg.clientOpts, exemptHeader)...)
		h.sqsOptions = h.own.(*sqs.Client).Options()
	default:
		srv, err := h.mock.Start()
		if err != nil {
			h.t.Fatalf("harness: starting the mock's server: %v", err)
		}
		h.t.Cleanup(func() { _ = srv.Close() })
		h.server = srv
		h.endpoint = srv.URL
		h.api = srv.SDKClient(cfg.clientOpts...)
		h.own = srv.SDKClient(append(cfg.clientOpts, exemptHeader)...)
		h.sqsOptions = h.own.(*sqs.Client).Options()
	}
}

// onePlan fails the test when more than one fault plan is given: each would act on the same calls.
func (h *H) onePlan(plans int) {
	h.t.Helper()
	if plans > 1 {
		h.t.Fatalf("harness: %d fault plans are given (Options.Faults, sqsmock.Options.Faults in Options.Mock, faults.WithPlan in Options.Client); "+
			"each would act on the same calls. Give one, in Options.Faults", plans)
	}
}

// exemptHeader marks the harness's own requests to the mock's server, which its fault plan
// leaves alone.
func exemptHeader(o *sqs.Options) {
	o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue(exempt.Header, "true"))
}

// ownCtx is the context of the harness's own calls: the test's, exempt from the mock's fault plan.
func (h *H) ownCtx() context.Context { return exempt.With(h.Ctx()) }

// inProcessCannotApply names what client options set that the in-process client cannot apply.
func inProcessCannotApply(fns []func(*sqs.Options)) string {
	var o sqs.Options
	for _, fn := range fns {
		fn(&o)
	}
	switch {
	case len(o.APIOptions) > 0:
		return "APIOptions (middleware)"
	case o.HTTPClient != nil:
		return "HTTPClient"
	case o.BaseEndpoint != nil:
		return "BaseEndpoint"
	case o.Interceptors.BeforeExecution != nil || o.Interceptors.BeforeAttempt != nil || o.Interceptors.AfterAttempt != nil:
		return "Interceptors"
	}
	return ""
}

// faultsMiddlewares counts the fault plans that client options add as SDK middleware.
func faultsMiddlewares(fns []func(*sqs.Options)) int {
	var o sqs.Options
	for _, fn := range fns {
		fn(&o)
	}
	n := 0
	for _, api := range o.APIOptions {
		stack := middleware.NewStack("probe", smithyhttp.NewStackRequest)
		if api(stack) == nil {
			if _, ok := stack.Initialize.Get(faultplan.CallID); ok {
				n++
			}
		}
	}
	return n
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// T is the test the handle belongs to.
func (h *H) T() testing.TB { return h.t }

// Client is the SQS client for the code under test, under the fault plan of Options.Faults:
// the mock's in-process client, *sqs.Client for every other backend. The harness's own helpers
// (Queue, Send, ReceiveN, Drain, Count, the checks of CheckConsumer) use a client
// of their own that the plan leaves alone, so they see the queues as they are.
func (h *H) Client() sqsmock.API { return h.api }

// Backend is the backend in use.
func (h *H) Backend() Backend { return h.backend }

// Endpoint is the HTTP endpoint in use ("" for the in-process mock and for AWS without one).
func (h *H) Endpoint() string { return h.endpoint }

// Region is the region in use.
func (h *H) Region() string { return h.region }

// Faults is the plan given with Options.Faults (nil if none), e.g. to read its Injections or change
// its rules while the test runs.
func (h *H) Faults() *faults.Plan { return h.plan }

// Caps describes what the backend can do.
func (h *H) Caps() Capabilities { return h.caps }

// Mock is the mock behind the client (nil unless Caps().Inspect).
func (h *H) Mock() *sqsmock.Mock { return h.mock }

// Clock is the mock's manual clock: nil on the other backends and inside a synctest bubble,
// where the mock runs on the bubble's fake time.
func (h *H) Clock() *sqsmock.ManualClock { return h.clock }

// Ctx is the context for calls: the test's own, cancelled when it ends. On a real backend it
// also ends shortly before the `go test -timeout` deadline (20 s, or a quarter of the time left
// when the test started, whichever is less), so that a test that hangs fails with its calls and
// its cleanups still delete its queues, instead of the test binary being stopped with them.
func (h *H) Ctx() context.Context {
	if h.ctx != nil {
		return h.ctx
	}
	return testContext(h.t)
}

func testContext(t testing.TB) context.Context {
	if c, ok := t.(interface{ Context() context.Context }); ok {
		return c.Context()
	}
	return context.Background()
}

// deadlineContext is the test's context, ending before the deadline of `go test -timeout`.
func deadlineContext(t testing.TB) context.Context {
	ctx := testContext(t)
	d, ok := t.(interface{ Deadline() (time.Time, bool) })
	if !ok {
		return ctx
	}
	end, ok := d.Deadline()
	if !ok {
		return ctx
	}
	grace := min(20*time.Second, time.Until(end)/4)
	ctx, cancel := context.WithDeadline(ctx, end.Add(-grace))
	t.Cleanup(cancel)
	return ctx
}

// Advance lets d pass: on the mock's manual clock it moves the clock (firing long-poll
// deadlines); elsewhere it sleeps, which in a synctest bubble takes fake time only. A sleep
// returns early when the test's context (Ctx) ends first: the calls that follow then fail.
func (h *H) Advance(d time.Duration) {
	if h.clock != nil {
		h.clock.Advance(d)
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-h.Ctx().Done():
	}
}

// WaitForPollers returns once n long polls are blocked in ReceiveMessage: in a synctest bubble
// once every other goroutine of the test is blocked (synctest.Wait); on the manual clock once n
// timers are pending (failing the test after 10 s of real time); elsewhere after a short real
// pause that lets the requests arrive.
func (h *H) WaitForPollers(n int) {
	h.t.Helper()
	switch {
	case h.bubbled:
		synctest.Wait()
	case h.clock != nil:
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.clock.BlockUntil(ctx, n); err != nil {
			h.t.Fatalf("harness: %d long polls did not start within 10s", n)
		}
	default:
		time.Sleep(500 * time.Millisecond)
	}
}
