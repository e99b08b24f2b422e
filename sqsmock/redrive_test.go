package sqsmock_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func redrive(arn string, max any) string {
	b, _ := json.Marshal(map[string]any{"deadLetterTargetArn": arn, "maxReceiveCount": max})
	return string(b)
}

func TestRedrivePolicyValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dlq := e.create("dlq", nil)
	dlqArn := e.arn(dlq)
	fifoDLQ := e.create("dlq.fifo", nil)
	src := e.create("src", nil)

	cases := []struct {
		name, policy, code string
	}{
		{"invalid JSON", "{not json", "InvalidAttributeValue"},
		{"missing target", `{"maxReceiveCount": 5}`, "InvalidParameterValue"},
		{"missing maxReceiveCount", `{"deadLetterTargetArn": "` + dlqArn + `"}`, "InvalidParameterValue"},
		{"maxReceiveCount 0", redrive(dlqArn, 0), "InvalidParameterValue"},
		{"maxReceiveCount 1001", redrive(dlqArn, 1001), "InvalidParameterValue"},
		{"maxReceiveCount text", redrive(dlqArn, "invalid"), "InvalidParameterValue"},
		{"maxReceiveCount fraction", redrive(dlqArn, 1.5), "InvalidParameterValue"},
		{"not an ARN", redrive("dummy", 42), "InvalidParameterValue"},
		{"nonexistent DLQ", redrive("arn:aws:sqs:us-east-1:000000000000:nope", 5), "InvalidParameterValue"},
		{"other region", redrive("arn:aws:sqs:eu-west-1:000000000000:dlq", 5), "InvalidParameterValue"},
		{"standard to FIFO", redrive(e.arn(fifoDLQ), 5), "InvalidParameterValue"},
	}
	for _, tc := range cases {
		requireAPIError(t, e.setAttrs(src, map[string]string{"RedrivePolicy": tc.policy}), tc.code, "")
		assert.NotContains(t, e.attrs(src), "RedrivePolicy", tc.name)
	}
	// A FIFO source needs a FIFO DLQ.
	_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("src.fifo"),
		Attributes: map[string]string{"FifoQueue": "true", "RedrivePolicy": redrive(dlqArn, 5)}})
	requireAPIError(t, err, "InvalidParameterValue", "")

	// maxReceiveCount as a number or a numeric string (test_redrive_policy_attribute_validity);
	// SQS reads it back normalised, with a number.
	for _, v := range []any{1, 1000, "42"} {
		require.NoError(t, e.setAttrs(src, map[string]string{"RedrivePolicy": redrive(dlqArn, v)}))
		n, _ := strconv.Atoi(fmt.Sprint(v))
		assert.JSONEq(t, redrive(dlqArn, n), e.attr(src, "RedrivePolicy"))
	}
	// "" removes it (test_set_empty_redrive_policy).
	require.NoError(t, e.setAttrs(src, map[string]string{"RedrivePolicy": ""}))
	assert.NotContains(t, e.attrs(src), "RedrivePolicy")
	// At creation too.
	url := e.create("src2", map[string]string{"RedrivePolicy": redrive(dlqArn, 3)})
	assert.Contains(t, e.attr(url, "RedrivePolicy"), dlqArn)
}

