package zoo

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
)

// onceEach asserts that count(key) is 1 for every key; msg formats a key and its count, e.g.
// "order %s charged %d times".
func onceEach(t *testing.T, keys []string, count func(string) int, msg string) {
	t.Helper()
	for _, k := range keys {
		n := count(k)
		assert.Equal(t, 1, n, msg, k, n)
	}
}

// publish sends bodies to url with a correct Publisher on the client under test, so the fault
// plan acts on the producer too: a retried send may publish a message twice.
func publish(t *testing.T, h *harness.H, url string, bodies []string) {
	t.Helper()
	require.NoError(t, (&Publisher{Client: h.Client(), QueueURL: url}).Publish(h.Ctx(), bodies), "publish")
}

// mustJSON is the JSON of v.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// keys is prefix-00 … prefix-(n-1).
func keys(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%02d", prefix, i)
	}
	return out
}
