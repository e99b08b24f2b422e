package sqsmock_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// wireAnswer is an error or batch answer of either protocol, as raw HTTP gives it.
type wireAnswer struct {
	status        int
	code, message string
	failed        map[string][2]string // batch entry id → code, message
	ok            []string             // batch entry ids sent
	md5           string               // MD5OfMessageBody of a successful SendMessage
}

// postJSON posts a raw AWS JSON 1.0 request for op to base and returns the answer.
func postJSON(t *testing.T, base, op, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS."+op)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, b
}

// callJSON posts an AWS JSON 1.0 request.
func callJSON(t *testing.T, base, op, body string) wireAnswer {
	t.Helper()
	res, b := postJSON(t, base, op, body)
	var out struct {
		Message, MD5OfMessageBody string
		Successful                []struct{ Id string }
		Failed                    []struct{ Id, Code, Message string }
	}
	require.NoError(t, json.Unmarshal(b, &out), "%s", b)
	a := wireAnswer{status: res.StatusCode, message: out.Message, md5: out.MD5OfMessageBody}
	if h := res.Header.Get("x-amzn-query-error"); h != "" {
		a.code, _, _ = strings.Cut(h, ";")
	}
	a.failed = map[string][2]string{}
	for _, f := range out.Failed {
		a.failed[f.Id] = [2]string{f.Code, f.Message}
	}
	for _, s := range out.Successful {
		a.ok = append(a.ok, s.Id)
	}
	return a
}

// callQuery posts a Query request.
func callQuery(t *testing.T, base string, params url.Values) wireAnswer {
	t.Helper()
	res, err := http.Post(base+"/", "application/x-www-form-urlencoded", strings.NewReader(params.Encode()))
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var out struct {
		Code    string                               `xml:"Error>Code"`
		Message string                               `xml:"Error>Message"`
		MD5     string                               `xml:"SendMessageResult>MD5OfMessageBody"`
		OK      []struct{ Id string }                `xml:"SendMessageBatchResult>SendMessageBatchResultEntry"`
		Failed  []struct{ Id, Code, Message string } `xml:"SendMessageBatchResult>BatchResultErrorEntry"`
	}
	require.NoError(t, xml.Unmarshal(b, &out), "%s", b)
	a := wireAnswer{status: res.StatusCode, code: out.Code, message: out.Message, md5: out.MD5, failed: map[string][2]string{}}
	for _, f := range out.Failed {
		a.failed[f.Id] = [2]string{f.Code, f.Message}
	}
	for _, s := range out.OK {
		a.ok = append(a.ok, s.Id)
	}
	return a
}

