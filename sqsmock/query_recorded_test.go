package sqsmock_test

// The Query protocol (form-encoded requests, XML answers) through the HTTP server and the engine,
// checked against answers recorded from real SQS: LocalStack's test suite
// (tests/aws/services/sqs/test_sqs.py) keeps AWS's answers for its `[sqs_query]` runs, which go
// over the Query protocol, and for class TestSqsQueryApi, which sends raw GET requests to queue
// URLs. Each assertion names the recorded test it reproduces.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// rqNV is a Name/Value pair: a queue or message system attribute.
type rqNV struct{ Name, Value string }

type rqMessage struct {
	MessageID         string `xml:"MessageId"`
	ReceiptHandle     string
	MD5OfBody         string
	Body              string
	MD5OfMessageAttrs *string `xml:"MD5OfMessageAttributes"`
	Attributes        []rqNV  `xml:"Attribute"`
	MessageAttributes []struct {
		Name  string
		Value struct{ DataType, StringValue, BinaryValue string }
	} `xml:"MessageAttribute"`
}

func (m rqMessage) attrs() map[string]string {
	out := map[string]string{}
	for _, a := range m.Attributes {
		out[a.Name] = a.Value
	}
	return out
}

func (m rqMessage) messageAttrNames() []string {
	var out []string
	for _, a := range m.MessageAttributes {
		out = append(out, a.Name)
	}
	return out
}

type rqBatchEntry struct {
	ID                string  `xml:"Id"`
	MessageID         string  `xml:"MessageId"`
	MD5OfMessageBody  string  `xml:"MD5OfMessageBody"`
	MD5OfMessageAttrs *string `xml:"MD5OfMessageAttributes"`
}

// rqDoc is any Query answer: a success (<OpResponse>) or an <ErrorResponse>.
type rqDoc struct {
	XMLName   xml.Name
	RequestID string `xml:"ResponseMetadata>RequestId"`
	QueueURL  string `xml:"CreateQueueResult>QueueUrl"`
	GetURL    string `xml:"GetQueueUrlResult>QueueUrl"`
	Attrs     []rqNV `xml:"GetQueueAttributesResult>Attribute"`
	Tags      []struct {
		Key, Value string
	} `xml:"ListQueueTagsResult>Tag"`
	Send struct {
		MessageID         string  `xml:"MessageId"`
		MD5OfMessageBody  string  `xml:"MD5OfMessageBody"`
		MD5OfMessageAttrs *string `xml:"MD5OfMessageAttributes"`
		SequenceNumber    *string `xml:"SequenceNumber"`
	} `xml:"SendMessageResult"`
	BatchOK  []rqBatchEntry `xml:"SendMessageBatchResult>SendMessageBatchResultEntry"`
	Messages []rqMessage    `xml:"ReceiveMessageResult>Message"`
	Error    struct {
		Type, Code, Message string
		Detail              *struct{}
	} `xml:"Error"`
	ErrRequestID string `xml:"RequestId"`
}

func (d rqDoc) attrs() map[string]string {
	out := map[string]string{}
	for _, a := range d.Attrs {
		out[a.Name] = a.Value
	}
	return out
}

type rqResp struct {
	status int
	header http.Header
	body   string
}

// rq is a Query client of one server with a manual clock.
type rq struct {
	t   *testing.T
	srv *sqsmock.Server
	clk *sqsmock.ManualClock
}

func newRQ(t *testing.T) *rq {
	t.Helper()
	clk := sqsmock.NewManualClock(epoch)
	return &rq{t: t, srv: sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) { so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Clock = clk }) }), clk: clk}
}

