package memo

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Get returns f's result for every key, calling f again only for a key it does not hold.
func TestGet(t *testing.T) {
	var c Cache[int]
	calls := 0
	length := func(s string) int { calls++; return len(s) }
	assert.Equal(t, 3, c.Get("abc", length))
	assert.Equal(t, 3, c.Get("abc", length))
	assert.Equal(t, 1, calls, "the second call is a hit")
	assert.Equal(t, 0, c.Get("", length))
	for i := range 100 { // more keys than slots: every answer is still f's
		k := strconv.Itoa(i * 7919)
		assert.Equal(t, len(k), c.Get(k, length))
	}
}

// A hit does not allocate.
func TestGetHitAllocs(t *testing.T) {
	var c Cache[[2]string]
	split := func(s string) [2]string { return [2]string{s[:1], s[1:]} }
	key := "https://sqs.us-east-1.amazonaws.com/000000000000/q"
	c.Get(key, split)
	assert.Zero(t, testing.AllocsPerRun(100, func() { c.Get(key, split) }))
}

// Concurrent gets of many keys each return f's result (run with -race).
func TestGetConcurrent(t *testing.T) {
	var c Cache[string]
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 1000 {
				k := strconv.Itoa(g*1000 + i%13)
				if got := c.Get(k, func(s string) string { return "v" + s }); got != "v"+k {
					t.Errorf("Get(%q) = %q", k, got)
				}
			}
		})
	}
	wg.Wait()
}
