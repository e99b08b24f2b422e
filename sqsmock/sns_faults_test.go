package sqsmock_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// faultyFanout is newFanout with a fault plan of the rules (seed 1).
func faultyFanout(t *testing.T, rules ...faults.Rule) (*fanout, *faults.Plan, *sqsmock.ManualClock) {
	t.Helper()
	p := mustPlan(t, 1, rules...)
	clk := sqsmock.NewManualClock(epoch)
	m := sqsmock.New(func(o *sqsmock.Options) { o.Clock = clk; o.TraceSize = 1000; o.Faults = p })
	return &fanout{t: t, m: m, sqs: m.Client(), sns: m.SNS(), ctx: t.Context()}, p, clk
}

// orders is a standard topic "orders" subscribed by the queues "billing" (envelope) and
// "shipping" (raw); it returns the topic's ARN and the queues' URLs.
func (f *fanout) orders() (topic, billing, shipping string) {
	f.t.Helper()
	topic = f.topic("orders", nil)
	billing, billingARN := f.queue("billing", topic)
	shipping, shippingARN := f.queue("shipping", topic)
	f.subscribe(topic, billingARN, nil)
	f.subscribe(topic, shippingARN, map[string]string{"RawMessageDelivery": "true"})
	return topic, billing, shipping
}

func (f *fanout) publish(topic, msg string) (*sns.PublishOutput, error) {
	return f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(msg)})
}

// snsMessageID is the SNS MessageId of an envelope.
func snsMessageID(t *testing.T, body string) string {
	t.Helper()
	var env struct{ MessageId string }
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	return env.MessageId
}

// A rule names SNS's operations to apply to them; its error is SNS's own, typed as *sns.Client
// decodes it, and the in-process SNS client retries it as *sns.Client does: a server error once
// is invisible, three times (the SDK's attempts) fails the publish, which delivers nothing.
func TestSNSFaultErrorsAndRetries(t *testing.T) {
	f, plan, _ := faultyFanout(t, faults.Error("InternalError").On("Publish").Times(1).Named("once"))
	topic, billing, _ := f.orders()
	_, err := f.publish(topic, "first")
	require.NoError(t, err, "the SDK retries a 500")
	assert.Len(t, f.take(billing), 1, "delivered once: the failed attempt applied nothing")
	require.Len(t, plan.Injections(), 1)
	assert.Equal(t, faults.Injection{Rule: "once", Kind: "error", Operation: "Publish", Queue: "orders", Detail: "InternalError", Time: epoch},
		plan.Injections()[0])

	require.NoError(t, plan.Add(faults.Error("InternalError").On("Publish").Times(3).Named("thrice")))
	_, err = f.publish(topic, "second")
	var internal *snstypes.InternalErrorException
	require.True(t, errors.As(err, &internal), "%T %v", err, err)
	var op *smithy.OperationError
	require.True(t, errors.As(err, &op))
	assert.Equal(t, "SNS", op.ServiceID)
	assert.Equal(t, "Publish", op.OperationName)
	var max *retry.MaxAttemptsError
	require.True(t, errors.As(err, &max))
	assert.Equal(t, 3, max.Attempt)
	assert.Empty(t, f.receive(billing))

	_, err = f.publish(topic, "third")
	require.NoError(t, err, "the rule fired its three times")
}

// Throttle on an SNS operation fails with what SNS answers when a rate is exceeded: Throttling,
// "Rate exceeded", HTTP 400, which the SDK does not model but retries as a throttle.
func TestSNSFaultThrottle(t *testing.T) {
	f, plan, _ := faultyFanout(t, faults.Throttle(1, 1).On("Publish"))
	topic, billing, _ := f.orders()
	_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("a")})
	require.NoError(t, err)
	_, err = f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("b")}, func(o *sns.Options) { o.RetryMaxAttempts = 1 })
	snsErr(t, err, "Throttling", "Rate exceeded", 400)
	var generic *smithy.GenericAPIError
	assert.True(t, errors.As(err, &generic))
	assert.Len(t, f.receive(billing), 1)
	assert.Len(t, plan.Injections(), 1)

	_, err = f.sns.ListTopics(f.ctx, &sns.ListTopicsInput{})
	require.NoError(t, err, "the rule names Publish only")
}

