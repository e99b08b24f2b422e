package faultplan

import (
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// Call describes one operation for a decision: one SDK call in the engine, one attempt in the
// client placement.
type Call struct {
	Operation string // SDK operation name, e.g. "SendMessage"
	QueueURL  string
	QueueName string // empty: derived from QueueURL
	// FIFO marks a FIFO topic's delivery to a standard queue: SNS delivers it once, so the kinds
	// of standard queues only (duplicate-delivery) never fire, as on a FIFO queue.
	FIFO bool
	// Message is the message of a single-message operation, for rules with a message predicate:
	// SendMessage's; the engine also passes the message a DeleteMessage or
	// ChangeMessageVisibility names, when it exists. May be nil. The plan reads it only while it
	// decides: the engine reuses it afterwards.
	Message *Message
	// Now is the time of the call; zero means the plan's clock. Windows are measured from the
	// plan's start on the plan's clock, so an engine passing its own time sets the plan's clock
	// too (Plan.SetClock).
	Now time.Time
}

// Message describes one message for a decision: the message of SendMessage or DeleteMessage,
// one entry of a batch, or one message a ReceiveMessage is about to return.
type Message struct {
	EntryID       string            // batch entry id
	MessageID     string            // when known (not for sends)
	ReceiptHandle string            // for deletes and visibility changes
	Stale         bool              // for deletes: ReceiptHandle is not the latest one issued for the message
	Body          string            // when known (sends, receives)
	Attributes    map[string]string // message attributes by name, as a rule's message predicate matches them (Binary as standard base64)
}

// Decision is what the plan wants done with one operation. Its zero value means "proceed".
//
// The engine applies it in this order: wait Latency on its clock; if Transport is set, fail the
// call as that transport fault (ResetBeforeApply: nothing applied; ResetAfterApply, or Timeout
// with Applied: apply the operation, then fail; the HTTP server drops the connection, the
// in-process client returns Transport.Err wrapped as the SDK wraps transport errors); else if
// Error is set, return it without applying anything; else run the operation, returning no
// messages if FalseEmpty (state unchanged; a long poll after its wait time) and calling Shuffle on the messages a receive returns.
type Decision struct {
	Latency    time.Duration // wait before answering
	Error      *sqserr.Error // fail with this SQS error; nothing applied
	Transport  Transport     // "": none
	Applied    bool          // with Transport: the operation is applied before the fault (ResetAfterApply; Timeout with Applied)
	FalseEmpty bool          // ReceiveMessage: return no messages (a long poll after its wait time), change nothing
	Reorder    bool          // ReceiveMessage: shuffle the returned messages with Shuffle
	Seed       uint64        // seeds Shuffle, drawn from the rule's stream
	Fired      []Fired       // the rules that fired, in order, as recorded in the plan's Injections
}

// Fired is one rule that fired in a decision: its name, its kind and the injection's detail.
type Fired struct{ Rule, Kind, Detail string }

// Shuffle permutes n items with swap when Reorder is set (deterministically, from Seed), and does
// nothing otherwise.
func (d Decision) Shuffle(n int, swap func(i, j int)) {
	if !d.Reorder || n < 2 {
		return
	}
	rand.New(rand.NewPCG(d.Seed, d.Seed^0x9e3779b97f4a7c15)).Shuffle(n, swap)
}

// MessageDecision is what the plan wants done with one message of an operation. Its zero value
// means "proceed".
type MessageDecision struct {
	// Fail, for a batch entry: report the entry in Failed with this error's code, message and
	// fault (SenderFault = !Server) and do not apply it.
	Fail *sqserr.Error
	// LostDelete, for DeleteMessage or a DeleteMessageBatch entry: report success, do not delete
	// (a lost-delete or a stale-handle-delete rule fired).
	LostDelete bool
	// Duplicate, for a received message: deliver it once more to a later receive, DuplicateAfter
	// after this delivery (new receipt handle, receive count increased), even if it is deleted
	// through this delivery's receipt handle meanwhile.
	Duplicate      bool
	DuplicateAfter time.Duration
	// ExtraDelay: for a sent message, it becomes receivable this much later than its delay says;
	// for a received message, it reappears this much later after its visibility timeout expires;
	// for a visibility change (engine only), the change takes effect this much later.
	ExtraDelay time.Duration
	// Fired lists the rules that fired, in order, as recorded in the plan's Injections.
	Fired []Fired
}

// Transport is a fault that ends a call without an SQS answer; its values are the names of the
// faults kinds.
type Transport string

// The transport faults.
const (
	TransportResetBeforeApply Transport = "reset-before-apply"
	TransportResetAfterApply  Transport = "reset-after-apply"
	TransportTimeout          Transport = "timeout"
)

// Err returns the error net/http gives the client of method rawURL for the fault: for Timeout,
// the client's timeout expiring before the response headers arrive (it reports Timeout() true);
// for the resets, the peer resetting the connection while the client waits for the response (a
// *url.Error wrapping a *net.OpError wrapping syscall.ECONNRESET). The SDK's retryer retries both.
func (t Transport) Err(method, rawURL string) error {
	if t == TransportTimeout {
		return &url.Error{Op: opName(method), URL: rawURL, Err: timeoutError{}}
	}
	return &url.Error{Op: opName(method), URL: rawURL, Err: &net.OpError{
		Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET),
	}}
}

// opName is net/http's spelling of a method in a *url.Error: "Post" for POST (and for "").
func opName(method string) string {
	if method == "" {
		return "Post"
	}
	return method[:1] + strings.ToLower(method[1:])
}

type timeoutError struct{}

func (timeoutError) Error() string {
	return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
