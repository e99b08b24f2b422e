package engine

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// fixtureStart is the fixture clock's start, a whole second.
var fixtureStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// stuckTimer never fires: the fixture's clock moves only when a test moves it, and a move task
// waits for ever.
type stuckTimer struct{}

func (stuckTimer) C() <-chan time.Time { return nil }
func (stuckTimer) Stop() bool          { return true }

// fixture is an engine holding a little of everything a request can change: standard and FIFO
// queues with dead-letter queues, messages ready, delayed and in flight, deduplication ids, a
// receive attempt, tags, a permission, a recently deleted queue, a purged queue, a running and a
// completed move task. Its fault hook fails every fault point whose message body or batch entry
// id starts with "fault".
type fixture struct {
	t        *testing.T
	e        *Engine
	clock    atomic.Int64 // unix nanoseconds
	faultsOn atomic.Bool
	ctx      context.Context
	receipts map[string]string // in-flight messages by body: their receipt handles
	ids      map[string]string // messages by body: their ids
	running  string            // handle of the running move task
	finished string            // handle of the completed move task
	timers   atomic.Int64      // timers made
}

// The fixture's queues.
const (
	fxStd   = "std"      // standard, MaximumMessageSize 1024, dead-letter queue fxDLQ
	fxDLQ   = "dlq"      // standard, a running move task
	fxFifo  = "q.fifo"   // FIFO, explicit deduplication ids, dead-letter queue fxFDLQ
	fxFDLQ  = "dlq.fifo" // FIFO, a completed move task
	fxCBD   = "cbd.fifo" // FIFO, content-based deduplication
	fxGroup = "grp.fifo" // FIFO, deduplication per message group
	fxPurge = "purged"   // standard, purged a moment ago
	fxGone  = "gone"     // deleted a moment ago
)

// newFixture builds the fixture with room for that many more messages under MaxMessages.
func newFixture(t *testing.T, room int) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), receipts: map[string]string{}, ids: map[string]string{}}
	f.clock.Store(fixtureStart.UnixNano())
	f.e = New(Config{AccountID: "123456789012",
		Now: func() time.Time { return time.Unix(0, f.clock.Load()).UTC() },
		NewTimer: func(time.Duration) Timer {
			f.timers.Add(1)
			return stuckTimer{}
		},
		Faults: func(p FaultPoint) FaultAction {
			if strings.HasPrefix(p.Body, "fault") || strings.HasPrefix(p.EntryID, "fault") {
				return FaultAction{Err: sqserr.InternalError()}
			}
			return FaultAction{}
		},
		FaultsActive: f.faultsOn.Load,
	})
	f.create(fxDLQ, nil)
	f.create(fxStd, map[string]string{"MaximumMessageSize": "1024",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + f.e.ARN(fxDLQ) + `","maxReceiveCount":5}`})
	f.create(fxFDLQ, map[string]string{"FifoQueue": "true"})
	f.create(fxFifo, map[string]string{"FifoQueue": "true",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + f.e.ARN(fxFDLQ) + `","maxReceiveCount":5}`})
	f.create(fxCBD, map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	f.create(fxGroup, map[string]string{"FifoQueue": "true", "DeduplicationScope": "messageGroup",
		"FifoThroughputLimit": "perMessageGroupId"})
	f.create(fxPurge, nil)
	f.create(fxGone, nil)

	f.sendOK(&sqs.SendMessageInput{MessageBody: aws.String("s1")}, fxStd)
	f.sendOK(&sqs.SendMessageInput{MessageBody: aws.String("fault-s")}, fxStd)
	f.receive(fxStd, 2, "")
	f.sendOK(&sqs.SendMessageInput{MessageBody: aws.String("s2")}, fxStd)
	f.sendOK(&sqs.SendMessageInput{MessageBody: aws.String("s3"), DelaySeconds: 60}, fxStd)
	f.sendOK(fifoSend("f1", "g", "d-f1"), fxFifo)
	f.sendOK(fifoSend("fault-f", "fg", "d-fault-f"), fxFifo)
	f.receive(fxFifo, 2, "attempt-1")
	f.sendOK(fifoSend("f2", "g", "d-f2"), fxFifo)
	f.sendOK(fifoSend("f3", "h", "d-f3"), fxFifo)
	f.sendOK(&sqs.SendMessageInput{MessageBody: aws.String("c1"), MessageGroupId: aws.String("g")}, fxCBD)
	f.sendOK(fifoSend("p1", "g", "d-p1"), fxGroup)
	f.sendOK(&sqs.SendMessageInput{MessageBody: aws.String("x1")}, fxDLQ)

	tags := map[string]string{}
	for i := range 45 {
		tags["t"+strconv.Itoa(i)] = "v"
	}
	_, err := f.e.TagQueue(f.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(fxStd), Tags: tags})
	require.NoError(t, err)
	_, err = f.e.AddPermission(f.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(fxStd), Label: aws.String("p1"),
		AWSAccountIds: []string{"111111111111"}, Actions: []string{"SendMessage"}})
	require.NoError(t, err)
	_, err = f.e.PurgeQueue(f.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(fxPurge)})
	require.NoError(t, err)
	_, err = f.e.DeleteQueue(f.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(fxGone)})
	require.NoError(t, err)
	// A task on an empty queue completes at once; one with a message to move waits on its timer,
	// which never fires. Either way its goroutine then changes nothing more.
	f.finished = f.startTask(fxFDLQ)
	f.waitFor(func() bool { return f.e.Snapshot().Tasks[0].Status == "COMPLETED" })
	f.sendOK(fifoSend("x2", "g", "d-x2"), fxFDLQ)
	f.running = f.startTask(fxDLQ)
	f.waitFor(func() bool { return f.timers.Load() == 1 })

	f.e.cfg.MaxQueues = 20
	f.e.cfg.MaxMessages = int(f.e.held.Load()) + room
	f.faultsOn.Store(true)
	require.NoError(t, f.e.CheckInvariants())
	return f
}

