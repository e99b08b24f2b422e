// Command orders runs an order consumer — several workers long-polling one queue, heartbeats
// that keep slow batches invisible, a dead-letter queue for orders that cannot be processed, and
// idempotent charging — against an in-process sqsmock, or against any SQS endpoint:
//
//	go run ./examples/orders                                        # in-process mock
//	go run ./examples/orders -endpoint http://127.0.0.1:9324        # e.g. go run ./cmd/sqsmock
//
// It sends -orders orders and one that is not an order, consumes until every order is charged
// and the bad one is in the dead-letter queue, and prints what happened. Its tests
// (consumer_test.go) are the point: the same tests run in milliseconds on the mock inside a
// testing/synctest bubble and in real time against LocalStack and ElasticMQ.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func main() {
	endpoint := flag.String("endpoint", "", "SQS endpoint URL (default: an in-process sqsmock)")
	n := flag.Int("orders", 20, "orders to send")
	flag.Parse()
	var c sqsmock.API = sqsmock.New().Client()
	if *endpoint != "" {
		c = sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: endpoint,
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	}
	if err := run(context.Background(), c, *n); err != nil {
		fmt.Fprintln(os.Stderr, "orders:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c sqsmock.API, n int) error {
	src, dlq, err := createQueues(ctx, c, "orders-demo-"+strconv.FormatInt(time.Now().UnixNano(), 36), 3)
	if err != nil {
		return err
	}
	defer func() {
		for _, u := range []string{src, dlq} {
			_, _ = c.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(u)})
		}
	}()
	for i := range n {
		o := Order{ID: fmt.Sprintf("o-%d", i), Customer: fmt.Sprintf("c-%d", i%4), Amount: 100 + i}
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(src), MessageBody: aws.String(OrderBody(o))}); err != nil {
			return err
		}
	}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(src), MessageBody: aws.String("not an order")}); err != nil {
		return err
	}
	ledger := NewLedger()
	cons := &Consumer{Client: c, QueueURL: src, Handle: (&Service{Ledger: ledger}).Handle,
		WaitTime: time.Second, VisibilityTimeout: time.Second,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cons.Run(ctx) }()
	start := time.Now()
	for ledger.Count() < n || depth(ctx, c, dlq) < 1 {
		if ctx.Err() != nil {
			return fmt.Errorf("not done after a minute: %d of %d orders charged", ledger.Count(), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	<-done
	fmt.Printf("%d orders charged once each in %s (%d duplicate deliveries skipped); 1 bad message in the dead-letter queue\n",
		ledger.Count(), time.Since(start).Round(100*time.Millisecond), ledger.Duplicates())
	return nil
}

// createQueues creates a dead-letter queue and a queue redriving to it after maxReceiveCount
// receives, with the SQS API only, so it works on any endpoint.
func createQueues(ctx context.Context, c sqsmock.API, name string, maxReceiveCount int) (src, dlq string, err error) {
	d, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-dlq")})
	if err != nil {
		return "", "", err
	}
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: d.QueueUrl,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		return "", "", err
	}
	s, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{
		"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, a.Attributes["QueueArn"], maxReceiveCount)}})
	if err != nil {
		return "", "", err
	}
	return aws.ToString(s.QueueUrl), aws.ToString(d.QueueUrl), nil
}

// depth is the queue's ApproximateNumberOfMessages (0 on error).
func depth(ctx context.Context, c sqsmock.API, url string) int {
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(a.Attributes["ApproximateNumberOfMessages"])
	return n
}
