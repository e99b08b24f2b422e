package differential_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/conformance/internal/differential"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Send, receive and delete on LocalStack and on the mock, comparing every reply; a second
// purge is LocalStack-compatible here, but on moto it is a reviewed deviation.
func Example() {
	var t *testing.T // the *testing.T of the test function

	d := differential.New(t, "localstack") // skips (fails under CI=true) when LocalStack is down
	d.Queue("orders", map[string]string{"VisibilityTimeout": "30"})

	d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		return c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.URL("orders")), MessageBody: aws.String("hello")})
	}).Exact() // same MD5OfMessageBody; MessageId only checked for shape

	recv := d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		return c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.URL("orders"))})
	})
	recv.Exact()

	d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		handle := differential.Output[*sqs.ReceiveMessageOutput](s, recv).Messages[0].ReceiptHandle
		return c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(s.URL("orders")), ReceiptHandle: handle})
	}).Exact()

	d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		return c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(s.URL("orders"))})
	}).Exact()
	d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		return c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(s.URL("orders"))})
	}).Known("moto", "SQS-PURGE-002", "allows a second purge at once").Error() // PurgeQueueInProgress, 403
}

// A peer's HTTP server may now and then lose a request or its answer; a scenario run with
// OnTransportError is skipped at that step instead of reporting a false difference, and runs
// again on fresh queues.
func ExampleOnTransportError() {
	var t *testing.T

	scenario := func(d *differential.D) {
		d.Queue("jobs", nil)
		d.Do(func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
			return c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.URL("jobs")), MessageBody: aws.String("x")})
		}).Exact()
	}
	for try := 1; try <= 3; try++ {
		var lost error
		t.Run(fmt.Sprint("try", try), func(t *testing.T) {
			scenario(differential.New(t, "localstack", differential.OnTransportError(func(err error) { lost = err })))
		})
		if lost == nil {
			break
		}
	}
}