func fifoSend(body, group, dedup string) *sqs.SendMessageInput {
	return &sqs.SendMessageInput{MessageBody: aws.String(body), MessageGroupId: aws.String(group),
		MessageDeduplicationId: aws.String(dedup)}
}

func (f *fixture) create(name string, attrs map[string]string) {
	f.t.Helper()
	_, err := f.e.CreateQueue(f.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	require.NoError(f.t, err)
}

func (f *fixture) sendOK(in *sqs.SendMessageInput, queue string) *sqs.SendMessageOutput {
	f.t.Helper()
	in.QueueUrl = aws.String(queue)
	out, err := f.e.SendMessage(f.ctx, in)
	require.NoError(f.t, err)
	f.ids[aws.ToString(in.MessageBody)] = aws.ToString(out.MessageId)
	return out
}

func (f *fixture) receive(queue string, n int32, attempt string) {
	f.t.Helper()
	in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue), MaxNumberOfMessages: n}
	if attempt != "" {
		in.ReceiveRequestAttemptId = aws.String(attempt)
	}
	out, err := f.e.ReceiveMessage(f.ctx, in)
	require.NoError(f.t, err)
	require.Len(f.t, out.Messages, int(n))
	for _, m := range out.Messages {
		f.receipts[aws.ToString(m.Body)] = aws.ToString(m.ReceiptHandle)
	}
}

func (f *fixture) startTask(queue string) string {
	f.t.Helper()
	out, err := f.e.StartMessageMoveTask(f.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(f.e.ARN(queue))})
	require.NoError(f.t, err)
	return aws.ToString(out.TaskHandle)
}

// waitFor waits, for at most 10 s, until cond holds.
func (f *fixture) waitFor(cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatal("the fixture did not settle")
		}
		time.Sleep(time.Millisecond)
	}
}

