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
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// queryJSON sends a Query request asking for JSON and returns the response and its body.
func queryJSON(t *testing.T, h http.Handler, method, target, accept string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		u, q, _ := strings.Cut(target, "?")
		target, body = u, strings.NewReader(q)
	}
	req := httptest.NewRequest(method, "http://sqs.test"+target, body)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	res := rr.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestQueryJSONRecordedAnswers: answers of real SQS to Query requests asking for JSON, byte for
// byte, from public sources: an SDK's test of ListQueues recorded from AWS
// (elerch/aws-sdk-for-zig, src/aws.zig), and API Gateway SQS integrations' documented answers
// (aws-samples serverless-patterns: SendMessage, ReceiveMessage empty and with a message, and an
// AccessDenied error from an execution log).
func TestQueryJSONRecordedAnswers(t *testing.T) {
	tests := []struct {
		name, reqID, action string
		out                 any
		err                 error
		status              int
		want                string
	}{
		{name: "ListQueues, none", reqID: "a85e390b-b866-590e-8cae-645f2bbe59c5", action: "ListQueues", out: &sqs.ListQueuesOutput{},
			want: `{"ListQueuesResponse":{"ListQueuesResult":{"NextExclusiveStartQueueName":null,"NextToken":null,"queueUrls":null},` +
				`"ResponseMetadata":{"RequestId":"a85e390b-b866-590e-8cae-645f2bbe59c5"}}}`},
		{name: "SendMessage", reqID: "5cbe815f-8db4-5c39-a834-dcfbd53c1f5c", action: "SendMessage",
			out: &sqs.SendMessageOutput{MD5OfMessageBody: aws.String("0046701aed8ee5c7de6c01430556b13e"), MessageId: aws.String("59c52602-131d-420c-8701-7d8f275f36ac")},
			want: `{"SendMessageResponse":{"ResponseMetadata":{"RequestId":"5cbe815f-8db4-5c39-a834-dcfbd53c1f5c"},` +
				`"SendMessageResult":{"MD5OfMessageAttributes":null,"MD5OfMessageBody":"0046701aed8ee5c7de6c01430556b13e",` +
				`"MD5OfMessageSystemAttributes":null,"MessageId":"59c52602-131d-420c-8701-7d8f275f36ac","SequenceNumber":null}}}`},
		{name: "ReceiveMessage, empty", reqID: "RequestId", action: "ReceiveMessage", out: &sqs.ReceiveMessageOutput{Messages: []types.Message{}},
			want: `{"ReceiveMessageResponse":{"ReceiveMessageResult":{"messages":null},"ResponseMetadata":{"RequestId":"RequestId"}}}`},
		{name: "ReceiveMessage", reqID: "requestID", action: "ReceiveMessage", out: &sqs.ReceiveMessageOutput{Messages: []types.Message{{
			Body: aws.String("messageBody"), MD5OfBody: aws.String("MD5OfBody"), MessageId: aws.String("Queue Message ID"), ReceiptHandle: aws.String("ReceiptHandle")}}},
			want: `{"ReceiveMessageResponse":{"ReceiveMessageResult":{"messages":[{"Attributes":null,"Body":"messageBody","MD5OfBody":"MD5OfBody",` +
				`"MD5OfMessageAttributes":null,"MessageAttributes":null,"MessageId":"Queue Message ID","ReceiptHandle":"ReceiptHandle"}]},` +
				`"ResponseMetadata":{"RequestId":"requestID"}}}`},
		{name: "AccessDenied", reqID: "e5c86bb5-46c3-5659-801a-3610a8fa4b32", action: "SendMessage", status: http.StatusForbidden,
			err: sqserr.AccessDenied("Access to the resource https://sqs.eu-west-1.amazonaws.com/565245842699/CdkQueueBasedLoadLevelingApiStack-queue276F7297-mGo7HiEGAALF is denied."),
			want: `{"Error":{"Code":"AccessDenied","Message":"Access to the resource https://sqs.eu-west-1.amazonaws.com/565245842699/` +
				`CdkQueueBasedLoadLevelingApiStack-queue276F7297-mGo7HiEGAALF is denied.","Type":"Sender"},"RequestId":"e5c86bb5-46c3-5659-801a-3610a8fa4b32"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			if tt.out != nil {
				rec.outputs[tt.action] = tt.out
			}
			if tt.err != nil {
				rec.errs[tt.action] = tt.err
			}
			h := NewHandler(rec, Options{RequestID: func() string { return tt.reqID }})
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				res, body := queryJSON(t, h, method, "/?Action="+tt.action+"&QueueUrl=q&MessageBody=b&Version=2012-11-05", "application/json")
				want := tt.status
				if want == 0 {
					want = http.StatusOK
				}
				assert.Equal(t, want, res.StatusCode, body)
				assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
				assert.Equal(t, tt.want, body, method)
			}
		})
	}
}

// TestQueryJSONGolden pins the JSON form of every operation's Query answer, every member set:
// maps are lists of Name/Value (Key/Value) objects sorted by key, as in the XML.
func TestQueryJSONGolden(t *testing.T) {
	params := queryParamsFor()
	for _, c := range allCases() {
		t.Run(c.op, func(t *testing.T) {
			rec := newRecorder()
			rec.outputs[c.op] = c.out
			h := NewHandler(rec, Options{RequestID: func() string { return "req-1" }})
			p := params[c.op]
			p.Set("Action", c.op)
			res, body := queryJSON(t, h, http.MethodPost, "/?"+p.Encode(), "application/json")
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			assert.Equal(t, "req-1", res.Header.Get("x-amzn-RequestId"))
			var doc map[string]map[string]any
			require.NoError(t, json.Unmarshal([]byte(body), &doc), body)
			require.Contains(t, doc, c.op+"Response")
			assert.Equal(t, map[string]any{"RequestId": "req-1"}, doc[c.op+"Response"]["ResponseMetadata"])
			assert.Equal(t, hasResult(c.out), doc[c.op+"Response"][c.op+"Result"] != nil, body)
			golden(t, filepath.Join("testdata", "queryjson", c.op+".json"), body)
		})
	}
}

// hasResult reports whether the output type has members (and so an <OpResult>).
func hasResult(out any) bool {
	s := &queryJSONSerializer{}
	out.(smithy.Serializable).Serialize(s)
	return !s.unit
}

// TestQueryJSONErrors: errors of Query requests asking for JSON are JSON too, with the Query
// code, message and status; a request to a queue URL without an Action stays SQS's bare XML 404
// (TestSqsQueryApi::test_get_without_query_json_format_returns_returns_xml).
func TestQueryJSONErrors(t *testing.T) {
	rec := newRecorder()
	rec.errs["GetQueueAttributes"] = sqserr.QueueDoesNotExist()
	h := NewHandler(rec, Options{RequestID: func() string { return "r" }})
	tests := []struct {
		target string
		status int
		want   string
	}{
		{"/", 400, `{"Error":{"Code":"MissingAction","Message":"The request is missing an action or a required parameter.","Type":"Sender"},"RequestId":"r"}`},
		{"/?Action=FooBar", 400, `{"Error":{"Code":"InvalidAction","Message":"The action FooBar is not valid for this endpoint.","Type":"Sender"},"RequestId":"r"}`},
		// TestSqsQueryApi::test_get_list_queues_fails_json_format
		{"/000000000000/q?Action=ListQueues", 400, `{"Error":{"Code":"InvalidAction","Message":"The action ListQueues is not valid for this endpoint.","Type":"Sender"},"RequestId":"r"}`},
		{"/?Action=GetQueueAttributes&QueueUrl=q", 400, `{"Error":{"Code":"AWS.SimpleQueueService.NonExistentQueue",` +
			`"Message":"The specified queue does not exist for this wsdl version.","Type":"Sender"},"RequestId":"r"}`},
		{"/?Action=ReceiveMessage&QueueUrl=q&WaitTimeSeconds=x", 400, `{"Error":{"Code":"InvalidParameterValue",` +
			`"Message":"Value x for parameter WaitTimeSeconds is invalid. Reason: Must be an integer.","Type":"Sender"},"RequestId":"r"}`},
	}
	for _, tt := range tests {
		res, body := queryJSON(t, h, http.MethodGet, tt.target, "application/json")
		assert.Equal(t, tt.status, res.StatusCode, body)
		assert.Equal(t, "application/json", res.Header.Get("Content-Type"), tt.target)
		assert.Equal(t, tt.want, body, tt.target)
	}
	res, body := queryJSON(t, h, http.MethodGet, "/000000000000/q", "application/json")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	assert.Equal(t, "<UnknownOperationException/>", body)
}

// TestQueryJSONNegotiation: only an Accept header preferring application/json gets JSON.
func TestQueryJSONNegotiation(t *testing.T) {
	tests := []struct {
		accept string
		json   bool
	}{
		{"", false},
		{"*/*", false},
		{"text/xml", false},
		{"application/json", true},
		{"Application/JSON; charset=utf-8", true},
		{"application/json, text/xml", true},
		{"text/xml, application/json", false},
		{"text/xml;q=0.5, application/json", true},
		{"application/json;q=0.1, application/xml", false},
		{"application/json;q=0", false},
		{"text/html, application/json;q=0.9, */*;q=0.8", true},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/?Action=ListQueues", nil)
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		assert.Equal(t, tt.json, wantsJSON(req), "Accept: %q", tt.accept)
	}
	// Without asking, a Query answer stays XML.
	_, body := queryJSON(t, NewHandler(newRecorder(), Options{}), http.MethodGet, "/?Action=ListQueues", "")
	assert.True(t, strings.HasPrefix(body, "<?xml"), body)
}
