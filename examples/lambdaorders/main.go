// Command lambdaorders runs a Lambda SQS function, Service.Handle, against an in-process
// sqsmock the way Lambda's SQS event source mapping runs it (package lambdaesm): it sends a few
// orders and one body that is not an order, lets the mapping work until the orders are charged
// and the bad body is in the dead-letter queue, and prints what happened. Its tests
// (orders_test.go) are the point: a partial-batch-failure bug that a unit test of the handler
// misses, caught on the mock in milliseconds and on LocalStack and ElasticMQ in real time.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/lambdaesm"
	"github.com/sqsharness/sqsharness/sqsmock"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lambdaorders:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "orders", Attributes: map[string]string{"VisibilityTimeout": "1"},
			DeadLetterQueue: "orders-dlq", MaxReceiveCount: 2}}
	})
	c := m.Client()
	url := m.QueueURL("orders")
	for i := range 5 {
		body := Order{ID: fmt.Sprintf("o-%d", i), Amount: 100 + i}.Body()
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}); err != nil {
			return err
		}
	}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("not an order")}); err != nil {
		return err
	}
	svc := &Service{Ledger: NewLedger()}
	esm, err := lambdaesm.New(ctx, c, lambdaesm.Config{QueueURL: url, ReportBatchItemFailures: true, FunctionTimeoutSeconds: 1}, svc.Handle)
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- esm.Run(runCtx) }()
	for ctx.Err() == nil {
		if q, _ := m.Queue("orders-dlq"); q.Ready == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	<-done
	rep := esm.Report()
	fmt.Printf("invocations %d, batch sizes %v, deleted %d, most at once %d\n", len(rep.Invocations), batchSizes(rep), len(rep.Deleted), rep.MaxConcurrent)
	for i := range 5 {
		fmt.Printf("o-%d charged %d time(s)\n", i, svc.Ledger.Charges(fmt.Sprintf("o-%d", i)))
	}
	fmt.Println(`"not an order" is in the dead-letter queue`)
	return nil
}

// batchSizes is the number of records in each invocation of rep, in order.
func batchSizes(rep lambdaesm.Report) []int {
	out := make([]int, len(rep.Invocations))
	for i, inv := range rep.Invocations {
		out[i] = len(inv.MessageIDs)
	}
	return out
}
