package sqsmock_test

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wantAttrMD5 is the documented digest of message attributes ("Calculating the MD5 message
// digest for message attributes"): for each attribute in name order, the name, the data type
// and the value, each as a 4-byte big-endian length followed by its UTF-8 bytes, with a
// transport byte (1 for String and Number, 2 for Binary) between the data type and the value.
func wantAttrMD5(attrs map[string]types.MessageAttributeValue) string {
	var buf []byte
	lenPrefixed := func(b []byte) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
		buf = append(buf, b...)
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := attrs[n]
		lenPrefixed([]byte(n))
		lenPrefixed([]byte(*v.DataType))
		if strings.HasPrefix(*v.DataType, "Binary") {
			buf = append(buf, 2)
			lenPrefixed(v.BinaryValue)
		} else {
			buf = append(buf, 1)
			lenPrefixed([]byte(*v.StringValue))
		}
	}
	sum := md5.Sum(buf)
	return hex.EncodeToString(sum[:])
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestMD5KnownAnswers(t *testing.T) {
	t.Parallel()
	traceBin := []byte("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01")
	cases := []struct {
		name  string
		attrs map[string]types.MessageAttributeValue
		aws   string // the digest AWS answered (recordings and the SQS documentation)
	}{
		{"Foo=Bar", map[string]types.MessageAttributeValue{"Foo": strAttr("Bar")}, "ae7155c6026991b6d54b11589678bf9c"},
		{"binary", map[string]types.MessageAttributeValue{"attr1": binAttr(traceBin)}, "8cbe4db156db8a94db8b801b7addb984"},
		{"MyAttribute", map[string]types.MessageAttributeValue{"MyAttribute": strAttr("foobar")}, "adb59cd4678ea5a855436b949cd07ab6"},
		{"number", map[string]types.MessageAttributeValue{"timestamp": numAttr("1493147359900")}, "235c5c510d26fb653d073faed50ae77c"},
		{"three", map[string]types.MessageAttributeValue{"Help.Me": strAttr("Me"), "Hello": strAttr("There"), "General": strAttr("Kenobi")}, "4c360f3fdafd970e05fae2f149d997f5"},
		{"k=x", map[string]types.MessageAttributeValue{"k": strAttr("x")}, "a45daa70926828a2f0a1db3418e6feb4"},
		{"custom types", map[string]types.MessageAttributeValue{
			"s": {DataType: aws.String("String.custom"), StringValue: aws.String("v")},
			"n": {DataType: aws.String("Number.int"), StringValue: aws.String("42")},
			"b": {DataType: aws.String("Binary.x"), BinaryValue: []byte{0, 1, 2}},
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := wantAttrMD5(tc.attrs)
			if tc.aws != "" {
				require.Equal(t, tc.aws, want, "the test's own digest must agree with AWS")
			}
			e := newEnvQueue(t, "q", nil)
			out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("test"), MessageAttributes: tc.attrs})
			require.NoError(t, err)
			assert.Equal(t, want, aws.ToString(out.MD5OfMessageAttributes))
			assert.Equal(t, "098f6bcd4621d373cade4e832627b4f6", aws.ToString(out.MD5OfMessageBody))
			assert.Nil(t, out.MD5OfMessageSystemAttributes)

			m := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MessageAttributeNames = []string{"All"} })
			require.Len(t, m, 1)
			assert.Equal(t, want, aws.ToString(m[0].MD5OfMessageAttributes))
			assert.Equal(t, tc.attrs, m[0].MessageAttributes)
			assert.Equal(t, md5Hex("test"), aws.ToString(m[0].MD5OfBody))
		})
	}
}

func TestMD5OfMessageSystemAttributes(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	user := map[string]types.MessageAttributeValue{"timestamp": numAttr("1493147359900")}
	plain, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("test"), MessageAttributes: user})
	require.NoError(t, err)
	traced, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("test"), MessageAttributes: user,
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{
			"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String(trace)},
		}})
	require.NoError(t, err)
	// Recorded (test_system_attributes_have_no_effect_on_attr_md5): system attributes do not
	// change MD5OfMessageAttributes and have their own digest.
	assert.Equal(t, aws.ToString(plain.MD5OfMessageAttributes), aws.ToString(traced.MD5OfMessageAttributes))
	assert.Nil(t, plain.MD5OfMessageSystemAttributes)
	want := wantAttrMD5(map[string]types.MessageAttributeValue{"AWSTraceHeader": strAttr(trace)})
	require.Equal(t, "5ae4d5d7636402d80f4eb6d213245a88", want)
	assert.Equal(t, want, aws.ToString(traced.MD5OfMessageSystemAttributes))

	msgs := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) {
		in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{"AWSTraceHeader", "SentTimestamp"}
	})
	require.Len(t, msgs, 2)
	assert.NotContains(t, msgs[0].Attributes, "AWSTraceHeader")
	assert.Equal(t, trace, msgs[1].Attributes["AWSTraceHeader"])
	assert.Contains(t, msgs[1].Attributes, "SentTimestamp")
	assert.NotContains(t, msgs[1].Attributes, "SenderId", "only the names asked for")
}

