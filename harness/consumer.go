package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// ConsumerReport is what CheckConsumer saw of the consumer's run.
type ConsumerReport struct {
	Deliveries   map[string]int // receives per body
	Deleted      []string       // bodies in the order of their first successful delete
	DeadLettered []string       // bodies found in the dead-letter queue at the end
	Left         int            // messages still in the queue (visible, in flight or delayed)
	TimedOut     bool           // the run did not settle within Expect.Timeout
	Err          error          // what the consumer's run returned
	Calls        map[string]int // the consumer's calls per operation
}

// Loop returns a consumer for CheckConsumer: workers goroutines (at least one) that long-poll url,
// call handle on each message and delete it when handle returns nil; a message whose handle
// failed comes back after its visibility timeout. On a FIFO queue each worker receives one message
// at a time. It returns nil when ctx ends, or the first receive error.
func Loop(url string, workers int, handle func(ctx context.Context, m types.Message) error) func(ctx context.Context, api sqsmock.API) error {
	return func(ctx context.Context, api sqsmock.API) error {
		var (
			wg    sync.WaitGroup
			errMu sync.Mutex
			first error
		)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for range max(workers, 1) {
			wg.Go(func() {
				if err := receiveLoop(ctx, api, url, handle); err != nil {
					errMu.Lock()
					if first == nil {
						first = err
					}
					errMu.Unlock()
					cancel()
				}
			})
		}
		wg.Wait()
		return first
	}
}

// receiveLoop is one of Loop's workers.
func receiveLoop(ctx context.Context, api sqsmock.API, url string, handle func(ctx context.Context, m types.Message) error) error {
	in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1}
	if isFIFO(url) {
		// One at a time: a group's next message comes only once this one is deleted, so a failed
		// message is never handled past, and the messages after it are not received (and
		// counted towards their redrive) with it.
		in.MaxNumberOfMessages = 1
	}
	for ctx.Err() == nil {
		out, err := api.ReceiveMessage(ctx, in)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("ReceiveMessage: %w", err)
		}
		for _, m := range out.Messages {
			if handle(ctx, m) != nil {
				continue
			}
			// A failed delete (e.g. the visibility timeout passed) brings the message back.
			_, _ = api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
		}
	}
	return nil
}

// deadLetterQueue returns the URL of the queue's dead-letter queue, or "".
func (h *H) deadLetterQueue(url string) string {
	h.t.Helper()
	rp := h.attribute(url, "RedrivePolicy")
	if rp == "" {
		return ""
	}
	var p struct {
		Target string `json:"deadLetterTargetArn"`
	}
	require.NoError(h.t, json.Unmarshal([]byte(rp), &p), "RedrivePolicy %s", rp)
	name := queueurl.Name(p.Target)
	out, err := h.own.GetQueueUrl(h.ownCtx(), &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	require.NoError(h.t, err, "GetQueueUrl %s", name)
	return aws.ToString(out.QueueUrl)
}
