package sqsmock_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// fanout is a mock with its SQS and SNS clients.
type fanout struct {
	t   *testing.T
	m   *sqsmock.Mock
	sqs sqsmock.API
	sns sqsmock.SNSAPI
	ctx context.Context
}

func newFanout(t *testing.T) *fanout {
	m := sqsmock.New(func(o *sqsmock.Options) { o.Clock = sqsmock.NewManualClock(epoch); o.TraceSize = 1000 })
	return &fanout{t: t, m: m, sqs: m.Client(), sns: m.SNS(), ctx: context.Background()}
}

// topic creates a topic (a name ending in .fifo makes a FIFO topic) and returns its ARN.
func (f *fanout) topic(name string, attrs map[string]string) string {
	f.t.Helper()
	if strings.HasSuffix(name, ".fifo") {
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs["FifoTopic"] = "true"
	}
	out, err := f.sns.CreateTopic(f.ctx, &sns.CreateTopicInput{Name: aws.String(name), Attributes: attrs})
	require.NoError(f.t, err)
	return aws.ToString(out.TopicArn)
}

// queue creates a queue whose policy lets topicARN send to it (none when topicARN is ""), and
// returns its URL and ARN.
func (f *fanout) queue(name, topicARN string) (url, arn string) {
	f.t.Helper()
	attrs := map[string]string{}
	if strings.HasSuffix(name, ".fifo") {
		attrs["FifoQueue"] = "true"
	}
	out, err := f.sqs.CreateQueue(f.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	require.NoError(f.t, err)
	url = aws.ToString(out.QueueUrl)
	a, err := f.sqs.GetQueueAttributes(f.ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	require.NoError(f.t, err)
	arn = a.Attributes["QueueArn"]
	if topicARN != "" {
		_, err = f.sqs.SetQueueAttributes(f.ctx, &sqs.SetQueueAttributesInput{QueueUrl: out.QueueUrl,
			Attributes: map[string]string{"Policy": snsPolicy(arn, topicARN)}})
		require.NoError(f.t, err)
	}
	return url, arn
}

// snsPolicy is the queue policy AWS's documentation gives for a topic sending to a queue.
func snsPolicy(queueARN, topicARN string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},`+
		`"Action":"sqs:SendMessage","Resource":%q,"Condition":{"ArnEquals":{"aws:SourceArn":%q}}}]}`, queueARN, topicARN)
}

func (f *fanout) subscribe(topicARN, queueARN string, attrs map[string]string) string {
	f.t.Helper()
	out, err := f.sns.Subscribe(f.ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"),
		Endpoint: aws.String(queueARN), Attributes: attrs})
	require.NoError(f.t, err)
	return aws.ToString(out.SubscriptionArn)
}

func (f *fanout) receive(url string) []sqstypes.Message {
	f.t.Helper()
	out, err := f.sqs.ReceiveMessage(f.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
		MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}})
	require.NoError(f.t, err)
	return out.Messages
}

// take receives and deletes.
func (f *fanout) take(url string) []sqstypes.Message {
	f.t.Helper()
	msgs := f.receive(url)
	for _, m := range msgs {
		_, err := f.sqs.DeleteMessage(f.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
		require.NoError(f.t, err)
	}
	return msgs
}

// snsErr asserts err is the SNS error code with message and status, as the SDK reports it.
func snsErr(t *testing.T, err error, code, msg string, status int) {
	t.Helper()
	require.Error(t, err)
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%T: %v", err, err)
	assert.Equal(t, code, api.ErrorCode())
	assert.Equal(t, msg, api.ErrorMessage())
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, status, re.HTTPStatusCode())
	var op *smithy.OperationError
	require.True(t, errors.As(err, &op))
	assert.Equal(t, "SNS", op.ServiceID)
}

// A fan-out: one topic, a queue with the envelope and a queue with raw delivery, each with what
// AWS delivers to it (recorded: test_publish_sqs_from_sns, test_message_attributes_not_missing).
func TestSNSFanOutEnvelopeAndRaw(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders", nil)
	envURL, envARN := f.queue("billing", topic)
	rawURL, rawARN := f.queue("shipping", topic)
	envSub := f.subscribe(topic, envARN, nil)
	f.subscribe(topic, rawARN, map[string]string{"RawMessageDelivery": "true"})

	out, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("order 1 <&>"), Subject: aws.String("new order"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"kind":   {DataType: aws.String("String"), StringValue: aws.String("created")},
			"amount": {DataType: aws.String("Number"), StringValue: aws.String("100.12")},
			"blob":   {DataType: aws.String("Binary"), BinaryValue: []byte{2, 3, 4}},
		}})
	require.NoError(t, err)
	id := aws.ToString(out.MessageId)
	assert.Nil(t, out.SequenceNumber)

	msgs := f.receive(envURL)
	require.Len(t, msgs, 1)
	assert.Empty(t, msgs[0].MessageAttributes, "with the envelope, attributes travel inside it")
	body := aws.ToString(msgs[0].Body)
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	assert.Equal(t, "Notification", env["Type"])
	assert.Equal(t, id, env["MessageId"])
	assert.Equal(t, topic, env["TopicArn"])
	assert.Equal(t, "new order", env["Subject"])
	assert.Equal(t, "order 1 <&>", env["Message"])
	assert.Equal(t, "2026-03-01T12:00:00.000Z", env["Timestamp"])
	assert.Equal(t, "1", env["SignatureVersion"])
	assert.NotEmpty(t, env["Signature"])
	assert.Contains(t, env["SigningCertURL"], "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-")
	assert.Equal(t, "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="+envSub, env["UnsubscribeURL"])
	assert.Equal(t, map[string]any{
		"kind":   map[string]any{"Type": "String", "Value": "created"},
		"amount": map[string]any{"Type": "Number", "Value": "100.12"},
		"blob":   map[string]any{"Type": "Binary", "Value": "AgME"},
	}, env["MessageAttributes"])
	keys := []string{`"Type"`, `"MessageId"`, `"TopicArn"`, `"Subject"`, `"Message"`, `"Timestamp"`, `"SignatureVersion"`, `"Signature"`, `"SigningCertURL"`, `"UnsubscribeURL"`, `"MessageAttributes"`}
	last := -1
	for _, k := range keys {
		i := strings.Index(body, k+":")
		assert.Greater(t, i, last, "%s in AWS's order", k)
		last = i
	}
	assert.Contains(t, body, `"order 1 <&>"`, "<, > and & are not escaped")

	msgs = f.receive(rawURL)
	require.Len(t, msgs, 1)
	assert.Equal(t, "order 1 <&>", aws.ToString(msgs[0].Body))
	assert.Equal(t, map[string]sqstypes.MessageAttributeValue{
		"kind":   {DataType: aws.String("String"), StringValue: aws.String("created")},
		"amount": {DataType: aws.String("Number"), StringValue: aws.String("100.12")},
		"blob":   {DataType: aws.String("Binary"), BinaryValue: []byte{2, 3, 4}},
	}, msgs[0].MessageAttributes)
	assert.NotEmpty(t, aws.ToString(msgs[0].MD5OfMessageAttributes))
}

// A queue whose policy does not let the topic send gets nothing, Publish still succeeds, and the
// trace says why: the question "why did nothing arrive?".
func TestSNSQueuePolicyDecides(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders", nil)
	openURL, openARN := f.queue("open", topic)
	closedURL, closedARN := f.queue("closed", "")
	otherURL, otherARN := f.queue("other-topic", "arn:aws:sns:us-east-1:000000000000:another")
	for _, q := range []string{openARN, closedARN, otherARN} {
		f.subscribe(topic, q, nil)
	}
	_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")})
	require.NoError(t, err)
	assert.Len(t, f.receive(openURL), 1)
	assert.Empty(t, f.receive(closedURL), "no policy: SNS may not send, even in the queue's own account")
	assert.Empty(t, f.receive(otherURL), "a policy for another topic")

	var failed []string
	for _, ev := range f.m.Trace() {
		if ev.Kind == "sns.failed" {
			failed = append(failed, ev.Queue+": "+ev.Detail)
		}
	}
	require.Len(t, failed, 2)
	assert.Contains(t, failed[0], "closed: the policy of the queue closed does not allow sns.amazonaws.com to sqs:SendMessage for aws:SourceArn "+topic)
	assert.Contains(t, failed[0], "the subscription has no dead-letter queue (RedrivePolicy): the message is lost")
}

// A subscription's dead-letter queue takes what SNS cannot deliver (recorded:
// test_redrive_policy_sqs_queue_subscription: the queue deleted, the message in the DLQ).
func TestSNSSubscriptionDeadLetterQueue(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders", nil)
	url, arn := f.queue("gone", topic)
	dlqURL, dlqARN := f.queue("gone-dlq", topic)
	f.subscribe(topic, arn, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `"}`})
	_, err := f.sqs.DeleteQueue(f.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)
	_, err = f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("test_dlq_after_sqs_endpoint_deleted")})
	require.NoError(t, err)
	msgs := f.receive(dlqURL)
	require.Len(t, msgs, 1)
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(msgs[0].Body)), &env))
	assert.Equal(t, "test_dlq_after_sqs_endpoint_deleted", env["Message"], "the envelope, as the subscription would have had it")
}

