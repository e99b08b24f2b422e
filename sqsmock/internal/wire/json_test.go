package wire

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// postJSON sends an AWS JSON 1.0 request for op with body.
func postJSON(t *testing.T, h http.Handler, op, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://sqs.test/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS."+op)
	req.Header.Set("X-Amzn-Query-Mode", "true")
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	return rr
}

// TestJSONOutputsGolden pins the JSON encoding of every operation's output.
func TestJSONOutputsGolden(t *testing.T) {
	for _, c := range allCases() {
		t.Run(c.op, func(t *testing.T) {
			rec := newRecorder()
			rec.outputs[c.op] = c.out
			rr := postJSON(t, NewHandler(rec, Options{}), c.op, `{"VisibilityTimeout":0}`)
			require.Equal(t, http.StatusOK, rr.Code, rr.Body.String())
			assert.Equal(t, "application/x-amz-json-1.0", rr.Header().Get("Content-Type"))
			assert.NotEmpty(t, rr.Header().Get("x-amzn-RequestId"))
			require.True(t, json.Valid(rr.Body.Bytes()), rr.Body.String())
			golden(t, filepath.Join("testdata", "json", c.op+".json"), rr.Body.String())
		})
	}
}

// TestJSONEncoding pins details of the JSON encoding.
func TestJSONEncoding(t *testing.T) {
	rec := newRecorder()
	rec.outputs["SendMessage"] = &sqs.SendMessageOutput{MessageId: aws.String("id"), MD5OfMessageBody: aws.String("md5")}
	h := NewHandler(rec, Options{})
	assert.JSONEq(t, `{"MD5OfMessageBody":"md5","MessageId":"id"}`, postJSON(t, h, "SendMessage", `{}`).Body.String())
	assert.Equal(t, `{}`, postJSON(t, h, "DeleteQueue", `{}`).Body.String(), "no output members")
	assert.Equal(t, `{}`, postJSON(t, h, "ReceiveMessage", `{}`).Body.String(), "nil members are omitted")
}

// TestJSONBadInput: undecodable requests get SQS's error and never reach the backend.
func TestJSONBadInput(t *testing.T) {
	tests := []struct {
		name, target, ctype, method, body string
		status                            int
		shape, code, message              string
	}{
		{name: "malformed JSON", body: `{"QueueUrl":`, status: 400, shape: "SerializationException"},
		{name: "not JSON", body: `QueueUrl=x`, status: 400, shape: "SerializationException"},
		{name: "trailing data", body: `{} {}`, status: 400, shape: "SerializationException"},
		{name: "array body", body: `[]`, status: 400, shape: "SerializationException", message: "START_ARRAY can not be converted to a Structure"},
		{name: "string for integer", body: `{"QueueUrl":"q","MaxNumberOfMessages":"10"}`, status: 400, shape: "SerializationException",
			message: "STRING_VALUE can not be converted to an Integer"},
		{name: "fraction for integer", body: `{"QueueUrl":"q","WaitTimeSeconds":1.5}`, status: 400, shape: "SerializationException"},
		{name: "integer overflow", body: `{"QueueUrl":"q","WaitTimeSeconds":4294967296}`, status: 400, shape: "SerializationException"},
		{name: "number for string", body: `{"QueueUrl":5}`, status: 400, shape: "SerializationException",
			message: "NUMBER_VALUE can not be converted to a String"},
		{name: "object for list", body: `{"QueueUrl":"q","AttributeNames":{"a":1}}`, status: 400, shape: "SerializationException"},
		{name: "list for map", body: `{"QueueUrl":"q","MessageAttributes":[]}`, target: "AmazonSQS.SendMessage", status: 400, shape: "SerializationException"},
		{name: "bad base64", body: `{"QueueUrl":"q","MessageBody":"b","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"!!"}}}`,
			target: "AmazonSQS.SendMessage", status: 400, shape: "SerializationException"},
		{name: "bool for string in entry", body: `{"QueueUrl":"q","Entries":[{"Id":true}]}`, target: "AmazonSQS.SendMessageBatch", status: 400,
			shape: "SerializationException", message: "TRUE_VALUE can not be converted to a String"},
		{name: "missing VisibilityTimeout", body: `{"QueueUrl":"q","ReceiptHandle":"r"}`, target: "AmazonSQS.ChangeMessageVisibility",
			status: 400, shape: "MissingRequiredParameterException", code: "MissingParameter",
			message: "The request must contain the parameter VisibilityTimeout."},
		{name: "unknown operation", target: "AmazonSQS.FlyToTheMoon", body: `{}`, status: 400, shape: "UnknownOperationException", code: "InvalidAction"},
		{name: "other service", target: "DynamoDB_20120810.ListTables", body: `{}`, status: 400, shape: "UnknownOperationException", code: "InvalidAction"},
		{name: "wrong content type", ctype: "application/json", body: `{}`, status: 400, shape: "UnknownOperationException", code: "InvalidAction"},
		{name: "GET", method: http.MethodGet, status: 400, shape: "UnknownOperationException", code: "InvalidAction"},
		{name: "too large", body: `{"QueueUrl":"q","MessageBody":"` + strings.Repeat("a", 2048) + `"}`, status: 413, shape: "RequestEntityTooLarge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			h := NewHandler(rec, Options{MaxBodyBytes: 1024})
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "http://sqs.test/", strings.NewReader(tt.body))
			target := tt.target
			if target == "" {
				target = "AmazonSQS.ReceiveMessage"
			}
			ctype := tt.ctype
			if ctype == "" {
				ctype = "application/x-amz-json-1.0"
			}
			req.Header.Set("X-Amz-Target", target)
			req.Header.Set("Content-Type", ctype)
			rr := httptest.NewRecorder()
			h.ServeHTTP(rr, req)

			assert.Equal(t, tt.status, rr.Code)
			var body struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			require.NoError(t, json.Unmarshal(rr.Body.Bytes(), &body), rr.Body.String())
			assert.Equal(t, "com.amazonaws.sqs#"+tt.shape, body.Type)
			code := tt.code
			if code == "" {
				code = tt.shape
			}
			assert.Equal(t, code+";Sender", rr.Header().Get("x-amzn-query-error"))
			if tt.message != "" {
				assert.Equal(t, tt.message, body.Message)
			}
			assert.Empty(t, rec.Calls(), "an undecodable request must not reach the backend")
		})
	}
}

