package harness

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// observer is the client CheckConsumer hands to the consumer: it forwards every call to the backend and notes what the consumer saw of the queue
// (deliveries, deletes, the calls that carried each message, when) and when it last made or
// finished a call.
type observer struct {
	sqsmock.API
	queue string
	now   func() time.Time // the backend's clock

	mu           sync.Mutex
	events       uint64                 // calls started plus calls finished
	seq          uint64                 // deliveries and deletes sent so far, which number them
	lastDelivery map[string]uint64      // body → seq of its last delivery
	visibleAgain map[string]time.Time   // body → when its last delivery's visibility timeout ends
	visibility   time.Duration          // the queue's visibility timeout, for receives that set none
	lastDelete   map[string]uint64      // body → seq of the last delete sent for it
	firstDelete  map[string]uint64      // body → seq of the first delete sent for it
	deleteSentAt map[string]time.Time   // body → when the first delete of it was sent
	inFlight     int                    // calls not finished
	deliveries   map[string]int         // body → receives from the queue
	received     map[string][]time.Time // body → when each receive returned it
	ids          map[string][]string    // body → message ids it was received with, in order
	handles      map[string]string      // receipt handle → body
	acked        map[string]bool        // bodies the consumer sent a delete for (whatever the answer)
	deleted      map[string]bool        // bodies with a successful delete
	deletedAt    map[string]time.Time   // body → its first successful delete
	deletes      []string               // bodies in the order of their first successful delete
	firstOrder   map[string][]string    // message group → bodies in order of first delivery
	calls        map[string]int         // operation → calls
	carried      []carrier              // the consumer's calls on the queue that named messages

	// The receives on the queue, numbered as they start, and those not returned yet: a duplicate
	// the fault plan scheduled leaves no trace in the queue's counts once a receive takes it, so
	// when the scheduled ones become fewer, the receives begun by then (dupsTakenBy) may be
	// carrying them and the run is not settled until they return (see duplicatesInTransit).
	receives    uint64
	receiving   map[uint64]bool
	dupsSeen    int
	dupsTakenBy uint64
	// deletesOut counts the deletes on the queue sent and not answered yet: the queue no longer
	// counts their messages, but the consumer does not know yet whether they were deleted.
	deletesOut int

	// A consumer that polls in a loop that never waits, in a synctest bubble: the receives that
	// came back empty or failed in a row at one instant of the bubble's clock.
	bubbled  bool
	spinAt   time.Time
	spins    int
	spinning bool                       // the loop was found: every empty or failed receive waits
	onSpin   func(n int, answer string) // called once, when the loop is found
}

// spinLimit is how many receives in a row at one instant, each empty or failed, make a consumer
// one that polls without ever waiting.
const spinLimit = 1000

// spun notes a receive that came back empty or failed. In a bubble, from the spinLimit-th such
// receive in a row at one instant on, it reports the loop (once) and makes the call wait a second
// of the bubble's time, so that time moves and the test can end.
func (o *observer) spun(err error) {
	if !o.bubbled {
		return
	}
	now := o.now()
	o.mu.Lock()
	if !now.Equal(o.spinAt) {
		o.spinAt, o.spins = now, 0
	}
	o.spins++
	n, report := o.spins, o.onSpin
	found := n >= spinLimit && !o.spinning
	if found {
		o.spinning, o.onSpin = true, nil
	}
	spinning := o.spinning
	o.mu.Unlock()
	if !spinning {
		return
	}
	if found && report != nil {
		answer := "no messages"
		if err != nil {
			answer = "an error (" + clip(err.Error(), 200) + ")"
		}
		report(n, answer)
	}
	time.Sleep(time.Second)
}

// carrier is one call of the consumer's on the queue and the messages it carried: those a
// receive returned, those a delete or visibility change named.
type carrier struct {
	op         string
	start, end time.Time
	bodies     []string
}

// watch makes the observer report a consumer that polls without ever waiting, in a bubble.
func (h *H) watch(o *observer) *observer {
	o.bubbled = h.bubbled
	o.onSpin = func(n int, answer string) {
		h.problem("the consumer called ReceiveMessage %d times in a row at %s without the clock moving, each answering %s: "+
			"it polls in a loop that never waits (a WaitTimeSeconds of 0 with no pause after an empty poll, or an error retried at once). "+
			"Against SQS every such call is billed; in a synctest bubble the loop keeps time from moving, so the test would hang. "+
			"From here on each such receive waits a second of the bubble's time, so the test can end", n, clockTime(o.now()), answer)
	}
	return o
}