// Filter policies choose the queues a message reaches; the trace names the ones it skipped.
func TestSNSFilterPolicy(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders", nil)
	euURL, euARN := f.queue("eu", topic)
	bigURL, bigARN := f.queue("big", topic)
	f.subscribe(topic, euARN, map[string]string{"FilterPolicy": `{"region":["eu-west-1",{"prefix":"eu-"}]}`})
	f.subscribe(topic, bigARN, map[string]string{"FilterPolicy": `{"amount":[{"numeric":[">=",100]}]}`, "FilterPolicyScope": "MessageBody"})
	publish := func(body, region string) {
		_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(body),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"region": {DataType: aws.String("String"), StringValue: aws.String(region)}}})
		require.NoError(t, err)
	}
	publish(`{"amount":150}`, "us-east-1")
	publish(`{"amount":5}`, "eu-central-1")
	publish(`not json`, "eu-west-1")
	eu := f.receive(euURL)
	assert.Len(t, eu, 2)
	big := f.receive(bigURL)
	require.Len(t, big, 1)
	assert.Contains(t, aws.ToString(big[0].Body), `{\"amount\":150}`)
	filtered := 0
	for _, ev := range f.m.Trace() {
		if ev.Kind == "sns.filtered" {
			filtered++
		}
	}
	assert.Equal(t, 3, filtered)

	// a bad policy is refused at Subscribe with SNS's text (recorded: test_subscribe_invalid_filter_policy)
	_, err := f.sns.Subscribe(f.ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(euARN),
		Attributes: map[string]string{"FilterPolicy": "invalid-policy"}})
	require.Error(t, err)
	var api smithy.APIError
	require.True(t, errors.As(err, &api))
	assert.Equal(t, "InvalidParameter", api.ErrorCode())
	assert.True(t, strings.HasPrefix(api.ErrorMessage(), "Invalid parameter: Attributes Reason: FilterPolicy: "), api.ErrorMessage())
}

