package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// form builds Query parameters from name/value pairs, in order.
func form(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}

func b64(b ...byte) string { return base64.StdEncoding.EncodeToString(b) }

// attrParams are the Query parameters of attrValues() under prefix (e.g. "MessageAttribute"),
// written out by hand as the Query API documents them.
func attrParams(prefix string) []string {
	return []string{
		prefix + ".1.Name", "Str", prefix + ".1.Value.DataType", "String", prefix + ".1.Value.StringValue", "a <b> & c",
		prefix + ".2.Name", "Num.x", prefix + ".2.Value.DataType", "Number.int", prefix + ".2.Value.StringValue", "42",
		prefix + ".3.Name", "Bin", prefix + ".3.Value.DataType", "Binary", prefix + ".3.Value.BinaryValue", b64(0, 1, 2, 0xff, 'x'),
		prefix + ".4.Name", "Lists", prefix + ".4.Value.DataType", "String",
		prefix + ".4.Value.StringListValue.1", "s1", prefix + ".4.Value.StringListValue.2", "s2",
		prefix + ".4.Value.BinaryListValue.1", b64(1), prefix + ".4.Value.BinaryListValue.2", b64(2, 3),
		prefix + ".5.Name", "Unicode", prefix + ".5.Value.DataType", "String.ü", prefix + ".5.Value.StringValue", "ünï\ncode",
	}
}

