package sqsmock_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFifoRequiredIDs(t *testing.T) {
	t.Parallel()
	// Recorded: test_posting_to_fifo_requires_deduplicationid_group_id.
	e := newEnvQueue(t, "q.fifo", nil)
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("m"), MessageGroupId: aws.String("g")})
	requireAPIError(t, err, "InvalidParameterValue", "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("m"), MessageDeduplicationId: aws.String("d")})
	requireAPIError(t, err, "MissingParameter", "The request must contain the parameter MessageGroupId.")
	assert.Empty(t, e.mock.Messages(e.queue))

	// Recorded: test_message_deduplication_id_invalid.
	for _, d := range []string{"", strings.Repeat("a", 129), "group 123"} {
		_, err = e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("m"),
			MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String(d)})
		requireAPIError(t, err, "InvalidParameterValue", "Value "+d+" for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	// Punctuation is fine (test_message_deduplication_id_success).
	e.sendFifo(e.queue, "m", "g-1_!.,", `a!"#$%&'()*+,-./:;<=>?@[\]^_{|}~`+strings.Repeat("z", 95))
}

func TestFifoDeduplicationExplicit(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", nil)
	first := e.sendFifo(e.queue, "one", "g", "d1")
	dup := e.sendFifo(e.queue, "two", "g", "d1") // a duplicate by id, whatever the body
	assert.Equal(t, aws.ToString(first.MessageId), aws.ToString(dup.MessageId))
	assert.Equal(t, aws.ToString(first.SequenceNumber), aws.ToString(dup.SequenceNumber))
	assert.Equal(t, md5Hex("two"), aws.ToString(dup.MD5OfMessageBody), "the answer digests what was sent")
	e.sendFifo(e.queue, "three", "g", "d2")
	assert.Equal(t, []string{"one", "three"}, bodies(e.recv(e.queue, nil)))
}

func TestFifoDeduplicationContentBased(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	a := e.sendFifo(e.queue, "same", "g", "")
	b := e.sendFifo(e.queue, "same", "g", "")
	e.sendFifo(e.queue, "other", "g", "")
	e.sendFifo(e.queue, "same", "g", "explicit") // an explicit id wins over the content
	assert.Equal(t, aws.ToString(a.MessageId), aws.ToString(b.MessageId))
	msgs := e.recv(e.queue, allAttrs)
	assert.Equal(t, []string{"same", "other", "same"}, bodies(msgs))
	require.Len(t, msgs, 3)
	assert.Len(t, msgs[0].Attributes["MessageDeduplicationId"], 64, "content-based id is a SHA-256 in hex")
	assert.Equal(t, "explicit", msgs[2].Attributes["MessageDeduplicationId"])
}

func TestFifoDeduplicationWindow(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", nil)
	first := e.sendFifo(e.queue, "m", "g", "d")
	e.clk.Advance(5*time.Minute - time.Second)
	assert.Equal(t, aws.ToString(first.MessageId), aws.ToString(e.sendFifo(e.queue, "m", "g", "d").MessageId))
	e.clk.Advance(time.Second)
	again := e.sendFifo(e.queue, "m", "g", "d")
	assert.NotEqual(t, aws.ToString(first.MessageId), aws.ToString(again.MessageId), "after 5 minutes the id is new again")
	assert.Len(t, e.mock.Messages(e.queue), 2)
}

func TestFifoDeduplicationAfterDelete(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_deduplication_arrives_once_after_delete, both ways.
	for _, cbd := range []bool{true, false} {
		t.Run("contentBased="+strconv.FormatBool(cbd), func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": strconv.FormatBool(cbd)})
			dedup := ""
			if !cbd {
				dedup = "dedup1"
			}
			item := `{"foo": "bar"}`
			e.sendFifo(e.queue, item, "group-1", dedup)
			m := e.recvOne(e.queue)
			assert.Equal(t, "94232c5b8fc9272f6f73a1e36eb68fcf", aws.ToString(m.MD5OfBody))
			require.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
			e.sendFifo(e.queue, item, "group-1", dedup)
			assert.Empty(t, e.recv(e.queue, nil))
		})
	}
}

