package sqsmock

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sqsharness/sqsharness/internal/exempt"
	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/internal/msgattr"
	"github.com/sqsharness/sqsharness/internal/snserr"
	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/iampolicy"
	snssvc "github.com/sqsharness/sqsharness/sqsmock/internal/sns"
	"github.com/sqsharness/sqsharness/sqsmock/internal/snswire"
	"github.com/sqsharness/sqsharness/sqsmock/internal/trace"
)

// SNSAPI is the part of aws-sdk-go-v2's *sns.Client the mock's SNS serves: topics, sqs
// subscriptions and publishing (*sns.Client satisfies it). Mock.SNS returns one.
type SNSAPI interface {
	CreateTopic(ctx context.Context, in *sns.CreateTopicInput, optFns ...func(*sns.Options)) (*sns.CreateTopicOutput, error)
	DeleteTopic(ctx context.Context, in *sns.DeleteTopicInput, optFns ...func(*sns.Options)) (*sns.DeleteTopicOutput, error)
	GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error)
	ListTopics(ctx context.Context, in *sns.ListTopicsInput, optFns ...func(*sns.Options)) (*sns.ListTopicsOutput, error)
	Subscribe(ctx context.Context, in *sns.SubscribeInput, optFns ...func(*sns.Options)) (*sns.SubscribeOutput, error)
	Unsubscribe(ctx context.Context, in *sns.UnsubscribeInput, optFns ...func(*sns.Options)) (*sns.UnsubscribeOutput, error)
	GetSubscriptionAttributes(ctx context.Context, in *sns.GetSubscriptionAttributesInput, optFns ...func(*sns.Options)) (*sns.GetSubscriptionAttributesOutput, error)
	SetSubscriptionAttributes(ctx context.Context, in *sns.SetSubscriptionAttributesInput, optFns ...func(*sns.Options)) (*sns.SetSubscriptionAttributesOutput, error)
	ListSubscriptions(ctx context.Context, in *sns.ListSubscriptionsInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
	PublishBatch(ctx context.Context, in *sns.PublishBatchInput, optFns ...func(*sns.Options)) (*sns.PublishBatchOutput, error)
	TagResource(ctx context.Context, in *sns.TagResourceInput, optFns ...func(*sns.Options)) (*sns.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *sns.UntagResourceInput, optFns ...func(*sns.Options)) (*sns.UntagResourceOutput, error)
	ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, optFns ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error)
}

var _ SNSAPI = (*sns.Client)(nil)

// SNSAPI and the HTTP door's snswire.API are one method set; the compiler keeps them in step.
var (
	_ snswire.API = SNSAPI(nil)
	_ SNSAPI      = snswire.API(nil)
)

// SNS returns an in-process SNS client of the mock, in its account and region (an optFns
// Region picks another): topics deliver into the mock's queues, as far as their policies allow.
// Like *sns.Client it retries what the SDK retries, waiting on the mock's clock.
func (m *Mock) SNS() SNSAPI {
	o := sns.New(sns.Options{Region: m.home.region}).Options()
	c := &snsClient{m: m, options: o, loop: retrier{retryer: asRetryerV2(o.Retryer), clock: m.cfg.clock}}
	if _, standard := o.Retryer.(*retry.Standard); standard {
		c.loop.drawn = &c.drawn
	}
	return c
}

// snsClient is the in-process SNS client.
type snsClient struct {
	m       *Mock
	options sns.Options // as sns.New resolves them
	loop    retrier
	drawn   atomic.Bool // see retrier.drawn
}

