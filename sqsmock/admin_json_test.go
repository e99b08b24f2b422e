package sqsmock_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// camelCase is a JSON key the server may write: a lower-case letter, then letters and digits.
var camelCase = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// userKeyed are keys whose value is a map keyed by user data (message attribute names), not by
// the server's schema; their keys are not checked.
var userKeyed = map[string]bool{"attributes": true}

// checkCamelCase fails on every object key in v that is not camelCase and adds every key to seen.
func checkCamelCase(t *testing.T, where string, v any, seen map[string]bool) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			seen[k] = true
			assert.Regexp(t, camelCase, k, "%s: key %q is not camelCase", where, k)
			if !userKeyed[k] {
				checkCamelCase(t, where+"."+k, child, seen)
			}
		}
	case []any:
		for _, child := range v {
			checkCamelCase(t, where+"[]", child, seen)
		}
	}
}

// TestAdminJSONKeysAreCamelCase walks every JSON answer of the health and admin endpoints,
// including error bodies and a fault plan that has injected faults, and fails on any key that is
// not camelCase.
func TestAdminJSONKeysAreCamelCase(t *testing.T) {
	plan := mustPlan(t, 1,
		faults.Error("RequestThrottled").Named("throttle-once").On("SendMessage").Times(1),
		faults.PartialBatchFailure().Named("fail-e2").With(faults.Details{ErrorCode: "InternalError", EntryIDs: []string{"e2"}}),
		faults.LostDelete().Named("lose-delete").Times(1),
		faults.LostDelete().Named("tenant").Probability(0.5).With(faults.Details{Attributes: map[string]string{"Tenant_ID": "nobody"}}),
		faults.Latency(1, 1).Named("slow-list").On("ListQueues"),
	)
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "boot"}}; o.Faults = plan })
	})
	ctx := context.Background()
	c := srv.SDKClient()
	q := aws.String(srv.URL + "/000000000000/boot")
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x")})
	require.NoError(t, err, "retried after the throttle")
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("e1"), MessageBody: aws.String("1")}, {Id: aws.String("e2"), MessageBody: aws.String("2")}}})
	require.NoError(t, err)
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, MaxNumberOfMessages: 1})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q, ReceiptHandle: got.Messages[0].ReceiptHandle})
	require.NoError(t, err)
	_, err = c.ListQueues(ctx, &sqs.ListQueuesInput{})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(plan.Injections()), 4)

	const validJSON = `{"seed": 3, "rules": [{"name": "r", "kind": "lost-delete", "probability": 0.5,
		"message": {"attributes": {"Tenant_ID": "x"}}, "operations": ["DeleteMessage"]}]}`
	const validYAML = "seed: 3\nrules:\n  - {name: r, kind: latency, latency: 1ms, from: 1s, until: 2s, times: 2, after: 1}\n"
	steps := []struct {
		method, path, contentType, body string
		status                          int
	}{
		{"GET", "/health", "", "", 200},
		{"GET", "/_sqsmock/health", "", "", 200},
		{"GET", "/_sqsmock/queues", "", "", 200},
		{"GET", "/_sqsmock/topics", "", "", 200},
		{"GET", "/_sqsmock/faults", "", "", 200}, // the plan above, with its injections
		{"PUT", "/_sqsmock/faults", "application/json", validJSON, 200},
		{"PUT", "/_sqsmock/faults", "application/yaml", validYAML, 200},
		{"PUT", "/_sqsmock/faults", "application/json", `{"rules": [{"kind": "error"}]}`, 400},
		{"PUT", "/_sqsmock/faults", "application/json", `{"rules": [{"kind": "reorder", "probability": 0}]}`, 400},
		{"PUT", "/_sqsmock/faults", "application/json", `{"seed": 1, "unknown": true}`, 400},
		{"PUT", "/_sqsmock/faults", "application/json", strings.Repeat(" ", 1<<20+1), 400},
		{"DELETE", "/_sqsmock/faults", "", "", 200},
		{"GET", "/_sqsmock/faults", "", "", 200}, // no plan
		{"POST", "/_sqsmock/reset", "", "", 200},
	}
	seen := map[string]bool{}
	for _, s := range steps {
		where := s.method + " " + s.path
		req, err := http.NewRequest(s.method, srv.URL+s.path, strings.NewReader(s.body))
		require.NoError(t, err)
		if s.contentType != "" {
			req.Header.Set("Content-Type", s.contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err, where)
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err, where)
		require.Equal(t, s.status, resp.StatusCode, "%s: %s", where, data)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), where)
		var v any
		require.NoError(t, json.Unmarshal(data, &v), "%s: %s", where, data)
		checkCamelCase(t, where, v, seen)
	}

	// The walk covered every kind of key the endpoints write, so a new PascalCase or snake_case
	// key in any of them fails it.
	for _, k := range []string{"status", "region", "account", "queues", "name", "arn", "fifo", "ready", "inFlight", "delayed",
		"plan", "seed", "rules", "kind", "operations", "probability", "times", "after", "from", "until", "errorCode",
		"entryIds", "message", "attributes", "latency", "jitter", "injections", "rule", "operation", "queue", "messageId",
		"entryId", "detail", "time", "error"} {
		assert.True(t, seen[k], "no endpoint wrote %q; seen: %v", k, slices.Sorted(func(yield func(string) bool) {
			for k := range seen {
				if !yield(k) {
					return
				}
			}
		}))
	}
}