// form turns name/value pairs into parameters.
func rqForm(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

// send makes one request. A GET carries the parameters in the query string, a POST in a form body.
func (c *rq) send(method, target string, params url.Values, header http.Header) rqResp {
	c.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = c.srv.URL + target
	}
	var body io.Reader
	if method == http.MethodGet {
		if len(params) > 0 {
			target += "?" + params.Encode()
		}
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	require.NoError(c.t, err)
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return rqResp{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *rq) post(pairs ...string) rqResp {
	c.t.Helper()
	return c.send(http.MethodPost, "/", rqForm(pairs...), nil)
}

func (c *rq) get(target string, pairs ...string) rqResp {
	c.t.Helper()
	return c.send(http.MethodGet, target, rqForm(pairs...), nil)
}

// parse decodes an answer and checks what every Query answer has: text/xml, the 2012-11-05
// namespace, a request id equal to the x-amzn-RequestId header.
func (c *rq) parse(r rqResp) rqDoc {
	c.t.Helper()
	var d rqDoc
	require.NoError(c.t, xml.Unmarshal([]byte(r.body), &d), r.body)
	assert.Equal(c.t, "text/xml", r.header.Get("Content-Type"), r.body)
	assert.Equal(c.t, "http://queue.amazonaws.com/doc/2012-11-05/", d.XMLName.Space, r.body)
	rid := d.RequestID
	if d.XMLName.Local == "ErrorResponse" {
		rid = d.ErrRequestID
	}
	assert.NotEmpty(c.t, rid, r.body)
	assert.Equal(c.t, r.header.Get("x-amzn-RequestId"), rid, r.body)
	return d
}

// ok requires a 200 answer <ActionResponse> and decodes it.
func (c *rq) ok(r rqResp) rqDoc {
	c.t.Helper()
	require.Equal(c.t, http.StatusOK, r.status, r.body)
	d := c.parse(r)
	require.True(c.t, strings.HasSuffix(d.XMLName.Local, "Response") && d.XMLName.Local != "ErrorResponse", r.body)
	return d
}

// fails requires the ErrorResponse SQS sends over the Query protocol:
// <ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error><RequestId/></ErrorResponse>.
func (c *rq) fails(r rqResp, status int, code, message string) {
	c.t.Helper()
	require.Equal(c.t, status, r.status, r.body)
	d := c.parse(r)
	require.Equal(c.t, "ErrorResponse", d.XMLName.Local, r.body)
	assert.Equal(c.t, code, d.Error.Code, r.body)
	assert.Equal(c.t, message, d.Error.Message, r.body)
	wantType := "Sender"
	if status >= 500 {
		wantType = "Receiver"
	}
	assert.Equal(c.t, wantType, d.Error.Type, r.body)
	assert.NotNil(c.t, d.Error.Detail, "botocore reads AWS's <Detail/> as Detail: None: %s", r.body)
}

// createQueue makes a queue with attributes given as name/value pairs and returns its URL.
func (c *rq) createQueue(name string, attrs ...string) string {
	c.t.Helper()
	p := []string{"Action", "CreateQueue", "QueueName", name}
	for i := 0; i+1 < len(attrs); i += 2 {
		n := strconv.Itoa(i/2 + 1)
		p = append(p, "Attribute."+n+".Name", attrs[i], "Attribute."+n+".Value", attrs[i+1])
	}
	d := c.ok(c.post(p...))
	require.NotEmpty(c.t, d.QueueURL)
	return d.QueueURL
}

func (c *rq) queueAttrs(queueURL string, names ...string) map[string]string {
	c.t.Helper()
	p := []string{"Action", "GetQueueAttributes", "QueueUrl", queueURL}
	for i, n := range names {
		p = append(p, "AttributeName."+strconv.Itoa(i+1), n)
	}
	return c.ok(c.post(p...)).attrs()
}

// receive receives with extra parameters.
func (c *rq) receive(queueURL string, pairs ...string) []rqMessage {
	c.t.Helper()
	return c.ok(c.post(append([]string{"Action", "ReceiveMessage", "QueueUrl", queueURL}, pairs...)...)).Messages
}

func (c *rq) sendBody(queueURL, body string, pairs ...string) rqDoc {
	c.t.Helper()
	return c.ok(c.post(append([]string{"Action", "SendMessage", "QueueUrl", queueURL, "MessageBody", body}, pairs...)...))
}

// batchEntries builds n entries of prefix (SendMessageBatchRequestEntry, ...) from one entry's
// name/value pairs, with "%d" in values replaced by the entry's number.
func batchEntries(prefix string, n int, pairs ...string) []string {
	var out []string
	for i := 1; i <= n; i++ {
		for j := 0; j+1 < len(pairs); j += 2 {
			out = append(out, fmt.Sprintf("%s.%d.%s", prefix, i, pairs[j]), strings.ReplaceAll(pairs[j+1], "%d", strconv.Itoa(i)))
		}
	}
	return out
}

// TestQueryRecordedErrors: every recorded [sqs_query] error, request by request.
func TestQueryRecordedErrors(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("errors")
	fifo := c.createQueue("errors.fifo", "FifoQueue", "true")
	const ipv = "InvalidParameterValue"

	// test_send_receive_max_number_of_messages[sqs_query]
	c.fails(c.post("Action", "ReceiveMessage", "QueueUrl", q, "MaxNumberOfMessages", "11"), 400, ipv,
		"Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
	// test_send_receive_wait_time_seconds[sqs_query]
	c.fails(c.post("Action", "ReceiveMessage", "QueueUrl", q, "WaitTimeSeconds", "21"), 400, ipv,
		"Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
	c.fails(c.post("Action", "ReceiveMessage", "QueueUrl", q, "WaitTimeSeconds", "-1"), 400, ipv,
		"Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")

	// test_send_oversized_message[sqs_query]
	c.fails(c.post("Action", "SendMessage", "QueueUrl", q, "MessageBody", strings.Repeat("a", 1048577)), 400, ipv,
		"One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.")
	// test_send_empty_message[sqs_query]
	c.fails(c.post("Action", "SendMessage", "QueueUrl", q, "MessageBody", ""), 400, "MissingParameter",
		"The request must contain the parameter MessageBody.")
	// test_send_message_with_empty_string_attribute[sqs_query]
	c.fails(c.post("Action", "SendMessage", "QueueUrl", q, "MessageBody", "test",
		"MessageAttribute.1.Name", "ErrorDetails", "MessageAttribute.1.Value.DataType", "String", "MessageAttribute.1.Value.StringValue", ""),
		400, ipv, "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.")

	// test_send_message_batch_with_oversized_contents[sqs_query]: 1048576-8 bytes of body plus an
	// attribute of 8 bytes, and a second message of one byte.
	c.fails(c.post("Action", "SendMessageBatch", "QueueUrl", q,
		"SendMessageBatchRequestEntry.1.Id", "1", "SendMessageBatchRequestEntry.1.MessageBody", strings.Repeat("a", 1048576-8),
		"SendMessageBatchRequestEntry.1.MessageAttribute.1.Name", "k",
		"SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType", "String",
		"SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue", "x",
		"SendMessageBatchRequestEntry.2.Id", "2", "SendMessageBatchRequestEntry.2.MessageBody", "a"),
		400, "AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.")

	// test_too_many_entries_in_batch_request[sqs_query]
	c.fails(c.post(append([]string{"Action", "SendMessageBatch", "QueueUrl", q},
		batchEntries("SendMessageBatchRequestEntry", 20, "Id", "message-%d", "MessageBody", "messageBody-%d")...)...),
		400, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 20.")
	// test_delete_message_batch_with_too_large_batch[sqs_query]
	c.fails(c.post(append([]string{"Action", "DeleteMessageBatch", "QueueUrl", q},
		batchEntries("DeleteMessageBatchRequestEntry", 20, "Id", "message-%d", "ReceiptHandle", "rh-%d")...)...),
		400, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 20.")
	// test_change_message_visibility_batch_with_too_large_batch[sqs_query]
	c.fails(c.post(append([]string{"Action", "ChangeMessageVisibilityBatch", "QueueUrl", q},
		batchEntries("ChangeMessageVisibilityBatchRequestEntry", 20, "Id", "message-%d", "ReceiptHandle", "rh-%d", "VisibilityTimeout", "0")...)...),
		400, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 20.")
	// test_invalid_batch_id[sqs_query]
	c.fails(c.post("Action", "SendMessageBatch", "QueueUrl", q,
		"SendMessageBatchRequestEntry.1.Id", "message:abc", "SendMessageBatchRequestEntry.1.MessageBody", "messageBody-abc"),
		400, "AWS.SimpleQueueService.InvalidBatchEntryId",
		"A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")

	// test_fifo_queue_send_message_with_delay_seconds_fails[sqs_query]
	c.fails(c.post("Action", "SendMessage", "QueueUrl", fifo, "MessageBody", "m", "MessageGroupId", "g",
		"MessageDeduplicationId", "d", "DelaySeconds", "2"), 400, ipv,
		"Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
	// test_posting_to_fifo_requires_deduplicationid_group_id[sqs_query]
	c.fails(c.post("Action", "SendMessage", "QueueUrl", fifo, "MessageBody", "m", "MessageGroupId", "g"), 400, ipv,
		"The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	c.fails(c.post("Action", "SendMessage", "QueueUrl", fifo, "MessageBody", "m", "MessageDeduplicationId", "d"), 400, "MissingParameter",
		"The request must contain the parameter MessageGroupId.")
	// test_send_batch_missing_deduplication_id_for_fifo_queue[sqs_query]: the whole request fails.
	c.fails(c.post("Action", "SendMessageBatch", "QueueUrl", fifo,
		"SendMessageBatchRequestEntry.1.Id", "m1", "SendMessageBatchRequestEntry.1.MessageBody", "messageBody",
		"SendMessageBatchRequestEntry.1.MessageGroupId", "test-group", "SendMessageBatchRequestEntry.1.MessageDeduplicationId", "dedup-1",
		"SendMessageBatchRequestEntry.2.Id", "m2", "SendMessageBatchRequestEntry.2.MessageBody", "messageBody",
		"SendMessageBatchRequestEntry.2.MessageGroupId", "test-group"), 400, ipv,
		"The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	// test_send_batch_missing_message_group_id_for_fifo_queue[sqs_query]: InvalidParameterValue here,
	// unlike SendMessage's MissingParameter.
	c.fails(c.post("Action", "SendMessageBatch", "QueueUrl", fifo,
		"SendMessageBatchRequestEntry.1.Id", "m1", "SendMessageBatchRequestEntry.1.MessageBody", "messageBody",
		"SendMessageBatchRequestEntry.1.MessageGroupId", "test-group", "SendMessageBatchRequestEntry.1.MessageDeduplicationId", "dedup-1",
		"SendMessageBatchRequestEntry.2.Id", "m2", "SendMessageBatchRequestEntry.2.MessageBody", "messageBody",
		"SendMessageBatchRequestEntry.2.MessageDeduplicationId", "dedup-2"), 400, ipv,
		"The request must contain the parameter MessageGroupId.")

	// test_set_unsupported_attribute_standard[sqs_query]
	for _, v := range []string{"true", "false"} {
		c.fails(c.post("Action", "SetQueueAttributes", "QueueUrl", q, "Attribute.1.Name", "FifoQueue", "Attribute.1.Value", v),
			400, "InvalidAttributeName", "Unknown Attribute FifoQueue.")
	}
	// test_set_unsupported_attribute_fifo[sqs_query]
	c.ok(c.post("Action", "SetQueueAttributes", "QueueUrl", fifo, "Attribute.1.Name", "FifoQueue", "Attribute.1.Value", "true"))
	c.fails(c.post("Action", "SetQueueAttributes", "QueueUrl", fifo, "Attribute.1.Name", "FifoQueue", "Attribute.1.Value", "false"),
		400, "InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")
	// test_sse_kms_and_sqs_are_mutually_exclusive[sqs_query]
	c.fails(c.post("Action", "SetQueueAttributes", "QueueUrl", q, "Attribute.1.Name", "KmsMasterKeyId", "Attribute.1.Value", "testKeyId",
		"Attribute.2.Name", "SqsManagedSseEnabled", "Attribute.2.Value", "true"), 400, "InvalidAttributeName",
		"You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
	// test_create_standard_queue_with_fifo_attribute_raises_error[sqs_query] (recorded with the JSON
	// client; the Query code is the legacy code the JSON answer's x-amzn-query-error names).
	for _, tc := range []struct{ attr, value, msg string }{
		{"FifoQueue", "false", "Unknown Attribute FifoQueue."},
		{"ContentBasedDeduplication", "true", "Unknown Attribute ContentBasedDeduplication."},
		{"DeduplicationScope", "queue", "You can specify the DeduplicationScope only when FifoQueue is set to true."},
		{"FifoThroughputLimit", "perQueue", "You can specify the FifoThroughputLimit only when FifoQueue is set to true."},
	} {
		c.fails(c.post("Action", "CreateQueue", "QueueName", "std-"+strings.ToLower(tc.attr), "Attribute.1.Name", tc.attr, "Attribute.1.Value", tc.value),
			400, "InvalidAttributeName", tc.msg)
	}

	// test_create_queue_with_different_attributes_raises_exception[sqs_query]: QueueAlreadyExists
	// is the Query code (the JSON protocol's shape is QueueNameExists).
	dup := c.createQueue("dup", "ReceiveMessageWaitTimeSeconds", "1", "DelaySeconds", "1")
	assert.Equal(t, dup, c.createQueue("dup"))
	assert.Equal(t, dup, c.createQueue("dup", "DelaySeconds", "1"))
	c.fails(c.post("Action", "CreateQueue", "QueueName", "dup", "Attribute.1.Name", "ReceiveMessageWaitTimeSeconds", "Attribute.1.Value", "1",
		"Attribute.2.Name", "DelaySeconds", "Attribute.2.Value", "2"), 400, "QueueAlreadyExists",
		"A queue already exists with the same name and a different value for attribute DelaySeconds")
	// test_create_fifo_queue_with_different_attributes_raises_error[sqs_query]
	c.createQueue("dup.fifo", "FifoQueue", "true", "ContentBasedDeduplication", "true")
	c.fails(c.post("Action", "CreateQueue", "QueueName", "dup.fifo", "Attribute.1.Name", "FifoQueue", "Attribute.1.Value", "true",
		"Attribute.2.Name", "ContentBasedDeduplication", "Attribute.2.Value", "false"), 400, "QueueAlreadyExists",
		"A queue already exists with the same name and a different value for attribute ContentBasedDeduplication")

	// test_successive_purge_calls_fail[sqs_query]: HTTP 403.
	c.ok(c.post("Action", "PurgeQueue", "QueueUrl", q))
	c.fails(c.post("Action", "PurgeQueue", "QueueUrl", q), 403, "AWS.SimpleQueueService.PurgeQueueInProgress",
		"Only one PurgeQueue operation on errors is allowed every 60 seconds.")

	// test_non_existent_queue: queue-does-not-exist-query (the Query wording of NonExistentQueue).
	c.fails(c.post("Action", "GetQueueAttributes", "QueueUrl", c.srv.URL+"/000000000000/nope"), 400,
		"AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist for this wsdl version.")
}

// TestQueryRecordedMessageSize: test_send_message_with_updated_maximum_message_size[sqs_query] and
// test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size[sqs_query].
func TestQueryRecordedMessageSize(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("small")
	c.ok(c.post("Action", "SetQueueAttributes", "QueueUrl", q, "Attribute.1.Name", "MaximumMessageSize", "Attribute.1.Value", "1024"))
	// test_send_message_with_updated_maximum_message_size[sqs_query]
	c.fails(c.post("Action", "SendMessage", "QueueUrl", q, "MessageBody", strings.Repeat("a", 1025)), 400, "InvalidParameterValue",
		"One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")

	// ..._with_updated_maximum_message_size[sqs_query]: a batch ignores the queue's maximum.
	c.ok(c.post("Action", "SetQueueAttributes", "QueueUrl", q, "Attribute.1.Name", "MaximumMessageSize", "Attribute.1.Value", "2048"))
	d := c.ok(c.post("Action", "SendMessageBatch", "QueueUrl", q,
		"SendMessageBatchRequestEntry.1.Id", "1", "SendMessageBatchRequestEntry.1.MessageBody", strings.Repeat("a", 2048-8),
		"SendMessageBatchRequestEntry.1.MessageAttribute.1.Name", "k",
		"SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType", "String",
		"SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue", "x",
		"SendMessageBatchRequestEntry.2.Id", "2", "SendMessageBatchRequestEntry.2.MessageBody", "a"))
	require.Len(t, d.BatchOK, 2)
	assert.Equal(t, "1", d.BatchOK[0].ID)
	assert.Equal(t, "f44facf5a7ee0af446ecf3e0f854441e", d.BatchOK[0].MD5OfMessageBody)
	require.NotNil(t, d.BatchOK[0].MD5OfMessageAttrs)
	assert.Equal(t, "a45daa70926828a2f0a1db3418e6feb4", *d.BatchOK[0].MD5OfMessageAttrs)
	assert.Equal(t, "2", d.BatchOK[1].ID)
	assert.Equal(t, "0cc175b9c0f1b6a831c399e269772661", d.BatchOK[1].MD5OfMessageBody)
	assert.Nil(t, d.BatchOK[1].MD5OfMessageAttrs, "no attributes, no MD5OfMessageAttributes element")
}

// TestQueryRecordedTags: test_tag_untag_queue[sqs_query].
func TestQueryRecordedTags(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("tagged")
	c.ok(c.post("Action", "TagQueue", "QueueUrl", q, "Tag.1.Key", "tag1", "Tag.1.Value", "value1",
		"Tag.2.Key", "tag2", "Tag.2.Value", "value2", "Tag.3.Key", "tag3", "Tag.3.Value", ""))
	tags := func() map[string]string {
		out := map[string]string{}
		for _, tg := range c.ok(c.post("Action", "ListQueueTags", "QueueUrl", q)).Tags {
			out[tg.Key] = tg.Value
		}
		return out
	}
	assert.Equal(t, map[string]string{"tag1": "value1", "tag2": "value2", "tag3": ""}, tags()) // get-tag-1
	c.ok(c.post("Action", "UntagQueue", "QueueUrl", q, "TagKey.1", "tag1", "TagKey.2", "tag3"))
	assert.Equal(t, map[string]string{"tag2": "value2"}, tags()) // get-tag-2
	c.ok(c.post("Action", "UntagQueue", "QueueUrl", q, "TagKey.1", "tag2"))
	assert.Empty(t, tags()) // get-tag-after-untag: no Tags
}

// TestQueryRecordedEmptyResults: an empty list or map has no element at all over the Query
// protocol (the [sqs_query] recordings have no key for one), so a result with nothing else in it
// is the empty <OpResult/> (TestSqsQueryApi::test_get_send_and_receive_messages).
func TestQueryRecordedEmptyResults(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("empty-results")
	for _, tt := range []struct {
		want  string
		pairs []string
	}{
		{"<ReceiveMessageResult/>", []string{"Action", "ReceiveMessage", "QueueUrl", q}},
		{"<GetQueueAttributesResult/>", []string{"Action", "GetQueueAttributes", "QueueUrl", q, "AttributeName.1", "Policy"}}, // get-queue-policy-attribute-after-removal
		{"<ListQueueTagsResult/>", []string{"Action", "ListQueueTags", "QueueUrl", q}},                                        // get-tag-after-untag
		{"<ListQueuesResult/>", []string{"Action", "ListQueues", "QueueNamePrefix", "nothing-here"}},
		{"<ListDeadLetterSourceQueuesResult/>", []string{"Action", "ListDeadLetterSourceQueues", "QueueUrl", q}},
	} {
		r := c.post(tt.pairs...)
		c.ok(r)
		assert.Contains(t, r.body, tt.want)
	}
	r := c.post(append([]string{"Action", "SendMessageBatch", "QueueUrl", q},
		batchEntries("SendMessageBatchRequestEntry", 2, "Id", "e%d", "MessageBody", "b%d")...)...)
	assert.Len(t, c.ok(r).BatchOK, 2)
	assert.NotContains(t, r.body, "BatchResultErrorEntry")
}

// TestQueryMemberNameAliases: flattened lists and maps by member name, as SQS accepts them.
func TestQueryMemberNameAliases(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("aliases")
	tags := func() map[string]string {
		out := map[string]string{}
		for _, tg := range c.ok(c.post("Action", "ListQueueTags", "QueueUrl", q)).Tags {
			out[tg.Key] = tg.Value
		}
		return out
	}
	// TagQueue as the AWS SDK for Java v1 (to 1.12.583) and the Query-era v2 send it
	// (aws-sdk-java-v2#2524; the request body of localstack#2690).
	c.ok(c.post("Action", "TagQueue", "Version", "2012-11-05", "QueueUrl", q,
		"Tags.1.Key", "returnly:env", "Tags.1.Value", "local", "Tags.2.Key", "returnly:creator", "Tags.2.Value", "rma-api-svc"))
	assert.Equal(t, map[string]string{"returnly:env": "local", "returnly:creator": "rma-api-svc"}, tags())
	c.fails(c.post("Action", "TagQueue", "QueueUrl", q), 400, "MissingParameter", "The request must contain the parameter Tags.")

	// SendMessage with MessageAttributes.N (AWS-validated: LocalStack's
	// test_sqs_aws_integration_with_message_attribute[MessageAttributes], an API Gateway template).
	c.sendBody(q, `{"foo": "bar"}`, "MessageAttributes.1.Name", "user-agent",
		"MessageAttributes.1.Value.DataType", "String", "MessageAttributes.1.Value.StringValue", "BAR-Header")
	msgs := c.receive(q, "MessageAttributeNames.1", "All", "AttributeNames.1", "SenderId")
	require.Len(t, msgs, 1)
	assert.Equal(t, []string{"user-agent"}, msgs[0].messageAttrNames())
	assert.Equal(t, "BAR-Header", msgs[0].MessageAttributes[0].Value.StringValue)
	assert.Equal(t, []string{"SenderId"}, sortedKeys(msgs[0].attrs()))
}

// TestQueryRecordedQueueAttributes: attributes set and read over the Query protocol.
func TestQueryRecordedQueueAttributes(t *testing.T) {
	c := newRQ(t)
	// test_create_and_update_queue_attributes[sqs_query]
	q := c.createQueue("attrs", "MessageRetentionPeriod", "604800", "ReceiveMessageWaitTimeSeconds", "10", "VisibilityTimeout", "20")
	a := c.queueAttrs(q, "All")
	for k, v := range map[string]string{"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesDelayed": "0",
		"ApproximateNumberOfMessagesNotVisible": "0", "DelaySeconds": "0", "MaximumMessageSize": "1048576",
		"MessageRetentionPeriod": "604800", "ReceiveMessageWaitTimeSeconds": "10", "SqsManagedSseEnabled": "true", "VisibilityTimeout": "20"} {
		assert.Equal(t, v, a[k], k)
	}
	assert.Len(t, a, 12, "%v", a)
	assert.Equal(t, "arn:aws:sqs:us-east-1:000000000000:attrs", a["QueueArn"])
	c.ok(c.post("Action", "SetQueueAttributes", "QueueUrl", q, "Attribute.1.Name", "MaximumMessageSize", "Attribute.1.Value", "2048",
		"Attribute.2.Name", "VisibilityTimeout", "Attribute.2.Value", "69", "Attribute.3.Name", "DelaySeconds", "Attribute.3.Value", "420"))
	a = c.queueAttrs(q, "All")
	assert.Equal(t, "2048", a["MaximumMessageSize"])
	assert.Equal(t, "69", a["VisibilityTimeout"])
	assert.Equal(t, "420", a["DelaySeconds"])

	// test_sse_queue_attributes[sqs_query]
	kms := c.createQueue("kms", "KmsMasterKeyId", "testKeyId", "KmsDataKeyReusePeriodSeconds", "6000", "SqsManagedSseEnabled", "false")
	assert.Equal(t, map[string]string{"KmsDataKeyReusePeriodSeconds": "6000", "KmsMasterKeyId": "testKeyId", "SqsManagedSseEnabled": "false"},
		c.queueAttrs(kms, "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"))

	// test_fifo_set_content_based_deduplication_strategy[sqs_query]
	f := c.createQueue("cbd.fifo", "FifoQueue", "true", "ContentBasedDeduplication", "true")
	fa := c.queueAttrs(f, "All")
	assert.Equal(t, "true", fa["ContentBasedDeduplication"])
	assert.Equal(t, "queue", fa["DeduplicationScope"])
	assert.Equal(t, "perQueue", fa["FifoThroughputLimit"])
	assert.Equal(t, "345600", fa["MessageRetentionPeriod"])
	c.ok(c.post("Action", "SetQueueAttributes", "QueueUrl", f, "Attribute.1.Name", "ContentBasedDeduplication", "Attribute.1.Value", "false"))
	assert.Equal(t, "false", c.queueAttrs(f, "All")["ContentBasedDeduplication"])

	// test_set_empty_redrive_policy[sqs_query]: an empty RedrivePolicy removes it.
	dl := c.createQueue("dl")
	dlArn := c.queueAttrs(dl, "QueueArn")["QueueArn"]
	src := c.createQueue("src")
	c.ok(c.post("Action", "SetQueueAttributes", "QueueUrl", src, "Attribute.1.Name", "RedrivePolicy", "Attribute.1.Value", ""))
	assert.NotContains(t, c.queueAttrs(src, "All"), "RedrivePolicy")
	c.ok(c.post("Action", "SetQueueAttributes", "QueueUrl", src, "Attribute.1.Name", "RedrivePolicy",
		"Attribute.1.Value", `{"deadLetterTargetArn":"`+dlArn+`","maxReceiveCount":"42"}`))
	assert.Contains(t, c.queueAttrs(src, "All")["RedrivePolicy"], dlArn)
	c.ok(c.post("Action", "SetQueueAttributes", "QueueUrl", src, "Attribute.1.Name", "RedrivePolicy", "Attribute.1.Value", ""))
	assert.NotContains(t, c.queueAttrs(src, "All"), "RedrivePolicy")
}

// TestQueryRecordedPermissions: test_sqs_permission_lifecycle[sqs_query].
func TestQueryRecordedPermissions(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("perm")
	d := c.ok(c.post("Action", "AddPermission", "QueueUrl", q, "Label", "crossaccountpermission",
		"AWSAccountId.1", "668614515564", "AWSAccountId.2", "000000000000", "ActionName.1", "ReceiveMessage"))
	assert.Equal(t, "AddPermissionResponse", d.XMLName.Local) // add-permission-response
	policy := c.queueAttrs(q, "Policy")["Policy"]
	assert.Contains(t, policy, `"Sid":"crossaccountpermission"`)
	assert.Contains(t, policy, `"Action":"SQS:ReceiveMessage"`)
	assert.Contains(t, policy, `"arn:aws:iam::668614515564:root"`)
	c.ok(c.post("Action", "RemovePermission", "QueueUrl", q, "Label", "crossaccountpermission"))
	assert.NotContains(t, c.queueAttrs(q, "Policy"), "Policy") // get-queue-policy-attribute-after-removal

	c.ok(c.post("Action", "AddPermission", "QueueUrl", q, "Label", "crossaccountpermission",
		"AWSAccountId.1", "000000000000", "ActionName.1", "ReceiveMessage"))
	// get-queue-policy-attribute-second-account-same-label
	c.fails(c.post("Action", "AddPermission", "QueueUrl", q, "Label", "crossaccountpermission",
		"AWSAccountId.1", "668614515564", "ActionName.1", "ReceiveMessage"), 400, "InvalidParameterValue",
		"Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.")
	c.ok(c.post("Action", "AddPermission", "QueueUrl", q, "Label", "crossaccountpermission2",
		"AWSAccountId.1", "000000000000", "ActionName.1", "ReceiveMessage"))
	c.ok(c.post("Action", "RemovePermission", "QueueUrl", q, "Label", "crossaccountpermission"))
	c.ok(c.post("Action", "RemovePermission", "QueueUrl", q, "Label", "crossaccountpermission2"))
	// get-queue-policy-attribute-delete-non-existent-label
	c.fails(c.post("Action", "RemovePermission", "QueueUrl", q, "Label", "crossaccountpermission2"), 400, "InvalidParameterValue",
		"Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.")
}

// TestQueryRecordedMessages: sends and receives over the Query protocol.
func TestQueryRecordedMessages(t *testing.T) {
	c := newRQ(t)

	t.Run("test_receive_empty_queue", func(t *testing.T) {
		q := c.createQueue("empty")
		// test_receive_empty_queue[sqs_query]: no Messages at all.
		for _, p := range [][]string{nil, {"WaitTimeSeconds", "0"}} {
			r := c.post(append([]string{"Action", "ReceiveMessage", "QueueUrl", q}, p...)...)
			assert.Empty(t, c.ok(r).Messages)
			assert.Contains(t, r.body, "<ReceiveMessageResult/>", "TestSqsQueryApi::test_get_send_and_receive_messages: an empty result element")
		}
	})

	t.Run("test_send_message_with_binary_attributes", func(t *testing.T) {
		q := c.createQueue("binary")
		bin := []byte("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01")
		sent := c.sendBody(q, "test", "MessageAttribute.1.Name", "attr1", "MessageAttribute.1.Value.DataType", "Binary",
			"MessageAttribute.1.Value.BinaryValue", base64.StdEncoding.EncodeToString(bin))
		require.NotNil(t, sent.Send.MD5OfMessageAttrs)
		assert.Equal(t, "8cbe4db156db8a94db8b801b7addb984", *sent.Send.MD5OfMessageAttrs)
		ms := c.receive(q, "MessageAttributeName.1", "All")
		require.Len(t, ms, 1)
		assert.Equal(t, sent.Send.MessageID, ms[0].MessageID)
		assert.Equal(t, "098f6bcd4621d373cade4e832627b4f6", ms[0].MD5OfBody)
		require.NotNil(t, ms[0].MD5OfMessageAttrs)
		assert.Equal(t, "8cbe4db156db8a94db8b801b7addb984", *ms[0].MD5OfMessageAttrs)
		require.Len(t, ms[0].MessageAttributes, 1)
		got, err := base64.StdEncoding.DecodeString(ms[0].MessageAttributes[0].Value.BinaryValue)
		require.NoError(t, err)
		assert.Equal(t, bin, got)
		assert.Equal(t, "Binary", ms[0].MessageAttributes[0].Value.DataType)
	})

	t.Run("test_receive_message_attribute_names_filters", func(t *testing.T) {
		q := c.createQueue("filters", "VisibilityTimeout", "0")
		sent := c.sendBody(q, "msg", "MessageAttribute.1.Name", "Foo", "MessageAttribute.1.Value.DataType", "String",
			"MessageAttribute.1.Value.StringValue", "Bar")
		assert.Equal(t, "ae7155c6026991b6d54b11589678bf9c", *sent.Send.MD5OfMessageAttrs)
		// all_attributes
		m := c.receive(q, "AttributeName.1", "All")[0]
		assert.Equal(t, []string{"ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId", "SentTimestamp"}, sortedKeys(m.attrs()))
		assert.Nil(t, m.MD5OfMessageAttrs, "no message attributes asked for, no MD5OfMessageAttributes")
		// all_system_and_message_attributes
		m = c.receive(q, "AttributeName.1", "All", "MessageAttributeName.1", "All")[0]
		assert.Equal(t, "2", m.attrs()["ApproximateReceiveCount"])
		assert.Equal(t, []string{"Foo"}, m.messageAttrNames())
		assert.Equal(t, "ae7155c6026991b6d54b11589678bf9c", *m.MD5OfMessageAttrs)
		// single_attribute, multiple_attributes
		m = c.receive(q, "AttributeName.1", "SenderId")[0]
		assert.Equal(t, []string{"SenderId"}, sortedKeys(m.attrs()))
		// test_receive_message_message_system_attribute_names_filters[sqs_query] and
		// test_message_system_attribute_names_with_attribute_names[sqs_query]: a Query client writes
		// both MessageSystemAttributeNames and AttributeNames as AttributeName.N.
		m = c.receive(q, "AttributeName.1", "SenderId", "AttributeName.2", "SenderId")[0]
		assert.Equal(t, []string{"SenderId"}, sortedKeys(m.attrs())) // different_values
		assert.Equal(t, "msg", m.Body)
		assert.Equal(t, "6e2baaf3b97dbeef01c0043275f9a0e7", m.MD5OfBody)
	})

	t.Run("test_receive_message_message_attribute_names_filters", func(t *testing.T) {
		q := c.createQueue("msgfilters", "VisibilityTimeout", "0")
		sent := c.sendBody(q, "msg",
			"MessageAttribute.1.Name", "Help.Me", "MessageAttribute.1.Value.DataType", "String", "MessageAttribute.1.Value.StringValue", "Me",
			"MessageAttribute.2.Name", "Hello", "MessageAttribute.2.Value.DataType", "String", "MessageAttribute.2.Value.StringValue", "There",
			"MessageAttribute.3.Name", "General", "MessageAttribute.3.Value.DataType", "String", "MessageAttribute.3.Value.StringValue", "Kenobi")
		assert.Equal(t, "4c360f3fdafd970e05fae2f149d997f5", *sent.Send.MD5OfMessageAttrs) // send_message_response
		m := c.receive(q)[0]                                                              // empty_filter
		assert.Nil(t, m.MD5OfMessageAttrs)
		assert.Empty(t, m.MessageAttributes)
		for _, all := range []string{"All", ".*"} { // all_name, all_wildcard
			m = c.receive(q, "MessageAttributeName.1", all)[0]
			assert.Equal(t, "4c360f3fdafd970e05fae2f149d997f5", *m.MD5OfMessageAttrs)
			assert.ElementsMatch(t, []string{"General", "Hello", "Help.Me"}, m.messageAttrNames())
		}
		m = c.receive(q, "MessageAttributeName.1", "Foo")[0] // only_non_existing_names
		assert.Nil(t, m.MD5OfMessageAttrs)
		m = c.receive(q, "MessageAttributeName.1", "Hello", "MessageAttributeName.2", "General")[0] // only_existing
		assert.Equal(t, "fca026605781cb4126a1e9044df24232", *m.MD5OfMessageAttrs)
		m = c.receive(q, "MessageAttributeName.1", "Hello", "MessageAttributeName.2", "Foo")[0] // existing_and_non_existing
		assert.Equal(t, "a311262e065454b75da111d535b8dacd", *m.MD5OfMessageAttrs)
	})

	t.Run("test_fifo_message_attributes", func(t *testing.T) {
		q := c.createQueue("attrs.fifo", "FifoQueue", "true", "VisibilityTimeout", "0")
		sent := c.sendBody(q, "message-body-1", "MessageGroupId", "group-1", "MessageDeduplicationId", "dedup-1")
		assert.Equal(t, "19c9e282d65f9733bc6b35d50062c7ee", sent.Send.MD5OfMessageBody)
		require.NotNil(t, sent.Send.SequenceNumber, "a FIFO send answers its SequenceNumber")
		for i, count := range []string{"1", "2"} {
			ms := c.receive(q, "AttributeName.1", "All")
			require.Len(t, ms, 1, "receive_message_%d", i)
			a := ms[0].attrs()
			assert.Equal(t, []string{"ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "MessageDeduplicationId",
				"MessageGroupId", "SenderId", "SentTimestamp", "SequenceNumber"}, sortedKeys(a))
			assert.Equal(t, count, a["ApproximateReceiveCount"])
			assert.Equal(t, "dedup-1", a["MessageDeduplicationId"])
			assert.Equal(t, "group-1", a["MessageGroupId"])
			assert.Equal(t, *sent.Send.SequenceNumber, a["SequenceNumber"])
		}
	})

	t.Run("test_fair_queue_with_message_group_id", func(t *testing.T) {
		q := c.createQueue("fair")
		sent := c.sendBody(q, "message", "MessageGroupId", "test")
		assert.Nil(t, sent.Send.SequenceNumber)
		assert.Equal(t, "78e731027d8fd50ed642340b7c9a63b3", sent.Send.MD5OfMessageBody)
		a := c.receive(q, "AttributeName.1", "All")[0].attrs()
		assert.Equal(t, []string{"ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "MessageGroupId", "SenderId", "SentTimestamp"}, sortedKeys(a))
		assert.Equal(t, "test", a["MessageGroupId"])
	})

	t.Run("test_aws_trace_header_propagation", func(t *testing.T) {
		q := c.createQueue("xray")
		const trace = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"
		r := c.send(http.MethodPost, "/", rqForm("Action", "SendMessage", "QueueUrl", q, "MessageBody", "test",
			"MessageAttribute.1.Name", "timestamp", "MessageAttribute.1.Value.DataType", "Number", "MessageAttribute.1.Value.StringValue", "1493147359900"),
			http.Header{"X-Amzn-Trace-Id": {trace}})
		c.ok(r)
		ms := c.receive(q, "AttributeName.1", "SentTimestamp", "AttributeName.2", "AWSTraceHeader", "MessageAttributeName.1", "All")
		require.Len(t, ms, 1)
		// xray-msg: the X-Amzn-Trace-Id header of the send becomes the AWSTraceHeader attribute.
		assert.Equal(t, []string{"AWSTraceHeader", "SentTimestamp"}, sortedKeys(ms[0].attrs()))
		assert.Equal(t, trace, ms[0].attrs()["AWSTraceHeader"])
		assert.Equal(t, "235c5c510d26fb653d073faed50ae77c", *ms[0].MD5OfMessageAttrs)

		// The header applies to every message of a batch; a message's own AWSTraceHeader system
		// attribute overrides it (AWS X-Ray developer guide, "Amazon SQS and AWS X-Ray").
		r = c.send(http.MethodPost, "/", rqForm("Action", "SendMessageBatch", "QueueUrl", q,
			"SendMessageBatchRequestEntry.1.Id", "a", "SendMessageBatchRequestEntry.1.MessageBody", "a",
			"SendMessageBatchRequestEntry.2.Id", "b", "SendMessageBatchRequestEntry.2.MessageBody", "b",
			"SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Name", "AWSTraceHeader",
			"SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.DataType", "String",
			"SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.StringValue", "Root=1-own"),
			http.Header{"X-Amzn-Trace-Id": {trace}})
		require.Len(t, c.ok(r).BatchOK, 2)
		c.clk.Advance(time.Minute)
		got := map[string]string{}
		for _, m := range c.receive(q, "AttributeName.1", "AWSTraceHeader", "MaxNumberOfMessages", "10") {
			got[m.Body] = m.attrs()["AWSTraceHeader"]
		}
		assert.Equal(t, map[string]string{"test": trace, "a": trace, "b": "Root=1-own"}, got)
	})

	t.Run("test_aws_trace_header_propagation[sqs]", func(t *testing.T) {
		// The JSON protocol twin: the same header, the same attribute.
		q := c.createQueue("xray-json")
		const trace = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"
		req, err := http.NewRequest(http.MethodPost, c.srv.URL+"/", strings.NewReader(`{"QueueUrl":"`+q+`","MessageBody":"test"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", "AmazonSQS.SendMessage")
		req.Header.Set("X-Amzn-Trace-Id", trace)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, string(b))
		assert.NotContains(t, string(b), "MD5OfMessageSystemAttributes", "the client sent no system attributes")
		ms := c.receive(q, "AttributeName.1", "AWSTraceHeader")
		require.Len(t, ms, 1)
		assert.Equal(t, trace, ms[0].attrs()["AWSTraceHeader"])
	})

	t.Run("test_send_receive_wait_time_seconds", func(t *testing.T) {
		q := c.createQueue("shortpoll")
		c.sendBody(q, "message")
		// empty_short_poll_by_default_resp, empty_short_poll_explicit_resp
		ms := c.receive(q)
		require.Len(t, ms, 1)
		assert.Equal(t, "78e731027d8fd50ed642340b7c9a63b3", ms[0].MD5OfBody)
		c.sendBody(q, "message")
		require.Len(t, c.receive(q, "WaitTimeSeconds", "0"), 1)
	})

	t.Run("test_fifo_delete_after_visibility_timeout", func(t *testing.T) {
		q := c.createQueue("expire.fifo", "FifoQueue", "true", "ContentBasedDeduplication", "true")
		c.sendBody(q, "foobar", "MessageGroupId", "1")
		ms := c.receive(q, "VisibilityTimeout", "1")
		require.Len(t, ms, 1) // received_sqs_message
		assert.Equal(t, "3858f62230ac3c915f300c664312c63f", ms[0].MD5OfBody)
		c.clk.Advance(2 * time.Second)
		// delete_after_timeout_fifo
		c.fails(c.post("Action", "DeleteMessage", "QueueUrl", q, "ReceiptHandle", ms[0].ReceiptHandle), 400, "InvalidParameterValue",
			"Value "+ms[0].ReceiptHandle+" for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")

		// test_delete_after_visibility_timeout[sqs_query]: a standard queue takes the expired handle.
		std := c.createQueue("expire")
		c.sendBody(std, "foobar")
		ms = c.receive(std, "VisibilityTimeout", "1")
		require.Len(t, ms, 1)
		c.clk.Advance(2 * time.Second)
		c.ok(c.post("Action", "DeleteMessage", "QueueUrl", std, "ReceiptHandle", ms[0].ReceiptHandle))
		assert.Empty(t, c.receive(std)) // delete_after_timeout_queue_empty
	})

	t.Run("test_change_message_visibility_after_visibility_timeout_expiration", func(t *testing.T) {
		q := c.createQueue("cmv")
		c.sendBody(q, "foobar")
		ms := c.receive(q, "VisibilityTimeout", "1")
		require.Len(t, ms, 1)
		c.clk.Advance(2 * time.Second)
		d := c.ok(c.post("Action", "ChangeMessageVisibility", "QueueUrl", q, "ReceiptHandle", ms[0].ReceiptHandle, "VisibilityTimeout", "1"))
		assert.Equal(t, "ChangeMessageVisibilityResponse", d.XMLName.Local) // visibility_timeout_expired: 200
	})

	t.Run("test_fifo_queue_send_message_with_zero_delay_defaults_to_queue_delay", func(t *testing.T) {
		q := c.createQueue("delay.fifo", "FifoQueue", "true", "ContentBasedDeduplication", "true", "DelaySeconds", "1")
		sent := c.sendBody(q, "message-1", "MessageGroupId", "1", "DelaySeconds", "0")
		assert.Equal(t, "3d6b824fd8c1520e9a047d21fee6fb1f", sent.Send.MD5OfMessageBody)
		assert.Empty(t, c.receive(q)) // receive_message_initial_result
		c.clk.Advance(time.Second)
		require.Len(t, c.receive(q), 1) // receive_message_after_delay_result
	})

	t.Run("test_sqs_fifo_same_dedup_id_different_message_groups", func(t *testing.T) {
		q := c.createQueue("dedup.fifo", "FifoQueue", "true")
		c.sendBody(q, "Test", "MessageGroupId", "group-1", "MessageDeduplicationId", "same")
		c.sendBody(q, "Test", "MessageGroupId", "group-2", "MessageDeduplicationId", "same")
		require.Len(t, c.receive(q, "MaxNumberOfMessages", "10"), 1) // same-dedup-different-grp-1
		assert.Empty(t, c.receive(q, "MaxNumberOfMessages", "10"))   // same-dedup-different-grp-2
	})
}

// TestQueryAPIRawRequests: class TestSqsQueryApi, raw GET requests to queue URLs as AWS answers them.
func TestQueryAPIRawRequests(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("raw")

	// test_get_queue_attributes_all
	r := c.get(q, "Action", "GetQueueAttributes", "AttributeName.1", "All")
	c.ok(r)
	assert.Contains(t, r.body, "<GetQueueAttributesResponse")
	assert.Contains(t, r.body, "<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:")
	assert.Contains(t, r.body, "<Attribute><Name>VisibilityTimeout</Name><Value>30")
	// test_get_queue_attributes_with_query_args
	r = c.get(q, "Action", "GetQueueAttributes", "AttributeName.1", "QueueArn")
	assert.Equal(t, map[string]string{"QueueArn": "arn:aws:sqs:us-east-1:000000000000:raw"}, c.ok(r).attrs())
	assert.NotContains(t, r.body, "<Attribute><Name>VisibilityTimeout</Name>")
	// test_get_queue_attributes_with_invalid_arg_returns_error
	c.fails(c.get(q, "Action", "GetQueueAttributes", "AttributeName.1", "Foobar"), 400, "InvalidAttributeName", "Unknown Attribute Foobar.")
	// test_get_queue_attributes_of_fifo_queue
	fifo := c.createQueue("raw.fifo", "FifoQueue", "true")
	r = c.get(fifo, "Action", "GetQueueAttributes", "AttributeName.1", "All")
	c.ok(r)
	assert.Contains(t, r.body, "<Name>FifoQueue</Name><Value>true</Value>")

	// test_invalid_action_raises_exception
	c.fails(c.get(q, "Action", "FooBar", "Version", "2012-11-05"), 400, "InvalidAction", "The action FooBar is not valid for this endpoint.")
	// test_valid_action_with_missing_parameter_raises_exception
	c.fails(c.get(q, "Action", "SendMessage"), 400, "MissingParameter", "The request must contain the parameter MessageBody.")
	// test_get_create_queue_fails, test_get_list_queues_fails: not on a queue URL.
	c.fails(c.get(q, "Action", "CreateQueue", "QueueName", "other"), 400, "InvalidAction", "The action CreateQueue is not valid for this endpoint.")
	c.fails(c.get(q, "Action", "ListQueues"), 400, "InvalidAction", "The action ListQueues is not valid for this endpoint.")
	c.fails(c.post("Action", "GetQueueAttributes", "QueueUrl", c.srv.URL+"/000000000000/other"), 400,
		"AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist for this wsdl version.")
	// test_get_list_queues_with_query_auth: at the service endpoint ListQueues is fine, in XML.
	r = c.get("/", "Action", "ListQueues", "Version", "2012-11-05")
	c.ok(r)
	assert.Contains(t, r.body, "<ListQueuesResponse")

	// test_get_without_query_returns_unknown_operation,
	// test_get_without_query_json_format_returns_returns_xml: 404 <UnknownOperationException/>.
	for _, h := range []http.Header{nil, {"Accept": {"application/json"}}} {
		r = c.send(http.MethodGet, q, nil, h)
		assert.Equal(t, http.StatusNotFound, r.status, r.body)
		assert.Contains(t, r.body, "<UnknownOperationException")
		requireWellFormed(t, r.body)
	}

	// test_get_queue_url_works_for_same_queue, test_get_queue_url_work_for_different_queue
	other := c.createQueue("raw-other")
	assert.Equal(t, q, c.ok(c.get(q, "Action", "GetQueueUrl", "QueueName", "raw", "QueueOwnerAWSAccountId", "000000000000")).GetURL)
	r = c.get(q, "Action", "GetQueueUrl", "QueueName", "raw-other", "QueueOwnerAWSAccountId", "000000000000")
	assert.Equal(t, other, c.ok(r).GetURL)
	assert.Contains(t, r.body, "<QueueUrl>"+other+"</QueueUrl>")

	// test_overwrite_queue_url_in_params: QueueUrl in the parameters wins over the path.
	r = c.get(q, "Action", "GetQueueAttributes", "QueueUrl", other, "AttributeName.1", "QueueArn")
	assert.Equal(t, "arn:aws:sqs:us-east-1:000000000000:raw-other", c.ok(r).attrs()["QueueArn"])

	// test_get_send_and_receive_messages
	c.ok(c.get(q, "Action", "SendMessage", "MessageBody", "foobar"))
	r = c.get(other, "Action", "ReceiveMessage")
	c.ok(r)
	assert.NotContains(t, r.body, "foobar")
	assert.Contains(t, r.body, "<ReceiveMessageResult/>")
	r = c.get(q, "Action", "ReceiveMessage")
	c.ok(r)
	assert.Contains(t, r.body, "<Body>foobar</Body>")
	assert.Contains(t, r.body, "<MD5OfBody>")

	// test_get_delete_queue
	r = c.get(q, "Action", "DeleteQueue")
	c.ok(r)
	assert.Contains(t, r.body, "<DeleteQueueResponse ")
	// test_get_on_deleted_queue_fails
	c.fails(c.get(q, "Action", "GetQueueAttributes", "AttributeName.1", "QueueArn"), 400,
		"AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist for this wsdl version.")
	// POST to the queue path works like GET (test_delete_queue_multi_account posts DeleteQueue there).
	c.ok(c.send(http.MethodPost, other, rqForm("Action", "DeleteQueue"), nil))
}

// TestQueryAPIJSONOnQueueURL: TestSqsQueryApi::test_send_message_via_queue_url_with_json_protocol.
// A JSON request sent to a queue URL (as the PHP SDK does) is answered in JSON.
func TestQueryAPIJSONOnQueueURL(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("json")
	req, err := http.NewRequest(http.MethodPost, q, bytes.NewBufferString(`{"QueueUrl":"`+q+`","WaitTimeSeconds":0}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS.ReceiveMessage")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	assert.Equal(t, http.StatusOK, res.StatusCode, string(b))
	assert.Equal(t, "application/x-amz-json-1.0", res.Header.Get("Content-Type")) // receive-json-on-queue-url
	assert.JSONEq(t, `{}`, string(b))
}

// TestQueryAPIJSONFormat: Query requests whose Accept header asks for application/json get SQS's
// JSON form of the answer (TestSqsQueryApi, AWS-validated where noted).
func TestQueryAPIJSONFormat(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("jsonfmt")
	asJSON := http.Header{"Accept": {"application/json"}}
	decode := func(r rqResp) map[string]any {
		t.Helper()
		assert.Equal(t, "application/json", r.header.Get("Content-Type"), r.body)
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.body), &doc), r.body)
		return doc
	}
	path := func(doc map[string]any, keys ...string) any {
		var v any = doc
		for _, k := range keys {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		return v
	}

	// test_get_list_queues_with_query_auth (validated): JSON on request, XML by default.
	r := c.send(http.MethodGet, "/", rqForm("Action", "ListQueues", "Version", "2012-11-05"), asJSON)
	require.Equal(t, http.StatusOK, r.status, r.body)
	doc := decode(r)
	assert.Contains(t, doc, "ListQueuesResponse")
	assert.Equal(t, []any{q}, path(doc, "ListQueuesResponse", "ListQueuesResult", "queueUrls"))
	assert.Equal(t, r.header.Get("x-amzn-RequestId"), path(doc, "ListQueuesResponse", "ResponseMetadata", "RequestId"))
	r = c.send(http.MethodPost, "/", rqForm("Action", "ListQueues", "QueueNamePrefix", "nothing"), asJSON)
	assert.Nil(t, path(decode(r), "ListQueuesResponse", "ListQueuesResult", "queueUrls"), r.body)
	assert.Contains(t, c.get("/", "Action", "ListQueues", "Version", "2012-11-05").body, "<ListQueuesResponse")

	// test_marker_serialization_json_protocol (validated): a body with \r and quotes comes back whole
	// under ReceiveMessageResult.messages[0].Body.
	for _, body := range []string{"{\"foo\": \"ba\rr\", \"foo2\": \"ba&quot;r&quot;\"}", "\"{\\\"foo\\\": \\\"ba\\rr\\\"}\""} {
		c.sendBody(q, body)
		r = c.send(http.MethodGet, "/", rqForm("Action", "ReceiveMessage", "QueueUrl", q, "Version", "2012-11-05", "VisibilityTimeout", "0"), asJSON)
		require.Equal(t, http.StatusOK, r.status, r.body)
		msgs, _ := path(decode(r), "ReceiveMessageResponse", "ReceiveMessageResult", "messages").([]any)
		require.Len(t, msgs, 1, r.body)
		assert.Equal(t, body, msgs[0].(map[string]any)["Body"])
		c.ok(c.post("Action", "PurgeQueue", "QueueUrl", q))
		c.clk.Advance(61 * time.Second)
	}

	// test_get_queue_attributes_json_format: Attributes are Name/Value objects.
	r = c.send(http.MethodGet, q, rqForm("Action", "GetQueueAttributes", "AttributeName.1", "All"), asJSON)
	require.Equal(t, http.StatusOK, r.status, r.body)
	attrs, _ := path(decode(r), "GetQueueAttributesResponse", "GetQueueAttributesResult", "Attributes").([]any)
	found := false
	for _, a := range attrs {
		if a := a.(map[string]any); a["Name"] == "QueueArn" {
			found = true
			assert.Equal(t, "arn:aws:sqs:us-east-1:000000000000:jsonfmt", a["Value"])
		}
	}
	assert.True(t, found, r.body)

	// test_get_list_queues_fails_json_format: the error is JSON too.
	r = c.send(http.MethodGet, q, rqForm("Action", "ListQueues"), asJSON)
	assert.Equal(t, http.StatusBadRequest, r.status, r.body)
	doc = decode(r)
	assert.Equal(t, "InvalidAction", path(doc, "Error", "Code"))
	assert.Equal(t, "The action ListQueues is not valid for this endpoint.", path(doc, "Error", "Message"))
	assert.Equal(t, "Sender", path(doc, "Error", "Type"))
	assert.Equal(t, r.header.Get("x-amzn-RequestId"), doc["RequestId"])
}

func requireWellFormed(t *testing.T, s string) {
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

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestQueryRecordedJSONTwins: where a [sqs_query] error differs from its [sqs] twin, the JSON
// protocol answers with the error's shape name in __type and the Query code in
// x-amzn-query-error, which botocore reports as Code and QueryErrorCode.
func TestQueryRecordedJSONTwins(t *testing.T) {
	c := newRQ(t)
	q := c.createQueue("twins", "DelaySeconds", "1")
	fifo := c.createQueue("twins.fifo", "FifoQueue", "true")
	call := func(op, body string) (int, string, string) {
		req, err := http.NewRequest(http.MethodPost, c.srv.URL+"/", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", "AmazonSQS."+op)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header.Get("x-amzn-query-error")
	}
	for _, tc := range []struct {
		snapshot, op, body  string
		status              int
		shape, header, text string
	}{
		{"test_send_receive_max_number_of_messages[sqs]", "ReceiveMessage", `{"QueueUrl":"` + q + `","MaxNumberOfMessages":11}`, 400,
			"InvalidParameterValueException", "InvalidParameterValue;Sender", "Must be between 1 and 10, if provided."},
		{"test_posting_to_fifo_requires_deduplicationid_group_id[sqs] missing-parameter", "SendMessage",
			`{"QueueUrl":"` + fifo + `","MessageBody":"m","MessageDeduplicationId":"d"}`, 400,
			"MissingRequiredParameterException", "MissingParameter;Sender", "The request must contain the parameter MessageGroupId."},
		{"test_create_queue_with_different_attributes_raises_exception[sqs]", "CreateQueue",
			`{"QueueName":"twins","Attributes":{"DelaySeconds":"2"}}`, 400,
			"QueueNameExists", "QueueAlreadyExists;Sender", "a different value for attribute DelaySeconds"},
		{"test_too_many_entries_in_batch_request[sqs]", "DeleteMessageBatch", `{"QueueUrl":"` + q + `","Entries":[` +
			strings.TrimSuffix(strings.Repeat(`{"Id":"a","ReceiptHandle":"r"},`, 11), ",") + `]}`, 400,
			"TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest;Sender", "You have sent 11."},
		{"test_non_existent_queue[sqs]", "GetQueueAttributes", `{"QueueUrl":"` + c.srv.URL + `/000000000000/nope"}`, 400,
			"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue;Sender", "The specified queue does not exist."},
	} {
		status, body, header := call(tc.op, tc.body)
		assert.Equal(t, tc.status, status, "%s: %s", tc.snapshot, body)
		assert.Contains(t, body, `"__type":"com.amazonaws.sqs#`+tc.shape+`"`, tc.snapshot)
		assert.Equal(t, tc.header, header, tc.snapshot)
		assert.Contains(t, body, tc.text, tc.snapshot)
	}
}
