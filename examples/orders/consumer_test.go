package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Every test runs on each backend: the mock in process and the mock's HTTP server (inside a
// testing/synctest bubble, so the consumer's 20 s long polls, 30 s visibility timeouts and
// 95 s jobs take no real time), and LocalStack and ElasticMQ (real time, shorter timeouts; each
// skips with instructions when it is not running, and fails under CI=true).
// SQSHARNESS_BACKEND=<name> runs one backend only. The tests run in parallel, so the peers' real
// time overlaps.
func eachBackend(t *testing.T, f func(t *testing.T, h *harness.H), opts ...func(*harness.Options)) {
	forBackends(t, func(t *testing.T, b harness.Backend) {
		harness.Test(t, f, append(opts, func(o *harness.Options) { o.Backend = b })...)
	})
}

func forBackends(t *testing.T, run func(t *testing.T, b harness.Backend)) {
	backends := []harness.Backend{"mock", "server", "localstack", "elasticmq"}
	if b := os.Getenv("SQSHARNESS_BACKEND"); b != "" {
		backends = []harness.Backend{harness.Backend(b)}
	}
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			if b != "mock" && b != "server" {
				t.Parallel() // real time: let the peers' runs overlap
			}
			run(t, b)
		})
	}
}

// timing is the consumer's configuration for a backend: production values on the mock, where the
// bubble's time is free, and short ones on real backends, where every second is real.
type timing struct {
	visibility, heartbeat, wait, slowJob time.Duration
}

func timingFor(h *harness.H) timing {
	if h.Caps().FastForward {
		return timing{visibility: 30 * time.Second, heartbeat: 10 * time.Second, wait: 20 * time.Second, slowJob: 95 * time.Second}
	}
	return timing{visibility: 8 * time.Second, heartbeat: 2 * time.Second, wait: time.Second, slowJob: 20 * time.Second}
}

// newConsumer is the consumer as production builds it, on the client the harness gives.
func newConsumer(api sqsmock.API, h *harness.H, url string, svc *Service) *Consumer {
	tm := timingFor(h)
	return &Consumer{Client: api, QueueURL: url, Handle: svc.Handle, Workers: 2,
		WaitTime: tm.wait, VisibilityTimeout: tm.visibility, Heartbeat: tm.heartbeat, MaxBackoff: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// sendOrders sends n orders spread over customers and returns them and their bodies in send
// order. On a FIFO queue each customer is a message group.
func sendOrders(h *harness.H, url string, n, customers int) ([]Order, []string) {
	orders := make([]Order, n)
	bodies := make([]string, n)
	for i := range orders {
		orders[i] = Order{ID: fmt.Sprintf("o-%02d", i), Customer: fmt.Sprintf("c-%d", i%customers), Amount: 100 + i}
		bodies[i] = OrderBody(orders[i])
	}
	return orders, h.SendBodies(url, bodies, func(i int, e *types.SendMessageBatchRequestEntry) {
		if strings.HasSuffix(url, ".fifo") {
			e.MessageGroupId = aws.String(orders[i].Customer)
			e.MessageDeduplicationId = aws.String(orders[i].ID)
		}
	})
}

func queueWithDLQ(h *harness.H, fifo bool) (src, dlq string) {
	vis := fmt.Sprint(int(timingFor(h).visibility / time.Second))
	name := "orders"
	if fifo {
		name += ".fifo"
	}
	return h.QueueWithDLQ(name, map[string]string{"VisibilityTimeout": vis}, 3)
}

// Two workers charge every order exactly once, each delivered once, and nothing is left.
func TestEveryOrderChargedOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness.H) {
		src, _ := queueWithDLQ(h, false)
		orders, bodies := sendOrders(h, src, 30, 3)
		ledger := NewLedger()
		rep := h.CheckConsumer(src, harness.Expect{Bodies: bodies, DeadLettered: []string{}}, func(ctx context.Context, api sqsmock.API) error {
			return newConsumer(api, h, src, &Service{Ledger: ledger}).Run(ctx)
		})
		assert.Equal(t, len(orders), ledger.Count())
		if h.Caps().FastForward {
			// The mock's schedule is exact: nothing is redelivered. A real SQS delivers at least
			// once, and a slow moment (a loaded peer answering a receive late) may redeliver a
			// batch, which the ledger absorbs.
			assert.Zero(t, ledger.Duplicates())
			for _, b := range bodies {
				assert.Equal(t, 1, rep.Deliveries[b], "delivered once: %s", b)
			}
		}
	})
}

