package wire

import (
	"crypto/md5"
	"encoding/hex"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"
)

const testQueueURL = "http://127.0.0.1:9324/123456789012/orders"

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Bodies with characters every codec must carry: XML and JSON specials, CR/LF/tab, non-ASCII.
const (
	body1 = "hello <world> & \"friends\" 'x'\r\n\ttab ünïcödé 😀"
	body2 = `{"json":"body","n":1}`
)

// opCase is one operation with an input and an output in which every member is set.
type opCase struct {
	op  string
	in  any // *sqs.<Op>Input
	out any // *sqs.<Op>Output
}

func attrValues() map[string]types.MessageAttributeValue {
	return map[string]types.MessageAttributeValue{
		"Str":     {DataType: aws.String("String"), StringValue: aws.String("a <b> & c")},
		"Num.x":   {DataType: aws.String("Number.int"), StringValue: aws.String("42")},
		"Bin":     {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2, 0xff, 'x'}},
		"Lists":   {DataType: aws.String("String"), StringListValues: []string{"s1", "s2"}, BinaryListValues: [][]byte{{1}, {2, 3}}},
		"Unicode": {DataType: aws.String("String.ü"), StringValue: aws.String("ünï\ncode")},
	}
}

func sysAttrValues() map[string]types.MessageSystemAttributeValue {
	return map[string]types.MessageSystemAttributeValue{
		"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"),
			BinaryValue: []byte("b"), StringListValues: []string{"l"}, BinaryListValues: [][]byte{{9}}},
	}
}

