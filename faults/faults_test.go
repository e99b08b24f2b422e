package faults_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
)

// The constructors and builders write the flat rule of the plan file; builders return copies.
func TestRulesInGo(t *testing.T) {
	base := faults.Error("InternalError").On("SendMessage")
	narrowed := base.OnQueue("orders-*").After(1).Times(2).Probability(0.5).Window(time.Second, time.Minute).Named("e")
	assert.Equal(t, `{"kind":"error","operations":["SendMessage"],"probability":1,"errorCode":"InternalError"}`, base.String(),
		"a builder does not change the rule it was called on")
	assert.Equal(t, `{"name":"e","kind":"error","operations":["SendMessage"],"queue":"orders-*","probability":0.5,"times":2,"after":1,"from":"1s","until":"1m0s","errorCode":"InternalError"}`,
		narrowed.String())

	tests := []struct {
		rule faults.Rule
		want string
	}{
		{faults.Throttle(5, 2), `{"kind":"throttle","probability":1,"rate":5,"burst":2}`},
		{faults.Latency(time.Second, 100*time.Millisecond).With(faults.Details{Distribution: "normal"}),
			`{"kind":"latency","probability":1,"latency":"1s","jitter":"100ms","distribution":"normal"}`},
		{faults.ResetBeforeApply(), `{"kind":"reset-before-apply","probability":1}`},
		{faults.ResetAfterApply(), `{"kind":"reset-after-apply","probability":1}`},
		{faults.Timeout(3 * time.Second).With(faults.Details{Applied: true}), `{"kind":"timeout","probability":1,"latency":"3s","applied":true}`},
		{faults.DuplicateDelivery(time.Minute), `{"kind":"duplicate-delivery","probability":1,"delay":"1m0s"}`},
		{faults.DelayedVisibility(time.Second), `{"kind":"delayed-visibility","probability":1,"delay":"1s"}`},
		{faults.FalseEmpty(), `{"kind":"false-empty","probability":1}`},
		{faults.Reorder(), `{"kind":"reorder","probability":1}`},
		{faults.LostDelete().With(faults.Details{BodyContains: "x", Attributes: map[string]string{"a": "b"}}),
			`{"kind":"lost-delete","message":{"bodyContains":"x","attributes":{"a":"b"}},"probability":1}`},
		{faults.StaleHandleDelete(), `{"kind":"stale-handle-delete","probability":1}`},
		{faults.PartialBatchFailure().With(faults.Details{EntryIDs: []string{"1"}, ErrorCode: "ServiceUnavailable", ErrorMessage: "m", QueueRegexp: "^o", BodyRegexp: "b+"}),
			`{"kind":"partial-batch-failure","queueRegexp":"^o","message":{"bodyRegexp":"b+"},"probability":1,"errorCode":"ServiceUnavailable","errorMessage":"m","entryIds":["1"]}`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.rule.String())
		p, err := faults.NewPlan(1, tt.rule)
		require.NoError(t, err, tt.want)
		require.Len(t, p.Rules(), 1)
	}
}

// What a kind cannot take is refused when the rule joins a plan, as in a plan file.
func TestInvalidRules(t *testing.T) {
	for name, r := range map[string]faults.Rule{
		"unknown code":              faults.Error("NoSuchCode"),
		"no code":                   faults.Error(""),
		"no rate":                   faults.Throttle(0, 1),
		"no latency":                faults.Latency(0, 0),
		"operation of another kind": faults.LostDelete().On("SendMessage"),
		"unknown operation":         faults.Reorder().On("Receive"),
		"probability above 1":       faults.Reorder().Probability(1.5),
		"probability 0, unbounded":  faults.Reorder().Probability(0),
		"empty window":              faults.Reorder().Window(time.Minute, time.Second),
		"entry ids, operation kind": faults.Error("InternalError").With(faults.Details{EntryIDs: []string{"1"}}),
		"unknown distribution":      faults.Latency(time.Second, time.Second).With(faults.Details{Distribution: "pareto"}),
		"bad queue regexp":          faults.Reorder().With(faults.Details{QueueRegexp: "("}),
		"zero rule":                 {},
	} {
		_, err := faults.NewPlan(1, r)
		assert.Error(t, err, name)
	}
	_, err := faults.NewPlan(1, faults.LostDelete().Named("x"), faults.Reorder().Named("x"))
	assert.ErrorContains(t, err, "two rules")
	p, err := faults.NewPlan(1, faults.LostDelete().Times(1).Probability(0))
	require.NoError(t, err, "probability 0 on a rule bounded by times means 1")
	assert.Error(t, p.Add(faults.Error("")), "Add checks as NewPlan does")
	assert.Len(t, p.Rules(), 1)
}

// Plan files: YAML and JSON read the same, String writes what Parse reads.
func TestParseAndString(t *testing.T) {
	y, err := faults.Parse([]byte("seed: 3\nrules:\n  - kind: lost-delete\n    times: 1\n"))
	require.NoError(t, err)
	j, err := faults.Parse([]byte(`{"seed": 3, "rules": [{"kind": "lost-delete", "times": 1}]}`))
	require.NoError(t, err)
	assert.Equal(t, y.String(), j.String())
	assert.Equal(t, "seed: 3\nrules:\n  - name: lost-delete#1\n    kind: lost-delete\n    probability: 1\n    times: 1\n", y.String())
	again, err := faults.Parse([]byte(y.String()))
	require.NoError(t, err)
	assert.Equal(t, y.String(), again.String())
	assert.Equal(t, uint64(3), again.Seed())
	_, err = faults.Parse([]byte("seed: 3\nrules:\n  - kind: lost-delete\n    tims: 1\n"))
	assert.ErrorContains(t, err, "tims", "unknown fields are errors")
}

// Every plan the harness saved in this module still loads and is written back as it was saved
// (its comments aside).
func TestSavedPlansLoad(t *testing.T) {
	comment := regexp.MustCompile(`(?m)^#.*\n`)
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") || !strings.Contains(filepath.ToSlash(path), "testdata/explore/") {
			return err
		}
		n++
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		p, err := faults.Load(path)
		require.NoError(t, err, path)
		assert.Equal(t, comment.ReplaceAllString(string(data), ""), p.String(), path)
		return nil
	})
	require.NoError(t, err)
	assert.NotZero(t, n, "no saved plans found")
}
