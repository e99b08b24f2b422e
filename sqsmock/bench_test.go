package sqsmock_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// benchQueue makes a mock with one queue holding depth ready messages.
func benchQueue(b *testing.B, fifo bool, depth int) (sqsmock.API, *string) {
	b.Helper()
	m := sqsmock.New(sqsmock.NoCallLog)
	return benchQueueWith(b, m.Client(), fifo, depth)
}

// benchQueueWith makes a queue holding depth ready messages through client c.
func benchQueueWith(b *testing.B, c sqsmock.API, fifo bool, depth int) (sqsmock.API, *string) {
	b.Helper()
	ctx := context.Background()
	name, attrs := "bench", map[string]string{}
	if fifo {
		name, attrs = "bench.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"}
	}
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		b.Fatal(err)
	}
	fill(b, c, q.QueueUrl, fifo, depth)
	runtime.GC() // charge the prefill's garbage to the prefill, not to the timed loop
	return c, q.QueueUrl
}

func fill(b *testing.B, c sqsmock.API, url *string, fifo bool, n int) {
	b.Helper()
	entries := make([]types.SendMessageBatchRequestEntry, 10)
	for sent := 0; sent < n; {
		k := min(10, n-sent)
		for i := 0; i < k; i++ {
			entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
				MessageBody: aws.String(fmt.Sprintf("payload-%09d-%s", sent+i, body100))}
			if fifo {
				entries[i].MessageGroupId = aws.String(strconv.Itoa((sent + i) % 64))
			}
		}
		out, err := c.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries[:k]})
		if err != nil || len(out.Failed) > 0 {
			b.Fatal(err, out)
		}
		sent += k
	}
}

const body100 = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"

