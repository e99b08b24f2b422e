package suite

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The suite's own helpers on top of the harness's, for what many behaviour tests say the same way.

// FIFOQueue creates a uniquely named FIFO queue, deleted when the test ends.
func (c *C) FIFOQueue(name string, attrs map[string]string) string {
	return c.Queue(name+".fifo", attrs)
}

// SendN sends n messages with bodies "msg-0" … "msg-(n-1)" and returns the bodies.
func (c *C) SendN(url string, n int) []string {
	return c.SendBodies(url, harness.Bodies("msg", n))
}

// RequireN receives as Receive does and ends the test unless exactly n messages arrived.
func (c *C) RequireN(url string, n int, timeout time.Duration, edit ...func(*sqs.ReceiveMessageInput)) []types.Message {
	got := c.Receive(url, n, timeout, edit...)
	require.Len(c, got, n, "messages received")
	return got
}

// Attribute returns one attribute of the queue.
func (c *C) Attribute(url, name string) string {
	out, err := c.Client().GetQueueAttributes(c.Ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeName(name)}})
	c.OK(err, "GetQueueAttributes "+name)
	if out == nil {
		return ""
	}
	return out.Attributes[name]
}

// CreateQueue calls CreateQueue, requires success and deletes the queue when the test ends.
func (c *C) CreateQueue(in *sqs.CreateQueueInput) string {
	out, err := c.Client().CreateQueue(c.Ctx(), in)
	c.OK(err, "CreateQueue "+aws.ToString(in.QueueName))
	url := aws.ToString(out.QueueUrl)
	c.DeleteOnCleanup(url)
	return url
}

// DeleteOnCleanup deletes the queue at url when the test ends (an already deleted queue is fine).
func (c *C) DeleteOnCleanup(url string) {
	c.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = c.Client().DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	})
}

// AssertBodiesInOrder asserts that msgs have exactly the bodies want, in that order.
func (c *C) AssertBodiesInOrder(msgs []types.Message, want ...string) bool {
	if len(want) == 0 {
		want = []string{}
	}
	got := make([]string, len(msgs))
	for i, m := range msgs {
		got[i] = aws.ToString(m.Body)
	}
	return assert.Equal(c, want, got, "message bodies in order")
}

// AssertMessageAttributes asserts that m carries exactly the message attributes want (compared
// by data type and value).
func (c *C) AssertMessageAttributes(m types.Message, want map[string]types.MessageAttributeValue) bool {
	return assert.Equal(c, attrStrings(want), attrStrings(m.MessageAttributes), "message attributes")
}

func attrStrings(in map[string]types.MessageAttributeValue) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		val := aws.ToString(v.StringValue)
		if v.BinaryValue != nil {
			val = fmt.Sprintf("%x", v.BinaryValue)
		}
		out[k] = aws.ToString(v.DataType) + ":" + val
	}
	return out
}

// AssertQueueAttributes asserts that the queue's attributes include want (others are not
// compared).
func (c *C) AssertQueueAttributes(url string, want map[string]string) bool {
	got := c.Attributes(url)
	sub := map[string]string{}
	for k := range want {
		if v, ok := got[k]; ok {
			sub[k] = v
		}
	}
	return assert.Equal(c, want, sub, "queue attributes")
}
