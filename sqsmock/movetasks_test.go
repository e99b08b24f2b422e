package sqsmock_test

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dlqSetup makes a source queue whose dead-letter queue holds n messages.
func (e *env) dlqSetup(srcName, dlqName string, n int) (src, dlq string) {
	e.t.Helper()
	dlq = e.create(dlqName, nil)
	src = e.create(srcName, map[string]string{"RedrivePolicy": redrive(e.arn(dlq), 1), "VisibilityTimeout": "0"})
	e.fillDLQ(src, dlq, n)
	return src, dlq
}

// fillDLQ sends n (≤ 10) messages to src and receives them until they move to dlq.
func (e *env) fillDLQ(src, dlq string, n int) {
	e.t.Helper()
	for i := 0; i < n; i++ {
		e.send(src, "msg-"+strconv.Itoa(i))
	}
	require.Len(e.t, e.recv(src, nil), n)
	require.Empty(e.t, e.recv(src, nil))
	info, ok := e.mock.Queue(dlq)
	require.True(e.t, ok)
	require.GreaterOrEqual(e.t, info.Ready, n)
}

func (e *env) startTask(src, dest string, rate int32) string {
	e.t.Helper()
	in := &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(e.arn(src))}
	if dest != "" {
		in.DestinationArn = aws.String(e.arn(dest))
	}
	if rate > 0 {
		in.MaxNumberOfMessagesPerSecond = aws.Int32(rate)
	}
	out, err := e.c.StartMessageMoveTask(e.ctx, in)
	require.NoError(e.t, err)
	require.NotEmpty(e.t, aws.ToString(out.TaskHandle))
	return aws.ToString(out.TaskHandle)
}

func (e *env) lastTask(src string) types.ListMessageMoveTasksResultEntry {
	e.t.Helper()
	out, err := e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(e.arn(src))})
	require.NoError(e.t, err)
	require.NotEmpty(e.t, out.Results)
	return out.Results[0]
}

// waitStatus waits (on the real clock, briefly) for the task's goroutine to reach a status.
func (e *env) waitStatus(src, status string) types.ListMessageMoveTasksResultEntry {
	e.t.Helper()
	require.Eventually(e.t, func() bool { return aws.ToString(e.lastTask(src).Status) == status }, 5*time.Second, time.Millisecond)
	return e.lastTask(src)
}

func TestMoveTaskBasicWorkflow(t *testing.T) {
	t.Parallel()
	// Recorded: test_basic_move_task_workflow.
	e := newEnv(t)
	src, dlq := e.dlqSetup("src", "dlq", 2)
	dest := e.create("dest", nil)
	handle := e.startTask(dlq, dest, 0)
	running := e.lastTask(dlq)
	assert.Equal(t, "RUNNING", aws.ToString(running.Status))
	assert.Equal(t, handle, aws.ToString(running.TaskHandle))

	e.blockUntil(1)
	e.clk.Advance(time.Second)
	r := e.waitStatus(dlq, "COMPLETED")
	assert.Equal(t, int64(2), r.ApproximateNumberOfMessagesMoved)
	assert.Equal(t, int64(2), aws.ToInt64(r.ApproximateNumberOfMessagesToMove))
	assert.Equal(t, e.arn(dest), aws.ToString(r.DestinationArn))
	assert.Equal(t, e.arn(dlq), aws.ToString(r.SourceArn))
	assert.Equal(t, epoch.UnixMilli(), r.StartedTimestamp)
	assert.Nil(t, r.TaskHandle, "only running tasks show their handle")
	assert.Nil(t, r.MaxNumberOfMessagesPerSecond, "not set, not shown")
	assert.Nil(t, r.FailureReason)

	assert.ElementsMatch(t, []string{"msg-0", "msg-1"}, bodies(e.recv(dest, nil)))
	assert.Empty(t, e.mock.Messages(dlq))
	assert.Empty(t, e.mock.Messages(src))
}

