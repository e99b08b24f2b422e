package zoo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Invoice is the body of a message on the invoices queue.
type Invoice struct {
	Order string `json:"order"`
	Cents int    `json:"cents"`
}

// Invoicer charges invoices: several workers long-poll the queue, charge each order once in the
// Ledger (a payment call of a second), and delete the message. A message that is not an invoice
// is left to come back, and the queue's redrive policy moves it to the dead-letter queue.
//
// The workers run as an errgroup does: when one returns an error, the others are stopped and
// Run returns it, and the service restarts. A failed receive is logged and retried after a
// backoff, so a burst of throttling or of server errors only slows the workers down.
type Invoicer struct {
	Client   Receiver
	QueueURL string
	Ledger   *Ledger
	Workers  int // default 3
	Logger   *slog.Logger
	// Bug: a worker returns the first receive error, which stops every worker. The SDK retries a
	// throttled or failed call three times, so this is rare, until a burst outlasts those three.
	Bug bool
}

// Run charges invoices until ctx ends or a worker fails.
func (c *Invoicer) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for range workers(c.Workers) {
		wg.Go(func() {
			if err := c.work(ctx); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		})
	}
	wg.Wait()
	return first
}

func (c *Invoicer) work(ctx context.Context) error {
	log := logger(c.Logger)
	for failures := 0; ctx.Err() == nil; {
		out, err := c.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(c.QueueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: waitTime})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if c.Bug {
				return fmt.Errorf("invoicer: receive: %w", err) // BUG: one bad burst stops the service
			}
			failures++
			log.Warn("receive failed; retrying", "err", err, "in", backoff(failures))
			sleep(ctx, backoff(failures))
			continue
		}
		failures = 0
		for _, m := range out.Messages {
			if ctx.Err() != nil {
				break // shutting down: the rest come back after their visibility timeout
			}
			c.handle(ctx, log, m)
		}
	}
	return nil
}

func (c *Invoicer) handle(ctx context.Context, log *slog.Logger, m types.Message) {
	var inv Invoice
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &inv); err != nil || inv.Order == "" {
		log.Error("not an invoice; leaving it to the dead-letter queue", "messageId", aws.ToString(m.MessageId))
		return
	}
	time.Sleep(time.Second) // the payment provider's call
	if !c.Ledger.ChargeOnce(inv.Order) {
		log.Info("already charged", "order", inv.Order)
	}
	dctx, cancel := ackContext(ctx)
	defer cancel()
	if _, err := c.Client.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(c.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
		log.Warn("delete failed; the invoice will come back and be skipped", "order", inv.Order, "err", err)
	}
}

// invoices returns n orders' ids and their invoices' bodies.
func invoices(n int) (orders, bodies []string) {
	orders = keys("o", n)
	for i, o := range orders {
		bodies = append(bodies, mustJSON(Invoice{Order: o, Cents: 1000 + 25*i}))
	}
	return orders, bodies
}

// InvoicerScenario sends 20 invoices and one message that is not an invoice to a queue with a
// dead-letter queue (5 receives) and runs the Invoicer with three workers. Every order must be
// charged exactly once, and the bad message must end in the dead-letter queue. An invoice the
// fault plan pushes there too (its deletes lost, its receives' answers lost) is the plan's doing,
// which h.CheckConsumer logs rather than fails.
func InvoicerScenario(buggy bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		const maxReceiveCount = 5
		url, _ := h.QueueWithDLQ("invoices", map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)}, maxReceiveCount)
		orders, bodies := invoices(20)
		const bad = "<invoice order=o-99/>"
		bodies = append(bodies, bad)
		h.SendBodies(url, bodies)
		ledger := NewLedger()
		rep := h.CheckConsumer(url, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			return (&Invoicer{Client: api, QueueURL: url, Ledger: ledger, Bug: buggy}).Run(ctx)
		})
		onceEach(t, orders, ledger.Charges, "order %s charged %d times")
		assert.Contains(t, rep.DeadLettered, bad, "the message that is not an invoice ends in the dead-letter queue")
	}
}
