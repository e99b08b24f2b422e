package sqsmock

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inputTypes are the input types of every operation of the API, by operation name.
func inputTypes(t *testing.T) map[string]reflect.Type {
	t.Helper()
	api := reflect.TypeFor[API]()
	out := map[string]reflect.Type{}
	for i := range api.NumMethod() {
		m := api.Method(i)
		out[m.Name] = m.Type.In(1).Elem()
	}
	require.Len(t, out, 23)
	return out
}

// queueURLOf reads every input's QueueUrl, as reading the field by name does.
func TestQueueURLOfEveryInput(t *testing.T) {
	for op, typ := range inputTypes(t) {
		in := reflect.New(typ)
		assert.Empty(t, queueURLOf(in.Interface()), op)
		f := in.Elem().FieldByName("QueueUrl")
		if !f.IsValid() {
			continue
		}
		f.Set(reflect.ValueOf(aws.String("url of " + op)))
		assert.Equal(t, "url of "+op, queueURLOf(in.Interface()), op)
	}
}

// surelyValid accepts an input only when checkInput does, and accepts every input of its
// operations that checkInput accepts.
func TestSurelyValidAgreesWithCheckInput(t *testing.T) {
	url, s := aws.String("u"), aws.String("s")
	typed := map[string]types.MessageAttributeValue{"a": {DataType: s, StringValue: s}, "b": {DataType: s, StringValue: s}}
	untyped := map[string]types.MessageAttributeValue{"a": {DataType: s, StringValue: s}, "b": {StringValue: s}}
	sysTyped := map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: s, StringValue: s}}
	sysUntyped := map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {StringValue: s}}
	var inputs []any
	for _, u := range []*string{nil, url} {
		inputs = append(inputs, &sqs.ReceiveMessageInput{QueueUrl: u}, &sqs.GetQueueAttributesInput{QueueUrl: u})
		for _, h := range []*string{nil, s} {
			inputs = append(inputs, &sqs.DeleteMessageInput{QueueUrl: u, ReceiptHandle: h},
				&sqs.ChangeMessageVisibilityInput{QueueUrl: u, ReceiptHandle: h})
			for _, attrs := range []map[string]types.MessageAttributeValue{nil, {}, typed, untyped} {
				for _, sys := range []map[string]types.MessageSystemAttributeValue{nil, sysTyped, sysUntyped} {
					inputs = append(inputs, &sqs.SendMessageInput{QueueUrl: u, MessageBody: h, MessageAttributes: attrs, MessageSystemAttributes: sys})
				}
			}
		}
		send := types.SendMessageBatchRequestEntry{Id: s, MessageBody: s}
		del := types.DeleteMessageBatchRequestEntry{Id: s, ReceiptHandle: s}
		vis := types.ChangeMessageVisibilityBatchRequestEntry{Id: s, ReceiptHandle: s}
		for _, entries := range [][]types.SendMessageBatchRequestEntry{nil, {}, {send}, {send, {MessageBody: s}}, {{Id: s}},
			{send, {Id: s, MessageBody: s, MessageAttributes: untyped}}, {{Id: s, MessageBody: s, MessageAttributes: typed, MessageSystemAttributes: sysUntyped}}} {
			inputs = append(inputs, &sqs.SendMessageBatchInput{QueueUrl: u, Entries: entries})
		}
		for _, entries := range [][]types.DeleteMessageBatchRequestEntry{nil, {}, {del}, {del, {ReceiptHandle: s}}, {{Id: s}}} {
			inputs = append(inputs, &sqs.DeleteMessageBatchInput{QueueUrl: u, Entries: entries})
		}
		for _, entries := range [][]types.ChangeMessageVisibilityBatchRequestEntry{nil, {}, {vis}, {{ReceiptHandle: s}}, {vis, {Id: s}}} {
			inputs = append(inputs, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: u, Entries: entries})
		}
	}
	valid := 0
	for _, in := range inputs {
		op := strings.TrimSuffix(reflect.TypeOf(in).Elem().Name(), "Input")
		err := checkInput(op, in)
		assert.Equal(t, err == nil, surelyValid(in), "%s %+v: %v", op, in, err)
		assert.Equal(t, err, validateInput(op, in))
		if err == nil {
			valid++
		}
	}
	assert.Greater(t, valid, 10)
	assert.Less(t, valid, len(inputs)/2)
}