func TestDeadLetterQueueMove(t *testing.T) {
	t.Parallel()
	// Recorded: test_dead_letter_queue_message_attributes.
	e := newEnv(t)
	dlq := e.create("dl-queue", nil)
	dlqArn := e.arn(dlq)
	src := e.create("queue", map[string]string{"RedrivePolicy": redrive(dlqArn, 1), "VisibilityTimeout": "0"})
	srcArn := e.arn(src)
	const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	attrs := map[string]types.MessageAttributeValue{"MyAttribute": strAttr("foobar")}
	s1, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(src), MessageBody: aws.String("message-1"), MessageAttributes: attrs,
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String(trace)}}})
	require.NoError(t, err)
	s2 := e.send(src, "message-2")

	var pre []types.Message
	for i := 0; i < 4; i++ {
		pre = append(pre, e.recv(src, func(in *sqs.ReceiveMessageInput) { allAttrs(in); in.MaxNumberOfMessages = 1 })...)
	}
	require.Len(t, pre, 2, "each message is received once; the next receive moves it")
	for _, m := range pre {
		assert.Equal(t, "1", m.Attributes["ApproximateReceiveCount"])
		assert.NotContains(t, m.Attributes, "DeadLetterQueueSourceArn")
	}
	assert.Equal(t, "0", e.attr(src, "ApproximateNumberOfMessages"))
	assert.Empty(t, e.mock.Messages(src))

	got := e.recv(dlq, allAttrs)
	require.Len(t, got, 2)
	byBody := map[string]types.Message{}
	for _, m := range got {
		byBody[aws.ToString(m.Body)] = m
	}
	m1, m2 := byBody["message-1"], byBody["message-2"]
	assert.Equal(t, aws.ToString(s1.MessageId), aws.ToString(m1.MessageId), "the message keeps its id")
	assert.Equal(t, aws.ToString(s2.MessageId), aws.ToString(m2.MessageId))
	for _, m := range []types.Message{m1, m2} {
		assert.Equal(t, "2", m.Attributes["ApproximateReceiveCount"], "the receive count keeps counting")
		assert.Equal(t, srcArn, m.Attributes["DeadLetterQueueSourceArn"])
		assert.Equal(t, ms(epoch), m.Attributes["SentTimestamp"])
		assert.Equal(t, ms(epoch), m.Attributes["ApproximateFirstReceiveTimestamp"])
	}
	assert.Equal(t, trace, m1.Attributes["AWSTraceHeader"])
	assert.Equal(t, attrs, m1.MessageAttributes)
	assert.Equal(t, "adb59cd4678ea5a855436b949cd07ab6", aws.ToString(m1.MD5OfMessageAttributes))
	assert.Equal(t, "3d6b824fd8c1520e9a047d21fee6fb1f", aws.ToString(m1.MD5OfBody))
	assert.Empty(t, m2.MessageAttributes)
}

func TestDeadLetterQueueMaxReceiveCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dlq := e.create("dlq", nil)
	src := e.create("src", map[string]string{"RedrivePolicy": redrive(e.arn(dlq), 3), "VisibilityTimeout": "0"})
	e.send(src, "m")
	for i := 1; i <= 3; i++ {
		msgs := e.recv(src, func(in *sqs.ReceiveMessageInput) {
			in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{"ApproximateReceiveCount"}
		})
		require.Len(t, msgs, 1, "receive %d", i)
		assert.Equal(t, fmt.Sprint(i), msgs[0].Attributes["ApproximateReceiveCount"])
	}
	assert.Empty(t, e.recv(src, nil), "the 4th receive would exceed 3: the message moves instead")
	info, ok := e.mock.Queue(dlq)
	require.True(t, ok)
	assert.Equal(t, 1, info.Ready)
	msgs := e.mock.Messages(dlq)
	require.Len(t, msgs, 1)
	assert.Equal(t, 3, msgs[0].ReceiveCount)
	assert.Equal(t, e.arn(src), msgs[0].DeadLetterSourceARN)
}

func TestDeadLetterQueueFifo(t *testing.T) {
	t.Parallel()
	// test_dead_letter_queue_with_fifo_and_content_based_deduplication.
	e := newEnv(t)
	dlq := e.create("dlq.fifo", map[string]string{"ContentBasedDeduplication": "true", "MessageRetentionPeriod": "1209600"})
	src := e.create("src.fifo", map[string]string{"ContentBasedDeduplication": "true", "VisibilityTimeout": "0",
		"RedrivePolicy": redrive(e.arn(dlq), 2)})
	id1 := aws.ToString(e.sendFifo(src, "foobar", "1", "").MessageId)
	require.Len(t, e.recv(src, nil), 1)
	require.Len(t, e.recv(src, nil), 1)
	assert.Empty(t, e.recv(src, nil))
	got := e.recv(dlq, allAttrs)
	require.Len(t, got, 1)
	assert.Equal(t, id1, aws.ToString(got[0].MessageId))
	assert.Equal(t, "foobar", aws.ToString(got[0].Body))
	// In a FIFO DLQ the deduplication id is replaced by the message id (SQS Developer Guide,
	// "Configure a dead-letter queue redrive").
	assert.Equal(t, id1, got[0].Attributes["MessageDeduplicationId"])
	assert.Equal(t, "1", got[0].Attributes["MessageGroupId"])
	// The source's group keeps working.
	id2 := aws.ToString(e.sendFifo(src, "foobar2", "1", "").MessageId)
	got = e.recv(src, nil)
	require.Len(t, got, 1)
	assert.Equal(t, id2, aws.ToString(got[0].MessageId))
}

func TestRedriveAllowPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dlq := e.create("dlq", nil)
	dlqArn := e.arn(dlq)
	allowed := e.create("allowed", nil)
	other := e.create("other", nil)

	// denyAll: no queue may use it.
	require.NoError(t, e.setAttrs(dlq, map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"denyAll"}`}))
	requireAPIError(t, e.setAttrs(allowed, map[string]string{"RedrivePolicy": redrive(dlqArn, 5)}), "InvalidParameterValue", "")
	_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("new"), Attributes: map[string]string{"RedrivePolicy": redrive(dlqArn, 5)}})
	requireAPIError(t, err, "InvalidParameterValue", "")

	// byQueue: only the listed sources.
	pol := `{"redrivePermission":"byQueue","sourceQueueArns":["` + e.arn(allowed) + `"]}`
	require.NoError(t, e.setAttrs(dlq, map[string]string{"RedriveAllowPolicy": pol}))
	assert.JSONEq(t, pol, e.attr(dlq, "RedriveAllowPolicy"))
	require.NoError(t, e.setAttrs(allowed, map[string]string{"RedrivePolicy": redrive(dlqArn, 5)}))
	requireAPIError(t, e.setAttrs(other, map[string]string{"RedrivePolicy": redrive(dlqArn, 5)}), "InvalidParameterValue", "")

	// allowAll: every queue.
	require.NoError(t, e.setAttrs(dlq, map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"allowAll"}`}))
	require.NoError(t, e.setAttrs(other, map[string]string{"RedrivePolicy": redrive(dlqArn, 5)}))

	for name, bad := range map[string]string{
		"not JSON":                   "{",
		"unknown permission":         `{"redrivePermission":"some"}`,
		"byQueue without sources":    `{"redrivePermission":"byQueue"}`,
		"allowAll with sources":      `{"redrivePermission":"allowAll","sourceQueueArns":["` + e.arn(other) + `"]}`,
		"byQueue with 11 sources":    `{"redrivePermission":"byQueue","sourceQueueArns":["a","b","c","d","e","f","g","h","i","j","k"]}`,
		"missing redrivePermission":  `{}`,
		"denyAll with empty sources": `{"redrivePermission":"denyAll","sourceQueueArns":["x"]}`,
	} {
		err := e.setAttrs(dlq, map[string]string{"RedriveAllowPolicy": bad})
		require.Error(t, err, name)
		var code interface{ ErrorCode() string }
		require.ErrorAs(t, err, &code)
		assert.Contains(t, []string{"InvalidParameterValue", "InvalidAttributeValue"}, code.ErrorCode(), name)
	}
}

func TestListDeadLetterSourceQueues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dlq := e.create("dlq", nil)
	a := e.create("a-src", map[string]string{"RedrivePolicy": redrive(e.arn(dlq), 5)})
	b := e.create("b-src", map[string]string{"RedrivePolicy": redrive(e.arn(dlq), 5)})
	e.create("unrelated", nil)

	out, err := e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)})
	require.NoError(t, err)
	assert.Equal(t, []string{a, b}, out.QueueUrls)
	assert.Nil(t, out.NextToken)

	p1, err := e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq), MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	assert.Equal(t, []string{a}, p1.QueueUrls)
	require.NotNil(t, p1.NextToken)
	p2, err := e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq), MaxResults: aws.Int32(1), NextToken: p1.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []string{b}, p2.QueueUrls)
	assert.Nil(t, p2.NextToken)

	none, err := e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(a)})
	require.NoError(t, err)
	assert.Empty(t, none.QueueUrls)

	require.NoError(t, e.setAttrs(a, map[string]string{"RedrivePolicy": ""}))
	out, err = e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)})
	require.NoError(t, err)
	assert.Equal(t, []string{b}, out.QueueUrls)

	_, err = e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq), MaxResults: aws.Int32(0)})
	requireAPIError(t, err, "InvalidParameterValue", "")
	_, err = e.c.ListDeadLetterSourceQueues(e.ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(e.mock.QueueURL("missing"))})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

func TestRedrivePolicyToItself(t *testing.T) {
	t.Parallel()
	// test_set_empty_redrive_policy (validated on AWS): a queue may name itself as its
	// dead-letter queue, and a queue name works where the URL is expected.
	e := newEnv(t)
	url := e.create("dl-queue", nil)
	require.NoError(t, e.setAttrs("dl-queue", map[string]string{"RedrivePolicy": ""}))
	assert.NotContains(t, e.attrs("dl-queue"), "RedrivePolicy")
	arn := e.arn(url)
	require.NoError(t, e.setAttrs(url, map[string]string{"RedrivePolicy": redrive(arn, "42")}))
	assert.Contains(t, e.attr(url, "RedrivePolicy"), arn)
	require.NoError(t, e.setAttrs(url, map[string]string{"RedrivePolicy": ""}))
	assert.NotContains(t, e.attrs(url), "RedrivePolicy")
}