func TestSendMessageSystemAttributeValidation(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	cases := map[string]map[string]types.MessageSystemAttributeValue{
		"unknown name": {"SenderId": {DataType: aws.String("String"), StringValue: aws.String("x")}},
		"empty value":  {"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("")}},
		"binary type":  {"AWSTraceHeader": {DataType: aws.String("Binary"), BinaryValue: []byte("x")}},
	}
	for name, sys := range cases {
		_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("b"), MessageSystemAttributes: sys})
		requireAPIError(t, err, "InvalidParameterValue", "")
		assert.NotEmpty(t, name)
	}
	assert.Empty(t, e.mock.Messages(e.queue))
}

func TestSendMessageBodyCharacters(t *testing.T) {
	t.Parallel()
	const allowed = "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
	cases := []struct {
		name, body string
		bad        string // the offending character as #xN, "" when valid
	}{
		{"tab newline cr", "a\tb\nc\rd", ""},
		{"space", " ", ""},
		{"D7FF", "\uD7FF", ""},
		{"E000", "\uE000", ""},
		{"FFFD", "\uFFFD", ""},
		{"10000", "\U00010000", ""},
		{"10FFFF", "\U0010FFFF", ""},
		{"emoji and umlauts", "héllo 🌍", ""},
		{"NUL", "Invalid-\x00", "#x0"},
		{"backspace", "a\x08b", "#x8"},
		{"vertical tab", "\x0b", "#xB"},
		{"x13", "\x13", "#x13"},
		{"FFFE", "\uFFFE", "#xFFFE"},
		{"FFFF", "ok\uFFFF", "#xFFFF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q", nil)
			out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String(tc.body)})
			if tc.bad == "" {
				require.NoError(t, err)
				assert.Equal(t, md5Hex(tc.body), aws.ToString(out.MD5OfMessageBody))
				assert.Equal(t, tc.body, aws.ToString(e.recvOne(e.queue).Body))
				return
			}
			requireAPIError(t, err, "InvalidMessageContents",
				"Invalid binary character '"+tc.bad+"' was found in the message body, the set of allowed characters is "+allowed)
			var imc *types.InvalidMessageContents
			require.ErrorAs(t, err, &imc)
			assert.Empty(t, e.mock.Messages(e.queue))
		})
	}
}

func TestSendEmptyBody(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("")})
	// Recorded: test_send_empty_message.
	requireAPIError(t, err, "MissingParameter", "The request must contain the parameter MessageBody.")
}

func TestSendMessageSizeLimit(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	// Default 1 MiB: exactly the limit is fine, one byte more is not (recorded message).
	e.send(e.queue, strings.Repeat("a", 1048576))
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String(strings.Repeat("a", 1048577))})
	requireAPIError(t, err, "InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.")

	// The limit counts bytes of the body plus every attribute's name, type and value,
	// against the queue's current MaximumMessageSize.
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"MaximumMessageSize": "1024"}))
	attrs := map[string]types.MessageAttributeValue{"k": strAttr("x")} // 1 + 6 + 1 bytes
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String(strings.Repeat("a", 1024-8)), MessageAttributes: attrs})
	require.NoError(t, err)
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String(strings.Repeat("a", 1024-7)), MessageAttributes: attrs})
	requireAPIError(t, err, "InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String(strings.Repeat("ü", 513))}) // 1026 bytes
	requireAPIError(t, err, "InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
	bin := map[string]types.MessageAttributeValue{"b": binAttr(make([]byte, 100))} // 1 + 6 + 100
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String(strings.Repeat("a", 1024-106)), MessageAttributes: bin})
	requireAPIError(t, err, "InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
}

