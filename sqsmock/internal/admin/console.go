package admin

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/addr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/guard"
	"github.com/sqsharness/sqsharness/sqsmock/internal/sqsapi"
	"github.com/sqsharness/sqsharness/sqsmock/internal/trace"
)

// The live console (/_sqsmock/ui/, the files in ui/) acts through the admin endpoints below, never
// through the SQS API: they sit behind the same guard as the other admin endpoints (Host check,
// no cross-origin requests, the admin token), they work when the SQS API requires SigV4 (a page
// cannot sign), and the page needs no SQS wire format. Each action runs the SQS operation
// through the HTTP front door's own client (serve → apply → the engine), so validation, errors
// and trace events are those of the same call made with an SDK. Console actions are exempt from
// the fault plan, as the harness's own calls are: the person at the console is not the code under
// test. Deleting a message by id is the one action SQS has no call for (engine.DeleteByID).

// consoleMaxBody bounds the JSON body of a console action (a 1 MiB message, escaped, fits).
const consoleMaxBody = 8 << 20

// consoleRoutes adds the console's admin endpoints and its page to mux.
func consoleRoutes(mux *http.ServeMux, admin *guard.Admin, b Backend, api sqsapi.API) {
	con := &console{b: b, api: api}
	mux.Handle("GET /_sqsmock/queues/{name}", admin.Wrap(con.queue))
	mux.Handle("GET /_sqsmock/queues/{name}/messages", admin.Wrap(con.messages))
	mux.Handle("POST /_sqsmock/queues/{name}/messages", admin.Wrap(con.send))
	mux.Handle("GET /_sqsmock/queues/{name}/messages/{id}", admin.Wrap(con.message))
	mux.Handle("DELETE /_sqsmock/queues/{name}/messages/{id}", admin.Wrap(con.deleteMessage))
	mux.Handle("POST /_sqsmock/queues/{name}/purge", admin.Wrap(con.purge))
	mux.Handle("GET /_sqsmock/queues/{name}/movetasks", admin.Wrap(con.listMoveTasks))
	mux.Handle("POST /_sqsmock/queues/{name}/movetasks", admin.Wrap(con.startMoveTask))
	mux.Handle("POST /_sqsmock/movetasks/cancel", admin.Wrap(con.cancelMoveTask))
	mux.Handle("GET /_sqsmock/faults/injections", admin.Wrap(con.faultEvents))
	mux.Handle("POST /_sqsmock/faults/pause", admin.Wrap(con.pauseFaults(true)))
	mux.Handle("POST /_sqsmock/faults/resume", admin.Wrap(con.pauseFaults(false)))
	mux.Handle("GET /_sqsmock/ui/", admin.Page(uiHandler()))
	mux.Handle("GET /_sqsmock/ui", http.RedirectHandler("/_sqsmock/ui/", http.StatusMovedPermanently))
}

// console serves the console's endpoints.
type console struct {
	b   Backend
	api sqsapi.API // the HTTP front door's client: serve → apply → engine
}

// queueRef is the queue a console request names: {name} in the path, in the namespace of the query
// parameters account and region (the mock's own by default).
type queueRef struct {
	account, region, name string
}

// url is the queue's URL as the SQS operations take it (the account in its path; the region is
// the caller's, see call).
func (q queueRef) url() string { return "http://sqsmock/" + q.account + "/" + q.name }

// arn is the queue's ARN.
func (q queueRef) arn() string {
	return "arn:aws:sqs:" + q.region + ":" + q.account + ":" + q.name
}

// ref reads the queue a request names, or answers 400 and reports false.
func (c *console) ref(w http.ResponseWriter, r *http.Request) (queueRef, bool) {
	q := queueRef{name: r.PathValue("name")}
	q.account, q.region = c.b.Home()
	if a := r.URL.Query().Get("account"); a != "" {
		if !addr.IsAccountID(a) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "account must be 12 digits, not " + strconv.Quote(a)})
			return q, false
		}
		q.account = a
	}
	if reg := r.URL.Query().Get("region"); reg != "" {
		if !addr.IsSigningRegion(reg) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "not a region: " + strconv.Quote(reg)})
			return q, false
		}
		q.region = reg
	}
	return q, true
}

