package suite

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SNS → SQS: what a queue subscribed to a topic receives (issue 19). Backends without SNS
// (ElasticMQ) skip these.

const (
	snsSQSDoc    = "https://docs.aws.amazon.com/sns/latest/dg/sns-sqs-as-subscriber.html"
	snsRawDoc    = "https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html"
	snsFilterDoc = "https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html"
	snsFIFODoc   = "https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html"
	snsDLQDoc    = "https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html"
	snsErrDoc    = "https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors"
)

// envelope is SNS's JSON notification, as a queue subscribed without raw delivery gets it.
type envelope struct {
	Type, MessageID, SequenceNumber, TopicArn, Message, Timestamp string
	SignatureVersion, Signature, SigningCertURL, UnsubscribeURL   string
	MessageAttributes                                             map[string]struct{ Type, Value string }
}

// envelopeOf reads a message's body as SNS's envelope.
func envelopeOf(c *C, m types.Message) envelope {
	var e envelope
	require.NoError(c, json.Unmarshal([]byte(aws.ToString(m.Body)), &e), "the body is SNS's JSON envelope: %s", aws.ToString(m.Body))
	return e
}

// publish publishes in to topic and requires success.
func publish(c *C, topic string, in *sns.PublishInput) *sns.PublishOutput {
	in.TopicArn = aws.String(topic)
	out, err := c.SNS().Publish(c.Ctx(), in)
	c.OK(err, "Publish")
	return out
}

func numAttr(v string) snstypes.MessageAttributeValue {
	return snstypes.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(v)}
}

func snsTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-SNS-001", Title: "A message published to a topic reaches a subscribed queue in SNS's JSON envelope, with its attributes inside it",
			Doc: snsSQSDoc, Run: func(c *C) {
				topic := c.Topic("orders", nil)
				q := c.Queue("envelope", nil)
				c.Subscribe(topic, q, nil)
				out := publish(c, topic, &sns.PublishInput{Message: aws.String("Test msg"),
					MessageAttributes: map[string]snstypes.MessageAttributeValue{"attr1": numAttr("100.12")}})
				msgs := c.RequireN(q, 1, 10*time.Second)
				assert.Empty(c, msgs[0].MessageAttributes, "the attributes travel inside the envelope")
				e := envelopeOf(c, msgs[0])
				assert.Equal(c, "Notification", e.Type)
				assert.Equal(c, aws.ToString(out.MessageId), e.MessageID)
				assert.Equal(c, topic, e.TopicArn)
				assert.Equal(c, "Test msg", e.Message)
				assert.Equal(c, "1", e.SignatureVersion)
				assert.NotEmpty(c, e.Signature)
				assert.NotEmpty(c, e.SigningCertURL)
				assert.Contains(c, e.UnsubscribeURL, "Action=Unsubscribe&SubscriptionArn="+topic+":")
				_, err := time.Parse(time.RFC3339, e.Timestamp)
				assert.NoError(c, err, "Timestamp %q", e.Timestamp)
				assert.Equal(c, map[string]struct{ Type, Value string }{"attr1": {"Number", "100.12"}}, e.MessageAttributes)
			}},
		Test{ID: "SQS-SNS-002", Title: "With RawMessageDelivery a subscribed queue gets the bare message, its attributes as SQS message attributes",
			Doc: snsRawDoc, Run: func(c *C) {
				topic := c.Topic("orders", nil)
				q := c.Queue("raw", nil)
				c.Subscribe(topic, q, map[string]string{"RawMessageDelivery": "true"})
				publish(c, topic, &sns.PublishInput{Message: aws.String("Test msg"),
					MessageAttributes: map[string]snstypes.MessageAttributeValue{"attr1": numAttr("99.12"),
						"store": {DataType: aws.String("Binary"), BinaryValue: []byte{2, 3, 4}}}})
				msgs := c.RequireN(q, 1, 10*time.Second)
				assert.Equal(c, "Test msg", aws.ToString(msgs[0].Body))
				assert.Equal(c, map[string]types.MessageAttributeValue{
					"attr1": {DataType: aws.String("Number"), StringValue: aws.String("99.12")},
					"store": {DataType: aws.String("Binary"), BinaryValue: []byte{2, 3, 4}},
				}, msgs[0].MessageAttributes)
			}},
		Test{ID: "SQS-SNS-003", Title: "A subscription's filter policy lets through only the messages whose attributes match it",
			Doc: snsFilterDoc, Run: func(c *C) {
				topic := c.Topic("orders", nil)
				q := c.Queue("filtered", nil)
				c.Subscribe(topic, q, map[string]string{"FilterPolicy": `{"attr1":[{"numeric":[">",0,"<=",100]}]}`})
				publish(c, topic, &sns.PublishInput{Message: aws.String("no attribute")})
				publish(c, topic, &sns.PublishInput{Message: aws.String("too big"), MessageAttributes: map[string]snstypes.MessageAttributeValue{"attr1": numAttr("101")}})
				publish(c, topic, &sns.PublishInput{Message: aws.String("This is a test message"), MessageAttributes: map[string]snstypes.MessageAttributeValue{"attr1": numAttr("99")}})
				msgs := c.Receive(q, 1, 10*time.Second)
				require.Len(c, msgs, 1)
				assert.Equal(c, "This is a test message", envelopeOf(c, msgs[0]).Message)
				c.none(q, "the other two messages did not match the policy")
			}},
		Test{ID: "SQS-SNS-004", Title: "A queue whose policy does not let the topic send gets nothing, and Publish still succeeds",
			Doc: snsSQSDoc, Run: func(c *C) {
				topic := c.Topic("orders", nil)
				q := c.Queue("closed", nil)
				_, err := c.SNS().Subscribe(c.Ctx(), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
					Endpoint: aws.String(c.QueueARN(q))})
				c.OK(err, "Subscribe")
				publish(c, topic, &sns.PublishInput{Message: aws.String("lost")})
				c.none(q, "the queue has no policy allowing sns.amazonaws.com to sqs:SendMessage")
			}},
		Test{ID: "SQS-SNS-005", Title: "A FIFO topic delivers to a FIFO queue with the message group and deduplication ids, and a sequence number in an unsigned envelope",
			Doc: snsFIFODoc, Run: func(c *C) {
				topic := c.Topic("orders.fifo", nil)
				q := c.Queue("orders.fifo", nil)
				c.Subscribe(topic, q, nil)
				out := publish(c, topic, &sns.PublishInput{Message: aws.String("Test"),
					MessageGroupId: aws.String("message-group-id-1"), MessageDeduplicationId: aws.String("message-deduplication-id-1")})
				publish(c, topic, &sns.PublishInput{Message: aws.String("Test"),
					MessageGroupId: aws.String("message-group-id-1"), MessageDeduplicationId: aws.String("message-deduplication-id-1")})
				msgs := c.Receive(q, 2, 10*time.Second, func(in *sqs.ReceiveMessageInput) {
					in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}
				})
				require.Len(c, msgs, 1, "the duplicate is not delivered")
				assert.Equal(c, "message-group-id-1", msgs[0].Attributes["MessageGroupId"])
				assert.Equal(c, "message-deduplication-id-1", msgs[0].Attributes["MessageDeduplicationId"])
				e := envelopeOf(c, msgs[0])
				assert.Equal(c, aws.ToString(out.SequenceNumber), e.SequenceNumber)
				assert.Empty(c, e.Signature, "a FIFO topic's envelope is not signed")
				assert.Empty(c, e.SigningCertURL)
			}},
		Test{ID: "SQS-SNS-006", Title: "Publishing to a topic that does not exist fails with NotFound (HTTP 404)",
			Doc: snsErrDoc, Run: func(c *C) {
				topic := c.Topic("orders", nil)
				_, err := c.SNS().Publish(c.Ctx(), &sns.PublishInput{TopicArn: aws.String(topic + "-missing"), Message: aws.String("m")})
				var api smithy.APIError
				require.True(c, errors.As(err, &api), "want an API error, got %v", err)
				assert.Equal(c, "NotFound", api.ErrorCode())
				assert.Equal(c, "Topic does not exist", api.ErrorMessage())
				var status interface{ HTTPStatusCode() int }
				if assert.True(c, errors.As(err, &status)) {
					assert.Equal(c, 404, status.HTTPStatusCode())
				}
			}},
		Test{ID: "SQS-SNS-007", Title: "A message SNS cannot deliver (the queue was deleted) goes to the subscription's dead-letter queue",
			Doc: snsDLQDoc, Run: func(c *C) {
				topic := c.Topic("orders", nil)
				q, dlq := c.Queue("gone", nil), c.Queue("gone-dlq", nil)
				c.Subscribe(topic, dlq, nil) // only for the policy that lets the topic send to the DLQ
				sub := c.Subscribe(topic, q, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + c.QueueARN(dlq) + `"}`})
				_, err := c.SNS().Unsubscribe(c.Ctx(), &sns.UnsubscribeInput{SubscriptionArn: aws.String(c.subscriptionTo(topic, c.QueueARN(dlq), sub))})
				c.OK(err, "Unsubscribe")
				_, err = c.Client().DeleteQueue(c.Ctx(), &sqs.DeleteQueueInput{QueueUrl: aws.String(q)})
				c.OK(err, "DeleteQueue")
				publish(c, topic, &sns.PublishInput{Message: aws.String("test_dlq_after_sqs_endpoint_deleted")})
				msgs := c.RequireN(dlq, 1, 30*time.Second)
				assert.Equal(c, "test_dlq_after_sqs_endpoint_deleted", envelopeOf(c, msgs[0]).Message)
			}},
		Test{ID: "SQS-SNS-008", Title: "Subscribe with a filter policy that is not JSON fails with InvalidParameter",
			Doc: snsFilterDoc, Run: func(c *C) {
				topic := c.Topic("orders", nil)
				q := c.Queue("q", nil)
				_, err := c.SNS().Subscribe(c.Ctx(), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
					Endpoint: aws.String(c.QueueARN(q)), Attributes: map[string]string{"FilterPolicy": "invalid"}})
				var api smithy.APIError
				require.True(c, errors.As(err, &api), "want an API error, got %v", err)
				assert.Equal(c, "InvalidParameter", api.ErrorCode())
				assert.Contains(c, api.ErrorMessage(), "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON.")
			}},
	)
	return
}

// subscriptionTo finds the ARN of the topic's subscription of queueARN other than except.
func (c *C) subscriptionTo(topic, queueARN, except string) string {
	out, err := c.SNS().ListSubscriptionsByTopic(c.Ctx(), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	c.OK(err, "ListSubscriptionsByTopic")
	for _, s := range out.Subscriptions {
		if aws.ToString(s.Endpoint) == queueARN && aws.ToString(s.SubscriptionArn) != except {
			return aws.ToString(s.SubscriptionArn)
		}
	}
	require.Fail(c, "no subscription of "+queueARN)
	return ""
}
