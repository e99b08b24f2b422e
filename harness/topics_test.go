package harness_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
)

// A topic → queues topology on every backend with SNS: the envelope to one queue, raw delivery
// behind a filter policy to another; Subscribe adds the queue policy SNS needs.
func TestTopicFanOut(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		topic := h.Topic("orders", nil)
		billing, shipping := h.Queue("billing", nil), h.Queue("shipping", nil)
		h.Subscribe(topic, billing, nil)
		sub := h.Subscribe(topic, shipping, map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"region":[{"prefix":"eu-"}]}`})
		assert.Contains(t, sub, topic+":")
		for _, region := range []string{"eu-west-1", "us-east-1"} {
			_, err := h.SNS().Publish(h.Ctx(), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("order from " + region),
				MessageAttributes: map[string]snstypes.MessageAttributeValue{"region": {DataType: aws.String("String"), StringValue: aws.String(region)}}})
			require.NoError(t, err)
		}
		env := h.Receive(billing, 2, 0)
		require.Len(t, env, 2)
		var messages []string
		for _, m := range env {
			var e struct{ Type, Message, TopicArn string }
			require.NoError(t, json.Unmarshal([]byte(aws.ToString(m.Body)), &e))
			assert.Equal(t, "Notification", e.Type)
			assert.Equal(t, topic, e.TopicArn)
			messages = append(messages, e.Message)
		}
		assert.ElementsMatch(t, []string{"order from eu-west-1", "order from us-east-1"}, messages)
		raw := h.Receive(shipping, 1, 0)
		h.AssertBodies(raw, "order from eu-west-1")
		assert.Equal(t, "eu-west-1", aws.ToString(raw[0].MessageAttributes["region"].StringValue))

		// Subscribe keeps what the queue's policy already said
		h.Subscribe(h.Topic("returns", nil), shipping, nil)
		var policy struct{ Statement []any }
		require.NoError(t, json.Unmarshal([]byte(h.Attributes(shipping)["Policy"]), &policy))
		assert.Len(t, policy.Statement, 2)
	})
}
