package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Order is what the shop publishes to its "orders" topic.
type Order struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`   // created, cancelled, shipped
	Region string `json:"region"` // e.g. eu-west-1
	Amount int    `json:"amount"`
}

// Publish publishes an order, with its kind and region as message attributes for the
// subscriptions' filter policies.
func Publish(ctx context.Context, c sqsmock.SNSAPI, topicARN string, o Order) error {
	body, _ := json.Marshal(o)
	_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(string(body)),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"kind":   {DataType: aws.String("String"), StringValue: aws.String(o.Kind)},
			"region": {DataType: aws.String("String"), StringValue: aws.String(o.Region)},
		}})
	return err
}

// Topology is the fan-out: the orders topic, a billing queue that gets created and cancelled
// orders in SNS's envelope, and a shipping queue that gets the bare orders created in the EU.
type Topology struct {
	Topic, Billing, Shipping string // the topic's ARN and the queues' URLs

	// The two mistakes this example plants (each false in a correct topology):
	// NoPolicies leaves out the queue policies that let the topic send: every publish
	// succeeds and nothing arrives.
	NoPolicies bool
	// EnvelopeToShipping forgets RawMessageDelivery on the shipping subscription, so the
	// shipping consumer, which reads bare orders, gets SNS's envelope.
	EnvelopeToShipping bool
}

// Setup creates the topic, the queues and the subscriptions.
func (t *Topology) Setup(ctx context.Context, q sqsmock.API, n sqsmock.SNSAPI) error {
	topic, err := n.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders")})
	if err != nil {
		return err
	}
	t.Topic = aws.ToString(topic.TopicArn)
	sub := func(queue string, attrs map[string]string) (string, error) {
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queue)})
		if err != nil {
			return "", err
		}
		a, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl,
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
		if err != nil {
			return "", err
		}
		arn := a.Attributes["QueueArn"]
		if !t.NoPolicies {
			policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},`+
				`"Action":"sqs:SendMessage","Resource":%q,"Condition":{"ArnEquals":{"aws:SourceArn":%q}}}]}`, arn, t.Topic)
			if _, err := q.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: out.QueueUrl,
				Attributes: map[string]string{"Policy": policy}}); err != nil {
				return "", err
			}
		}
		_, err = n.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
			Endpoint: aws.String(arn), Attributes: attrs})
		return aws.ToString(out.QueueUrl), err
	}
	if t.Billing, err = sub("billing", map[string]string{"FilterPolicy": `{"kind":["created","cancelled"]}`}); err != nil {
		return err
	}
	shipping := map[string]string{"FilterPolicy": `{"kind":["created"],"region":[{"prefix":"eu-"}]}`, "RawMessageDelivery": "true"}
	if t.EnvelopeToShipping {
		delete(shipping, "RawMessageDelivery")
	}
	t.Shipping, err = sub("shipping", shipping)
	return err
}

// BillingOrder reads a billing message: SNS's envelope around an order.
func BillingOrder(body string) (Order, error) {
	var env struct{ Type, Message string }
	if err := json.Unmarshal([]byte(body), &env); err != nil || env.Type != "Notification" {
		return Order{}, errors.New("not an SNS notification")
	}
	return ShippingOrder(env.Message)
}

// ShippingOrder reads a shipping message: a bare order (raw delivery).
func ShippingOrder(body string) (Order, error) {
	var o Order
	if err := json.Unmarshal([]byte(body), &o); err != nil || o.ID == "" {
		return Order{}, fmt.Errorf("not an order: %.40s", body)
	}
	return o, nil
}

// Drain receives every message of a queue, reads each with read and deletes those it could read.
func Drain(ctx context.Context, q sqsmock.API, url string, read func(string) (Order, error)) (orders []Order, errs []error) {
	for {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
		if err != nil {
			return orders, append(errs, err)
		}
		if len(out.Messages) == 0 {
			return orders, errs
		}
		for _, m := range out.Messages {
			o, err := read(aws.ToString(m.Body))
			if err != nil {
				errs = append(errs, err)
			} else {
				orders = append(orders, o)
			}
			if _, err := q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				errs = append(errs, err)
			}
		}
	}
}

// Charger charges an order's amount: the payment provider.
type Charger interface {
	Charge(ctx context.Context, orderID string, amount int) error
}

// Biller is the billing queue's consumer: it charges each created order once. SNS and SQS both
// deliver at least once, so it remembers what it charged.
type Biller struct {
	Charger Charger
	// DedupByMessageID is the third mistake this example plants: the biller remembers each
	// notification's SNS MessageId rather than the order's id. That holds against every
	// redelivery of one notification, by SQS or by SNS, which keep its MessageId; not against a
	// publish the SDK retried after its answer was lost, which SNS takes as a new message.
	DedupByMessageID bool

	mu   sync.Mutex
	seen map[string]bool
}

// Handle bills one message of the billing queue: a created order is charged unless it was
// already; other kinds are left alone. An error leaves the message to be delivered again.
func (b *Biller) Handle(ctx context.Context, body string) error {
	var env struct{ Type, MessageId, Message string }
	if err := json.Unmarshal([]byte(body), &env); err != nil || env.Type != "Notification" {
		return errors.New("not an SNS notification")
	}
	o, err := ShippingOrder(env.Message)
	if err != nil || o.Kind != "created" {
		return err
	}
	key := o.ID
	if b.DedupByMessageID {
		key = env.MessageId
	}
	b.mu.Lock()
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	if b.seen[key] {
		b.mu.Unlock()
		return nil
	}
	b.seen[key] = true
	b.mu.Unlock()
	if err := b.Charger.Charge(ctx, o.ID, o.Amount); err != nil {
		b.mu.Lock()
		delete(b.seen, key)
		b.mu.Unlock()
		return err
	}
	return nil
}

// Run consumes the billing queue at url with workers goroutines until ctx ends: each long-polls,
// bills each message and deletes it once billed. A failed receive is tried again a second later.
func (b *Biller) Run(ctx context.Context, q sqsmock.API, url string, workers int) error {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 20})
				if err != nil {
					select {
					case <-ctx.Done():
					case <-time.After(time.Second):
					}
					continue
				}
				for _, m := range out.Messages {
					if b.Handle(ctx, aws.ToString(m.Body)) != nil {
						continue // delivered again after its visibility timeout
					}
					_, _ = q.DeleteMessage(context.WithoutCancel(ctx), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
				}
			}
		})
	}
	wg.Wait()
	return nil
}
