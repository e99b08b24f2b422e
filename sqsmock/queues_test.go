package sqsmock_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func TestCreateQueueIdempotence(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	url := e.create("q", map[string]string{"ReceiveMessageWaitTimeSeconds": "1", "DelaySeconds": "1"})
	assert.Equal(t, e.base+"/000000000000/q", url)

	// No attributes, or a subset with equal values: the same queue.
	assert.Equal(t, url, e.create("q", nil))
	assert.Equal(t, url, e.create("q", map[string]string{"DelaySeconds": "1"}))

	// A different value: QueueAlreadyExists naming the attribute (recorded).
	_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("q"),
		Attributes: map[string]string{"ReceiveMessageWaitTimeSeconds": "1", "DelaySeconds": "2"}})
	requireAPIError(t, err, "QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute DelaySeconds")
	var exists *types.QueueNameExists
	require.ErrorAs(t, err, &exists)

	// After SetQueueAttributes the new value is the one that matches.
	require.NoError(t, e.setAttrs(url, map[string]string{"DelaySeconds": "2"}))
	assert.Equal(t, url, e.create("q", map[string]string{"ReceiveMessageWaitTimeSeconds": "1", "DelaySeconds": "2"}))
	_, err = e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("q"),
		Attributes: map[string]string{"ReceiveMessageWaitTimeSeconds": "1", "DelaySeconds": "1"}})
	requireAPIError(t, err, "QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute DelaySeconds")
}

func TestCreateFifoQueueWithDifferentAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	url := e.create("q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	assert.Equal(t, url, e.create("q.fifo", map[string]string{"ContentBasedDeduplication": "true"}))
	_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("q.fifo"),
		Attributes: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "false"}})
	requireAPIError(t, err, "QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute ContentBasedDeduplication")
}

func TestCreateQueueNameRules(t *testing.T) {
	t.Parallel()
	const stdMsg = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
	const fifoMsg = "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
	cases := []struct {
		name string
		fifo bool
		msg  string // "" when valid
	}{
		{name: "a"},
		{name: "Az09-_"},
		{name: strings.Repeat("a", 80)},
		{name: strings.Repeat("a", 81), msg: stdMsg},
		{name: "", msg: stdMsg},
		{name: "has space", msg: stdMsg},
		{name: "dot.name", msg: stdMsg},
		{name: "q.fifo", msg: stdMsg}, // .fifo without FifoQueue=true
		{name: "slash/name", msg: stdMsg},
		{name: "ünïcode", msg: stdMsg},
		{name: "q.fifo", fifo: true},
		{name: strings.Repeat("a", 75) + ".fifo", fifo: true},
		{name: strings.Repeat("a", 76) + ".fifo", fifo: true, msg: fifoMsg},
		{name: "q", fifo: true, msg: fifoMsg},
		{name: ".fifo", fifo: true, msg: fifoMsg},
		{name: "a.b.fifo", fifo: true, msg: fifoMsg},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/fifo="+strconv.FormatBool(tc.fifo), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			in := &sqs.CreateQueueInput{QueueName: aws.String(tc.name)}
			if tc.fifo {
				in.Attributes = map[string]string{"FifoQueue": "true"}
			}
			out, err := e.c.CreateQueue(e.ctx, in)
			if tc.msg == "" {
				require.NoError(t, err)
				assert.True(t, strings.HasSuffix(aws.ToString(out.QueueUrl), "/"+tc.name))
				return
			}
			requireAPIError(t, err, "InvalidParameterValue", tc.msg)
		})
	}
}

func TestCreateQueueFifoAttributeOnStandard(t *testing.T) {
	t.Parallel()
	// Recorded: test_create_standard_queue_with_fifo_attribute_raises_error.
	cases := []struct {
		attr, value, code, msg string
	}{
		{"FifoQueue", "false", "InvalidAttributeName", "Unknown Attribute FifoQueue."},
		{"ContentBasedDeduplication", "false", "InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication."},
		{"DeduplicationScope", "queue", "InvalidAttributeName", "You can specify the DeduplicationScope only when FifoQueue is set to true."},
		{"FifoThroughputLimit", "perQueue", "InvalidAttributeName", "You can specify the FifoThroughputLimit only when FifoQueue is set to true."},
	}
	for _, tc := range cases {
		t.Run(tc.attr, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("std"),
				Attributes: map[string]string{tc.attr: tc.value}})
			requireAPIError(t, err, tc.code, tc.msg)
			var ian *types.InvalidAttributeName
			require.ErrorAs(t, err, &ian)
			_, ok := e.mock.Queue("std")
			assert.False(t, ok, "no queue may be created")
		})
	}
}