// snsCall runs one SNS operation as the SDK's client reports it: attempts as its retry loop
// makes them, each facing the fault plan; an error is the API error inside a response error
// inside a *smithy.OperationError.
func snsCall[I, O any](ctx context.Context, c *snsClient, op string, in *I, optFns []func(*sns.Options), call func(*snssvc.Service, context.Context, snssvc.Caller, *I) (*O, error)) (*O, error) {
	c.m.checkBubble()
	if in == nil {
		in = new(I)
	}
	who := snssvc.Caller{Account: c.m.home.account, Region: c.m.home.region}
	r := c.loop
	if len(optFns) > 0 {
		o := c.options.Copy()
		for _, fn := range optFns {
			fn(&o)
		}
		if o.Region != "" {
			who.Region = o.Region
		}
		r = r.perCall(o.Retryer, c.options.Retryer, o.RetryMaxAttempts, c.options.RetryMaxAttempts, &c.drawn)
	}
	if err := ctx.Err(); err != nil {
		return nil, &smithy.OperationError{ServiceID: sns.ServiceID, OperationName: op, Err: err}
	}
	var out *O
	err := r.do(ctx, func() error {
		o, outcome, err := applySNS(ctx, c.m, who, op, in, call)
		switch {
		case outcome.transport != "":
			return &smithyhttp.RequestSendError{Err: transportError(outcome.transport, "https://sns."+who.Region+".amazonaws.com/")}
		case err != nil:
			var se *snssvc.Error
			if errors.As(err, &se) {
				return snsResponseError(err)
			}
			return responseError(err) // a context's error, as the SDK reports a call cut short
		}
		out = o
		return nil
	})
	if err != nil {
		return nil, &smithy.OperationError{ServiceID: sns.ServiceID, OperationName: op, Err: err}
	}
	return out, nil
}

// applySNS runs one SNS operation under the fault plan's call-level decision (rules naming SNS
// operations; the topic stands where a queue does): a latency waits on the mock's clock, an
// error answers with SNS's typed error, a transport fault applies the operation or not.
func applySNS[I, O any](ctx context.Context, m *Mock, who snssvc.Caller, op string, in *I, call func(*snssvc.Service, context.Context, snssvc.Caller, *I) (*O, error)) (*O, outcome, error) {
	o := m.decideSNS(ctx, op, in)
	if o.err != nil {
		return nil, o, snsFault(o.err)
	}
	var out *O
	var err error
	if o.transport == "" || o.applied {
		out, err = call(m.snsService(), o.ctx, who, in)
	}
	if o.transport != "" {
		return nil, o, nil
	}
	return out, o, err
}

// decideSNS is decide for an SNS operation: the rule's queue patterns match the topic's ARN and
// name, and message predicates the message of Publish.
func (m *Mock) decideSNS(ctx context.Context, op string, in any) outcome {
	plan := m.activePlan()
	if plan == nil || exempt.From(ctx) {
		return outcome{ctx: ctx}
	}
	call := faultplan.SNSCall(op, in)
	o := m.decideCall(ctx, plan, call)
	if m.trace != nil {
		m.trace.CallFaults(nil, engine.Call{ID: m.callID(), Operation: op}, call.QueueName, o.fired, o.firedAt)
	}
	return o
}

// snsFault is the SNS error a fault plan's rule injected (given as an *sqserr.Error with SNS's
// code, status and fault), or a context's error from a latency cut short.
func snsFault(err error) error {
	var se *sqserr.Error
	if !errors.As(err, &se) {
		return err
	}
	return &snssvc.Error{Status: se.Status, API: snserr.APIError(se.Code, se.Message)}
}

// snsResponseError wraps an SNS error as the SDK's deserializers do (see responseError).
func snsResponseError(err error) error {
	var se *snssvc.Error
	if !errors.As(err, &se) {
		return err
	}
	id := "00000000-0000-4000-8000-" + fmt.Sprintf("%012d", requestIDs.Add(1))
	resp := &smithyhttp.Response{Response: &http.Response{
		StatusCode: se.Status, Status: strconv.Itoa(se.Status) + " " + http.StatusText(se.Status),
		Header: http.Header{"X-Amzn-Requestid": {id}},
	}}
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp, Err: se.API}, RequestID: id}
}