func sysAttrParams(prefix string) []string {
	return []string{
		prefix + ".1.Name", "AWSTraceHeader", prefix + ".1.Value.DataType", "String",
		prefix + ".1.Value.StringValue", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
		prefix + ".1.Value.BinaryValue", b64('b'), prefix + ".1.Value.StringListValue.1", "l", prefix + ".1.Value.BinaryListValue.1", b64(9),
	}
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// queryParamsFor is, per operation, the Query request a Query client sends for allCases' input.
func queryParamsFor() map[string]url.Values {
	q := testQueueURL
	e := func(n string) string { return "SendMessageBatchRequestEntry." + n }
	return map[string]url.Values{
		"AddPermission": form("QueueUrl", q, "Label", "perm1", "AWSAccountId.1", "111111111111", "AWSAccountId.2", "222222222222",
			"ActionName.1", "SendMessage", "ActionName.2", "ReceiveMessage"),
		"CancelMessageMoveTask":   form("TaskHandle", "eyJ0YXNrSWQiOiJ4In0="),
		"ChangeMessageVisibility": form("QueueUrl", q, "ReceiptHandle", "rh+/=1", "VisibilityTimeout", "45"),
		"ChangeMessageVisibilityBatch": form("QueueUrl", q,
			"ChangeMessageVisibilityBatchRequestEntry.1.Id", "a", "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle", "rh-a",
			"ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout", "10",
			"ChangeMessageVisibilityBatchRequestEntry.2.Id", "b", "ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle", "rh-b",
			"ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout", "20"),
		"CreateQueue": form("QueueName", "orders.fifo",
			"Attribute.1.Name", "FifoQueue", "Attribute.1.Value", "true",
			"Attribute.2.Name", "VisibilityTimeout", "Attribute.2.Value", "60",
			"Attribute.3.Name", "Policy", "Attribute.3.Value", `{"Version":"2012-10-17"}`,
			"Tag.1.Key", "team", "Tag.1.Value", "core", "Tag.2.Key", "empty", "Tag.2.Value", ""),
		"DeleteMessage": form("QueueUrl", q, "ReceiptHandle", "rh"),
		"DeleteMessageBatch": form("QueueUrl", q,
			"DeleteMessageBatchRequestEntry.1.Id", "1", "DeleteMessageBatchRequestEntry.1.ReceiptHandle", "rh1",
			"DeleteMessageBatchRequestEntry.2.Id", "2", "DeleteMessageBatchRequestEntry.2.ReceiptHandle", "rh2"),
		"DeleteQueue":                form("QueueUrl", q),
		"GetQueueAttributes":         form("QueueUrl", q, "AttributeName.1", "All", "AttributeName.2", "Policy"),
		"GetQueueUrl":                form("QueueName", "orders", "QueueOwnerAWSAccountId", "123456789012"),
		"ListDeadLetterSourceQueues": form("QueueUrl", q, "MaxResults", "10", "NextToken", "tok"),
		"ListMessageMoveTasks":       form("SourceArn", "arn:aws:sqs:us-east-1:123456789012:dlq", "MaxResults", "10"),
		"ListQueueTags":              form("QueueUrl", q),
		"ListQueues":                 form("MaxResults", "2", "NextToken", "t0", "QueueNamePrefix", "ord"),
		"PurgeQueue":                 form("QueueUrl", q),
		// In the model both AttributeNames and MessageSystemAttributeNames are AttributeName.N.
		"ReceiveMessage": form("QueueUrl", q, "AttributeName.1", "All", "MaxNumberOfMessages", "10",
			"MessageAttributeName.1", "All", "MessageAttributeName.2", "Foo.*", "ReceiveRequestAttemptId", "attempt-1",
			"VisibilityTimeout", "30", "WaitTimeSeconds", "20"),
		"RemovePermission": form("QueueUrl", q, "Label", "perm1"),
		"SendMessage": form(cat([]string{"QueueUrl", q, "MessageBody", body1, "DelaySeconds", "5",
			"MessageDeduplicationId", "dedup", "MessageGroupId", "group"},
			attrParams("MessageAttribute"), sysAttrParams("MessageSystemAttribute"))...),
		"SendMessageBatch": form(cat([]string{"QueueUrl", q,
			e("1.Id"), "e1", e("1.MessageBody"), body1, e("1.DelaySeconds"), "1", e("1.MessageDeduplicationId"), "d1", e("1.MessageGroupId"), "g1",
			e("2.Id"), "e2", e("2.MessageBody"), body2, e("2.DelaySeconds"), "2", e("2.MessageDeduplicationId"), "d2", e("2.MessageGroupId"), "g2"},
			attrParams(e("1.MessageAttribute")), sysAttrParams(e("1.MessageSystemAttribute")),
			attrParams(e("2.MessageAttribute")), sysAttrParams(e("2.MessageSystemAttribute")))...),
		"SetQueueAttributes": form("QueueUrl", q, "Attribute.1.Name", "DelaySeconds", "Attribute.1.Value", "10",
			"Attribute.2.Name", "RedrivePolicy", "Attribute.2.Value", ""),
		"StartMessageMoveTask": form("SourceArn", "arn:aws:sqs:us-east-1:123456789012:dlq",
			"DestinationArn", "arn:aws:sqs:us-east-1:123456789012:orders", "MaxNumberOfMessagesPerSecond", "100"),
		"TagQueue":   form("QueueUrl", q, "Tag.1.Key", "k1", "Tag.1.Value", "v1", "Tag.2.Key", "k2", "Tag.2.Value", ""),
		"UntagQueue": form("QueueUrl", q, "TagKey.1", "k1", "TagKey.2", "k2"),
	}
}

// postQuery sends a form-encoded Query request and returns the response and its body.
func postQuery(t *testing.T, h http.Handler, path string, params url.Values) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://sqs.test:9324"+path, strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	res := rr.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestQueryRoundTripAllOperations sends every operation in the Query protocol: the backend must
// see exactly allCases' input, and the XML must match the reviewed golden file.
func TestQueryRoundTripAllOperations(t *testing.T) {
	params := queryParamsFor()
	for _, c := range allCases() {
		t.Run(c.op, func(t *testing.T) {
			rec := newRecorder()
			rec.outputs[c.op] = c.out
			h := NewHandler(rec, Options{RequestID: func() string { return "req-1" }})
			p, ok := params[c.op]
			require.True(t, ok, "no Query parameters for %s", c.op)
			p.Set("Action", c.op)
			p.Set("Version", "2012-11-05")

			res, body := postQuery(t, h, "/", p)
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			assert.Equal(t, "text/xml", res.Header.Get("Content-Type"))
			assert.Equal(t, "req-1", res.Header.Get("x-amzn-RequestId"))

			calls := rec.Calls()
			require.Len(t, calls, 1)
			assert.Equal(t, c.in, calls[0].input)
			assert.Equal(t, "http://sqs.test:9324", calls[0].baseURL)

			requireWellFormedXML(t, body)
			golden(t, filepath.Join("testdata", "query", c.op+".xml"), body)
		})
	}
}

// golden compares got with a reviewed file; -update rewrites it.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func requireWellFormedXML(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		require.NoError(t, err, s)
	}
}

