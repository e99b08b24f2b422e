package faultplan_test

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// setup returns a fake SQS, a real client on it with the plan's middleware, and a queue URL.
func setup(t *testing.T, p *faultplan.Plan) (*fakeSQS, *sqs.Client, string) {
	t.Helper()
	f := newFakeSQS()
	t.Cleanup(f.Close)
	mw, err := faultplan.NewMiddleware(p)
	require.NoError(t, err)
	return f, f.client(mw), f.queueURL("orders")
}

func send(t *testing.T, c *sqs.Client, q, body string) (*sqs.SendMessageOutput, error) {
	t.Helper()
	return c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String(body)})
}

func receive(t *testing.T, c *sqs.Client, q string, n int32) []types.Message {
	t.Helper()
	out, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), MaxNumberOfMessages: n,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}})
	require.NoError(t, err)
	return out.Messages
}

func bodies(msgs []types.Message) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, aws.ToString(m.Body))
	}
	return out
}

// TestErrorsThroughTheSDKRetryer shows that injected SQS errors are classified by the SDK's
// standard retryer exactly as the same errors from AWS: throttling and 5xx are retried (3
// attempts), OverLimit and KMS throttling are not.
func TestErrorsThroughTheSDKRetryer(t *testing.T) {
	tests := []struct {
		code     string
		wantCode string
		status   int
		retried  bool
		typed    any
	}{
		{"RequestThrottled", "RequestThrottled", 403, true, &types.RequestThrottled{}},
		{"ThrottlingException", "ThrottlingException", 400, true, &smithy.GenericAPIError{}},
		{"InternalError", "InternalError", 500, true, &smithy.GenericAPIError{}},
		{"ServiceUnavailable", "ServiceUnavailable", 503, true, &smithy.GenericAPIError{}},
		{"OverLimit", "OverLimit", 403, false, &types.OverLimit{}},
		{"KmsThrottled", "KMS.ThrottlingException", 400, false, &types.KmsThrottled{}},
		{"AWS.SimpleQueueService.NonExistentQueue", "AWS.SimpleQueueService.NonExistentQueue", 400, false, &types.QueueDoesNotExist{}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Run("always", func(t *testing.T) {
				p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "e", Kind: faultplan.Error, ErrorCode: tt.code, Operations: []string{"SendMessage"}, Probability: 1})
				f, c, q := setup(t, p)
				_, err := send(t, c, q, "hello")
				require.Error(t, err)

				var api smithy.APIError
				require.ErrorAs(t, err, &api)
				assert.Equal(t, tt.wantCode, api.ErrorCode())
				var unwrapped error = api
				assert.IsType(t, tt.typed, unwrapped)
				var op *smithy.OperationError
				require.ErrorAs(t, err, &op)
				assert.Equal(t, "SendMessage", op.OperationName)
				var resp *awshttp.ResponseError
				require.ErrorAs(t, err, &resp)
				assert.Equal(t, tt.status, resp.HTTPStatusCode())
				assert.NotEmpty(t, resp.ServiceRequestID())

				attempts := 1
				if tt.retried {
					attempts = 3
				}
				assert.Equal(t, attempts, p.Fired("e"), "attempts")
				assert.Zero(t, f.count("SendMessage"), "nothing reached the server")
				var maxErr *retry.MaxAttemptsError
				assert.Equal(t, tt.retried, errors.As(err, &maxErr))
			})
			t.Run("twice", func(t *testing.T) {
				p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "e", Kind: faultplan.Error, ErrorCode: tt.code, Times: 2, Probability: 1})
				f, c, q := setup(t, p)
				_, err := send(t, c, q, "hello")
				if tt.retried {
					require.NoError(t, err, "the third attempt reaches the server")
					assert.Equal(t, 1, f.count("SendMessage"))
					assert.Equal(t, 2, p.Fired("e"))
				} else {
					require.Error(t, err)
					assert.Zero(t, f.count("SendMessage"))
					assert.Equal(t, 1, p.Fired("e"))
				}
			})
		})
	}
}