// snsService is the mock's SNS, made on first use.
func (m *Mock) snsService() *snssvc.Service {
	m.snsOnce.Do(func() {
		m.sns = snssvc.New(snsSink{m}, m.cfg.clock.Now, m.traceDelivery)
	})
	return m.sns
}

func (c *snsClient) CreateTopic(ctx context.Context, in *sns.CreateTopicInput, optFns ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	return snsCall(ctx, c, "CreateTopic", in, optFns, (*snssvc.Service).CreateTopic)
}

func (c *snsClient) DeleteTopic(ctx context.Context, in *sns.DeleteTopicInput, optFns ...func(*sns.Options)) (*sns.DeleteTopicOutput, error) {
	return snsCall(ctx, c, "DeleteTopic", in, optFns, (*snssvc.Service).DeleteTopic)
}

func (c *snsClient) GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	return snsCall(ctx, c, "GetTopicAttributes", in, optFns, (*snssvc.Service).GetTopicAttributes)
}

func (c *snsClient) SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	return snsCall(ctx, c, "SetTopicAttributes", in, optFns, (*snssvc.Service).SetTopicAttributes)
}

func (c *snsClient) ListTopics(ctx context.Context, in *sns.ListTopicsInput, optFns ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	return snsCall(ctx, c, "ListTopics", in, optFns, (*snssvc.Service).ListTopics)
}

func (c *snsClient) Subscribe(ctx context.Context, in *sns.SubscribeInput, optFns ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	return snsCall(ctx, c, "Subscribe", in, optFns, (*snssvc.Service).Subscribe)
}

func (c *snsClient) Unsubscribe(ctx context.Context, in *sns.UnsubscribeInput, optFns ...func(*sns.Options)) (*sns.UnsubscribeOutput, error) {
	return snsCall(ctx, c, "Unsubscribe", in, optFns, (*snssvc.Service).Unsubscribe)
}

func (c *snsClient) GetSubscriptionAttributes(ctx context.Context, in *sns.GetSubscriptionAttributesInput, optFns ...func(*sns.Options)) (*sns.GetSubscriptionAttributesOutput, error) {
	return snsCall(ctx, c, "GetSubscriptionAttributes", in, optFns, (*snssvc.Service).GetSubscriptionAttributes)
}

func (c *snsClient) SetSubscriptionAttributes(ctx context.Context, in *sns.SetSubscriptionAttributesInput, optFns ...func(*sns.Options)) (*sns.SetSubscriptionAttributesOutput, error) {
	return snsCall(ctx, c, "SetSubscriptionAttributes", in, optFns, (*snssvc.Service).SetSubscriptionAttributes)
}

func (c *snsClient) ListSubscriptions(ctx context.Context, in *sns.ListSubscriptionsInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsOutput, error) {
	return snsCall(ctx, c, "ListSubscriptions", in, optFns, (*snssvc.Service).ListSubscriptions)
}

func (c *snsClient) ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	return snsCall(ctx, c, "ListSubscriptionsByTopic", in, optFns, (*snssvc.Service).ListSubscriptionsByTopic)
}

func (c *snsClient) Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error) {
	return snsCall(ctx, c, "Publish", in, optFns, (*snssvc.Service).Publish)
}

func (c *snsClient) PublishBatch(ctx context.Context, in *sns.PublishBatchInput, optFns ...func(*sns.Options)) (*sns.PublishBatchOutput, error) {
	return snsCall(ctx, c, "PublishBatch", in, optFns, (*snssvc.Service).PublishBatch)
}

func (c *snsClient) TagResource(ctx context.Context, in *sns.TagResourceInput, optFns ...func(*sns.Options)) (*sns.TagResourceOutput, error) {
	return snsCall(ctx, c, "TagResource", in, optFns, (*snssvc.Service).TagResource)
}

