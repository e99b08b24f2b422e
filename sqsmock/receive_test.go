package sqsmock_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func TestReceiveVisibilityTimeoutDefault(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	sent := e.send(e.queue, "hello")

	e.clk.Advance(2 * time.Second)
	first := e.recv(e.queue, allAttrs)
	require.Len(t, first, 1)
	m := first[0]
	assert.Equal(t, aws.ToString(sent.MessageId), aws.ToString(m.MessageId))
	assert.Equal(t, "hello", aws.ToString(m.Body))
	assert.Equal(t, md5Hex("hello"), aws.ToString(m.MD5OfBody))
	assert.Equal(t, map[string]string{
		"SenderId":                         "000000000000",
		"SentTimestamp":                    ms(epoch),
		"ApproximateReceiveCount":          "1",
		"ApproximateFirstReceiveTimestamp": ms(epoch.Add(2 * time.Second)),
	}, m.Attributes)

	// Invisible for the queue's 30 seconds.
	e.clk.Advance(29 * time.Second)
	assert.Empty(t, e.recv(e.queue, nil))
	assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessagesNotVisible"))
	e.clk.Advance(time.Second)
	again := e.recv(e.queue, allAttrs)
	require.Len(t, again, 1)
	assert.Equal(t, aws.ToString(m.MessageId), aws.ToString(again[0].MessageId))
	assert.NotEqual(t, aws.ToString(m.ReceiptHandle), aws.ToString(again[0].ReceiptHandle), "a new receipt handle on every receive")
	assert.Equal(t, "2", again[0].Attributes["ApproximateReceiveCount"])
	assert.Equal(t, ms(epoch.Add(2*time.Second)), again[0].Attributes["ApproximateFirstReceiveTimestamp"], "the first receive stays the first")
	assert.Equal(t, ms(epoch), again[0].Attributes["SentTimestamp"])
}

func TestReceiveVisibilityTimeoutOverride(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", map[string]string{"VisibilityTimeout": "100"})
	e.send(e.queue, "m")
	e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.VisibilityTimeout = 5 })
	e.clk.Advance(4 * time.Second)
	assert.Empty(t, e.recv(e.queue, nil))
	e.clk.Advance(time.Second)
	require.Len(t, e.recv(e.queue, nil), 1) // now with the queue's 100 s
	e.clk.Advance(99 * time.Second)
	assert.Empty(t, e.recv(e.queue, nil))
	e.clk.Advance(time.Second)
	assert.Len(t, e.recv(e.queue, nil), 1)
}

func TestReceiveVisibilityTimeoutZero(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "foobar")
	r0 := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.VisibilityTimeout = 0; in.WaitTimeSeconds = 0 })
	require.Len(t, r0, 1)
	// A zero visibility timeout is explicit only on the wire; in process 0 means "the queue's".
	// So make the queue's 0 to check that a message received with 0 is at once receivable again.
	q0 := e.create("zero", map[string]string{"VisibilityTimeout": "0"})
	e.send(q0, "x")
	a := e.recv(q0, nil)
	b := e.recv(q0, nil)
	require.Len(t, a, 1)
	require.Len(t, b, 1)
	assert.NotEqual(t, aws.ToString(a[0].ReceiptHandle), aws.ToString(b[0].ReceiptHandle))
}

func TestReceiveMaxNumberOfMessages(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	for i := 0; i < 15; i++ {
		e.send(e.queue, strconv.Itoa(i))
	}
	assert.Len(t, e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 0 }), 1, "default is 1")
	assert.Len(t, e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 3 }), 3)
	assert.Len(t, e.recv(e.queue, nil), 10)
	assert.Len(t, e.recv(e.queue, nil), 1)
	assert.Empty(t, e.recv(e.queue, nil))
}

func TestReceiveParameterValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*sqs.ReceiveMessageInput)
		msg  string
	}{
		{"max 11", func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 11 },
			"Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."},
		{"max -1", func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = -1 },
			"Value -1 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."},
		{"wait 21", func(in *sqs.ReceiveMessageInput) { in.WaitTimeSeconds = 21 },
			"Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."},
		{"wait -1", func(in *sqs.ReceiveMessageInput) { in.WaitTimeSeconds = -1 },
			"Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."},
		{"visibility -1", func(in *sqs.ReceiveMessageInput) { in.VisibilityTimeout = -1 }, ""},
		{"visibility 43201", func(in *sqs.ReceiveMessageInput) { in.VisibilityTimeout = 43201 }, ""},
		{"attempt id too long", func(in *sqs.ReceiveMessageInput) { in.ReceiveRequestAttemptId = aws.String(string(make([]byte, 129))) }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q", nil)
			e.send(e.queue, "m")
			in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue)}
			tc.edit(in)
			_, err := e.c.ReceiveMessage(e.ctx, in)
			requireAPIError(t, err, "InvalidParameterValue", tc.msg)
			assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessages"), "a rejected receive takes nothing")
		})
	}
	t.Run("unknown system attribute", func(t *testing.T) {
		t.Parallel()
		e := newEnvQueue(t, "q", nil)
		_, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue),
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"Bogus"}})
		requireAPIError(t, err, "InvalidAttributeName", "Unknown Attribute Bogus.")
	})
	t.Run("visibility bounds accepted", func(t *testing.T) {
		t.Parallel()
		e := newEnvQueue(t, "q", nil)
		e.send(e.queue, "m")
		require.Len(t, e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.VisibilityTimeout = 43200; in.WaitTimeSeconds = 20 }), 1)
		e.clk.Advance(43199 * time.Second)
		assert.Empty(t, e.recv(e.queue, nil))
		e.clk.Advance(time.Second)
		assert.Len(t, e.recv(e.queue, nil), 1)
	})
}

