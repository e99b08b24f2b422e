package zoo

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// PackOrder is the body of a message on the packing queue.
type PackOrder struct {
	Order string   `json:"order"`
	Items []string `json:"items"`
}

// Packer reserves the items of paid orders: several workers long-poll the queue for one order
// at a time, pick its items off the shelf (a second each) in the Inventory and delete the
// message. The set of
// orders already packed, Packed, is shared by every worker, so a duplicate delivery of a packed
// order is deleted without packing it again.
//
// A worker claims an order in Packed before it packs it, in one step: a duplicate that another
// worker receives while the first copy is being packed finds the claim and is skipped.
type Packer struct {
	Client    Receiver
	QueueURL  string
	Inventory *Inventory
	Packed    *Keys
	Workers   int // default 3
	Logger    *slog.Logger
	// Bug: a worker checks Packed, packs, and only then adds the order (check-then-act). A
	// duplicate delivered to another worker while the first copy is being packed passes the
	// check too, and the order is packed twice. A duplicate that comes later is skipped.
	Bug bool
}

// Run packs orders until ctx ends.
func (c *Packer) Run(ctx context.Context) error {
	return poll(ctx, c.Client, c.QueueURL, 1, c.Workers, logger(c.Logger), c.pack)
}

func (c *Packer) pack(ctx context.Context, log *slog.Logger, m types.Message) {
	var o PackOrder
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &o); err != nil || o.Order == "" {
		log.Error("not an order; leaving it to the dead-letter queue", "messageId", aws.ToString(m.MessageId))
		return
	}
	if c.Bug {
		if !c.Packed.Has(o.Order) { // BUG: check, then act, then mark: not one step
			time.Sleep(time.Duration(len(o.Items)) * time.Second) // picking the items
			c.Inventory.Reserve(o.Order)
			c.Packed.Add(o.Order)
		}
	} else if c.Packed.AddIfAbsent(o.Order) {
		time.Sleep(time.Duration(len(o.Items)) * time.Second) // picking the items
		c.Inventory.Reserve(o.Order)
	}
	dctx, cancel := ackContext(ctx)
	defer cancel()
	if _, err := c.Client.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(c.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
		log.Warn("delete failed; the order will come back and be skipped", "order", o.Order, "err", err)
	}
}

// PackerScenario publishes 20 orders and runs the Packer with three workers. Every order's
// items must be reserved exactly once.
func PackerScenario(buggy bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		url := h.Queue("packing", map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)})
		orders := keys("o", 20)
		var bodies []string
		for i, o := range orders {
			var items []string
			for j := range 5 - i%4 { // 5, 4, 3, 2 items
				items = append(items, "sku-"+strconv.Itoa((i+j)%7))
			}
			bodies = append(bodies, mustJSON(PackOrder{Order: o, Items: items}))
		}
		publish(t, h, url, bodies)
		inv := NewInventory()
		h.CheckConsumer(url, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			return (&Packer{Client: api, QueueURL: url, Inventory: inv, Packed: NewKeys(), Bug: buggy}).Run(ctx)
		})
		onceEach(t, orders, inv.Reservations, "order %s reserved %d times")
	}
}