func (c *snsClient) UntagResource(ctx context.Context, in *sns.UntagResourceInput, optFns ...func(*sns.Options)) (*sns.UntagResourceOutput, error) {
	return snsCall(ctx, c, "UntagResource", in, optFns, (*snssvc.Service).UntagResource)
}

func (c *snsClient) ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, optFns ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	return snsCall(ctx, c, "ListTagsForResource", in, optFns, (*snssvc.Service).ListTagsForResource)
}

// snsSink delivers SNS messages into the mock's queues.
type snsSink struct{ m *Mock }

// snsPrincipal is the service principal SNS delivers as.
const snsPrincipal = "sns.amazonaws.com"

// Deliver sends d to its queue as SNS does: the queue must exist and its policy must allow
// sns.amazonaws.com to sqs:SendMessage for the topic, in the queue's own account too.
func (k snsSink) Deliver(ctx context.Context, d snssvc.Delivery) error {
	p := strings.Split(d.QueueARN, ":")
	if len(p) != 6 {
		return fmt.Errorf("%s is not a queue ARN", d.QueueARN)
	}
	region, account, name := p[3], p[4], p[5]
	e := k.m.engineFor(namespace{account: account, region: region}, false)
	u, err := e.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("the queue %s does not exist", d.QueueARN)
	}
	url := aws.ToString(u.QueueUrl)
	topicAccount := strings.Split(d.TopicARN, ":")[4]
	_, decision := e.Authorize(url, iampolicy.Request{Action: "sqs:SendMessage", Caller: iampolicy.Caller{Service: snsPrincipal},
		Secure: true, SourceArn: d.TopicARN, SourceAccount: topicAccount})
	if decision != iampolicy.Allow {
		return fmt.Errorf("the policy of the queue %s does not allow %s to sqs:SendMessage for aws:SourceArn %s (SNS needs that grant even in the queue's own account)",
			name, snsPrincipal, d.TopicARN)
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(d.Body)}
	if d.GroupID != "" {
		in.MessageGroupId = aws.String(d.GroupID)
	}
	if d.DedupID != "" && strings.HasSuffix(name, ".fifo") {
		in.MessageDeduplicationId = aws.String(d.DedupID)
	}
	if len(d.Attributes) > 0 {
		in.MessageAttributes = make(map[string]sqstypes.MessageAttributeValue, len(d.Attributes))
		for n, a := range d.Attributes {
			v := sqstypes.MessageAttributeValue{DataType: aws.String(a.DataType), BinaryValue: a.Binary}
			if a.Binary == nil {
				v.StringValue = aws.String(a.String)
			}
			in.MessageAttributes[n] = v
		}
	}
	sendCtx := ctx // with no fault plan, the delivery's send meets none
	act, again, planned := k.m.deliveryFaults(ctx, d, url, name)
	if planned { // SQS's SendMessage rules are not SNS's: the delivery's own decision stands
		decided := act // allocated only here
		sendCtx = engine.WithCallFaults(ctx, engine.CallFaults{Off: true, Send: &decided})
	}
	if _, err := e.SendMessage(sendCtx, in); err != nil {
		var api smithy.APIError
		if errors.As(err, &api) {
			return fmt.Errorf("the queue %s refused the message: %s: %s", name, api.ErrorCode(), api.ErrorMessage())
		}
		return fmt.Errorf("the queue %s refused the message: %w", name, err)
	}
	if again != nil { // a duplicate delivery: the same message once more, maybe later
		_, _ = e.SendMessage(engine.WithCallFaults(ctx, engine.CallFaults{Off: true, Send: again}), in)
	}
	return nil
}

