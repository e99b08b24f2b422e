// Command faultyconsumer runs an order worker on sqsmock under a seeded fault plan — throttling,
// server errors, duplicate deliveries, lost deletes and connection resets after a send was
// applied — once idempotent and once not, and reports whether every order was charged exactly
// once. Time is sqsmock's manual clock: backoffs and visibility timeouts pass instantly.
//
//	go run ./examples/faultyconsumer [-seed 42] [-orders 50]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Plan is the fault plan the example runs under: every rule fires at random, from the seed.
func Plan(seed uint64) (*faults.Plan, error) {
	return faults.NewPlan(seed,
		// Throttling and server errors on the consumer's calls; the worker backs off and retries.
		faults.Error("RequestThrottled").Named("throttled").On("ReceiveMessage", "DeleteMessage").Probability(0.2),
		faults.Error("ServiceUnavailable").Named("unavailable").On("ReceiveMessage", "DeleteMessage").Probability(0.05),
		faults.Throttle(20, 10).Named("rate").On("ReceiveMessage", "DeleteMessage"),
		// SQS standard queues deliver at least once: some messages come twice.
		faults.DuplicateDelivery(0).Named("duplicate").Probability(0.3),
		// Some deletes report success and do nothing: the message returns after its visibility timeout.
		faults.LostDelete().Named("lost-delete").Probability(0.2),
		// Some sends are applied but the response is lost: the producer's retry sends the order twice.
		faults.ResetAfterApply().Named("reset").On("SendMessage").Probability(0.1),
	)
}

// Scenario is one run: a mock with a manual clock and the plan, orders produced, a worker.
type Scenario struct {
	Clock  *sqsmock.ManualClock
	Mock   *sqsmock.Mock
	Plan   *faults.Plan
	Worker *Worker
	Orders []string
}

// NewScenario produces n orders onto a fresh mock under Plan(seed) and returns a worker for them.
func NewScenario(ctx context.Context, seed uint64, n int, idempotent bool) (*Scenario, error) {
	clk := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	plan, err := Plan(seed)
	if err != nil {
		return nil, err
	}
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "orders", Attributes: map[string]string{"VisibilityTimeout": "30"}}}
		o.Clock = clk
		o.Faults = plan
	})
	sleep := func(ctx context.Context, d time.Duration) error { clk.Advance(d); return ctx.Err() }
	url := m.QueueURL("orders")
	orders, err := Produce(ctx, m.Client(), url, n, sleep)
	if err != nil {
		return nil, err
	}
	w := &Worker{SQS: m.Client(), QueueURL: url, Ledger: NewLedger(), Sleep: sleep, Idempotent: idempotent}
	return &Scenario{Clock: clk, Mock: m, Plan: plan, Worker: w, Orders: orders}, nil
}

// Drain polls until the queue stays empty for three polls, each one visibility timeout apart
// (so lost deletes come back), or maxPolls is reached.
func (s *Scenario) Drain(ctx context.Context, maxPolls int) error {
	for idle, polls := 0, 0; idle < 3; polls++ {
		if polls == maxPolls {
			return fmt.Errorf("queue not drained after %d polls", maxPolls)
		}
		n, err := s.Worker.Poll(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			idle = 0
			continue
		}
		idle++
		s.Clock.Advance(31 * time.Second)
	}
	return nil
}

// Injected counts the plan's injections by rule.
func (s *Scenario) Injected() map[string]int {
	out := map[string]int{}
	for _, in := range s.Plan.Injections() {
		out[in.Rule]++
	}
	return out
}

func main() {
	seed := flag.Uint64("seed", 42, "fault plan seed")
	n := flag.Int("orders", 50, "orders to produce")
	flag.Parse()
	ctx := context.Background()
	failed := false
	for _, idempotent := range []bool{true, false} {
		s, err := NewScenario(ctx, *seed, *n, idempotent)
		if err == nil {
			err = s.Drain(ctx, 10000)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "faultyconsumer:", err)
			os.Exit(1)
		}
		problems := Check(s.Worker.Ledger, s.Orders)
		fmt.Printf("idempotent=%v: %d orders, faults injected %v, simulated time %v\n",
			idempotent, len(s.Orders), s.Injected(), s.Clock.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		if len(problems) == 0 {
			fmt.Println("  every order charged exactly once")
		}
		for _, p := range problems {
			fmt.Println("  " + p)
		}
		if idempotent && len(problems) > 0 {
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