func TestThrottleBucketThroughTheClient(t *testing.T) {
	clock := newFakeClock()
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "tb", Kind: faultplan.Throttle, Rate: 1, Burst: 1, Operations: []string{"SendMessage"}, Probability: 1})
	p.SetClock(clock)
	f, c, q := setup(t, p)
	_, err := send(t, c, q, "one")
	require.NoError(t, err)
	_, err = send(t, c, q, "two") // three attempts, no tokens
	var throttled *types.RequestThrottled
	require.ErrorAs(t, err, &throttled)
	assert.Equal(t, 3, p.Fired("tb"))
	clock.Advance(time.Second)
	_, err = send(t, c, q, "three")
	require.NoError(t, err)
	assert.Equal(t, []string{"one", "three"}, f.live(q))
}

func TestResetAfterApplyDuplicatesTheSend(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "rst", Kind: faultplan.ResetAfterApply, Operations: []string{"SendMessage"}, Times: 1, Probability: 1})
	f, c, q := setup(t, p)
	out, err := send(t, c, q, "pay 10 EUR")
	require.NoError(t, err, "the SDK retried the reset")
	assert.Equal(t, 2, f.count("SendMessage"))
	assert.Equal(t, []string{"pay 10 EUR", "pay 10 EUR"}, f.live(q), "a real duplicate")
	assert.Equal(t, "m2", aws.ToString(out.MessageId), "the client sees the retry's answer")
	inj := p.Injections()
	require.Len(t, inj, 1)
	assert.Equal(t, string(faultplan.ResetAfterApply), inj[0].Kind)
	assert.Equal(t, "orders", inj[0].Queue)
}

func TestResetErrorsAreConnectionErrors(t *testing.T) {
	tests := []struct {
		rule       faultplan.Rule
		wantServer int
		check      func(t *testing.T, err error)
	}{
		{faultplan.Rule{Kind: faultplan.ResetBeforeApply, Probability: 1}, 0, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, syscall.ECONNRESET)
			assert.ErrorContains(t, err, "connection reset")
		}},
		{faultplan.Rule{Kind: faultplan.ResetAfterApply, Probability: 1}, 3, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, syscall.ECONNRESET)
		}},
		{faultplan.Rule{Kind: faultplan.Timeout, Probability: 1}, 0, func(t *testing.T, err error) {
			var ne net.Error
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Timeout())
		}},
		{faultplan.Rule{Kind: faultplan.Timeout, Applied: true, Probability: 1}, 3, func(t *testing.T, err error) {
			var ne net.Error
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Timeout())
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.rule.Kind)+map[bool]string{true: "-applied"}[tt.rule.Applied], func(t *testing.T) {
			tt.rule.Name = "r"
			p := faultplan.MustPlan(t, 1, tt.rule)
			f, c, q := setup(t, p)
			_, err := send(t, c, q, "x")
			require.Error(t, err)
			var maxErr *retry.MaxAttemptsError
			assert.ErrorAs(t, err, &maxErr, "retried as a connection error")
			assert.Equal(t, 3, p.Fired("r"))
			assert.Equal(t, tt.wantServer, f.count("SendMessage"))
			tt.check(t, err)
		})
	}
}

func TestResetBeforeApplyOnceIsInvisible(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.ResetBeforeApply, Times: 1, Probability: 1})
	f, c, q := setup(t, p)
	_, err := send(t, c, q, "x")
	require.NoError(t, err)
	assert.Equal(t, 1, f.count("SendMessage"))
	assert.Equal(t, []string{"x"}, f.live(q))
}

func TestLatencyUsesTheSleeper(t *testing.T) {
	p := faultplan.MustPlan(t, 1,
		faultplan.Rule{Kind: faultplan.Latency, Latency: 250 * time.Millisecond, Operations: []string{"SendMessage"}, Probability: 1},
		faultplan.Rule{Kind: faultplan.Timeout, Latency: 30 * time.Second, Operations: []string{"DeleteMessage"}, Probability: 1},
	)
	s := &recordingSleeper{}
	p.SetSleeper(s)
	_, c, q := setup(t, p)
	_, err := send(t, c, q, "x")
	require.NoError(t, err)
	_, err = c.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: aws.String("h")})
	require.Error(t, err)
	assert.Equal(t, []time.Duration{250 * time.Millisecond, 30 * time.Second, 30 * time.Second, 30 * time.Second}, s.slept)
}