// A FIFO topic to a FIFO queue: group and deduplication ids pass on, sequence numbers rise, a
// duplicate within five minutes is not delivered again (recorded: test_message_to_fifo_sqs).
func TestSNSFIFOTopicToFIFOQueue(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	url, arn := f.queue("orders.fifo", topic)
	stdURL, stdARN := f.queue("audit", topic)
	f.subscribe(topic, arn, nil)
	f.subscribe(topic, stdARN, map[string]string{"RawMessageDelivery": "true"})
	var seqs []string
	for i, dedup := range []string{"d-1", "d-2", "d-1"} {
		out, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(fmt.Sprint("m", i)),
			MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String(dedup)})
		require.NoError(t, err)
		seqs = append(seqs, aws.ToString(out.SequenceNumber))
	}
	assert.Len(t, seqs[0], 20)
	assert.Less(t, seqs[0], seqs[1])
	assert.Equal(t, seqs[0], seqs[2], "the duplicate answers with the original's")
	msgs := f.receive(url)
	require.Len(t, msgs, 2, "the duplicate was not delivered")
	assert.Equal(t, "d-2", msgs[1].Attributes["MessageDeduplicationId"], "in order")
	assert.Equal(t, "g", msgs[0].Attributes["MessageGroupId"])
	assert.Equal(t, "d-1", msgs[0].Attributes["MessageDeduplicationId"])
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(msgs[0].Body)), &env))
	assert.Equal(t, seqs[0], env["SequenceNumber"])
	assert.NotContains(t, env, "Signature", "a FIFO topic's envelope is not signed (recorded)")
	assert.NotContains(t, env, "SigningCertURL")
	std := f.take(stdURL)
	assert.Len(t, std, 2, "a standard queue subscribed to a FIFO topic")

	// content-based deduplication at the topic
	_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("same"), MessageGroupId: aws.String("g")})
	require.NoError(t, err)
	_, err = f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("same"), MessageGroupId: aws.String("g")})
	require.NoError(t, err)
	assert.Len(t, f.take(stdURL), 1)
	f.m.Clock().(*sqsmock.ManualClock).Advance(5*time.Minute + time.Second)
	_, err = f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("same"), MessageGroupId: aws.String("g")})
	require.NoError(t, err)
	assert.Len(t, f.take(stdURL), 1, "after five minutes the same body is a new message")
}