// allCases covers the 23 operations; inputs and outputs have every member set.
func allCases() []opCase {
	return []opCase{
		{"AddPermission",
			&sqs.AddPermissionInput{QueueUrl: aws.String(testQueueURL), Label: aws.String("perm1"),
				AWSAccountIds: []string{"111111111111", "222222222222"}, Actions: []string{"SendMessage", "ReceiveMessage"}},
			&sqs.AddPermissionOutput{}},
		{"CancelMessageMoveTask",
			&sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String("eyJ0YXNrSWQiOiJ4In0=")},
			&sqs.CancelMessageMoveTaskOutput{ApproximateNumberOfMessagesMoved: 1234567890123}},
		{"ChangeMessageVisibility",
			&sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(testQueueURL), ReceiptHandle: aws.String("rh+/=1"), VisibilityTimeout: 45},
			&sqs.ChangeMessageVisibilityOutput{}},
		{"ChangeMessageVisibilityBatch",
			&sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(testQueueURL), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
				{Id: aws.String("a"), ReceiptHandle: aws.String("rh-a"), VisibilityTimeout: 10},
				{Id: aws.String("b"), ReceiptHandle: aws.String("rh-b"), VisibilityTimeout: 20},
			}},
			&sqs.ChangeMessageVisibilityBatchOutput{
				Successful: []types.ChangeMessageVisibilityBatchResultEntry{{Id: aws.String("a")}},
				Failed: []types.BatchResultErrorEntry{{Id: aws.String("b"), Code: aws.String("ReceiptHandleIsInvalid"),
					Message: aws.String("The input receipt handle is invalid."), SenderFault: true}},
			}},
		{"CreateQueue",
			&sqs.CreateQueueInput{QueueName: aws.String("orders.fifo"),
				Attributes: map[string]string{"FifoQueue": "true", "VisibilityTimeout": "60", "Policy": `{"Version":"2012-10-17"}`},
				Tags:       map[string]string{"team": "core", "empty": ""}},
			&sqs.CreateQueueOutput{QueueUrl: aws.String(testQueueURL)}},
		{"DeleteMessage",
			&sqs.DeleteMessageInput{QueueUrl: aws.String(testQueueURL), ReceiptHandle: aws.String("rh")},
			&sqs.DeleteMessageOutput{}},
		{"DeleteMessageBatch",
			&sqs.DeleteMessageBatchInput{QueueUrl: aws.String(testQueueURL), Entries: []types.DeleteMessageBatchRequestEntry{
				{Id: aws.String("1"), ReceiptHandle: aws.String("rh1")}, {Id: aws.String("2"), ReceiptHandle: aws.String("rh2")},
			}},
			&sqs.DeleteMessageBatchOutput{
				Successful: []types.DeleteMessageBatchResultEntry{{Id: aws.String("1")}},
				Failed: []types.BatchResultErrorEntry{{Id: aws.String("2"), Code: aws.String("InternalError"),
					Message: aws.String("boom"), SenderFault: false}},
			}},
		{"DeleteQueue",
			&sqs.DeleteQueueInput{QueueUrl: aws.String(testQueueURL)},
			&sqs.DeleteQueueOutput{}},
		{"GetQueueAttributes",
			&sqs.GetQueueAttributesInput{QueueUrl: aws.String(testQueueURL), AttributeNames: []types.QueueAttributeName{"All", "Policy"}},
			&sqs.GetQueueAttributesOutput{Attributes: map[string]string{
				"ApproximateNumberOfMessages": "3", "QueueArn": "arn:aws:sqs:us-east-1:123456789012:orders",
				"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":5}`}}},
		{"GetQueueUrl",
			&sqs.GetQueueUrlInput{QueueName: aws.String("orders"), QueueOwnerAWSAccountId: aws.String("123456789012")},
			&sqs.GetQueueUrlOutput{QueueUrl: aws.String(testQueueURL)}},
		{"ListDeadLetterSourceQueues",
			&sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(testQueueURL), MaxResults: aws.Int32(10), NextToken: aws.String("tok")},
			&sqs.ListDeadLetterSourceQueuesOutput{QueueUrls: []string{testQueueURL + "-a", testQueueURL + "-b"}, NextToken: aws.String("next")}},
		{"ListMessageMoveTasks",
			&sqs.ListMessageMoveTasksInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:123456789012:dlq"), MaxResults: aws.Int32(10)},
			&sqs.ListMessageMoveTasksOutput{Results: []types.ListMessageMoveTasksResultEntry{{
				ApproximateNumberOfMessagesMoved: 5, ApproximateNumberOfMessagesToMove: aws.Int64(7),
				DestinationArn: aws.String("arn:aws:sqs:us-east-1:123456789012:orders"), FailureReason: aws.String("none"),
				MaxNumberOfMessagesPerSecond: aws.Int32(50), SourceArn: aws.String("arn:aws:sqs:us-east-1:123456789012:dlq"),
				StartedTimestamp: 1700000000000, Status: aws.String("RUNNING"), TaskHandle: aws.String("th"),
			}}}},
		{"ListQueueTags",
			&sqs.ListQueueTagsInput{QueueUrl: aws.String(testQueueURL)},
			&sqs.ListQueueTagsOutput{Tags: map[string]string{"b": "2", "a": "1", "empty": ""}}},
		{"ListQueues",
			&sqs.ListQueuesInput{MaxResults: aws.Int32(2), NextToken: aws.String("t0"), QueueNamePrefix: aws.String("ord")},
			&sqs.ListQueuesOutput{QueueUrls: []string{testQueueURL, testQueueURL + "2"}, NextToken: aws.String("t1")}},
		{"PurgeQueue",
			&sqs.PurgeQueueInput{QueueUrl: aws.String(testQueueURL)},
			&sqs.PurgeQueueOutput{}},
		{"ReceiveMessage",
			//lint:ignore SA1019 the codecs carry the deprecated AttributeName.N that clients still send
			&sqs.ReceiveMessageInput{QueueUrl: aws.String(testQueueURL), AttributeNames: []types.QueueAttributeName{"All"},
				MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All", "Foo.*"},
				MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"},
				ReceiveRequestAttemptId:     aws.String("attempt-1"), VisibilityTimeout: 30, WaitTimeSeconds: 20},
			&sqs.ReceiveMessageOutput{Messages: []types.Message{
				{MessageId: aws.String("m-1"), ReceiptHandle: aws.String("rh-1"), Body: aws.String(body1), MD5OfBody: aws.String(md5Hex(body1)),
					Attributes:             map[string]string{"SenderId": "AIDA", "ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000"},
					MD5OfMessageAttributes: aws.String("ae7155c6026991b6d54b11589678bf9c"), MessageAttributes: attrValues()},
				{MessageId: aws.String("m-2"), ReceiptHandle: aws.String("rh-2"), Body: aws.String(body2), MD5OfBody: aws.String(md5Hex(body2)),
					Attributes:             map[string]string{"MessageGroupId": "g"},
					MD5OfMessageAttributes: aws.String("00000000000000000000000000000000"),
					MessageAttributes:      map[string]types.MessageAttributeValue{"Foo": {DataType: aws.String("String"), StringValue: aws.String("Bar")}}},
			}}},
		{"RemovePermission",
			&sqs.RemovePermissionInput{QueueUrl: aws.String(testQueueURL), Label: aws.String("perm1")},
			&sqs.RemovePermissionOutput{}},
		{"SendMessage",
			&sqs.SendMessageInput{QueueUrl: aws.String(testQueueURL), MessageBody: aws.String(body1), DelaySeconds: 5,
				MessageAttributes: attrValues(), MessageDeduplicationId: aws.String("dedup"), MessageGroupId: aws.String("group"),
				MessageSystemAttributes: sysAttrValues()},
			&sqs.SendMessageOutput{MessageId: aws.String("m-1"), MD5OfMessageBody: aws.String(md5Hex(body1)),
				MD5OfMessageAttributes: aws.String("ae7155c6026991b6d54b11589678bf9c"), MD5OfMessageSystemAttributes: aws.String("5ae4d5d7636402d80f4eb6d213245a88"),
				SequenceNumber: aws.String("18849496460467696128")}},
		{"SendMessageBatch",
			&sqs.SendMessageBatchInput{QueueUrl: aws.String(testQueueURL), Entries: []types.SendMessageBatchRequestEntry{
				{Id: aws.String("e1"), MessageBody: aws.String(body1), DelaySeconds: 1, MessageAttributes: attrValues(),
					MessageDeduplicationId: aws.String("d1"), MessageGroupId: aws.String("g1"), MessageSystemAttributes: sysAttrValues()},
				{Id: aws.String("e2"), MessageBody: aws.String(body2), DelaySeconds: 2, MessageAttributes: attrValues(),
					MessageDeduplicationId: aws.String("d2"), MessageGroupId: aws.String("g2"), MessageSystemAttributes: sysAttrValues()},
			}},
			&sqs.SendMessageBatchOutput{
				Successful: []types.SendMessageBatchResultEntry{{Id: aws.String("e1"), MessageId: aws.String("m-1"),
					MD5OfMessageBody: aws.String(md5Hex(body1)), MD5OfMessageAttributes: aws.String("ae7155c6026991b6d54b11589678bf9c"),
					MD5OfMessageSystemAttributes: aws.String("5ae4d5d7636402d80f4eb6d213245a88"), SequenceNumber: aws.String("1")}},
				Failed: []types.BatchResultErrorEntry{{Id: aws.String("e2"), Code: aws.String("InvalidParameterValue"),
					Message: aws.String("bad"), SenderFault: true}},
			}},
		{"SetQueueAttributes",
			&sqs.SetQueueAttributesInput{QueueUrl: aws.String(testQueueURL), Attributes: map[string]string{"DelaySeconds": "10", "RedrivePolicy": ""}},
			&sqs.SetQueueAttributesOutput{}},
		{"StartMessageMoveTask",
			&sqs.StartMessageMoveTaskInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:123456789012:dlq"),
				DestinationArn: aws.String("arn:aws:sqs:us-east-1:123456789012:orders"), MaxNumberOfMessagesPerSecond: aws.Int32(100)},
			&sqs.StartMessageMoveTaskOutput{TaskHandle: aws.String("th-1")}},
		{"TagQueue",
			&sqs.TagQueueInput{QueueUrl: aws.String(testQueueURL), Tags: map[string]string{"k1": "v1", "k2": ""}},
			&sqs.TagQueueOutput{}},
		{"UntagQueue",
			&sqs.UntagQueueInput{QueueUrl: aws.String(testQueueURL), TagKeys: []string{"k1", "k2"}},
			&sqs.UntagQueueOutput{}},
	}
}

// TestCasesAreComplete keeps the round-trip tests honest: every operation has a case and every
// member of every input and output (recursively) is set, so a member the codec drops fails a test.
func TestCasesAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range allCases() {
		seen[c.op] = true
		requireAllSet(t, c.op+"Input", reflect.ValueOf(c.in))
		requireAllSet(t, c.op+"Output", reflect.ValueOf(c.out))
	}
	require.ElementsMatch(t, Operations(), keys(seen))
	require.Len(t, Operations(), 23)
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func requireAllSet(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		require.False(t, v.IsNil(), "%s is not set", path)
		requireAllSet(t, path, v.Elem())
	case reflect.Struct:
		for _, f := range fieldsOf(v.Type()) {
			requireAllSet(t, path+"."+f.Name, v.FieldByIndex(f.Index))
		}
	case reflect.Slice, reflect.Map:
		require.NotZero(t, v.Len(), "%s is empty", path)
		if v.Kind() == reflect.Slice {
			for i := 0; i < v.Len(); i++ {
				if v.Type().Elem().Kind() == reflect.Struct {
					requireAllSet(t, path, v.Index(i))
				}
			}
		}
	case reflect.Int32, reflect.Int64:
		require.NotZero(t, v.Int(), "%s is zero", path)
	}
}