// TestQueryResponseShape pins the XML of the common responses to what SQS sends.
func TestQueryResponseShape(t *testing.T) {
	rec := newRecorder()
	rec.outputs["SendMessage"] = &sqs.SendMessageOutput{MessageId: aws.String("5fea7756-0ea4-451a-a703-a558b933e274"),
		MD5OfMessageBody: aws.String("fafb00f5732ab283681e124bf8747ed1")}
	rec.outputs["GetQueueAttributes"] = &sqs.GetQueueAttributesOutput{Attributes: map[string]string{"VisibilityTimeout": "30", "DelaySeconds": "0"}}
	h := NewHandler(rec, Options{RequestID: func() string { return "27daac76-34dd-47df-bd01-1f6e873584a0" }})

	_, body := postQuery(t, h, "/", form("Action", "SendMessage", "QueueUrl", testQueueURL, "MessageBody", "This is a test message"))
	assert.Equal(t, `<?xml version="1.0"?><SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">`+
		`<SendMessageResult><MD5OfMessageBody>fafb00f5732ab283681e124bf8747ed1</MD5OfMessageBody>`+
		`<MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId></SendMessageResult>`+
		`<ResponseMetadata><RequestId>27daac76-34dd-47df-bd01-1f6e873584a0</RequestId></ResponseMetadata></SendMessageResponse>`, body)

	_, body = postQuery(t, h, "/", form("Action", "GetQueueAttributes", "QueueUrl", testQueueURL, "AttributeName.1", "All"))
	assert.Contains(t, body, `<GetQueueAttributesResult><Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute>`+
		`<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute></GetQueueAttributesResult>`)

	// Operations without a result have no Result element.
	_, body = postQuery(t, h, "/", form("Action", "DeleteQueue", "QueueUrl", testQueueURL))
	assert.Equal(t, `<?xml version="1.0"?><DeleteQueueResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">`+
		`<ResponseMetadata><RequestId>27daac76-34dd-47df-bd01-1f6e873584a0</RequestId></ResponseMetadata></DeleteQueueResponse>`, body)

	// An empty receive has an empty result element (TestSqsQueryApi::test_get_send_and_receive_messages).
	_, body = postQuery(t, h, "/", form("Action", "ReceiveMessage", "QueueUrl", testQueueURL))
	assert.Equal(t, `<?xml version="1.0"?><ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">`+
		`<ReceiveMessageResult/><ResponseMetadata><RequestId>27daac76-34dd-47df-bd01-1f6e873584a0</RequestId></ResponseMetadata></ReceiveMessageResponse>`, body)
}