func TestReceiveMessageAttributeFilters(t *testing.T) {
	t.Parallel()
	// Recorded: test_receive_message_message_attribute_names_filters.
	all := map[string]types.MessageAttributeValue{"Help.Me": strAttr("Me"), "Hello": strAttr("There"), "General": strAttr("Kenobi")}
	pick := func(names ...string) map[string]types.MessageAttributeValue {
		out := map[string]types.MessageAttributeValue{}
		for _, n := range names {
			out[n] = all[n]
		}
		return out
	}
	cases := []struct {
		name    string
		filter  []string
		want    map[string]types.MessageAttributeValue
		wantMD5 string
	}{
		{"empty", nil, nil, ""},
		{"All", []string{"All"}, all, "4c360f3fdafd970e05fae2f149d997f5"},
		{"asterisk", []string{"*"}, all, "4c360f3fdafd970e05fae2f149d997f5"},
		{"dot asterisk", []string{".*"}, all, "4c360f3fdafd970e05fae2f149d997f5"},
		{"only non-existing", []string{"Foo", "Help"}, nil, ""},
		{"only existing", []string{"Hello", "General"}, pick("Hello", "General"), "fca026605781cb4126a1e9044df24232"},
		{"existing and non-existing", []string{"Foo", "Hello"}, pick("Hello"), "a311262e065454b75da111d535b8dacd"},
		{"prefix", []string{"Hel.*"}, pick("Hello", "Help.Me"), "83fee93c1bcd8b9a5a923ffacdc636c7"},
		{"illegal AWS.", []string{"AWS."}, nil, ""},
		{"illegal ..foo", []string{"..foo"}, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q", nil)
			out, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("msg"), MessageAttributes: all})
			require.NoError(t, err)
			assert.Equal(t, "4c360f3fdafd970e05fae2f149d997f5", aws.ToString(out.MD5OfMessageAttributes))
			msgs := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MessageAttributeNames = tc.filter })
			require.Len(t, msgs, 1)
			if tc.want == nil {
				assert.Empty(t, msgs[0].MessageAttributes)
				assert.Nil(t, msgs[0].MD5OfMessageAttributes)
				return
			}
			assert.Equal(t, tc.want, msgs[0].MessageAttributes)
			assert.Equal(t, tc.wantMD5, aws.ToString(msgs[0].MD5OfMessageAttributes))
			assert.Equal(t, wantAttrMD5(tc.want), tc.wantMD5)
		})
	}
}

func TestReceiveSystemAttributeFilters(t *testing.T) {
	t.Parallel()
	full := []string{"ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId", "SentTimestamp"}
	cases := []struct {
		name         string
		attributeNms []types.QueueAttributeName // deprecated AttributeNames
		systemNms    []types.MessageSystemAttributeName
		want         []string
	}{
		{"none", nil, nil, nil},
		{"All (AttributeNames)", []types.QueueAttributeName{"All"}, nil, full},
		{"All (MessageSystemAttributeNames)", nil, []types.MessageSystemAttributeName{"All"}, full},
		{"single", []types.QueueAttributeName{"SenderId"}, nil, []string{"SenderId"}},
		{"FIFO-only name on standard", []types.QueueAttributeName{"SenderId", "SequenceNumber"}, nil, []string{"SenderId"}},
		{"both lists, same", []types.QueueAttributeName{"All"}, []types.MessageSystemAttributeName{"All"}, full},
		{"both lists, different", []types.QueueAttributeName{"SenderId"}, []types.MessageSystemAttributeName{"All"}, full},
		{"union", []types.QueueAttributeName{"SenderId"}, []types.MessageSystemAttributeName{"SentTimestamp"}, []string{"SenderId", "SentTimestamp"}},
		{"absent trace header", nil, []types.MessageSystemAttributeName{"AWSTraceHeader"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q", nil)
			e.send(e.queue, "msg")
			msgs := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) {
				//lint:ignore SA1019 the deprecated member is one of the two this test checks
				in.AttributeNames = tc.attributeNms
				in.MessageSystemAttributeNames = tc.systemNms
			})
			require.Len(t, msgs, 1)
			var got []string
			for k := range msgs[0].Attributes {
				got = append(got, k)
			}
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

func TestLongPollWakesOnSend(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	done := make(chan []types.Message)
	go func() {
		out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), WaitTimeSeconds: 20})
		assert.NoError(t, err)
		done <- out.Messages
	}()
	e.blockUntil(1)
	e.send(e.queue, "wake")
	msgs := <-done
	require.Len(t, msgs, 1)
	assert.Equal(t, "wake", aws.ToString(msgs[0].Body))
	assert.Equal(t, epoch, e.clk.Now(), "no time had to pass")
}

