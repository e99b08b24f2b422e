package sqsmock_test

// The AWS JSON 1.0 protocol through the HTTP server and the engine, checked against answers
// recorded from real SQS (LocalStack's AWS-validated snapshots, `[sqs]` runs): SQS never sends an
// empty list or map, so results with nothing in them have no key for it.

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// jsonCall sends one AWS JSON 1.0 request to srv and returns the answer's body, requiring HTTP 200.
func jsonCall(t *testing.T, srv *sqsmock.Server, op string, in any) string {
	t.Helper()
	b, err := json.Marshal(in)
	require.NoError(t, err)
	res, body := postJSON(t, srv.URL, op, string(b))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", op, body)
	return string(body)
}

// jsonObject decodes a JSON answer into an object.
func jsonObject(t *testing.T, body string) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &out), body)
	return out
}

// TestJSONRecordedEmptyCollections: every operation whose result can be empty answers without
// the empty list or map.
func TestJSONRecordedEmptyCollections(t *testing.T) {
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Clock = sqsmock.NewManualClock(epoch) })
	})
	q := jsonObject(t, jsonCall(t, srv, "CreateQueue", map[string]any{"QueueName": "empties"}))["QueueUrl"].(string)
	arn := jsonObject(t, jsonCall(t, srv, "GetQueueAttributes",
		map[string]any{"QueueUrl": q, "AttributeNames": []string{"QueueArn"}}))["Attributes"].(map[string]any)["QueueArn"].(string)

	// test_receive_empty_queue[sqs]: no "Messages".
	assert.Equal(t, `{}`, jsonCall(t, srv, "ReceiveMessage", map[string]any{"QueueUrl": q}))
	// test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size[sqs]:
	// an all-successful batch has "Successful" and no "Failed".
	out := jsonObject(t, jsonCall(t, srv, "SendMessageBatch", map[string]any{"QueueUrl": q, "Entries": []map[string]any{
		{"Id": "1", "MessageBody": "a"}, {"Id": "2", "MessageBody": "b"}}}))
	assert.NotContains(t, out, "Failed")
	assert.Len(t, out["Successful"], 2)

	msgs := jsonObject(t, jsonCall(t, srv, "ReceiveMessage", map[string]any{"QueueUrl": q, "MaxNumberOfMessages": 10}))["Messages"].([]any)
	require.Len(t, msgs, 2)
	var cmv, del []map[string]any
	for i, m := range msgs {
		m := m.(map[string]any)
		assert.NotContains(t, m, "MessageAttributes", "a message without attributes")
		assert.NotContains(t, m, "Attributes", "no attribute names asked for")
		id := string(rune('a' + i))
		cmv = append(cmv, map[string]any{"Id": id, "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 5})
		del = append(del, map[string]any{"Id": id, "ReceiptHandle": m["ReceiptHandle"]})
	}
	out = jsonObject(t, jsonCall(t, srv, "ChangeMessageVisibilityBatch", map[string]any{"QueueUrl": q, "Entries": cmv}))
	assert.NotContains(t, out, "Failed")
	assert.Len(t, out["Successful"], 2)
	out = jsonObject(t, jsonCall(t, srv, "DeleteMessageBatch", map[string]any{"QueueUrl": q, "Entries": del}))
	assert.NotContains(t, out, "Failed")
	assert.Len(t, out["Successful"], 2)

	// test_sqs_permission_lifecycle[sqs] get-queue-policy-attribute-after-removal: no "Attributes".
	assert.Equal(t, `{}`, jsonCall(t, srv, "GetQueueAttributes", map[string]any{"QueueUrl": q, "AttributeNames": []string{"Policy"}}))
	// test_tag_untag_queue[sqs] get-tag-after-untag: no "Tags".
	assert.Equal(t, `{}`, jsonCall(t, srv, "ListQueueTags", map[string]any{"QueueUrl": q}))
	assert.Equal(t, `{}`, jsonCall(t, srv, "ListQueues", map[string]any{"QueueNamePrefix": "nothing-here"}))
	assert.Equal(t, `{}`, jsonCall(t, srv, "ListDeadLetterSourceQueues", map[string]any{"QueueUrl": q}))
	assert.Equal(t, `{}`, jsonCall(t, srv, "ListMessageMoveTasks", map[string]any{"SourceArn": arn}))
}