func TestFifoDeduplicationScope(t *testing.T) {
	t.Parallel()
	// Recorded: test_sqs_fifo_same_dedup_id_different_message_groups (queue scope) and
	// test_sqs_fifo_message_group_scope_no_throughput_setting (messageGroup scope).
	cases := []struct {
		scope string
		want  []string
	}{
		{"queue", []string{"Test"}},
		{"messageGroup", []string{"Test", "Test"}},
	}
	for _, tc := range cases {
		t.Run(tc.scope, func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q.fifo", map[string]string{"DeduplicationScope": tc.scope})
			e.sendFifo(e.queue, "Test", "group-1", "same-dedup")
			e.sendFifo(e.queue, "Test", "group-2", "same-dedup")
			e.sendFifo(e.queue, "Test", "group-2", "same-dedup") // a duplicate in any scope
			assert.Equal(t, tc.want, bodies(e.recv(e.queue, nil)))
		})
	}
}

func TestFifoOrderWithinGroup(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	var want []string
	for i := 0; i < 25; i++ {
		b := "m" + strconv.Itoa(i)
		want = append(want, b)
		e.sendFifo(e.queue, b, "g", "")
	}
	var got []string
	for len(got) < 25 {
		msgs := e.recv(e.queue, nil)
		require.NotEmpty(t, msgs)
		got = append(got, bodies(msgs)...)
		for _, m := range msgs {
			require.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
		}
	}
	assert.Equal(t, want, got)
}

func TestFifoGroupBlockedWhileInFlight(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	e.sendFifo(e.queue, "g1-m1", "g1", "")
	e.sendFifo(e.queue, "g1-m2", "g1", "")
	e.sendFifo(e.queue, "g2-m1", "g2", "")
	first := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
	assert.Equal(t, []string{"g1-m1"}, bodies(first))
	// g1 is locked while g1-m1 is in flight; only g2 is receivable.
	assert.Equal(t, []string{"g2-m1"}, bodies(e.recv(e.queue, nil)))
	assert.Empty(t, e.recv(e.queue, nil))
	require.NoError(t, e.del(e.queue, aws.ToString(first[0].ReceiptHandle)))
	assert.Equal(t, []string{"g1-m2"}, bodies(e.recv(e.queue, nil)))

	// If the head's visibility times out, it comes back first, before the rest of its group.
	e2 := newEnvQueue(t, "r.fifo", map[string]string{"ContentBasedDeduplication": "true", "VisibilityTimeout": "10"})
	e2.sendFifo(e2.queue, "a", "g", "")
	e2.sendFifo(e2.queue, "b", "g", "")
	assert.Equal(t, []string{"a"}, bodies(e2.recv(e2.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })))
	assert.Empty(t, e2.recv(e2.queue, nil))
	e2.clk.Advance(10 * time.Second)
	assert.Equal(t, []string{"a", "b"}, bodies(e2.recv(e2.queue, nil)))
}

func TestFifoEmptyGroupAddedBack(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_empty_message_groups_added_back_to_queue.
	e := newEnvQueue(t, "q.fifo", nil)
	e.sendFifo(e.queue, "Message 1", "g1", "1")
	m := e.recvOne(e.queue)
	require.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
	assert.Empty(t, e.recv(e.queue, nil))
	e.sendFifo(e.queue, "Message 2", "g1", "2")
	assert.Equal(t, []string{"Message 2"}, bodies(e.recv(e.queue, nil)))
}

