package snswire

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// wireError is the parsed ErrorResponse of a response.
type wireError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ReqID   string   `xml:"RequestId"`
}

func parseError(t *testing.T, w *httptest.ResponseRecorder) wireError {
	t.Helper()
	var e wireError
	require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
	assert.Equal(t, "text/xml", w.Header().Get("Content-Type"))
	assert.Equal(t, e.ReqID, w.Header().Get("x-amzn-RequestId"))
	return e
}

// send serves one raw request on a handler over b.
func send(b API, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	NewHandler(b, func() string { return "rid" }).ServeHTTP(w, r)
	return w
}

func formReq(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://localhost:4566/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestActions(t *testing.T) {
	cases := []struct {
		name, body, code, msg, ns string
		status                    int
	}{
		// SNS's own answer to an unknown action, namespace included (ex-aws/ex_aws#177: a
		// lowercase "publish"); action names are case-sensitive.
		{"unknown", "Action=Frobnicate&Version=2010-03-31", "InvalidAction", "Could not find operation Frobnicate for version 2010-03-31", faultNamespace, 400},
		{"lower case", "Action=publish&Version=2010-03-31&Message=m", "InvalidAction", "Could not find operation publish for version 2010-03-31", faultNamespace, 400},
		{"no version", "Action=Frobnicate", "InvalidAction", "Could not find operation Frobnicate for version 2010-03-31", faultNamespace, 400},
		// An SQS request (its version) is not SNS's.
		{"other version", "Action=AddPermission&Version=2012-11-05", "InvalidAction", "Could not find operation AddPermission for version 2012-11-05", faultNamespace, 400},
		{"not served", "Action=ConfirmSubscription&Version=2010-03-31&TopicArn=t&Token=x", "InvalidAction", "Operation (ConfirmSubscription) is not supported by sqsmock's SNS", namespace, 400},
		{"missing", "Version=2010-03-31&TopicArn=t", "MissingAction", "The request is missing an action or a required parameter.", namespace, 400},
		{"empty", "Action=", "MissingAction", "The request is missing an action or a required parameter.", namespace, 400},
		{"malformed", "Action=Publish&Message=%zz", "MalformedQueryString", `The query string contains a syntax error: invalid URL escape "%zz"`, namespace, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			w := send(f, formReq(tc.body))
			assert.Equal(t, tc.status, w.Code)
			e := parseError(t, w)
			assert.Equal(t, tc.ns, e.XMLName.Space)
			assert.Equal(t, wireError{XMLName: e.XMLName, Type: "Sender", Code: tc.code, Message: tc.msg, ReqID: "rid"}, e)
			assert.Zero(t, f.count(), "the backend is not called")
		})
	}
}

func TestIsAction(t *testing.T) {
	client := reflect.TypeFor[*sns.Client]()
	ops := 0
	for i := range client.NumMethod() {
		m := client.Method(i)
		if m.Type.NumIn() == 4 && strings.HasSuffix(m.Type.In(2).String(), "Input") {
			ops++
			assert.True(t, IsAction(m.Name), "every operation of *sns.Client is an SNS action: %s", m.Name)
		}
	}
	assert.Equal(t, len(actions), ops, "every SNS action is an operation of *sns.Client")
	for name := range operations {
		assert.True(t, IsAction(name))
	}
	for _, name := range []string{"", "publish", "SendMessage", "CreateQueue", "ListQueues", "TagQueue", "Publish "} {
		assert.False(t, IsAction(name), name)
	}
	// Shared with SQS: the Version parameter tells them apart.
	assert.True(t, IsAction("AddPermission"))
	assert.True(t, IsAction("RemovePermission"))
}