func TestQueueDeletedRecently(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	url := e.create("q", nil)
	e.send(url, "old")
	_, err := e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)

	e.clk.Advance(59 * time.Second)
	_, err = e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	requireAPIError(t, err, "AWS.SimpleQueueService.QueueDeletedRecently",
		"You must wait 60 seconds after deleting a queue before you can create another with the same name.")
	var qdr *types.QueueDeletedRecently
	require.ErrorAs(t, err, &qdr)

	e.clk.Advance(time.Second)
	assert.Equal(t, url, e.create("q", nil))
	assert.Empty(t, e.recv(url, nil), "a recreated queue starts empty")
}

func TestGetQueueUrl(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *sqsmock.Options) { o.AccountID = "123456789012" }, func(o *sqsmock.Options) { o.Region = "eu-west-1" })
	url := e.create("q", nil)
	assert.Equal(t, e.base+"/123456789012/q", url)

	out, err := e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	assert.Equal(t, url, aws.ToString(out.QueueUrl))

	out, err = e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("q"), QueueOwnerAWSAccountId: aws.String("123456789012")})
	require.NoError(t, err)
	assert.Equal(t, url, aws.ToString(out.QueueUrl))

	for _, in := range []*sqs.GetQueueUrlInput{
		{QueueName: aws.String("missing")},
		{QueueName: aws.String("q"), QueueOwnerAWSAccountId: aws.String("210987654321")},
	} {
		_, err = e.c.GetQueueUrl(e.ctx, in)
		requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
		var qdne *types.QueueDoesNotExist
		require.ErrorAs(t, err, &qdne)
	}
}

func TestListQueues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var want []string
	for i := 0; i < 10; i++ {
		want = append(want, e.create("pre-test-queue-"+strconv.Itoa(i), nil))
	}
	other := e.create("other", nil)

	all, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err)
	assert.Equal(t, append(append([]string{}, other), want...), all.QueueUrls)
	assert.Nil(t, all.NextToken)

	pre, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("pre-")})
	require.NoError(t, err)
	assert.Equal(t, want, pre.QueueUrls)
	assert.Nil(t, pre.NextToken, "no NextToken without MaxResults")

	// Paging as recorded: MaxResults 2 gives a token; the rest with MaxResults 10 gives none.
	page1, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("pre-"), MaxResults: aws.Int32(2)})
	require.NoError(t, err)
	assert.Equal(t, want[:2], page1.QueueUrls)
	require.NotNil(t, page1.NextToken)
	page2, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("pre-"), MaxResults: aws.Int32(10), NextToken: page1.NextToken})
	require.NoError(t, err)
	assert.Equal(t, want[2:], page2.QueueUrls)
	assert.Nil(t, page2.NextToken)

	// Paging through with the SDK's paginator visits every queue once.
	var seen []string
	p := sqs.NewListQueuesPaginator(e.c, &sqs.ListQueuesInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(out.QueueUrls), 3)
		seen = append(seen, out.QueueUrls...)
	}
	assert.Equal(t, all.QueueUrls, seen)

	none, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("zzz")})
	require.NoError(t, err)
	assert.Empty(t, none.QueueUrls)

	for _, n := range []int32{0, 1001} {
		_, err = e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(n)})
		requireAPIError(t, err, "InvalidParameterValue", "")
	}
}

func TestDeleteQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	url := e.create("q", nil)
	e.send(url, "m")
	_, err := e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)

	_, err = e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	_, err = e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url)})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	_, err = e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url)})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	out, err := e.c.ListQueues(e.ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err)
	assert.Empty(t, out.QueueUrls)
}

func TestQueueDefaultAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	std := e.create("std", nil)
	arn := "arn:aws:sqs:us-east-1:000000000000:std"
	ts := strconv.FormatInt(epoch.Unix(), 10)
	// Recorded: test_set_queue_attributes_default_values (initial values).
	assert.Equal(t, map[string]string{
		"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesDelayed": "0",
		"ApproximateNumberOfMessagesNotVisible": "0", "CreatedTimestamp": ts, "DelaySeconds": "0",
		"LastModifiedTimestamp": ts, "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
		"QueueArn": arn, "ReceiveMessageWaitTimeSeconds": "0", "SqsManagedSseEnabled": "true",
		"VisibilityTimeout": "30",
	}, e.attrs(std))

	// Recorded: test_fifo_set_content_based_deduplication_strategy (before-update).
	fifo := e.create("f.fifo", map[string]string{"SqsManagedSseEnabled": "true", "ContentBasedDeduplication": "true"})
	assert.Equal(t, map[string]string{
		"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesDelayed": "0",
		"ApproximateNumberOfMessagesNotVisible": "0", "ContentBasedDeduplication": "true", "CreatedTimestamp": ts,
		"DeduplicationScope": "queue", "DelaySeconds": "0", "FifoQueue": "true", "FifoThroughputLimit": "perQueue",
		"LastModifiedTimestamp": ts, "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
		"QueueArn": "arn:aws:sqs:us-east-1:000000000000:f.fifo", "ReceiveMessageWaitTimeSeconds": "0",
		"SqsManagedSseEnabled": "true", "VisibilityTimeout": "30",
	}, e.attrs(fifo))
	require.NoError(t, e.setAttrs(fifo, map[string]string{"ContentBasedDeduplication": "false"}))
	assert.Equal(t, "false", e.attr(fifo, "ContentBasedDeduplication"))
}

func TestGetQueueAttributesSelection(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	out, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(e.queue)})
	require.NoError(t, err)
	assert.Empty(t, out.Attributes, "no names, no attributes")

	out, err = e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(e.queue),
		AttributeNames: []types.QueueAttributeName{"VisibilityTimeout", "RedrivePolicy", "DelaySeconds"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"VisibilityTimeout": "30", "DelaySeconds": "0"}, out.Attributes,
		"unset optional attributes are left out")

	_, err = e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(e.queue),
		AttributeNames: []types.QueueAttributeName{"VisibilityTimeout", "Bogus"}})
	requireAPIError(t, err, "InvalidAttributeName", "Unknown Attribute Bogus.")
}

func TestCreateAndUpdateQueueAttributes(t *testing.T) {
	t.Parallel()
	// Recorded: test_create_and_update_queue_attributes.
	e := newEnv(t)
	url := e.create("q", map[string]string{"VisibilityTimeout": "20", "ReceiveMessageWaitTimeSeconds": "10", "MessageRetentionPeriod": "604800"})
	got := e.attrs(url)
	assert.Equal(t, "20", got["VisibilityTimeout"])
	assert.Equal(t, "10", got["ReceiveMessageWaitTimeSeconds"])
	assert.Equal(t, "604800", got["MessageRetentionPeriod"])
	assert.Equal(t, "1048576", got["MaximumMessageSize"])

	e.clk.Advance(90 * time.Second)
	require.NoError(t, e.setAttrs(url, map[string]string{"DelaySeconds": "420", "MaximumMessageSize": "2048", "VisibilityTimeout": "69"}))
	got = e.attrs(url)
	assert.Equal(t, "420", got["DelaySeconds"])
	assert.Equal(t, "2048", got["MaximumMessageSize"])
	assert.Equal(t, "69", got["VisibilityTimeout"])
	assert.Equal(t, "10", got["ReceiveMessageWaitTimeSeconds"])
	assert.Equal(t, strconv.FormatInt(epoch.Unix(), 10), got["CreatedTimestamp"])
	assert.Equal(t, strconv.FormatInt(epoch.Add(90*time.Second).Unix(), 10), got["LastModifiedTimestamp"])
}

func TestSetQueueAttributesRanges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		attr     string
		min, max int
	}{
		{"DelaySeconds", 0, 900},
		{"MaximumMessageSize", 1024, 1048576},
		{"MessageRetentionPeriod", 60, 1209600},
		{"ReceiveMessageWaitTimeSeconds", 0, 20},
		{"VisibilityTimeout", 0, 43200},
		{"KmsDataKeyReusePeriodSeconds", 60, 86400},
	}
	for _, tc := range cases {
		t.Run(tc.attr, func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q", nil)
			for _, ok := range []int{tc.min, tc.max} {
				require.NoError(t, e.setAttrs(e.queue, map[string]string{tc.attr: strconv.Itoa(ok), "KmsMasterKeyId": "k"}))
				assert.Equal(t, strconv.Itoa(ok), e.attr(e.queue, tc.attr))
			}
			for _, bad := range []string{strconv.Itoa(tc.min - 1), strconv.Itoa(tc.max + 1), "abc", "", "1.5"} {
				err := e.setAttrs(e.queue, map[string]string{tc.attr: bad})
				requireAPIError(t, err, "InvalidAttributeValue", "")
				var iav *types.InvalidAttributeValue
				require.ErrorAs(t, err, &iav)
			}
			// The same values at creation.
			_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("new"),
				Attributes: map[string]string{tc.attr: strconv.Itoa(tc.max + 1)}})
			requireAPIError(t, err, "InvalidAttributeValue", "")
			assert.Equal(t, strconv.Itoa(tc.max), e.attr(e.queue, tc.attr), "a failed set changes nothing")
		})
	}
}

