package sqsmock_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func TestWithQueueAndIdentity(t *testing.T) {
	t.Parallel()
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "jobs", Attributes: map[string]string{"VisibilityTimeout": "5"}}, {Name: "jobs.fifo", Attributes: map[string]string{"FifoQueue": "true"}}}
		o.Region = "eu-central-1"
		o.AccountID = "123456789012"
	})
	qs := m.Queues()
	require.Len(t, qs, 2)
	assert.Equal(t, "jobs", qs[0].Name)
	assert.Equal(t, "https://sqs.eu-central-1.amazonaws.com/123456789012/jobs", qs[0].URL)
	assert.Equal(t, "arn:aws:sqs:eu-central-1:123456789012:jobs", qs[0].ARN)
	assert.False(t, qs[0].FIFO)
	assert.Equal(t, "5", qs[0].Attributes["VisibilityTimeout"])
	assert.True(t, qs[1].FIFO)

	out, err := m.Client().GetQueueUrl(t.Context(), &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
	require.NoError(t, err)
	assert.Equal(t, qs[0].URL, aws.ToString(out.QueueUrl))
	assert.Equal(t, "eu-central-1", m.Region())
	assert.Equal(t, "123456789012", m.AccountID())
}

func TestQueueLookupByNameURLOrARN(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	for _, key := range []string{"q", e.queue, "arn:aws:sqs:us-east-1:000000000000:q"} {
		info, ok := e.mock.Queue(key)
		require.True(t, ok, key)
		assert.Equal(t, "q", info.Name)
	}
	_, ok := e.mock.Queue("missing")
	assert.False(t, ok)
	assert.Nil(t, e.mock.Messages("missing"))
}

func TestInspectMessages(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "ready")
	e.send(e.queue, "inflight")
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("delayed"), DelaySeconds: 30,
		MessageAttributes: map[string]types.MessageAttributeValue{"k": strAttr("v")}})
	require.NoError(t, err)
	// Receive two; make the first visible again at once.
	got := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 2 })
	require.Len(t, got, 2)
	require.NoError(t, e.cmv(e.queue, aws.ToString(got[0].ReceiptHandle), 0))

	e.clk.Advance(time.Second)
	msgs := e.mock.Messages(e.queue)
	require.Len(t, msgs, 3)
	assert.Equal(t, "ready", msgs[0].Body)
	assert.Equal(t, "ready", msgs[0].State)
	assert.Equal(t, 1, msgs[0].ReceiveCount)
	assert.True(t, msgs[0].VisibleAt.IsZero())
	assert.Equal(t, epoch, msgs[0].FirstReceiveAt)

	assert.Equal(t, "inflight", msgs[1].Body)
	assert.Equal(t, "inflight", msgs[1].State)
	assert.Equal(t, epoch.Add(30*time.Second), msgs[1].VisibleAt)
	assert.Equal(t, aws.ToString(got[1].MessageId), msgs[1].MessageID)

	assert.Equal(t, "delayed", msgs[2].Body)
	assert.Equal(t, "delayed", msgs[2].State)
	assert.Equal(t, 0, msgs[2].ReceiveCount)
	assert.Equal(t, epoch, msgs[2].SentAt)
	assert.Equal(t, epoch.Add(30*time.Second), msgs[2].VisibleAt)
	assert.Equal(t, "v", aws.ToString(msgs[2].Attributes["k"].StringValue))

	info, ok := e.mock.Queue("q")
	require.True(t, ok)
	assert.Equal(t, [3]int{1, 1, 1}, [3]int{info.Ready, info.InFlight, info.Delayed})

	// Inspection changes nothing: counts and calls stay as they were.
	calls := len(e.mock.Calls())
	for i := 0; i < 3; i++ {
		e.mock.Messages(e.queue)
		e.mock.Queues()
	}
	assert.Len(t, e.mock.Calls(), calls)
	assert.Equal(t, 1, e.mock.Messages(e.queue)[0].ReceiveCount)
	assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessages"))
}