func TestFifoGroupVisibilityWithChangeMessageVisibility(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_group_visibility_extends_with_change_message_visibility. The extended
	// message and every message behind it in its group stay invisible.
	cases := []struct {
		pos  int
		want []string
	}{
		{0, nil},
		{1, []string{"foo"}},
		{2, []string{"foo", "bar"}},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.pos)+"-visible", func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q.fifo", map[string]string{"VisibilityTimeout": "1"})
			for _, b := range []string{"foo", "bar", "baz"} {
				e.sendFifo(e.queue, b, "1", b)
			}
			all := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 5 })
			require.Equal(t, []string{"foo", "bar", "baz"}, bodies(all))
			require.NoError(t, e.cmv(e.queue, aws.ToString(all[tc.pos].ReceiptHandle), 4))
			e.clk.Advance(2500 * time.Millisecond)
			got := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 5 })
			assert.Equal(t, tc.want, nilIfEmpty(bodies(got)))
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestFifoSequenceNumber(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	other := e.create("o.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	var seqs []string
	for i := 0; i < 10; i++ {
		url := e.queue
		if i%3 == 0 {
			url = other
		}
		s := aws.ToString(e.sendFifo(url, "m"+strconv.Itoa(i), "g"+strconv.Itoa(i%2), "").SequenceNumber)
		require.Regexp(t, `^[0-9]{20}$`, s)
		seqs = append(seqs, s)
	}
	for i := 1; i < len(seqs); i++ {
		assert.Less(t, seqs[i-1], seqs[i], "sequence numbers increase")
	}
	msgs := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) {
		in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{"SequenceNumber"}
	})
	require.NotEmpty(t, msgs)
	assert.Equal(t, seqs[1], msgs[0].Attributes["SequenceNumber"])
}

func TestFifoMessageAttributes(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_message_attributes.
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true", "VisibilityTimeout": "0",
		"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
	sent := e.sendFifo(e.queue, "message-body-1", "group-1", "dedup-1")
	assert.Equal(t, "19c9e282d65f9733bc6b35d50062c7ee", aws.ToString(sent.MD5OfMessageBody))
	for i := 1; i <= 2; i++ {
		//lint:ignore SA1019 the deprecated member, which still selects system attributes
		msgs := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.AttributeNames = []types.QueueAttributeName{"All"} })
		require.Len(t, msgs, 1)
		assert.Equal(t, map[string]string{
			"ApproximateFirstReceiveTimestamp": ms(epoch), "ApproximateReceiveCount": strconv.Itoa(i),
			"MessageDeduplicationId": "dedup-1", "MessageGroupId": "group-1", "SenderId": "000000000000",
			"SentTimestamp": ms(epoch), "SequenceNumber": aws.ToString(sent.SequenceNumber),
		}, msgs[0].Attributes)
	}
}

func TestFifoReceiveRequestAttemptID(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	for i := 0; i < 3; i++ {
		e.sendFifo(e.queue, "m"+strconv.Itoa(i), "g", "")
	}
	withAttempt := func(id string) func(*sqs.ReceiveMessageInput) {
		return func(in *sqs.ReceiveMessageInput) {
			in.ReceiveRequestAttemptId = aws.String(id)
			in.MaxNumberOfMessages = 2
		}
	}
	first := e.recv(e.queue, withAttempt("attempt-1"))
	require.Equal(t, []string{"m0", "m1"}, bodies(first))
	// A retry (e.g. after a lost response) answers the same messages with the same handles.
	e.clk.Advance(10 * time.Second)
	retry := e.recv(e.queue, withAttempt("attempt-1"))
	require.Len(t, retry, 2)
	for i := range first {
		assert.Equal(t, aws.ToString(first[i].MessageId), aws.ToString(retry[i].MessageId))
		assert.Equal(t, aws.ToString(first[i].ReceiptHandle), aws.ToString(retry[i].ReceiptHandle))
	}
	// A new attempt id gets nothing: the group is locked by the messages in flight.
	assert.Empty(t, e.recv(e.queue, withAttempt("attempt-2")))
	// Once a message of the attempt is deleted, the attempt id no longer replays.
	require.NoError(t, e.del(e.queue, aws.ToString(first[0].ReceiptHandle)))
	assert.Empty(t, e.recv(e.queue, withAttempt("attempt-1")))
}