func TestLongPollReturnsAtDeadline(t *testing.T) {
	t.Parallel()
	// The queue's ReceiveMessageWaitTimeSeconds applies when the request has no wait time.
	e := newEnvQueue(t, "q", map[string]string{"ReceiveMessageWaitTimeSeconds": "10"})
	done := make(chan []types.Message, 1)
	go func() {
		out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue)})
		assert.NoError(t, err)
		done <- out.Messages
	}()
	e.blockUntil(1)
	e.clk.Advance(9 * time.Second)
	select {
	case <-done:
		t.Fatal("returned before its deadline")
	default:
	}
	e.blockUntil(1)
	e.clk.Advance(time.Second)
	assert.Empty(t, <-done)
}

func TestLongPollWakesWhenDelayedMessageBecomesVisible(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("later"), DelaySeconds: 5})
	require.NoError(t, err)
	done := make(chan []types.Message, 1)
	go func() {
		out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), WaitTimeSeconds: 20})
		assert.NoError(t, err)
		done <- out.Messages
	}()
	e.blockUntil(1)
	e.clk.Advance(5 * time.Second)
	msgs := <-done
	require.Len(t, msgs, 1)
	assert.Equal(t, "later", aws.ToString(msgs[0].Body))
}

func TestLongPollContextCancel(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), WaitTimeSeconds: 20})
		done <- err
	}()
	e.blockUntil(1)
	cancel()
	err := <-done
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	var ce *smithy.CanceledError // as the real client reports a request cancelled in flight
	assert.ErrorAs(t, err, &ce)
	var re *awshttp.ResponseError
	assert.ErrorAs(t, err, &re)
	if overHTTP { // the server learns of the cancel when the connection closes, a moment later
		require.Eventually(t, func() bool { return e.clk.Timers() == 0 }, 10*time.Second, time.Millisecond, "the poll's timer is stopped")
		return
	}
	assert.Equal(t, 0, e.clk.Timers(), "the poll's timer is stopped")
}

func TestLongPollEndsWhenQueueDeleted(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	done := make(chan error, 1)
	go func() {
		_, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), WaitTimeSeconds: 20})
		done <- err
	}()
	e.blockUntil(1)
	_, err := e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(e.queue)})
	require.NoError(t, err)
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("long poll still blocked after DeleteQueue")
	}
}

func TestShortPollEmptyQueue(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	assert.Empty(t, e.recv(e.queue, nil))
	assert.Equal(t, 0, e.clk.Timers(), "a short poll never waits")
}

func TestDelayPerQueueAndPerMessage(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", map[string]string{"DelaySeconds": "10"})
	e.send(e.queue, "queue-delay")
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("msg-delay"), DelaySeconds: 3})
	require.NoError(t, err)
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("long-delay"), DelaySeconds: 20})
	require.NoError(t, err)
	assert.Empty(t, e.recv(e.queue, nil))
	assert.Equal(t, "3", e.attr(e.queue, "ApproximateNumberOfMessagesDelayed"))

	e.clk.Advance(3 * time.Second)
	assert.Equal(t, []string{"msg-delay"}, bodies(e.recv(e.queue, nil)))
	e.clk.Advance(7 * time.Second)
	assert.Equal(t, []string{"queue-delay"}, bodies(e.recv(e.queue, nil)))
	e.clk.Advance(10 * time.Second)
	assert.Equal(t, []string{"long-delay"}, bodies(e.recv(e.queue, nil)))

	// Changing the queue's delay affects later sends only.
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"DelaySeconds": "0"}))
	e.send(e.queue, "now")
	assert.Equal(t, []string{"now"}, bodies(e.recv(e.queue, nil)))
}

func TestReceiveOrderStandard(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	var want []string
	for i := 0; i < 10; i++ {
		want = append(want, strconv.Itoa(i))
		e.send(e.queue, strconv.Itoa(i))
	}
	// Not promised by SQS, but the mock is deterministic: arrival order.
	assert.ElementsMatch(t, want, bodies(e.recv(e.queue, nil)))
}
