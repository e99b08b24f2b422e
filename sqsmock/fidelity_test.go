package sqsmock_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func TestBooleanAttributesIgnoreCase(t *testing.T) {
	t.Parallel()
	// LocalStack's AWS-validated tests create FIFO queues with "FifoQueue": "True" and
	// "ContentBasedDeduplication": "True"/"False" (test_fifo_change_to_high_throughput_after_creation
	// and others); AWS accepts them and reports the values back as "true" and "false".
	e := newEnv(t)
	url := e.create("q.fifo", map[string]string{"FifoQueue": "True", "ContentBasedDeduplication": "False", "SqsManagedSseEnabled": "TRUE"})
	got := e.attrs(url)
	assert.Equal(t, "true", got["FifoQueue"])
	assert.Equal(t, "false", got["ContentBasedDeduplication"])
	assert.Equal(t, "true", got["SqsManagedSseEnabled"])

	// The same attributes spelled otherwise are the same: CreateQueue is idempotent.
	again := e.create("q.fifo", map[string]string{"FifoQueue": "tRUE", "ContentBasedDeduplication": "false", "SqsManagedSseEnabled": "True"})
	assert.Equal(t, url, again)

	require.NoError(t, e.setAttrs(url, map[string]string{"FifoQueue": "True", "ContentBasedDeduplication": "TRUE", "SqsManagedSseEnabled": "False"}))
	got = e.attrs(url)
	assert.Equal(t, "true", got["ContentBasedDeduplication"])
	assert.Equal(t, "false", got["SqsManagedSseEnabled"])
	requireAPIError(t, e.setAttrs(url, map[string]string{"FifoQueue": "FALSE"}), "InvalidAttributeValue",
		"Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")

	std := e.create("std", map[string]string{"SqsManagedSseEnabled": "False"})
	assert.Equal(t, "false", e.attr(std, "SqsManagedSseEnabled"))
	// A standard queue still rejects FifoQueue in any spelling (test_set_unsupported_attribute_standard).
	requireAPIError(t, e.setAttrs(std, map[string]string{"FifoQueue": "False"}), "InvalidAttributeName", "Unknown Attribute FifoQueue.")

	// Only true and false are booleans (API Reference, CreateQueue: "Valid values: true, false").
	for _, bad := range []string{"yes", "1", "t", ""} {
		requireAPIError(t, e.setAttrs(url, map[string]string{"ContentBasedDeduplication": bad}), "InvalidAttributeValue",
			"Invalid value for the parameter ContentBasedDeduplication.")
		requireAPIError(t, e.setAttrs(std, map[string]string{"SqsManagedSseEnabled": bad}), "InvalidAttributeValue",
			"Invalid value for the parameter SqsManagedSseEnabled.")
		if bad != "" {
			_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad.fifo"), Attributes: map[string]string{"FifoQueue": bad}})
			requireAPIError(t, err, "InvalidAttributeValue", "Invalid value for the parameter FifoQueue.")
		}
	}
}

func TestChangeMessageVisibilityBatchDeletedMessage(t *testing.T) {
	t.Parallel()
	// Recorded on AWS (us-east-2, 2026) by Go CDK's pubsub conformance test TestDoubleAck
	// (google/go-cloud, pubsub/awssnssqs/testdata/TestConformanceSQSTopic/TestDoubleAck.replay):
	// deleting the same messages twice in a batch succeeds both times; a later
	// ChangeMessageVisibilityBatch fails their entries with ReceiptHandleIsInvalid, where the single
	// ChangeMessageVisibility answers InvalidParameterValue (TestChangeMessageVisibilityDeletedMessage).
	e := newEnvQueue(t, "q", nil)
	for _, b := range []string{"0", "1", "2"} {
		e.send(e.queue, b)
	}
	msgs := e.recv(e.queue, nil)
	require.Len(t, msgs, 3)
	for range 2 {
		out, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.DeleteMessageBatchRequestEntry{
			{Id: aws.String("0"), ReceiptHandle: msgs[0].ReceiptHandle},
			{Id: aws.String("1"), ReceiptHandle: msgs[1].ReceiptHandle},
		}})
		require.NoError(t, err)
		assert.Equal(t, []types.DeleteMessageBatchResultEntry{{Id: aws.String("0")}, {Id: aws.String("1")}}, out.Successful)
		assert.Empty(t, out.Failed)
	}
	out, err := e.c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("0"), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 1},
		{Id: aws.String("1"), ReceiptHandle: msgs[1].ReceiptHandle, VisibilityTimeout: 1},
		{Id: aws.String("2"), ReceiptHandle: msgs[2].ReceiptHandle, VisibilityTimeout: 1},
	}})
	require.NoError(t, err)
	gone := "Message does not exist or is not available for visibility timeout change"
	assert.Equal(t, []types.BatchResultErrorEntry{
		{Id: aws.String("0"), Code: aws.String("ReceiptHandleIsInvalid"), Message: aws.String(gone), SenderFault: true},
		{Id: aws.String("1"), Code: aws.String("ReceiptHandleIsInvalid"), Message: aws.String(gone), SenderFault: true},
	}, out.Failed)
	assert.Equal(t, []types.ChangeMessageVisibilityBatchResultEntry{{Id: aws.String("2")}}, out.Successful)
	e.clk.Advance(time.Second)
	assert.Equal(t, []string{aws.ToString(msgs[2].Body)}, bodies(e.recv(e.queue, nil)), "the third message was released")
}

