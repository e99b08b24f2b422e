package engine

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/require"
)

// clockedEngine is an engine on a clock that moves only when the test moves it, counting how
// often the engine reads it.
type clockedEngine struct {
	*Engine
	now   atomic.Int64 // unix nanoseconds
	reads atomic.Int64
}

func newClockedEngine() *clockedEngine {
	c := &clockedEngine{}
	c.now.Store(fixtureStart.UnixNano())
	c.Engine = New(Config{AccountID: "123456789012",
		Now: func() time.Time {
			c.reads.Add(1)
			return time.Unix(0, c.now.Load()).UTC()
		},
		NewTimer: func(time.Duration) Timer { return stuckTimer{} },
	})
	return c
}

func (c *clockedEngine) advance(d time.Duration) { c.now.Add(int64(d)) }

func (c *clockedEngine) create(t *testing.T, name string) error {
	t.Helper()
	_, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
	return err
}

func (c *clockedEngine) deleteQueue(t *testing.T, name string) {
	t.Helper()
	_, err := c.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(c.queueURL(context.Background(), name))})
	require.NoError(t, err)
}

// TestDeleteQueueWorkDoesNotGrowWithRecentlyDeleted: a DeleteQueue does not walk the names
// deleted before it. It used to, reading the clock once per recently deleted name under the
// engine's lock, so deleting 20,000 queues took ten times what creating them did.
func TestDeleteQueueWorkDoesNotGrowWithRecentlyDeleted(t *testing.T) {
	c := newClockedEngine()
	const n = 2000
	for i := range n {
		require.NoError(t, c.create(t, "q"+strconv.Itoa(i)))
	}
	reads := make([]int64, n)
	for i := range n {
		before := c.reads.Load()
		c.deleteQueue(t, "q"+strconv.Itoa(i))
		reads[i] = c.reads.Load() - before
	}
	require.Equal(t, reads[0], reads[n-1], "clock reads of the first and of the %dth DeleteQueue, with %d names deleted recently", n, n-1)
}

// TestQueueDeletedRecentlyExpiresInOrder: each name is refused for 60 seconds from its own
// deletion; a name deleted, re-created after the minute and deleted again keeps its later time;
// the engine holds only the deletions of the last minute.
func TestQueueDeletedRecentlyExpiresInOrder(t *testing.T) {
	c := newClockedEngine()
	for _, name := range []string{"a", "b", "c"} {
		require.NoError(t, c.create(t, name))
	}
	c.deleteQueue(t, "a") // t=0
	c.advance(30 * time.Second)
	c.deleteQueue(t, "b") // t=30
	c.advance(29 * time.Second)
	require.Error(t, c.create(t, "a"), "a at t=59")
	c.advance(time.Second)
	require.NoError(t, c.create(t, "a"), "a at t=60")
	require.Error(t, c.create(t, "b"), "b at t=60")
	c.deleteQueue(t, "a") // t=60 again: its first deletion is still listed, its time is not
	c.advance(30 * time.Second)
	c.deleteQueue(t, "c") // t=90: forgets b's deletion (t=30) and a's first (t=0), not a's second
	require.Error(t, c.create(t, "a"), "a at t=90, deleted again at t=60")
	require.NoError(t, c.create(t, "b"), "b at t=90")
	require.Equal(t, []string{"a", "c"}, sortedKeys(c.Snapshot().Deleted))

	// Many deletions over several minutes: only the last minute's are held.
	for i := range 600 {
		name := "m" + strconv.Itoa(i)
		require.NoError(t, c.create(t, name))
		c.deleteQueue(t, name)
		c.advance(time.Second)
	}
	c.mu.RLock()
	held, pending := len(c.deleted.at), len(c.deleted.order)-c.deleted.head
	c.mu.RUnlock()
	require.LessOrEqual(t, held, 60, "names held")
	require.LessOrEqual(t, pending, 60, "deletions held")
	require.Error(t, c.create(t, "m599"))
	require.NoError(t, c.create(t, "m539"))
}

// BenchmarkDeleteQueueAmongRecentlyDeleted deletes b.N queues within one minute: each deletion
// used to walk all the earlier ones.
func BenchmarkDeleteQueueAmongRecentlyDeleted(b *testing.B) {
	c := newClockedEngine()
	ctx := context.Background()
	urls := make([]*string, b.N)
	for i := range b.N {
		name := "q" + strconv.Itoa(i)
		if _, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)}); err != nil {
			b.Fatal(err)
		}
		urls[i] = aws.String(c.queueURL(ctx, name))
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: urls[i]}); err != nil {
			b.Fatal(err)
		}
	}
}
