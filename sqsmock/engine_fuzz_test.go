package sqsmock_test

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/wire"
)

// The engine fuzz targets drive decoded requests through the whole mock (its HTTP handler, the
// fault plan, the engine) on a small fixed set of queues, and check after each request:
//   - nothing panics, and no response is a server error (5xx, or a batch entry failed by the
//     server) except one the test's fault plan injected;
//   - a request that fails changes nothing (the engine's whole state, Mock.EngineSnapshot);
//   - a send adds exactly the messages it answered with new ids, and uses exactly one sequence
//     number for each new FIFO message: a failed batch entry leaves nothing behind;
//   - each id a send answers that no earlier send answered is stored, with the body, and the MD5
//     of body, attributes and system attributes, that the send answered;
//   - a receive returns only messages that were stored, with the MD5s of what it returns;
//   - the engine's structures agree with each other (Mock.CheckEngine).
//
// An input is a script of up to fuzzMaxSteps steps separated by zero bytes. A step's first byte
// says what it is: 0xE0 and above wait 2^(b-0xE0) seconds (at most 2^20) on the bubble's clock;
// below that, for FuzzEngineJSON, the operation (index into wire.Operations(), as in
// FuzzJSONDecode, modulo their number) whose JSON body the rest is, and for FuzzEngineQuery the
// request path (b mod 6: "/" or one queue's URL path) of the form body the rest is. In a body, $R0..$R9 stand for the
// receipt handles received so far, the most recent first, and $T for the last move task handle.
// Each input runs in a testing/synctest bubble, so long polls and move tasks run on fake time.

// fuzzTrace logs each request and response (SQSHARNESS_FUZZ_TRACE=1), to read what an input does.
var fuzzTrace = os.Getenv("SQSHARNESS_FUZZ_TRACE") != ""

const (
	fuzzAccount  = "123456789012"
	fuzzMarker   = "injected by the fuzz plan"
	fuzzMaxSteps = 12
	fuzzMaxQueue = 8 // the mock's limits: queues and messages
	fuzzMaxMsgs  = 8
	fuzzWaitStep = 0xE0
)

// fuzzQueues are the fixed queues, in the order FuzzEngineQuery's path byte picks them.
var fuzzQueues = []string{"orders", "dlq", "orders.fifo", "dlq.fifo", "cbd.fifo"}

// fuzzPlan fails, delays, duplicates and loses chosen messages, every time, and FalseEmpty and
// Reorder some receives. Every error it injects says fuzzMarker.
func fuzzPlan(t *testing.T) *faults.Plan {
	return mustPlan(t, 1,
		faults.Error("InternalError").Named("send-500").On("SendMessage").With(faults.Details{BodyContains: "fault-500", ErrorMessage: fuzzMarker}),
		faults.Error("ServiceUnavailable").Named("attrs-503").On("GetQueueAttributes").OnQueue("dlq").Probability(0.5).With(faults.Details{ErrorMessage: fuzzMarker}),
		faults.Error("RequestThrottled").Named("throttled").On("SendMessage").With(faults.Details{BodyContains: "fault-403", ErrorMessage: fuzzMarker}),
		faults.PartialBatchFailure().Named("entries").With(faults.Details{EntryIDs: []string{"fault"}, ErrorCode: "InternalError", ErrorMessage: fuzzMarker}),
		faults.PartialBatchFailure().Named("entry-bodies").On("SendMessageBatch").With(faults.Details{BodyContains: "fault", ErrorCode: "ServiceUnavailable", ErrorMessage: fuzzMarker}),
		faults.LostDelete().Named("lost").With(faults.Details{BodyContains: "lost"}),
		faults.DuplicateDelivery(time.Second).Named("dup").With(faults.Details{BodyContains: "dup"}),
		faults.DelayedVisibility(3*time.Second).Named("slow").With(faults.Details{BodyContains: "slow"}),
		faults.FalseEmpty().Named("empty").Probability(0.2),
		faults.Reorder().Named("reorder").Probability(0.5),
	)
}

