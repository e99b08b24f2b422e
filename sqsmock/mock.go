// Package sqsmock is an in-memory Amazon SQS for Go tests: standard and FIFO queues, visibility
// timeouts, delays, retention, long polling, dead-letter redrive, message move tasks, batches,
// tags, permissions, attributes with their MD5s, SQS's limits and its exact error codes.
//
// (*Mock).Client returns an in-process client with exactly the method set of aws-sdk-go-v2's
// *sqs.Client (the API interface), so code written against API runs unchanged on the mock and on
// real SQS. Errors are the SDK's own typed errors, wrapped as the real client wraps them.
//
// Time: concurrent code (consumers, heartbeats, pollers) is tested inside a testing/synctest
// bubble with the default real clock: the bubble's fake time drives visibility timeouts, delays,
// long polls, fault latency and retry backoff, and synctest.Wait knows when every goroutine is
// blocked, so minutes of SQS time pass in milliseconds without a sleep. A Mock belongs to the
// bubble it was made in: using it from outside that bubble panics at once with an explanation
// (the bubble could not wait on it, and the test would hang). A ManualClock suits
// single-goroutine, step-by-step tests and non-Go clients of the HTTP server.
package sqsmock

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/bubble"
	"github.com/sqsharness/sqsharness/internal/memo"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/trace"
)

// Mock is one in-memory SQS for many regions and accounts, as one endpoint of LocalStack is: its
// own (WithRegion, WithAccountID) by default, and any other a client is configured with (see the
// README's "Many regions and accounts"). Every Mock is independent, so tests using separate mocks
// can run in parallel.
type Mock struct {
	cfg    config
	engine *engine.Engine // the mock's own region and account
	client *client
	home   namespace

	// engines of the other namespaces, made by their first CreateQueue.
	nsMu    sync.RWMutex
	engines map[namespace]*engine.Engine
	// queueCount and held count queues and messages in every namespace, for WithLimits.
	queueCount, held atomic.Int64

	plan         atomic.Pointer[faults.Plan]
	faultsPaused atomic.Bool // PauseFaults
	// bubbled: the mock was made inside a testing/synctest bubble.
	bubbled bool

	callsMu sync.Mutex
	calls   []Call
	// callIDs numbers calls (Call.ID, TraceEvent.CallID).
	callIDs atomic.Uint64
	// trace is the ring of WithTrace, nil when tracing is off.
	trace *trace.Ring
	// addrs remembers queueAddress for the queue URLs and ARNs calls address most.
	addrs memo.Cache[address]
}

// Option configures a mock (New) or its HTTP front door (Handler, Start); NewServer takes both.
// Options of the front door (WithCredentials, WithPublicURL, WithReadTimeout, ...) given to New
// are the defaults of the mock's Handler, Start and SDKClient, to which their own options add.
// Options of the mock itself (WithQueue, WithClock, WithFaults, ...) belong to New: Start refuses
// them and Handler ignores them.
type Option struct {
	mock   func(*config)
	server func(*handlerConfig)
}

// mockOption is an Option of the mock itself.
func mockOption(f func(*config)) Option { return Option{mock: f} }

// serverOption is an Option of the mock's HTTP front door.
func serverOption(f func(*handlerConfig)) Option { return Option{server: f} }

type queueSpec struct {
	name  string
	attrs map[string]string
	tags  map[string]string
}

// redriveSpec is one WithDeadLetterQueue.
type redriveSpec struct {
	source, dlq     string
	maxReceiveCount int
}

type config struct {
	region, account, endpoint string
	clock                     Clock
	queues                    []queueSpec
	redrives                  []redriveSpec
	callLog                   int
	trace                     int
	maxQueues, maxMessages    int
	plan                      *faults.Plan
	server                    []func(*handlerConfig) // options of the HTTP front door, applied afresh to each
}

// WithRegion sets the region used in queue ARNs and default URLs (default us-east-1).
func WithRegion(region string) Option { return mockOption(func(c *config) { c.region = region }) }

// WithAccountID sets the 12-digit account id used in queue URLs and ARNs (default 000000000000).
func WithAccountID(id string) Option { return mockOption(func(c *config) { c.account = id }) }

