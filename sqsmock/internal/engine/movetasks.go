package engine

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// defaultMoveRate is the rate of a move task started without MaxNumberOfMessagesPerSecond.
const defaultMoveRate = 500

// moveTask moves messages out of a dead-letter queue at a given rate, on the engine's clock.
type moveTask struct {
	e        *Engine
	id       string
	handle   string
	source   string // ARN
	dest     string // ARN, "" for each message's original source
	rate     int
	rateSet  bool
	started  time.Time
	call     Call // StartMessageMoveTask's, for the trace
	stopOnce sync.Once
	done     chan struct{}

	mu      sync.Mutex
	status  string
	toMove  int
	moved   int
	failure string
}

type taskHandle struct {
	TaskID    string `json:"taskId"`
	SourceArn string `json:"sourceArn"`
}

func (t *moveTask) stop() { t.stopOnce.Do(func() { close(t.done) }) }

// isDLQ reports whether some queue names arn as its dead-letter queue.
func (e *Engine) isDLQ(arn string) bool {
	for _, name := range e.QueueNames() {
		q := e.queueNamed(name)
		if q == nil {
			continue
		}
		q.mu.Lock()
		target := q.attrs.dlqArn
		q.mu.Unlock()
		if target == arn {
			return true
		}
	}
	return false
}

