package sqsmock_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// receiveAndDelete receives once and deletes what came, so nothing is left in flight.
func (e *env) receiveAndDelete(url string) []string {
	e.t.Helper()
	msgs := e.recv(url, nil)
	for _, m := range msgs {
		require.NoError(e.t, e.del(url, aws.ToString(m.ReceiptHandle)))
	}
	return bodies(msgs)
}

func TestDeduplicationScopeChangeToMessageGroup(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_change_to_high_throughput_after_creation. Right after a switch from
	// DeduplicationScope=queue to messageGroup, AWS reports the new attributes but still
	// deduplicates across groups, for ids sent before the switch and after it.
	e := newEnvQueue(t, "q.fifo", map[string]string{"FifoQueue": "True", "ContentBasedDeduplication": "False", "DeduplicationScope": "queue"})
	e.sendFifo(e.queue, "Test1", "group1", "same-dedup")
	assert.Equal(t, []string{"Test1"}, e.receiveAndDelete(e.queue))
	e.sendFifo(e.queue, "Test2", "group2", "same-dedup")
	assert.Empty(t, e.receiveAndDelete(e.queue), "a duplicate in queue scope")

	require.NoError(t, e.setAttrs(e.queue, map[string]string{"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}))
	got := e.attrs(e.queue)
	assert.Equal(t, "messageGroup", got["DeduplicationScope"], "the new value is reported at once")
	assert.Equal(t, "perMessageGroupId", got["FifoThroughputLimit"])
	assert.Empty(t, e.receiveAndDelete(e.queue), "old duplicates are not delivered")

	e.sendFifo(e.queue, "Test3", "group3", "same-dedup")
	assert.Empty(t, e.receiveAndDelete(e.queue), "still a duplicate right after the change")
	e.sendFifo(e.queue, "Test4", "group4", "dedup_2")
	assert.Equal(t, []string{"Test4"}, e.receiveAndDelete(e.queue))
	e.sendFifo(e.queue, "Test5", "group5", "dedup_2")
	assert.Empty(t, e.receiveAndDelete(e.queue), "a new id sent after the change is deduplicated across groups too")

	// The change takes effect 60 seconds after it was made (API Reference, SetQueueAttributes:
	// "the change can take up to 60 seconds for most of the attributes to propagate").
	e.clk.Advance(59 * time.Second)
	e.sendFifo(e.queue, "Test6", "group6", "dedup_2")
	assert.Empty(t, e.receiveAndDelete(e.queue), "59 s after the change the old scope still applies")
	e.clk.Advance(time.Second)
	e.sendFifo(e.queue, "Test7", "group7", "dedup_2")
	assert.Equal(t, []string{"Test7"}, e.receiveAndDelete(e.queue), "60 s after the change: another group, no duplicate")
	// Ids recorded before the change still deduplicate within their own group.
	e.sendFifo(e.queue, "Test8", "group4", "dedup_2")
	e.sendFifo(e.queue, "Test9", "group1", "same-dedup")
	assert.Empty(t, e.receiveAndDelete(e.queue), "the same group and id within 5 minutes is a duplicate in any scope")
	// and end with their 5-minute interval.
	e.clk.Advance(5 * time.Minute)
	e.sendFifo(e.queue, "Test10", "group4", "dedup_2")
	assert.Equal(t, []string{"Test10"}, e.receiveAndDelete(e.queue))
}

func TestDeduplicationScopeChangeToQueue(t *testing.T) {
	t.Parallel()
	// Recorded: test_fifo_change_to_regular_throughput_after_creation. Right after a switch from
	// messageGroup to queue scope, the same id in a new group is still delivered.
	e := newEnvQueue(t, "q.fifo", map[string]string{"FifoQueue": "True", "ContentBasedDeduplication": "False",
		"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
	e.sendFifo(e.queue, "Test1", "group1", "same-dedup")
	assert.Equal(t, []string{"Test1"}, e.receiveAndDelete(e.queue))
	e.sendFifo(e.queue, "Test2", "group2", "same-dedup")
	assert.Equal(t, []string{"Test2"}, e.receiveAndDelete(e.queue), "not a duplicate in messageGroup scope")

	require.NoError(t, e.setAttrs(e.queue, map[string]string{"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"}))
	assert.Equal(t, "queue", e.attr(e.queue, "DeduplicationScope"))
	e.sendFifo(e.queue, "Test2b", "group1", "same-dedup")
	assert.Empty(t, e.receiveAndDelete(e.queue), "the same group and id within 5 minutes is a duplicate in any scope")
	e.sendFifo(e.queue, "Test3", "group3", "same-dedup")
	assert.Equal(t, []string{"Test3"}, e.receiveAndDelete(e.queue), "right after the change the old scope applies")

	e.clk.Advance(60 * time.Second)
	e.sendFifo(e.queue, "Test4", "group4", "same-dedup")
	assert.Empty(t, e.receiveAndDelete(e.queue), "60 s later: the id was sent within 5 minutes, in any group")
	e.clk.Advance(5 * time.Minute)
	e.sendFifo(e.queue, "Test5", "group5", "same-dedup")
	assert.Equal(t, []string{"Test5"}, e.receiveAndDelete(e.queue), "after the 5-minute interval")
}

func TestDeduplicationScopeChangedBackBeforeItApplies(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", nil)
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"DeduplicationScope": "messageGroup"}))
	e.clk.Advance(30 * time.Second)
	require.NoError(t, e.setAttrs(e.queue, map[string]string{"DeduplicationScope": "queue"}))
	e.clk.Advance(40 * time.Second)
	e.sendFifo(e.queue, "a", "g1", "d")
	e.sendFifo(e.queue, "b", "g2", "d")
	assert.Equal(t, []string{"a"}, e.receiveAndDelete(e.queue), "queue scope throughout")
	e.clk.Advance(time.Minute)
	e.sendFifo(e.queue, "c", "g3", "d")
	assert.Empty(t, e.receiveAndDelete(e.queue))
}