// A job that runs three times as long as the visibility timeout is not redelivered while it runs:
// the heartbeat keeps it invisible. Without heartbeats the same test sees it delivered again.
func TestHeartbeatKeepsASlowOrderInvisible(t *testing.T) {
	t.Parallel()
	for _, heartbeats := range []bool{true, false} {
		t.Run(fmt.Sprintf("heartbeats=%v", heartbeats), func(t *testing.T) {
			eachBackend(t, func(t *testing.T, h *harness.H) {
				tm := timingFor(h)
				src, _ := queueWithDLQ(h, false)
				orders, bodies := sendOrders(h, src, 4, 2)
				slow := orders[0].ID
				ledger := NewLedger()
				svc := &Service{Ledger: ledger, Work: func(ctx context.Context, o Order) error {
					if o.ID == slow {
						sleep(ctx, tm.slowJob)
					}
					return nil
				}}
				start := time.Now()
				rep := h.CheckConsumer(src, harness.Expect{Bodies: bodies, DeadLettered: []string{}}, func(ctx context.Context, api sqsmock.API) error {
					c := newConsumer(api, h, src, svc)
					c.Workers = 2
					if !heartbeats {
						c.Heartbeat = -1
					}
					return c.Run(ctx)
				})
				assert.Equal(t, len(orders), ledger.Count(), "every order charged once")
				assert.GreaterOrEqual(t, time.Since(start), tm.slowJob, "the job ran its full length")
				if heartbeats {
					assert.Equal(t, 1, rep.Deliveries[bodies[0]], "the slow order was delivered once")
					assert.Zero(t, ledger.Duplicates())
				} else {
					assert.GreaterOrEqual(t, rep.Deliveries[bodies[0]], 2, "without heartbeats the slow order comes back while it runs")
				}
			})
		})
	}
}

// Messages that are not orders fail every time and end in the dead-letter queue after
// maxReceiveCount (3) receives; the orders around them are charged.
func TestBadMessagesEndInTheDeadLetterQueue(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness.H) {
		src, _ := queueWithDLQ(h, false)
		orders, bodies := sendOrders(h, src, 10, 2)
		bad := h.SendBodies(src, []string{"not an order", `{"customer":"c-1"}`})
		ledger := NewLedger()
		rep := h.CheckConsumer(src, harness.Expect{Bodies: append(bodies, bad...), DeadLettered: bad}, func(ctx context.Context, api sqsmock.API) error {
			return newConsumer(api, h, src, &Service{Ledger: ledger}).Run(ctx)
		})
		assert.Equal(t, len(orders), ledger.Count())
		for _, b := range bad {
			assert.Equal(t, 3, rep.Deliveries[b], "received maxReceiveCount times before the move: %s", b)
		}
	})
}

// On a FIFO queue each customer's orders are charged in the order they were sent, even when an
// order fails once and has to wait out its visibility timeout: the consumer holds back the rest
// of that customer's batch instead of charging past it.
func TestFIFOChargesEachCustomerInOrder(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness.H) {
		src, _ := queueWithDLQ(h, true)
		orders, bodies := sendOrders(h, src, 24, 4)
		ledger := NewLedger()
		var mu sync.Mutex
		failedOnce := map[string]bool{}
		svc := &Service{Ledger: ledger, Work: func(_ context.Context, o Order) error {
			mu.Lock()
			defer mu.Unlock()
			if strings.HasSuffix(o.ID, "5") && !failedOnce[o.ID] { // o-05 and o-15: payment provider down once
				failedOnce[o.ID] = true
				return errors.New("payment provider unavailable")
			}
			return nil
		}}
		h.CheckConsumer(src, harness.Expect{Bodies: bodies, DeadLettered: []string{}}, func(ctx context.Context, api sqsmock.API) error {
			return newConsumer(api, h, src, svc).Run(ctx)
		})
		want := map[string][]string{}
		for _, o := range orders {
			want[o.Customer] = append(want[o.Customer], o.ID)
		}
		for customer, ids := range want {
			assert.Equal(t, ids, ledger.History(customer), "customer %s charged in send order", customer)
		}
		assert.Len(t, failedOnce, 2, "both failures happened")
	})
}

// faultPlan is what SQS and the network can do to the consumer: throttling and server errors
// (the SDK's retryer and then the consumer's backoff absorb them), slow calls, connection resets
// after a delete was applied, deletes that are lost, and messages delivered twice.
func faultPlan(t *testing.T) *faults.Plan {
	return mustPlan(t, 42,
		faults.Error("RequestThrottled").Named("throttled").On("ReceiveMessage").Probability(0.3),
		faults.Error("ServiceUnavailable").Named("unavailable").On("ReceiveMessage", "DeleteMessage").Probability(0.1),
		faults.Latency(300*time.Millisecond, 0).Named("slow").On("ReceiveMessage", "DeleteMessage").Probability(0.2),
		faults.ResetAfterApply().Named("reset").On("DeleteMessage").Probability(0.1),
		faults.LostDelete().Named("lost-delete").Probability(0.1),
		faults.DuplicateDelivery(0).Named("duplicate").Probability(0.2),
	)
}

