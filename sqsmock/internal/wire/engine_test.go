package wire_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// The Query protocol through the real engine (package sqsmock mounts this handler): the path an
// old SDK or the AWS CLI v1 takes, from CreateQueue to DeleteMessage.

type queryMessage struct {
	MessageID     string `xml:"MessageId"`
	ReceiptHandle string
	MD5OfBody     string
	Body          string
	MD5OfAttrs    string `xml:"MD5OfMessageAttributes"`
	Attributes    []struct {
		Name, Value string
	} `xml:"Attribute"`
	MessageAttributes []struct {
		Name  string
		Value struct{ DataType, StringValue string }
	} `xml:"MessageAttribute"`
}

type queryResponse struct {
	XMLName        xml.Name
	QueueURL       string         `xml:"CreateQueueResult>QueueUrl"`
	GetQueueURL    string         `xml:"GetQueueUrlResult>QueueUrl"`
	MessageID      string         `xml:"SendMessageResult>MessageId"`
	MD5OfBody      string         `xml:"SendMessageResult>MD5OfMessageBody"`
	MD5OfAttrs     string         `xml:"SendMessageResult>MD5OfMessageAttributes"`
	Messages       []queryMessage `xml:"ReceiveMessageResult>Message"`
	RequestID      string         `xml:"ResponseMetadata>RequestId"`
	ErrorCode      string         `xml:"Error>Code"`
	ErrorMessage   string         `xml:"Error>Message"`
	ErrorType      string         `xml:"Error>Type"`
	ErrorRequestID string         `xml:"RequestId"`
}

func query(t *testing.T, base, path string, params url.Values) (int, queryResponse) {
	t.Helper()
	res, err := http.Post(base+path, "application/x-www-form-urlencoded", strings.NewReader(params.Encode()))
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var r queryResponse
	require.NoError(t, xml.Unmarshal(b, &r), string(b))
	return res.StatusCode, r
}

func TestQueryProtocolThroughTheEngine(t *testing.T) {
	srv := httptest.NewServer(sqsmock.New().Handler())
	t.Cleanup(srv.Close)

	status, r := query(t, srv.URL, "/", url.Values{"Action": {"CreateQueue"}, "Version": {"2012-11-05"}, "QueueName": {"orders"},
		"Attribute.1.Name": {"VisibilityTimeout"}, "Attribute.1.Value": {"40"}})
	require.Equal(t, http.StatusOK, status, "%+v", r)
	assert.Equal(t, "CreateQueueResponse", r.XMLName.Local)
	require.True(t, strings.HasPrefix(r.QueueURL, srv.URL+"/"), "queue URL %q points back at the server", r.QueueURL)
	queueURL := r.QueueURL
	queuePath := strings.TrimPrefix(queueURL, srv.URL)

	_, r = query(t, srv.URL, "/", url.Values{"Action": {"GetQueueUrl"}, "QueueName": {"orders"}})
	assert.Equal(t, queueURL, r.GetQueueURL)

	// To the queue URL path, without QueueUrl.
	status, r = query(t, srv.URL, queuePath, url.Values{"Action": {"SendMessage"}, "MessageBody": {"hello & <bye>\r\n"},
		"MessageAttribute.1.Name": {"Foo"}, "MessageAttribute.1.Value.DataType": {"String"}, "MessageAttribute.1.Value.StringValue": {"Bar"}})
	require.Equal(t, http.StatusOK, status, "%+v", r)
	assert.NotEmpty(t, r.MessageID)
	assert.Equal(t, "ae7155c6026991b6d54b11589678bf9c", r.MD5OfAttrs, "known answer recorded from AWS")
	sentID, sentMD5 := r.MessageID, r.MD5OfBody

	status, r = query(t, srv.URL, "/", url.Values{"Action": {"ReceiveMessage"}, "QueueUrl": {queueURL},
		"AttributeName.1": {"All"}, "MessageAttributeName.1": {"All"}, "MaxNumberOfMessages": {"10"}})
	require.Equal(t, http.StatusOK, status, "%+v", r)
	require.Len(t, r.Messages, 1)
	m := r.Messages[0]
	assert.Equal(t, sentID, m.MessageID)
	assert.Equal(t, "hello & <bye>\r\n", m.Body, "CR LF survive the XML")
	assert.Equal(t, sentMD5, m.MD5OfBody)
	assert.Equal(t, "ae7155c6026991b6d54b11589678bf9c", m.MD5OfAttrs)
	require.Len(t, m.MessageAttributes, 1)
	assert.Equal(t, "Bar", m.MessageAttributes[0].Value.StringValue)
	names := map[string]string{}
	for _, a := range m.Attributes {
		names[a.Name] = a.Value
	}
	assert.Equal(t, "1", names["ApproximateReceiveCount"])

	status, r = query(t, srv.URL, "/", url.Values{"Action": {"DeleteMessage"}, "QueueUrl": {queueURL}, "ReceiptHandle": {m.ReceiptHandle}})
	require.Equal(t, http.StatusOK, status, "%+v", r)
	assert.Equal(t, "DeleteMessageResponse", r.XMLName.Local)
	assert.NotEmpty(t, r.RequestID)

	// Errors from the engine, in the Query protocol's words.
	status, r = query(t, srv.URL, "/", url.Values{"Action": {"GetQueueUrl"}, "QueueName": {"nope"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "ErrorResponse", r.XMLName.Local)
	assert.Equal(t, "AWS.SimpleQueueService.NonExistentQueue", r.ErrorCode)
	assert.Equal(t, "The specified queue does not exist for this wsdl version.", r.ErrorMessage)
	assert.Equal(t, "Sender", r.ErrorType)

	status, r = query(t, srv.URL, "/", url.Values{"Action": {"SendMessage"}, "QueueUrl": {queueURL}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "MissingParameter", r.ErrorCode)
	assert.Equal(t, "The request must contain the parameter MessageBody.", r.ErrorMessage)

	status, r = query(t, srv.URL, "/", url.Values{"Action": {"ReceiveMessage"}, "QueueUrl": {queueURL}, "MaxNumberOfMessages": {"11"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "InvalidParameterValue", r.ErrorCode)
	assert.Equal(t, "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", r.ErrorMessage)
}