func TestLatencyHonoursTheContext(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Latency, Latency: time.Hour, Probability: 1})
	p.SetSleeper(faultplan.SleeperFunc(func(ctx context.Context, d time.Duration) error { return context.DeadlineExceeded }))
	f, c, q := setup(t, p)
	_, err := send(t, c, q, "x")
	var canceled *smithy.CanceledError
	require.ErrorAs(t, err, &canceled)
	assert.Zero(t, f.count("SendMessage"))
}

func TestMessagePredicateOnSend(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit", Operations: []string{"SendMessage"},
		Message: &faultplan.MessagePredicate{BodyContains: "poison"}, Probability: 1})
	f, c, q := setup(t, p)
	_, err := send(t, c, q, "fine")
	require.NoError(t, err)
	_, err = send(t, c, q, "poison pill")
	var over *types.OverLimit
	require.ErrorAs(t, err, &over)
	assert.Equal(t, []string{"fine"}, f.live(q))
}

func TestLostDelete(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "lost", Kind: faultplan.LostDelete, Times: 1, Probability: 1})
	f, c, q := setup(t, p)
	_, err := send(t, c, q, "x")
	require.NoError(t, err)
	m := receive(t, c, q, 1)
	require.Len(t, m, 1)
	del := &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: m[0].ReceiptHandle}
	_, err = c.DeleteMessage(context.Background(), del)
	require.NoError(t, err, "reports success")
	assert.Zero(t, f.count("DeleteMessage"), "the server never saw it")
	assert.Equal(t, []string{"x"}, f.live(q))
	_, err = c.DeleteMessage(context.Background(), del)
	require.NoError(t, err)
	assert.Empty(t, f.live(q), "the next delete is applied")
}

func TestLostDeleteInABatch(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.LostDelete, EntryIDs: []string{"b"}, Probability: 1})
	f, c, q := setup(t, p)
	for _, b := range []string{"a", "b", "c"} {
		_, err := send(t, c, q, b)
		require.NoError(t, err)
	}
	msgs := receive(t, c, q, 10)
	require.Len(t, msgs, 3)
	var entries []types.DeleteMessageBatchRequestEntry
	for i, id := range []string{"a", "b", "c"} {
		entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(id), ReceiptHandle: msgs[i].ReceiptHandle})
	}
	out, err := c.DeleteMessageBatch(context.Background(), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(q), Entries: entries})
	require.NoError(t, err)
	var ok []string
	for _, e := range out.Successful {
		ok = append(ok, aws.ToString(e.Id))
	}
	assert.ElementsMatch(t, []string{"a", "b", "c"}, ok)
	assert.Empty(t, out.Failed)
	assert.Equal(t, []string{"b"}, f.live(q))
	assert.Len(t, f.last("DeleteMessageBatch")["Entries"], 2)
}

func TestPartialBatchFailure(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.PartialBatchFailure, EntryIDs: []string{"b"}, ErrorCode: "InternalError", Probability: 1})
	f, c, q := setup(t, p)
	out, err := c.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(q), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("A")},
		{Id: aws.String("b"), MessageBody: aws.String("B")},
		{Id: aws.String("c"), MessageBody: aws.String("C")},
	}})
	require.NoError(t, err, "checksums of the sent entries still validate")
	require.Len(t, out.Successful, 2)
	require.Len(t, out.Failed, 1)
	assert.Equal(t, types.BatchResultErrorEntry{Id: aws.String("b"), Code: aws.String("InternalError"),
		Message: aws.String("We encountered an internal error. Please try again."), SenderFault: false}, out.Failed[0])
	assert.Equal(t, []string{"A", "C"}, f.live(q), "the failed entry was not sent")

	// Every entry failing sends nothing.
	require.NoError(t, p.SetRules(faultplan.Rule{Kind: faultplan.PartialBatchFailure, ErrorCode: "AWS.SimpleQueueService.NonExistentQueue", Probability: 1}))
	out, err = c.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(q), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("d"), MessageBody: aws.String("D")},
	}})
	require.NoError(t, err)
	assert.Empty(t, out.Successful)
	require.Len(t, out.Failed, 1)
	assert.True(t, out.Failed[0].SenderFault)
	assert.Equal(t, 1, f.count("SendMessageBatch"))

	// ChangeMessageVisibilityBatch entries fail the same way.
	cv, err := c.ChangeMessageVisibilityBatch(context.Background(), &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(q),
		Entries: []types.ChangeMessageVisibilityBatchRequestEntry{{Id: aws.String("x"), ReceiptHandle: aws.String("h")}}})
	require.NoError(t, err)
	require.Len(t, cv.Failed, 1)
	assert.Zero(t, f.count("ChangeMessageVisibilityBatch"))
}

