package harness_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
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

// SNS's faults are sqsmock's: on the server they apply over HTTP, on a backend where faults act
// in an *sqs.Client's middleware a plan with them skips the test, saying why.
func TestSNSFaultsWhereTheyRun(t *testing.T) {
	plan, err := faults.NewPlan(1, faults.DuplicateDelivery(0).On("Publish").Named("twice"))
	require.NoError(t, err)
	h := harness.New(t, func(o *harness.Options) { o.Backend = "server"; o.Faults = plan })
	topic, q := h.Topic("orders", nil), h.Queue("billing", nil)
	h.Subscribe(topic, q, map[string]string{"RawMessageDelivery": "true"})
	_, err = h.SNS().Publish(h.Ctx(), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("o-1")})
	require.NoError(t, err)
	h.AssertBodies(h.Receive(q, 2, 0), "o-1", "o-1")

	srv := sqsmock.NewServer(t) // stands in for a real backend, where faults act in the clients
	c := newCaptured(t, func(o *harness.Options) { o.Backend = "my-sqs"; o.Endpoint = srv.URL; o.Faults = plan })
	assert.Empty(t, c.fatal)
	assert.Contains(t, c.skip, `rule "twice" of the fault plan acts on SNS's deliveries into queues, which only sqsmock can`)

	// A publish retried after its answer was lost is the client's doing: it runs there too.
	retried, err := faults.NewPlan(1, faults.ResetAfterApply().On("Publish").Times(1))
	require.NoError(t, err)
	h = harness.New(t, func(o *harness.Options) { o.Backend = "my-sqs"; o.Endpoint = srv.URL; o.Faults = retried })
	topic, q = h.Topic("orders", nil), h.Queue("billing", nil)
	h.Subscribe(topic, q, map[string]string{"RawMessageDelivery": "true"})
	_, err = h.SNS().Publish(h.Ctx(), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("o-2")})
	require.NoError(t, err)
	h.AssertBodies(h.Receive(q, 2, 5*time.Second), "o-2", "o-2")
	assert.Len(t, retried.Injections(), 1, "the harness's own calls (Topic, Subscribe) are not faulted")
}

// A publish applied and its answer lost: the SDK publishes again and the queue gets it twice, on
// every backend with SNS (on the mock and its server the engine injects it, elsewhere
// faults.WithSNSPlan on h.SNS()'s client).
func TestRetriedPublishOnEveryBackend(t *testing.T) {
	for _, b := range []harness.Backend{"mock", "server", "localstack", "moto"} {
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			t.Parallel()
			plan, err := faults.NewPlan(1, faults.ResetAfterApply().On("Publish").Times(1).Named("lost-answer"))
			require.NoError(t, err)
			h := harness.New(t, func(o *harness.Options) { o.Backend = b; o.Faults = plan })
			topic, q := h.Topic("orders", nil), h.Queue("billing", nil)
			h.Subscribe(topic, q, map[string]string{"RawMessageDelivery": "true"})
			_, err = h.SNS().Publish(h.Ctx(), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("o-3")})
			require.NoError(t, err, "the SDK's retry succeeded")
			h.AssertBodies(h.Receive(q, 2, 10*time.Second), "o-3", "o-3")
			require.Len(t, plan.Injections(), 1)
			assert.Equal(t, "Publish", plan.Injections()[0].Operation)
		})
	}
}