// engineFuzz is one input's run.
type engineFuzz struct {
	t        *testing.T
	m        *sqsmock.Mock
	h        http.Handler
	jsonWire bool
	receipts []string        // most recent last
	task     string          // last move task handle
	answered map[string]bool // message ids sends have answered
	known    map[string]bool // message ids seen stored
	calls    int             // calls recorded so far
}

func newEngineFuzz(t *testing.T, jsonWire bool) *engineFuzz {
	m := sqsmock.New(func(o *sqsmock.Options) {
		o.Queues = []sqsmock.Queue{{Name: "dlq"}, {Name: "orders"}, {Name: "orders", DeadLetterQueue: "dlq", MaxReceiveCount: 2}, {Name: "dlq.fifo", Attributes: map[string]string{"FifoQueue": "true"}}, {Name: "orders.fifo", Attributes: map[string]string{"FifoQueue": "true"}}, {Name: "orders.fifo", DeadLetterQueue: "dlq.fifo", MaxReceiveCount: 2}, {Name: "cbd.fifo", Attributes: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"}}}
		o.AccountID = fuzzAccount
		o.MaxQueues = fuzzMaxQueue
		o.MaxMessages = fuzzMaxMsgs
		o.Faults = fuzzPlan(t)
	})
	f := &engineFuzz{t: t, m: m, h: m.Handler(), jsonWire: jsonWire, answered: map[string]bool{}, known: map[string]bool{}}
	c := m.Client()
	for _, in := range []*sqs.SendMessageInput{
		{QueueUrl: aws.String(m.QueueURL("orders")), MessageBody: aws.String("first")},
		{QueueUrl: aws.String(m.QueueURL("orders")), MessageBody: aws.String("second"), MessageAttributes: map[string]types.MessageAttributeValue{
			"n": {DataType: aws.String("Number"), StringValue: aws.String("1")}}},
		{QueueUrl: aws.String(m.QueueURL("orders.fifo")), MessageBody: aws.String("first"), MessageGroupId: aws.String("g1"), MessageDeduplicationId: aws.String("d1")},
		{QueueUrl: aws.String(m.QueueURL("orders.fifo")), MessageBody: aws.String("second"), MessageGroupId: aws.String("g2"), MessageDeduplicationId: aws.String("d2")},
	} {
		out, err := c.SendMessage(t.Context(), in)
		if err != nil {
			t.Fatalf("setting up: %v", err)
		}
		f.answered[aws.ToString(out.MessageId)] = true
	}
	f.calls = len(m.Calls())
	f.check()
	return f
}

// fuzzStep is one step of a script.
type fuzzStep struct {
	head byte
	body []byte
}

// parseScript splits a script into at most fuzzMaxSteps steps.
func parseScript(script []byte) []fuzzStep {
	var steps []fuzzStep
	for _, part := range bytes.Split(script, []byte{0}) {
		if len(part) == 0 {
			continue
		}
		steps = append(steps, fuzzStep{head: part[0], body: part[1:]})
		if len(steps) == fuzzMaxSteps {
			break
		}
	}
	return steps
}

// run runs a script.
func (f *engineFuzz) run(script []byte) {
	for _, s := range parseScript(script) {
		if s.head >= fuzzWaitStep {
			time.Sleep(time.Duration(1<<min(int(s.head-fuzzWaitStep), 20)) * time.Second)
			synctest.Wait()
			f.check()
			continue
		}
		f.step(s)
	}
	if err := f.m.Reset(); err != nil {
		f.t.Fatalf("reset: %v", err)
	}
}

var (
	placeholder   = regexp.MustCompile(`\$R[0-9]|\$T`)
	receiptHandle = regexp.MustCompile(`AQEB[A-Za-z0-9+/]+=*`)
)

// request builds the HTTP request of a step.
func (f *engineFuzz) request(s fuzzStep) *http.Request {
	body := placeholder.ReplaceAllFunc(s.body, func(p []byte) []byte {
		v := string(p)
		switch {
		case v == "$T":
			v = f.task
		case len(f.receipts) > int(p[2]-'0'):
			v = f.receipts[len(f.receipts)-1-int(p[2]-'0')]
		}
		if !f.jsonWire {
			v = url.QueryEscape(v)
		}
		return []byte(v)
	})
	if f.jsonWire {
		ops := wire.Operations()
		req := httptest.NewRequest(http.MethodPost, "http://sqs.test/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", "AmazonSQS."+ops[int(s.head)%len(ops)])
		return req
	}
	path := "/"
	if i := int(s.head) % (len(fuzzQueues) + 1); i > 0 {
		path = "/" + fuzzAccount + "/" + fuzzQueues[i-1]
	}
	req := httptest.NewRequest(http.MethodPost, "http://sqs.test"+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// step sends one request and checks what it did.
func (f *engineFuzz) step(s fuzzStep) {
	t := f.t
	req := f.request(s)
	before := f.m.EngineSnapshot()
	rr := httptest.NewRecorder()
	f.h.ServeHTTP(rr, req)
	if fuzzTrace {
		t.Logf("%s %d %.300s", req.Header.Get("X-Amz-Target"), rr.Code, rr.Body.String())
	}
	synctest.Wait() // move tasks and long polls settle before the state is read
	after := f.m.EngineSnapshot()
	all := f.m.Calls()
	calls := all[f.calls:]
	f.calls = len(all)
	if len(calls) > 1 {
		t.Fatalf("one request made %d calls", len(calls))
	}
	if rr.Code >= 500 && !strings.Contains(rr.Body.String(), fuzzMarker) {
		t.Fatalf("server error %d that no fault injected: %s", rr.Code, rr.Body.String())
	}
	if rr.Code != http.StatusOK {
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("a failed request (%d %s) changed the engine's state:\nbefore %#v\nafter  %#v", rr.Code, rr.Body.String(), before, after)
		}
		f.check()
		return
	}
	if len(calls) == 0 {
		t.Fatalf("answered 200 without calling the engine: %s", rr.Body.String())
	}
	c := calls[0]
	if c.Err != nil {
		t.Fatalf("answered 200 for a call that failed: %v", c.Err)
	}
	f.checkCall(c, before, after)
	for _, h := range receiptHandle.FindAll(rr.Body.Bytes(), -1) {
		f.receipts = append(f.receipts, string(h))
	}
	if len(f.receipts) > 10 {
		f.receipts = f.receipts[len(f.receipts)-10:]
	}
	f.check()
}

// check asserts the engine's structures agree.
func (f *engineFuzz) check() {
	f.t.Helper()
	if err := f.m.CheckEngine(); err != nil {
		f.t.Fatalf("engine inconsistent: %v", err)
	}
}

// sent is one message a send answered.
type sent struct {
	queue                   string
	in                      types.SendMessageBatchRequestEntry
	id, md5Body, md5Attrs   string
	md5Sys, sequence, entry string
}

// checkCall checks a successful call's output against the state it left.
func (f *engineFuzz) checkCall(c sqsmock.Call, before, after anySnapshot) {
	t := f.t
	var msgs []sent
	switch out := c.Output.(type) {
	case *sqs.SendMessageOutput:
		in := c.Input.(*sqs.SendMessageInput)
		msgs = append(msgs, sent{queue: aws.ToString(in.QueueUrl), in: types.SendMessageBatchRequestEntry{MessageBody: in.MessageBody,
			MessageAttributes: in.MessageAttributes, MessageSystemAttributes: in.MessageSystemAttributes},
			id: aws.ToString(out.MessageId), md5Body: aws.ToString(out.MD5OfMessageBody), md5Attrs: aws.ToString(out.MD5OfMessageAttributes),
			md5Sys: aws.ToString(out.MD5OfMessageSystemAttributes), sequence: aws.ToString(out.SequenceNumber)})
	case *sqs.SendMessageBatchOutput:
		in := c.Input.(*sqs.SendMessageBatchInput)
		entries := map[string]types.SendMessageBatchRequestEntry{}
		for _, e := range in.Entries {
			entries[aws.ToString(e.Id)] = e
		}
		for _, s := range out.Successful {
			msgs = append(msgs, sent{queue: aws.ToString(in.QueueUrl), in: entries[aws.ToString(s.Id)], entry: aws.ToString(s.Id),
				id: aws.ToString(s.MessageId), md5Body: aws.ToString(s.MD5OfMessageBody), md5Attrs: aws.ToString(s.MD5OfMessageAttributes),
				md5Sys: aws.ToString(s.MD5OfMessageSystemAttributes), sequence: aws.ToString(s.SequenceNumber)})
		}
		checkFailed(t, out.Failed)
	case *sqs.DeleteMessageBatchOutput:
		checkFailed(t, out.Failed)
		if n := before.Held - after.Held; n > int64(len(out.Successful)) {
			t.Fatalf("DeleteMessageBatch deleted %d messages for %d successful entries", n, len(out.Successful))
		}
	case *sqs.ChangeMessageVisibilityBatchOutput:
		checkFailed(t, out.Failed)
		if before.Held != after.Held {
			t.Fatalf("ChangeMessageVisibilityBatch changed the number of messages held")
		}
	case *sqs.StartMessageMoveTaskOutput:
		f.task = aws.ToString(out.TaskHandle)
	case *sqs.ReceiveMessageOutput:
		f.checkReceived(out.Messages, before, after)
	}
	if c.Operation == "SendMessage" || c.Operation == "SendMessageBatch" {
		f.checkSends(msgs, before, after)
	}
}

// checkReceived asserts that a receive returned stored messages (or fault-injected duplicates of
// messages that were stored), with the MD5s of what it returned.
func (f *engineFuzz) checkReceived(msgs []types.Message, before, after anySnapshot) {
	t := f.t
	for _, s := range []anySnapshot{before, after} {
		for _, q := range s.Queues {
			for _, m := range q.Messages {
				f.known[m.ID] = true
			}
		}
	}
	for _, m := range msgs {
		id := aws.ToString(m.MessageId)
		if !f.known[id] {
			t.Fatalf("received message %s, which was never stored", id)
		}
		if want := md5Of(aws.ToString(m.Body)); aws.ToString(m.MD5OfBody) != want {
			t.Fatalf("received MD5OfBody %s, want %s", aws.ToString(m.MD5OfBody), want)
		}
		if want := md5OfAttrs(m.MessageAttributes); aws.ToString(m.MD5OfMessageAttributes) != want {
			t.Fatalf("received MD5OfMessageAttributes %s, want %s", aws.ToString(m.MD5OfMessageAttributes), want)
		}
	}
}

// anySnapshot is the engine's whole state, as Mock.EngineSnapshot reports it.
type anySnapshot = engine.Snapshot

// checkFailed asserts that batch entries failed by the server were failed by the fault plan.
func checkFailed(t *testing.T, failed []types.BatchResultErrorEntry) {
	for _, e := range failed {
		if !e.SenderFault && aws.ToString(e.Message) != fuzzMarker {
			t.Fatalf("entry %s failed with a server error that no fault injected: %s %s", aws.ToString(e.Id), aws.ToString(e.Code), aws.ToString(e.Message))
		}
	}
}

// checkSends asserts that a send stored exactly its new messages, as it answered them.
func (f *engineFuzz) checkSends(msgs []sent, before, after anySnapshot) {
	t := f.t
	stored := map[string]storedMessage{}
	for _, q := range after.Queues {
		for _, m := range q.Messages {
			stored[m.ID] = storedMessage{queue: q.Name, fifo: q.FIFO, body: m.Body, md5Body: m.MD5Body, md5Attrs: m.MD5Attrs,
				md5Sys: m.MD5SysAttrs, sequence: m.SequenceNumber}
		}
	}
	fresh, freshFifo := 0, 0
	for _, s := range msgs {
		body := aws.ToString(s.in.MessageBody)
		if s.md5Body != md5Of(body) {
			t.Fatalf("MD5OfMessageBody %s, want %s", s.md5Body, md5Of(body))
		}
		if want := md5OfAttrs(s.in.MessageAttributes); s.md5Attrs != want {
			t.Fatalf("MD5OfMessageAttributes %s, want %s", s.md5Attrs, want)
		}
		if f.answered[s.id] {
			continue // a FIFO duplicate: the message the deduplication id first accepted
		}
		f.answered[s.id] = true
		m, ok := stored[s.id]
		if !ok {
			t.Fatalf("send answered new message %s (entry %q), which is not stored", s.id, s.entry)
		}
		if m.body != body || m.md5Body != s.md5Body || m.md5Attrs != s.md5Attrs || m.sequence != s.sequence {
			t.Fatalf("message %s is stored as %+v, but the send answered %+v", s.id, m, s)
		}
		if s.md5Sys != "" && m.md5Sys != s.md5Sys {
			t.Fatalf("message %s has MD5OfMessageSystemAttributes %s, the send answered %s", s.id, m.md5Sys, s.md5Sys)
		}
		fresh++
		if m.fifo {
			freshFifo++
		}
	}
	if n := after.Held - before.Held; n != int64(fresh) {
		t.Fatalf("a send stored %d messages but answered %d new ones", n, fresh)
	}
	if n := after.Sequence - before.Sequence; n != uint64(freshFifo) {
		t.Fatalf("a send used %d sequence numbers for %d new FIFO messages", n, freshFifo)
	}
}

type storedMessage struct {
	queue, body, md5Body, md5Attrs, md5Sys, sequence string
	fifo                                             bool
}

func md5Of(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// md5OfAttrs is SQS's digest of message attributes, written from the Developer Guide ("Calculating
// the MD5 message digest for message attributes"), not from the engine's code.
func md5OfAttrs(attrs map[string]types.MessageAttributeValue) string {
	if len(attrs) == 0 {
		return ""
	}
	var buf bytes.Buffer
	field := func(b []byte) {
		buf.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b))))
		buf.Write(b)
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := attrs[n]
		field([]byte(n))
		field([]byte(aws.ToString(v.DataType)))
		if strings.HasPrefix(aws.ToString(v.DataType), "Binary") {
			buf.WriteByte(2)
			field(v.BinaryValue)
		} else {
			buf.WriteByte(1)
			field([]byte(aws.ToString(v.StringValue)))
		}
	}
	return md5Of(buf.String())
}

