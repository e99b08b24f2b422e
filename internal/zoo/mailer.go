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

// Email is the body of a message on the email queue. Key names the email in business terms
// ("welcome/u-07"): the same email published twice has the same key.
type Email struct {
	Key      string `json:"key"`
	To       string `json:"to"`
	Template string `json:"template"`
}

// Mailer sends transactional emails: several workers long-poll the queue, render and send each
// email through the Outbox, and delete the message.
//
// SQS delivers a message at least once, a lost delete brings it back, and a producer whose send
// timed out sends it again as a new message. The mailer therefore sends with the email's key as
// the provider's idempotency key: the check and the send are one step.
type Mailer struct {
	Client   Receiver
	QueueURL string
	Outbox   *Outbox
	Workers  int // default 3
	Logger   *slog.Logger
	// Bug: the mailer sends every message it receives. A duplicate delivery, a lost delete or a
	// producer's retried send makes the customer get the email twice.
	Bug bool
}

// Run sends emails until ctx ends.
func (c *Mailer) Run(ctx context.Context) error {
	return poll(ctx, c.Client, c.QueueURL, 10, c.Workers, logger(c.Logger), c.send)
}

func (c *Mailer) send(ctx context.Context, log *slog.Logger, m types.Message) {
	var e Email
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil || e.Key == "" {
		log.Error("not an email; leaving it to the dead-letter queue", "messageId", aws.ToString(m.MessageId))
		return
	}
	time.Sleep(500 * time.Millisecond) // rendering the template
	if c.Bug {
		c.Outbox.Send(e.Key) // BUG: no deduplication by the email's key
	} else if !c.Outbox.SendOnce(e.Key) {
		log.Info("already sent", "key", e.Key)
	}
	dctx, cancel := ackContext(ctx)
	defer cancel()
	if _, err := c.Client.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(c.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
		log.Warn("delete failed; the email will come back", "key", e.Key, "err", err)
	}
}

// MailerScenario publishes 20 welcome emails through a correct Publisher on the client under
// test (so a retried send may publish one twice) and runs the Mailer with three workers. Every
// customer must get their welcome email exactly once.
func MailerScenario(buggy bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		url := h.Queue("emails", map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)})
		var emails, bodies []string
		for _, u := range keys("u", 20) {
			e := Email{Key: "welcome/" + u, To: u + "@example.com", Template: "welcome"}
			emails, bodies = append(emails, e.Key), append(bodies, mustJSON(e))
		}
		publish(t, h, url, bodies)
		outbox := NewOutbox()
		h.CheckConsumer(url, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			return (&Mailer{Client: api, QueueURL: url, Outbox: outbox, Bug: buggy}).Run(ctx)
		})
		onceEach(t, emails, outbox.Sent, "email %s sent %d times")
	}
}
