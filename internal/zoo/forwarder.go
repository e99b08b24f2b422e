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
	"github.com/stretchr/testify/assert"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// ForwarderAPI is the part of SQS a Forwarder uses; *sqs.Client satisfies it.
type ForwarderAPI interface {
	Receiver
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Event is the body of a message on the events queue.
type Event struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Region string `json:"region,omitempty"` // added by the Forwarder
}

// Forwarder routes events: several workers long-poll the From queue, enrich each event and send
// it to the To queue, then delete it from From. An event it could not send is left in From to
// come back after its visibility timeout, so the forwarder delivers every event at least once
// (the consumers of To deduplicate by event id).
type Forwarder struct {
	Client   ForwarderAPI
	From, To string // queue URLs
	Workers  int    // default 3
	Logger   *slog.Logger
	// Bug: a failed send is logged, and the event deleted from From all the same. Once a burst
	// of errors outlasts the SDK's three attempts, the events it hits are lost.
	Bug bool
}

// Run forwards events until ctx ends.
func (c *Forwarder) Run(ctx context.Context) error {
	return poll(ctx, c.Client, c.From, 10, c.Workers, logger(c.Logger), c.forward)
}

func (c *Forwarder) forward(ctx context.Context, log *slog.Logger, m types.Message) {
	var e Event
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil || e.ID == "" {
		log.Error("not an event; leaving it to the dead-letter queue", "messageId", aws.ToString(m.MessageId))
		return
	}
	time.Sleep(200 * time.Millisecond) // looking up the customer's region
	e.Region = "eu-west-1"
	if _, err := c.Client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(c.To), MessageBody: aws.String(mustJSON(e))}); err != nil {
		log.Warn("forward failed", "id", e.ID, "err", err)
		if !c.Bug { // BUG (c.Bug): the event is deleted below although it was never forwarded
			return // it comes back after its visibility timeout
		}
	}
	dctx, cancel := ackContext(ctx)
	defer cancel()
	if _, err := c.Client.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(c.From), ReceiptHandle: m.ReceiptHandle}); err != nil {
		log.Warn("delete failed; the event will be forwarded again", "id", e.ID, "err", err)
	}
}

// ForwarderScenario sends 20 events and runs the Forwarder with three workers. Every event must
// reach the downstream queue (at least once).
func ForwarderScenario(buggy bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		attrs := map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)}
		from, to := h.Queue("events", attrs), h.Queue("events-enriched", attrs)
		ids := keys("e", 20)
		var bodies []string
		for i, id := range ids {
			bodies = append(bodies, mustJSON(Event{ID: id, Kind: []string{"signup", "login", "purchase"}[i%3]}))
		}
		h.SendBodies(from, bodies)
		h.CheckConsumer(from, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			return (&Forwarder{Client: api, From: from, To: to, Bug: buggy}).Run(ctx)
		})
		// A send the plan delayed is not visible yet: wait for it, then read what arrived.
		h.WaitForCount(to, "ApproximateNumberOfMessagesDelayed", 0, 5*time.Minute)
		arrived := map[string]int{}
		for _, m := range h.Drain(to) {
			var e Event
			if assert.NoError(t, json.Unmarshal([]byte(aws.ToString(m.Body)), &e)) {
				arrived[e.ID]++
			}
		}
		for _, id := range ids {
			assert.NotZero(t, arrived[id], "event %s never forwarded", id)
		}
	}
}
