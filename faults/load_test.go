package faults_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/sqsharness/sqsharness/faults"
)

const planJSON = `{
  "seed": 42,
  "rules": [
    {"name": "throttle-sends", "kind": "error", "errorCode": "RequestThrottled",
     "operations": ["SendMessage"], "queue": "orders-*", "probability": 0.2, "times": 5, "after": 1,
     "from": "1s", "until": "1m30s"},
    {"name": "slow", "kind": "latency", "latency": "250ms", "jitter": "50ms", "distribution": "normal"},
    {"name": "poison", "kind": "partial-batch-failure", "errorCode": "InvalidParameterValue",
     "message": {"bodyContains": "poison", "attributes": {"tenant": "acme"}}, "entryIds": ["a", "b"]},
    {"name": "late", "kind": "delayed-visibility", "delay": "2s", "queueRegexp": "^orders"},
    {"name": "bucket", "kind": "throttle", "rate": 10, "burst": 5},
    {"name": "hang", "kind": "timeout", "latency": "5s", "applied": true}
  ]
}`

const planYAML = `
seed: 42
rules:
  - name: throttle-sends
    kind: error
    errorCode: RequestThrottled
    operations: [SendMessage]
    queue: "orders-*"
    probability: 0.2
    times: 5
    after: 1
    from: 1s
    until: 1m30s
  - name: slow
    kind: latency
    latency: 250ms
    jitter: 50ms
    distribution: normal
  - name: poison
    kind: partial-batch-failure
    errorCode: InvalidParameterValue
    message:
      bodyContains: poison
      attributes: {tenant: acme}
    entryIds: [a, b]
  - name: late
    kind: delayed-visibility
    delay: 2s
    queueRegexp: ^orders
  - name: bucket
    kind: throttle
    rate: 10
    burst: 5
  - name: hang
    kind: timeout
    latency: 5s
    applied: true
`

var wantRules = []faults.Rule{
	{Name: "throttle-sends", Kind: faults.Error, ErrorCode: "RequestThrottled", Operations: []string{"SendMessage"},
		Queue: "orders-*", Probability: 0.2, Times: 5, After: 1, From: time.Second, Until: 90 * time.Second},
	{Name: "slow", Kind: faults.Latency, Latency: 250 * time.Millisecond, Jitter: 50 * time.Millisecond, Distribution: faults.Normal},
	{Name: "poison", Kind: faults.PartialBatchFailure, ErrorCode: "InvalidParameterValue",
		Message: &faults.MessagePredicate{BodyContains: "poison", Attributes: map[string]string{"tenant": "acme"}}, EntryIDs: []string{"a", "b"}},
	{Name: "late", Kind: faults.DelayedVisibility, Delay: 2 * time.Second, QueueRegexp: "^orders"},
	{Name: "bucket", Kind: faults.Throttle, Rate: 10, Burst: 5},
	{Name: "hang", Kind: faults.Timeout, Latency: 5 * time.Second, Applied: true},
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte) (*faults.Plan, error)
		data  string
	}{
		{"json", faults.ParseJSON, planJSON},
		{"yaml", faults.ParseYAML, planYAML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.parse([]byte(tt.data))
			require.NoError(t, err)
			assert.Equal(t, uint64(42), p.Seed())
			assert.Equal(t, wantRules, p.Rules())
		})
	}
}

func TestRoundTrip(t *testing.T) {
	p := faults.MustPlan(7, wantRules...)
	j, err := json.Marshal(p)
	require.NoError(t, err)
	pj, err := faults.ParseJSON(j)
	require.NoError(t, err)
	assert.Equal(t, wantRules, pj.Rules())
	assert.Equal(t, uint64(7), pj.Seed())

	y, err := yaml.Marshal(p)
	require.NoError(t, err)
	py, err := faults.ParseYAML(y)
	require.NoError(t, err, string(y))
	assert.Equal(t, wantRules, py.Rules())
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte) (*faults.Plan, error)
		data  string
		want  string
	}{
		{"json unknown field", faults.ParseJSON, `{"rules":[{"kind":"reorder","probabilty":0.5}]}`, "probabilty"},
		{"json unknown plan field", faults.ParseJSON, `{"sed":1}`, "sed"},
		{"json bad duration", faults.ParseJSON, `{"rules":[{"kind":"latency","latency":"fast"}]}`, "latency"},
		{"json invalid rule", faults.ParseJSON, `{"rules":[{"kind":"error"}]}`, "errorCode"},
		{"yaml unknown field", faults.ParseYAML, "rules:\n  - kind: reorder\n    probabilty: 0.5\n", "probabilty"},
		{"yaml bad duration", faults.ParseYAML, "rules:\n  - kind: latency\n    latency: 5\n", "latency"},
		{"yaml invalid rule", faults.ParseYAML, "rules:\n  - kind: throttle\n", "rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.parse([]byte(tt.data))
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"plan.json": planJSON, "plan.yaml": planYAML, "plan.yml": planYAML} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
		p, err := faults.Load(path)
		require.NoError(t, err, name)
		assert.Equal(t, wantRules, p.Rules(), name)
	}
	_, err := faults.Load(filepath.Join(dir, "missing.json"))
	assert.Error(t, err)
}