// WithClock sets the clock (default RealClock). Use NewManualClock to control time.
func WithClock(clock Clock) Option { return mockOption(func(c *config) { c.clock = clock }) }

// WithEndpoint sets the scheme and host of queue URLs handed out by the in-process client
// (default https://sqs.<region>.amazonaws.com). The HTTP server uses the request's host instead.
func WithEndpoint(baseURL string) Option { return mockOption(func(c *config) { c.endpoint = baseURL }) }

// WithQueue creates a queue when the mock starts; attributes as in CreateQueue.
func WithQueue(name string, attributes map[string]string) Option {
	return mockOption(func(c *config) { c.queues = append(c.queues, queueSpec{name: name, attrs: attributes}) })
}

// WithDeadLetterQueue makes dlq the dead-letter queue of source when the mock starts: source
// gets a RedrivePolicy naming dlq's ARN (in the mock's region and account, so nothing is
// hard-coded) with maxReceiveCount. A queue not also given with WithQueue is created without
// attributes (FIFO when its name ends in .fifo). Queue options may come in any order: a
// dead-letter queue is always created before the queues that redrive to it.
func WithDeadLetterQueue(source, dlq string, maxReceiveCount int) Option {
	return mockOption(func(c *config) {
		c.redrives = append(c.redrives, redriveSpec{source: source, dlq: dlq, maxReceiveCount: maxReceiveCount})
	})
}

// WithTaggedQueue creates a queue with tags when the mock starts.
func WithTaggedQueue(name string, attributes, tags map[string]string) Option {
	return mockOption(func(c *config) { c.queues = append(c.queues, queueSpec{name: name, attrs: attributes, tags: tags}) })
}

// WithCallLog keeps the last n calls for Calls (default 10000; 0 keeps none).
func WithCallLog(n int) Option { return mockOption(func(c *config) { c.callLog = n }) }

// WithLimits bounds the queues and the messages the mock holds (0: unlimited). Past a limit,
// CreateQueue and sends fail with OverLimit.
func WithLimits(maxQueues, maxMessages int) Option {
	return mockOption(func(c *config) { c.maxQueues, c.maxMessages = maxQueues, maxMessages })
}

// New returns a mock. It panics if a queue given with WithQueue cannot be created or a fault plan
// given with WithFaults has a rule the engine cannot honour, since those are mistakes in the test.
func New(opts ...Option) *Mock {
	cfg := config{region: "us-east-1", account: "000000000000", clock: RealClock{}, callLog: 10000}
	for _, o := range opts {
		if o.mock != nil {
			o.mock(&cfg)
		}
		if o.server != nil {
			cfg.server = append(cfg.server, o.server)
		}
	}
	m := &Mock{cfg: cfg, bubbled: bubble.Inside(), home: namespace{account: cfg.account, region: cfg.region},
		engines: map[namespace]*engine.Engine{}, trace: trace.New(cfg.trace)}
	m.engine = m.newEngine(m.home)
	m.client = newClient(m, nil)
	if err := m.SetFaults(cfg.plan); err != nil {
		panic(fmt.Errorf("sqsmock: fault plan: %w", err))
	}
	if err := m.createQueues(); err != nil {
		panic(err)
	}
	return m
}

// createQueues creates the start-up queues, each dead-letter queue before its sources.
func (m *Mock) createQueues() error {
	specs := m.startupQueues()
	created := map[string]bool{}
	for len(specs) > 0 {
		next := specs[:0:0]
		for _, q := range specs {
			if dlq := dlqName(q.attrs["RedrivePolicy"]); dlq != "" && !created[dlq] && hasQueue(specs, dlq) {
				next = append(next, q) // its dead-letter queue comes first
				continue
			}
			_, err := m.engine.CreateQueue(context.Background(), &sqs.CreateQueueInput{
				QueueName: aws.String(q.name), Attributes: q.attrs, Tags: q.tags})
			if err != nil {
				return fmt.Errorf("sqsmock: creating queue %q: %w", q.name, err)
			}
			created[q.name] = true
		}
		if len(next) == len(specs) { // dead-letter queues that redrive to each other
			return fmt.Errorf("sqsmock: queues %v redrive to each other", names(next))
		}
		specs = next
	}
	return nil
}