// StartMessageMoveTask starts moving messages from a dead-letter queue to DestinationArn, or
// back to each message's source queue.
func (e *Engine) StartMessageMoveTask(ctx context.Context, in *sqs.StartMessageMoveTaskInput) (*sqs.StartMessageMoveTaskOutput, error) {
	if in.SourceArn == nil {
		return nil, sqserr.MissingParameter("SourceArn")
	}
	src := e.queueByARN(*in.SourceArn)
	if src == nil {
		return nil, sqserr.ResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	if !e.isDLQ(src.arn) {
		return nil, sqserr.InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
	}
	dest := aws.ToString(in.DestinationArn)
	if dest != "" {
		d := e.queueByARN(dest)
		if d == nil {
			return nil, sqserr.ResourceNotFound("The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
		if d == src {
			return nil, sqserr.InvalidParameterValue("Source queue arn and destination queue arn cannot be the same.")
		}
	}
	rate := defaultMoveRate
	if in.MaxNumberOfMessagesPerSecond != nil {
		rate = int(*in.MaxNumberOfMessagesPerSecond)
		if rate < 1 || rate > 500 {
			return nil, sqserr.InvalidParameterValueFor(rate, "MaxNumberOfMessagesPerSecond", "Must be between 1 and 500.")
		}
	}
	src.mu.Lock()
	src.advance(e.now())
	toMove := src.counts[stateReady] // ApproximateNumberOfMessages: what is visible now
	src.mu.Unlock()
	now := e.now()
	t := &moveTask{e: e, id: newUUID(), source: src.arn, dest: dest, rate: rate,
		rateSet: in.MaxNumberOfMessagesPerSecond != nil, started: now, call: e.callOf(ctx), done: make(chan struct{}),
		status: "RUNNING", toMove: toMove}
	b, _ := json.Marshal(taskHandle{TaskID: t.id, SourceArn: src.arn})
	t.handle = base64.StdEncoding.EncodeToString(b)
	e.mu.Lock()
	for _, other := range e.tasks {
		other.mu.Lock()
		busy := other.source == src.arn && other.status == "RUNNING"
		other.mu.Unlock()
		if busy {
			e.mu.Unlock()
			return nil, sqserr.InvalidParameterValue("There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
		}
	}
	e.tasks[t.id] = t
	e.mu.Unlock()
	go t.run()
	return &sqs.StartMessageMoveTaskOutput{TaskHandle: aws.String(t.handle)}, nil
}

// run moves messages as the clock allows: by time t after the start, rate×t of them.
func (t *moveTask) run() {
	e := t.e
	for {
		t.mu.Lock()
		moved, toMove, status := t.moved, t.toMove, t.status
		t.mu.Unlock()
		if status != "RUNNING" {
			return
		}
		if moved >= toMove {
			t.finish("COMPLETED", "")
			return
		}
		next := t.started.Add(time.Duration(float64(moved+1) / float64(t.rate) * float64(time.Second)))
		if wait := next.Sub(e.now()); wait > 0 {
			timer := e.cfg.NewTimer(wait)
			select {
			case <-t.done:
				timer.Stop()
				return
			case <-timer.C():
			}
		}
		due := int(e.now().Sub(t.started).Seconds()*float64(t.rate)) - moved
		if due < 1 {
			due = 1
		}
		if due > toMove-moved {
			due = toMove - moved
		}
		n, failure := t.moveSome(due)
		t.mu.Lock()
		if t.status == "RUNNING" {
			t.moved += n
		}
		t.mu.Unlock()
		if failure != "" {
			t.finish("FAILED", failure)
			return
		}
		if n < due { // the source ran dry
			t.finish("COMPLETED", "")
			return
		}
	}
}

func (t *moveTask) finish(status, failure string) {
	t.mu.Lock()
	if t.status == "RUNNING" {
		t.status, t.failure = status, failure
	}
	t.mu.Unlock()
	t.stop()
}

// moveSome moves up to n visible messages from the source.
func (t *moveTask) moveSome(n int) (int, string) {
	e := t.e
	src := e.queueByARN(t.source)
	if src == nil {
		return 0, "AWS.SimpleQueueService.NonExistentQueue"
	}
	if t.dest != "" && e.queueByARN(t.dest) == nil {
		return 0, "AWS.SimpleQueueService.NonExistentQueue"
	}
	now := e.now()
	src.mu.Lock()
	src.advance(now)
	var taken []*message
	for len(taken) < n {
		var m *message
		if src.fifo {
			if src.avail.Len() > 0 {
				g := src.avail[0]
				if h := g.head(); h != nil && h.state == stateReady {
					m = h
				}
			}
		} else {
			m = src.ready.peek()
		}
		if m == nil {
			break
		}
		src.remove(m)
		taken = append(taken, m)
	}
	src.mu.Unlock()
	moved := 0
	for _, m := range taken {
		target := t.dest
		if target == "" {
			target = m.dlqSourceArn
		}
		dst := e.queueByARN(target)
		if dst == nil {
			dst = src // nowhere to go: put it back
		}
		fresh := &message{id: newUUID(), body: m.body, md5Body: m.md5Body, attrs: m.attrs, md5Attrs: m.md5Attrs,
			traceHeader: m.traceHeader, md5SysAttrs: m.md5SysAttrs, groupID: m.groupID, dedupID: m.dedupID,
			sentAt: stampOf(now), ageBase: stampOf(now), size: m.size, visibleAt: stampOf(now)}
		if dst == src {
			fresh = m
			fresh.visibleAt = stampOf(now)
		}
		dst.mu.Lock()
		if dst.fifo {
			fresh.seqNumber = e.nextSequence()
		}
		e.addHeld(1)
		dst.add(fresh, now)
		if dst != src && e.tracing() {
			e.emit(Event{Kind: EventMoved, Time: now, Queue: src.name, Call: t.call, MessageID: m.id, GroupID: m.groupID,
				ReceiveCount: m.receiveCount, Target: dst.name, TargetMessageID: fresh.id})
		}
		dst.mu.Unlock()
		if dst != src {
			moved++
		}
	}
	return moved, ""
}

// findTask resolves a task handle.
func (e *Engine) findTask(handle string) (*moveTask, error) {
	raw, err := base64.StdEncoding.DecodeString(handle)
	var h taskHandle
	if err != nil || json.Unmarshal(raw, &h) != nil || h.TaskID == "" || h.SourceArn == "" {
		return nil, sqserr.InvalidParameterValue("Value for parameter TaskHandle is invalid.")
	}
	if e.queueByARN(h.SourceArn) == nil {
		return nil, sqserr.ResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	e.mu.RLock()
	t := e.tasks[h.TaskID]
	e.mu.RUnlock()
	if t == nil || t.source != h.SourceArn {
		return nil, sqserr.ResourceNotFound("Task does not exist.")
	}
	return t, nil
}

// CancelMessageMoveTask stops a running task; messages already moved stay moved.
func (e *Engine) CancelMessageMoveTask(ctx context.Context, in *sqs.CancelMessageMoveTaskInput) (*sqs.CancelMessageMoveTaskOutput, error) {
	if in.TaskHandle == nil {
		return nil, sqserr.MissingParameter("TaskHandle")
	}
	t, err := e.findTask(*in.TaskHandle)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	if t.status != "RUNNING" {
		t.mu.Unlock()
		return nil, sqserr.InvalidParameterValue("Only active tasks can be cancelled.")
	}
	t.status = "CANCELLED"
	moved := t.moved
	t.mu.Unlock()
	t.stop()
	return &sqs.CancelMessageMoveTaskOutput{ApproximateNumberOfMessagesMoved: int64(moved)}, nil
}

// ListMessageMoveTasks lists the most recent tasks of a source queue, newest first.
func (e *Engine) ListMessageMoveTasks(ctx context.Context, in *sqs.ListMessageMoveTasksInput) (*sqs.ListMessageMoveTasksOutput, error) {
	if in.SourceArn == nil {
		return nil, sqserr.MissingParameter("SourceArn")
	}
	if e.queueByARN(*in.SourceArn) == nil {
		return nil, sqserr.ResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	limit := 1
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10 {
			return nil, sqserr.InvalidParameterValueFor(*in.MaxResults, "MaxResults", "Must be between 1 and 10.")
		}
		limit = int(*in.MaxResults)
	}
	e.mu.RLock()
	var tasks []*moveTask
	for _, t := range e.tasks {
		if t.source == *in.SourceArn {
			tasks = append(tasks, t)
		}
	}
	e.mu.RUnlock()
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].started.After(tasks[j].started) })
	out := &sqs.ListMessageMoveTasksOutput{Results: []types.ListMessageMoveTasksResultEntry{}}
	for i, t := range tasks {
		if i == limit {
			break
		}
		t.mu.Lock()
		r := types.ListMessageMoveTasksResultEntry{
			SourceArn: aws.String(t.source), Status: aws.String(t.status),
			ApproximateNumberOfMessagesMoved: int64(t.moved), ApproximateNumberOfMessagesToMove: aws.Int64(int64(t.toMove)),
			StartedTimestamp: t.started.UnixMilli(),
		}
		if t.dest != "" {
			r.DestinationArn = aws.String(t.dest)
		}
		if t.rateSet {
			r.MaxNumberOfMessagesPerSecond = aws.Int32(int32(t.rate))
		}
		if t.status == "RUNNING" {
			r.TaskHandle = aws.String(t.handle)
		}
		if t.failure != "" {
			r.FailureReason = aws.String(t.failure)
		}
		t.mu.Unlock()
		out.Results = append(out.Results, r)
	}
	return out, nil
}