// The parameters of a GET's query string count, as do those of a POST's query string, under the
// body's.
func TestQueryString(t *testing.T) {
	f := newFake()
	r := httptest.NewRequest(http.MethodGet, "http://localhost/?Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Message=hello+world%21&Version=2010-03-31", nil)
	w := send(f, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:1:t"), Message: aws.String("hello world!")}, f.last(t, "Publish"))

	r = httptest.NewRequest(http.MethodPost, "http://localhost/?Action=Publish&Message=from-query&Subject=s", strings.NewReader("Message=from-body"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w = send(f, r)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, &sns.PublishInput{Message: aws.String("from-body"), Subject: aws.String("s")}, f.last(t, "Publish"))

	// A body that is not a form does not count (and a Content-Type with parameters still is one).
	r = httptest.NewRequest(http.MethodPost, "http://localhost/", strings.NewReader("Action=ListTopics"))
	r.Header.Set("Content-Type", "application/json")
	assert.Equal(t, "MissingAction", parseError(t, send(f, r)).Code)
	r = httptest.NewRequest(http.MethodPost, "http://localhost/", strings.NewReader("Action=ListTopics"))
	assert.Equal(t, http.StatusOK, send(f, r).Code, "no Content-Type")
	r = httptest.NewRequest(http.MethodPost, "http://localhost/", strings.NewReader("Action=ListTopics"))
	r.Header.Set("Content-Type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8")
	assert.Equal(t, http.StatusOK, send(f, r).Code)
}

// How parameters map onto the input beyond what the SDKs send: unknown parameters are ignored,
// the first of a repeated parameter counts, list items are in index order (gaps allowed), map
// entries without a key are ignored and the first entry of a key counts, booleans are
// case-insensitive, ; is no separator, + is a space.
func TestDecodeEdges(t *testing.T) {
	f := newFake()
	body := "Action=CreateTopic&Name=a&Name=b&Unknown=1&AWSAccessKeyId=x&Signature=y&Timestamp=z" +
		"&Tags.member.3.Key=k3&Tags.member.3.Value=v3&Tags.member.1.Key=k1&Tags.member.10.Key=k10" +
		"&Tags.member.0.Key=zero&Tags.member.01.Key=leading-zero&Tags.member.x.Key=x&Tags.member.1-.Key=dash" +
		"&Attributes.entry.2.key=DisplayName&Attributes.entry.2.value=second&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=first" +
		"&Attributes.entry.3.value=no-key&Attributes.entry.4.key=Empty&Attributes.entry.5.key=Policy&Attributes.entry.5.value=a;b+c%2Bd"
	w := send(f, formReq(body))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, &sns.CreateTopicInput{
		Name: aws.String("a"),
		Tags: []types.Tag{{Key: aws.String("k1")}, {Key: aws.String("k3"), Value: aws.String("v3")}, {Key: aws.String("k10")}},
		Attributes: map[string]string{
			"DisplayName": "first",
			"Empty":       "",
			"Policy":      "a;b c+d",
		},
	}, f.last(t, "CreateTopic"))

	for _, v := range []string{"true", "TRUE", "True"} {
		w = send(f, formReq("Action=Subscribe&ReturnSubscriptionArn="+v))
		require.Equal(t, http.StatusOK, w.Code)
		assert.True(t, f.last(t, "Subscribe").(*sns.SubscribeInput).ReturnSubscriptionArn)
	}
	w = send(f, formReq("Action=Subscribe&ReturnSubscriptionArn=false"))
	require.Equal(t, http.StatusOK, w.Code)
	assert.False(t, f.last(t, "Subscribe").(*sns.SubscribeInput).ReturnSubscriptionArn)

	// Empty values are present, empty: the backend tells "" from absent.
	w = send(f, formReq("Action=Publish&Message=&Subject="))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, &sns.PublishInput{Message: aws.String(""), Subject: aws.String("")}, f.last(t, "Publish"))

	// A message attribute without its Value, or with an empty one.
	w = send(f, formReq("Action=Publish&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.2.Name=b&MessageAttributes.entry.2.Value.StringValue=s&MessageAttributes.entry.3.Name=c&MessageAttributes.entry.3.Value.BinaryValue="))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, map[string]types.MessageAttributeValue{"a": {}, "b": {StringValue: aws.String("s")}, "c": {BinaryValue: []byte{}}},
		f.last(t, "Publish").(*sns.PublishInput).MessageAttributes)
}

// A missing required parameter is no codec error: what SNS answers depends on the parameter (an
// absent SubscriptionArn is "InvalidParameter: Invalid parameter: SubscriptionArn Reason: no
// value for required parameter", an absent required map a ValidationError), so the backend gets
// nil and answers.
func TestMissingRequiredReachesBackend(t *testing.T) {
	f := newFake()
	for _, op := range opNames() {
		w := send(f, formReq("Action="+op))
		require.Equal(t, http.StatusOK, w.Code, op)
		in, _ := ioTypes(t, op)
		assert.Equal(t, in.Interface(), f.last(t, op), op)
	}
}