// TestQueryErrors: errors as the Query protocol sends them, for each way a request can fail.
func TestQueryErrors(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		path     string
		ctype    string
		body     string
		backend  error
		status   int
		code     string
		message  string
		backends int // calls the backend must see
	}{
		{name: "queue does not exist (Query wording)", body: "Action=GetQueueUrl&QueueName=nope", backend: sqserr.QueueDoesNotExist(),
			status: 400, code: "AWS.SimpleQueueService.NonExistentQueue", message: "The specified queue does not exist for this wsdl version.", backends: 1},
		{name: "purge in progress", body: "Action=PurgeQueue&QueueUrl=x", backend: sqserr.PurgeQueueInProgress("q"),
			status: 403, code: "AWS.SimpleQueueService.PurgeQueueInProgress", message: "Only one PurgeQueue operation on q is allowed every 60 seconds.", backends: 1},
		{name: "server error", body: "Action=PurgeQueue&QueueUrl=x", backend: sqserr.InternalError(),
			status: 500, code: "InternalError", message: "We encountered an internal error. Please try again.", backends: 1},
		{name: "unknown action", body: "Action=FlyToTheMoon", status: 400, code: "InvalidAction",
			message: "The action FlyToTheMoon is not valid for this endpoint."},
		{name: "missing action", body: "QueueUrl=x", status: 400, code: "MissingAction",
			message: "The request is missing an action or a required parameter."},
		{name: "malformed query string", body: "Action=SendMessage&MessageBody=%zz", status: 400, code: "MalformedQueryString"},
		{name: "not an integer", body: "Action=ReceiveMessage&QueueUrl=x&MaxNumberOfMessages=ten", status: 400, code: "InvalidParameterValue",
			message: "Value ten for parameter MaxNumberOfMessages is invalid. Reason: Must be an integer."},
		{name: "integer overflow", body: "Action=ReceiveMessage&QueueUrl=x&WaitTimeSeconds=99999999999", status: 400, code: "InvalidParameterValue"},
		{name: "bad base64", body: "Action=SendMessage&QueueUrl=x&MessageBody=b&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=Binary&MessageAttribute.1.Value.BinaryValue=!!",
			status: 400, code: "InvalidParameterValue"},
		{name: "missing required VisibilityTimeout", body: "Action=ChangeMessageVisibility&QueueUrl=x&ReceiptHandle=r", status: 400,
			code: "MissingParameter", message: "The request must contain the parameter VisibilityTimeout."},
		{name: "GET without parameters", method: http.MethodGet, status: 400, code: "MissingAction",
			message: "The request is missing an action or a required parameter."},
		{name: "too large", body: "Action=SendMessage&MessageBody=" + strings.Repeat("a", 2000), status: 413, code: "RequestEntityTooLarge"},
		// TestSqsQueryApi::test_get_create_queue_fails, test_get_list_queues_fails: not at a queue URL.
		{name: "CreateQueue at a queue URL", path: "/123456789012/orders", body: "Action=CreateQueue&QueueName=other", status: 400,
			code: "InvalidAction", message: "The action CreateQueue is not valid for this endpoint."},
		{name: "ListQueues at a queue URL", method: http.MethodGet, path: "/123456789012/orders?Action=ListQueues", status: 400,
			code: "InvalidAction", message: "The action ListQueues is not valid for this endpoint."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			for _, op := range Operations() {
				rec.errs[op] = tt.backend
			}
			h := NewHandler(rec, Options{MaxBodyBytes: 1024, RequestID: func() string { return "rid" }})
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "http://sqs.test/"+strings.TrimPrefix(tt.path, "/"), strings.NewReader(tt.body))
			ct := tt.ctype
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
			}
			req.Header.Set("Content-Type", ct)
			rr := httptest.NewRecorder()
			h.ServeHTTP(rr, req)

			assert.Equal(t, tt.status, rr.Code)
			assert.Equal(t, "text/xml", rr.Header().Get("Content-Type"))
			var er struct {
				XMLName xml.Name `xml:"http://queue.amazonaws.com/doc/2012-11-05/ ErrorResponse"`
				Error   struct {
					Type, Code, Message string
					Detail              *struct{}
				}
				RequestID string `xml:"RequestId"`
			}
			require.NoError(t, xml.Unmarshal(rr.Body.Bytes(), &er), rr.Body.String())
			assert.Equal(t, tt.code, er.Error.Code)
			if tt.message != "" {
				assert.Equal(t, tt.message, er.Error.Message)
			}
			wantType := "Sender"
			if tt.status >= 500 {
				wantType = "Receiver"
			}
			assert.Equal(t, wantType, er.Error.Type)
			assert.NotNil(t, er.Error.Detail, "SQS sends an empty <Detail/>")
			assert.Equal(t, "rid", er.RequestID)
			assert.Len(t, rec.Calls(), tt.backends)
		})
	}
}