// FailEntry is the fault plan's say on one entry of a PublishBatch: a partial-batch-failure rule
// on PublishBatch (matching the topic, the entry's id and the message) fails it.
func (k snsSink) FailEntry(ctx context.Context, topicARN string, en snssvc.Entry) *snssvc.Error {
	plan := k.m.activePlan()
	if plan == nil || exempt.From(ctx) {
		return nil
	}
	call := faultplan.SNSCall("PublishBatch", &sns.PublishBatchInput{TopicArn: aws.String(topicARN)})
	d := plan.DecidePublishEntry(call, faultplan.Message{EntryID: en.ID, Body: en.Message, Attributes: msgattr.SNSStrings(en.Attributes)})
	if k.m.trace != nil {
		k.m.trace.CallFaults(nil, engine.Call{ID: k.m.callID(), Operation: "PublishBatch"}, call.QueueName, d.Fired, k.m.cfg.clock.Now())
	}
	if d.Fail == nil {
		return nil
	}
	return &snssvc.Error{Status: d.Fail.Status, API: snserr.APIError(d.Fail.Code, d.Fail.Message)}
}

// deliveryFaults is the fault plan's decision for one delivery into the queue at url: the action
// for the message the queue gets (delivered ExtraDelay late, the rules that fired recorded with
// it in the trace) and, when a duplicate-delivery rule fired, the action for the copy (nil when
// none); planned is false when there is no active plan. A delivery to the subscription's
// dead-letter queue faces no fault.
func (m *Mock) deliveryFaults(ctx context.Context, d snssvc.Delivery, url, name string) (act engine.FaultAction, again *engine.FaultAction, planned bool) {
	plan := m.activePlan()
	if plan == nil {
		return engine.FaultAction{}, nil, false
	}
	if exempt.From(ctx) || d.QueueARN == d.DLQ {
		return engine.FaultAction{}, nil, true
	}
	dec := plan.DecideDelivery(faultplan.Call{Operation: d.Operation, QueueURL: url, QueueName: name, FIFO: d.FIFO},
		faultplan.Message{EntryID: d.EntryID, MessageID: d.MessageID, Body: d.Message, Attributes: msgattr.SNSStrings(d.MessageAttributes)})
	act.ExtraDelay = dec.ExtraDelay
	if len(dec.Fired) > 0 && m.trace != nil {
		act.Fired = make([]engine.FiredRule, len(dec.Fired))
		for i, f := range dec.Fired {
			act.Fired[i] = engine.FiredRule{Rule: f.Rule, Kind: f.Kind, Detail: f.Detail}
		}
	}
	if dec.Duplicate {
		again = &engine.FaultAction{ExtraDelay: dec.ExtraDelay + dec.DuplicateAfter}
	}
	return act, again, true
}

// traceDelivery records what became of an SNS delivery in the trace: a delivery that failed or
// a message the filter policy kept from a queue is the answer to "why did nothing arrive?".
func (m *Mock) traceDelivery(o snssvc.Outcome) {
	if m.trace == nil {
		return
	}
	p := strings.Split(o.Delivery.QueueARN, ":")
	ev := trace.Event{Time: m.cfg.clock.Now(), Target: o.Delivery.TopicARN, Queue: p[len(p)-1], Detail: o.Delivery.SubscriptionARN}
	if len(p) == 6 {
		ev.Region, ev.Account = p[3], p[4]
	}
	switch {
	case o.Filtered:
		ev.Kind, ev.Detail = trace.SNSFiltered, "the filter policy of subscription "+o.Delivery.SubscriptionARN+" did not match"
	case o.Err == nil:
		ev.Kind = trace.SNSDelivered
	default:
		ev.Kind, ev.Detail = trace.SNSFailed, o.Err.Error()
		switch {
		case o.DLQ != "" && o.DLQErr == nil:
			ev.Detail += "; sent to the subscription's dead-letter queue " + o.DLQ
		case o.DLQ != "":
			ev.Detail += "; the subscription's dead-letter queue " + o.DLQ + " could not take it either: " + o.DLQErr.Error()
		default:
			ev.Detail += "; the subscription has no dead-letter queue (RedrivePolicy): the message is lost"
		}
	}
	m.trace.Add(&ev)
}