// refAndBody reads the queue a request names and its JSON body, or answers 400 and reports false.
func refAndBody[T any](c *console, w http.ResponseWriter, r *http.Request) (q queueRef, body T, ok bool) {
	if q, ok = c.ref(w, r); ok {
		ok = decodeBody(w, r, &body)
	}
	return q, body, ok
}

// operator is the context of one SQS operation the console runs through the HTTP front door's
// client: as a caller of the queue's own namespace, exempt from the fault plan and from the
// queue's policy (the console acts for the mock's user).
func (c *console) operator(ctx context.Context, q queueRef) context.Context {
	return c.b.Operator(ctx, q.account, q.region, "/"+q.account+"/"+q.name)
}

// writeError answers an operation's error: an SQS error with its status, its code (the one SDKs
// report) and its message; anything else as 500.
func writeError(w http.ResponseWriter, err error) {
	var se *sqserr.Error
	if errors.As(err, &se) {
		writeJSON(w, se.Status, map[string]string{"error": se.Error(), "code": se.Code, "type": se.Shape, "message": se.Message})
		return
	}
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
}

// decodeBody reads a JSON body into v, refusing unknown members; it answers 400 and reports false
// when it cannot.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, consoleMaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "request body: " + err.Error()})
		return false
	}
	if dec.More() {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "request body: more than one JSON value"})
		return false
	}
	return true
}

// queueView is GET /_sqsmock/queues/{name}: a queue with its attributes.
type queueView struct {
	queueSummary
	Attributes map[string]string `json:"attributes"`
	Tags       map[string]string `json:"tags"`
}

func (c *console) queue(w http.ResponseWriter, r *http.Request) {
	q, ok := c.ref(w, r)
	if !ok {
		return
	}
	var v engine.QueueView
	e := c.b.FindQueue(q.arn(), func(e *engine.Engine) (ok bool) {
		v, _, ok = e.Inspect(q.arn(), false)
		return ok
	})
	if e == nil {
		writeError(w, sqserr.QueueDoesNotExist())
		return
	}
	writeJSON(w, http.StatusOK, queueView{
		queueSummary: queueSummary{Name: v.Name, Account: e.AccountID(), Region: e.Region(), ARN: v.ARN, FIFO: v.FIFO,
			Ready: v.Ready, InFlight: v.InFlight, Delayed: v.Delayed},
		Attributes: v.Attributes, Tags: v.Tags})
}

// messageView is one message as the console shows it.
type messageView struct {
	ID                  string                    `json:"id"`
	Body                string                    `json:"body"`
	State               string                    `json:"state"`
	ReceiveCount        int                       `json:"receiveCount"`
	GroupID             string                    `json:"groupId,omitempty"`
	DeduplicationID     string                    `json:"deduplicationId,omitempty"`
	SequenceNumber      string                    `json:"sequenceNumber,omitempty"`
	SentAt              time.Time                 `json:"sentAt"`
	VisibleAt           time.Time                 `json:"visibleAt,omitzero"`
	FirstReceiveAt      time.Time                 `json:"firstReceiveAt,omitzero"`
	Attributes          map[string]attributeValue `json:"attributes,omitempty"`
	DeadLetterSourceARN string                    `json:"deadLetterSourceArn,omitempty"`
}

// attributeValue is a message attribute as the console shows it.
type attributeValue struct {
	DataType string   `json:"dataType"`
	Value    string   `json:"value,omitempty"` // StringValue, or BinaryValue in base64 (JSON's []byte)
	Binary   []byte   `json:"binary,omitempty"`
	List     []string `json:"list,omitempty"`
}

