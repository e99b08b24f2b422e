package harness_test

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// failingTB is a test that has failed: the harness writes its trace at cleanup, which the test
// runs by hand.
type failingTB struct {
	testing.TB
	name     string
	cleanups []func()
}

func (f *failingTB) Failed() bool      { return true }
func (f *failingTB) Name() string      { return f.name }
func (f *failingTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *failingTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// pageData is the model a trace page embeds.
func pageData(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	page := string(b)
	start := strings.Index(page, `id="trace-data">`) + len(`id="trace-data">`)
	end := strings.Index(page[start:], "</script>")
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(page[start:start+end]), &m))
	return m
}

func kinds(m map[string]any) []string {
	var out []string
	for _, e := range m["events"].([]any) {
		out = append(out, e.(map[string]any)["kind"].(string))
	}
	return out
}

// TestTraceWrittenWhenTheTestFails: a failing test on the mock leaves dir/<name>.html with the
// mock's trace; SQSHARNESS_TRACE_DIR is the same as WithTrace.
func TestTraceWrittenWhenTheTestFails(t *testing.T) {
	for _, b := range []harness.Backend{"mock", "server"} {
		t.Run(string(b), func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("SQSHARNESS_TRACE_DIR", dir)
			t.Setenv("SQSHARNESS_TRACE", "")
			ft := &failingTB{TB: t, name: "TestConsumer/seed 1"}
			h := harness.New(ft, func(o *harness.Options) { o.Backend = b })
			q := h.Queue("jobs", map[string]string{"VisibilityTimeout": "5"})
			h.SendBodies(q, harness.Bodies("msg", 2))
			h.Receive(q, 2, time.Second)
			ft.runCleanups()
			m := pageData(t, filepath.Join(dir, "TestConsumer_seed_1.html"))
			assert.Equal(t, "TestConsumer/seed 1", m["title"])
			assert.Equal(t, false, m["client"], "the mock's own trace")
			assert.Contains(t, m["source"], "sqsmock")
			k := kinds(m)
			assert.Contains(t, k, string("queue.created"))
			assert.Contains(t, k, string("message.sent"))
			assert.Contains(t, k, string("message.received"))
			assert.Len(t, m["lanes"], 2)
		})
	}
}

// TestTraceNotWrittenWhenTheTestPasses, unless SQSHARNESS_TRACE=always.
func TestTraceNotWrittenWhenTheTestPasses(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SQSHARNESS_TRACE", "")
	t.Run("passes", func(t *testing.T) {
		h := harness.New(t, func(o *harness.Options) { o.TraceDir = dir })
		h.SendBodies(h.Queue("jobs", nil), harness.Bodies("msg", 1))
	})
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)

	t.Setenv("SQSHARNESS_TRACE", "always")
	t.Run("passes always", func(t *testing.T) {
		harness.Test(t, func(t *testing.T, h *harness.H) { h.SendBodies(h.Queue("jobs", nil), harness.Bodies("msg", 1)) }, func(o *harness.Options) { o.TraceDir = dir })
	})
	assert.FileExists(t, filepath.Join(dir, "TestTraceNotWrittenWhenTheTestPasses_passes_always.html"))
}

// TestTraceClientViewOnARemoteBackend: on a backend the harness cannot look inside (here the
// mock's server taken for ElasticMQ at an explicit endpoint), the page is the client's view: its
// calls and answers, with the client-placed plan's injections. A lost delete shows as a delete
// that succeeded, its fault, and the message received again.
func TestTraceClientViewOnARemoteBackend(t *testing.T) {
	srv := sqsmock.NewServer(t)
	dir := t.TempDir()
	t.Setenv("SQSHARNESS_TRACE", "")
	ft := &failingTB{TB: t, name: "TestRemote"}
	plan := mustPlan(t, 1, faults.LostDelete().Named("lose-it").Times(1))
	h := harness.New(ft, func(o *harness.Options) { o.Backend = "elasticmq" }, func(o *harness.Options) { o.Endpoint = srv.URL }, func(o *harness.Options) { o.TraceDir = dir }, func(o *harness.Options) { o.Faults = plan })
	q := h.Queue("jobs", map[string]string{"VisibilityTimeout": "1"})
	h.SendBodies(q, harness.Bodies("msg", 1))
	api := h.Client()
	out, err := api.ReceiveMessage(h.Ctx(), receiveInput(q))
	require.NoError(t, err)
	require.Len(t, out.Messages, 1)
	_, err = api.DeleteMessage(h.Ctx(), deleteInput(q, out.Messages[0].ReceiptHandle))
	require.NoError(t, err, "a lost delete reports success")
	time.Sleep(1100 * time.Millisecond)
	out, err = api.ReceiveMessage(h.Ctx(), receiveInput(q))
	require.NoError(t, err)
	require.Len(t, out.Messages, 1, "the message came back")
	ft.runCleanups()

	m := pageData(t, filepath.Join(dir, "TestRemote.html"))
	assert.Equal(t, true, m["client"])
	assert.Contains(t, m["source"], "elasticmq at "+srv.URL)
	k := strings.Join(kinds(m), " ")
	assert.Contains(t, k, "message.sent message.received fault message.deleted message.received")
	findings := m["findings"].([]any)
	require.NotEmpty(t, findings)
	assert.Contains(t, findings[0].(map[string]any)["text"], "received again")
}