func TestFifoDelaySeconds(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_queue_send_message_with_delay_seconds_fails.
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true", "DelaySeconds": "2"})
	_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("m"), MessageGroupId: aws.String("g"), DelaySeconds: 2})
	requireAPIError(t, err, "InvalidParameterValue", "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")

	// Recorded: test_fifo_queue_send_message_with_zero_delay_defaults_to_queue_delay.
	sent := e.sendFifo(e.queue, "message-1", "1", "")
	assert.Equal(t, "3d6b824fd8c1520e9a047d21fee6fb1f", aws.ToString(sent.MD5OfMessageBody))
	assert.NotNil(t, sent.SequenceNumber)
	assert.Empty(t, e.recv(e.queue, nil))
	e.clk.Advance(2 * time.Second)
	assert.Equal(t, []string{"message-1"}, bodies(e.recv(e.queue, nil)))
}

func TestFifoApproximateNumberOfMessagesNotVisible(t *testing.T) {
	t.Parallel()
	// test_fifo_approximate_number_of_messages_not_visible: a locked group's messages still count as visible.
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	for i := 0; i < 3; i++ {
		e.sendFifo(e.queue, "g1-"+strconv.Itoa(i), "g1", "")
		e.sendFifo(e.queue, "g2-"+strconv.Itoa(i), "g2", "")
	}
	e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 1 })
	a := e.attrs(e.queue)
	assert.Equal(t, "5", a["ApproximateNumberOfMessages"])
	assert.Equal(t, "1", a["ApproximateNumberOfMessagesNotVisible"])
}

func TestFifoBatchRequiresIDs(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", nil)
	// Recorded: test_send_batch_missing_message_group_id_for_fifo_queue — the whole request fails.
	_, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("m"), MessageDeduplicationId: aws.String("d")},
	}})
	requireAPIError(t, err, "InvalidParameterValue", "The request must contain the parameter MessageGroupId.")
	// Recorded: test_send_batch_missing_deduplication_id_for_fifo_queue.
	_, err = e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("m"), MessageGroupId: aws.String("g")},
	}})
	requireAPIError(t, err, "InvalidParameterValue", "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	assert.Empty(t, e.mock.Messages(e.queue))
}