// The errors recorded against AWS, with their codes, messages and statuses.
func TestSNSErrorsAsRecorded(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders", nil)
	fifo := f.topic("orders.fifo", nil)
	_, qARN := f.queue("q", topic)
	_, fifoQueueARN := f.queue("q.fifo", topic)
	missing := "arn:aws:sns:us-east-1:000000000000:missing"
	cases := []struct {
		name      string
		call      func() error
		code, msg string
		status    int
	}{
		{"unknown topic", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(missing), Message: aws.String("m")})
			return err
		}, "NotFound", "Topic does not exist", 404},
		{"malformed ARN", func() error {
			_, err := f.sns.GetTopicAttributes(f.ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("nope")})
			return err
		}, "InvalidParameter", "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1", 400},
		{"another region", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(strings.Replace(topic, "us-east-1", "eu-west-1", 1)), Message: aws.String("m")})
			return err
		}, "InvalidParameter", "Invalid parameter: TopicArn", 400},
		{"empty message", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("")})
			return err
		}, "InvalidParameter", "Invalid parameter: Empty message", 400},
		{"message too long", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(strings.Repeat("x", 262145))})
			return err
		}, "InvalidParameter", "Invalid parameter: Message too long", 400},
		{"empty subject", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"), Subject: aws.String("")})
			return err
		}, "InvalidParameter", "Invalid parameter: Subject", 400},
		{"no default in a json structure", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"sqs":"x"}`), MessageStructure: aws.String("json")})
			return err
		}, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body", 400},
		{"attribute without value", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"),
				MessageAttributes: map[string]snstypes.MessageAttributeValue{"attr1": {DataType: aws.String("String"), StringValue: aws.String("")}}})
			return err
		}, "ParameterValueInvalid", "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'.", 400},
		{"attribute name", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"),
				MessageAttributes: map[string]snstypes.MessageAttributeValue{"a^b": {DataType: aws.String("String"), StringValue: aws.String("v")}}})
			return err
		}, "ParameterValueInvalid", "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.", 400},
		{"no group id on a FIFO topic", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(fifo), Message: aws.String("m")})
			return err
		}, "InvalidParameter", "Invalid parameter: The MessageGroupId parameter is required for FIFO topics", 400},
		{"no dedup id on a FIFO topic", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(fifo), Message: aws.String("m"), MessageGroupId: aws.String("g")})
			return err
		}, "InvalidParameter", "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly", 400},
		{"dedup id on a standard topic", func() error {
			_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"), MessageDeduplicationId: aws.String("d")})
			return err
		}, "InvalidParameter", "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type", 400},
		{"topic name", func() error {
			_, err := f.sns.CreateTopic(f.ctx, &sns.CreateTopicInput{Name: aws.String("a.b")})
			return err
		}, "InvalidParameter", "Invalid parameter: Topic Name", 400},
		{"a .fifo name on a standard topic", func() error {
			_, err := f.sns.CreateTopic(f.ctx, &sns.CreateTopicInput{Name: aws.String("x.fifo")})
			return err
		}, "InvalidParameter", "Invalid parameter: Topic Name", 400},
		{"FifoTopic after creation", func() error {
			_, err := f.sns.SetTopicAttributes(f.ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("FifoTopic"), AttributeValue: aws.String("false")})
			return err
		}, "InvalidParameter", "Invalid parameter: AttributeName", 400},
		{"unknown protocol", func() error {
			_, err := f.sns.Subscribe(f.ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("test-protocol"), Endpoint: aws.String(qARN)})
			return err
		}, "InvalidParameter", "Invalid parameter: Amazon SNS does not support this protocol string: test-protocol", 400},
		{"a queue URL for an endpoint", func() error {
			_, err := f.sns.Subscribe(f.ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String("https://sqs.us-east-1.amazonaws.com/000000000000/q")})
			return err
		}, "InvalidParameter", "Invalid parameter: SQS endpoint ARN", 400},
		{"a FIFO queue on a standard topic", func() error {
			_, err := f.sns.Subscribe(f.ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(fifoQueueARN)})
			return err
		}, "InvalidParameter", "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics", 400},
		{"RawMessageDelivery value", func() error {
			_, err := f.sns.Subscribe(f.ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(qARN),
				Attributes: map[string]string{"RawMessageDelivery": "wrongvalue"}})
			return err
		}, "InvalidParameter", "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false.", 400},
		{"unknown subscription", func() error {
			_, err := f.sns.GetSubscriptionAttributes(f.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(topic + ":00000000-0000-4000-8000-000000000000")})
			return err
		}, "NotFound", "Subscription does not exist", 404},
		{"too many batch entries", func() error {
			entries := make([]snstypes.PublishBatchRequestEntry, 11)
			for i := range entries {
				entries[i] = snstypes.PublishBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), Message: aws.String("m")}
			}
			_, err := f.sns.PublishBatch(f.ctx, &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: entries})
			return err
		}, "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.", 400},
		{"batch ids not distinct", func() error {
			_, err := f.sns.PublishBatch(f.ctx, &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
				{Id: aws.String("1"), Message: aws.String("a")}, {Id: aws.String("1"), Message: aws.String("b")}}})
			return err
		}, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { snsErr(t, c.call(), c.code, c.msg, c.status) })
	}

	var nf *snstypes.NotFoundException
	_, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(missing), Message: aws.String("m")})
	assert.True(t, errors.As(err, &nf), "typed, as the SDK's deserializer makes it")
}

// Topics and subscriptions: idempotent creation, attributes, listing by pages of 100, tags,
// deletion (recorded: test_create_topic_with_attributes, test_create_topic_should_be_idempotent).
func TestSNSTopicsAndSubscriptions(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders", map[string]string{"DisplayName": "Orders"})
	assert.Equal(t, "arn:aws:sns:us-east-1:000000000000:orders", topic)
	assert.Equal(t, topic, f.topic("orders", map[string]string{"DisplayName": "Orders"}))
	_, err := f.sns.CreateTopic(f.ctx, &sns.CreateTopicInput{Name: aws.String("orders"), Tags: []snstypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	snsErr(t, err, "InvalidParameter", "Invalid parameter: Tags Reason: Topic already exists with different tags", 400)

	attrs, err := f.sns.GetTopicAttributes(f.ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	require.NoError(t, err)
	assert.Equal(t, "Orders", attrs.Attributes["DisplayName"])
	assert.Equal(t, "000000000000", attrs.Attributes["Owner"])
	assert.Equal(t, "0", attrs.Attributes["SubscriptionsConfirmed"])
	assert.JSONEq(t, `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"`+topic+`","Condition":{"StringEquals":{"AWS:SourceOwner":"000000000000"}}}]}`, attrs.Attributes["Policy"])
	assert.NotContains(t, attrs.Attributes, "FifoTopic")

	_, qARN := f.queue("q", topic)
	sub := f.subscribe(topic, qARN, map[string]string{"RawMessageDelivery": "true"})
	assert.Equal(t, sub, f.subscribe(topic, qARN, nil), "the same queue again: the same subscription")
	_, err = f.sns.Subscribe(f.ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(qARN),
		Attributes: map[string]string{"RawMessageDelivery": "false"}})
	snsErr(t, err, "InvalidParameter", "Invalid parameter: Attributes Reason: Subscription already exists with different attributes", 400)
	sa, err := f.sns.GetSubscriptionAttributes(f.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub)})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"ConfirmationWasAuthenticated": "true", "Endpoint": qARN, "Owner": "000000000000",
		"PendingConfirmation": "false", "Protocol": "sqs", "RawMessageDelivery": "true", "SubscriptionArn": sub,
		"SubscriptionPrincipal": "arn:aws:iam::000000000000:root", "TopicArn": topic}, sa.Attributes)

	for i := range 150 {
		f.topic(fmt.Sprintf("t-%03d", i), nil)
	}
	var all []string
	var token *string
	pages := 0
	for {
		out, err := f.sns.ListTopics(f.ctx, &sns.ListTopicsInput{NextToken: token})
		require.NoError(t, err)
		pages++
		for _, tp := range out.Topics {
			all = append(all, aws.ToString(tp.TopicArn))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	assert.Equal(t, 2, pages)
	assert.Len(t, all, 151)

	_, err = f.sns.TagResource(f.ctx, &sns.TagResourceInput{ResourceArn: aws.String(topic), Tags: []snstypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	require.NoError(t, err)
	tags, err := f.sns.ListTagsForResource(f.ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(topic)})
	require.NoError(t, err)
	assert.Equal(t, []snstypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}, tags.Tags)

	_, err = f.sns.DeleteTopic(f.ctx, &sns.DeleteTopicInput{TopicArn: aws.String(topic)})
	require.NoError(t, err)
	_, err = f.sns.DeleteTopic(f.ctx, &sns.DeleteTopicInput{TopicArn: aws.String(topic)})
	require.NoError(t, err, "deleting a topic that is gone is fine (recorded)")
	_, err = f.sns.GetSubscriptionAttributes(f.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub)})
	snsErr(t, err, "NotFound", "Subscription does not exist", 404)
	subs, err := f.sns.ListSubscriptions(f.ctx, &sns.ListSubscriptionsInput{})
	require.NoError(t, err)
	assert.Empty(t, subs.Subscriptions)
}

// The same endpoint serves SNS's Query protocol: aws-sdk-go-v2's own *sns.Client publishes
// through the HTTP server into a queue the SQS client reads, and errors arrive typed.
func TestSNSOverHTTP(t *testing.T) {
	srv := sqsmock.NewServer(t, func(o *sqsmock.ServerOptions) {
		o.Mock = append(o.Mock, func(mo *sqsmock.Options) {
			mo.Credentials = []aws.Credentials{{AccessKeyID: "AKIDSNS", SecretAccessKey: "secret"}}
		})
	})
	q := srv.SDKClient()
	c := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDSNS", "secret", "")})
	ctx := context.Background()
	topic, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders"), Tags: []snstypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	require.NoError(t, err)
	qo, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("raw")})
	require.NoError(t, err)
	queueARN := "arn:aws:sqs:us-east-1:000000000000:raw"
	_, err = q.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: qo.QueueUrl, Attributes: map[string]string{"Policy": snsPolicy(queueARN, aws.ToString(topic.TopicArn))}})
	require.NoError(t, err)
	_, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN),
		Attributes: map[string]string{"RawMessageDelivery": "true"}})
	require.NoError(t, err)
	_, err = c.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: topic.TopicArn, PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
		{Id: aws.String("1"), Message: aws.String("one"), MessageAttributes: map[string]snstypes.MessageAttributeValue{"n": {DataType: aws.String("Number"), StringValue: aws.String("1")}}},
		{Id: aws.String("2"), Message: aws.String("two")},
	}})
	require.NoError(t, err)
	out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: qo.QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"}})
	require.NoError(t, err)
	require.Len(t, out.Messages, 2)
	assert.ElementsMatch(t, []string{"one", "two"}, []string{aws.ToString(out.Messages[0].Body), aws.ToString(out.Messages[1].Body)})

	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:000000000000:missing"), Message: aws.String("m")})
	snsErr(t, err, "NotFound", "Topic does not exist", 404)
	var nf *snstypes.NotFoundException
	assert.True(t, errors.As(err, &nf))

	bad := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDSNS", "wrong", "")})
	_, err = bad.ListTopics(ctx, &sns.ListTopicsInput{})
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%v", err)
	assert.Equal(t, "SignatureDoesNotMatch", api.ErrorCode(), "SNS requests are verified as SQS requests are")
}

// A topic delivers to a queue of another account and of another region, as SNS does (recorded:
// test_cross_region_delivery_sqs), when the queue's policy lets the topic send.
func TestSNSCrossAccountAndRegion(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders", nil)
	other := f.m.Client(func(o *sqs.Options) {
		o.Region = "eu-west-1"
		o.Credentials = credentials.NewStaticCredentialsProvider("111111111111", "secret", "")
	})
	out, err := other.CreateQueue(f.ctx, &sqs.CreateQueueInput{QueueName: aws.String("eu-orders")})
	require.NoError(t, err)
	queueARN := "arn:aws:sqs:eu-west-1:111111111111:eu-orders"
	_, err = other.SetQueueAttributes(f.ctx, &sqs.SetQueueAttributesInput{QueueUrl: out.QueueUrl,
		Attributes: map[string]string{"Policy": snsPolicy(queueARN, topic)}})
	require.NoError(t, err)
	f.subscribe(topic, queueARN, map[string]string{"RawMessageDelivery": "true"})
	_, err = f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("to europe")})
	require.NoError(t, err)
	got, err := other.ReceiveMessage(f.ctx, &sqs.ReceiveMessageInput{QueueUrl: out.QueueUrl})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	assert.Equal(t, "to europe", aws.ToString(got.Messages[0].Body))

	// another region's topic cannot be used from this region (recorded: test_cross_region_access)
	_, err = f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")},
		func(o *sns.Options) { o.Region = "eu-west-1" })
	snsErr(t, err, "InvalidParameter", "Invalid parameter: TopicArn", 400)
}

// Over HTTP, the X-Ray trace header of a publish reaches the queue as AWSTraceHeader (recorded:
// test_publish_sqs_from_sns_with_xray_propagation).
func TestSNSTraceHeaderPropagates(t *testing.T) {
	srv := sqsmock.NewServer(t)
	q := srv.SDKClient()
	ctx := context.Background()
	c := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	topic, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("traced")})
	require.NoError(t, err)
	qo, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("traced")})
	require.NoError(t, err)
	queueARN := "arn:aws:sqs:us-east-1:000000000000:traced"
	_, err = q.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: qo.QueueUrl, Attributes: map[string]string{"Policy": snsPolicy(queueARN, aws.ToString(topic.TopicArn))}})
	require.NoError(t, err)
	_, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN)})
	require.NoError(t, err)
	const header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("traced")}, func(o *sns.Options) {
		o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue("X-Amzn-Trace-Id", header))
	})
	require.NoError(t, err)
	out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: qo.QueueUrl,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAWSTraceHeader}})
	require.NoError(t, err)
	require.Len(t, out.Messages, 1)
	assert.Equal(t, header, out.Messages[0].Attributes["AWSTraceHeader"])
}

// Concurrent publishes to one message group of a FIFO topic reach the FIFO queue in the order of
// their sequence numbers, as SNS FIFO promises.
func TestSNSFIFOOrderUnderConcurrentPublishes(t *testing.T) {
	f := newFanout(t)
	topic := f.topic("orders.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	url, arn := f.queue("orders.fifo", topic)
	f.subscribe(topic, arn, map[string]string{"RawMessageDelivery": "true"})
	const workers, each = 8, 25
	seqOf := make(chan [2]string, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				body := fmt.Sprintf("w%d-%d", w, i)
				out, err := f.sns.Publish(f.ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(body), MessageGroupId: aws.String("g")})
				if assert.NoError(t, err) {
					seqOf <- [2]string{body, aws.ToString(out.SequenceNumber)}
				}
			}
		})
	}
	wg.Wait()
	close(seqOf)
	seq := map[string]string{}
	for p := range seqOf {
		seq[p[0]] = p[1]
	}
	var got []string
	for len(got) < workers*each {
		msgs := f.take(url)
		require.NotEmpty(t, msgs, "after %d messages", len(got))
		for _, m := range msgs {
			got = append(got, aws.ToString(m.Body))
		}
	}
	for i := 1; i < len(got); i++ {
		require.Less(t, seq[got[i-1]], seq[got[i]], "message %d (%s) came after %s with a greater sequence number", i, got[i], got[i-1])
	}
}

// Another account may use a topic as its access policy says, evaluated as IAM evaluates a
// resource-based policy: the action, the principal and the conditions decide, and a Deny wins.
func TestSNSTopicAccessPolicy(t *testing.T) {
	srv := sqsmock.NewServer(t)
	ctx := t.Context()
	client := func(account string) *sns.Client {
		return sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
			Credentials: credentials.NewStaticCredentialsProvider(account, "secret", "")})
	}
	owner, b, c := client("000000000000"), client("111111111111"), client("222222222222")
	out, err := owner.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("shared")})
	require.NoError(t, err)
	topic := aws.ToString(out.TopicArn)
	setPolicy := func(statements string) {
		t.Helper()
		_, err := owner.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("Policy"),
			AttributeValue: aws.String(`{"Version":"2012-10-17","Statement":[` + statements + `]}`)})
		require.NoError(t, err)
	}
	publish := func(c *sns.Client) error {
		_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")})
		return err
	}
	denied := func(err error, account, action string) {
		t.Helper()
		snsErr(t, err, "AuthorizationError", fmt.Sprintf("User: arn:aws:iam::%s:root is not authorized to perform: SNS:%s on resource: %s "+
			"because no resource-based policy allows the SNS:%s action", account, action, topic, action), 403)
	}

	denied(publish(b), "111111111111", "Publish") // the default policy: the owner's account only

	setPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"SNS:Publish","Resource":"` + topic + `"}`)
	require.NoError(t, publish(b))
	denied(publish(c), "222222222222", "Publish")
	_, err = b.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:111111111111:q")})
	denied(err, "111111111111", "Subscribe")

	setPolicy(`{"Effect":"Allow","Principal":"*","Action":["sns:Publish","sns:Subscribe"],"Resource":"*",` +
		`"Condition":{"StringEquals":{"aws:PrincipalAccount":["111111111111"]}}}`)
	require.NoError(t, publish(b), "a condition on the caller's account, action names in any case")
	denied(publish(c), "222222222222", "Publish")

	setPolicy(`{"Effect":"Allow","Principal":"*","Action":"SNS:*","Resource":"` + topic + `"},` +
		`{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"SNS:Publish","Resource":"` + topic + `"}`)
	snsErr(t, publish(b), "AuthorizationError", "User: arn:aws:iam::111111111111:root is not authorized to perform: SNS:Publish on resource: "+
		topic+" with an explicit deny in a resource-based policy", 403) // a Deny wins
	require.NoError(t, publish(c))
}