func TestSetQueueAttributesAllOrNothing(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	err := e.setAttrs(e.queue, map[string]string{"DelaySeconds": "5", "VisibilityTimeout": "99999"})
	requireAPIError(t, err, "InvalidAttributeValue", "")
	assert.Equal(t, "0", e.attr(e.queue, "DelaySeconds"))
}

func TestSetQueueAttributesReadOnlyAndUnknown(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	for _, name := range []string{"QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
		"ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp", "Bogus"} {
		err := e.setAttrs(e.queue, map[string]string{name: "1"})
		requireAPIError(t, err, "InvalidAttributeName", "Unknown Attribute "+name+".")
	}
}

func TestSetQueueAttributesFifoOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	std := e.create("std", nil)
	// Recorded: test_set_unsupported_attribute_standard.
	for _, v := range []string{"true", "false"} {
		requireAPIError(t, e.setAttrs(std, map[string]string{"FifoQueue": v}), "InvalidAttributeName", "Unknown Attribute FifoQueue.")
	}
	requireAPIError(t, e.setAttrs(std, map[string]string{"ContentBasedDeduplication": "true"}), "InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication.")
	requireAPIError(t, e.setAttrs(std, map[string]string{"DeduplicationScope": "queue"}), "InvalidAttributeName", "You can specify the DeduplicationScope only when FifoQueue is set to true.")
	requireAPIError(t, e.setAttrs(std, map[string]string{"FifoThroughputLimit": "perQueue"}), "InvalidAttributeName", "You can specify the FifoThroughputLimit only when FifoQueue is set to true.")

	// Recorded: test_set_unsupported_attribute_fifo.
	fifo := e.create("f.fifo", nil)
	require.NoError(t, e.setAttrs(fifo, map[string]string{"FifoQueue": "true"}))
	requireAPIError(t, e.setAttrs(fifo, map[string]string{"FifoQueue": "false"}), "InvalidAttributeValue",
		"Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")

	for name, bad := range map[string]string{"DeduplicationScope": "group", "FifoThroughputLimit": "perGroup", "ContentBasedDeduplication": "maybe"} {
		requireAPIError(t, e.setAttrs(fifo, map[string]string{name: bad}), "InvalidAttributeValue", "")
	}
}

func TestFifoThroughputSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fifo := e.create("f.fifo", nil)
	// Recorded: test_fifo_change_to_high_throughput_after_creation.
	require.NoError(t, e.setAttrs(fifo, map[string]string{"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}))
	got := e.attrs(fifo)
	assert.Equal(t, "messageGroup", got["DeduplicationScope"])
	assert.Equal(t, "perMessageGroupId", got["FifoThroughputLimit"])
	// Recorded: test_fifo_change_to_regular_throughput_after_creation.
	require.NoError(t, e.setAttrs(fifo, map[string]string{"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"}))
	got = e.attrs(fifo)
	assert.Equal(t, "queue", got["DeduplicationScope"])
	assert.Equal(t, "perQueue", got["FifoThroughputLimit"])
	// perMessageGroupId needs DeduplicationScope messageGroup.
	requireAPIError(t, e.setAttrs(fifo, map[string]string{"FifoThroughputLimit": "perMessageGroupId"}), "InvalidAttributeValue", "")
	// messageGroup scope alone is fine (test_sqs_fifo_message_group_scope_no_throughput_setting).
	url := e.create("g.fifo", map[string]string{"DeduplicationScope": "messageGroup"})
	assert.Equal(t, "perQueue", e.attr(url, "FifoThroughputLimit"))
}

func TestSSEAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Recorded: test_sse_queue_attributes.
	kms := e.create("kms", nil)
	require.NoError(t, e.setAttrs(kms, map[string]string{"KmsMasterKeyId": "testKeyId", "KmsDataKeyReusePeriodSeconds": "6000", "SqsManagedSseEnabled": "false"}))
	sse := []types.QueueAttributeName{"KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"}
	out, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(kms), AttributeNames: sse})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"KmsDataKeyReusePeriodSeconds": "6000", "KmsMasterKeyId": "testKeyId", "SqsManagedSseEnabled": "false"}, out.Attributes)

	sqsSSE := e.create("sqs-sse", nil)
	require.NoError(t, e.setAttrs(sqsSSE, map[string]string{"SqsManagedSseEnabled": "true"}))
	out, err = e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(sqsSSE), AttributeNames: sse})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"SqsManagedSseEnabled": "true"}, out.Attributes)

	// Recorded: test_sse_kms_and_sqs_are_mutually_exclusive.
	both := e.create("both", nil)
	err = e.setAttrs(both, map[string]string{"KmsMasterKeyId": "testKeyId", "SqsManagedSseEnabled": "true"})
	requireAPIError(t, err, "InvalidAttributeName", "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")

	// Recorded: test_set_queue_attributes_default_values.
	def := e.create("defaults", nil)
	require.NoError(t, e.setAttrs(def, map[string]string{"KmsMasterKeyId": "testKeyId", "KmsDataKeyReusePeriodSeconds": "6000"}))
	got := e.attrs(def)
	assert.Equal(t, "testKeyId", got["KmsMasterKeyId"])
	assert.Equal(t, "6000", got["KmsDataKeyReusePeriodSeconds"])
	assert.Equal(t, "false", got["SqsManagedSseEnabled"])
	require.NoError(t, e.setAttrs(def, map[string]string{"KmsMasterKeyId": "", "KmsDataKeyReusePeriodSeconds": "300"}))
	got = e.attrs(def)
	assert.NotContains(t, got, "KmsMasterKeyId")
	assert.NotContains(t, got, "KmsDataKeyReusePeriodSeconds")
	assert.Equal(t, "false", got["SqsManagedSseEnabled"])
}

func TestApproximateCounters(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "a")
	e.send(e.queue, "b")
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("c"), DelaySeconds: 10})
	require.NoError(t, err)
	e.recvOne(e.queue)
	counts := func() [3]string {
		a := e.attrs(e.queue)
		return [3]string{a["ApproximateNumberOfMessages"], a["ApproximateNumberOfMessagesNotVisible"], a["ApproximateNumberOfMessagesDelayed"]}
	}
	assert.Equal(t, [3]string{"1", "1", "1"}, counts())
	e.clk.Advance(10 * time.Second)
	assert.Equal(t, [3]string{"2", "1", "0"}, counts())
	e.clk.Advance(20 * time.Second)
	assert.Equal(t, [3]string{"3", "0", "0"}, counts())
}

func TestPolicyAttribute(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	pol := `{"Version":"2012-10-17","Statement":[]}`
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"Policy": pol}))
	assert.JSONEq(t, pol, e.attr(e.queue, "Policy"))
	requireAPIError(t, e.setAttrs(e.queue, map[string]string{"Policy": "{not json"}), "InvalidAttributeValue", "")
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"Policy": ""}))
	assert.NotContains(t, e.attrs(e.queue), "Policy")
}

func TestQueueURLForms(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	// test_posting_to_queue_via_queue_name: a bare name works where a URL is expected.
	out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String("q"), MessageBody: aws.String("Using name instead of URL")})
	require.NoError(t, err)
	assert.Equal(t, "86a83f96652a1bfad3891e7d523750cb", aws.ToString(out.MD5OfMessageBody))
	// Any host with the account and name in the path.
	for _, u := range []string{"http://localhost:4566/000000000000/q", "https://sqs.us-east-1.amazonaws.com/000000000000/q"} {
		_, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(u)})
		require.NoError(t, err, u)
	}
	// Another account's URL names another queue.
	_, err = e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String("https://sqs.us-east-1.amazonaws.com/111111111111/q")})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	assert.Len(t, e.mock.Messages(e.queue), 1)
}

func TestSetQueuePolicy(t *testing.T) {
	t.Parallel()
	// test_set_queue_policy, test_set_empty_queue_policy.
	e := newEnvQueue(t, "q", nil)
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"Policy": ""}))
	assert.NotContains(t, e.attrs(e.queue), "Policy")
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}`
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"Policy": pol}))
	assert.JSONEq(t, pol, e.attrs(e.queue)["Policy"])
	assert.JSONEq(t, pol, e.attr(e.queue, "Policy"))
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"Policy": ""}))
	assert.NotContains(t, e.attrs(e.queue), "Policy")
}