// A rule that names no operation is SQS's: an SNS call never meets it, and SQS and SNS error
// codes are checked against the service each operation belongs to.
func TestSNSFaultRulesNameTheirOperations(t *testing.T) {
	f, plan, _ := faultyFanout(t)
	topic, billing, _ := f.orders()
	require.NoError(t, plan.Add(faults.Error("InternalError")))
	_, err := f.publish(topic, "m")
	require.NoError(t, err, "SNS is not implied")
	_, err = f.sqs.ReceiveMessage(f.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(billing)}, func(o *sqs.Options) { o.RetryMaxAttempts = 1 })
	require.Error(t, err, "SQS is")

	_, err = faults.NewPlan(1, faults.Error("RequestThrottled").On("Publish"))
	assert.ErrorContains(t, err, `unknown SNS error code "RequestThrottled" for Publish`)
	_, err = faults.NewPlan(1, faults.Error("Throttled").On("SendMessage"))
	assert.ErrorContains(t, err, `unknown error code "Throttled"`)
	_, err = faults.NewPlan(1, faults.LostDelete().On("Publish"))
	assert.ErrorContains(t, err, "cannot apply to Publish")
	_, err = faults.NewPlan(1, faults.Error("Throttled").On("Publish", "PublishBatch"), faults.PartialBatchFailure().On("PublishBatch"),
		faults.DuplicateDelivery(0).On("Publish"), faults.DelayedVisibility(time.Second).On("PublishBatch"))
	assert.NoError(t, err)

	p := mustPlan(t, 1, faults.DuplicateDelivery(0).On("Publish"))
	c := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:1")}, faults.WithSNSPlan(p))
	_, err = c.ListTopics(f.ctx, &sns.ListTopicsInput{})
	assert.ErrorContains(t, err, "SNS delivers into queues inside SNS, out of a client's reach", "a client cannot duplicate SNS's deliveries")
}

// faults.WithSNSPlan puts the rules on SNS's operations on any *sns.Client (here one talking to
// the mock's server, which has no plan of its own): an injected error is decoded from SNS's XML
// and retried by the SDK as SNS's own, a reset after apply publishes twice, and a PublishBatch
// entry fails before it is sent.
func TestSNSClientPlacement(t *testing.T) {
	srv := sqsmock.NewServer(t)
	plan := mustPlan(t, 1,
		faults.Error("Throttled").On("CreateTopic").Times(1).Named("throttled"),
		faults.Error("InternalError").On("ListTopics").Times(2).Named("internal"),
		faults.ResetAfterApply().On("Publish").Times(1).Named("reset"),
		faults.PartialBatchFailure().On("PublishBatch").With(faults.Details{EntryIDs: []string{"b"}}).Named("entry"))
	c := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}}, faults.WithSNSPlan(plan))
	ctx := t.Context()
	_, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders")})
	snsErr(t, err, "Throttled", "Rate exceeded", 429)
	var throttled *snstypes.ThrottledException
	require.True(t, errors.As(err, &throttled), "%T", err)
	var max *retry.MaxAttemptsError
	require.False(t, errors.As(err, &max), "the SDK does not retry SNS's Throttled (429): %v", err)
	out, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders")})
	require.NoError(t, err)
	topic := aws.ToString(out.TopicArn)
	_, err = c.ListTopics(ctx, &sns.ListTopicsInput{})
	require.NoError(t, err, "two 500s, then the SDK's third attempt")

	m := srv.Mock()
	q, err := m.Client().CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("billing")})
	require.NoError(t, err)
	arn := "arn:aws:sqs:us-east-1:000000000000:billing"
	_, err = m.Client().SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"Policy": snsPolicy(arn, topic)}})
	require.NoError(t, err)
	_, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(arn),
		Attributes: map[string]string{"RawMessageDelivery": "true"}})
	require.NoError(t, err)
	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("pay once")})
	require.NoError(t, err)
	res, err := c.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("a")}, {Id: aws.String("b"), Message: aws.String("b")}}})
	require.NoError(t, err)
	require.Len(t, res.Successful, 1)
	assert.Equal(t, []snstypes.BatchResultErrorEntry{{Id: aws.String("b"), Code: aws.String("InternalError"), Message: aws.String("Internal Error")}}, res.Failed)
	var bodies []string
	for _, msg := range m.Messages(aws.ToString(q.QueueUrl)) {
		bodies = append(bodies, msg.Body)
	}
	assert.ElementsMatch(t, []string{"pay once", "pay once", "a"}, bodies, "the publish applied twice; entry b never sent")
	kinds := map[string]int{}
	for _, in := range plan.Injections() {
		kinds[in.Rule]++
	}
	assert.Equal(t, map[string]int{"throttled": 1, "internal": 2, "reset": 1, "entry": 1}, kinds)
}

