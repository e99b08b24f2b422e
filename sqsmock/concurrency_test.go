package sqsmock_test

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentSendReceiveDelete: every message is delivered exactly once when no visibility
// timeout expires (the manual clock never moves), however producers and consumers interleave.
func TestConcurrentSendReceiveDelete(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	const producers, consumers, perProducer = 6, 6, 200
	total := producers * perProducer

	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < perProducer; {
				if i%3 == 0 && i+5 <= perProducer { // some through the batch path
					entries := make([]types.SendMessageBatchRequestEntry, 5)
					for j := range entries {
						entries[j] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j)), MessageBody: aws.String(fmt.Sprintf("%d-%d", p, i+j))}
					}
					out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: entries})
					if !assert.NoError(t, err) || !assert.Empty(t, out.Failed) {
						return
					}
					i += 5
					continue
				}
				_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String(fmt.Sprintf("%d-%d", p, i))})
				if !assert.NoError(t, err) {
					return
				}
				i++
			}
		}(p)
	}

	var mu sync.Mutex
	seen := map[string]int{}
	ids := map[string]int{}
	for c := 0; c < consumers; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for {
				mu.Lock()
				done := len(seen) >= total
				mu.Unlock()
				if done {
					return
				}
				out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), MaxNumberOfMessages: 10})
				if !assert.NoError(t, err) {
					return
				}
				if len(out.Messages) == 0 {
					runtime.Gosched()
					continue
				}
				mu.Lock()
				for _, m := range out.Messages {
					seen[aws.ToString(m.Body)]++
					ids[aws.ToString(m.MessageId)]++
				}
				mu.Unlock()
				var entries []types.DeleteMessageBatchRequestEntry
				for i, m := range out.Messages {
					if c%2 == 0 {
						assert.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
						continue
					}
					entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
				}
				if len(entries) > 0 {
					out, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: entries})
					assert.NoError(t, err)
					assert.Empty(t, out.Failed)
				}
			}
		}(c)
	}
	wg.Wait()

	require.Len(t, seen, total, "every message delivered")
	require.Len(t, ids, total)
	for body, n := range seen {
		require.Equal(t, 1, n, "message %s delivered %d times", body, n)
	}
	for p := 0; p < producers; p++ {
		for i := 0; i < perProducer; i++ {
			require.Contains(t, seen, fmt.Sprintf("%d-%d", p, i))
		}
	}
	assert.Empty(t, e.mock.Messages(e.queue))
	assert.Equal(t, "0", e.attr(e.queue, "ApproximateNumberOfMessagesNotVisible"))
}

// TestConcurrentFifoConsumers: with many consumers, each group is still delivered in order and
// exactly once, because a group is locked while one of its messages is in flight.
func TestConcurrentFifoConsumers(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	const groups, perGroup, consumers = 8, 40, 6
	var wg sync.WaitGroup
	for g := 0; g < groups; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < perGroup; i++ {
				_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue),
					MessageBody: aws.String(fmt.Sprintf("%d", i)), MessageGroupId: aws.String("g" + strconv.Itoa(g)),
					MessageDeduplicationId: aws.String(fmt.Sprintf("%d-%d", g, i))})
				assert.NoError(t, err)
			}
		}(g)
	}
	wg.Wait()

	var mu sync.Mutex
	order := map[string][]string{}
	count := 0
	for c := 0; c < consumers; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				done := count >= groups*perGroup
				mu.Unlock()
				if done {
					return
				}
				out, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), MaxNumberOfMessages: 3,
					MessageSystemAttributeNames: []types.MessageSystemAttributeName{"MessageGroupId"}})
				if !assert.NoError(t, err) {
					return
				}
				if len(out.Messages) == 0 {
					runtime.Gosched()
					continue
				}
				mu.Lock() // record before deleting: the next message of the group can only come after
				for _, m := range out.Messages {
					g := m.Attributes["MessageGroupId"]
					order[g] = append(order[g], aws.ToString(m.Body))
					count++
				}
				mu.Unlock()
				for _, m := range out.Messages {
					assert.NoError(t, e.del(e.queue, aws.ToString(m.ReceiptHandle)))
				}
			}
		}()
	}
	wg.Wait()
	require.Len(t, order, groups)
	for g, got := range order {
		want := make([]string, perGroup)
		for i := range want {
			want[i] = strconv.Itoa(i)
		}
		assert.Equal(t, want, got, "group %s", g)
	}
}

func TestConcurrentCreateQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var wg sync.WaitGroup
	urls := make([]string, 16)
	for i := range urls {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("same")})
			if assert.NoError(t, err) {
				urls[i] = aws.ToString(out.QueueUrl)
			}
		}(i)
	}
	wg.Wait()
	for _, u := range urls {
		assert.Equal(t, urls[0], u)
	}
	assert.Len(t, e.mock.Queues(), 1)
}
