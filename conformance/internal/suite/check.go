package suite

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Documentation roots.
const (
	apiRef = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/"
	guide  = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
)

func apiDoc(op string) string           { return apiRef + "API_" + op + ".html" }
func apiDocAt(op, anchor string) string { return apiRef + "API_" + op + ".html#" + anchor }
func guideDoc(page string) string       { return guide + page }

// Err requires err to be an SQS API error with ErrorCode() == code; when status > 0, with that HTTP
// status; when msg != "", with exactly that ErrorMessage().
func (c *C) Err(err error, code string, status int, msg string) {
	require.Error(c, err, "want error %s, got success", code)
	var ae smithy.APIError
	require.True(c, errors.As(err, &ae), "want an API error %s, got %T: %v", code, err, err)
	assert.Equal(c, code, ae.ErrorCode(), "error code (message %q)", ae.ErrorMessage())
	if status > 0 {
		var re *awshttp.ResponseError
		if assert.True(c, errors.As(err, &re), "want an HTTP response error") {
			assert.Equal(c, status, re.HTTPStatusCode(), "HTTP status of %s", code)
		}
	}
	if msg != "" {
		assert.Equal(c, msg, ae.ErrorMessage(), "error message of %s", code)
	}
}

// OK requires err to be nil.
func (c *C) OK(err error, what string) {
	require.NoError(c, err, what)
}

// errAs requires errors.As(err, *T).
func errAs[T error](c *C, err error) T {
	var target T
	require.True(c, errors.As(err, &target), "want errors.As %T, got %T: %v", target, err, err)
	return target
}

// MissingURL returns the URL of a queue that does not exist, next to the existing queue url.
func (c *C) MissingURL(url string) string {
	return url[:strings.LastIndex(url, "/")+1] + c.UniqueName("missing", false)
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func str(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

func num(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(v)}
}

func bin(v []byte) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("Binary"), BinaryValue: v}
}

// send calls SendMessage with in's QueueUrl and body set, returning the raw result.
func (c *C) send(url, body string, edit ...func(*sqs.SendMessageInput)) (*sqs.SendMessageOutput, error) {
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}
	for _, e := range edit {
		e(in)
	}
	return c.Client().SendMessage(c.Ctx(), in)
}

// recv makes one short-poll ReceiveMessage with every attribute and returns the raw result.
func (c *C) recv(url string, edit ...func(*sqs.ReceiveMessageInput)) (*sqs.ReceiveMessageOutput, error) {
	in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"}}
	for _, e := range edit {
		e(in)
	}
	return c.Client().ReceiveMessage(c.Ctx(), in)
}

// one receives exactly one message (waiting up to timeout) and returns it.
func (c *C) one(url string, timeout time.Duration, edit ...func(*sqs.ReceiveMessageInput)) types.Message {
	msgs := c.RequireN(url, 1, timeout, edit...)
	return msgs[0]
}

// none asserts that a receive right now returns nothing (a short poll on the mock; a 1-second long
// poll elsewhere, so a false-empty short poll of a distributed queue is not mistaken for it).
func (c *C) none(url string, why string) {
	wait := int32(0)
	if !c.Caps().FastForward {
		wait = 1
	}
	out, err := c.recv(url, func(in *sqs.ReceiveMessageInput) { in.WaitTimeSeconds = wait })
	c.OK(err, "ReceiveMessage")
	assert.Empty(c, bodies(out.Messages), why)
}

func bodies(msgs []types.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = aws.ToString(m.Body)
	}
	return out
}

func attrInt(m types.Message, name string) int {
	v, _ := strconv.Atoi(m.Attributes[name])
	return v
}

// createErr calls CreateQueue expecting an error and deletes the queue if it was created anyway.
func (c *C) createErr(in *sqs.CreateQueueInput) error {
	out, err := c.Client().CreateQueue(c.Ctx(), in)
	if err == nil {
		c.DeleteOnCleanup(aws.ToString(out.QueueUrl))
	}
	return err
}

// setAttrs calls SetQueueAttributes and returns the error.
func (c *C) setAttrs(url string, attrs map[string]string) error {
	_, err := c.Client().SetQueueAttributes(c.Ctx(), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: attrs})
	return err
}

func (c *C) del(url string, handle *string) error {
	_, err := c.Client().DeleteMessage(c.Ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: handle})
	return err
}

func (c *C) cmv(url string, handle *string, seconds int32) error {
	_, err := c.Client().ChangeMessageVisibility(c.Ctx(), &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: handle, VisibilityTimeout: seconds})
	return err
}

// attrMD5 is SQS's digest of message attributes: sorted by name; for each, the name, the data type
// and the value, each prefixed with its length (4 bytes, big-endian), with a transport byte (1 for
// String and Number, 2 for Binary) before the value.
func attrMD5(attrs map[string]types.MessageAttributeValue) string {
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	slices.Sort(names)
	h := md5.New()
	put := func(b []byte) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(b)))
		h.Write(l[:])
		h.Write(b)
	}
	for _, n := range names {
		v := attrs[n]
		put([]byte(n))
		put([]byte(aws.ToString(v.DataType)))
		if strings.HasPrefix(aws.ToString(v.DataType), "Binary") {
			h.Write([]byte{2})
			put(v.BinaryValue)
		} else {
			h.Write([]byte{1})
			put([]byte(aws.ToString(v.StringValue)))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