// A delivery duplicated: the queue gets the same SNS message twice (one MessageId in both
// envelopes), as SNS's at-least-once delivery allows, the copy DuplicateAfter later. A FIFO
// topic delivers exactly once: the rule never fires on it.
func TestSNSFaultDuplicateDelivery(t *testing.T) {
	f, plan, clk := faultyFanout(t, faults.DuplicateDelivery(time.Minute).On("Publish").OnQueue("billing"))
	topic, billing, shipping := f.orders()
	out, err := f.publish(topic, "order 1")
	require.NoError(t, err)
	first := f.take(billing)
	require.Len(t, first, 1)
	assert.Equal(t, aws.ToString(out.MessageId), snsMessageID(t, aws.ToString(first[0].Body)))
	assert.Len(t, f.take(shipping), 1, "the rule is on billing only")
	assert.Empty(t, f.receive(billing), "the copy comes a minute later")
	clk.Advance(time.Minute)
	again := f.take(billing)
	require.Len(t, again, 1)
	assert.Equal(t, aws.ToString(out.MessageId), snsMessageID(t, aws.ToString(again[0].Body)))
	assert.NotEqual(t, aws.ToString(first[0].MessageId), aws.ToString(again[0].MessageId), "two SQS messages, one SNS message")
	inj := plan.Injections()
	require.Len(t, inj, 1)
	assert.Equal(t, "billing", inj[0].Queue)
	assert.Equal(t, aws.ToString(out.MessageId), inj[0].MessageID)

	fifo := f.topic("orders.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	_, qARN := f.queue("billing", "")
	_, err = f.sqs.SetQueueAttributes(f.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(billing), Attributes: map[string]string{"Policy": snsPolicy(qARN, fifo)}})
	require.NoError(t, err)
	f.subscribe(fifo, qARN, nil)
	_, err = f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(fifo), Message: aws.String("once"), MessageGroupId: aws.String("g")})
	require.NoError(t, err)
	clk.Advance(time.Hour)
	assert.Len(t, f.take(billing), 1, "a FIFO topic's delivery is never duplicated")
	assert.Len(t, plan.Injections(), 1)
}

// A delivery delayed: the message reaches the queue the rule names late, the others at once; a
// message predicate picks the publishes by their message and attributes, as published.
func TestSNSFaultDelayedDelivery(t *testing.T) {
	f, plan, clk := faultyFanout(t, faults.DelayedVisibility(30*time.Second).On("Publish").OnQueue("shipping").
		With(faults.Details{Attributes: map[string]string{"priority": "low"}}))
	topic, billing, shipping := f.orders()
	for _, prio := range []string{"low", "high"} {
		_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(prio),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"priority": {DataType: aws.String("String"), StringValue: aws.String(prio)}}})
		require.NoError(t, err)
	}
	assert.Len(t, f.take(billing), 2)
	now := f.take(shipping)
	require.Len(t, now, 1)
	assert.Equal(t, "high", aws.ToString(now[0].Body))
	clk.Advance(29 * time.Second)
	assert.Empty(t, f.receive(shipping))
	clk.Advance(time.Second)
	late := f.take(shipping)
	require.Len(t, late, 1)
	assert.Equal(t, "low", aws.ToString(late[0].Body))
	require.Len(t, plan.Injections(), 1)
	assert.Equal(t, "+30s", plan.Injections()[0].Detail)

	var faulted bool
	for _, ev := range f.m.Trace() {
		if ev.Kind == "fault" && ev.Queue == "shipping" && ev.Fault == "delayed-visibility" {
			faulted = true
		}
	}
	assert.True(t, faulted, "the trace records the delayed delivery on its queue")
}

