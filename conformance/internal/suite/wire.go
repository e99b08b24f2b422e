package suite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/queueurl"
)

// Wire-level behaviours: what the answers look like on the wire, and the request spellings SQS
// accepts, checked with raw HTTP requests (signed like the backend's SDK client signs them).

var (
	queryDoc      = guideDoc("sqs-making-api-requests-xml.html")
	queryReplyDoc = guideDoc("sqs-xml-api-responses.html")
)

// rawAnswer is one HTTP answer.
type rawAnswer struct {
	status int
	header http.Header
	body   string
}

// rawClient is the SDK client whose endpoint, transport and credentials raw requests use: the
// backend's own, or for the in-process mock its in-memory SDK client.
func (c *C) rawClient() *sqs.Client {
	if sc, ok := c.Client().(*sqs.Client); ok {
		return sc
	}
	require.NotNil(c, c.Mock(), "raw HTTP needs an *sqs.Client or the mock")
	return c.Mock().SDKClient()
}

// raw sends one signed HTTP request; target is a URL or a path on the backend's endpoint.
func (c *C) raw(method, target string, header http.Header, body string) rawAnswer {
	cl := c.rawClient()
	opts := cl.Options()
	if !strings.HasPrefix(target, "http") {
		base := "https://sqs." + opts.Region + ".amazonaws.com"
		if opts.BaseEndpoint != nil {
			base = *opts.BaseEndpoint
		}
		target = strings.TrimRight(base, "/") + target
	}
	ctx, cancel := context.WithTimeout(c.Ctx(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, strings.NewReader(body))
	require.NoError(c, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	if opts.Credentials != nil {
		creds, err := opts.Credentials.Retrieve(ctx)
		require.NoError(c, err, "credentials")
		sum := sha256.Sum256([]byte(body))
		require.NoError(c, v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sqs", opts.Region, time.Now()))
	}
	var do func(*http.Request) (*http.Response, error) = http.DefaultClient.Do
	if opts.HTTPClient != nil {
		do = opts.HTTPClient.Do
	}
	res, err := do(req)
	require.NoError(c, err, "%s %s", method, target)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c, err)
	return rawAnswer{status: res.StatusCode, header: res.Header, body: string(b)}
}

// jsonCall sends one AWS JSON 1.0 request and requires HTTP 200; it returns the raw body.
func (c *C) jsonCall(op string, in any) string {
	b, err := json.Marshal(in)
	require.NoError(c, err)
	r := c.raw(http.MethodPost, "/", http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Target": {"AmazonSQS." + op}}, string(b))
	require.Equal(c, http.StatusOK, r.status, "%s: %s", op, r.body)
	return r.body
}

// jsonKeys decodes a JSON object answer.
func (c *C) jsonKeys(body string) map[string]any {
	var out map[string]any
	require.NoError(c, json.Unmarshal([]byte(body), &out), "a JSON object: %s", body)
	return out
}

// queryJSON sends a Query request that asks for JSON (Accept: application/json); GET carries the
// parameters in the URL, POST in a form body.
func (c *C) queryJSON(method, target string, params url.Values) (rawAnswer, map[string]any) {
	h := http.Header{"Accept": {"application/json"}}
	body := ""
	if method == http.MethodGet {
		target += "?" + params.Encode()
	} else {
		h.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		body = params.Encode()
	}
	r := c.raw(method, target, h, body)
	var doc map[string]any
	require.NoError(c, json.Unmarshal([]byte(r.body), &doc), "a JSON answer (HTTP %d, Content-Type %q): %.300s",
		r.status, r.header.Get("Content-Type"), r.body)
	return r, doc
}

// at walks a decoded JSON document along keys.
func at(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// queryOK sends a form-encoded Query request and requires HTTP 200; it returns the XML body.
func (c *C) queryOK(params url.Values) string {
	r := c.raw(http.MethodPost, "/", http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}, params.Encode())
	require.Equal(c, http.StatusOK, r.status, "%s: %s", params.Get("Action"), r.body)
	return r.body
}

func wireTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-WIRE-001", Title: "A JSON ReceiveMessage answer with no messages is {}: no empty Messages list",
			Doc: apiDoc("ReceiveMessage"), Run: func(c *C) {
				q := c.Queue("wire-empty", nil)
				assert.JSONEq(c, `{}`, c.jsonCall("ReceiveMessage", map[string]any{"QueueUrl": q}))
			}},
		Test{ID: "SQS-WIRE-002", Title: "A JSON SendMessageBatch answer with every entry successful has no Failed list",
			Doc: apiDoc("SendMessageBatch"), Run: func(c *C) {
				q := c.Queue("wire-batch", nil)
				out := c.jsonKeys(c.jsonCall("SendMessageBatch", map[string]any{"QueueUrl": q, "Entries": []map[string]any{
					{"Id": "1", "MessageBody": "a"}, {"Id": "2", "MessageBody": "b"}}}))
				assert.NotContains(c, out, "Failed")
				assert.Len(c, out["Successful"], 2)
			}},
		Test{ID: "SQS-WIRE-003", Title: "JSON DeleteMessageBatch and ChangeMessageVisibilityBatch answers with every entry successful have no Failed list",
			Doc: apiDoc("DeleteMessageBatch"), Run: func(c *C) {
				q := c.Queue("wire-batch2", nil)
				c.SendN(q, 2)
				msgs := c.RequireN(q, 2, 10*time.Second)
				var cmv, del []map[string]any
				for i, m := range msgs {
					id := string(rune('a' + i))
					cmv = append(cmv, map[string]any{"Id": id, "ReceiptHandle": aws.ToString(m.ReceiptHandle), "VisibilityTimeout": 5})
					del = append(del, map[string]any{"Id": id, "ReceiptHandle": aws.ToString(m.ReceiptHandle)})
				}
				out := c.jsonKeys(c.jsonCall("ChangeMessageVisibilityBatch", map[string]any{"QueueUrl": q, "Entries": cmv}))
				assert.NotContains(c, out, "Failed", "ChangeMessageVisibilityBatch")
				assert.Len(c, out["Successful"], 2)
				out = c.jsonKeys(c.jsonCall("DeleteMessageBatch", map[string]any{"QueueUrl": q, "Entries": del}))
				assert.NotContains(c, out, "Failed", "DeleteMessageBatch")
				assert.Len(c, out["Successful"], 2)
			}},
		Test{ID: "SQS-WIRE-004", Title: "A JSON GetQueueAttributes answer with no attribute to return is {}: no empty Attributes map",
			Doc: apiDoc("GetQueueAttributes"), Run: func(c *C) {
				q := c.Queue("wire-attrs", nil)
				assert.JSONEq(c, `{}`, c.jsonCall("GetQueueAttributes", map[string]any{"QueueUrl": q, "AttributeNames": []string{"Policy"}}))
			}},
		Test{ID: "SQS-WIRE-005", Title: "A JSON ListQueueTags answer for an untagged queue is {}: no empty Tags map",
			Doc: apiDoc("ListQueueTags"), Run: func(c *C) {
				q := c.Queue("wire-tags", nil)
				assert.JSONEq(c, `{}`, c.jsonCall("ListQueueTags", map[string]any{"QueueUrl": q}))
			}},
		Test{ID: "SQS-WIRE-006", Title: "A JSON ListQueues answer with no queue to list is {}: no empty QueueUrls list",
			Doc: apiDoc("ListQueues"), Run: func(c *C) {
				assert.JSONEq(c, `{}`, c.jsonCall("ListQueues", map[string]any{"QueueNamePrefix": c.UniqueName("wire-none", false)}))
			}},

		Test{ID: "SQS-WIRE-010", Title: "A Query ListQueues request with Accept: application/json is answered in JSON, ListQueuesResponse/ListQueuesResult/queueUrls",
			Doc: queryDoc, Run: func(c *C) {
				q := c.Queue("wire-json-list", nil)
				prefix := queueurl.Name(q)
				r, doc := c.queryJSON(http.MethodGet, "/", url.Values{"Action": {"ListQueues"}, "Version": {"2012-11-05"}, "QueueNamePrefix": {prefix}})
				require.Equal(c, http.StatusOK, r.status, r.body)
				assert.Contains(c, doc, "ListQueuesResponse", r.body)
				assert.Equal(c, []any{q}, at(doc, "ListQueuesResponse", "ListQueuesResult", "queueUrls"), r.body)
				assert.NotEmpty(c, at(doc, "ListQueuesResponse", "ResponseMetadata", "RequestId"), r.body)
			}},
		Test{ID: "SQS-WIRE-011", Title: "A Query ReceiveMessage request with Accept: application/json returns the messages under ReceiveMessageResult.messages",
			Doc: queryDoc, Run: func(c *C) {
				q := c.Queue("wire-json-recv", nil)
				body := "{\"foo\": \"ba\rr\", \"foo2\": \"ba&quot;r&quot;\"}"
				c.Send(q, body)
				r, doc := c.queryJSON(http.MethodGet, "/", url.Values{"Action": {"ReceiveMessage"}, "QueueUrl": {q}, "Version": {"2012-11-05"},
					"VisibilityTimeout": {"0"}, "WaitTimeSeconds": {"5"}})
				require.Equal(c, http.StatusOK, r.status, r.body)
				msgs, _ := at(doc, "ReceiveMessageResponse", "ReceiveMessageResult", "messages").([]any)
				require.Len(c, msgs, 1, r.body)
				assert.Equal(c, body, at(msgs[0], "Body"), r.body)
			}},
		Test{ID: "SQS-WIRE-012", Title: "A Query SendMessage request with Accept: application/json is answered with every SendMessageResult member, null when absent",
			Doc: queryDoc, Run: func(c *C) {
				q := c.Queue("wire-json-send", nil)
				r, doc := c.queryJSON(http.MethodPost, "/", url.Values{"Action": {"SendMessage"}, "QueueUrl": {q}, "MessageBody": {"hello"}})
				require.Equal(c, http.StatusOK, r.status, r.body)
				res, _ := at(doc, "SendMessageResponse", "SendMessageResult").(map[string]any)
				require.NotNil(c, res, r.body)
				assert.Equal(c, md5Hex("hello"), res["MD5OfMessageBody"], r.body)
				assert.NotEmpty(c, res["MessageId"], r.body)
				for _, k := range []string{"MD5OfMessageAttributes", "MD5OfMessageSystemAttributes", "SequenceNumber"} {
					v, ok := res[k]
					assert.True(c, ok && v == nil, "%s: null, got %v (present %v): %s", k, v, ok, r.body)
				}
			}},
		Test{ID: "SQS-WIRE-013", Title: "A Query error with Accept: application/json is JSON: Error{Code,Message,Type} and RequestId, with the Query code and HTTP status",
			Doc: queryReplyDoc, Run: func(c *C) {
				q := c.Queue("wire-json-err", nil)
				r, doc := c.queryJSON(http.MethodPost, "/", url.Values{"Action": {"GetQueueAttributes"}, "QueueUrl": {c.MissingURL(q)}, "AttributeName.1": {"All"}})
				assert.Equal(c, http.StatusBadRequest, r.status, r.body)
				assert.Equal(c, "AWS.SimpleQueueService.NonExistentQueue", at(doc, "Error", "Code"), r.body)
				assert.Equal(c, "Sender", at(doc, "Error", "Type"), r.body)
				assert.NotEmpty(c, at(doc, "Error", "Message"), r.body)
				assert.NotEmpty(c, doc["RequestId"], r.body)
			}},

		Test{ID: "SQS-WIRE-020", Title: "Query TagQueue accepts Tags.N.Key/Tags.N.Value, as the AWS SDK for Java sends them, besides Tag.N.Key/Tag.N.Value",
			Doc: apiDoc("TagQueue"), Run: func(c *C) {
				q := c.Queue("wire-tags-alias", nil)
				c.queryOK(url.Values{"Action": {"TagQueue"}, "Version": {"2012-11-05"}, "QueueUrl": {q},
					"Tags.1.Key": {"env"}, "Tags.1.Value": {"local"}, "Tags.2.Key": {"creator"}, "Tags.2.Value": {"rma"}})
				assert.Equal(c, map[string]string{"env": "local", "creator": "rma"}, c.tags(q))
			}},
		Test{ID: "SQS-WIRE-021", Title: "Query SendMessage accepts MessageAttributes.N.Name/Value besides MessageAttribute.N.Name/Value",
			Doc: apiDoc("SendMessage"), Run: func(c *C) {
				q := c.Queue("wire-attr-alias", nil)
				c.queryOK(url.Values{"Action": {"SendMessage"}, "Version": {"2012-11-05"}, "QueueUrl": {q}, "MessageBody": {`{"foo": "bar"}`},
					"MessageAttributes.1.Name": {"user-agent"}, "MessageAttributes.1.Value.DataType": {"String"},
					"MessageAttributes.1.Value.StringValue": {"BAR-Header"}})
				m := c.one(q, 10*time.Second, func(in *sqs.ReceiveMessageInput) { in.MessageAttributeNames = []string{"All"} })
				c.AssertMessageAttributes(m, map[string]types.MessageAttributeValue{"user-agent": str("BAR-Header")})
			}},
	)
	return
}
