package suite

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
)

// The suite's own helpers on top of the harness's, for what many behaviour tests say the same way.

// FIFOQueue creates a uniquely named FIFO queue, deleted when the test ends.
func (c *C) FIFOQueue(name string, attrs map[string]string) string {
	return c.Queue(name+".fifo", attrs)
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
