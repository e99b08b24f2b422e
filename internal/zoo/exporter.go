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

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// ExporterAPI is the part of SQS an Exporter uses; *sqs.Client satisfies it.
type ExporterAPI interface {
	Receiver
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
}

// Record is the body of a message on the export queue: one row for the data warehouse.
type Record struct {
	ID    string `json:"id"`
	Table string `json:"table"`
}

// Exporter is a nightly batch job: it empties the export queue into the Warehouse and exits.
// One loop long-polls the queue and hands the messages to a pool of workers, which insert each
// record (a second) and delete its message.
//
// An empty receive does not prove the queue empty: a receive may come back empty although
// messages are available, and messages may be delayed, or in flight to come back after a lost
// delete. The job exits after two empty long polls in a row once the queue's attributes show no
// message visible, in flight or delayed.
type Exporter struct {
	Client    ExporterAPI
	QueueURL  string
	Warehouse *Warehouse
	Workers   int // default 3
	Logger    *slog.Logger
	// Bug: the job exits at the first empty receive, leaving behind the messages that a
	// false-empty receive hid or that were delayed or in flight.
	Bug bool
}

// Run exports until the queue is empty, then returns nil once every worker is done. It returns
// ctx's error if ctx ends first.
func (c *Exporter) Run(ctx context.Context) error {
	log := logger(c.Logger)
	jobs := make(chan types.Message)
	var wg sync.WaitGroup
	for range workers(c.Workers) {
		wg.Go(func() {
			for m := range jobs {
				c.export(ctx, log, m)
			}
		})
	}
	err := c.receive(ctx, log, jobs)
	close(jobs)
	wg.Wait()
	return err
}

// receive feeds jobs until the queue is empty.
func (c *Exporter) receive(ctx context.Context, log *slog.Logger, jobs chan<- types.Message) error {
	for empty, failures := 0, 0; ; {
		out, err := c.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(c.QueueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: waitTime})
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			failures++
			log.Warn("receive failed; retrying", "err", err)
			sleep(ctx, backoff(failures))
			continue
		case len(out.Messages) == 0 && c.Bug:
			return nil // BUG: one empty receive taken for an empty queue
		case len(out.Messages) == 0:
			if empty++; empty >= 2 && c.drained(ctx) {
				return nil
			}
			continue
		}
		empty, failures = 0, 0
		for _, m := range out.Messages {
			select {
			case jobs <- m:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

// drained reports whether the queue's attributes show no message visible, in flight or delayed.
func (c *Exporter) drained(ctx context.Context) bool {
	out, err := c.Client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(c.QueueURL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible, types.QueueAttributeNameApproximateNumberOfMessagesDelayed}})
	if err != nil {
		return false
	}
	for _, n := range out.Attributes {
		if n != "0" {
			return false
		}
	}
	return len(out.Attributes) == 3
}

func (c *Exporter) export(ctx context.Context, log *slog.Logger, m types.Message) {
	var r Record
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &r); err != nil || r.ID == "" {
		log.Error("not a record; leaving it to the dead-letter queue", "messageId", aws.ToString(m.MessageId))
		return
	}
	time.Sleep(time.Second) // the warehouse's insert
	if !c.Warehouse.Insert(r.ID) {
		log.Info("already exported", "id", r.ID)
	}
	dctx, cancel := ackContext(ctx)
	defer cancel()
	if _, err := c.Client.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(c.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
		log.Warn("delete failed; the record will come back and be skipped", "id", r.ID, "err", err)
	}
}

// ExporterScenario publishes 20 records and runs the Exporter, which exits by itself once the
// queue is empty. Every record must be exported exactly once, and no message left behind.
func ExporterScenario(buggy bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		url := h.Queue("export", map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)})
		ids := keys("r", 20)
		var bodies []string
		for _, id := range ids {
			bodies = append(bodies, mustJSON(Record{ID: id, Table: "orders"}))
		}
		publish(t, h, url, bodies)
		wh := NewWarehouse()
		h.CheckConsumer(url, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			return (&Exporter{Client: api, QueueURL: url, Warehouse: wh, Bug: buggy}).Run(ctx)
		})
		onceEach(t, ids, wh.Rows, "record %s exported %d times")
	}
}
