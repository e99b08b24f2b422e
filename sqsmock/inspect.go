package sqsmock

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/sqsmock/internal/addr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// QueueInfo describes a queue for assertions.
type QueueInfo struct {
	Name, URL, ARN string
	// Account and Region are the namespace the queue lives in.
	Account, Region string
	FIFO            bool
	// Ready, InFlight and Delayed count messages by state (the ApproximateNumberOf* attributes, exact).
	Ready, InFlight, Delayed int
	// ScheduledDuplicates counts the duplicate deliveries the fault plan scheduled
	// (faults.DuplicateDelivery) that no receive has taken yet. They are not messages in the queue,
	// so no SQS attribute counts them; a test that waits for a queue to settle waits for them too.
	ScheduledDuplicates int
	Attributes          map[string]string
	Tags                map[string]string
}

// MessageInfo describes a stored message for assertions.
type MessageInfo struct {
	MessageID string
	Body      string
	// State is where it stands: "ready" (the next receive may return it), "inflight" (received,
	// inside its visibility timeout) or "delayed" (sent with a delay that has not passed).
	State        string
	ReceiveCount int
	// GroupID, DeduplicationID and SequenceNumber are set on FIFO queues (GroupID also on fair queues).
	GroupID, DeduplicationID, SequenceNumber string
	SentAt                                   time.Time
	// VisibleAt is when an in-flight or delayed message becomes visible (zero when ready).
	VisibleAt      time.Time
	FirstReceiveAt time.Time
	Attributes     map[string]types.MessageAttributeValue
	// DeadLetterSourceARN is the queue a dead-lettered message came from.
	DeadLetterSourceARN string
	TraceHeader         string
}

// Queues describes every queue: those of the mock's own region and account in name order, then
// those of other namespaces by account, region and name. It does not change any state.
func (m *Mock) Queues() []QueueInfo {
	var out []QueueInfo
	for _, e := range m.allEngines() {
		for _, n := range e.QueueNames() {
			if v, _, ok := e.Inspect(n, false); ok {
				out = append(out, m.queueInfo(e, v))
			}
		}
	}
	if out == nil {
		out = []QueueInfo{}
	}
	return out
}

// Queue describes one queue: by name in the mock's own region and account, or by URL or ARN in
// any. A URL that names no region (http://127.0.0.1:9324/ACCOUNT/NAME) finds the queue in the
// mock's region, else in the first other region of that account that has it.
func (m *Mock) Queue(nameOrURL string) (QueueInfo, bool) {
	e, v, _, ok := m.inspect(nameOrURL, false)
	if !ok {
		return QueueInfo{}, false
	}
	return m.queueInfo(e, v), true
}

// inspect finds a queue for inspection (see Queue) and reports it, with its messages if asked.
func (m *Mock) inspect(nameOrURL string, withMessages bool) (*engine.Engine, engine.QueueView, []engine.MessageView, bool) {
	var (
		v    engine.QueueView
		msgs []engine.MessageView
	)
	e := m.findQueue(nameOrURL, func(e *engine.Engine) (ok bool) {
		v, msgs, ok = e.Inspect(nameOrURL, withMessages)
		return ok
	})
	if e == nil {
		return nil, engine.QueueView{}, nil, false
	}
	return e, v, msgs, true
}

// findQueue calls try with the engines that may hold the queue nameOrURL names (see Queue), in
// order, until it reports that it found the queue, and returns that engine (nil if none did).
func (m *Mock) findQueue(nameOrURL string, try func(*engine.Engine) bool) *engine.Engine {
	account, region := addr.QueueAddress(nameOrURL)
	if account == "" {
		account = m.home.account
	}
	if !strings.ContainsAny(nameOrURL, "/:") { // a bare name: the mock's own namespace
		if try(m.engine) {
			return m.engine
		}
		return nil
	}
	for _, e := range m.allEngines() {
		if e.AccountID() != account || region != "" && e.Region() != region {
			continue
		}
		if try(e) {
			return e
		}
	}
	return nil
}

func (m *Mock) queueInfo(e *engine.Engine, v engine.QueueView) QueueInfo {
	url := m.QueueURL(v.Name)
	if e != m.engine {
		url = e.BaseURL() + "/" + e.AccountID() + "/" + v.Name
	}
	return QueueInfo{Name: v.Name, URL: url, ARN: v.ARN, Account: e.AccountID(), Region: e.Region(), FIFO: v.FIFO,
		Ready: v.Ready, InFlight: v.InFlight, Delayed: v.Delayed, ScheduledDuplicates: v.Duplicates, Attributes: v.Attributes, Tags: v.Tags}
}

// QueueURL is the URL the in-process client uses for the named queue of the mock's own region and
// account (QueueInfo.URL has any queue's).
func (m *Mock) QueueURL(name string) string {
	return m.engine.BaseURL() + "/" + m.cfg.account + "/" + name
}

// Messages lists a queue's messages (by queue name, URL or ARN, found as Queue finds it) in
// arrival order, with their state and receive count; nil if there is no such queue. It does not
// change any state.
func (m *Mock) Messages(nameOrURL string) []MessageInfo {
	_, _, views, ok := m.inspect(nameOrURL, true)
	if !ok {
		return nil
	}
	out := make([]MessageInfo, len(views))
	for i, v := range views {
		out[i] = messageInfo(v)
	}
	return out
}

func messageInfo(v engine.MessageView) MessageInfo {
	return MessageInfo{MessageID: v.ID, Body: v.Body, State: v.State, ReceiveCount: v.ReceiveCount,
		GroupID: v.GroupID, DeduplicationID: v.DeduplicationID, SequenceNumber: v.SequenceNumber,
		SentAt: v.SentAt, VisibleAt: v.VisibleAt, FirstReceiveAt: v.FirstReceiveAt, Attributes: v.Attributes,
		DeadLetterSourceARN: v.DeadLetterSourceARN, TraceHeader: v.TraceHeader}
}

// callRecord is one call of the call log, which only the package's tests turn on (export_test.go);
// users read calls in the trace (kind call).
type callRecord struct {
	// ID numbers the call (1, 2, 3, … per mock, in the order calls start; each attempt of a
	// retried call is a call). The trace's events the call caused carry it as CallID.
	ID        uint64
	Operation string // e.g. "SendMessage"
	Input     any    // the *sqs.<Operation>Input
	Output    any    // the *sqs.<Operation>Output, nil on error
	Err       error  // the error as the engine reported it, before wrapping
	At        time.Time
}

// callID numbers a call, when something records it (0 otherwise: no call log, no trace).
func (m *Mock) callID() uint64 {
	if m.cfg.callLog <= 0 && m.trace == nil {
		return 0
	}
	return m.callIDs.Add(1)
}

func (m *Mock) record(id uint64, op string, in, out any, err error) {
	if m.cfg.callLog <= 0 {
		return
	}
	c := callRecord{ID: id, Operation: op, Input: in, Err: err, At: m.cfg.clock.Now()}
	if err == nil {
		c.Output = out
	}
	m.callsMu.Lock()
	if len(m.calls) >= m.cfg.callLog {
		n := copy(m.calls, m.calls[len(m.calls)/2:])
		clear(m.calls[n:])
		m.calls = m.calls[:n]
	}
	m.calls = append(m.calls, c)
	m.callsMu.Unlock()
}

// resetCalls forgets the recorded calls.
func (m *Mock) resetCalls() {
	m.callsMu.Lock()
	m.calls = nil
	m.callsMu.Unlock()
}
