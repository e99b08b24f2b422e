package sqsmock_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/sqsharness/sqsharness/faults"
)

// BenchmarkSNSPublishFanOut publishes one message with two attributes to a topic with N queue
// subscriptions (the envelope, or raw delivery, half of them behind a filter policy that
// matches), and purges the queues now and then so they stay small.
func BenchmarkSNSPublishFanOut(b *testing.B) {
	for _, n := range []int{1, 5, 20} {
		for _, raw := range []bool{false, true} {
			b.Run(fmt.Sprintf("queues=%d/raw=%v", n, raw), func(b *testing.B) {
				f := newFanout(&testing.T{})
				topic := f.topic("bench", nil)
				urls := make([]string, n)
				for i := range n {
					url, arn := f.queue(fmt.Sprint("q", i), topic)
					urls[i] = url
					attrs := map[string]string{"RawMessageDelivery": fmt.Sprint(raw)}
					if i%2 == 1 {
						attrs["FilterPolicy"] = `{"kind":["created"]}`
					}
					f.subscribe(topic, arn, attrs)
				}
				in := &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"order":"o-1","amount":42}`),
					MessageAttributes: map[string]snstypes.MessageAttributeValue{
						"kind":   {DataType: aws.String("String"), StringValue: aws.String("created")},
						"region": {DataType: aws.String("String"), StringValue: aws.String("eu-west-1")},
					}}
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					if _, err := f.sns.Publish(f.ctx, in); err != nil {
						b.Fatal(err)
					}
					if i%1000 == 999 {
						b.StopTimer()
						for _, u := range urls {
							_, _ = f.sqs.PurgeQueue(f.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(u)})
						}
						b.StartTimer()
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "publishes/s")
			})
		}
	}
}

// BenchmarkSNSPublishUnderFaults is a publish to five queues (envelope) with a fault plan
// attached: what the plan's decisions cost a publish (one per call, one per delivery). In "quiet"
// no rule fires (they name another queue and topic); in "delayed" one delays every delivery.
func BenchmarkSNSPublishUnderFaults(b *testing.B) {
	for _, name := range []string{"quiet", "delayed"} {
		b.Run(name, func(b *testing.B) {
			rule := faults.DuplicateDelivery(0).On("Publish").OnQueue("elsewhere")
			if name == "delayed" {
				rule = faults.DelayedVisibility(time.Second).On("Publish")
			}
			f, _, _ := faultyFanout(&testing.T{}, rule, faults.Error("Throttling").On("Publish").OnQueue("other-topic"))
			f.ctx = b.Context()
			topic := f.topic("bench", nil)
			urls := make([]string, 5)
			for i := range urls {
				url, arn := f.queue(fmt.Sprint("q", i), topic)
				urls[i] = url
				f.subscribe(topic, arn, nil)
			}
			in := &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"order":"o-1","amount":42}`),
				MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("created")}}}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := f.sns.Publish(f.ctx, in); err != nil {
					b.Fatal(err)
				}
				if i%1000 == 999 {
					b.StopTimer()
					for _, u := range urls {
						_, _ = f.sqs.PurgeQueue(f.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(u)})
					}
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "publishes/s")
		})
	}
}