// TestInvalidCharactersOverBothProtocols: a body, a String attribute value or a batch entry's
// body with a character SQS does not allow is rejected the same way over AWS JSON 1.0 and Query,
// whether it arrives as an unpaired surrogate (JSON "\ud800", Query bytes ED A0 80) or as bytes
// that are not UTF-8; nothing is stored. The JSON protocol used to store U+FFFD instead and
// answer with its MD5. Sent with raw HTTP: the SDK replaces invalid UTF-8 itself (see
// TestSDKReplacesInvalidUTF8).
func TestInvalidCharactersOverBothProtocols(t *testing.T) {
	t.Parallel()
	const allowed = "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
	srv := sqsmock.NewServer(t)
	c := srv.SDKClient()
	q, err := c.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String("chars")})
	require.NoError(t, err)
	qurl := aws.ToString(q.QueueUrl)

	cases := []struct {
		name          string
		jsonLit, raw  string // the value as a JSON string literal's content, and as bytes
		char          string // how SQS names the offending character
		valid, stored string // for valid values: what is stored
	}{
		{name: "lone high surrogate", jsonLit: `a\ud800b`, raw: "a\xed\xa0\x80b", char: "#xD800"},
		{name: "lone low surrogate", jsonLit: `\udfff`, raw: "\xed\xbf\xbf", char: "#xDFFF"},
		{name: "surrogate pair, reversed", jsonLit: `\ude00\ud83d`, raw: "\xed\xb8\x80\xed\xa0\xbd", char: "#xDE00"},
		{name: "invalid UTF-8 byte", jsonLit: "a\xffb", raw: "a\xffb", char: "#xFF"},
		{name: "control character", jsonLit: `\u0001`, raw: "\x01", char: "#x1"},
		{name: "surrogate pair", jsonLit: `\ud83d\ude00`, raw: "😀", valid: "😀"},
	}
	for _, tc := range cases {
		jsonStr := `"` + tc.jsonLit + `"`
		bodyMsg := "Invalid binary character '" + tc.char + "' was found in the message body, the set of allowed characters is " + allowed
		attrMsg := "Message (user) attribute 's' contains invalid character " + tc.char + "."
		protocols := []struct {
			name                  string
			send, sendAttr, batch func() wireAnswer
		}{
			{"json",
				func() wireAnswer {
					return callJSON(t, srv.URL, "SendMessage", `{"QueueUrl":"`+qurl+`","MessageBody":`+jsonStr+`}`)
				},
				func() wireAnswer {
					return callJSON(t, srv.URL, "SendMessage", `{"QueueUrl":"`+qurl+`","MessageBody":"x","MessageAttributes":{"s":{"DataType":"String","StringValue":`+jsonStr+`}}}`)
				},
				func() wireAnswer {
					return callJSON(t, srv.URL, "SendMessageBatch", `{"QueueUrl":"`+qurl+`","Entries":[{"Id":"fine","MessageBody":"x"},{"Id":"bad","MessageBody":`+jsonStr+`}]}`)
				}},
			{"query",
				func() wireAnswer {
					return callQuery(t, srv.URL, url.Values{"Action": {"SendMessage"}, "QueueUrl": {qurl}, "MessageBody": {tc.raw}})
				},
				func() wireAnswer {
					return callQuery(t, srv.URL, url.Values{"Action": {"SendMessage"}, "QueueUrl": {qurl}, "MessageBody": {"x"},
						"MessageAttribute.1.Name": {"s"}, "MessageAttribute.1.Value.DataType": {"String"}, "MessageAttribute.1.Value.StringValue": {tc.raw}})
				},
				func() wireAnswer {
					return callQuery(t, srv.URL, url.Values{"Action": {"SendMessageBatch"}, "QueueUrl": {qurl},
						"SendMessageBatchRequestEntry.1.Id": {"fine"}, "SendMessageBatchRequestEntry.1.MessageBody": {"x"},
						"SendMessageBatchRequestEntry.2.Id": {"bad"}, "SendMessageBatchRequestEntry.2.MessageBody": {tc.raw}})
				}},
		}
		for _, p := range protocols {
			t.Run(tc.name+"/"+p.name, func(t *testing.T) {
				before := len(srv.Mock().Messages("chars"))
				if tc.valid != "" {
					a := p.send()
					require.Equal(t, http.StatusOK, a.status, "%+v", a)
					assert.Equal(t, md5Hex(tc.valid), a.md5)
					return
				}
				a := p.send()
				assert.Equal(t, wireAnswer{status: 400, code: "InvalidMessageContents", message: bodyMsg, failed: map[string][2]string{}}, a, "body")
				a = p.sendAttr()
				// SQS answers InvalidParameterValue for a String attribute value with characters
				// outside the set (LocalStack's AWS-validated
				// test_invalid_string_attributes_cause_invalid_parameter_value_error).
				assert.Equal(t, wireAnswer{status: 400, code: "InvalidParameterValue", message: attrMsg, failed: map[string][2]string{}}, a, "attribute")
				a = p.batch()
				assert.Equal(t, http.StatusOK, a.status, "batch")
				assert.Equal(t, []string{"fine"}, a.ok, "batch")
				assert.Equal(t, map[string][2]string{"bad": {"InvalidMessageContents", bodyMsg}}, a.failed, "batch")
				assert.Len(t, srv.Mock().Messages("chars"), before+1, "only the valid batch entry was stored")
				for _, m := range srv.Mock().Messages("chars") {
					assert.NotContains(t, m.Body, "\uFFFD", "nothing stored with U+FFFD")
				}
			})
		}
	}
}

// TestSDKReplacesInvalidUTF8: aws-sdk-go-v2 cannot send invalid UTF-8 over AWS JSON 1.0: its
// encoder writes U+FFFD instead, so the server (AWS as the mock) stores U+FFFD and the SDK then
// reports that the MD5 of the body it meant to send does not match. A Go string cannot hold an
// unpaired surrogate other than as such bytes, so the SDK cannot send one either. The in-process
// client passes the bytes to the engine, which rejects them.
func TestSDKReplacesInvalidUTF8(t *testing.T) {
	t.Parallel()
	srv := sqsmock.NewServer(t)
	c := srv.SDKClient(noRetries)
	q, err := c.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String("sdk")})
	require.NoError(t, err)
	_, err = c.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("a\xffb")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "checksum", "the SDK's MD5 check")
	msgs := srv.Mock().Messages("sdk")
	require.Len(t, msgs, 1)
	assert.Equal(t, "a\uFFFDb", msgs[0].Body, "what the SDK sent")

	in := srv.Mock().Client(noRetries)
	_, err = in.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("a\xffb")})
	requireAPIError(t, err, "InvalidMessageContents", "")
	assert.Len(t, srv.Mock().Messages("sdk"), 1)
}