func BenchmarkSendMessage(b *testing.B) {
	c, url := benchQueue(b, false, 0)
	ctx := context.Background()
	in := &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(body100)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.SendMessage(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSendMessageWithAttributes(b *testing.B) {
	c, url := benchQueue(b, false, 0)
	ctx := context.Background()
	in := &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(body100),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"trace": {DataType: aws.String("String"), StringValue: aws.String("abc-123")},
			"n":     {DataType: aws.String("Number"), StringValue: aws.String("42")},
		}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.SendMessage(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSendMessageBatch10(b *testing.B) {
	c, url := benchQueue(b, false, 0)
	ctx := context.Background()
	entries := make([]types.SendMessageBatchRequestEntry, 10)
	for i := range entries {
		entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(body100)}
	}
	in := &sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.SendMessageBatch(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10), "ns/msg")
}

// BenchmarkCycle sends, receives and deletes one message per iteration on a queue kept at a
// constant depth: the cost must not grow with the depth. The variants at depth 100 are the
// calls an exploration run makes: with a fault plan attached whose rules never fire
// (idle-plan), and on a client given retry options (retry-options), both of which run the
// retry loop on every call.
func BenchmarkCycle(b *testing.B) {
	for _, fifo := range []bool{false, true} {
		for _, depth := range []int{100, 100_000, 1_000_000} {
			kind := "standard"
			if fifo {
				kind = "fifo"
			}
			b.Run(fmt.Sprintf("%s/depth=%d", kind, depth), func(b *testing.B) {
				c, url := benchQueue(b, fifo, depth)
				benchCycle(b, c, url, fifo)
			})
		}
	}
	b.Run("standard-idle-plan/depth=100", func(b *testing.B) {
		m := sqsmock.New(sqsmock.NoCallLog, func(o *sqsmock.Options) { o.Faults = idlePlan(b) })
		c, url := benchQueueWith(b, m.Client(), false, 100)
		benchCycle(b, c, url, false)
		if n := len(m.Faults().Injections()); n > 0 {
			b.Fatalf("the idle plan injected %d faults", n)
		}
	})
	b.Run("standard-retry-options/depth=100", func(b *testing.B) {
		m := sqsmock.New(sqsmock.NoCallLog)
		c, url := benchQueueWith(b, m.Client(func(o *sqs.Options) { o.RetryMaxAttempts = 5 }), false, 100)
		benchCycle(b, c, url, false)
	})
	b.Run("standard-idle-plan-retry-options/depth=100", func(b *testing.B) {
		m := sqsmock.New(sqsmock.NoCallLog, func(o *sqsmock.Options) { o.Faults = idlePlan(b) })
		c, url := benchQueueWith(b, m.Client(func(o *sqs.Options) { o.RetryMaxAttempts = 5 }), false, 100)
		benchCycle(b, c, url, false)
	})
}

// idlePlan is a fault plan of the kinds an exploration draws from, none of which fires on
// benchCycle's calls: each is turned away by a different check (operation, queue, message,
// window, After, the throttle's bucket).
func idlePlan(b *testing.B) *faults.Plan {
	return mustPlan(b, 1,
		faults.Error("InternalError").OnQueue("other-*"),
		faults.Latency(time.Second, 0).On("SendMessage").After(1<<40),
		faults.Throttle(1e12, 1<<30),
		faults.ResetAfterApply().On("DeleteMessage").With(faults.Details{BodyContains: "never"}),
		faults.FalseEmpty().Window(1000*time.Hour, 0).Probability(0.5),
		faults.DuplicateDelivery(time.Second).With(faults.Details{BodyContains: "never"}),
		faults.LostDelete().OnQueue("other"),
		faults.DelayedVisibility(time.Second).Window(1000*time.Hour, 2000*time.Hour),
	)
}

// benchCycle is BenchmarkCycle's loop: send one message, receive one, delete it.
func benchCycle(b *testing.B, c sqsmock.API, url *string, fifo bool) {
	ctx := context.Background()
	send := &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(body100)}
	recv := &sqs.ReceiveMessageInput{QueueUrl: url}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if fifo {
			send.MessageGroupId = aws.String(strconv.Itoa(i % 64))
			send.MessageBody = aws.String(strconv.Itoa(i) + body100)
		}
		i++
		if _, err := c.SendMessage(ctx, send); err != nil {
			b.Fatal(err)
		}
		out, err := c.ReceiveMessage(ctx, recv)
		if err != nil || len(out.Messages) != 1 {
			b.Fatal(err, out)
		}
		if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceiveDeleteBatch10 receives and deletes ten messages per iteration from a deep queue.
func BenchmarkReceiveDeleteBatch10(b *testing.B) {
	for _, depth := range []int{100, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			c, url := benchQueue(b, false, depth)
			ctx := context.Background()
			recv := &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10}
			entries := make([]types.DeleteMessageBatchRequestEntry, 10)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				fill(b, c, url, false, 10)
				b.StartTimer()
				out, err := c.ReceiveMessage(ctx, recv)
				if err != nil || len(out.Messages) != 10 {
					b.Fatal(err, out)
				}
				for i, m := range out.Messages {
					entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
				}
				if _, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: entries}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParallelCycle runs send/receive/delete from GOMAXPROCS goroutines on one queue.
func BenchmarkParallelCycle(b *testing.B) {
	c, url := benchQueue(b, false, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		send := &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(body100)}
		recv := &sqs.ReceiveMessageInput{QueueUrl: url}
		for pb.Next() {
			if _, err := c.SendMessage(ctx, send); err != nil {
				b.Fatal(err)
			}
			out, err := c.ReceiveMessage(ctx, recv)
			if err != nil {
				b.Fatal(err)
			}
			for _, m := range out.Messages {
				if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkMemoryPerMessage reports the heap held per stored message with a 100-byte body,
// measured once over 100k messages (b.N does not scale it).
func BenchmarkMemoryPerMessage(b *testing.B) {
	const n = 100_000
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c, url := benchQueue(b, false, n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(c)
	runtime.KeepAlive(url)
	for b.Loop() {
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/msg")
}

// BenchmarkSendMessageClients: one SendMessage through each client the mock offers: the default
// in-process client (no fault plan: one plain attempt), an in-process client with retry options
// (every call through the SDK's retry loop), and the real *sqs.Client on the in-memory transport
// (the SDK's whole stack and the wire codec).
func BenchmarkSendMessageClients(b *testing.B) {
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		client func(m *sqsmock.Mock) sqsmock.API
	}{
		{"in-process", func(m *sqsmock.Mock) sqsmock.API { return m.Client() }},
		{"in-process+retry-loop", func(m *sqsmock.Mock) sqsmock.API {
			return m.Client(func(o *sqs.Options) { o.RetryMaxAttempts = 3 })
		}},
		{"sdk-in-memory", func(m *sqsmock.Mock) sqsmock.API { return m.SDKClient() }},
	} {
		b.Run(tt.name, func(b *testing.B) {
			m := sqsmock.New(sqsmock.NoCallLog, func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "bench"}} })
			c := tt.client(m)
			in := &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL("bench")), MessageBody: aws.String(body100)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.SendMessage(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