// The order of groups in one receive, from AWS-validated tests: a group's place is when its head
// message became visible, so a group whose head comes back (visibility timeout, 0, expiry) goes
// behind groups that were waiting.
func TestFifoGroupOrderAcrossGroups(t *testing.T) {
	t.Parallel()
	type step struct {
		send    [][2]string // body, group
		recvMax int32
		want    []string
		cmv0    int // index into the last receive whose visibility is set to 0, -1 for none
		advance time.Duration
		delete  []int // indexes into the last receive to delete
	}
	cases := []struct {
		name  string
		attrs map[string]string
		steps []step
	}{
		{"test_fifo_receive_message_group_id_ordering", nil, []step{
			{send: [][2]string{{"g1-m1", "group-1"}, {"g2-m1", "group-2"}, {"g1-m2", "group-1"}, {"g1-m3", "group-1"}},
				recvMax: 10, want: []string{"g1-m1", "g1-m2", "g1-m3", "g2-m1"}, cmv0: -1},
		}},
		{"test_fifo_receive_message_visibility_timeout_shared_in_group", map[string]string{"VisibilityTimeout": "1"}, []step{
			{send: [][2]string{{"g1-m1", "group-1"}, {"g1-m2", "group-1"}, {"g1-m3", "group-1"}, {"g1-m4", "group-1"}, {"g2-m1", "group-2"}, {"g3-m1", "group-3"}},
				recvMax: 2, want: []string{"g1-m1", "g1-m2"}, cmv0: -1},
			{recvMax: 1, want: []string{"g2-m1"}, cmv0: -1, advance: 2 * time.Second},
			{recvMax: 10, want: []string{"g3-m1", "g1-m1", "g1-m2", "g1-m3", "g1-m4", "g2-m1"}, cmv0: -1},
		}},
		{"test_fifo_receive_message_with_zero_visibility_timeout", map[string]string{"VisibilityTimeout": "0"}, []step{
			{send: [][2]string{{"g1-m1", "group-1"}, {"g2-m1", "group-2"}, {"g2-m2", "group-2"}, {"g3-m1", "group-3"}, {"g1-m2", "group-1"}},
				recvMax: 3, want: []string{"g1-m1", "g1-m2", "g2-m1"}, cmv0: -1},
			{recvMax: 10, want: []string{"g3-m1", "g1-m1", "g1-m2", "g2-m1", "g2-m2"}, cmv0: -1},
		}},
		{"test_fifo_message_group_visibility_after_terminate_visibility_timeout", map[string]string{"VisibilityTimeout": "30"}, []step{
			{send: [][2]string{{"g1-m1", "group-1"}, {"g1-m2", "group-1"}, {"g2-m1", "group-2"}},
				recvMax: 2, want: []string{"g1-m1", "g1-m2"}, cmv0: 0},
			{recvMax: 3, want: []string{"g2-m1", "g1-m1"}, cmv0: -1},
		}},
		{"test_fifo_message_group_visibility_after_delete", nil, []step{
			{send: [][2]string{{"g1-m1", "group-1"}, {"g2-m1", "group-2"}, {"g1-m2", "group-1"}, {"g2-m2", "group-2"},
				{"g1-m2", "group-1"}, {"g1-m3", "group-1"}, {"g1-m4", "group-1"}, {"g3-m1", "group-3"}},
				recvMax: 2, want: []string{"g1-m1", "g1-m2"}, cmv0: -1, delete: []int{0, 1}},
			{recvMax: 10, want: []string{"g2-m1", "g2-m2", "g1-m3", "g1-m4", "g3-m1"}, cmv0: -1},
		}},
		{"test_fifo_message_group_visibility_after_partial_delete", nil, []step{
			{send: [][2]string{{"g1-m1", "group-1"}, {"g2-m1", "group-2"}, {"g1-m2", "group-1"}, {"g2-m2", "group-2"},
				{"g1-m2", "group-1"}, {"g1-m3", "group-1"}, {"g1-m4", "group-1"}, {"g3-m1", "group-3"}},
				recvMax: 2, want: []string{"g1-m1", "g1-m2"}, cmv0: -1, delete: []int{0}},
			{recvMax: 10, want: []string{"g2-m1", "g2-m2", "g3-m1"}, cmv0: -1},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			attrs := map[string]string{"ContentBasedDeduplication": "true"}
			for k, v := range tc.attrs {
				attrs[k] = v
			}
			e := newEnvQueue(t, "q.fifo", attrs)
			for i, s := range tc.steps {
				for _, m := range s.send {
					e.sendFifo(e.queue, m[0], m[1], "")
				}
				got := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = s.recvMax })
				require.Equal(t, s.want, bodies(got), "step %d", i)
				if s.cmv0 >= 0 {
					require.NoError(t, e.cmv(e.queue, aws.ToString(got[s.cmv0].ReceiptHandle), 0))
				}
				for _, d := range s.delete {
					require.NoError(t, e.del(e.queue, aws.ToString(got[d].ReceiptHandle)))
				}
				e.clk.Advance(s.advance)
			}
		})
	}
}

