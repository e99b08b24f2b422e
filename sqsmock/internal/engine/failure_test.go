package engine

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The rule these tests prove: a request that fails leaves no state behind. For every way a send
// or a batch entry can fail, the engine's whole state (Snapshot: messages, counters, deduplication
// ids, sequence numbers, the held count) is the same after the failure as before; the same send
// made valid is then stored as a new message with the next sequence number; and a batch with a
// failing entry ends in the same state as the batch without it.

// sendFailure turns a valid send into one that fails.
type sendFailure struct {
	name   string
	queues []string // the queues it applies to
	breaks func(s *sendSpec)
	// batchOnly: only a batch entry can fail this way (a fault plan's PartialBatchFailure).
	batchOnly bool
	// full: the send fails because the mock holds its message limit; break is nil.
	full bool
}

var (
	sendQueues = []string{fxStd, fxFifo, fxCBD, fxGroup}
	fifoQueues = []string{fxFifo, fxCBD, fxGroup}
)

func str(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

// sendFailures is every way one message can fail to send that the engine knows.
func sendFailures() []sendFailure {
	attr := func(name string, v types.MessageAttributeValue) func(*sendSpec) {
		return func(s *sendSpec) { s.attrs = map[string]types.MessageAttributeValue{"ok": str("1"), name: v} }
	}
	return []sendFailure{
		{name: "no body", queues: sendQueues, breaks: func(s *sendSpec) { s.body = nil }},
		{name: "empty body", queues: sendQueues, breaks: func(s *sendSpec) { s.body = aws.String("") }},
		{name: "control character", queues: sendQueues, breaks: func(s *sendSpec) { s.body = aws.String("a\x01b") }},
		{name: "invalid UTF-8", queues: sendQueues, breaks: func(s *sendSpec) { s.body = aws.String("a\xffb") }},
		{name: "body too long", queues: []string{fxStd}, breaks: func(s *sendSpec) { s.body = aws.String(strings.Repeat("x", 1025)) }},
		{name: "body too long for FIFO", queues: fifoQueues, breaks: func(s *sendSpec) { s.body = aws.String(strings.Repeat("x", 1048577)) }},
		{name: "body and attributes too long", queues: []string{fxStd}, breaks: func(s *sendSpec) {
			s.body = aws.String(strings.Repeat("x", 1000))
			s.attrs = map[string]types.MessageAttributeValue{"attribute": str(strings.Repeat("v", 20))}
		}},
		{name: "eleven attributes", queues: sendQueues, breaks: func(s *sendSpec) {
			s.attrs = map[string]types.MessageAttributeValue{}
			for _, n := range strings.Split("a b c d e f g h i j k", " ") {
				s.attrs[n] = str("v")
			}
		}},
		{name: "attribute name", queues: sendQueues, breaks: attr("bad name", str("v"))},
		{name: "reserved attribute name", queues: sendQueues, breaks: attr("AWS.x", str("v"))},
		{name: "attribute without type", queues: sendQueues, breaks: attr("a", types.MessageAttributeValue{StringValue: aws.String("v")})},
		{name: "attribute type", queues: sendQueues, breaks: attr("a", types.MessageAttributeValue{DataType: aws.String("Strin"), StringValue: aws.String("v")})},
		{name: "empty binary attribute", queues: sendQueues, breaks: attr("a", types.MessageAttributeValue{DataType: aws.String("Binary")})},
		{name: "empty string attribute", queues: sendQueues, breaks: attr("a", str(""))},
		{name: "not a number", queues: sendQueues, breaks: attr("a", types.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String("abc")})},
		{name: "attribute character", queues: sendQueues, breaks: attr("a", str("a\x01"))},
		{name: "list attribute", queues: sendQueues, breaks: attr("a", types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String("v"), StringListValues: []string{"x"}})},
		{name: "system attribute name", queues: sendQueues, breaks: func(s *sendSpec) {
			s.sys = map[string]types.MessageSystemAttributeValue{"Bogus": {DataType: aws.String("String"), StringValue: aws.String("v")}}
		}},
		{name: "empty trace header", queues: sendQueues, breaks: func(s *sendSpec) {
			s.sys = map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("")}}
		}},
		{name: "negative delay", queues: sendQueues, breaks: func(s *sendSpec) { s.delay = -1 }},
		{name: "delay over 900", queues: sendQueues, breaks: func(s *sendSpec) { s.delay = 901 }},
		{name: "delay on FIFO", queues: fifoQueues, breaks: func(s *sendSpec) { s.delay = 5 }},
		{name: "long group id", queues: sendQueues, breaks: func(s *sendSpec) { s.group = aws.String(strings.Repeat("g", 129)) }},
		{name: "group id character", queues: sendQueues, breaks: func(s *sendSpec) { s.group = aws.String("g h") }},
		{name: "deduplication id character", queues: sendQueues, breaks: func(s *sendSpec) { s.dedup = aws.String("d d") }},
		{name: "deduplication id on a standard queue", queues: []string{fxStd}, breaks: func(s *sendSpec) { s.dedup = aws.String("d-new") }},
		{name: "no group", queues: fifoQueues, breaks: func(s *sendSpec) { s.group = nil }},
		{name: "no deduplication id", queues: []string{fxFifo, fxGroup}, breaks: func(s *sendSpec) { s.dedup = nil }},
		{name: "fault plan", queues: sendQueues, batchOnly: true},
		{name: "message limit", queues: sendQueues, full: true},
	}
}