func TestInspectFifoMessages(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", nil)
	out := e.sendFifo(e.queue, "m", "g1", "d1")
	msgs := e.mock.Messages(e.queue)
	require.Len(t, msgs, 1)
	assert.Equal(t, "g1", msgs[0].GroupID)
	assert.Equal(t, "d1", msgs[0].DeduplicationID)
	assert.Equal(t, aws.ToString(out.SequenceNumber), msgs[0].SequenceNumber)
}

func TestCalls(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "hello")
	_, err := e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
	require.Error(t, err)
	e.clk.Advance(time.Minute)
	e.recv(e.queue, nil)

	calls := e.mock.Calls()
	require.Len(t, calls, 4)
	assert.Equal(t, []string{"CreateQueue", "SendMessage", "GetQueueUrl", "ReceiveMessage"},
		[]string{calls[0].Operation, calls[1].Operation, calls[2].Operation, calls[3].Operation})

	sends := e.mock.CallsTo("SendMessage")
	require.Len(t, sends, 1)
	in, ok := sends[0].Input.(*sqs.SendMessageInput)
	require.True(t, ok)
	assert.Equal(t, "hello", aws.ToString(in.MessageBody))
	outp, ok := sends[0].Output.(*sqs.SendMessageOutput)
	require.True(t, ok)
	assert.Equal(t, md5Hex("hello"), aws.ToString(outp.MD5OfMessageBody))
	assert.NoError(t, sends[0].Err)
	assert.Equal(t, epoch, sends[0].At)

	failed := e.mock.CallsTo("GetQueueUrl")
	require.Len(t, failed, 1)
	require.Error(t, failed[0].Err)
	assert.Contains(t, failed[0].Err.Error(), "AWS.SimpleQueueService.NonExistentQueue")
	assert.Nil(t, failed[0].Output)

	assert.Equal(t, epoch.Add(time.Minute), e.mock.CallsTo("ReceiveMessage")[0].At)
	assert.Empty(t, e.mock.CallsTo("DeleteQueue"))

	// Client-side validation failures of the in-process client are recorded too (over HTTP the
	// SDK rejects them before anything is sent).
	if !overHTTP {
		_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{})
		require.Error(t, err)
		assert.Len(t, e.mock.CallsTo("SendMessage"), 2)
	}

	e.mock.ResetCalls()
	assert.Empty(t, e.mock.Calls())
}

func TestReset(t *testing.T) {
	t.Parallel()
	clk := sqsmock.NewManualClock(epoch)
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "keep"}}; o.Clock = clk })
	c := m.Client()
	url := m.QueueURL("keep")
	_, err := c.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("m")})
	require.NoError(t, err)
	_, err = c.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String("extra")})
	require.NoError(t, err)

	require.NoError(t, m.Reset())
	qs := m.Queues()
	require.Len(t, qs, 1, "the queues from the options are made again, empty")
	assert.Equal(t, "keep", qs[0].Name)
	assert.Empty(t, m.Messages(url))
	assert.Empty(t, m.Calls())
	_, err = c.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String("extra")})
	require.NoError(t, err, "no QueueDeletedRecently after a reset")
}

func TestManualClock(t *testing.T) {
	t.Parallel()
	clk := sqsmock.NewManualClock(epoch)
	assert.Equal(t, epoch, clk.Now())
	tm := clk.NewTimer(10 * time.Second)
	assert.Equal(t, 1, clk.Timers())
	clk.Advance(9 * time.Second)
	select {
	case <-tm.C():
		t.Fatal("fired early")
	default:
	}
	clk.Advance(time.Second)
	assert.Equal(t, epoch.Add(10*time.Second), <-tm.C())
	assert.Equal(t, 0, clk.Timers())

	stopped := clk.NewTimer(time.Second)
	assert.True(t, stopped.Stop())
	assert.False(t, stopped.Stop())
	clk.Set(epoch) // never backwards
	assert.Equal(t, epoch.Add(10*time.Second), clk.Now())
	clk.Set(epoch.Add(time.Hour))
	assert.Equal(t, epoch.Add(time.Hour), clk.Now())
	immediate := clk.NewTimer(0)
	<-immediate.C()
}
