package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-lambda-go/events"
)

// Order is one message's body.
type Order struct {
	ID     string `json:"id"`
	Amount int    `json:"amount"`
}

// Body is the order as the producer sends it.
func (o Order) Body() string {
	b, _ := json.Marshal(o)
	return string(b)
}

// Ledger charges orders. It is not idempotent, as many real side effects are not: charging an
// order twice charges it twice, which is what a redelivered success costs.
type Ledger struct {
	mu      sync.Mutex
	charges map[string]int
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{charges: map[string]int{}} }

// Charge charges the order.
func (l *Ledger) Charge(o Order) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.charges[o.ID]++
}

// Charges is how many times the order was charged.
func (l *Ledger) Charges(id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.charges[id]
}

// Service is the Lambda function: it charges each order of the SQS event.
type Service struct {
	Ledger *Ledger
}

func parse(body string) (Order, error) {
	var o Order
	if err := json.Unmarshal([]byte(body), &o); err != nil || o.ID == "" {
		return Order{}, errors.New("not an order")
	}
	return o, nil
}

// Handle is the fixed handler: it reports each record it cannot process by its message ID
// (the mapping runs with ReportBatchItemFailures), so only those come back.
func (s *Service) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	for _, r := range ev.Records {
		o, err := parse(r.Body)
		if err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			continue
		}
		s.Ledger.Charge(o)
	}
	return resp, nil
}

// HandleBuggy has the bug this example is about: it reports a failed record by its receipt
// handle. Lambda does not know that identifier, so it fails the whole batch: every order
// charged in it comes back and is charged again, and after maxReceiveCount receives the good
// orders end in the dead-letter queue with the bad one.
func (s *Service) HandleBuggy(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	for _, r := range ev.Records {
		o, err := parse(r.Body)
		if err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.ReceiptHandle}) // BUG: not the message ID
			continue
		}
		s.Ledger.Charge(o)
	}
	return resp, nil
}

// Check lists what went wrong: orders not charged exactly once, and orders in the dead-letter
// queue (whose bodies are deadLettered).
func Check(l *Ledger, orders []Order, deadLettered []string) []string {
	var problems []string
	dlq := map[string]bool{}
	for _, b := range deadLettered {
		dlq[b] = true
	}
	for _, o := range orders {
		if n := l.Charges(o.ID); n != 1 {
			problems = append(problems, fmt.Sprintf("%s: charged %d times", o.ID, n))
		}
		if dlq[o.Body()] {
			problems = append(problems, fmt.Sprintf("%s: in the dead-letter queue", o.ID))
		}
	}
	sort.Strings(problems)
	return problems
}