func TestFifoGroupOrderAfterChangeMessageVisibility(t *testing.T) {
	t.Parallel()
	// test_fifo_message_group_visibility_after_change_message_visibility.
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true", "VisibilityTimeout": "30"})
	e.sendFifo(e.queue, "g1-m1", "group-1", "")
	e.sendFifo(e.queue, "g1-m2", "group-1", "")
	e.sendFifo(e.queue, "g2-m1", "group-2", "")
	got := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 2 })
	require.Equal(t, []string{"g1-m1", "g1-m2"}, bodies(got))
	require.NoError(t, e.cmv(e.queue, aws.ToString(got[0].ReceiptHandle), 1))
	e.clk.Advance(2 * time.Second)
	assert.Equal(t, []string{"g2-m1", "g1-m1"}, bodies(e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 3 })))
}

func TestFifoApproxNumberOfMessages(t *testing.T) {
	t.Parallel()
	// test_fifo_approx_number_of_messages.
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	for _, m := range [][2]string{{"g1-m1", "1"}, {"g1-m2", "1"}, {"g1-m3", "1"}, {"g2-m1", "2"}, {"g3-m1", "3"}} {
		e.sendFifo(e.queue, m[0], m[1], "")
	}
	assert.Equal(t, "5", e.attr(e.queue, "ApproximateNumberOfMessages"))
	got := e.recv(e.queue, func(in *sqs.ReceiveMessageInput) { in.MaxNumberOfMessages = 4 })
	require.Len(t, got, 4)
	assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessages"))
	for _, m := range got {
		require.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
	}
	assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessages"))
}

func TestFifoLongPollersAndGroupLock(t *testing.T) {
	t.Parallel()
	// test_fifo_message_group_visibility: three long polls; the second message of a group
	// reaches one of them only once the first is deleted.
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true", "VisibilityTimeout": "60"})
	got := make(chan types.Message, 3)
	for i := 0; i < 3; i++ {
		go func() {
			out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), MaxNumberOfMessages: 1, WaitTimeSeconds: 10})
			if assert.NoError(t, err) && len(out.Messages) == 1 {
				got <- out.Messages[0]
			}
		}()
	}
	e.blockUntil(3)
	e.sendFifo(e.queue, "message-1", "1", "")
	m1 := <-got
	assert.Equal(t, "message-1", aws.ToString(m1.Body))
	e.blockUntil(2)

	e.sendFifo(e.queue, "message-2", "1", "")
	e.blockUntil(2) // woken by the send, both pollers found the group locked and wait again
	select {
	case m := <-got:
		t.Fatalf("received %q while the group is locked", aws.ToString(m.Body))
	default:
	}
	require.NoError(t, e.del(e.queue, aws.ToString(m1.ReceiptHandle)))
	m2 := <-got
	assert.Equal(t, "message-2", aws.ToString(m2.Body))
	e.clk.Advance(10 * time.Second) // release the last poller
}