func TestFalseEmpty(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.FalseEmpty, Times: 2, Probability: 1})
	f, c, q := setup(t, p)
	_, err := send(t, c, q, "x")
	require.NoError(t, err)
	assert.Empty(t, receive(t, c, q, 10))
	assert.Empty(t, receive(t, c, q, 10))
	assert.Zero(t, f.count("ReceiveMessage"))
	assert.Equal(t, []string{"x"}, bodies(receive(t, c, q, 10)))
}

func TestDuplicateDelivery(t *testing.T) {
	clock := newFakeClock()
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.DuplicateDelivery, Delay: 10 * time.Second, Times: 1, Probability: 1})
	p.SetClock(clock)
	_, c, q := setup(t, p)
	_, err := send(t, c, q, "x")
	require.NoError(t, err)
	first := receive(t, c, q, 10)
	require.Len(t, first, 1)
	assert.Empty(t, receive(t, c, q, 10), "not yet")
	clock.Advance(10 * time.Second)
	again := receive(t, c, q, 10)
	require.Len(t, again, 1)
	assert.Equal(t, first[0].MessageId, again[0].MessageId)
	assert.Equal(t, "1", first[0].Attributes["ApproximateReceiveCount"])
	assert.Equal(t, "2", again[0].Attributes["ApproximateReceiveCount"])
	assert.Empty(t, receive(t, c, q, 10))
}

func TestDelayedVisibility(t *testing.T) {
	t.Run("send adds DelaySeconds", func(t *testing.T) {
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.DelayedVisibility, Delay: 1500 * time.Millisecond, Probability: 1})
		f, c, q := setup(t, p)
		_, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x"), DelaySeconds: 3})
		require.NoError(t, err)
		assert.Equal(t, float64(5), f.last("SendMessage")["DelaySeconds"])
		_, err = c.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(q), Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("a"), MessageBody: aws.String("A"), DelaySeconds: 899},
		}})
		require.NoError(t, err)
		entries := f.last("SendMessageBatch")["Entries"].([]any)
		assert.Equal(t, float64(900), entries[0].(map[string]any)["DelaySeconds"], "capped at SQS's maximum")
	})
	t.Run("receive holds the message back", func(t *testing.T) {
		clock := newFakeClock()
		p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.DelayedVisibility, Operations: []string{"ReceiveMessage"}, Delay: 5 * time.Second,
			Message: &faultplan.MessagePredicate{BodyContains: "late"}, Probability: 1})
		p.SetClock(clock)
		_, c, q := setup(t, p)
		for _, b := range []string{"early", "late"} {
			_, err := send(t, c, q, b)
			require.NoError(t, err)
		}
		assert.Equal(t, []string{"early"}, bodies(receive(t, c, q, 10)))
		clock.Advance(5 * time.Second)
		assert.Equal(t, []string{"late"}, bodies(receive(t, c, q, 10)))
	})
}

func TestReorder(t *testing.T) {
	order := func(seed uint64) []string {
		p := faultplan.MustPlan(t, seed, faultplan.Rule{Kind: faultplan.Reorder, Probability: 1})
		_, c, q := setup(t, p)
		for _, b := range []string{"1", "2", "3", "4", "5", "6", "7", "8"} {
			_, err := send(t, c, q, b)
			require.NoError(t, err)
		}
		return bodies(receive(t, c, q, 10))
	}
	a := order(5)
	assert.ElementsMatch(t, []string{"1", "2", "3", "4", "5", "6", "7", "8"}, a)
	assert.Equal(t, a, order(5))
	assert.NotEqual(t, []string{"1", "2", "3", "4", "5", "6", "7", "8"}, a)
}