// A partial batch failure on PublishBatch fails the entries it picks with SNS's code: they are
// in Failed, not published, and leave no state (no message, no sequence number).
func TestSNSFaultPartialBatchFailure(t *testing.T) {
	f, plan, _ := faultyFanout(t, faults.PartialBatchFailure().On("PublishBatch").With(faults.Details{EntryIDs: []string{"2"}}))
	topic, billing, _ := f.orders()
	out, err := f.sns.PublishBatch(f.ctx, &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
		{Id: aws.String("1"), Message: aws.String("one")}, {Id: aws.String("2"), Message: aws.String("two")}, {Id: aws.String("3"), Message: aws.String("three")},
	}})
	require.NoError(t, err)
	require.Len(t, out.Successful, 2)
	require.Len(t, out.Failed, 1)
	assert.Equal(t, snstypes.BatchResultErrorEntry{Id: aws.String("2"), Code: aws.String("InternalError"), Message: aws.String("Internal Error"), SenderFault: false},
		out.Failed[0])
	got := f.take(billing)
	assert.Len(t, got, 2)
	assert.Len(t, plan.Injections(), 1)

	fifo := f.topic("jobs.fifo", nil)
	require.NoError(t, plan.Add(faults.PartialBatchFailure().On("PublishBatch").OnQueue("jobs.fifo").With(faults.Details{EntryIDs: []string{"a"}, ErrorCode: "KMSThrottling"})))
	res, err := f.sns.PublishBatch(f.ctx, &sns.PublishBatchInput{TopicArn: aws.String(fifo), PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("a"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("a")},
		{Id: aws.String("b"), Message: aws.String("b"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("b")},
	}})
	require.NoError(t, err)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, "KMSThrottling", aws.ToString(res.Failed[0].Code))
	assert.True(t, res.Failed[0].SenderFault)
	plan.Pause()
	retried, err := f.sns.PublishBatch(f.ctx, &sns.PublishBatchInput{TopicArn: aws.String(fifo), PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("a"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("a")},
	}})
	require.NoError(t, err)
	require.Len(t, retried.Successful, 1, "the failed entry left no deduplication id behind")
	assert.Greater(t, aws.ToString(retried.Successful[0].SequenceNumber), aws.ToString(res.Successful[0].SequenceNumber))
}

// A connection reset after the publish was applied: the in-process client retries, as the SDK
// does, and a standard topic delivers the message twice (two SNS messages) — the duplicate a
// producer without idempotency makes. A FIFO topic's deduplication id makes the retry harmless.
func TestSNSFaultResetAfterApply(t *testing.T) {
	f, plan, _ := faultyFanout(t, faults.ResetAfterApply().On("Publish").Times(1))
	topic, billing, _ := f.orders()
	_, err := f.publish(topic, "pay once")
	require.NoError(t, err)
	got := f.take(billing)
	require.Len(t, got, 2, "the retried publish was applied twice")
	assert.NotEqual(t, snsMessageID(t, aws.ToString(got[0].Body)), snsMessageID(t, aws.ToString(got[1].Body)))

	fifo := f.topic("pay.fifo", nil)
	q, qARN := f.queue("pay.fifo", fifo)
	f.subscribe(fifo, qARN, nil)
	require.NoError(t, plan.Add(faults.ResetAfterApply().On("Publish").Times(1).Named("fifo-reset")))
	_, err = f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(fifo), Message: aws.String("pay once"), MessageGroupId: aws.String("g"),
		MessageDeduplicationId: aws.String("payment-1")})
	require.NoError(t, err)
	assert.Len(t, f.take(q), 1, "deduplicated by the topic")
}

// Over HTTP the same rules apply: an injected error is the typed error *sns.Client decodes from
// SNS's XML, and a reset drops the connection, which the SDK retries.
func TestSNSFaultsOverHTTP(t *testing.T) {
	p := mustPlan(t, 1, faults.Error("Throttled").On("CreateTopic").Times(3), faults.ResetBeforeApply().On("ListTopics").Times(1))
	srv := sqsmock.NewServer(t, func(o *sqsmock.ServerOptions) {
		o.Mock = append(o.Mock, func(mo *sqsmock.Options) { mo.Faults = p })
	})
	c := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: http.DefaultClient,
		Credentials: aws.AnonymousCredentials{}})
	_, err := c.CreateTopic(t.Context(), &sns.CreateTopicInput{Name: aws.String("t")}, func(o *sns.Options) { o.RetryMaxAttempts = 1 })
	var throttled *snstypes.ThrottledException
	require.True(t, errors.As(err, &throttled), "%T %v", err, err)
	snsErr(t, err, "Throttled", "Rate exceeded", 429)

	_, err = c.ListTopics(t.Context(), &sns.ListTopicsInput{})
	require.NoError(t, err, "the SDK retries a reset connection")
	assert.Len(t, p.Injections(), 2)
}
