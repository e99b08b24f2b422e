package lambdaesm_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/sqsharness/sqsharness/lambdaesm"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// A handler run as Lambda's event source mapping runs it, on an in-process mock: records it
// reports by message ID come back after the visibility timeout; the others are deleted.
func Example() {
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs", Attributes: map[string]string{"VisibilityTimeout": "1"}}}
	})
	c := m.Client()
	url := m.QueueURL("jobs")
	for _, body := range []string{"ok", "retry-once"} {
		_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	}
	var retried atomic.Bool
	handler := func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			if r.Body == "retry-once" && retried.CompareAndSwap(false, true) {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			}
		}
		return resp, nil
	}
	esm, err := lambdaesm.New(ctx, c, lambdaesm.Config{QueueURL: url, BatchSize: 2,
		ReportBatchItemFailures: true, MaximumConcurrency: 2, FunctionTimeoutSeconds: 1}, handler)
	if err != nil {
		fmt.Println(err)
		return
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- esm.Run(runCtx) }()
	for len(esm.Report().Deleted) < 2 {
		time.Sleep(10 * time.Millisecond) // real time here; in a synctest bubble, none
	}
	stop()
	<-done
	rep := esm.Report()
	fmt.Println("batch sizes:", batchSizes(rep))
	fmt.Println("deleted:", len(rep.Deleted))
	// Output:
	// batch sizes: [2 1]
	// deleted: 2
}

// A mapping with filter criteria: the function sees only the orders; the other messages are
// deleted without an invocation, as Lambda deletes the messages no filter matches.
func Example_filterPatterns() {
	ctx := context.Background()
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "events", Attributes: map[string]string{"VisibilityTimeout": "5"}}}
	})
	c := m.Client()
	url := m.QueueURL("events")
	for _, body := range []string{`{"type": "order", "amount": 120}`, `{"type": "order", "amount": 5}`, `{"type": "refund"}`, "not JSON"} {
		_, _ = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	}
	handler := func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		for _, r := range ev.Records {
			fmt.Println("invoked with", r.Body)
		}
		return events.SQSEventResponse{}, nil
	}
	esm, err := lambdaesm.New(ctx, c, lambdaesm.Config{QueueURL: url, FilterPatterns: []string{
		`{"body": {"type": ["order"], "amount": [{"numeric": [">=", 100]}]}}`,
	}}, handler)
	if err != nil {
		fmt.Println(err)
		return
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- esm.Run(runCtx) }()
	for rep := esm.Report(); len(rep.Deleted)+len(rep.Filtered) < 4; rep = esm.Report() {
		time.Sleep(10 * time.Millisecond) // real time here; in a synctest bubble, none
	}
	stop()
	<-done
	fmt.Println("filtered out:", len(esm.Report().Filtered))

	_, err = lambdaesm.New(ctx, c, lambdaesm.Config{QueueURL: url, FilterPatterns: []string{`{"type": "order"}`}}, handler)
	var ae smithy.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.ErrorCode()+":", ae.ErrorMessage())
	}
	// Output:
	// invoked with {"type": "order", "amount": 120}
	// filtered out: 3
	// InvalidParameterValueException: Invalid filter pattern definition.
}

// batchSizes is the number of records in each invocation of rep, in order.
func batchSizes(rep lambdaesm.Report) []int {
	out := make([]int, len(rep.Invocations))
	for i, inv := range rep.Invocations {
		out[i] = len(inv.MessageIDs)
	}
	return out
}
