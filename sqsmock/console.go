package sqsmock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sqsharness/sqsharness/internal/exempt"
	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
)

// The live console (/_sqsmock/ui/, console_ui.go) acts through the admin endpoints below, never
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
func (m *Mock) consoleRoutes(mux *http.ServeMux, admin *adminGuard, api *Client) {
	con := &console{m: m, api: api}
	mux.Handle("GET /_sqsmock/queues/{name}", admin.wrap(con.queue))
	mux.Handle("GET /_sqsmock/queues/{name}/messages", admin.wrap(con.messages))
	mux.Handle("POST /_sqsmock/queues/{name}/messages", admin.wrap(con.send))
	mux.Handle("GET /_sqsmock/queues/{name}/messages/{id}", admin.wrap(con.message))
	mux.Handle("DELETE /_sqsmock/queues/{name}/messages/{id}", admin.wrap(con.deleteMessage))
	mux.Handle("POST /_sqsmock/queues/{name}/purge", admin.wrap(con.purge))
	mux.Handle("GET /_sqsmock/queues/{name}/movetasks", admin.wrap(con.listMoveTasks))
	mux.Handle("POST /_sqsmock/queues/{name}/movetasks", admin.wrap(con.startMoveTask))
	mux.Handle("POST /_sqsmock/movetasks/cancel", admin.wrap(con.cancelMoveTask))
	mux.Handle("GET /_sqsmock/faults/injections", admin.wrap(con.faultEvents))
	mux.Handle("POST /_sqsmock/faults/pause", admin.wrap(con.pauseFaults(true)))
	mux.Handle("POST /_sqsmock/faults/resume", admin.wrap(con.pauseFaults(false)))
	mux.Handle("GET /_sqsmock/ui/", admin.page(uiHandler()))
	mux.Handle("GET /_sqsmock/ui", http.RedirectHandler("/_sqsmock/ui/", http.StatusMovedPermanently))
}

// console serves the console's endpoints.
type console struct {
	m   *Mock
	api *Client // the HTTP front door's client: serve → apply → engine
}

// queueRef is the queue a console request names: {name} in the path, in the namespace of the query
// parameters account and region (the mock's own by default).
type queueRef struct {
	ns   namespace
	name string
}

// url is the queue's URL as the SQS operations take it (the account in its path; the region is
// the caller's, see call).
func (q queueRef) url() string { return "http://sqsmock/" + q.ns.account + "/" + q.name }

// arn is the queue's ARN.
func (q queueRef) arn() string {
	return "arn:aws:sqs:" + q.ns.region + ":" + q.ns.account + ":" + q.name
}

// ref reads the queue a request names, or answers 400 and reports false.
func (c *console) ref(w http.ResponseWriter, r *http.Request) (queueRef, bool) {
	q := queueRef{ns: c.m.home, name: r.PathValue("name")}
	if a := r.URL.Query().Get("account"); a != "" {
		if !isAccountID(a) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "account must be 12 digits, not " + strconv.Quote(a)})
			return q, false
		}
		q.ns.account = a
	}
	if reg := r.URL.Query().Get("region"); reg != "" {
		if !isSigningRegion(reg) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "not a region: " + strconv.Quote(reg)})
			return q, false
		}
		q.ns.region = reg
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

// call runs one SQS operation for the console as the HTTP front door runs it, as a caller of the
// queue's own namespace, exempt from the fault plan and from the queue's policy (the console acts
// for the mock's user).
func call[I, O any](ctx context.Context, c *console, q queueRef, op string, in *I, fn func(*engine.Engine, context.Context, *I) (*O, error)) (*O, error) {
	info := &requestInfo{who: caller{namespace: q.ns, signed: true, secure: true, operator: true}, path: "/" + q.ns.account + "/" + q.name}
	ctx = exempt.With(context.WithValue(ctx, requestInfoKey{}, info))
	return serve(ctx, c.api, op, in, fn)
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
	info, ok := c.m.Queue(q.arn())
	if !ok {
		writeError(w, sqserr.QueueDoesNotExist())
		return
	}
	writeJSON(w, http.StatusOK, queueView{
		queueSummary: queueSummary{Name: info.Name, Account: info.Account, Region: info.Region, ARN: info.ARN, FIFO: info.FIFO,
			Ready: info.Ready, InFlight: info.InFlight, Delayed: info.Delayed},
		Attributes: info.Attributes, Tags: info.Tags})
}

// messageView is one message as the console shows it.
type messageView struct {
	ID                  string                    `json:"id"`
	Body                string                    `json:"body"`
	State               MessageState              `json:"state"`
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

func viewOf(v MessageInfo) messageView {
	out := messageView{ID: v.MessageID, Body: v.Body, State: v.State, ReceiveCount: v.ReceiveCount, GroupID: v.GroupID,
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
	if c.m.findQueue(q.arn(), func(e *engine.Engine) (ok bool) {
		_, page, ok = e.InspectPage(q.arn(), after, limit)
		return ok
	}) == nil {
		writeError(w, sqserr.QueueDoesNotExist())
		return
	}
	out := make([]messageView, len(page.Messages))
	for i, v := range page.Messages {
		out[i] = viewOf(messageInfo(v))
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
	c.m.findQueue(q.arn(), func(e *engine.Engine) bool {
		v, ok := e.InspectMessage(q.arn(), id)
		if ok {
			mv := viewOf(messageInfo(v))
			found = &mv
		}
		return ok
	})
	history := c.m.messageHistory(q, id)
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
	out, err := call(r.Context(), c, q, "SendMessage", &sqs.SendMessageInput{QueueUrl: aws.String(q.url()),
		MessageBody: req.MessageBody, DelaySeconds: req.DelaySeconds, MessageAttributes: req.MessageAttributes,
		MessageSystemAttributes: req.MessageSystemAttributes, MessageGroupId: req.MessageGroupId,
		MessageDeduplicationId: req.MessageDeduplicationId}, (*engine.Engine).SendMessage)
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
	if _, err := call(r.Context(), c, q, "PurgeQueue", &sqs.PurgeQueueInput{QueueUrl: aws.String(q.url())}, (*engine.Engine).PurgeQueue); err != nil {
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
	e := c.m.engineFor(q.ns, false)
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
	out, err := call(r.Context(), c, q, "ListMessageMoveTasks",
		&sqs.ListMessageMoveTasksInput{SourceArn: aws.String(q.arn()), MaxResults: aws.Int32(10)}, (*engine.Engine).ListMessageMoveTasks)
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
	out, err := call(r.Context(), c, q, "StartMessageMoveTask", &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(q.arn()),
		DestinationArn: req.DestinationArn, MaxNumberOfMessagesPerSecond: req.MaxNumberOfMessagesPerSecond}, (*engine.Engine).StartMessageMoveTask)
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
	q := queueRef{ns: c.m.home}
	if src := taskSource(aws.ToString(req.TaskHandle)); src != "" {
		if account, region := queueAddress(src); account != "" && region != "" {
			q.ns = namespace{account: account, region: region}
		}
	}
	out, err := call(r.Context(), c, q, "CancelMessageMoveTask", &sqs.CancelMessageMoveTaskInput{TaskHandle: req.TaskHandle},
		(*engine.Engine).CancelMessageMoveTask)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"approximateNumberOfMessagesMoved": out.ApproximateNumberOfMessagesMoved})
}

func (c *console) pauseFaults(paused bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		c.m.PauseFaults(paused)
		writeJSON(w, http.StatusOK, map[string]bool{"paused": paused})
	}
}