// fuzzEngine runs one input in a bubble of its own.
func fuzzEngine(t *testing.T, jsonWire bool, script []byte) {
	synctest.Test(t, func(t *testing.T) {
		newEngineFuzz(t, jsonWire).run(script)
	})
}

// wireSeeds reads the seed corpus of one of package wire's decoder fuzz targets: each file's
// values, unquoted.
func wireSeeds(f *testing.F, target string) [][]string {
	files, err := filepath.Glob(filepath.Join("internal", "wire", "testdata", "fuzz", target, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s: %v", target, err)
	}
	var out [][]string
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var values []string
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
			open, close := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
			v := line[open+1 : close]
			switch {
			case strings.HasPrefix(v, `"`):
				if v, err = strconv.Unquote(v); err != nil {
					f.Fatalf("%s: %v", name, err)
				}
			case strings.HasPrefix(v, "'"): // a byte the fuzzer wrote as a character: byte('\x03')
				r, _, _, err := strconv.UnquoteChar(strings.Trim(v, "'"), '\'')
				if err != nil {
					f.Fatalf("%s: %v", name, err)
				}
				v = strconv.Itoa(int(r))
			}
			values = append(values, v)
		}
		out = append(out, values)
	}
	return out
}

// jsonHead is the head byte of a FuzzEngineJSON step for the operation at index i of
// wire.Operations(): never 0, which separates steps.
func jsonHead(i int) byte {
	if i == 0 {
		return byte(len(wire.Operations()))
	}
	return byte(i)
}