// TestTraceClientViewOnThePeers: on LocalStack, ElasticMQ and moto themselves, a passing test with
// SQSHARNESS_TRACE=always writes the client-side page: the client's send, receive and delete,
// the duplicate delivery that the plan's client placement injected (its fault event with the
// rule's name, on the message), the copy received after the delete, found as a duplicate, and
// the page saying it is a client-side view.
func TestTraceClientViewOnThePeers(t *testing.T) {
	t.Setenv("SQSHARNESS_TRACE", "always")
	for _, b := range []harness.Backend{"localstack", "elasticmq", "moto"} {
		dir := t.TempDir()
		var id, queue string
		t.Run(string(b), func(t *testing.T) {
			shorttest.SkipRealBackend(t, b)
			plan := mustPlan(t, 1, faults.DuplicateDelivery(0).Named("dup-once").On("ReceiveMessage").OnQueue("*trace-peer*").Times(1))
			h := harness.New(t, func(o *harness.Options) { o.Backend = b }, func(o *harness.Options) { o.TraceDir = dir }, func(o *harness.Options) { o.Faults = plan })
			q := h.Queue("trace-peer", map[string]string{"VisibilityTimeout": "30"})
			api := h.Client()
			sent, err := api.SendMessage(h.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String(`{"order":"o-1"}`)})
			require.NoError(t, err)
			out, err := api.ReceiveMessage(h.Ctx(), receiveInput(q))
			require.NoError(t, err)
			require.Len(t, out.Messages, 1)
			_, err = api.DeleteMessage(h.Ctx(), deleteInput(q, out.Messages[0].ReceiptHandle))
			require.NoError(t, err)
			again, err := api.ReceiveMessage(h.Ctx(), receiveInput(q))
			require.NoError(t, err)
			require.Len(t, again.Messages, 1, "the duplicate copy comes to the next receive")
			assert.Equal(t, aws.ToString(sent.MessageId), aws.ToString(again.Messages[0].MessageId))
			require.Len(t, plan.Injections(), 1)
			id, queue = aws.ToString(sent.MessageId), path.Base(q)
		})
		if id == "" {
			continue // skipped, or failed before the page could say anything
		}
		t.Run(string(b)+" page", func(t *testing.T) {
			file := filepath.Join(dir, "TestTraceClientViewOnThePeers_"+string(b)+".html")
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			assert.True(t, strings.Contains(string(raw), `<div id="view-kind" class="client">Client-side view: only what the client saw`), "the page says it is the client's view")
			m := pageData(t, file)
			assert.Equal(t, true, m["client"])
			assert.Contains(t, m["source"], string(b)+" at http")
			var mine []string // the events of the message, as kind/operation/rule
			for _, e := range m["events"].([]any) {
				ev := e.(map[string]any)
				if ev["messageId"] != id {
					continue
				}
				assert.Equal(t, queue, ev["queue"])
				k := ev["kind"].(string)
				if r, _ := ev["rule"].(string); r != "" {
					k += "(" + r + ")"
				}
				mine = append(mine, k)
			}
			assert.Equal(t, []string{"message.sent", "fault(dup-once)", "message.received", "message.deleted", "message.received"}, mine,
				"the client's send, the injection, its receive, its delete and the copy received after it")
			lanes := m["lanes"].([]any)
			require.Len(t, lanes, 1)
			lane := lanes[0].(map[string]any)
			assert.Equal(t, id, lane["id"])
			assert.Contains(t, lane["flags"], "duplicate")
			assert.Contains(t, lane["flags"], "fault")
			findings := m["findings"].([]any)
			require.NotEmpty(t, findings)
			f := findings[0].(map[string]any)
			assert.Equal(t, "duplicate", f["kind"])
			assert.Equal(t, "dup-once", f["rule"])
			assert.Contains(t, f["text"], "after it was deleted, after fault dup-once (duplicate-delivery)")
		})
	}
}

func receiveInput(q string) *sqs.ReceiveMessageInput {
	return &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), MaxNumberOfMessages: 10, MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}}
}

func deleteInput(q string, rh *string) *sqs.DeleteMessageInput {
	return &sqs.DeleteMessageInput{QueueUrl: aws.String(q), ReceiptHandle: rh}
}