func viewOf(v engine.MessageView) messageView {
	out := messageView{ID: v.ID, Body: v.Body, State: v.State, ReceiveCount: v.ReceiveCount, GroupID: v.GroupID,
		DeduplicationID: v.DeduplicationID, SequenceNumber: v.SequenceNumber, SentAt: v.SentAt, VisibleAt: v.VisibleAt,
		FirstReceiveAt: v.FirstReceiveAt, DeadLetterSourceARN: v.DeadLetterSourceARN}
	if len(v.Attributes) > 0 {
		out.Attributes = make(map[string]attributeValue, len(v.Attributes))
		for k, a := range v.Attributes {
			out.Attributes[k] = attributeValue{DataType: aws.ToString(a.DataType), Value: aws.ToString(a.StringValue),
				Binary: a.BinaryValue, List: a.StringListValues}
		}
	}
	return out
}

// defaultMessageLimit and maxMessageLimit bound GET /_sqsmock/queues/{name}/messages.
const defaultMessageLimit, maxMessageLimit = 100, 10000

// messages lists a queue's messages in arrival order: at most limit of them (query parameter
// limit, default 100), those after the cursor after (the next member of the previous page: the
// first page without it), how many there are (total) and, when more follow, the cursor of the
// next page (next). The engine copies only the page (engine.InspectPage): a console polling a
// queue of many messages costs one walk of them per poll, not a copy.
func (c *console) messages(w http.ResponseWriter, r *http.Request) {
	q, ok := c.ref(w, r)
	if !ok {
		return
	}
	limit := defaultMessageLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxMessageLimit {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("limit must be 1 to %d, not %q", maxMessageLimit, s)})
			return
		}
		limit = n
	}
	var after uint64
	if s := r.URL.Query().Get("after"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "after: not a cursor: " + strconv.Quote(s)})
			return
		}
		after = n
	}
	var page engine.Page
	if c.b.FindQueue(q.arn(), func(e *engine.Engine) (ok bool) {
		_, page, ok = e.InspectPage(q.arn(), after, limit)
		return ok
	}) == nil {
		writeError(w, sqserr.QueueDoesNotExist())
		return
	}
	out := make([]messageView, len(page.Messages))
	for i, v := range page.Messages {
		out[i] = viewOf(v)
	}
	answer := map[string]any{"messages": out, "total": page.Total}
	if page.More && len(page.Messages) > 0 {
		answer["next"] = strconv.FormatUint(page.Messages[len(page.Messages)-1].Arrival, 10)
	}
	writeJSON(w, http.StatusOK, answer)
}

// message is one message, if still in its queue, with its history: the trace events that name it.
func (c *console) message(w http.ResponseWriter, r *http.Request) {
	q, ok := c.ref(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var found *messageView
	c.b.FindQueue(q.arn(), func(e *engine.Engine) bool {
		v, ok := e.InspectMessage(q.arn(), id)
		if ok {
			mv := viewOf(v)
			found = &mv
		}
		return ok
	})
	history := c.messageHistory(q, id)
	if found == nil && len(history) == 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no message " + strconv.Quote(id) + " in queue " + strconv.Quote(q.name) +
			" and none in the trace"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": found, "history": history})
}

// sendRequest is the body of POST /_sqsmock/queues/{name}/messages: the members of SQS's
// SendMessage request (its JSON protocol's names), without QueueUrl.
type sendRequest struct {
	MessageBody             *string
	DelaySeconds            int32
	MessageAttributes       map[string]types.MessageAttributeValue
	MessageSystemAttributes map[string]types.MessageSystemAttributeValue
	MessageGroupId          *string
	MessageDeduplicationId  *string
}

func (c *console) send(w http.ResponseWriter, r *http.Request) {
	q, req, ok := refAndBody[sendRequest](c, w, r)
	if !ok {
		return
	}
	out, err := c.api.SendMessage(c.operator(r.Context(), q), &sqs.SendMessageInput{QueueUrl: aws.String(q.url()),
		MessageBody: req.MessageBody, DelaySeconds: req.DelaySeconds, MessageAttributes: req.MessageAttributes,
		MessageSystemAttributes: req.MessageSystemAttributes, MessageGroupId: req.MessageGroupId,
		MessageDeduplicationId: req.MessageDeduplicationId})
	if err != nil {
		writeError(w, err)
		return
	}
	answer := map[string]string{"messageId": aws.ToString(out.MessageId), "md5OfMessageBody": aws.ToString(out.MD5OfMessageBody)}
	if out.SequenceNumber != nil {
		answer["sequenceNumber"] = *out.SequenceNumber
	}
	writeJSON(w, http.StatusOK, answer)
}

func (c *console) purge(w http.ResponseWriter, r *http.Request) {
	q, ok := c.ref(w, r)
	if !ok {
		return
	}
	if _, err := c.api.PurgeQueue(c.operator(r.Context(), q), &sqs.PurgeQueueInput{QueueUrl: aws.String(q.url())}); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "purged"})
}