// broken is the failing send of c on queue; its entry id starts with "fault" for a fault plan.
func (c sendFailure) broken(queue string) (sendSpec, string) {
	s := validSend(queue, "new")
	if c.breaks != nil {
		c.breaks(&s)
	}
	if c.batchOnly {
		return s, "fault-1"
	}
	return s, "bad"
}

// requireUnchanged asserts that the engine's state is before's, and checks its invariants.
func (f *fixture) requireUnchanged(before Snapshot) {
	f.t.Helper()
	requireSameState(f.t, before, f.snapshot(), "a failed request changed the engine's state")
}

// requireStoredAsNew sends the valid form of the failed send and asserts it is stored as a new
// message with the sequence number after before's.
func (f *fixture) requireStoredAsNew(queue string, before Snapshot) {
	f.t.Helper()
	out, err := f.e.SendMessage(f.ctx, validSend(queue, "new").single())
	require.NoError(f.t, err)
	_, msgs, _ := f.e.Inspect(queue, true)
	last := msgs[len(msgs)-1]
	require.Equal(f.t, aws.ToString(out.MessageId), last.ID, "stored as a new message, not taken for a duplicate")
	require.Equal(f.t, "new", last.Body)
	if strings.HasSuffix(queue, ".fifo") {
		require.Equal(f.t, formatSequence(before.Sequence+1), aws.ToString(out.SequenceNumber), "sequence numbers stay contiguous")
	}
	require.NoError(f.t, f.e.CheckInvariants())
}

func (c sendFailure) room() int {
	if c.full {
		return 0
	}
	return 5
}

func TestFailedSendLeavesNoState(t *testing.T) {
	for _, c := range sendFailures() {
		if c.batchOnly {
			continue
		}
		for _, queue := range c.queues {
			t.Run(c.name+"/"+queue, func(t *testing.T) {
				f := newFixture(t, c.room())
				s, _ := c.broken(queue)
				before := f.snapshot()
				_, err := f.e.SendMessage(f.ctx, s.single())
				require.Error(t, err)
				f.requireUnchanged(before)
				if c.full {
					f.free()
					before = f.snapshot()
				}
				f.requireStoredAsNew(queue, before)
			})
		}
	}
}

func TestFailedBatchEntryLeavesNoState(t *testing.T) {
	for _, c := range sendFailures() {
		for _, queue := range c.queues {
			t.Run(c.name+"/"+queue, func(t *testing.T) {
				f := newFixture(t, c.room())
				s, id := c.broken(queue)
				before := f.snapshot()
				out, err := f.e.SendMessageBatch(f.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(queue),
					Entries: []types.SendMessageBatchRequestEntry{s.entry(id)}})
				if err == nil {
					require.Empty(t, out.Successful)
					require.Len(t, out.Failed, 1)
				}
				f.requireUnchanged(before)
				if c.full {
					f.free()
					before = f.snapshot()
				}
				f.requireStoredAsNew(queue, before)
			})
		}
	}
}