// TestJSONLenientInput: what SQS accepts — empty body, null, unknown members, charset
// parameters — and that member names are case-sensitive.
func TestJSONLenientInput(t *testing.T) {
	tests := []struct {
		name, body, ctype string
		want              *sqs.ReceiveMessageInput
	}{
		{"empty body", "", "", &sqs.ReceiveMessageInput{}},
		{"null body", "null", "", &sqs.ReceiveMessageInput{}},
		{"null members", `{"QueueUrl":null,"MaxNumberOfMessages":null,"AttributeNames":null}`, "", &sqs.ReceiveMessageInput{}},
		{"unknown members", `{"QueueUrl":"q","Bogus":{"x":[1,2]}}`, "", &sqs.ReceiveMessageInput{QueueUrl: aws.String("q")}},
		{"member names are case-sensitive", `{"queueurl":"q"}`, "", &sqs.ReceiveMessageInput{}},
		{"charset parameter", `{"QueueUrl":"q"}`, "application/x-amz-json-1.0; charset=utf-8", &sqs.ReceiveMessageInput{QueueUrl: aws.String("q")}},
		{"whitespace", " \n{ \"QueueUrl\" : \"q\" }\n ", "", &sqs.ReceiveMessageInput{QueueUrl: aws.String("q")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			h := NewHandler(rec, Options{})
			req := httptest.NewRequest(http.MethodPost, "http://sqs.test/", strings.NewReader(tt.body))
			req.Header.Set("X-Amz-Target", "AmazonSQS.ReceiveMessage")
			ct := tt.ctype
			if ct == "" {
				ct = "application/x-amz-json-1.0"
			}
			req.Header.Set("Content-Type", ct)
			rr := httptest.NewRecorder()
			h.ServeHTTP(rr, req)
			require.Equal(t, http.StatusOK, rr.Code, rr.Body.String())
			require.Len(t, rec.Calls(), 1)
			assert.Equal(t, tt.want, rec.Calls()[0].input)
		})
	}
}

// TestJSONErrorResponse pins the whole error response.
func TestJSONErrorResponse(t *testing.T) {
	rec := newRecorder()
	rec.errs["GetQueueUrl"] = sqserr.QueueDoesNotExist()
	h := NewHandler(rec, Options{RequestID: func() string { return "rid-1" }})
	rr := postJSON(t, h, "GetQueueUrl", `{"QueueName":"nope"}`)
	res := rr.Result()
	b, _ := io.ReadAll(res.Body)
	assert.Equal(t, 400, res.StatusCode)
	assert.Equal(t, `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`, string(b))
	assert.Equal(t, "AWS.SimpleQueueService.NonExistentQueue;Sender", res.Header.Get("x-amzn-query-error"))
	assert.Equal(t, "application/x-amz-json-1.0", res.Header.Get("Content-Type"))
	assert.Equal(t, "rid-1", res.Header.Get("x-amzn-RequestId"))
}

// TestBaseURL: the backend sees the scheme and host the request came in on, or the override.
func TestBaseURL(t *testing.T) {
	rec := newRecorder()
	postJSON(t, NewHandler(rec, Options{}), "ListQueues", `{}`)
	postJSON(t, NewHandler(rec, Options{BaseURL: "https://sqs.example:4443/"}), "ListQueues", `{}`)
	calls := rec.Calls()
	assert.Equal(t, "http://sqs.test", calls[0].baseURL)
	assert.Equal(t, "https://sqs.example:4443", calls[1].baseURL)
}