// jsonStep is a FuzzEngineJSON step: an operation and its body.
func jsonStep(op string, body string) []byte {
	for i, o := range wire.Operations() {
		if o == op {
			return append([]byte{jsonHead(i)}, body...)
		}
	}
	panic("no operation " + op)
}

// script joins steps.
func script(steps ...[]byte) []byte { return bytes.Join(steps, []byte{0}) }

func wait(seconds int) []byte {
	return []byte{fuzzWaitStep + byte(len(strconv.FormatInt(int64(seconds), 2))-1)}
}

const fifoURL = `"QueueUrl":"http://sqs.test/123456789012/orders.fifo"`

// jsonScripts are FuzzEngineJSON's own seeds: sequences through FIFO deduplication at the message
// limit, receipts, redrive, move tasks and faults.
func jsonScripts() [][]byte {
	entry := func(id, body, dedup string) string {
		return fmt.Sprintf(`{"Id":%q,"MessageBody":%q,"MessageGroupId":"g","MessageDeduplicationId":%q}`, id, body, dedup)
	}
	return [][]byte{
		// A FIFO send refused at the message limit, then retried once there is room.
		script(
			jsonStep("SendMessageBatch", `{`+fifoURL+`,"Entries":[`+entry("a", "a", "da")+`,`+entry("b", "b", "db")+`,`+
				entry("c", "c", "dc")+`,`+entry("d", "d", "dd")+`,`+entry("e", "e", "de")+`]}`),
			jsonStep("ReceiveMessage", `{`+fifoURL+`,"MaxNumberOfMessages":10}`),
			jsonStep("DeleteMessageBatch", `{`+fifoURL+`,"Entries":[{"Id":"1","ReceiptHandle":"$R0"},{"Id":"2","ReceiptHandle":"$R1"}]}`),
			jsonStep("SendMessage", `{`+fifoURL+`,"MessageBody":"e","MessageGroupId":"g","MessageDeduplicationId":"de"}`),
		),
		// Faults on every kind of send and delete.
		script(
			jsonStep("SendMessageBatch", `{`+fifoURL+`,"Entries":[`+entry("fault", "x", "dx")+`,`+entry("ok", "fault-body", "dy")+`,`+
				entry("slow", "slow", "dz")+`]}`),
			jsonStep("SendMessage", `{"QueueUrl":"orders","MessageBody":"fault-500"}`),
			jsonStep("SendMessage", `{"QueueUrl":"orders","MessageBody":"lost dup","MessageAttributes":{"a":{"DataType":"String","StringValue":"v"}}}`),
			jsonStep("ReceiveMessage", `{"QueueUrl":"orders","MaxNumberOfMessages":10,"VisibilityTimeout":0}`),
			jsonStep("DeleteMessage", `{"QueueUrl":"orders","ReceiptHandle":"$R0"}`),
			wait(2),
			jsonStep("ReceiveMessage", `{"QueueUrl":"orders","MaxNumberOfMessages":10,"WaitTimeSeconds":5}`),
			jsonStep("ChangeMessageVisibilityBatch", `{"QueueUrl":"orders","Entries":[{"Id":"a","ReceiptHandle":"$R0","VisibilityTimeout":5},{"Id":"fault","ReceiptHandle":"$R1","VisibilityTimeout":5}]}`),
		),
		// Redrive to the dead-letter queue and a move task back.
		script(
			jsonStep("ReceiveMessage", `{"QueueUrl":"orders","MaxNumberOfMessages":10,"VisibilityTimeout":1}`),
			wait(2),
			jsonStep("ReceiveMessage", `{"QueueUrl":"orders","MaxNumberOfMessages":10,"VisibilityTimeout":1}`),
			wait(2),
			jsonStep("ReceiveMessage", `{"QueueUrl":"orders","MaxNumberOfMessages":10}`),
			jsonStep("StartMessageMoveTask", `{"SourceArn":"arn:aws:sqs:us-east-1:123456789012:dlq","MaxNumberOfMessagesPerSecond":1}`),
			jsonStep("ListMessageMoveTasks", `{"SourceArn":"arn:aws:sqs:us-east-1:123456789012:dlq"}`),
			wait(1),
			jsonStep("CancelMessageMoveTask", `{"TaskHandle":"$T"}`),
			jsonStep("PurgeQueue", `{"QueueUrl":"orders"}`),
		),
		// Queues: create at the limit, attributes, tags, delete.
		script(
			jsonStep("CreateQueue", `{"QueueName":"new","Attributes":{"VisibilityTimeout":"5"},"Tags":{"a":"b"}}`),
			jsonStep("CreateQueue", `{"QueueName":"new2.fifo","Attributes":{"FifoQueue":"true","ContentBasedDeduplication":"true"}}`),
			jsonStep("CreateQueue", `{"QueueName":"new3"}`),
			jsonStep("SetQueueAttributes", `{"QueueUrl":"orders.fifo","Attributes":{"DelaySeconds":"5","DeduplicationScope":"messageGroup"}}`),
			jsonStep("TagQueue", `{"QueueUrl":"new","Tags":{"c":"d"}}`),
			jsonStep("DeleteQueue", `{"QueueUrl":"new"}`),
			jsonStep("CreateQueue", `{"QueueName":"new"}`),
			jsonStep("GetQueueAttributes", `{"QueueUrl":"dlq","AttributeNames":["All"]}`),
		),
	}
}

