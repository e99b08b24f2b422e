package suite

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	sendDoc    = apiDoc("SendMessage")
	sendErrDoc = apiDocAt("SendMessage", "API_SendMessage_Errors")
	attrsDoc   = guideDoc("sqs-message-metadata.html")
	md5Doc     = guideDoc("sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation")
)

// traceBin is the binary attribute value of AWS's recorded binary-attribute answer.
var traceBin = []byte("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01")

func sendTests() (tests []Test) {
	// MD5OfMessageAttributes known answers recorded from AWS.
	md5s := []struct {
		id, title string
		attrs     map[string]types.MessageAttributeValue
		want      string
	}{
		{"SQS-SEND-002", "one String attribute Foo=Bar", map[string]types.MessageAttributeValue{"Foo": str("Bar")}, "ae7155c6026991b6d54b11589678bf9c"},
		{"SQS-SEND-003", "one Binary attribute", map[string]types.MessageAttributeValue{"attr1": bin(traceBin)}, "8cbe4db156db8a94db8b801b7addb984"},
		{"SQS-SEND-004", "one Number attribute", map[string]types.MessageAttributeValue{"timestamp": num("1493147359900")}, "235c5c510d26fb653d073faed50ae77c"},
		{"SQS-SEND-005", "three String attributes (sorted by name)", map[string]types.MessageAttributeValue{"Help.Me": str("Me"), "Hello": str("There"), "General": str("Kenobi")}, "4c360f3fdafd970e05fae2f149d997f5"},
	}
	for _, m := range md5s {
		tests = append(tests, Test{ID: m.id, Title: "MD5OfMessageAttributes is SQS's digest for " + m.title + ", on send and on receive",
			Doc: md5Doc, Run: func(c *C) {
				q := c.Queue("md5", nil)
				out, err := c.send(q, "test", func(in *sqs.SendMessageInput) { in.MessageAttributes = m.attrs })
				c.OK(err, "SendMessage")
				assert.Equal(c, m.want, aws.ToString(out.MD5OfMessageAttributes), "on send")
				got := c.one(q, 5*time.Second)
				assert.Equal(c, m.want, aws.ToString(got.MD5OfMessageAttributes), "on receive")
				c.AssertMessageAttributes(got, m.attrs)
			}})
	}

	tests = append(tests,
		Test{ID: "SQS-SEND-001", Title: "SendMessage returns a MessageId and MD5OfMessageBody, the MD5 of the body",
			Doc: sendDoc, Run: func(c *C) {
				q := c.Queue("send", nil)
				out, err := c.send(q, "test")
				c.OK(err, "SendMessage")
				assert.NotEmpty(c, aws.ToString(out.MessageId))
				assert.Equal(c, "098f6bcd4621d373cade4e832627b4f6", aws.ToString(out.MD5OfMessageBody))
				assert.Nil(c, out.MD5OfMessageAttributes, "no MD5OfMessageAttributes without attributes")
				assert.Nil(c, out.SequenceNumber, "no SequenceNumber on a standard queue")
			}},
		Test{ID: "SQS-SEND-006", Title: "Attribute data types with custom suffixes (String.x, Number.y, Binary.z) are accepted and returned unchanged",
			Doc: attrsDoc, Run: func(c *C) {
				q := c.Queue("custom", nil)
				attrs := map[string]types.MessageAttributeValue{
					"s": {DataType: aws.String("String.custom"), StringValue: aws.String("v")},
					"n": {DataType: aws.String("Number.float"), StringValue: aws.String("1.5")},
					"b": {DataType: aws.String("Binary.gif"), BinaryValue: []byte{1, 2, 3}},
				}
				_, err := c.send(q, "custom", func(in *sqs.SendMessageInput) { in.MessageAttributes = attrs })
				c.OK(err, "SendMessage")
				c.AssertMessageAttributes(c.one(q, 5*time.Second), attrs)
			}},
		Test{ID: "SQS-SEND-007", Title: "The AWSTraceHeader system attribute gets MD5OfMessageSystemAttributes and is received as attribute AWSTraceHeader",
			Doc: apiDocAt("SendMessage", "SQS-SendMessage-request-MessageSystemAttributes"), Run: func(c *C) {
				q := c.Queue("trace", nil)
				trace := "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"
				out, err := c.send(q, "test", func(in *sqs.SendMessageInput) {
					in.MessageSystemAttributes = map[string]types.MessageSystemAttributeValue{
						"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String(trace)}}
				})
				c.OK(err, "SendMessage")
				assert.Equal(c, attrMD5(map[string]types.MessageAttributeValue{"AWSTraceHeader": str(trace)}), aws.ToString(out.MD5OfMessageSystemAttributes))
				m := c.one(q, 5*time.Second)
				assert.Equal(c, trace, m.Attributes["AWSTraceHeader"])
			}},
		Test{ID: "SQS-SEND-008", Title: "An empty body fails with MissingParameter",
			Doc: sendErrDoc, Run: func(c *C) {
				q := c.Queue("empty", nil)
				_, err := c.send(q, "")
				c.Err(err, "MissingParameter", 400, "The request must contain the parameter MessageBody.")
			}},
		Test{ID: "SQS-SEND-009", Title: "A body with a character outside the allowed set (U+0001) fails with InvalidMessageContents",
			Doc: sendErrDoc, Run: func(c *C) {
				q := c.Queue("chars", nil)
				_, err := c.send(q, "bad\u0001char")
				c.Err(err, "InvalidMessageContents", 400, "")
				errAs[*types.InvalidMessageContents](c, err)
			}},
		Test{ID: "SQS-SEND-010", Title: "A body with U+FFFE (not allowed) fails with InvalidMessageContents",
			Doc: sendErrDoc, Run: func(c *C) {
				q := c.Queue("chars", nil)
				_, err := c.send(q, "bad\uFFFEchar")
				c.Err(err, "InvalidMessageContents", 400, "")
			}},
		Test{ID: "SQS-SEND-011", Title: "Tab, newline, carriage return, non-Latin characters and emoji arrive byte for byte with the right MD5",
			Doc: sendDoc, Run: func(c *C) {
				q := c.Queue("unicode", nil)
				body := "tab\tnl\ncr\r ümlaut 日本語 🚀 \uE000\U0010FFFF"
				out, err := c.send(q, body)
				c.OK(err, "SendMessage")
				assert.Equal(c, md5Hex(body), aws.ToString(out.MD5OfMessageBody))
				m := c.one(q, 5*time.Second)
				assert.Equal(c, body, aws.ToString(m.Body))
				assert.Equal(c, md5Hex(body), aws.ToString(m.MD5OfBody))
			}},
		Test{ID: "SQS-SEND-012", Title: "A message of exactly 1 MiB (the default MaximumMessageSize) is accepted and received intact",
			Doc: guideDoc("quotas-messages.html"), Run: func(c *C) {
				q := c.Queue("max", nil)
				body := strings.Repeat("a", 1048576)
				_, err := c.send(q, body)
				c.OK(err, "SendMessage")
				m := c.one(q, 15*time.Second)
				assert.Equal(c, len(body), len(aws.ToString(m.Body)))
			}},
		Test{ID: "SQS-SEND-013", Title: "A message over 1 MiB fails with InvalidParameterValue",
			Doc: sendErrDoc, Run: func(c *C) {
				q := c.Queue("over", nil)
				_, err := c.send(q, strings.Repeat("a", 1048577))
				c.Err(err, "InvalidParameterValue", 400, "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.")
			}},
		Test{ID: "SQS-SEND-014", Title: "The size limit counts attribute names, types and values against the queue's MaximumMessageSize",
			Doc: guideDoc("sqs-message-metadata.html#sqs-message-attributes"), Run: func(c *C) {
				q := c.Queue("size", map[string]string{"MaximumMessageSize": "1024"})
				attrs := map[string]types.MessageAttributeValue{"k": str("x")} // 1 + 6 + 1 bytes
				_, err := c.send(q, strings.Repeat("a", 1024-8), func(in *sqs.SendMessageInput) { in.MessageAttributes = attrs })
				c.OK(err, "exactly 1024 bytes with attributes")
				_, err = c.send(q, strings.Repeat("a", 1024-7), func(in *sqs.SendMessageInput) { in.MessageAttributes = attrs })
				c.Err(err, "InvalidParameterValue", 400, "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
			}},
		Test{ID: "SQS-SEND-015", Title: "More than 10 message attributes fail with InvalidParameterValue",
			Doc: guideDoc("sqs-message-metadata.html#sqs-message-attributes"), Run: func(c *C) {
				q := c.Queue("eleven", nil)
				attrs := map[string]types.MessageAttributeValue{}
				for i := range 11 {
					attrs["a"+strconv.Itoa(i)] = str("v")
				}
				_, err := c.send(q, "x", func(in *sqs.SendMessageInput) { in.MessageAttributes = attrs })
				c.Err(err, "InvalidParameterValue", 400, "")
				delete(attrs, "a10")
				_, err = c.send(q, "x", func(in *sqs.SendMessageInput) { in.MessageAttributes = attrs })
				c.OK(err, "10 attributes are allowed")
			}},
		Test{ID: "SQS-SEND-016", Title: "A String attribute with an empty value fails with InvalidParameterValue",
			Doc: attrsDoc, Run: func(c *C) {
				q := c.Queue("emptyattr", nil)
				_, err := c.send(q, "test", func(in *sqs.SendMessageInput) {
					in.MessageAttributes = map[string]types.MessageAttributeValue{"ErrorDetails": str("")}
				})
				c.Err(err, "InvalidParameterValue", 400, "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.")
			}},
		Test{ID: "SQS-SEND-017", Title: "An attribute name with a space fails with InvalidParameterValue",
			Doc: attrsDoc, Run: func(c *C) {
				q := c.Queue("attrname", nil)
				_, err := c.send(q, "test", func(in *sqs.SendMessageInput) {
					in.MessageAttributes = map[string]types.MessageAttributeValue{"bad name": str("v")}
				})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-SEND-018", Title: "An attribute data type other than String, Number or Binary fails with InvalidParameterValue",
			Doc: attrsDoc, Run: func(c *C) {
				q := c.Queue("attrtype", nil)
				_, err := c.send(q, "test", func(in *sqs.SendMessageInput) {
					in.MessageAttributes = map[string]types.MessageAttributeValue{"t": {DataType: aws.String("Date"), StringValue: aws.String("v")}}
				})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-SEND-019", Title: "A Number attribute whose value is not a number fails with InvalidParameterValue",
			Doc: attrsDoc, Run: func(c *C) {
				q := c.Queue("attrnum", nil)
				_, err := c.send(q, "test", func(in *sqs.SendMessageInput) {
					in.MessageAttributes = map[string]types.MessageAttributeValue{"n": num("abc")}
				})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-SEND-020", Title: "A per-message DelaySeconds over 900 fails with InvalidParameterValue",
			Doc: apiDocAt("SendMessage", "SQS-SendMessage-request-DelaySeconds"), Run: func(c *C) {
				q := c.Queue("delay", nil)
				_, err := c.send(q, "x", func(in *sqs.SendMessageInput) { in.DelaySeconds = 901 })
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-SEND-021", Title: "A received message carries SenderId, SentTimestamp (ms), ApproximateReceiveCount=1 and ApproximateFirstReceiveTimestamp",
			Doc: apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MessageSystemAttributeNames"), Run: func(c *C) {
				q := c.Queue("sysattrs", nil)
				c.Send(q, "x")
				m := c.one(q, 5*time.Second)
				assert.NotEmpty(c, m.Attributes["SenderId"])
				assert.Equal(c, "1", m.Attributes["ApproximateReceiveCount"])
				sent, err := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64)
				require.NoError(c, err, "SentTimestamp")
				first, err := strconv.ParseInt(m.Attributes["ApproximateFirstReceiveTimestamp"], 10, 64)
				require.NoError(c, err, "ApproximateFirstReceiveTimestamp")
				now := time.Now()
				if c.Clock() != nil {
					now = c.Clock().Now()
				}
				assert.InDelta(c, now.UnixMilli(), sent, 120000, "SentTimestamp is epoch milliseconds")
				assert.GreaterOrEqual(c, first, sent)
			}},
		Test{ID: "SQS-SEND-022", Title: "MessageGroupId is accepted on a standard queue (fair queue) and returned as the MessageGroupId attribute",
			Doc: guideDoc("sqs-fair-queues.html"), Run: func(c *C) {
				q := c.Queue("fair", nil)
				out, err := c.send(q, "message", func(in *sqs.SendMessageInput) { in.MessageGroupId = aws.String("test") })
				c.OK(err, "SendMessage")
				assert.Equal(c, "78e731027d8fd50ed642340b7c9a63b3", aws.ToString(out.MD5OfMessageBody))
				m := c.one(q, 5*time.Second)
				assert.Equal(c, "test", m.Attributes["MessageGroupId"])
			}},
	)
	groupIDs := []struct{ id, name, value string }{
		{"SQS-SEND-023", "empty", ""},
		{"SQS-SEND-024", "longer than 128 characters", strings.Repeat("a", 129)},
		{"SQS-SEND-025", "with spaces", "group 123"},
	}
	for _, g := range groupIDs {
		tests = append(tests, Test{ID: g.id, Title: "A MessageGroupId " + g.name + " on a standard queue fails with InvalidParameterValue",
			Doc: apiDocAt("SendMessage", "SQS-SendMessage-request-MessageGroupId"), Run: func(c *C) {
				q := c.Queue("group", nil)
				_, err := c.send(q, "x", func(in *sqs.SendMessageInput) { in.MessageGroupId = aws.String(g.value) })
				c.Err(err, "InvalidParameterValue", 400, "Value "+g.value+" for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
			}})
	}
	return
}