// Under the fault plan, on every backend (inside the mock there, as SDK middleware on the
// peers), every order is still charged exactly once and nothing is lost or left behind.
func TestChargedOnceUnderFaults(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, b harness.Backend) {
		harness.Test(t, chargedOnceUnderFaults, func(o *harness.Options) { o.Backend = b }, func(o *harness.Options) { o.Faults = faultPlan(t) })
	})
}

func chargedOnceUnderFaults(t *testing.T, h *harness.H) {
	plan := h.Faults()
	src, _ := queueWithDLQ(h, false)
	orders, bodies := sendOrders(h, src, 30, 3)
	ledger := NewLedger()
	rep := h.CheckConsumer(src, harness.Expect{Bodies: bodies, DeadLettered: []string{}}, func(ctx context.Context, api sqsmock.API) error {
		return newConsumer(api, h, src, &Service{Ledger: ledger}).Run(ctx)
	})
	assert.Equal(t, len(orders), ledger.Count(), "every order charged")
	fired := map[string]int{}
	for _, in := range plan.Injections() {
		fired[in.Rule]++
	}
	t.Logf("faults injected: %v; deliveries beyond the first: %d; duplicate charges refused: %d",
		fired, deliveriesBeyondFirst(rep), ledger.Duplicates())
	assert.NotZero(t, fired["throttled"]+fired["unavailable"], "errors were injected")
	assert.NotZero(t, fired["duplicate"]+fired["lost-delete"]+fired["reset"], "redeliveries were caused")
}

func deliveriesBeyondFirst(rep *harness.ConsumerReport) int {
	n := 0
	for _, d := range rep.Deliveries {
		n += d - 1
	}
	return n
}

// The consumer stops when its context ends and lets the messages it holds go back at once.
func TestShutdownReleasesHeldMessages(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness.H) {
		tm := timingFor(h)
		src, _ := queueWithDLQ(h, false)
		_, bodies := sendOrders(h, src, 3, 1)
		started := make(chan struct{})
		var once sync.Once
		svc := &Service{Ledger: NewLedger(), Work: func(ctx context.Context, _ Order) error {
			once.Do(func() { close(started) })
			<-ctx.Done()
			return ctx.Err()
		}}
		c := newConsumer(h.Client(), h, src, svc)
		c.Workers = 1
		ctx, cancel := context.WithCancel(h.Ctx())
		done := make(chan error)
		go func() { done <- c.Run(ctx) }()
		<-started
		cancel()
		require.NoError(t, <-done)
		// Released: all three are visible again well before their visibility timeout would end.
		msgs := h.Receive(src, 3, tm.visibility/2)
		h.AssertBodies(msgs, bodies...)
	})
}

// exploreOrders is the body harness.Explore runs: twenty orders from four customers, three
// workers as production builds them, and what must hold whatever SQS does: every order charged,
// nothing lost or left behind.
func exploreOrders(t *testing.T, h *harness.H) {
	src, _ := h.QueueWithDLQ("orders", map[string]string{"VisibilityTimeout": "30"}, 5)
	orders, bodies := sendOrders(h, src, 20, 4)
	ledger := NewLedger()
	h.CheckConsumer(src, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
		c := newConsumer(api, h, src, &Service{Ledger: ledger})
		c.Workers = 3
		return c.Run(ctx)
	})
	for _, o := range orders {
		assert.True(t, ledger.Charged(o.ID), "order %s charged", o.ID)
	}
}

// The consumer survives everything Explore's fault space throws at it: no failing plan.
func TestOrdersUnderExplore(t *testing.T) {
	harness.Explore(t, exploreOrders)
}

// BenchmarkExplore measures exploration throughput: runs per second of TestOrdersUnderExplore's
// search (each run a fresh mock, queues, twenty orders, three workers and the checks, under a
// plan of the space), read from the search's own log so the worker's start is not counted.
func BenchmarkExplore(b *testing.B) {
	const runs = 200
	var total time.Duration
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOrdersUnderExplore$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "SQSHARNESS_EXPLORE_RUNS"+"="+fmt.Sprint(runs))
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		m := exploredIn.FindSubmatch(out)
		if m == nil {
			b.Fatalf("no summary in:\n%s", out)
		}
		d, err := time.ParseDuration(string(m[2]))
		if err != nil {
			b.Fatal(err)
		}
		total += d
	}
	b.ReportMetric(float64(b.N*(runs+1))/total.Seconds(), "runs/s")
}

var exploredIn = regexp.MustCompile(`Explore: (\d+) runs, no failure, in (\S+) `)

// mustPlan is faults.NewPlan for tests: an invalid rule fails the test.
func mustPlan(t testing.TB, seed uint64, rules ...faults.Rule) *faults.Plan {
	t.Helper()
	p, err := faults.NewPlan(seed, rules...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return p
}