func (c *console) deleteMessage(w http.ResponseWriter, r *http.Request) {
	q, ok := c.ref(w, r)
	if !ok {
		return
	}
	e := c.b.Engine(q.account, q.region)
	deleted, err := e.DeleteByID(q.url(), r.PathValue("id"))
	switch {
	case err != nil:
		writeError(w, err)
	case !deleted:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no message " + strconv.Quote(r.PathValue("id")) +
			" in queue " + strconv.Quote(q.name)})
	default:
		writeJSON(w, http.StatusOK, map[string]string{"status": "deleted"})
	}
}

// moveTask is one message move task as the console shows it.
type moveTask struct {
	TaskHandle     string `json:"taskHandle,omitempty"`
	Status         string `json:"status"`
	SourceARN      string `json:"sourceArn"`
	DestinationARN string `json:"destinationArn,omitempty"`
	MaxPerSecond   int32  `json:"maxNumberOfMessagesPerSecond,omitempty"`
	Moved          int64  `json:"approximateNumberOfMessagesMoved"`
	ToMove         int64  `json:"approximateNumberOfMessagesToMove,omitempty"`
	FailureReason  string `json:"failureReason,omitempty"`
	StartedAt      int64  `json:"startedTimestamp"`
}

// listMoveTasks lists the move tasks whose source is the queue (ListMessageMoveTasks: the most
// recent ten).
func (c *console) listMoveTasks(w http.ResponseWriter, r *http.Request) {
	q, ok := c.ref(w, r)
	if !ok {
		return
	}
	out, err := c.api.ListMessageMoveTasks(c.operator(r.Context(), q),
		&sqs.ListMessageMoveTasksInput{SourceArn: aws.String(q.arn()), MaxResults: aws.Int32(10)})
	if err != nil {
		writeError(w, err)
		return
	}
	tasks := make([]moveTask, 0, len(out.Results))
	for _, t := range out.Results {
		tasks = append(tasks, moveTask{TaskHandle: aws.ToString(t.TaskHandle), Status: aws.ToString(t.Status),
			SourceARN: aws.ToString(t.SourceArn), DestinationARN: aws.ToString(t.DestinationArn),
			MaxPerSecond: aws.ToInt32(t.MaxNumberOfMessagesPerSecond), Moved: t.ApproximateNumberOfMessagesMoved,
			ToMove: aws.ToInt64(t.ApproximateNumberOfMessagesToMove), FailureReason: aws.ToString(t.FailureReason),
			StartedAt: t.StartedTimestamp})
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": tasks})
}

// startMoveTaskRequest is the body of POST /_sqsmock/queues/{name}/movetasks: StartMessageMoveTask's
// members without SourceArn (the queue's). No DestinationArn redrives to the messages' sources.
type startMoveTaskRequest struct {
	DestinationArn               *string
	MaxNumberOfMessagesPerSecond *int32
}

func (c *console) startMoveTask(w http.ResponseWriter, r *http.Request) {
	q, req, ok := refAndBody[startMoveTaskRequest](c, w, r)
	if !ok {
		return
	}
	if req.DestinationArn != nil && *req.DestinationArn == "" {
		req.DestinationArn = nil
	}
	out, err := c.api.StartMessageMoveTask(c.operator(r.Context(), q), &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(q.arn()),
		DestinationArn: req.DestinationArn, MaxNumberOfMessagesPerSecond: req.MaxNumberOfMessagesPerSecond})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"taskHandle": aws.ToString(out.TaskHandle)})
}

