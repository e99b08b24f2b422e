// Package sqsmock is an in-memory Amazon SQS for Go tests: standard and FIFO queues, visibility
// timeouts, delays, retention, long polling, dead-letter redrive, message move tasks, batches,
// tags, permissions, attributes with their MD5s, SQS's limits and its exact error codes.
//
// (*Mock).Client returns an in-process client with exactly the method set of aws-sdk-go-v2's
// *sqs.Client (the API interface), so code written against API runs unchanged on the mock and on
// real SQS. Errors are the SDK's own typed errors, wrapped as the real client wraps them.
// A ManualClock lets a test jump over timeouts without sleeping.
package sqsmock

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// Mock is one in-memory SQS: one account in one region. Every Mock is independent, so tests
// using separate mocks can run in parallel.
type Mock struct {
	cfg    config
	engine *engine.Engine
	client *Client
	plan   atomic.Pointer[faults.Plan]

	callsMu sync.Mutex
	calls   []Call
}

// Option configures a Mock.
type Option func(*config)

type queueSpec struct {
	name  string
	attrs map[string]string
	tags  map[string]string
}

type config struct {
	region, account, endpoint string
	clock                     Clock
	queues                    []queueSpec
	callLog                   int
	maxQueues, maxMessages    int
	plan                      *faults.Plan
}

// WithRegion sets the region used in queue ARNs and default URLs (default us-east-1).
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithAccountID sets the 12-digit account id used in queue URLs and ARNs (default 000000000000).
func WithAccountID(id string) Option { return func(c *config) { c.account = id } }

// WithClock sets the clock (default RealClock). Use NewManualClock to control time.
func WithClock(clock Clock) Option { return func(c *config) { c.clock = clock } }

// WithEndpoint sets the scheme and host of queue URLs handed out by the in-process client
// (default https://sqs.<region>.amazonaws.com). The HTTP server uses the request's host instead.
func WithEndpoint(baseURL string) Option { return func(c *config) { c.endpoint = baseURL } }

// WithQueue creates a queue when the mock starts; attributes as in CreateQueue.
func WithQueue(name string, attributes map[string]string) Option {
	return func(c *config) { c.queues = append(c.queues, queueSpec{name: name, attrs: attributes}) }
}

// WithTaggedQueue creates a queue with tags when the mock starts.
func WithTaggedQueue(name string, attributes, tags map[string]string) Option {
	return func(c *config) { c.queues = append(c.queues, queueSpec{name: name, attrs: attributes, tags: tags}) }
}

// WithCallLog keeps the last n calls for Calls (default 10000; 0 keeps none).
func WithCallLog(n int) Option { return func(c *config) { c.callLog = n } }

// WithLimits bounds the queues and the messages the mock holds (0: unlimited). Past a limit,
// CreateQueue and sends fail with OverLimit.
func WithLimits(maxQueues, maxMessages int) Option {
	return func(c *config) { c.maxQueues, c.maxMessages = maxQueues, maxMessages }
}

// New returns a mock. It panics if a queue given with WithQueue cannot be created or a fault plan
// given with WithFaults has a rule the engine cannot honour, since those are mistakes in the test.
func New(opts ...Option) *Mock {
	cfg := config{region: "us-east-1", account: "000000000000", clock: RealClock{}, callLog: 10000}
	for _, o := range opts {
		o(&cfg)
	}
	m := &Mock{cfg: cfg}
	clock := cfg.clock
	m.engine = engine.New(engine.Config{
		Region: cfg.region, AccountID: cfg.account, BaseURL: cfg.endpoint,
		Now:          clock.Now,
		NewTimer:     func(d time.Duration) engine.Timer { return clock.NewTimer(d) },
		Faults:       m.messageFault,
		FaultsActive: m.faultsActive,
		MaxQueues:    cfg.maxQueues,
		MaxMessages:  cfg.maxMessages,
	})
	m.client = &Client{m: m}
	if err := m.SetFaults(cfg.plan); err != nil {
		panic(fmt.Errorf("sqsmock: fault plan: %w", err))
	}
	if err := m.createQueues(); err != nil {
		panic(err)
	}
	return m
}

func (m *Mock) createQueues() error {
	for _, q := range m.cfg.queues {
		_, err := m.engine.CreateQueue(context.Background(), &sqs.CreateQueueInput{
			QueueName: aws.String(q.name), Attributes: q.attrs, Tags: q.tags})
		if err != nil {
			return fmt.Errorf("sqsmock: creating queue %q: %w", q.name, err)
		}
	}
	return nil
}

// Client returns the in-process client: every operation of *sqs.Client, no network.
func (m *Mock) Client() API { return m.client }

// Region returns the mock's region.
func (m *Mock) Region() string { return m.cfg.region }

// AccountID returns the mock's account id.
func (m *Mock) AccountID() string { return m.cfg.account }

// Clock returns the mock's clock.
func (m *Mock) Clock() Clock { return m.cfg.clock }

// Reset deletes every queue, message and move task and forgets recorded calls, then creates
// the queues given with WithQueue again.
func (m *Mock) Reset() error {
	m.engine.Reset()
	m.ResetCalls()
	return m.createQueues()
}
