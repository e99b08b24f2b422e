package sqsmock_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// traceModes are the trace settings the BenchmarkTrace benchmarks compare.
var traceModes = []struct {
	name string
	size int
}{{"off", 0}, {"on", 10000}}

// traceBenchQueue makes a mock with the trace of that size and one empty queue.
func traceBenchQueue(b *testing.B, size int) (sqsmock.API, *string) {
	b.Helper()
	m := sqsmock.New(sqsmock.NoCallLog, func(o *sqsmock.Options) { o.TraceSize = size })
	q, err := m.Client().CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	return m.Client(), q.QueueUrl
}

// BenchmarkTraceSendMessage is SendMessage with the trace off and on (a ring of 10000).
func BenchmarkTraceSendMessage(b *testing.B) {
	for _, mode := range traceModes {
		b.Run(mode.name, func(b *testing.B) {
			c, url := traceBenchQueue(b, mode.size)
			ctx := context.Background()
			in := &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(body100)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.SendMessage(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTraceReceiveDelete is ReceiveMessage of one message and its DeleteMessage with the
// trace off and on; the queue is refilled, untimed, every 10000 iterations.
func BenchmarkTraceReceiveDelete(b *testing.B) {
	for _, mode := range traceModes {
		b.Run(mode.name, func(b *testing.B) {
			c, url := traceBenchQueue(b, mode.size)
			ctx := context.Background()
			recv := &sqs.ReceiveMessageInput{QueueUrl: url}
			left := 0
			b.ReportAllocs()
			for b.Loop() {
				if left == 0 {
					b.StopTimer()
					fill(b, c, url, false, 10000)
					left = 10000
					runtime.GC()
					b.StartTimer()
				}
				left--
				out, err := c.ReceiveMessage(ctx, recv)
				if err != nil || len(out.Messages) != 1 {
					b.Fatal(err, out)
				}
				if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
