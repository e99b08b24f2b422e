package zoo

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// BatchSender is the part of SQS a Publisher uses; *sqs.Client satisfies it.
type BatchSender interface {
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
}

// Publisher sends messages to a queue in batches of ten, as an order service publishes the
// orders it takes. A call that fails is sent again after a backoff; so are the entries SQS
// reports in a batch's Failed list, unless SQS says they can never succeed (SenderFault).
type Publisher struct {
	Client   BatchSender
	QueueURL string
	Logger   *slog.Logger
	// Bug: the publisher checks the call's error but not the batch's Failed entries, so a
	// partial batch failure loses those messages while Publish reports success.
	Bug bool
}

// Publish sends every body and returns once SQS has accepted each of them, or ctx ends.
func (p *Publisher) Publish(ctx context.Context, bodies []string) error {
	log := logger(p.Logger)
	for start := 0; start < len(bodies); start += 10 {
		var entries []types.SendMessageBatchRequestEntry
		for i, b := range bodies[start:min(start+10, len(bodies))] {
			entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(start + i)), MessageBody: aws.String(b)})
		}
		for failures := 0; len(entries) > 0; {
			out, err := p.Client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(p.QueueURL), Entries: entries})
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failures++
				log.Warn("send failed; retrying", "err", err, "entries", len(entries))
				sleep(ctx, backoff(failures))
				continue
			}
			if p.Bug {
				break // BUG: out.Failed is never looked at
			}
			if entries, err = unsent(entries, out.Failed); err != nil {
				return err
			}
			if len(entries) > 0 {
				failures++
				log.Warn("entries failed; retrying", "entries", len(entries))
				sleep(ctx, backoff(failures))
			}
		}
	}
	return ctx.Err()
}

// unsent is the entries of a batch SQS reported as failed, to send again; an entry that failed
// through the sender's fault is an error, since sending it again fails again.
func unsent(entries []types.SendMessageBatchRequestEntry, failed []types.BatchResultErrorEntry) ([]types.SendMessageBatchRequestEntry, error) {
	byID := map[string]types.SendMessageBatchRequestEntry{}
	for _, e := range entries {
		byID[aws.ToString(e.Id)] = e
	}
	var again []types.SendMessageBatchRequestEntry
	for _, f := range failed {
		if f.SenderFault {
			return nil, fmt.Errorf("publish: entry %s refused: %s: %s", aws.ToString(f.Id), aws.ToString(f.Code), aws.ToString(f.Message))
		}
		again = append(again, byID[aws.ToString(f.Id)])
	}
	return again, nil
}

// PublisherScenario publishes 20 orders' invoices through the Publisher (buggy or not), while
// a correct Invoicer charges them. Every order must be charged exactly once: an order the
// publisher lost is never charged.
func PublisherScenario(buggy bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		url := h.Queue("invoices", map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)})
		orders, bodies := invoices(20)
		pub := &Publisher{Client: h.Client(), QueueURL: url, Bug: buggy}
		require.NoError(t, pub.Publish(h.Ctx(), bodies), "publish")
		ledger := NewLedger()
		h.CheckConsumer(url, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			return (&Invoicer{Client: api, QueueURL: url, Ledger: ledger}).Run(ctx)
		})
		onceEach(t, orders, ledger.Charges, "order %s charged %d times")
	}
}