// handle forges a receipt handle this engine would issue for a message of a queue (a message
// the fixture never sent gets an id of zeros).
func (f *fixture) handle(queue, body string, nonce uint64) string {
	q, err := f.e.lookup(aws.String(queue))
	require.NoError(f.t, err)
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.handleOf(f.ids[body], nonce)
}

// free deletes the in-flight standard message s1, making room for one message.
func (f *fixture) free() {
	f.t.Helper()
	_, err := f.e.DeleteMessage(f.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(fxStd), ReceiptHandle: aws.String(f.receipts["s1"])})
	require.NoError(f.t, err)
}

// snapshot is the engine's state, after checking its invariants.
func (f *fixture) snapshot() Snapshot {
	f.t.Helper()
	require.NoError(f.t, f.e.CheckInvariants())
	return f.e.Snapshot()
}

// canonical is a snapshot with its random ids (messages, tasks) replaced by their order of first
// appearance, so that two engines that went through the same steps compare equal.
func canonical(s Snapshot) Snapshot {
	seen := map[string]string{}
	rename := func(id *string) {
		if *id == "" {
			return
		}
		if n, ok := seen[*id]; ok {
			*id = n
			return
		}
		seen[*id] = "id-" + strconv.Itoa(len(seen))
		*id = seen[*id]
	}
	for i := range s.Queues {
		q := &s.Queues[i]
		for j := range q.Messages {
			rename(&q.Messages[j].ID)
		}
		for j := range q.Dedup {
			rename(&q.Dedup[j].MessageID)
		}
		for _, g := range sortedKeys(q.Groups) {
			for j := range q.Groups[g] {
				rename(&q.Groups[g][j])
			}
		}
		for _, a := range sortedKeys(q.Attempts) {
			for j := range q.Attempts[a].MessageIDs {
				rename(&q.Attempts[a].MessageIDs[j])
			}
		}
		for j := range q.Duplicates {
			rename(&q.Duplicates[j].MessageID)
		}
	}
	for i := range s.Tasks {
		rename(&s.Tasks[i].ID)
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// render is a snapshot as indented JSON (map keys sorted), for readable differences.
func render(t *testing.T, s Snapshot) string {
	t.Helper()
	b, err := json.MarshalIndent(s, "", " ")
	require.NoError(t, err)
	return string(b)
}

// requireSameState asserts two snapshots are equal, showing the difference as JSON if not.
func requireSameState(t *testing.T, want, got Snapshot, msg string) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		require.Equal(t, render(t, want), render(t, got), msg)
		require.Fail(t, msg, "%#v\n%#v", want, got)
	}
}

// sendSpec is one message to send, as SendMessage or as a batch entry.
type sendSpec struct {
	queue        string
	body         *string
	delay        int32
	attrs        map[string]types.MessageAttributeValue
	sys          map[string]types.MessageSystemAttributeValue
	group, dedup *string
}

func (s sendSpec) single() *sqs.SendMessageInput {
	return &sqs.SendMessageInput{QueueUrl: aws.String(s.queue), MessageBody: s.body, DelaySeconds: s.delay,
		MessageAttributes: s.attrs, MessageSystemAttributes: s.sys, MessageGroupId: s.group, MessageDeduplicationId: s.dedup}
}

func (s sendSpec) entry(id string) types.SendMessageBatchRequestEntry {
	return types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: s.body, DelaySeconds: s.delay,
		MessageAttributes: s.attrs, MessageSystemAttributes: s.sys, MessageGroupId: s.group, MessageDeduplicationId: s.dedup}
}

// validSend is a send that succeeds on the queue: FIFO queues get a group, and a deduplication id
// unless the queue deduplicates by content.
func validSend(queue, body string) sendSpec {
	s := sendSpec{queue: queue, body: aws.String(body)}
	if strings.HasSuffix(queue, ".fifo") {
		s.group = aws.String("g")
		if queue != fxCBD {
			s.dedup = aws.String("d-" + body)
		}
	}
	return s
}