func TestValueErrors(t *testing.T) {
	cases := []struct{ body, msg string }{
		{"Action=Subscribe&ReturnSubscriptionArn=yes", `Invalid parameter: ReturnSubscriptionArn Reason: "yes" must be true or false`},
		{"Action=Publish&MessageAttributes.entry.1.Name=b&MessageAttributes.entry.1.Value.DataType=Binary&MessageAttributes.entry.1.Value.BinaryValue=not%20base64!",
			`Invalid parameter: MessageAttributes.entry.1.Value.BinaryValue Reason: "not base64!" must be base64-encoded`},
		{"Action=PublishBatch&PublishBatchRequestEntries.member.1.Id=1&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name=b&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.BinaryValue=%3D%3D%3D",
			`Invalid parameter: PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.BinaryValue Reason: "===" must be base64-encoded`},
		{"Action=TagResource&Tags.member.1001.Key=k", "Invalid parameter: Tags.member.1001 Reason: list and map indexes must be between 1 and 1000"},
		{"Action=UntagResource&TagKeys.member.99999999999999999999999=k", "Invalid parameter: TagKeys.member.99999999999999999999999 Reason: list and map indexes must be between 1 and 1000"},
		{"Action=PublishBatch&PublishBatchRequestEntries.member.1.MessageAttributes.entry.5000.Name=x", "Invalid parameter: PublishBatchRequestEntries.member.1.MessageAttributes.entry.5000 Reason: list and map indexes must be between 1 and 1000"},
	}
	for _, tc := range cases {
		f := newFake()
		w := send(f, formReq(tc.body))
		assert.Equal(t, http.StatusBadRequest, w.Code, tc.body)
		e := parseError(t, w)
		assert.Equal(t, "InvalidParameter", e.Code)
		assert.Equal(t, "Sender", e.Type)
		assert.Equal(t, tc.msg, e.Message)
		assert.Zero(t, f.count())
	}

	// Index 1000 is the last one accepted.
	f := newFake()
	w := send(f, formReq("Action=UntagResource&TagKeys.member.1000=k"))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, []string{"k"}, f.last(t, "UntagResource").(*sns.UntagResourceInput).TagKeys)
}

func TestBodyLimit(t *testing.T) {
	f := newFake()
	big := "Action=Publish&Message=" + strings.Repeat("a", MaxBodyBytes)
	w := send(f, formReq(big))
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	assert.Equal(t, "RequestEntityTooLarge", parseError(t, w).Code)

	// Without a Content-Length (chunked), the limit applies while reading.
	r := formReq(big)
	r.ContentLength = -1
	w = send(f, r)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	assert.Zero(t, f.count())

	// Just within the limit.
	ok := "Action=Publish&Message="
	ok += strings.Repeat("a", MaxBodyBytes-len(ok))
	w = send(f, formReq(ok))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Len(t, aws.ToString(f.last(t, "Publish").(*sns.PublishInput).Message), MaxBodyBytes-len("Action=Publish&Message="))
}

// ctxBackend records what the request context carries.
type ctxBackend struct {
	*fake
	trace, base string
}

func (b *ctxBackend) ListTopics(ctx context.Context, in *sns.ListTopicsInput, o ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	b.trace = reqctx.TraceHeader(ctx)
	b.base, _ = reqctx.BaseURL(ctx)
	return b.fake.ListTopics(ctx, in, o...)
}