// startupQueues is WithQueue's queues with WithDeadLetterQueue's policies and queues added.
func (m *Mock) startupQueues() []queueSpec {
	specs := slices.Clone(m.cfg.queues)
	index := func(name string) int {
		if i := slices.IndexFunc(specs, func(q queueSpec) bool { return q.name == name }); i >= 0 {
			return i
		}
		var attrs map[string]string
		if strings.HasSuffix(name, ".fifo") {
			attrs = map[string]string{"FifoQueue": "true"}
		}
		specs = append(specs, queueSpec{name: name, attrs: attrs})
		return len(specs) - 1
	}
	for _, r := range m.cfg.redrives {
		index(r.dlq)
		i := index(r.source)
		attrs := maps.Clone(specs[i].attrs)
		if attrs == nil {
			attrs = map[string]string{}
		}
		policy, _ := json.Marshal(map[string]any{"deadLetterTargetArn": m.engine.ARN(r.dlq), "maxReceiveCount": r.maxReceiveCount})
		attrs["RedrivePolicy"] = string(policy)
		specs[i].attrs = attrs
	}
	return specs
}

// dlqName is the queue name a RedrivePolicy's deadLetterTargetArn ends in ("" if none).
func dlqName(policy string) string {
	var p struct {
		Target string `json:"deadLetterTargetArn"`
	}
	if policy == "" || json.Unmarshal([]byte(policy), &p) != nil || p.Target == "" {
		return ""
	}
	return queueurl.Name(p.Target)
}

func hasQueue(specs []queueSpec, name string) bool {
	return slices.ContainsFunc(specs, func(q queueSpec) bool { return q.name == name })
}

func names(specs []queueSpec) []string {
	out := make([]string, len(specs))
	for i, q := range specs {
		out[i] = q.name
	}
	return out
}

// Client returns the in-process client: every operation of *sqs.Client, no network, with the
// SDK's validation, errors and retries (backoff on the mock's clock). optFns set retry options
// and choose the client's region and account (o.Region; o.Credentials' access key id when it has
// 12 digits) as for sqs.New; with none it returns the mock's shared client. See the README's
// "Many regions and accounts".
func (m *Mock) Client(optFns ...func(*sqs.Options)) API {
	if len(optFns) == 0 {
		return m.client
	}
	return newClient(m, optFns)
}

// checkBubble panics when the mock is used from outside the testing/synctest bubble it was made
// in (or made outside one and used inside): the bubble cannot wait on what it does not own, so
// the call would hang until the test binary times out.
func (m *Mock) checkBubble() {
	if in := bubble.Inside(); in != m.bubbled {
		where := "outside a testing/synctest bubble and used inside one"
		if m.bubbled {
			where = "inside a testing/synctest bubble and used outside it"
		}
		panic("sqsmock: this Mock was made " + where + "; a Mock belongs to the bubble it was made in, " +
			"so make it inside the function given to synctest.Test (a bubble cannot wait on a mock it does not own, and the call would hang)")
	}
}

// Clock returns the mock's clock.
func (m *Mock) Clock() Clock { return m.cfg.clock }

// Reset deletes every queue, message and move task and forgets recorded calls, then creates
// the queues given with WithQueue again. It keeps the trace and records a mock.reset event in it
// (then queue.created for the WithQueue queues): the trace is a record of what happened, not
// state, so a reader polling it by Seq (the console, GET /_sqsmock/trace?since=N) goes on without
// missing or re-reading events, and a failure after a Reset can still be traced to what came
// before it; mock.reset marks where the queues were emptied.
func (m *Mock) Reset() error {
	m.nsMu.Lock()
	others := m.engines
	m.engines = map[namespace]*engine.Engine{}
	m.nsMu.Unlock()
	for _, e := range others {
		e.Reset()
	}
	m.engine.Reset()
	m.ResetCalls()
	if m.trace != nil {
		m.trace.Add(&trace.Event{Time: m.cfg.clock.Now(), Kind: trace.Reset,
			Detail: "every queue, message and move task deleted; the WithQueue queues made again"})
	}
	return m.createQueues()
}
