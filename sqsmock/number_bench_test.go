package sqsmock_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// BenchmarkSendHugeNumberAttribute: a SendMessage whose Number attribute is huge is rejected
// in time independent of its size (2M digits: the length check; 1M digits: the 39th significant
// digit) or, at worst, in one scan of at most 1 MiB (zeros, which trim to 0), and before the
// queue lock. Parsing 2M digits with big.Float took about 8 s under the queue's lock.
func BenchmarkSendHugeNumberAttribute(b *testing.B) {
	for _, bc := range []struct{ name, value string }{
		{"2M digits", "1" + strings.Repeat("0", 2_000_000)},
		{"1M digits", strings.Repeat("7", 1_000_000)},
		{"1MiB of zeros", strings.Repeat("0", 1<<20)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, url := benchQueue(b, false, 0)
			ctx := context.Background()
			in := &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("x"),
				MessageAttributes: map[string]types.MessageAttributeValue{"n": {DataType: aws.String("Number"), StringValue: aws.String(bc.value)}}}
			for b.Loop() {
				if _, err := c.SendMessage(ctx, in); err == nil {
					b.Fatal("a huge Number attribute was accepted")
				}
			}
		})
	}
}
