package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Order is the message body: the business key is ID.
type Order struct {
	ID     string `json:"id"`
	Amount int    `json:"amount"`
}

// Ledger is the side effect the worker performs: charging an order. A real system would write
// to a database; the example records every charge so a test can count them.
type Ledger struct {
	mu      sync.Mutex
	charges map[string]int // order id → number of times charged
	total   int
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{charges: map[string]int{}} }

// Charge charges an order once more.
func (l *Ledger) Charge(o Order) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.charges[o.ID]++
	l.total += o.Amount
}

// Charged reports how many times each order was charged.
func (l *Ledger) Charged() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.charges))
	for k, v := range l.charges {
		out[k] = v
	}
	return out
}

// Check is the invariant a consumer test asserts: every order in want was charged exactly once
// and nothing else was charged. It returns one line per violation, sorted; none means the
// processing was exactly-once in effect.
func Check(l *Ledger, want []string) []string {
	got := l.Charged()
	var problems []string
	for _, id := range want {
		switch n := got[id]; {
		case n == 0:
			problems = append(problems, fmt.Sprintf("%s: never charged", id))
		case n > 1:
			problems = append(problems, fmt.Sprintf("%s: charged %d times", id, n))
		}
		delete(got, id)
	}
	for id, n := range got {
		problems = append(problems, fmt.Sprintf("%s: charged %d times but never sent", id, n))
	}
	sort.Strings(problems)
	return problems
}

// Sleeper waits between retries. Production passes a real sleep; tests pass one that advances
// the mock's manual clock, so nothing sleeps.
type Sleeper func(ctx context.Context, d time.Duration) error

// Worker consumes orders from a queue and charges them.
type Worker struct {
	SQS      sqsmock.API // a *sqs.Client in production, the mock's client in tests
	QueueURL string
	Ledger   *Ledger
	Sleep    Sleeper
	// Idempotent makes the worker remember the orders it charged (by business key, so a
	// duplicate send with a new MessageId is caught too) and skip them when they come again.
	// In production the set lives next to the ledger and is written in the same transaction.
	Idempotent bool
	// MaxAttempts bounds the attempts of one call that is throttled or fails on the server
	// (default 8); backoff doubles from 100ms up to 5s.
	MaxAttempts int

	mu   sync.Mutex
	done map[string]bool
}

// Poll receives one batch, processes it and deletes what it processed. It returns how many
// messages it received.
func (w *Worker) Poll(ctx context.Context) (int, error) {
	var out *sqs.ReceiveMessageOutput
	err := w.retry(ctx, func() (err error) {
		out, err = w.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.QueueURL), MaxNumberOfMessages: 10})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("receive: %w", err)
	}
	for _, m := range out.Messages {
		var o Order
		if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &o); err != nil || o.ID == "" {
			continue // a poison message: leave it for the DLQ
		}
		w.process(o)
		err := w.retry(ctx, func() error {
			_, err := w.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(w.QueueURL), ReceiptHandle: m.ReceiptHandle})
			return err
		})
		if err != nil {
			return len(out.Messages), fmt.Errorf("delete %s: %w", o.ID, err)
		}
	}
	return len(out.Messages), nil
}

// process charges the order, once per business key when the worker is idempotent.
func (w *Worker) process(o Order) {
	if !w.Idempotent {
		w.Ledger.Charge(o)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done == nil {
		w.done = map[string]bool{}
	}
	if w.done[o.ID] {
		return // a duplicate delivery, a lost delete's return or a duplicate send: already charged
	}
	w.Ledger.Charge(o)
	w.done[o.ID] = true
}

// retry runs call until it succeeds, fails with an error that is not worth retrying, or runs out
// of attempts, backing off exponentially between attempts.
func (w *Worker) retry(ctx context.Context, call func() error) error {
	attempts := w.MaxAttempts
	if attempts <= 0 {
		attempts = 8
	}
	backoff := 100 * time.Millisecond
	for i := 1; ; i++ {
		err := call()
		if err == nil || !Retryable(err) || i == attempts {
			return err
		}
		if err := w.Sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// Retryable reports whether an SQS error is transient: throttling (including KMS throttling,
// which the SDK's retryer does not retry) or a server-side failure. The SDK's retryer (which
// the mock's in-process client follows too) gives up after 3 attempts, so the worker retries
// itself, with a larger budget.
func Retryable(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "RequestThrottled", "ThrottlingException", "KMS.ThrottlingException":
		return true
	}
	return api.ErrorFault() == smithy.FaultServer
}

// Produce sends n orders ("o-1" …) and returns their ids. A send that fails with a retryable
// error or a dropped connection is sent again, as producers do: when the first attempt had been
// applied, the queue gets the order twice, with two message ids.
func Produce(ctx context.Context, c sqsmock.API, queueURL string, n int, sleep Sleeper) ([]string, error) {
	ids := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		o := Order{ID: fmt.Sprintf("o-%d", i), Amount: 10 * i}
		body, _ := json.Marshal(o)
		for attempt := 1; ; attempt++ {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(string(body))})
			if err == nil {
				break
			}
			var api smithy.APIError
			if (errors.As(err, &api) && !Retryable(err)) || attempt == 5 {
				return ids, fmt.Errorf("send %s: %w", o.ID, err)
			}
			if err := sleep(ctx, 100*time.Millisecond); err != nil {
				return ids, err
			}
		}
		ids = append(ids, o.ID)
	}
	return ids, nil
}
