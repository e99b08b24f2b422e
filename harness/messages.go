package harness

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// isFIFO reports whether a queue URL (or name) is a FIFO queue's.
func isFIFO(url string) bool { return strings.HasSuffix(url, ".fifo") }

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Send sends one message and requires success. On a FIFO queue with no MessageGroupId it uses
// group "g", and with no MessageDeduplicationId a random one (so equal bodies are distinct
// messages); edit changes the request before it is sent.
func (h *H) Send(url, body string, edit ...func(*sqs.SendMessageInput)) *sqs.SendMessageOutput {
	h.t.Helper()
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}
	for _, e := range edit {
		e(in)
	}
	if isFIFO(url) {
		if in.MessageGroupId == nil {
			in.MessageGroupId = aws.String("g")
		}
		if in.MessageDeduplicationId == nil {
			in.MessageDeduplicationId = aws.String(randomID())
		}
	}
	out, err := h.own.SendMessage(h.ownCtx(), in)
	require.NoError(h.t, err, "SendMessage")
	return out
}

// Bodies returns "prefix-0" … "prefix-(n-1)".
func Bodies(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + "-" + strconv.Itoa(i)
	}
	return out
}

// SendBodies sends the bodies in order (e.g. Bodies("msg", 20)), in batches of up to 10,
// requires every entry to succeed, and returns the bodies sent, for Expect.Bodies. edit changes
// entry i before it is sent; FIFO defaults are as in Send.
func (h *H) SendBodies(url string, bodies []string, edit ...func(i int, e *types.SendMessageBatchRequestEntry)) []string {
	h.t.Helper()
	sent := make([]string, 0, len(bodies))
	for start := 0; start < len(bodies); start += 10 {
		end := min(start+10, len(bodies))
		entries := make([]types.SendMessageBatchRequestEntry, 0, end-start)
		for i := start; i < end; i++ {
			e := types.SendMessageBatchRequestEntry{Id: aws.String("e" + strconv.Itoa(i)), MessageBody: aws.String(bodies[i])}
			for _, ed := range edit {
				ed(i, &e)
			}
			if isFIFO(url) {
				if e.MessageGroupId == nil {
					e.MessageGroupId = aws.String("g")
				}
				if e.MessageDeduplicationId == nil {
					e.MessageDeduplicationId = aws.String(randomID())
				}
			}
			entries = append(entries, e)
			sent = append(sent, aws.ToString(e.MessageBody))
		}
		out, err := h.own.SendMessageBatch(h.ownCtx(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
		require.NoError(h.t, err, "SendMessageBatch")
		require.Empty(h.t, out.Failed, "SendMessageBatch failures")
	}
	return sent
}

// receiveInput is the receive request the helpers make: up to 10 messages with every system and
// message attribute.
func (h *H) receiveInput(url string, edit []func(*sqs.ReceiveMessageInput)) *sqs.ReceiveMessageInput {
	in := &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(url),
		MaxNumberOfMessages:         10,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	}
	for _, e := range edit {
		e(in)
	}
	return in
}

// Receive receives until it has n messages or timeout (0: the handle's default) has passed, and
// returns what it got (fewer or more than n: assert the count, e.g. with AssertBodies). Real backends are long-polled a second at a time;
// the mock is short-polled and its clock advanced a second after each empty receive, so on the
// mock the timeout is clock time. The messages stay in flight; nothing is deleted.
func (h *H) Receive(url string, n int, timeout time.Duration, edit ...func(*sqs.ReceiveMessageInput)) []types.Message {
	h.t.Helper()
	w := h.newWaiter(timeout)
	var got []types.Message
	for len(got) < n {
		in := h.receiveInput(url, edit)
		if h.clock == nil {
			in.WaitTimeSeconds = 1
		} else {
			in.WaitTimeSeconds = 0
		}
		out, err := h.own.ReceiveMessage(h.ownCtx(), in)
		require.NoError(h.t, err, "ReceiveMessage")
		got = append(got, out.Messages...)
		if len(got) >= n {
			break
		}
		if h.clock != nil && len(out.Messages) > 0 {
			continue // more may be visible at the same clock time
		}
		if !w.next(0) { // real time: the long poll took it
			break
		}
	}
	return got
}

// Delete deletes the messages by receipt handle and requires success.
func (h *H) Delete(url string, msgs ...types.Message) {
	h.t.Helper()
	for _, m := range msgs {
		_, err := h.own.DeleteMessage(h.ownCtx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
		require.NoError(h.t, err, "DeleteMessage")
	}
}

// Drain receives and deletes messages until a receive comes back empty, and returns them.
// Messages in flight or delayed are not waited for.
func (h *H) Drain(url string) []types.Message {
	h.t.Helper()
	var got []types.Message
	for {
		in := h.receiveInput(url, nil)
		if h.clock == nil {
			in.WaitTimeSeconds = 1
		}
		out, err := h.own.ReceiveMessage(h.ownCtx(), in)
		require.NoError(h.t, err, "ReceiveMessage")
		if len(out.Messages) == 0 {
			return got
		}
		h.Delete(url, out.Messages...)
		got = append(got, out.Messages...)
	}
}

// bodiesOf returns the bodies of msgs, in order.
func bodiesOf(msgs []types.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = aws.ToString(m.Body)
	}
	return out
}

// AssertBodies asserts that msgs have exactly the bodies want, in any order.
func (h *H) AssertBodies(msgs []types.Message, want ...string) bool {
	h.t.Helper()
	return assert.ElementsMatch(h.t, want, bodiesOf(msgs), "message bodies")
}