func newObserver(api sqsmock.API, queueURL string, now func() time.Time) *observer {
	return &observer{API: api, queue: queueURL, now: now, deliveries: map[string]int{}, received: map[string][]time.Time{},
		ids: map[string][]string{}, handles: map[string]string{}, acked: map[string]bool{},
		deleted: map[string]bool{}, deletedAt: map[string]time.Time{}, firstOrder: map[string][]string{}, calls: map[string]int{},
		lastDelivery: map[string]uint64{}, visibleAgain: map[string]time.Time{}, lastDelete: map[string]uint64{}, firstDelete: map[string]uint64{}, deleteSentAt: map[string]time.Time{},
		receiving: map[uint64]bool{}}
}

// begin notes a call starting; the function it returns notes it finishing.
func (o *observer) begin(op string) func() {
	o.mu.Lock()
	o.events++
	o.inFlight++
	o.calls[op]++
	o.mu.Unlock()
	return func() {
		o.mu.Lock()
		o.events++
		o.inFlight--
		o.mu.Unlock()
	}
}

// sending notes a delete sent to url; it reports whether it is one on the queue, for answered.
func (o *observer) sending(url string) bool {
	if url != o.queue {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.deletesOut++
	return true
}

// answered notes the answer to a delete sending counted (after its outcome was recorded).
func (o *observer) answered(counted bool) {
	if !counted {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.deletesOut--
}

// startReceive numbers a receive on the queue that starts and notes it in flight.
func (o *observer) startReceive() uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.receives++
	o.receiving[o.receives] = true
	return o.receives
}

// endReceive notes that receive n returned (after what it delivered was recorded).
func (o *observer) endReceive(n uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.receiving, n)
}

// duplicatesInTransit reports, given the deliveries the fault plan still has scheduled for the
// queue, whether a receive that may carry one it handed out has not returned yet.
func (o *observer) duplicatesInTransit(scheduled int) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if scheduled < o.dupsSeen {
		o.dupsTakenBy = o.receives
	}
	o.dupsSeen = scheduled
	for n := range o.receiving {
		if n <= o.dupsTakenBy {
			return true
		}
	}
	return false
}

// activity is the count of call starts and ends so far, and the calls in flight.
func (o *observer) activity() (events uint64, inFlight int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.events, o.inFlight
}

// carry notes a call of the consumer's on the queue and the bodies it carried (maybe none).
func (o *observer) carry(op string, start time.Time, bodies []string) {
	end := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.carried = append(o.carried, carrier{op: op, start: start, end: end, bodies: bodies})
}

// bodiesOfHandles is the bodies of receipt handles the consumer received from the queue.
func (o *observer) bodiesOfHandles(handles ...string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, h := range handles {
		if b, ok := o.handles[h]; ok {
			out = append(out, b)
		}
	}
	return out
}

// record notes the messages a receive from the queue returned.
func (o *observer) record(msgs []types.Message, visibility int32) {
	now := o.now()
	vis := o.visibility
	if visibility > 0 {
		vis = time.Duration(visibility) * time.Second
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range msgs {
		body := aws.ToString(m.Body)
		o.handles[aws.ToString(m.ReceiptHandle)] = body
		if id := aws.ToString(m.MessageId); id != "" && !slices.Contains(o.ids[body], id) {
			o.ids[body] = append(o.ids[body], id)
		}
		g := m.Attributes[string(types.MessageSystemAttributeNameMessageGroupId)]
		if o.deliveries[body] == 0 {
			o.firstOrder[g] = append(o.firstOrder[g], body)
		}
		o.deliveries[body]++
		o.received[body] = append(o.received[body], now)
		o.seq++
		o.lastDelivery[body] = o.seq
		o.visibleAgain[body] = now.Add(vis)
	}
}

// deleting notes a delete sent for a receipt handle, and deleted notes its success.
func (o *observer) deleting(url, handle string) {
	if url != o.queue {
		return
	}
	now := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	if body, ok := o.handles[handle]; ok {
		o.seq++
		if !o.acked[body] {
			o.firstDelete[body], o.deleteSentAt[body] = o.seq, now
		}
		o.acked[body] = true
		o.lastDelete[body] = o.seq
	}
}

func (o *observer) deletedHandle(url, handle string) {
	if url != o.queue {
		return
	}
	now := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	body, ok := o.handles[handle]
	if ok && !o.deleted[body] {
		o.deleted[body] = true
		o.deletedAt[body] = now
		o.deletes = append(o.deletes, body)
	}
}

// ReceiveMessage forwards the receive. On a FIFO queue it asks for MessageGroupId too, to tell
// the groups apart, and takes it out of the answer again if the consumer did not ask for it.
func (o *observer) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	defer o.begin("ReceiveMessage")()
	start := o.now()
	ours := aws.ToString(in.QueueUrl) == o.queue
	req, added := in, false
	if ours && isFIFO(o.queue) && !asksGroup(in) {
		cp := *in
		cp.MessageSystemAttributeNames = append(slices.Clip(in.MessageSystemAttributeNames), types.MessageSystemAttributeNameMessageGroupId)
		req, added = &cp, true
	}
	if ours {
		n := o.startReceive()
		defer o.endReceive(n)
	}
	out, err := o.API.ReceiveMessage(ctx, req, optFns...)
	if err != nil || len(out.Messages) == 0 {
		o.spun(err)
	} else {
		o.mu.Lock()
		o.spins, o.spinning = 0, false
		o.mu.Unlock()
	}
	if ours {
		if err == nil {
			o.record(out.Messages, in.VisibilityTimeout)
		}
		var msgs []types.Message
		if out != nil {
			msgs = out.Messages
		}
		o.carry("ReceiveMessage", start, bodiesOf(msgs))
	}
	if added && out != nil {
		for i := range out.Messages {
			m := &out.Messages[i]
			delete(m.Attributes, string(types.MessageSystemAttributeNameMessageGroupId))
			if len(m.Attributes) == 0 && len(in.MessageSystemAttributeNames) == 0 && !asksAny(in) {
				m.Attributes = nil
			}
		}
	}
	return out, err
}