// TestQueryQueueURLFromPath: a request to the queue URL path carries the queue; an explicit
// QueueUrl wins; GET with a query string works like POST.
func TestQueryQueueURLFromPath(t *testing.T) {
	rec := newRecorder()
	h := NewHandler(rec, Options{})

	res, body := postQuery(t, h, "/123456789012/orders", form("Action", "SendMessage", "MessageBody", "hi"))
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.Equal(t, &sqs.SendMessageInput{QueueUrl: aws.String("http://sqs.test:9324/123456789012/orders"), MessageBody: aws.String("hi")},
		rec.Calls()[0].input)

	_, _ = postQuery(t, h, "/123456789012/orders", form("Action", "PurgeQueue", "QueueUrl", "http://other/1/q"))
	assert.Equal(t, &sqs.PurgeQueueInput{QueueUrl: aws.String("http://other/1/q")}, rec.Calls()[1].input)

	// GetQueueUrl has no QueueUrl member: it ignores the path
	// (TestSqsQueryApi::test_get_queue_url_work_for_different_queue).
	_, _ = postQuery(t, h, "/123456789012/orders", form("Action", "GetQueueUrl", "QueueName", "other"))
	assert.Equal(t, &sqs.GetQueueUrlInput{QueueName: aws.String("other")}, rec.Calls()[2].input)

	// Longer queue paths are passed on for the backend to judge; a single segment is not a queue.
	_, _ = postQuery(t, h, "/queue/us-east-1/123456789012/orders", form("Action", "PurgeQueue"))
	assert.Equal(t, &sqs.PurgeQueueInput{QueueUrl: aws.String("http://sqs.test:9324/queue/us-east-1/123456789012/orders")}, rec.Calls()[3].input)
	_, _ = postQuery(t, h, "/orders", form("Action", "PurgeQueue"))
	assert.Equal(t, &sqs.PurgeQueueInput{}, rec.Calls()[4].input)

	req := httptest.NewRequest(http.MethodGet, "http://sqs.test/123456789012/orders?Action=ReceiveMessage&MaxNumberOfMessages=3&AttributeName.1=All", nil)
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	require.Equal(t, http.StatusOK, rr.Code, rr.Body.String())
	assert.Equal(t, &sqs.ReceiveMessageInput{QueueUrl: aws.String("http://sqs.test/123456789012/orders"), MaxNumberOfMessages: 3,
		//lint:ignore SA1019 the Query decoder fills the deprecated member from AttributeName.N, as clients send it
		AttributeNames:              []types.QueueAttributeName{"All"},
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}}, rec.Calls()[5].input)
}

// TestQueryQueueURLWithoutAction: a request to a queue URL without an Action gets a bare 404
// <UnknownOperationException/>, in XML even when JSON is asked for
// (TestSqsQueryApi::test_get_without_query_returns_unknown_operation,
// test_get_without_query_json_format_returns_returns_xml); at the endpoint it is MissingAction.
func TestQueryQueueURLWithoutAction(t *testing.T) {
	rec := newRecorder()
	h := NewHandler(rec, Options{})
	for _, accept := range []string{"", "application/json"} {
		req := httptest.NewRequest(http.MethodGet, "http://sqs.test/123456789012/orders", nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		assert.Equal(t, http.StatusNotFound, rr.Code)
		assert.Equal(t, "<UnknownOperationException/>", rr.Body.String())
		assert.Equal(t, "text/xml", rr.Header().Get("Content-Type"))
	}
	res, body := postQuery(t, h, "/123456789012/orders", form("QueueUrl", "x"))
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	assert.Equal(t, "<UnknownOperationException/>", body)
	assert.Empty(t, rec.Calls())
}

// TestQueryListsAndMaps: list indexes are read in numeric order, gaps are skipped, map entries
// without a key are ignored, and the Query spelling of non-flattened members works.
func TestQueryListsAndMaps(t *testing.T) {
	rec := newRecorder()
	h := NewHandler(rec, Options{})
	_, body := postQuery(t, h, "/", form("Action", "UntagQueue", "QueueUrl", "q", "TagKey.10", "ten", "TagKey.2", "two", "TagKey.1", "one", "TagKey.x", "bad", "TagKey.0", "zero"))
	require.NotContains(t, body, "ErrorResponse")
	assert.Equal(t, []string{"one", "two", "ten"}, rec.Calls()[0].input.(*sqs.UntagQueueInput).TagKeys)

	_, _ = postQuery(t, h, "/", form("Action", "TagQueue", "QueueUrl", "q", "Tag.1.Key", "a", "Tag.1.Value", "1", "Tag.2.Value", "orphan", "Tag.3.Key", "a", "Tag.3.Value", "3"))
	assert.Equal(t, map[string]string{"a": "3"}, rec.Calls()[1].input.(*sqs.TagQueueInput).Tags)
}

// TestQueryBodyAndURLParameters: parameters may come in the URL and the body; the body wins.
func TestQueryBodyAndURLParameters(t *testing.T) {
	rec := newRecorder()
	h := NewHandler(rec, Options{})
	req := httptest.NewRequest(http.MethodPost, "http://sqs.test/?Action=SendMessage&MessageBody=url", bytes.NewBufferString("QueueUrl=q&MessageBody=body"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	require.Equal(t, http.StatusOK, rr.Code, rr.Body.String())
	assert.Equal(t, &sqs.SendMessageInput{QueueUrl: aws.String("q"), MessageBody: aws.String("body")}, rec.Calls()[0].input)
}