func TestFifoBatchEntryExpiredHandle(t *testing.T) {
	t.Parallel()
	// A FIFO receipt handle whose visibility timeout passed: the single calls answer
	// InvalidParameterValue "Value <handle> for parameter ReceiptHandle is invalid. Reason: The
	// receipt handle has expired." (test_fifo_delete_after_visibility_timeout); a batch entry
	// answers ReceiptHandleIsInvalid with the reason alone, as AWS did for a DeleteMessageBatch
	// reported in smaskalik/sqsmover#54 and as in the recorded ChangeMessageVisibilityBatch above.
	e := newEnvQueue(t, "q.fifo", map[string]string{"VisibilityTimeout": "1", "ContentBasedDeduplication": "true"})
	e.sendFifo(e.queue, "m", "g", "")
	h := e.recvOne(e.queue).ReceiptHandle
	e.clk.Advance(time.Second)
	want := []types.BatchResultErrorEntry{{Id: aws.String("a"), Code: aws.String("ReceiptHandleIsInvalid"),
		Message: aws.String("The receipt handle has expired"), SenderFault: true}}
	del, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(e.queue),
		Entries: []types.DeleteMessageBatchRequestEntry{{Id: aws.String("a"), ReceiptHandle: h}}})
	require.NoError(t, err)
	assert.Equal(t, want, del.Failed)
	vis, err := e.c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(e.queue),
		Entries: []types.ChangeMessageVisibilityBatchRequestEntry{{Id: aws.String("a"), ReceiptHandle: h, VisibilityTimeout: 5}}})
	require.NoError(t, err)
	assert.Equal(t, want, vis.Failed)
	requireAPIError(t, e.del(e.queue, aws.ToString(h)), "InvalidParameterValue",
		"Value "+aws.ToString(h)+" for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
}

func TestReceiptHandleOfAnotherQueue(t *testing.T) {
	t.Parallel()
	// A receipt handle SQS issued for another queue: ReceiptHandleIsInvalid with "The receipt handle
	// "<h>" is not valid for this queue." (AWS answers reported in spulec/PyQS#24 for DeleteMessage
	// and in aws/aws-sdk-java-v2#3101 for DeleteMessageBatch entries). A handle SQS never issued
	// keeps "The input receipt handle "<h>" is not a valid receipt handle." (SQS-VIS-007).
	e := newEnvQueue(t, "a", nil)
	other := e.create("b", nil)
	e.send(e.queue, "x")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	msg := `The receipt handle "` + h + `" is not valid for this queue.`
	requireAPIError(t, e.del(other, h), "ReceiptHandleIsInvalid", msg)
	requireAPIError(t, e.cmv(other, h, 10), "ReceiptHandleIsInvalid", msg)
	out, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(other),
		Entries: []types.DeleteMessageBatchRequestEntry{{Id: aws.String("a"), ReceiptHandle: aws.String(h)}}})
	require.NoError(t, err)
	assert.Equal(t, []types.BatchResultErrorEntry{{Id: aws.String("a"), Code: aws.String("ReceiptHandleIsInvalid"),
		Message: aws.String(msg), SenderFault: true}}, out.Failed)
	require.NoError(t, e.del(e.queue, h), "the handle still works on its own queue")
}

func TestAddPermissionKeepsAPolicySetByTheUser(t *testing.T) {
	t.Parallel()
	// AddPermission and RemovePermission edit the queue's policy: a statement the user set with
	// SetQueueAttributes keeps every element (here a Condition, as SNS subscriptions need), and the
	// document keeps its Version and Id. Only AddPermission's own documents start as Version
	// 2008-10-17 with Id <arn>/SQSDefaultPolicy (test_sqs_permission_lifecycle).
	e := newEnv(t, func(o *sqsmock.Options) { o.AccountID = "111111111111" })
	url := e.create("q", nil)
	arn := e.arn(url)
	own := `{"Sid":"own","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"` + arn +
		`","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111111111111:topic"}}}`
	require.NoError(t, e.setAttrs(url, map[string]string{"Policy": `{"Version":"2012-10-17","Id":"custom","Statement":[` + own + `]}`}))
	_, err := e.c.AddPermission(e.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(url), Label: aws.String("l"),
		AWSAccountIds: []string{"111111111111"}, Actions: []string{"ReceiveMessage"}})
	require.NoError(t, err)
	added := `{"Sid":"l","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"SQS:ReceiveMessage","Resource":"` + arn + `"}`
	assert.JSONEq(t, `{"Version":"2012-10-17","Id":"custom","Statement":[`+own+`,`+added+`]}`, e.attr(url, "Policy"))
	_, err = e.c.RemovePermission(e.ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String("l")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Version":"2012-10-17","Id":"custom","Statement":[`+own+`]}`, e.attr(url, "Policy"))

	// A policy whose Statement is one object, as IAM allows.
	require.NoError(t, e.setAttrs(url, map[string]string{"Policy": `{"Version":"2012-10-17","Statement":` + own + `}`}))
	_, err = e.c.AddPermission(e.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(url), Label: aws.String("own"),
		AWSAccountIds: []string{"111111111111"}, Actions: []string{"ReceiveMessage"}})
	requireAPIError(t, err, "InvalidParameterValue", "Value own for parameter Label is invalid. Reason: Already exists.")
	_, err = e.c.RemovePermission(e.ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String("own")})
	require.NoError(t, err)
	assert.NotContains(t, e.attrs(url), "Policy", "the last statement removed, the policy goes")
}