// cancelMoveTaskRequest is the body of POST /_sqsmock/movetasks/cancel.
type cancelMoveTaskRequest struct {
	TaskHandle *string
}

func (c *console) cancelMoveTask(w http.ResponseWriter, r *http.Request) {
	var req cancelMoveTaskRequest
	if !decodeBody(w, r, &req) {
		return
	}
	// The handle names its source queue; route finds the namespace from it.
	var q queueRef
	q.account, q.region = c.b.Home()
	if src := addr.TaskSource(aws.ToString(req.TaskHandle)); src != "" {
		if account, region := addr.QueueAddress(src); account != "" && region != "" {
			q.account, q.region = account, region
		}
	}
	out, err := c.api.CancelMessageMoveTask(c.operator(r.Context(), q), &sqs.CancelMessageMoveTaskInput{TaskHandle: req.TaskHandle})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"approximateNumberOfMessagesMoved": out.ApproximateNumberOfMessagesMoved})
}

func (c *console) pauseFaults(paused bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		c.b.PauseFaults(paused)
		writeJSON(w, http.StatusOK, map[string]bool{"paused": paused})
	}
}

// maxFaultEvents bounds one answer of GET /_sqsmock/faults/injections.
const maxFaultEvents = 200

// faultEvents is GET /_sqsmock/faults/injections?since=N: the trace's fault events with Seq > N
// (the newest 200 of them, oldest first) and last, the Seq of the trace's newest event, to ask
// from next time. Without a trace (Options.TraceSize, -trace) events is empty and off is true.
func (c *console) faultEvents(w http.ResponseWriter, r *http.Request) {
	since, ok := sinceParam(w, r)
	if !ok {
		return
	}
	ring := c.b.Trace()
	if ring == nil {
		writeJSON(w, http.StatusOK, map[string]any{"events": []trace.Event{}, "last": 0, "off": true})
		return
	}
	evs, last := ring.Faults(since, maxFaultEvents)
	writeJSON(w, http.StatusOK, map[string]any{"events": evs, "last": last})
}

// maxHistory bounds a message's history.
const maxHistory = 1000

// messageHistory is the trace events that name message id in queue q's namespace (in q or in the
// queues it went to: a dead-letter queue keeps the id), oldest first, the newest 1000 of them.
// It reads the trace's index (trace.Ring.MessageEvents): only that message's events, however long
// the trace.
func (c *console) messageHistory(q queueRef, id string) []trace.Event {
	ring := c.b.Trace()
	if ring == nil || id == "" {
		return []trace.Event{}
	}
	evs, _ := ring.MessageEvents(id, maxHistory, func(ev *trace.Event) bool {
		return ev.Account == q.account && ev.Region == q.region
	})
	return evs
}

// ui is the live console's page: plain HTML, CSS and JavaScript, no build step, no network.
//
//go:embed ui
var ui embed.FS

// uiHandler serves the console's files under /_sqsmock/ui/.
func uiHandler() http.Handler {
	sub, err := fs.Sub(ui, "ui")
	if err != nil {
		panic(err) // the directory is embedded: it is there
	}
	return http.StripPrefix("/_sqsmock/ui/", http.FileServerFS(sub))
}
