package faultplan_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/sqsharness/sqsharness/internal/faultplan"
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

var wantRules = []faultplan.Rule{
	{Name: "throttle-sends", Kind: faultplan.Error, ErrorCode: "RequestThrottled", Operations: []string{"SendMessage"},
		Queue: "orders-*", Probability: 0.2, Times: 5, After: 1, From: time.Second, Until: 90 * time.Second},
	{Name: "slow", Kind: faultplan.Latency, Latency: 250 * time.Millisecond, Jitter: 50 * time.Millisecond, Distribution: faultplan.Normal, Probability: 1},
	{Name: "poison", Kind: faultplan.PartialBatchFailure, ErrorCode: "InvalidParameterValue",
		Message: &faultplan.MessagePredicate{BodyContains: "poison", Attributes: map[string]string{"tenant": "acme"}}, EntryIDs: []string{"a", "b"}, Probability: 1},
	{Name: "late", Kind: faultplan.DelayedVisibility, Delay: 2 * time.Second, QueueRegexp: "^orders", Probability: 1},
	{Name: "bucket", Kind: faultplan.Throttle, Rate: 10, Burst: 5, Probability: 1},
	{Name: "hang", Kind: faultplan.Timeout, Latency: 5 * time.Second, Applied: true, Probability: 1},
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte) (*faultplan.Plan, error)
		data  string
	}{
		{"json", faultplan.Parse, planJSON},
		{"yaml", faultplan.Parse, planYAML},
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
	p := faultplan.MustPlan(t, 7, wantRules...)
	j, err := json.Marshal(p)
	require.NoError(t, err)
	pj, err := faultplan.Parse(j)
	require.NoError(t, err)
	assert.Equal(t, wantRules, pj.Rules())
	assert.Equal(t, uint64(7), pj.Seed())

	y, err := yaml.Marshal(p)
	require.NoError(t, err)
	py, err := faultplan.Parse(y)
	require.NoError(t, err, string(y))
	assert.Equal(t, wantRules, py.Rules())
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte) (*faultplan.Plan, error)
		data  string
		want  string
	}{
		{"json unknown field", faultplan.Parse, `{"rules":[{"kind":"reorder","probabilty":0.5}]}`, "probabilty"},
		{"json unknown plan field", faultplan.Parse, `{"sed":1}`, "sed"},
		{"json bad duration", faultplan.Parse, `{"rules":[{"kind":"latency","latency":"fast"}]}`, "latency"},
		{"json invalid rule", faultplan.Parse, `{"rules":[{"kind":"error"}]}`, "errorCode"},
		{"yaml unknown field", faultplan.Parse, "rules:\n  - kind: reorder\n    probabilty: 0.5\n", "probabilty"},
		{"yaml bad duration", faultplan.Parse, "rules:\n  - kind: latency\n    latency: 5\n", "latency"},
		{"yaml invalid rule", faultplan.Parse, "rules:\n  - kind: throttle\n", "rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.parse([]byte(tt.data))
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestProbabilityInFiles: an omitted probability means 1, an explicit 0 is the error a Go rule
// with Probability 0 gets, a probability outside (0, 1] is refused, and a marshalled plan always
// writes its probabilities.
func TestProbabilityInFiles(t *testing.T) {
	const zeroErr = `faults: rule "r" (reorder): probability 0 never fires; give a probability in (0, 1] (1: every match)`
	tests := []struct {
		name  string
		parse func([]byte) (*faultplan.Plan, error)
		data  string
		want  float64 // the parsed probability, when err is empty
		err   string
	}{
		{"json omitted", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder"}]}`, 1, ""},
		{"json half", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder","probability":0.5}]}`, 0.5, ""},
		{"json one", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder","probability":1}]}`, 1, ""},
		{"json zero", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder","probability":0}]}`, 0, zeroErr},
		{"json zero float", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder","probability":0.0}]}`, 0, zeroErr},
		{"json above one", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder","probability":1.5}]}`, 0, "probability 1.5 is not in (0, 1]"},
		{"json negative", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder","probability":-0.5}]}`, 0, "probability -0.5 is not in (0, 1]"},
		{"json zero with times", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder","probability":0,"times":1}]}`, 1, ""},
		{"yaml zero throttle", faultplan.Parse, "rules:\n  - name: r\n    kind: throttle\n    rate: 1\n    probability: 0\n", 1, ""},
		{"json null", faultplan.Parse, `{"rules":[{"name":"r","kind":"reorder","probability":null}]}`, 1, ""},
		{"yaml omitted", faultplan.Parse, "rules:\n  - name: r\n    kind: reorder\n", 1, ""},
		{"yaml half", faultplan.Parse, "rules:\n  - name: r\n    kind: reorder\n    probability: 0.5\n", 0.5, ""},
		{"yaml zero", faultplan.Parse, "rules:\n  - name: r\n    kind: reorder\n    probability: 0\n", 0, zeroErr},
		{"yaml above one", faultplan.Parse, "rules:\n  - name: r\n    kind: reorder\n    probability: 2\n", 0, "probability 2 is not in (0, 1]"},
		{"yaml negative", faultplan.Parse, "rules:\n  - name: r\n    kind: reorder\n    probability: -1\n", 0, "probability -1 is not in (0, 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.parse([]byte(tt.data))
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, p.Rules(), 1)
			assert.Equal(t, tt.want, p.Rules()[0].Probability)
		})
	}

	t.Run("a single rule", func(t *testing.T) {
		var j, y faultplan.Rule
		require.NoError(t, json.Unmarshal([]byte(`{"kind":"reorder"}`), &j))
		require.NoError(t, yaml.Unmarshal([]byte("kind: reorder\n"), &y))
		assert.Equal(t, 1.0, j.Probability)
		assert.Equal(t, 1.0, y.Probability)
	})

	t.Run("marshalled plans write the probability", func(t *testing.T) {
		p := faultplan.MustPlan(t, 3, faultplan.Rule{Name: "always", Kind: faultplan.Reorder, Probability: 1},
			faultplan.Rule{Name: "half", Kind: faultplan.Reorder, Probability: 0.5})
		j, err := json.Marshal(p)
		require.NoError(t, err)
		var doc struct {
			Rules []map[string]any `json:"rules"`
		}
		require.NoError(t, json.Unmarshal(j, &doc))
		require.Len(t, doc.Rules, 2)
		assert.Equal(t, 1.0, doc.Rules[0]["probability"], string(j))
		assert.Equal(t, 0.5, doc.Rules[1]["probability"], string(j))

		y, err := yaml.Marshal(p)
		require.NoError(t, err)
		var ydoc struct {
			Rules []map[string]any `yaml:"rules"`
		}
		require.NoError(t, yaml.Unmarshal(y, &ydoc))
		require.Len(t, ydoc.Rules, 2)
		assert.EqualValues(t, 1, ydoc.Rules[0]["probability"], string(y))
		assert.Equal(t, 0.5, ydoc.Rules[1]["probability"], string(y))
	})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"plan.json": planJSON, "plan.yaml": planYAML, "plan.yml": planYAML} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
		p, err := faultplan.Load(path)
		require.NoError(t, err, name)
		assert.Equal(t, wantRules, p.Rules(), name)
	}
	_, err := faultplan.Load(filepath.Join(dir, "missing.json"))
	assert.Error(t, err)
}

func TestInjectionEncoding(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	full := faultplan.Injection{Rule: "r", Kind: string(faultplan.LostDelete), Operation: "DeleteMessageBatch", Queue: "q",
		MessageID: "m-1", EntryID: "e-1", Detail: "lost", Time: at}
	j, err := json.Marshal(full)
	require.NoError(t, err)
	assert.JSONEq(t, `{"rule":"r","kind":"lost-delete","operation":"DeleteMessageBatch","queue":"q","messageId":"m-1",
		"entryId":"e-1","detail":"lost","time":"2025-01-02T03:04:05Z"}`, string(j))
	var back faultplan.Injection
	require.NoError(t, json.Unmarshal(j, &back))
	assert.Equal(t, full, back)

	j, err = json.Marshal(faultplan.Injection{Rule: "r", Kind: string(faultplan.Error), Operation: "ListQueues", Time: at})
	require.NoError(t, err)
	assert.JSONEq(t, `{"rule":"r","kind":"error","operation":"ListQueues","time":"2025-01-02T03:04:05Z"}`, string(j),
		"empty optional fields are omitted")

	y, err := yaml.Marshal(full)
	require.NoError(t, err)
	assert.Contains(t, string(y), "messageId: m-1\n")
	assert.Contains(t, string(y), "entryId: e-1\n")
}

// A plan file names SNS's operations as it names SQS's; the engine takes them, the client
// placement (an *sqs.Client's middleware) refuses them, and each operation's error codes are its
// own service's.
func TestSNSRulesInFiles(t *testing.T) {
	p, err := faultplan.Parse([]byte(`seed: 7
rules:
  - name: publish-throttled
    kind: error
    errorCode: Throttling
    operations: [Publish, PublishBatch]
    queue: "orders*"
    times: 3
  - name: twice
    kind: duplicate-delivery
    operations: [Publish]
    queue: billing
    message: {attributes: {kind: created}}
  - name: entries
    kind: partial-batch-failure
    errorCode: KMSThrottling
    operations: [PublishBatch]
`))
	require.NoError(t, err)
	require.NoError(t, p.Validate(faultplan.Engine))
	assert.ErrorContains(t, p.Validate(faultplan.Client), "SNS delivers into queues inside SNS, out of a client's reach", "the client placement has no deliveries")
	calls, err := faultplan.Parse([]byte("seed: 1\nrules:\n  - {kind: latency, latency: 1s, operations: [Publish], message: {bodyContains: x}}\n" +
		"  - {kind: partial-batch-failure, operations: [PublishBatch]}\n"))
	require.NoError(t, err)
	assert.NoError(t, calls.Validate(faultplan.Client), "a client's own SNS calls and batch entries")
	again, err := faultplan.Parse([]byte(p.String()))
	require.NoError(t, err)
	assert.Equal(t, p.Rules(), again.Rules(), "the file form round-trips")

	for _, bad := range []struct{ rule, want string }{
		{`{kind: error, errorCode: RequestThrottled, operations: [Publish]}`, `unknown SNS error code "RequestThrottled" for Publish`},
		{`{kind: error, errorCode: Throttling, operations: [Publish, SendMessage]}`, `unknown error code "Throttling"`},
		{`{kind: lost-delete, operations: [Publish]}`, "cannot apply to Publish"},
		{`{kind: partial-batch-failure, operations: [Publish]}`, "cannot apply to Publish"},
		{`{kind: error, errorCode: InternalError, operations: [Publsh]}`, `unknown operation "Publsh"`},
	} {
		_, err := faultplan.Parse([]byte("seed: 1\nrules:\n  - " + bad.rule + "\n"))
		assert.ErrorContains(t, err, bad.want, bad.rule)
	}
}
