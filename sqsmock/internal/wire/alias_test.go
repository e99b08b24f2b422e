package wire

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// memberNames maps the Query name of each flattened list or map member (its xmlName) to the
// member's own name in the model, the alias SQS also accepts.
var memberNames = map[string]string{
	"AWSAccountId": "AWSAccountIds",
	"ActionName":   "Actions",
	"ChangeMessageVisibilityBatchRequestEntry": "Entries",
	"DeleteMessageBatchRequestEntry":           "Entries",
	"SendMessageBatchRequestEntry":             "Entries",
	"Attribute":                                "Attributes",
	"AttributeName":                            "AttributeNames",
	"MessageAttributeName":                     "MessageAttributeNames",
	"MessageAttribute":                         "MessageAttributes",
	"MessageSystemAttribute":                   "MessageSystemAttributes",
	"StringListValue":                          "StringListValues",
	"BinaryListValue":                          "BinaryListValues",
	"TagKey":                                   "TagKeys",
	"Tag":                                      "Tags",
}

// aliased rewrites every flattened member segment of the parameter names to its member name.
func aliased(op string, params url.Values) url.Values {
	out := url.Values{}
	for k, v := range params {
		segs := strings.Split(k, ".")
		for i, s := range segs {
			if alias, ok := memberNames[s]; ok && (i == 0 || isIndex(segs[i-1]) || segs[i-1] == "Value") {
				if op == "CreateQueue" && s == "Tag" {
					alias = "tags" // CreateQueue's member is "tags"
				}
				segs[i] = alias
			}
		}
		out[strings.Join(segs, ".")] = v
	}
	if op == "ReceiveMessage" {
		// AttributeName.N is both AttributeNames and MessageSystemAttributeNames in the model;
		// by member name they are two parameters.
		out["MessageSystemAttributeNames.1"] = out["AttributeNames.1"]
	}
	return out
}

func isIndex(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// TestQueryMemberNameAliases: every flattened list and map of every operation may be spelled with
// the member's name instead of its Query name (Tags.N.Key for Tag.N.Key, as the AWS SDK for Java
// v1 up to 1.12.583 and the Query-era v2 send TagQueue, aws-sdk-java-v2#2524; MessageAttributes.N
// for MessageAttribute.N, as AWS accepts in LocalStack's AWS-validated
// test_sqs_aws_integration_with_message_attribute[MessageAttributes]); the backend sees the same
// input either way.
func TestQueryMemberNameAliases(t *testing.T) {
	params := queryParamsFor()
	for _, c := range allCases() {
		t.Run(c.op, func(t *testing.T) {
			p := aliased(c.op, params[c.op])
			p.Set("Action", c.op)
			rec := newRecorder()
			res, body := postQuery(t, NewHandler(rec, Options{}), "/", p)
			require.Equal(t, http.StatusOK, res.StatusCode, body)
			calls := rec.Calls()
			require.Len(t, calls, 1)
			assert.Equal(t, c.in, calls[0].input, "parameters %v", p)
		})
	}
}

// TestQueryTagsAlias: TagQueue as the AWS SDK for Java sends it (Tags.N.Key/Value), and the
// model's spelling winning when a request has both.
func TestQueryTagsAlias(t *testing.T) {
	rec := newRecorder()
	h := NewHandler(rec, Options{})
	res, body := postQuery(t, h, "/", form("Action", "TagQueue", "Version", "2012-11-05", "QueueUrl", "q",
		"Tags.1.Key", "returnly:env", "Tags.1.Value", "local", "Tags.2.Key", "returnly:creator", "Tags.2.Value", "rma-api-svc"))
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.Equal(t, &sqs.TagQueueInput{QueueUrl: aws.String("q"),
		Tags: map[string]string{"returnly:env": "local", "returnly:creator": "rma-api-svc"}}, rec.Calls()[0].input)

	res, body = postQuery(t, h, "/", form("Action", "TagQueue", "QueueUrl", "q", "Tag.1.Key", "a", "Tag.1.Value", "1", "Tags.1.Key", "b", "Tags.1.Value", "2"))
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.Equal(t, map[string]string{"a": "1"}, rec.Calls()[1].input.(*sqs.TagQueueInput).Tags)
}

// TestQueryAliasExplicitZero: a batch entry's DelaySeconds=0 counts as given under Entries.N too.
func TestQueryAliasExplicitZero(t *testing.T) {
	for _, prefix := range []string{"SendMessageBatchRequestEntry", "Entries"} {
		ctx := withExplicitQuery(context.Background(), map[string]string{"Action": "SendMessageBatch", "QueueUrl": "q",
			prefix + ".1.Id": "a", prefix + ".1.MessageBody": "x", prefix + ".1.DelaySeconds": "0"})
		assert.True(t, reqctx.Explicit(ctx, "Entries.a.DelaySeconds"), prefix)
	}
}
