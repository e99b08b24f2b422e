package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/exempt"
)

var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// UniqueName returns a queue name no other test uses: prefix, base (sanitised) and random hex,
// at most 80 characters; fifo adds the ".fifo" suffix. Nothing is created.
func (h *H) UniqueName(base string, fifo bool) string {
	base = nameUnsafe.ReplaceAllString(strings.TrimSuffix(base, ".fifo"), "-")
	var b [5]byte
	_, _ = rand.Read(b[:])
	suffix := "-" + hex.EncodeToString(b[:])
	max := 80 - len(suffix) - len(h.prefix) - 1
	if fifo {
		max -= len(".fifo")
	}
	if len(base) > max {
		base = base[:max]
	}
	name := h.prefix + "-" + base + suffix
	if fifo {
		name += ".fifo"
	}
	return name
}

// Queue creates a uniquely named queue with the given attributes (nil for none) and deletes it
// when the test ends; a name ending in ".fifo" makes a FIFO queue (FifoQueue=true is added). edit
// changes the request (e.g. its Tags) before it is sent. It returns the queue URL.
func (h *H) Queue(name string, attrs map[string]string, edit ...func(*sqs.CreateQueueInput)) string {
	h.t.Helper()
	fifo := isFIFO(name)
	if fifo {
		a := map[string]string{"FifoQueue": "true"}
		maps.Copy(a, attrs)
		attrs = a
	}
	in := &sqs.CreateQueueInput{QueueName: aws.String(h.UniqueName(name, fifo)), Attributes: attrs}
	for _, e := range edit {
		e(in)
	}
	out, err := h.own.CreateQueue(h.ownCtx(), in)
	require.NoError(h.t, err, "CreateQueue %s", aws.ToString(in.QueueName))
	url := aws.ToString(out.QueueUrl)
	h.deleteOnCleanup(url)
	return url
}

// deleteOnCleanup deletes the queue at url when the test ends (an already deleted queue is fine).
func (h *H) deleteOnCleanup(url string) {
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = h.own.DeleteQueue(exempt.With(ctx), &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	})
}

// Attributes returns every attribute of the queue (AttributeNames=All).
func (h *H) Attributes(url string) map[string]string {
	h.t.Helper()
	out, err := h.own.GetQueueAttributes(h.ownCtx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	require.NoError(h.t, err, "GetQueueAttributes")
	return out.Attributes
}

// attribute returns one attribute of the queue.
func (h *H) attribute(url, name string) string {
	h.t.Helper()
	out, err := h.own.GetQueueAttributes(h.ownCtx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeName(name)}})
	require.NoError(h.t, err, "GetQueueAttributes %s", name)
	return out.Attributes[name]
}

// SetAttributes calls SetQueueAttributes and requires success.
func (h *H) SetAttributes(url string, attrs map[string]string) {
	h.t.Helper()
	_, err := h.own.SetQueueAttributes(h.ownCtx(), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: attrs})
	require.NoError(h.t, err, "SetQueueAttributes %v", attrs)
}

// QueueARN returns the queue's ARN.
func (h *H) QueueARN(url string) string {
	h.t.Helper()
	arn := h.attribute(url, "QueueArn")
	require.NotEmpty(h.t, arn, "QueueArn")
	return arn
}

// RedrivePolicy is the JSON of a RedrivePolicy attribute sending to dlqARN after maxReceiveCount.
func RedrivePolicy(dlqARN string, maxReceiveCount int) string {
	b, _ := json.Marshal(map[string]string{"deadLetterTargetArn": dlqARN, "maxReceiveCount": strconv.Itoa(maxReceiveCount)})
	return string(b)
}

// QueueWithDLQ creates a dead-letter queue and a source queue redriving to it after
// maxReceiveCount receives, as Queue does (a name ending in ".fifo" makes both FIFO). It returns
// the source and DLQ URLs.
func (h *H) QueueWithDLQ(name string, attrs map[string]string, maxReceiveCount int) (src, dlq string) {
	h.t.Helper()
	suffix := ""
	if isFIFO(name) {
		suffix = ".fifo"
	}
	name = strings.TrimSuffix(name, ".fifo")
	mk := func(n string, a map[string]string) string { return h.Queue(n+suffix, a) }
	dlq = mk(name+"-dlq", nil)
	a := map[string]string{"RedrivePolicy": RedrivePolicy(h.QueueARN(dlq), maxReceiveCount)}
	for k, v := range attrs {
		a[k] = v
	}
	src = mk(name, a)
	return src, dlq
}

// Count returns the queue's ApproximateNumberOfMessages, ...NotVisible and ...Delayed.
func (h *H) Count(url string) (visible, notVisible, delayed int) {
	h.t.Helper()
	a := h.Attributes(url)
	n := func(k string) int { v, _ := strconv.Atoi(a[k]); return v }
	return n("ApproximateNumberOfMessages"), n("ApproximateNumberOfMessagesNotVisible"), n("ApproximateNumberOfMessagesDelayed")
}

// WaitForCount waits until the queue attribute (e.g. "ApproximateNumberOfMessages") reads want,
// for at most timeout (0: the handle's default): polling in real time, or stepping the mock's
// clock by a second at a time. It fails the test if the count is never reached.
func (h *H) WaitForCount(url, attribute string, want int, timeout time.Duration) {
	h.t.Helper()
	w := h.newWaiter(timeout)
	last := ""
	for {
		last = h.attribute(url, attribute)
		if last == strconv.Itoa(want) {
			return
		}
		if !w.next(200 * time.Millisecond) {
			break
		}
	}
	require.Failf(h.t, "queue count not reached", "%s = %s, want %d after %s", attribute, last, want, w.timeout)
}
