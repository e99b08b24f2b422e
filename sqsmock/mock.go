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
//
// New takes Options, as sqs.New takes sqs.Options; the HTTP front door (Start, NewServer,
// Handler) takes ServerOptions.
package sqsmock

import (
	"cmp"
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
	snssvc "github.com/sqsharness/sqsharness/sqsmock/internal/sns"
	"github.com/sqsharness/sqsharness/sqsmock/internal/trace"
)

// Mock is one in-memory SQS for many regions and accounts, as one endpoint of LocalStack is: its
// own (Options.Region, Options.AccountID) by default, and any other a client is configured with (see the
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
	// queueCount and held count queues and messages in every namespace, for MaxQueues and MaxMessages.
	queueCount, held atomic.Int64

	plan         atomic.Pointer[faults.Plan]
	faultsPaused atomic.Bool // pauseFaults
	// bubbled: the mock was made inside a testing/synctest bubble.
	bubbled bool

	callsMu sync.Mutex
	calls   []callRecord
	// callIDs numbers calls (Call.ID, TraceEvent.CallID).
	callIDs atomic.Uint64
	// sns is the mock's SNS (sns.go), made on first use.
	sns     *snssvc.Service
	snsOnce sync.Once
	// trace is the ring of Options.TraceSize, nil when tracing is off.
	trace *trace.Ring
	// addrs remembers queueAddress for the queue URLs and ARNs calls address most.
	addrs memo.Cache[address]
}

// Options configure a Mock (New). The zero value of each field is its default.
type Options struct {
	// Region is the mock's own region, its clients' default (default us-east-1).
	Region string
	// AccountID is the mock's own 12-digit account id (default 000000000000).
	AccountID string
	// Clock is the mock's only source of time (default: the real clock; see Clock).
	Clock Clock
	// Faults is a fault plan applied inside the mock; New panics if the engine cannot honour it.
	Faults *faults.Plan
	// TraceSize keeps the last TraceSize events of the trace (Trace); 0 records nothing.
	TraceSize int
	// MaxQueues and MaxMessages bound the queues and messages the mock holds (0: unlimited);
	// past them CreateQueue and sends fail with OverLimit.
	MaxQueues, MaxMessages int
	// Credentials, when set, are the only ones the HTTP front door accepts: it verifies each SQS
	// request's SigV4 signature against them (README, "SigV4 verification"). SDKClient and
	// Server.SDKClient sign with the first (default test/test).
	Credentials []aws.Credentials
	// Queues are created by New, and again by Reset (a dead-letter queue before its sources).
	Queues []Queue
	// Endpoint shapes queue URLs: a base URL, or a template with {region} in the host
	// ("http://sqs.{region}.localhost.localstack.cloud"), which the server then routes. Default:
	// https://sqs.<region>.amazonaws.com in process, the request's scheme and host over HTTP.
	Endpoint string

	// callLog is how many calls the call log keeps (0: defaultCallLog; negative: none).
	callLog int
}

// defaultCallLog is the size of the call log, which only the package's tests turn on.
var defaultCallLog = 0

// Queue is a queue New creates (Options.Queues).
type Queue struct {
	Name string
	// Attributes and Tags are as CreateQueue takes them; a name ending in .fifo makes a FIFO queue.
	Attributes, Tags map[string]string
	// DeadLetterQueue names a queue (created too if not listed) that takes the messages
	// received MaxReceiveCount times: a RedrivePolicy with its ARN in the mock's namespace.
	DeadLetterQueue string
	MaxReceiveCount int
}

type queueSpec struct {
	name  string
	attrs map[string]string
	tags  map[string]string
}

type config struct {
	Options
	region, account, endpoint string
	clock                     Clock
	callLog                   int
	trace                     int
	maxQueues, maxMessages    int
}

// New returns a mock. It panics if a queue of Options.Queues cannot be created or the fault plan
// has a rule the engine cannot honour, since those are mistakes in the test.
func New(optFns ...func(*Options)) *Mock {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	cfg := config{Options: o, region: cmp.Or(o.Region, "us-east-1"), account: cmp.Or(o.AccountID, "000000000000"),
		clock: o.Clock, endpoint: o.Endpoint, trace: max(o.TraceSize, 0), maxQueues: o.MaxQueues, maxMessages: o.MaxMessages}
	if cfg.clock == nil {
		cfg.clock = realClock{}
	}
	switch {
	case o.callLog == 0:
		cfg.callLog = defaultCallLog
	case o.callLog > 0:
		cfg.callLog = o.callLog
	}
	m := &Mock{cfg: cfg, bubbled: bubble.Inside(), home: namespace{account: cfg.account, region: cfg.region},
		engines: map[namespace]*engine.Engine{}, trace: trace.New(cfg.trace)}
	m.engine = m.newEngine(m.home)
	m.client = newClient(m, nil)
	if err := m.SetFaults(o.Faults); err != nil {
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

// startupQueues is Options.Queues, merged by name, with the dead-letter queues they name added
// and their RedrivePolicy set.
func (m *Mock) startupQueues() []queueSpec {
	var specs []queueSpec
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
	for _, q := range m.cfg.Queues {
		i := index(q.Name)
		if q.Attributes != nil { // a queue named more than once: its attributes and tags add up
			specs[i].attrs = merged(specs[i].attrs, q.Attributes)
		}
		if q.Tags != nil {
			specs[i].tags = merged(specs[i].tags, q.Tags)
		}
	}
	for _, q := range m.cfg.Queues {
		if q.DeadLetterQueue == "" {
			continue
		}
		index(q.DeadLetterQueue)
		i := index(q.Name)
		attrs := maps.Clone(specs[i].attrs)
		if attrs == nil {
			attrs = map[string]string{}
		}
		policy, _ := json.Marshal(map[string]any{"deadLetterTargetArn": m.engine.ARN(q.DeadLetterQueue), "maxReceiveCount": q.MaxReceiveCount})
		attrs["RedrivePolicy"] = string(policy)
		specs[i].attrs = attrs
	}
	return specs
}

// merged is a copy of a with b's entries added.
func merged(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, b)
	return out
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

// Reset deletes every queue, message, move task, topic and subscription, then creates
// Options.Queues again. The
// trace is kept (a record, not state: a reader polling it by Seq misses nothing) and marks the
// reset with a mock.reset event.
func (m *Mock) Reset() error {
	m.nsMu.Lock()
	others := m.engines
	m.engines = map[namespace]*engine.Engine{}
	m.nsMu.Unlock()
	for _, e := range others {
		e.Reset()
	}
	m.engine.Reset()
	m.snsService().Reset()
	m.resetCalls()
	if m.trace != nil {
		m.trace.Add(&trace.Event{Time: m.cfg.clock.Now(), Kind: trace.Reset,
			Detail: "every queue, message and move task deleted; the Options.Queues made again"})
	}
	return m.createQueues()
}
