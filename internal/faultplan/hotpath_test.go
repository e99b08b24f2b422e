package faultplan

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matchGlob, where it answers, answers as the glob's regular expression does.
func FuzzMatchGlob(f *testing.F) {
	for _, seed := range [][2]string{
		{"orders", "orders"}, {"orders", "orders2"}, {"orders-*", "orders-eu"}, {"orders-*", "orders-\n"},
		{"*-dlq", "jobs-dlq"}, {"*-dlq", "a\nb-dlq"}, {"*eu*", "orders-eu-1"}, {"*eu*", "e\nu"}, {"*", ""},
		{"*", "\n"}, {"**", "x"}, {"*\n*", "a\nb"}, {"o?ders", "orders"}, {"a*b", "ab"}, {"ø*", "øx"},
		{"orders", "orders\xff"}, {"*s", "\xffs"}, {"https://*/q", "https://h/q"}, {"\\d", "\\d"}, {"", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, glob, s string) {
		m, ok := matchGlob(glob, s)
		if !ok {
			return
		}
		re, err := globRegexp(glob)
		require.NoError(t, err)
		if want := re.MatchString(s); m != want {
			t.Fatalf("matchGlob(%q, %q) = %v; %s matches: %v", glob, s, m, re, want)
		}
	})
}

// The shapes of globs matchGlob answers for.
func TestMatchGlobAnswers(t *testing.T) {
	for _, g := range []string{"orders", "orders-*", "*-dlq", "*eu*", "*", ""} {
		_, ok := matchGlob(g, "x")
		assert.True(t, ok, g)
	}
	for _, g := range []string{"o?ders", "a*b", "ø*", "*\n*"} {
		_, ok := matchGlob(g, "x")
		assert.False(t, ok, g)
	}
}

// Decisions follow every change to the rules: the rules a decision tries are remembered per
// operation, and forgotten when the rules change.
func TestDecisionsFollowRuleChanges(t *testing.T) {
	p := MustPlan(t, 1, Rule{Name: "err", Kind: Error, ErrorCode: "InternalError", Operations: []string{"SendMessage"}, Probability: 1})
	send := Call{Operation: "SendMessage", QueueURL: "https://sqs.us-east-1.amazonaws.com/000000000000/q"}
	receive := Call{Operation: "ReceiveMessage", QueueURL: send.QueueURL}
	decide := func(c Call) Decision { return p.Decide(c) }
	delay := func() time.Duration {
		return p.DecideMessage(send, Message{Body: "b"}).ExtraDelay
	}

	assert.NotNil(t, decide(send).Error)
	assert.Nil(t, decide(receive).Error)
	assert.Zero(t, delay())

	require.NoError(t, p.Add(Rule{Name: "fe", Kind: FalseEmpty, Probability: 1}, Rule{Name: "dv", Kind: DelayedVisibility, Delay: time.Second, Probability: 1}))
	assert.True(t, decide(receive).FalseEmpty, "after Add")
	assert.Equal(t, time.Second, delay(), "after Add")

	assert.True(t, p.Remove("err"))
	assert.Nil(t, decide(send).Error, "after Remove")

	require.NoError(t, p.SetRules(Rule{Name: "lat", Kind: Latency, Latency: time.Minute, Probability: 1}))
	assert.Equal(t, time.Minute, decide(send).Latency, "after SetRules")
	assert.False(t, decide(receive).FalseEmpty, "after SetRules")
	assert.Zero(t, delay(), "after SetRules")

	p.Clear()
	assert.Zero(t, decide(send), "after Clear")
}
