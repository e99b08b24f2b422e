package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Worker receives messages and hands each to Handle. A message Handle accepts is deleted; one it
// rejects is left alone, so it comes back after its visibility timeout, and after the queue's
// maxReceiveCount receives SQS moves it to the dead-letter queue.
type Worker struct {
	SQS      sqsmock.API // a *sqs.Client in production, sqsmock's client in tests
	QueueURL string
	Handle   func(ctx context.Context, body string) error
	// Sleep waits between retries of a throttled call; tests advance the mock's manual clock.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Poll receives one batch and handles it; it returns how many messages it received.
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
		if err := w.Handle(ctx, aws.ToString(m.Body)); err != nil {
			continue // redelivered after the visibility timeout; dead-lettered after maxReceiveCount
		}
		if err := w.retry(ctx, func() error {
			_, err := w.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(w.QueueURL), ReceiptHandle: m.ReceiptHandle})
			return err
		}); err != nil {
			return len(out.Messages), fmt.Errorf("delete: %w", err)
		}
	}
	return len(out.Messages), nil
}

func (w *Worker) retry(ctx context.Context, call func() error) error {
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := call()
		var api smithy.APIError
		if err == nil || attempt == 10 || !errors.As(err, &api) ||
			(api.ErrorCode() != "RequestThrottled" && api.ErrorCode() != "ThrottlingException" && api.ErrorFault() != smithy.FaultServer) {
			return err
		}
		if err := w.Sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// CreateQueues creates name and name-dlq, with a redrive policy after maxReceive receives, and
// returns their URLs. It uses only the SQS API, so it works on any backend.
func CreateQueues(ctx context.Context, c sqsmock.API, name string, maxReceive int, visibility int) (queueURL, dlqURL string, err error) {
	dlq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-dlq")})
	if err != nil {
		return "", "", err
	}
	attrs, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		return "", "", err
	}
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{
		"VisibilityTimeout": fmt.Sprint(visibility),
		"RedrivePolicy":     fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, attrs.Attributes["QueueArn"], maxReceive),
	}})
	if err != nil {
		return "", "", err
	}
	return aws.ToString(q.QueueUrl), aws.ToString(dlq.QueueUrl), nil
}