func TestSendMessageAttributeValidation(t *testing.T) {
	t.Parallel()
	eleven := map[string]types.MessageAttributeValue{}
	for i := 0; i < 11; i++ {
		eleven[string(rune('a'+i))] = strAttr("v")
	}
	ten := map[string]types.MessageAttributeValue{}
	for i := 0; i < 10; i++ {
		ten[string(rune('a'+i))] = strAttr("v")
	}
	one := func(name string, v types.MessageAttributeValue) map[string]types.MessageAttributeValue {
		return map[string]types.MessageAttributeValue{name: v}
	}
	cases := []struct {
		name  string
		attrs map[string]types.MessageAttributeValue
		msg   string // "-" when valid; "" when only the code is asserted
	}{
		{"ten", ten, "-"},
		{"eleven", eleven, ""},
		{"dots inside", one("a.b-c_d", strAttr("v")), "-"},
		{"unicode letters", one("attr.1øßä", strAttr("Valida")), "-"},
		{"256 long", one(strings.Repeat("L", 256), strAttr("v")), "-"},
		{"257 long", one(strings.Repeat("L", 257), strAttr("v")), ""},
		{"leading period", one(".-Invalid-attr", strAttr("v")), ""},
		{"trailing period", one("a.", strAttr("v")), ""},
		{"double period", one("a..b", strAttr("v")), ""},
		{"aws prefix", one("aWs.-Invalid-attr", strAttr("v")), ""},
		{"amazon prefix", one("AMAZON.-Invalid-attr", strAttr("v")), ""},
		{"bang", one("Invalid-!-attr", strAttr("v")), ""},
		{"quote", one(`Invalid-"-attr`, strAttr("v")), ""},
		{"section sign", one("Invalid-§-attr", strAttr("v")), ""},
		{"paren", one("Invalid-(-attr", strAttr("v")), ""},
		{"question", one("Invalid-?-attr", strAttr("v")), ""},
		{"bad type", one("Attribute_name", types.MessageAttributeValue{DataType: aws.String("Invalid"), StringValue: aws.String("Valid")}), ""},
		{"type too long", one("Attribute_name", types.MessageAttributeValue{DataType: aws.String("Number." + strings.Repeat("L", 256)), StringValue: aws.String("1")}), ""},
		{"custom string", one("s", types.MessageAttributeValue{DataType: aws.String("String.custom"), StringValue: aws.String("v")}), "-"},
		{"custom binary", one("b", types.MessageAttributeValue{DataType: aws.String("Binary.x"), BinaryValue: []byte("x")}), "-"},
		{"custom number", one("n", types.MessageAttributeValue{DataType: aws.String("Number.int"), StringValue: aws.String("-12")}), "-"},
		{"empty string", one("ErrorDetails", strAttr("")), "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."},
		{"empty number", one("n", numAttr("")), ""},
		{"empty binary", one("b", binAttr(nil)), ""},
		{"number decimal", one("n", numAttr("-1.25")), "-"},
		{"number big", one("n", numAttr("12345678901234567890123456789012345678")), "-"},
		{"number text", one("n", numAttr("abc")), ""},
		{"number two dots", one("n", numAttr("1.2.3")), ""},
		{"string control char", one("attr1", strAttr("Invalid-\x08,\x0b")), ""},
		{"string value unicode", one("s", strAttr("héllo 🌍")), "-"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q", nil)
			out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("test"), MessageAttributes: tc.attrs})
			if tc.msg == "-" {
				require.NoError(t, err)
				assert.Equal(t, wantAttrMD5(tc.attrs), aws.ToString(out.MD5OfMessageAttributes))
				got := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MessageAttributeNames = []string{"All"} })
				require.Len(t, got, 1)
				assert.Equal(t, tc.attrs, got[0].MessageAttributes)
				return
			}
			requireAPIError(t, err, "InvalidParameterValue", tc.msg)
			assert.Empty(t, e.mock.Messages(e.queue))
		})
	}
}

func TestSendMessageAttributesAreCopied(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	b := []byte("abc")
	attrs := map[string]types.MessageAttributeValue{"b": binAttr(b)}
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("x"), MessageAttributes: attrs})
	require.NoError(t, err)
	b[0] = 'X' // the caller reuses its buffer
	got := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MessageAttributeNames = []string{"All"} })
	require.Len(t, got, 1)
	assert.Equal(t, []byte("abc"), got[0].MessageAttributes["b"].BinaryValue)
}

func TestSendMessageGroupIdOnStandardQueue(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	// Fair queues (recorded: test_fair_queue_with_message_group_id).
	out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("message"), MessageGroupId: aws.String("test")})
	require.NoError(t, err)
	assert.Equal(t, "78e731027d8fd50ed642340b7c9a63b3", aws.ToString(out.MD5OfMessageBody))
	assert.Nil(t, out.SequenceNumber)
	msgs := e.recv(e.queue, allAttrs)
	require.Len(t, msgs, 1)
	assert.Equal(t, "test", msgs[0].Attributes["MessageGroupId"])
	assert.NotContains(t, msgs[0].Attributes, "SequenceNumber")
	assert.NotContains(t, msgs[0].Attributes, "MessageDeduplicationId")

	// Recorded: test_send_message_to_standard_queue_with_invalid_message_group_id.
	for _, g := range []string{"", strings.Repeat("a", 129), "group 123"} {
		_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("m"), MessageGroupId: aws.String(g)})
		requireAPIError(t, err, "InvalidParameterValue", "Value "+g+" for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	// A deduplication id is for FIFO queues only.
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("m"), MessageDeduplicationId: aws.String("d")})
	requireAPIError(t, err, "InvalidParameterValue", "")
}

func TestSendMessageDelayValidation(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	for _, d := range []int32{-1, 901} {
		_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("m"), DelaySeconds: d})
		requireAPIError(t, err, "InvalidParameterValue", "")
	}
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("m"), DelaySeconds: 900})
	require.NoError(t, err)
	assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessagesDelayed"))
}

func TestSendMessageIDsAreUUIDs(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		id := aws.ToString(e.send(e.queue, "m").MessageId)
		assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id)
		assert.False(t, seen[id])
		seen[id] = true
	}
}