// A batch with a failing entry among valid ones ends in the state the batch without it gives,
// and an entry after it with the same deduplication id is stored, not taken for a duplicate.
func TestBatchWithFailedEntryEqualsBatchWithout(t *testing.T) {
	for _, c := range sendFailures() {
		for _, queue := range c.queues {
			t.Run(c.name+"/"+queue, func(t *testing.T) {
				bad, id := c.broken(queue)
				ok1, ok2, retry := validSend(queue, "ok1").entry("ok1"), validSend(queue, "ok2").entry("ok2"), validSend(queue, "new").entry("new")
				with := []types.SendMessageBatchRequestEntry{ok1, bad.entry(id), ok2, retry}
				without := []types.SendMessageBatchRequestEntry{ok1, ok2, retry}
				room := 5
				if c.full { // the limit refuses the last entry
					with, without, room = []types.SendMessageBatchRequestEntry{ok1, ok2, bad.entry(id)}, without[:2], 2
				}
				a := newFixture(t, room)
				before := a.snapshot()
				out, err := a.e.SendMessageBatch(a.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(queue), Entries: with})
				if err != nil {
					// FIFO entries without a group or deduplication id fail the whole request.
					a.requireUnchanged(before)
					return
				}
				require.Len(t, out.Failed, 1)
				assert.Equal(t, id, aws.ToString(out.Failed[0].Id))
				require.Len(t, out.Successful, len(without))
				if strings.HasSuffix(queue, ".fifo") {
					for i := 1; i < len(out.Successful); i++ {
						prev := out.Successful[i-1].SequenceNumber
						assert.Equal(t, nextSeq(t, aws.ToString(prev)), aws.ToString(out.Successful[i].SequenceNumber))
					}
				}
				b := newFixture(t, room)
				_, err = b.e.SendMessageBatch(b.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(queue), Entries: without})
				require.NoError(t, err)
				requireSameState(t, canonical(b.snapshot()), canonical(a.snapshot()), "the failed entry left state behind")
			})
		}
	}
}

// nextSeq is the sequence number after s.
func nextSeq(t *testing.T, s string) string {
	t.Helper()
	for n := uint64(0); n < 1<<20; n++ {
		if formatSequence(n) == s {
			return formatSequence(n + 1)
		}
	}
	t.Fatalf("not a sequence number: %q", s)
	return ""
}

// Whole-request failures of SendMessageBatch store none of the entries, not even the valid ones
// before the one that fails the request.
func TestFailedBatchRequestLeavesNoState(t *testing.T) {
	ok := func(queue, body string) types.SendMessageBatchRequestEntry { return validSend(queue, body).entry(body) }
	big := validSend(fxFifo, strings.Repeat("x", 600000))
	noGroup := validSend(fxFifo, "new")
	noGroup.group = nil
	noDedup := validSend(fxFifo, "new")
	noDedup.dedup = nil
	cases := map[string]*sqs.SendMessageBatchInput{
		"no queue":         {QueueUrl: aws.String("nope"), Entries: []types.SendMessageBatchRequestEntry{ok(fxStd, "a")}},
		"no entries":       {QueueUrl: aws.String(fxStd)},
		"eleven entries":   {QueueUrl: aws.String(fxStd), Entries: []types.SendMessageBatchRequestEntry{ok(fxStd, "a"), ok(fxStd, "b"), ok(fxStd, "c"), ok(fxStd, "d"), ok(fxStd, "e"), ok(fxStd, "f"), ok(fxStd, "g"), ok(fxStd, "h"), ok(fxStd, "i"), ok(fxStd, "j"), ok(fxStd, "k")}},
		"entry id":         {QueueUrl: aws.String(fxStd), Entries: []types.SendMessageBatchRequestEntry{ok(fxStd, "a"), validSend(fxStd, "b").entry("b b")}},
		"same entry ids":   {QueueUrl: aws.String(fxStd), Entries: []types.SendMessageBatchRequestEntry{ok(fxStd, "a"), validSend(fxStd, "b").entry("a")}},
		"batch too long":   {QueueUrl: aws.String(fxFifo), Entries: []types.SendMessageBatchRequestEntry{ok(fxFifo, "a"), big.entry("b"), big.entry("c")}},
		"FIFO no group":    {QueueUrl: aws.String(fxFifo), Entries: []types.SendMessageBatchRequestEntry{ok(fxFifo, "a"), noGroup.entry("b")}},
		"FIFO no dedup id": {QueueUrl: aws.String(fxFifo), Entries: []types.SendMessageBatchRequestEntry{ok(fxFifo, "a"), noDedup.entry("b")}},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, 5)
			before := f.snapshot()
			_, err := f.e.SendMessageBatch(f.ctx, in)
			require.Error(t, err)
			f.requireUnchanged(before)
		})
	}
}