// The request's X-Amzn-Trace-Id, base URL and signed region reach the backend.
func TestRequestContext(t *testing.T) {
	b := &ctxBackend{fake: newFake()}
	r := formReq("Action=ListTopics")
	r.Host = "sns.local:9911"
	r.Header.Set("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-central-1/sns/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
	require.Equal(t, http.StatusOK, send(b, r).Code)
	assert.Equal(t, "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", b.trace)
	assert.Equal(t, "http://sns.local:9911", b.base)
	assert.Equal(t, "eu-central-1", b.calls[0].region)

	// A presigned request's X-Amz-Credential; an unsigned request has no region.
	r = httptest.NewRequest(http.MethodGet, "http://localhost/?Action=ListTopics&X-Amz-Credential="+url.QueryEscape("AKID/20240101/us-west-2/sns/aws4_request"), nil)
	require.Equal(t, http.StatusOK, send(b, r).Code)
	assert.Equal(t, "us-west-2", b.calls[1].region)
	require.Equal(t, http.StatusOK, send(b, formReq("Action=ListTopics")).Code)
	assert.Equal(t, "", b.calls[2].region)
	assert.Equal(t, "", b.trace)
}

// Operations without output have no Result element; those whose output has no members have an
// empty one (the SDKs require it: "TagResourceResult node not found").
func TestResultElements(t *testing.T) {
	noResult := map[string]bool{"DeleteTopic": true, "SetTopicAttributes": true, "Unsubscribe": true, "SetSubscriptionAttributes": true}
	for _, op := range opNames() {
		w := send(newFake(), formReq("Action="+op))
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		switch {
		case noResult[op]:
			assert.NotContains(t, body, op+"Result", op)
		default:
			assert.Contains(t, body, "\n  <"+op+"Result", op)
		}
		assert.True(t, strings.HasPrefix(body, "<"+op+`Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/">`+"\n"), body)
		assert.True(t, strings.HasSuffix(body, "  <ResponseMetadata>\n    <RequestId>rid</RequestId>\n  </ResponseMetadata>\n</"+op+"Response>\n"), body)
	}
	assert.Contains(t, send(newFake(), formReq("Action=TagResource")).Body.String(), "\n  <TagResourceResult/>\n")
	assert.Contains(t, send(newFake(), formReq("Action=UntagResource")).Body.String(), "\n  <UntagResourceResult/>\n")
}

// Text that XML cannot carry is replaced, so every response parses; everything else survives.
func TestEscaping(t *testing.T) {
	f := newFake()
	f.outs["GetTopicAttributes"] = &sns.GetTopicAttributesOutput{Attributes: map[string]string{
		"control": "a\x00b\x01c\x1fd\ufffee\uffff",
		"invalid": "x\xff\xfey",
		"kept":    "<&>\"' \t\n\r\u2028🎉",
	}}
	w := send(f, formReq("Action=GetTopicAttributes"))
	require.Equal(t, http.StatusOK, w.Code)
	var got struct {
		Entries []struct {
			Key   string `xml:"key"`
			Value string `xml:"value"`
		} `xml:"GetTopicAttributesResult>Attributes>entry"`
	}
	require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &got), w.Body.String())
	require.Len(t, got.Entries, 3)
	assert.Equal(t, "a\ufffdb\ufffdc\ufffdd\ufffde\ufffd", got.Entries[0].Value)
	assert.Equal(t, "x\ufffd\ufffdy", got.Entries[1].Value)
	assert.Equal(t, "<&>\"' \t\n\r\u2028🎉", got.Entries[2].Value)
	assert.Contains(t, w.Body.String(), "<value>&lt;&amp;&gt;&quot;' \t\n&#xD;\u2028🎉</value>")
}

// A request whose client went away while the backend worked gets no answer body.
func TestClientGone(t *testing.T) {
	b := &cancelBackend{fake: newFake()}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	r := formReq("Action=ListTopics").WithContext(ctx)
	w := send(b, r)
	assert.Equal(t, statusClientClosedRequest, w.Code)
	assert.Empty(t, w.Body.String())
}

type cancelBackend struct {
	*fake
	cancel func()
}

func (b *cancelBackend) ListTopics(ctx context.Context, _ *sns.ListTopicsInput, _ ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	b.cancel()
	<-ctx.Done()
	return nil, ctx.Err()
}

// Request ids are random UUIDs by default, one per request, in the header of every answer.
func TestDefaultRequestIDs(t *testing.T) {
	h := NewHandler(newFake(), nil)
	seen := map[string]bool{}
	for i := range 3 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, formReq("Action=ListTopics&n="+strconv.Itoa(i)))
		id := w.Header().Get("x-amzn-RequestId")
		assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id)
		assert.Contains(t, w.Body.String(), "<RequestId>"+id+"</RequestId>")
		seen[id] = true
	}
	assert.Len(t, seen, 3)
}

// errReader fails every read, as the body of a connection that broke does.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// A body that cannot be read (the client went away) gets no answer body.
func TestBodyReadError(t *testing.T) {
	f := newFake()
	r := httptest.NewRequest(http.MethodPost, "http://localhost/", errReader{})
	w := send(f, r)
	assert.Equal(t, statusClientClosedRequest, w.Code)
	assert.Empty(t, w.Body.String())
	assert.Zero(t, f.count())
}