// queryScripts are FuzzEngineQuery's own seeds, the same kind of sequences in the Query protocol.
func queryScripts() [][]byte {
	fifoPath := byte(3) // "/123456789012/orders.fifo"
	step := func(path byte, body string) []byte { return append([]byte{path}, body...) }
	e := func(i int, name, value string) string {
		return "&SendMessageBatchRequestEntry." + strconv.Itoa(i) + "." + name + "=" + url.QueryEscape(value)
	}
	batch := "Action=SendMessageBatch"
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		batch += e(i+1, "Id", id) + e(i+1, "MessageBody", id) + e(i+1, "MessageGroupId", "g") + e(i+1, "MessageDeduplicationId", "d"+id)
	}
	return [][]byte{
		script(
			step(fifoPath, batch),
			step(fifoPath, "Action=ReceiveMessage&MaxNumberOfMessages=10"),
			step(fifoPath, "Action=DeleteMessage&ReceiptHandle=$R0"),
			step(fifoPath, "Action=SendMessage&MessageBody=e&MessageGroupId=g&MessageDeduplicationId=de"),
		),
		script(
			step(1, "Action=SendMessage&MessageBody=lost+dup&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=Binary&MessageAttribute.1.Value.BinaryValue=AAE%3D"),
			step(1, "Action=ReceiveMessage&MaxNumberOfMessages=10&VisibilityTimeout=0&AttributeName.1=All"),
			step(1, "Action=DeleteMessage&ReceiptHandle=$R0"),
			wait(2),
			step(1, "Action=ReceiveMessage&WaitTimeSeconds=3"),
			step(6, "Action=SendMessage&QueueUrl=orders&MessageBody=fault-500"),
		),
	}
}

func FuzzEngineJSON(f *testing.F) {
	for _, seed := range wireSeeds(f, "FuzzJSONDecode") {
		op, err := strconv.Atoi(seed[0])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{jsonHead(op)}, seed[1]...))
	}
	for _, s := range jsonScripts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script []byte) { fuzzEngine(t, true, script) })
}

func FuzzEngineQuery(f *testing.F) {
	for _, seed := range wireSeeds(f, "FuzzQueryDecode") {
		f.Add(append([]byte{1}, seed[0]...))
	}
	for _, s := range queryScripts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script []byte) { fuzzEngine(t, false, script) })
}
