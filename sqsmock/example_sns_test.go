package sqsmock_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// SNS fan-out into the mock's queues: a raw-delivery subscription with a filter policy. As on
// AWS, the queue's policy must let the topic send (sqs:SendMessage for sns.amazonaws.com), or
// nothing arrives and the trace's sns.failed event says why.
func ExampleMock_SNS() {
	ctx := context.Background()
	m := sqsmock.New()
	topic, _ := m.SNS().CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders")})
	q, _ := m.Client().CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("eu-orders")})
	queueARN := "arn:aws:sqs:us-east-1:000000000000:eu-orders"
	_, _ = m.Client().SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{
		"Policy": `{"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage",` +
			`"Resource":"` + queueARN + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + aws.ToString(topic.TopicArn) + `"}}}]}`,
	}})
	_, _ = m.SNS().Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN),
		Attributes: map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"region":[{"prefix":"eu-"}]}`}})

	for _, region := range []string{"eu-west-1", "us-east-1"} {
		_, _ = m.SNS().Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("order from " + region),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"region": {DataType: aws.String("String"), StringValue: aws.String(region)}}})
	}
	out, _ := m.Client().ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10})
	for _, msg := range out.Messages {
		fmt.Println(aws.ToString(msg.Body))
	}
	// Output:
	// order from eu-west-1
}