func TestMoveTaskDefaultDestination(t *testing.T) {
	t.Parallel()
	// Recorded: test_move_task_workflow_with_default_destination and ..._with_multiple_sources_as_default_destination.
	e := newEnv(t)
	dlq := e.create("dlq", nil)
	src1 := e.create("src1", map[string]string{"RedrivePolicy": redrive(e.arn(dlq), 1), "VisibilityTimeout": "0"})
	src2 := e.create("src2", map[string]string{"RedrivePolicy": redrive(e.arn(dlq), 1), "VisibilityTimeout": "0"})
	e.fillDLQ(src1, dlq, 2)
	e.send(src2, "from-2a")
	e.send(src2, "from-2b")
	require.Len(t, e.recv(src2, nil), 2)
	require.Empty(t, e.recv(src2, nil))
	require.Len(t, e.mock.Messages(dlq), 4)

	e.startTask(dlq, "", 0)
	e.blockUntil(1)
	e.clk.Advance(time.Second)
	r := e.waitStatus(dlq, "COMPLETED")
	assert.Equal(t, int64(4), r.ApproximateNumberOfMessagesMoved)
	assert.Equal(t, int64(4), aws.ToInt64(r.ApproximateNumberOfMessagesToMove))
	assert.Nil(t, r.DestinationArn)

	// Each message went back to the queue it came from. (The sources still redrive with
	// maxReceiveCount 1, so inspect rather than receive.)
	var got1, got2 []string
	for _, m := range e.mock.Messages(src1) {
		got1 = append(got1, m.Body)
	}
	for _, m := range e.mock.Messages(src2) {
		got2 = append(got2, m.Body)
	}
	assert.ElementsMatch(t, []string{"msg-0", "msg-1"}, got1)
	assert.ElementsMatch(t, []string{"from-2a", "from-2b"}, got2)
}

func TestMoveTaskRate(t *testing.T) {
	t.Parallel()
	// Shape recorded in test_move_task_cancel: rate 1, 10 messages, cancelled while running.
	e := newEnv(t)
	_, dlq := e.dlqSetup("src", "dlq", 10)
	dest := e.create("dest", nil)
	handle := e.startTask(dlq, dest, 1)

	e.blockUntil(1)
	e.clk.Advance(2 * time.Second)
	e.blockUntil(1) // the task waits for its next slot: it has moved what was due
	r := e.lastTask(dlq)
	assert.Equal(t, "RUNNING", aws.ToString(r.Status))
	assert.Equal(t, int64(2), r.ApproximateNumberOfMessagesMoved)
	assert.Equal(t, int64(10), aws.ToInt64(r.ApproximateNumberOfMessagesToMove))
	assert.Equal(t, int32(1), aws.ToInt32(r.MaxNumberOfMessagesPerSecond))
	assert.Equal(t, handle, aws.ToString(r.TaskHandle))
	assert.Len(t, e.mock.Messages(dest), 2)

	e.clk.Advance(3 * time.Second)
	e.blockUntil(1)
	assert.Equal(t, int64(5), e.lastTask(dlq).ApproximateNumberOfMessagesMoved)

	out, err := e.c.CancelMessageMoveTask(e.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String(handle)})
	require.NoError(t, err)
	assert.Equal(t, int64(5), out.ApproximateNumberOfMessagesMoved)
	r = e.lastTask(dlq)
	assert.Equal(t, "CANCELLED", aws.ToString(r.Status))
	assert.Nil(t, r.TaskHandle)
	e.clk.Advance(time.Minute)
	assert.Len(t, e.mock.Messages(dest), 5, "nothing moves after the cancel")
	assert.Len(t, e.mock.Messages(dlq), 5)

	_, err = e.c.CancelMessageMoveTask(e.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String(handle)})
	requireAPIError(t, err, "InvalidParameterValue", "")

	// A new task may start once the old one is no longer running.
	e.startTask(dlq, dest, 0)
}

func TestMoveTaskDestinationDeleted(t *testing.T) {
	t.Parallel()
	// Recorded: test_move_task_delete_destination_queue_while_running.
	e := newEnv(t)
	_, dlq := e.dlqSetup("src", "dlq", 10)
	dest := e.create("dest", nil)
	destArn := e.arn(dest)
	e.startTask(dlq, dest, 1)
	e.blockUntil(1)
	e.clk.Advance(3 * time.Second)
	e.blockUntil(1)
	_, err := e.c.DeleteQueue(e.ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(dest)})
	require.NoError(t, err)
	e.clk.Advance(time.Second)
	r := e.waitStatus(dlq, "FAILED")
	assert.Equal(t, int64(3), r.ApproximateNumberOfMessagesMoved)
	assert.Equal(t, int64(10), aws.ToInt64(r.ApproximateNumberOfMessagesToMove))
	assert.Equal(t, "AWS.SimpleQueueService.NonExistentQueue", aws.ToString(r.FailureReason))
	assert.Equal(t, destArn, aws.ToString(r.DestinationArn))
	assert.Equal(t, int32(1), aws.ToInt32(r.MaxNumberOfMessagesPerSecond))
	assert.Nil(t, r.TaskHandle)
	assert.Len(t, e.mock.Messages(dlq), 7, "unmoved messages stay in the source")
}

func TestStartMessageMoveTaskErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, dlq := e.dlqSetup("src", "dlq", 1)
	plain := e.create("plain", nil)

	// Recorded: test_source_needs_redrive_policy.
	_, err := e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(e.arn(plain))})
	requireAPIError(t, err, "InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.")

	_, err = e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:nope")})
	requireAPIError(t, err, "ResourceNotFoundException", "The resource that you specified for the SourceArn parameter doesn't exist.")
	var rnf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &rnf)

	// Recorded: test_destination_needs_to_exist.
	_, err = e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(e.arn(dlq)),
		DestinationArn: aws.String("arn:aws:sqs:us-east-1:000000000000:nope")})
	requireAPIError(t, err, "ResourceNotFoundException", "The resource that you specified for the DestinationArn parameter doesn't exist.")

	for _, rate := range []int32{0, 501} {
		_, err = e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(e.arn(dlq)), MaxNumberOfMessagesPerSecond: aws.Int32(rate)})
		requireAPIError(t, err, "InvalidParameterValue", "")
	}

	// Recorded: test_start_multiple_move_tasks.
	e.startTask(dlq, plain, 1)
	_, err = e.c.StartMessageMoveTask(e.ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(e.arn(dlq)), DestinationArn: aws.String(e.arn(plain))})
	requireAPIError(t, err, "InvalidParameterValue", "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
}

func TestCancelMessageMoveTaskErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, dlq := e.dlqSetup("src", "dlq", 3)
	dest := e.create("dest", nil)
	handle := e.startTask(dlq, dest, 1)

	// Recorded: test_cancel_with_invalid_task_handle.
	_, err := e.c.CancelMessageMoveTask(e.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String("foobared")})
	requireAPIError(t, err, "InvalidParameterValue", "Value for parameter TaskHandle is invalid.")

	// The handle is base64 JSON naming the task and its source; tamper with each.
	raw, err := base64.StdEncoding.DecodeString(handle)
	require.NoError(t, err)
	var h map[string]string
	require.NoError(t, json.Unmarshal(raw, &h))
	require.Contains(t, h, "taskId")
	require.Contains(t, h, "sourceArn")
	encode := func(m map[string]string) string {
		b, _ := json.Marshal(m)
		return base64.StdEncoding.EncodeToString(b)
	}
	// Recorded: test_cancel_with_invalid_source_arn_in_task_handle.
	_, err = e.c.CancelMessageMoveTask(e.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String(encode(map[string]string{
		"taskId": h["taskId"], "sourceArn": "arn:aws:sqs:us-east-1:000000000000:invalid-source"}))})
	requireAPIError(t, err, "ResourceNotFoundException", "The resource that you specified for the SourceArn parameter doesn't exist.")
	// Recorded: test_cancel_with_invalid_task_id_in_task_handle.
	_, err = e.c.CancelMessageMoveTask(e.ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String(encode(map[string]string{
		"taskId": "invalid-task-id", "sourceArn": h["sourceArn"]}))})
	requireAPIError(t, err, "ResourceNotFoundException", "Task does not exist.")

	assert.Equal(t, "RUNNING", aws.ToString(e.lastTask(dlq).Status), "failed cancels change nothing")
}

func TestListMessageMoveTasks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	src, dlq := e.dlqSetup("src", "dlq", 2)
	dest := e.create("dest", nil)

	out, err := e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(e.arn(dlq))})
	require.NoError(t, err)
	assert.Empty(t, out.Results)

	first := e.startTask(dlq, dest, 0)
	e.blockUntil(1)
	e.clk.Advance(time.Second)
	e.waitStatus(dlq, "COMPLETED")
	e.clk.Advance(time.Second)
	e.fillDLQ(src, dlq, 1)
	second := e.startTask(dlq, dest, 1)

	out, err = e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(e.arn(dlq)), MaxResults: aws.Int32(10)})
	require.NoError(t, err)
	require.Len(t, out.Results, 2, "newest first")
	assert.Equal(t, second, aws.ToString(out.Results[0].TaskHandle))
	assert.Equal(t, "COMPLETED", aws.ToString(out.Results[1].Status))
	assert.NotEqual(t, first, second)
	out, err = e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(e.arn(dlq))})
	require.NoError(t, err)
	assert.Len(t, out.Results, 1, "MaxResults defaults to 1")

	for _, n := range []int32{0, 11} {
		_, err = e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(e.arn(dlq)), MaxResults: aws.Int32(n)})
		requireAPIError(t, err, "InvalidParameterValue", "")
	}
	_, err = e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:nope")})
	requireAPIError(t, err, "ResourceNotFoundException", "The resource that you specified for the SourceArn parameter doesn't exist.")
}
