package sqsmock_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Process is the kind of consumer a service has: it takes sqsmock.API, which *sqs.Client
// satisfies, so production passes the real client and tests pass the mock's.
func Process(ctx context.Context, c sqsmock.API, queueURL string, handle func(body string) error) (int, error) {
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10})
	if err != nil {
		return 0, err
	}
	done := 0
	for _, m := range out.Messages {
		if err := handle(aws.ToString(m.Body)); err != nil {
			continue // left for another try after the visibility timeout
		}
		if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

// The same Process works with a real client; nothing in it knows about the mock.
var _ = func(real *sqs.Client) { _, _ = Process(context.Background(), real, "https://sqs...", nil) }

func Example() {
	ctx := context.Background()
	m := sqsmock.New()
	c := m.Client() // a sqsmock.API, like *sqs.Client

	q, _ := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("order-1")})

	out, _ := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	fmt.Println(aws.ToString(out.Messages[0].Body))
	fmt.Println(aws.ToString(q.QueueUrl))
	// Output:
	// order-1
	// https://sqs.us-east-1.amazonaws.com/000000000000/orders
}

// A consumer function written against sqsmock.API, tested with the mock.
func Example_consumer() {
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs"}}
		o.TraceSize = 100 // keep a trace of what happened
	})
	c := m.Client()
	url := m.QueueURL("jobs")
	for _, b := range []string{"ok-1", "fail", "ok-2"} {
		_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(b)})
	}

	n, err := Process(ctx, c, url, func(body string) error {
		if strings.HasPrefix(body, "fail") {
			return fmt.Errorf("cannot handle %s", body)
		}
		return nil
	})
	fmt.Println(n, err)
	q, _ := m.Queue("jobs")
	fmt.Println("in flight:", q.InFlight)
	deletes := 0
	for _, ev := range m.Trace() {
		if ev.Kind == "message.deleted" {
			deletes++
		}
	}
	fmt.Println("deletes:", deletes)
	// Output:
	// 2 <nil>
	// in flight: 1
	// deletes: 2
}

// With a manual clock a test jumps over visibility timeouts, delays and retention.
func ExampleNewManualClock() {
	ctx := context.Background()
	clk := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "q", Attributes: map[string]string{"VisibilityTimeout": "60"}}}
		o.Clock = clk
	})
	c := m.Client()
	url := aws.String(m.QueueURL("q"))
	_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("retry me")})

	_, _ = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url}) // received, never deleted
	again, _ := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
	fmt.Println("before the timeout:", len(again.Messages))

	clk.Advance(time.Minute)
	again, _ = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
	fmt.Println("after:", aws.ToString(again.Messages[0].Body), again.Messages[0].Attributes["ApproximateReceiveCount"])
	// Output:
	// before the timeout: 0
	// after: retry me 2
}

// A long poll blocked in ReceiveMessage returns when the manual clock passes its deadline.
func ExampleManualClock_BlockUntil() {
	ctx := context.Background()
	clk := sqsmock.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "q"}}; o.Clock = clk })
	c := m.Client()

	done := make(chan int)
	go func() {
		out, _ := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(m.QueueURL("q")), WaitTimeSeconds: 20})
		done <- len(out.Messages)
	}()
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := clk.BlockUntil(wait, 1); err != nil { // the long poll is waiting
		panic(err)
	}
	clk.Advance(20 * time.Second)
	fmt.Println("messages:", <-done)
	// Output:
	// messages: 0
}

// Inspection shows each message's state without changing it.
func ExampleMock_Messages() {
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "q"}} })
	c := m.Client()
	url := aws.String(m.QueueURL("q"))
	_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("a")})
	_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("b"), DelaySeconds: 60})
	_, _ = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})

	for _, msg := range m.Messages("q") {
		fmt.Println(msg.Body, msg.State, msg.ReceiveCount)
	}
	// Output:
	// a inflight 1
	// b delayed 0
}

// Serving the mock over HTTP for code that builds its own *sqs.Client (or another SDK, or the
// AWS CLI): point BaseEndpoint (or --endpoint-url) at the server's URL.
func ExampleMock_Start() {
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "jobs"}} })
	srv, err := m.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	client := sqs.New(sqs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  aws.AnonymousCredentials{},
	})
	ctx := context.Background()
	q, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
	if err != nil {
		panic(err)
	}
	if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("over HTTP")}); err != nil {
		panic(err)
	}
	for _, msg := range m.Messages(aws.ToString(q.QueueUrl)) {
		fmt.Println(msg.Body, msg.State)
	}
	// Output: over HTTP ready
}

// A real *sqs.Client on the mock, without a socket: the SDK's whole stack runs (serialization,
// retries, APIOptions middleware), so it also works inside a testing/synctest bubble.
func ExampleMock_SDKClient() {
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "jobs"}} })
	var c *sqs.Client = m.SDKClient()
	url := aws.String(m.QueueURL("jobs"))
	_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("hello")})
	out, _ := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
	fmt.Println(aws.ToString(out.Messages[0].Body))
	// Output:
	// hello
}

// A dead-letter queue without a hard-coded ARN; the options may come in any order.
func ExampleNew_deadLetterQueue() {
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs", Attributes: map[string]string{"VisibilityTimeout": "0"}}, {Name: "jobs", DeadLetterQueue: "jobs-dlq", MaxReceiveCount: 2}}
	})
	c, url := m.Client(), aws.String(m.QueueURL("jobs"))
	_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("poison")})
	for range 3 {
		_, _ = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
	}
	fmt.Println(len(m.Messages("jobs-dlq")), m.Messages("jobs-dlq")[0].Body)
	// Output:
	// 1 poison
}