func TestNoDuplicatesOrReorderOnFifoQueues(t *testing.T) {
	// A FIFO queue delivers exactly once and in order within a group: the plan does not inject
	// what SQS cannot produce there.
	clock := newFakeClock()
	p := faultplan.MustPlan(t, 5, faultplan.Rule{Kind: faultplan.Reorder, Probability: 1}, faultplan.Rule{Kind: faultplan.DuplicateDelivery, Delay: time.Second, Probability: 1})
	p.SetClock(clock)
	f, c, _ := setup(t, p)
	q := f.queueURL("orders.fifo")
	want := []string{"1", "2", "3", "4", "5", "6", "7", "8"}
	for _, b := range want {
		_, err := send(t, c, q, b)
		require.NoError(t, err)
	}
	assert.Equal(t, want, bodies(receive(t, c, q, 10)), "in order")
	clock.Advance(time.Minute)
	assert.Empty(t, receive(t, c, q, 10), "no duplicates")
	assert.Empty(t, p.Injections(), "neither rule fires on a FIFO queue")

	// The same plan on a standard queue does both.
	std := f.queueURL("orders")
	for _, b := range want {
		_, err := send(t, c, std, b)
		require.NoError(t, err)
	}
	got := bodies(receive(t, c, std, 10))
	assert.ElementsMatch(t, want, got)
	assert.NotEqual(t, want, got)
	clock.Advance(time.Minute)
	assert.Len(t, receive(t, c, std, 10), len(want), "each message is delivered again")
}

func TestMiddlewareRejectsWhatTheClientCannotHonour(t *testing.T) {
	rule := faultplan.Rule{Kind: faultplan.DelayedVisibility, Operations: []string{"ChangeMessageVisibility"}, Delay: time.Second, Probability: 1}
	p := faultplan.MustPlan(t, 1, rule)
	_, err := faultplan.NewMiddleware(p)
	assert.ErrorContains(t, err, "client placement")

	// Middleware fails every call with the same error rather than ignoring the rule.
	f := newFakeSQS()
	defer f.Close()
	c := f.client(faultplan.Middleware(p))
	_, err = send(t, c, f.queueURL("q"), "x")
	assert.ErrorContains(t, err, "client placement")
	assert.Zero(t, f.count("SendMessage"))

	// Once attached, the plan refuses such rules.
	p2 := faultplan.MustPlan(t, 1)
	_, err = faultplan.NewMiddleware(p2)
	require.NoError(t, err)
	assert.ErrorContains(t, p2.Add(rule), "client placement")
	assert.ErrorContains(t, p2.SetRules(faultplan.Rule{Kind: faultplan.LostDelete, Message: &faultplan.MessagePredicate{BodyContains: "x"}, Probability: 1}), "message predicate")
	assert.NoError(t, p2.Add(faultplan.Rule{Kind: faultplan.DelayedVisibility, Operations: []string{"SendMessage"}, Delay: time.Second, Probability: 1}))

	_, err = faultplan.NewMiddleware(nil)
	assert.Error(t, err)
}

func TestWithPlan(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Name: "e", Kind: faultplan.Error, ErrorCode: "OverLimit", Probability: 1})
	f := newFakeSQS()
	defer f.Close()
	c := sqs.New(f.client().Options(), faultplan.WithPlan(p))
	_, err := send(t, c, f.queueURL("q"), "x")
	var over *types.OverLimit
	require.ErrorAs(t, err, &over)
	assert.Equal(t, 1, p.Fired("e"))
}

func TestPausedPlanPassesThrough(t *testing.T) {
	p := faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Error, ErrorCode: "InternalError", Probability: 1})
	p.Pause()
	f, c, q := setup(t, p)
	_, err := send(t, c, q, "x")
	require.NoError(t, err)
	assert.Equal(t, 1, f.count("SendMessage"))
	assert.Empty(t, p.Injections())
}
