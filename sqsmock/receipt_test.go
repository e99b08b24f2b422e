package sqsmock_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// awsHandle is the shape of SQS's receipt handles: "AQEB" and standard base64. Those seen from
// AWS are 324, 388 and 432 characters long.
var awsHandle = regexp.MustCompile(`^AQEB[A-Za-z0-9+/]+={0,2}$`)

// Receipt handles look like SQS's and say nothing a test could read: not the queue, not the
// message id, not which receive they came from.
func TestReceiptHandlesAreOpaque(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "orders-queue", map[string]string{"VisibilityTimeout": "0"})
	id := aws.ToString(e.send(e.queue, "m").MessageId)
	rawID, err := hexUUID(id)
	require.NoError(t, err)
	lengths := map[int]bool{}
	seen := map[string]bool{}
	for range 60 {
		h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
		require.Regexp(t, awsHandle, h)
		require.GreaterOrEqual(t, len(h), 324, h)
		require.LessOrEqual(t, len(h), 432, h)
		raw, err := base64.StdEncoding.DecodeString(h)
		require.NoError(t, err, "a handle is one base64 text, as SQS's are")
		for _, secret := range [][]byte{[]byte("orders-queue"), []byte(id), rawID} {
			assert.False(t, bytes.Contains(raw, secret), "the handle reveals %q", secret)
			assert.False(t, strings.Contains(h, string(secret)), "the handle reveals %q", secret)
		}
		assert.False(t, seen[h], "a new handle on every receive")
		seen[h] = true
		lengths[len(h)] = true
	}
	assert.Greater(t, len(lengths), 1, "handles vary in length, as SQS's do")
}

// A handle the mock did not issue (changed, or issued by another mock) is not a valid receipt
// handle.
func TestReceiptHandlesCannotBeForged(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "m")
	h := aws.ToString(e.recvOne(e.queue).ReceiptHandle)
	i := len(h) / 2
	c := byte('A')
	if h[i] == 'A' {
		c = 'B'
	}
	changed := h[:i] + string(c) + h[i+1:]
	requireAPIError(t, e.del(e.queue, changed), "ReceiptHandleIsInvalid", `The input receipt handle "`+changed+`" is not a valid receipt handle.`)

	other := sqsmock.New()
	oq, err := other.Client().CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	_, err = other.Client().SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: oq.QueueUrl, MessageBody: aws.String("m")})
	require.NoError(t, err)
	out, err := other.Client().ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: oq.QueueUrl})
	require.NoError(t, err)
	require.Len(t, out.Messages, 1)
	foreign := aws.ToString(out.Messages[0].ReceiptHandle)
	requireAPIError(t, e.del(e.queue, foreign), "ReceiptHandleIsInvalid", `The input receipt handle "`+foreign+`" is not a valid receipt handle.`)
	assert.Len(t, e.mock.Messages(e.queue), 1)

	// A handle of another queue of the same mock is valid, but not for this queue.
	q2 := e.create("q2", nil)
	e.send(q2, "m2")
	h2 := aws.ToString(e.recvOne(q2).ReceiptHandle)
	requireAPIError(t, e.del(e.queue, h2), "ReceiptHandleIsInvalid", `The receipt handle "`+h2+`" is not valid for this queue.`)
	require.NoError(t, e.del(q2, h2))
	require.NoError(t, e.del(e.queue, h))
}

func hexUUID(id string) ([]byte, error) {
	return hex.DecodeString(strings.ReplaceAll(id, "-", ""))
}