// asksGroup reports whether a receive asks for the messages' MessageGroupId.
func asksGroup(in *sqs.ReceiveMessageInput) bool {
	for _, a := range in.MessageSystemAttributeNames {
		if a == types.MessageSystemAttributeNameAll || a == types.MessageSystemAttributeNameMessageGroupId {
			return true
		}
	}
	//lint:ignore SA1019 consumers still ask with the deprecated AttributeNames, and SQS honours it
	for _, a := range in.AttributeNames {
		if a == types.QueueAttributeNameAll || string(a) == string(types.MessageSystemAttributeNameMessageGroupId) {
			return true
		}
	}
	return false
}

// asksAny reports whether a receive asks for system attributes with the deprecated AttributeNames.
func asksAny(in *sqs.ReceiveMessageInput) bool {
	//lint:ignore SA1019 consumers still ask with the deprecated AttributeNames, and SQS honours it
	return len(in.AttributeNames) > 0
}

func (o *observer) DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	defer o.begin("DeleteMessage")()
	start := o.now()
	url, handle := aws.ToString(in.QueueUrl), aws.ToString(in.ReceiptHandle)
	o.deleting(url, handle)
	defer o.answered(o.sending(url))
	out, err := o.API.DeleteMessage(ctx, in, optFns...)
	if err == nil {
		o.deletedHandle(url, handle)
	}
	if url == o.queue {
		o.carry("DeleteMessage", start, o.bodiesOfHandles(handle))
	}
	return out, err
}

func (o *observer) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	defer o.begin("DeleteMessageBatch")()
	start := o.now()
	url := aws.ToString(in.QueueUrl)
	handles := map[string]string{}
	for _, e := range in.Entries {
		o.deleting(url, aws.ToString(e.ReceiptHandle))
		handles[aws.ToString(e.Id)] = aws.ToString(e.ReceiptHandle)
	}
	defer o.answered(o.sending(url))
	out, err := o.API.DeleteMessageBatch(ctx, in, optFns...)
	if err == nil {
		for _, ok := range out.Successful {
			o.deletedHandle(url, handles[aws.ToString(ok.Id)])
		}
	}
	if url == o.queue {
		o.carry("DeleteMessageBatch", start, o.bodiesOfHandles(slices.Collect(maps.Values(handles))...))
	}
	return out, err
}

func (o *observer) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	defer o.begin("ChangeMessageVisibility")()
	start := o.now()
	out, err := o.API.ChangeMessageVisibility(ctx, in, optFns...)
	if aws.ToString(in.QueueUrl) == o.queue {
		o.carry("ChangeMessageVisibility", start, o.bodiesOfHandles(aws.ToString(in.ReceiptHandle)))
	}
	return out, err
}

func (o *observer) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	defer o.begin("ChangeMessageVisibilityBatch")()
	start := o.now()
	out, err := o.API.ChangeMessageVisibilityBatch(ctx, in, optFns...)
	if aws.ToString(in.QueueUrl) == o.queue {
		var handles []string
		for _, e := range in.Entries {
			handles = append(handles, aws.ToString(e.ReceiptHandle))
		}
		o.carry("ChangeMessageVisibilityBatch", start, o.bodiesOfHandles(handles...))
	}
	return out, err
}