func TestFifoReceiveRequestAttemptIDAfterChange(t *testing.T) {
	t.Parallel()
	// API Reference, ReceiveMessage, ReceiveRequestAttemptId: a retry returns the same messages
	// and receipt handles "if none of the messages have been modified (deleted or had their
	// visibility changes)", and only "for 5 minutes after a ReceiveMessage action". Otherwise
	// the id starts a new receive, which here finds the group locked (or, once visible again,
	// the same message with a new receipt handle).
	cases := []struct {
		name    string
		modify  func(e *env, handle string)
		replays bool   // the retry answers the first receive's message and handle
		want    string // otherwise: the body the new receive gets ("" for none)
	}{
		{"untouched", func(e *env, h string) {}, true, ""},
		{"visibility extended", func(e *env, h string) { require.NoError(e.t, e.cmv(e.queue, h, 100)) }, false, ""},
		{"visibility set to its current value", func(e *env, h string) { require.NoError(e.t, e.cmv(e.queue, h, 600)) }, false, ""},
		{"visibility set to 0", func(e *env, h string) { require.NoError(e.t, e.cmv(e.queue, h, 0)) }, false, "m0"},
		{"visibility changed in a batch", func(e *env, h string) {
			out, err := e.c.ChangeMessageVisibilityBatch(e.ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(e.queue),
				Entries: []types.ChangeMessageVisibilityBatchRequestEntry{{Id: aws.String("1"), ReceiptHandle: aws.String(h), VisibilityTimeout: 100}}})
			require.NoError(e.t, err)
			require.Empty(e.t, out.Failed)
		}, false, ""},
		{"deleted", func(e *env, h string) { require.NoError(e.t, e.del(e.queue, h)) }, false, "m1"},
		{"5 minutes later", func(e *env, h string) { e.clk.Advance(5 * time.Minute) }, false, ""},
		{"just under 5 minutes later", func(e *env, h string) { e.clk.Advance(5*time.Minute - time.Second) }, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
			e.sendFifo(e.queue, "m0", "g", "")
			e.sendFifo(e.queue, "m1", "g", "")
			attempt := func(in *sqs.ReceiveMessageInput) {
				in.ReceiveRequestAttemptId = aws.String("attempt-1")
				in.MaxNumberOfMessages = 1
				in.VisibilityTimeout = 600
			}
			first := e.recv(e.queue, attempt)
			require.Equal(t, []string{"m0"}, bodies(first))
			tc.modify(e, aws.ToString(first[0].ReceiptHandle))
			retry := e.recv(e.queue, attempt)
			if tc.replays {
				require.Len(t, retry, 1)
				assert.Equal(t, aws.ToString(first[0].MessageId), aws.ToString(retry[0].MessageId))
				assert.Equal(t, aws.ToString(first[0].ReceiptHandle), aws.ToString(retry[0].ReceiptHandle))
				return
			}
			if tc.want == "" {
				assert.Empty(t, retry, "a new receive: the group is locked by m0 in flight")
				return
			}
			require.Equal(t, []string{tc.want}, bodies(retry))
			assert.NotEqual(t, aws.ToString(first[0].ReceiptHandle), aws.ToString(retry[0].ReceiptHandle))
		})
	}
}

func TestQueueDelayRetroactiveOnlyOnFifo(t *testing.T) {
	t.Parallel()
	// Developer Guide, "Amazon SQS delay queues": "For standard queues, the per-queue delay
	// setting is not retroactive"; "For FIFO queues, the per-queue delay setting is retroactive—
	// changing the setting affects the delay of messages already in the queue". A message sent
	// with DelaySeconds=60 at 0s; at 10s the queue's DelaySeconds changes.
	cases := []struct {
		name     string
		queue    string
		newDelay string
		visible  time.Duration // when the message can first be received, from its send
	}{
		{"FIFO, lowered to 0", "q.fifo", "0", 10 * time.Second},
		{"FIFO, lowered to 30", "q.fifo", "30", 30 * time.Second},
		{"FIFO, raised to 120", "q.fifo", "120", 120 * time.Second},
		{"standard, lowered to 0", "q", "0", 60 * time.Second},
		{"standard, raised to 120", "q", "120", 60 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvQueue(t, tc.queue, map[string]string{"DelaySeconds": "60"})
			if strings.HasSuffix(tc.queue, ".fifo") {
				e.sendFifo(e.queue, "m", "g", "d")
			} else {
				e.send(e.queue, "m")
			}
			e.clk.Advance(10 * time.Second)
			require.NoError(t, e.setAttrs(e.queue, map[string]string{"DelaySeconds": tc.newDelay}))
			if tc.visible > 10*time.Second {
				assert.Equal(t, "1", e.attr(e.queue, "ApproximateNumberOfMessagesDelayed"))
				e.clk.Advance(tc.visible - 10*time.Second - time.Second)
				assert.Empty(t, e.recv(e.queue, nil), "still delayed a second before")
				e.clk.Advance(time.Second)
			}
			assert.Equal(t, []string{"m"}, bodies(e.recv(e.queue, nil)))
		})
	}
}
