package sqsmock_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSendNumberAttributeValues: a Number attribute is a decimal numeral of at most 38
// significant digits (leading and trailing zeros trimmed), zero or of magnitude between 10^-128
// and 10^+126 (developer guide, "Message attribute components and data types"). Other forms that
// a general-purpose number parser would take (hexadecimal, digit separators, surrounding spaces,
// Inf, NaN) are not numbers to SQS, which parses the value as a decimal. The error is SQS's for a
// value that is not a number; the mock gives it for every rejected value.
func TestSendNumberAttributeValues(t *testing.T) {
	t.Parallel()
	digits38 := "12345678901234567890123456789012345678"
	valid := []string{
		"0", "-0", "+5", "-12", "1.5", ".5", "5.", "-1.25e-3", "1e5", "1E+5", "2.5E-7", "00012", "1.000",
		digits38, "-" + digits38, digits38 + "000", "0.000" + digits38, "1." + strings.Repeat("0", 60), "1234567890123456789.0123456789012345678",
		"1" + strings.Repeat("0", 126), "-1" + strings.Repeat("0", 126), "1e126", "10e125", "0.1e127", "9.99e125",
		"0." + strings.Repeat("0", 127) + "1", "1e-128", "-1e-128", "100e-130",
		"0e999999", "0.000e-999", "1493147359900",
	}
	invalid := []string{
		"0x10", "0X1F", "1_000", "1,000", " 5", "5 ", " 5 ", "\t5", "5\n", "0b101", "0o17", "0x1p-2",
		"Inf", "+Inf", "-Infinity", "infinity", "NaN", "nan",
		"abc", "1.2.3", "--1", "+-1", "+", "-", ".", "e5", "1e", "1e+", "1e5.5", "1ee5", "5f", "5d", "5L", "١٢", "１",
		digits38 + "9", "1." + strings.Repeat("0", 37) + "1", "0.00" + digits38 + "9",
		"1e127", "-1e127", "1.0000000001e126", "11" + strings.Repeat("0", 125), "1e999999999999999999",
		"1e-129", "-1e-129", "0." + strings.Repeat("0", 128) + "1", "1e-999999999999999999",
	}
	e := newEnvQueue(t, "numbers", nil)
	for _, v := range valid {
		attrs := map[string]types.MessageAttributeValue{"n": numAttr(v)}
		out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("x"), MessageAttributes: attrs})
		if assert.NoError(t, err, "%q is a number", v) {
			assert.Equal(t, wantAttrMD5(attrs), aws.ToString(out.MD5OfMessageAttributes), v)
		}
	}
	assert.Len(t, e.mock.Messages(e.queue), len(valid))
	for _, v := range invalid {
		_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"n": numAttr(v)}})
		if assert.Error(t, err, "%q is not a number", v) {
			requireAPIError(t, err, "InvalidParameterValue", "Can't cast the value of message (user) attribute 'n' to a number.")
		}
	}
	assert.Len(t, e.mock.Messages(e.queue), len(valid), "nothing stored by a rejected send")
}

// TestSendHugeNumberAttribute: a Number value of two million digits is rejected without being
// parsed (BenchmarkSendHugeNumberAttribute measures it), as one of a million digits with too much
// precision, in a batch entry too.
func TestSendHugeNumberAttribute(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "huge", nil)
	for _, v := range []string{strings.Repeat("7", 2_000_000), "1" + strings.Repeat("0", 2_000_000), strings.Repeat("9", 1_000_000)} {
		_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"n": numAttr(v)}})
		requireAPIError(t, err, "InvalidParameterValue", "Can't cast the value of message (user) attribute 'n' to a number.")
	}
	out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("ok"), MessageBody: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{"n": numAttr("1e126")}},
		{Id: aws.String("huge"), MessageBody: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{"n": numAttr(strings.Repeat("7", 500_000))}},
	}})
	require.NoError(t, err)
	require.Len(t, out.Successful, 1)
	require.Len(t, out.Failed, 1)
	assert.Equal(t, "huge", aws.ToString(out.Failed[0].Id))
	assert.Equal(t, "InvalidParameterValue", aws.ToString(out.Failed[0].Code))
	assert.Equal(t, "Can't cast the value of message (user) attribute 'n' to a number.", aws.ToString(out.Failed[0].Message))
	assert.Len(t, e.mock.Messages(e.queue), 1)
}
