package differential_test

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/conformance/internal/differential"
	"github.com/sqsharness/sqsharness/internal/peerenv"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// op is a step function.
type op = func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error)

func u(s *differential.Side, alias string) *string { return aws.String(s.URL(alias)) }

func send(alias, body string, edit ...func(*sqs.SendMessageInput)) op {
	return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		in := &sqs.SendMessageInput{QueueUrl: u(s, alias), MessageBody: aws.String(body)}
		for _, e := range edit {
			e(in)
		}
		return c.SendMessage(ctx, in)
	}
}

func group(g, dedup string) func(*sqs.SendMessageInput) {
	return func(in *sqs.SendMessageInput) {
		in.MessageGroupId = aws.String(g)
		if dedup != "" {
			in.MessageDeduplicationId = aws.String(dedup)
		}
	}
}

func allAttributes(in *sqs.ReceiveMessageInput) {
	in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}
	in.MessageAttributeNames = []string{"All"}
}

// recv short-polls for up to want messages (at most 10). On AWS, whose short polls sample a
// subset of its servers, it polls again (at most 10 times) until want messages arrived; every
// other backend answers with all it has at once. The messages are returned as one output.
func recv(alias string, want int32, edit ...func(*sqs.ReceiveMessageInput)) op {
	return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		merged := &sqs.ReceiveMessageOutput{}
		for try := 0; try < 10; try++ {
			in := &sqs.ReceiveMessageInput{QueueUrl: u(s, alias), MaxNumberOfMessages: want - int32(len(merged.Messages))}
			for _, e := range edit {
				e(in)
			}
			out, err := c.ReceiveMessage(ctx, in)
			if err != nil {
				return nil, err
			}
			merged.Messages = append(merged.Messages, out.Messages...)
			if int32(len(merged.Messages)) >= want || s.Backend() != "aws" {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		return merged, nil
	}
}

// recvArriving is recv for a message that is due now on every side (a visibility timeout or a
// delay has just run out): a peer's own clock may make it visible a moment later than the
// mock's, so on a real backend it receives again, for up to 5 s, until want messages have come.
// What is compared is unchanged: the messages received.
func recvArriving(alias string, want int32, edit ...func(*sqs.ReceiveMessageInput)) op {
	once := recv(alias, want, edit...)
	return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		merged := &sqs.ReceiveMessageOutput{}
		for try := 0; try < 25; try++ {
			out, err := once(ctx, c, s)
			if err != nil {
				return nil, err
			}
			merged.Messages = append(merged.Messages, out.(*sqs.ReceiveMessageOutput).Messages...)
			if int32(len(merged.Messages)) >= want || s.Backend() == "mock" || s.Backend() == "server" {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		return merged, nil
	}
}

// handles are the receipt handles of a receive step's messages on side s, of which a later step
// needs at least n: with fewer (the receive already differed) the test stops here with an error
// instead of an index panic, which would abort every other test of the binary.
func handles(s *differential.Side, step *differential.Step, n int) []*string {
	var out []*string
	for _, m := range differential.Output[*sqs.ReceiveMessageOutput](s, step).Messages {
		out = append(out, m.ReceiptHandle)
	}
	if len(out) < n {
		s.Harness().T().Fatalf("differential: a later step needs %d receipt handle(s) from the receive on the %s, which returned %d message(s)", n, s, len(out))
	}
	return out
}

func deleteMsg(alias string, step *differential.Step, i int) op {
	return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		return c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: u(s, alias), ReceiptHandle: handles(s, step, i+1)[i]})
	}
}

func changeVis(alias string, step *differential.Step, i int, seconds int32) op {
	return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		return c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: u(s, alias),
			ReceiptHandle: handles(s, step, i+1)[i], VisibilityTimeout: seconds})
	}
}

func attrs(alias string, names ...string) op {
	return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		in := &sqs.GetQueueAttributesInput{QueueUrl: u(s, alias)}
		for _, n := range names {
			in.AttributeNames = append(in.AttributeNames, types.QueueAttributeName(n))
		}
		return c.GetQueueAttributes(ctx, in)
	}
}

func counts(alias string) op {
	return attrs(alias, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")
}

func setAttrs(alias string, a map[string]string) op {
	return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		m := map[string]string{}
		for k, v := range a {
			m[k] = s.Expand(v)
		}
		return c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: u(s, alias), Attributes: m})
	}
}

func createQueue(alias string, a map[string]string) op {
	return func(ctx context.Context, c sqsmock.API, s *differential.Side) (any, error) {
		m := map[string]string{}
		for k, v := range a {
			m[k] = s.Expand(v)
		}
		return c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(s.Name(alias)), Attributes: m})
	}
}

func strAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

func numAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(v)}
}

func binAttr(v []byte) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("Binary"), BinaryValue: v}
}

func entries(n int, body func(i int) string) []types.SendMessageBatchRequestEntry {
	out := make([]types.SendMessageBatchRequestEntry, n)
	for i := range out {
		out[i] = types.SendMessageBatchRequestEntry{Id: aws.String("e" + string(rune('a'+i))), MessageBody: aws.String(body(i))}
	}
	return out
}

// awsWanted: mock-vs-AWS runs only when asked for (never in CI).
func awsWanted() bool { return os.Getenv("SQSHARNESS_CONFORMANCE_AWS") == "1" && !peerenv.InCI() }

func repeat(s string, n int) string { return strings.Repeat(s, n) }
