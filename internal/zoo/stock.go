package zoo

import (
	"context"
	"encoding/json"
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

// StockAPI is the part of SQS a StockKeeper uses; *sqs.Client satisfies it.
type StockAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

// Adjustment is the body of a message on the stock queue: a change of a SKU's stock level.
type Adjustment struct {
	SKU   string `json:"sku"`
	Delta int    `json:"delta"`
}

// StockKeeper applies stock adjustments: several workers long-poll the queue and apply each
// message once to the Stock (a second), and a deleter deletes the applied messages every second
// in batches (DeleteMessageBatch, whose entries are keyed by message id).
//
// The keeper remembers every message it received, by message id, with the receipt handle of its
// latest delivery: a message delivered again (a duplicate, or a redelivery after a delete that
// did not take) is not applied again, and is deleted with its newest handle, since SQS may
// ignore a delete with an older one. (The stock system publishes each adjustment once, from its
// outbox, so a message id stands for an adjustment.)
type StockKeeper struct {
	Client   StockAPI
	QueueURL string
	Stock    *Stock
	Workers  int // default 3
	Logger   *slog.Logger
	// Bug: a message delivered again keeps the receipt handle of its first delivery, and every
	// later delete uses that stale handle. Once SQS ignores such a delete, the message comes back
	// forever.
	Bug bool

	mu   sync.Mutex
	seen map[string]*delivery // message id → its latest delivery (a real service expires these)
	ack  []string             // message ids to delete
}

type delivery struct {
	handle  string
	applied bool
}

// Run applies adjustments until ctx ends.
func (c *StockKeeper) Run(ctx context.Context) error {
	c.seen = map[string]*delivery{}
	log := logger(c.Logger)
	var wg sync.WaitGroup
	for range workers(c.Workers) {
		wg.Go(func() { c.work(ctx, log) })
	}
	for sleep(ctx, time.Second) {
		c.flush(ctx, log)
	}
	wg.Wait()
	fctx, cancel := ackContext(ctx)
	defer cancel()
	c.flush(fctx, log)
	return nil
}

func (c *StockKeeper) work(ctx context.Context, log *slog.Logger) {
	for failures := 0; ctx.Err() == nil; {
		out, err := c.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(c.QueueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: waitTime})
		if err != nil {
			if ctx.Err() == nil {
				failures++
				log.Warn("receive failed; retrying", "err", err)
				sleep(ctx, backoff(failures))
			}
			continue
		}
		failures = 0
		for _, m := range out.Messages {
			if ctx.Err() != nil {
				break // shutting down: the rest come back after their visibility timeout
			}
			c.apply(log, m)
		}
	}
}

// apply applies m unless it was applied (or is being applied) already, and queues its delete.
func (c *StockKeeper) apply(log *slog.Logger, m types.Message) {
	id := aws.ToString(m.MessageId)
	c.mu.Lock()
	d, again := c.seen[id]
	if !again {
		d = &delivery{}
		c.seen[id] = d
	}
	if !again || !c.Bug { // BUG (c.Bug): a message delivered again keeps its first, stale handle
		d.handle = aws.ToString(m.ReceiptHandle)
	}
	applied := d.applied
	c.mu.Unlock()
	if again {
		if applied { // delivered again after it was applied: delete it again
			c.queueDelete(id)
		}
		return
	}
	var a Adjustment
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &a); err != nil || a.SKU == "" {
		log.Error("not an adjustment; leaving it to the dead-letter queue", "messageId", id)
		return
	}
	time.Sleep(time.Second) // the stock system's update
	c.Stock.Adjust(a.SKU, a.Delta)
	c.mu.Lock()
	d.applied = true
	c.mu.Unlock()
	c.queueDelete(id)
}

func (c *StockKeeper) queueDelete(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ack = append(c.ack, id)
}

// flush deletes the queued messages with their latest receipt handles, in batches of ten; the
// entries that failed are queued again.
func (c *StockKeeper) flush(ctx context.Context, log *slog.Logger) {
	c.mu.Lock()
	pending := map[string]string{} // message id → receipt handle: a batch's ids must be distinct
	for _, id := range c.ack {
		pending[id] = c.seen[id].handle
	}
	c.ack = nil
	c.mu.Unlock()
	var entries []types.DeleteMessageBatchRequestEntry
	for id, h := range pending {
		entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(id), ReceiptHandle: aws.String(h)})
	}
	for start := 0; start < len(entries); start += 10 {
		batch := entries[start:min(start+10, len(entries))]
		out, err := c.Client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(c.QueueURL), Entries: batch})
		if err != nil {
			log.Warn("delete failed; retrying at the next flush", "err", err)
			for _, e := range batch {
				c.queueDelete(aws.ToString(e.Id))
			}
			continue
		}
		for _, f := range out.Failed {
			log.Warn("delete entry failed", "messageId", aws.ToString(f.Id), "code", aws.ToString(f.Code))
			if !f.SenderFault { // a handle SQS refuses comes back with the message, and a new one
				c.queueDelete(aws.ToString(f.Id))
			}
		}
	}
}

// StockScenario sends 20 stock adjustments over five SKUs and runs the StockKeeper with three
// workers. Every adjustment must be applied once, and every message deleted.
func StockScenario(buggy bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		url := h.Queue("stock", map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)})
		want := map[string]int{}
		var bodies []string
		for i := range 20 {
			a := Adjustment{SKU: "sku-" + strconv.Itoa(i%5), Delta: i + 1}
			if i%3 == 0 {
				a.Delta = -a.Delta
			}
			want[a.SKU] += a.Delta
			bodies = append(bodies, mustJSON(a))
		}
		h.SendBodies(url, bodies)
		stock := NewStock()
		h.CheckConsumer(url, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			return (&StockKeeper{Client: api, QueueURL: url, Stock: stock, Bug: buggy}).Run(ctx)
		})
		for sku, n := range want {
			assert.Equal(t, n, stock.Level(sku), "stock of %s: every adjustment applied once", sku)
		}
	}
}