// The other operations are forwarded and counted.

func (o *observer) AddPermission(ctx context.Context, in *sqs.AddPermissionInput, optFns ...func(*sqs.Options)) (*sqs.AddPermissionOutput, error) {
	defer o.begin("AddPermission")()
	return o.API.AddPermission(ctx, in, optFns...)
}

func (o *observer) CancelMessageMoveTask(ctx context.Context, in *sqs.CancelMessageMoveTaskInput, optFns ...func(*sqs.Options)) (*sqs.CancelMessageMoveTaskOutput, error) {
	defer o.begin("CancelMessageMoveTask")()
	return o.API.CancelMessageMoveTask(ctx, in, optFns...)
}

func (o *observer) CreateQueue(ctx context.Context, in *sqs.CreateQueueInput, optFns ...func(*sqs.Options)) (*sqs.CreateQueueOutput, error) {
	defer o.begin("CreateQueue")()
	return o.API.CreateQueue(ctx, in, optFns...)
}

func (o *observer) DeleteQueue(ctx context.Context, in *sqs.DeleteQueueInput, optFns ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error) {
	defer o.begin("DeleteQueue")()
	return o.API.DeleteQueue(ctx, in, optFns...)
}

func (o *observer) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	defer o.begin("GetQueueAttributes")()
	return o.API.GetQueueAttributes(ctx, in, optFns...)
}

func (o *observer) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	defer o.begin("GetQueueUrl")()
	return o.API.GetQueueUrl(ctx, in, optFns...)
}

func (o *observer) ListDeadLetterSourceQueues(ctx context.Context, in *sqs.ListDeadLetterSourceQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListDeadLetterSourceQueuesOutput, error) {
	defer o.begin("ListDeadLetterSourceQueues")()
	return o.API.ListDeadLetterSourceQueues(ctx, in, optFns...)
}

func (o *observer) ListMessageMoveTasks(ctx context.Context, in *sqs.ListMessageMoveTasksInput, optFns ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error) {
	defer o.begin("ListMessageMoveTasks")()
	return o.API.ListMessageMoveTasks(ctx, in, optFns...)
}

func (o *observer) ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, optFns ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	defer o.begin("ListQueueTags")()
	return o.API.ListQueueTags(ctx, in, optFns...)
}

func (o *observer) ListQueues(ctx context.Context, in *sqs.ListQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	defer o.begin("ListQueues")()
	return o.API.ListQueues(ctx, in, optFns...)
}

func (o *observer) PurgeQueue(ctx context.Context, in *sqs.PurgeQueueInput, optFns ...func(*sqs.Options)) (*sqs.PurgeQueueOutput, error) {
	defer o.begin("PurgeQueue")()
	return o.API.PurgeQueue(ctx, in, optFns...)
}

func (o *observer) RemovePermission(ctx context.Context, in *sqs.RemovePermissionInput, optFns ...func(*sqs.Options)) (*sqs.RemovePermissionOutput, error) {
	defer o.begin("RemovePermission")()
	return o.API.RemovePermission(ctx, in, optFns...)
}

func (o *observer) SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	defer o.begin("SendMessage")()
	return o.API.SendMessage(ctx, in, optFns...)
}

func (o *observer) SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	defer o.begin("SendMessageBatch")()
	return o.API.SendMessageBatch(ctx, in, optFns...)
}

func (o *observer) SetQueueAttributes(ctx context.Context, in *sqs.SetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.SetQueueAttributesOutput, error) {
	defer o.begin("SetQueueAttributes")()
	return o.API.SetQueueAttributes(ctx, in, optFns...)
}

func (o *observer) StartMessageMoveTask(ctx context.Context, in *sqs.StartMessageMoveTaskInput, optFns ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error) {
	defer o.begin("StartMessageMoveTask")()
	return o.API.StartMessageMoveTask(ctx, in, optFns...)
}

func (o *observer) TagQueue(ctx context.Context, in *sqs.TagQueueInput, optFns ...func(*sqs.Options)) (*sqs.TagQueueOutput, error) {
	defer o.begin("TagQueue")()
	return o.API.TagQueue(ctx, in, optFns...)
}

func (o *observer) UntagQueue(ctx context.Context, in *sqs.UntagQueueInput, optFns ...func(*sqs.Options)) (*sqs.UntagQueueOutput, error) {
	defer o.begin("UntagQueue")()
	return o.API.UntagQueue(ctx, in, optFns...)
}
