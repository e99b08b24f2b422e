// Package admin serves the mock's admin endpoints under /_sqsmock/ (health, queues with their
// counts, SNS topics with their subscriptions, reset, the fault plan, the trace) and the live console at /_sqsmock/ui/, which acts
// through endpoints of its own. It reads the mock through Backend and runs SQS operations
// through the HTTP front door's own client, so validation, errors and trace events are those of
// the same call made with an SDK.
package admin

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/sqsharness/sqsharness/internal/faultplan"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/sqsmock/internal/addr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/guard"
	"github.com/sqsharness/sqsharness/sqsmock/internal/sns"
	"github.com/sqsharness/sqsharness/sqsmock/internal/sqsapi"
	"github.com/sqsharness/sqsharness/sqsmock/internal/trace"
	"github.com/sqsharness/sqsharness/sqsmock/internal/wire"
)

// Backend is what the admin endpoints read and change of the mock.
type Backend interface {
	// Home is the mock's own account and region.
	Home() (account, region string)
	// Engines are the kept engines: the mock's own first, then by account and region.
	Engines() []*engine.Engine
	// Engine is the engine of a namespace (an empty one, not kept, if it has none).
	Engine(account, region string) *engine.Engine
	// FindQueue calls try with the engines that may hold the queue, until it finds it (see Mock.Queue).
	FindQueue(nameOrURL string, try func(*engine.Engine) bool) *engine.Engine
	Reset() error
	Faults() *faults.Plan
	SetFaults(*faults.Plan) error
	PauseFaults(paused bool)
	FaultsPaused() bool
	// Trace is the trace's ring, nil when tracing is off.
	Trace() *trace.Ring
	// Topics are the SNS topics of every account and region, by ARN, with their subscriptions.
	Topics() []sns.TopicView
	// Operator is ctx for a call of the front door's client made by the console: as a caller of
	// the namespace, exempt from the fault plan and from queue policies; path names the request.
	Operator(ctx context.Context, account, region, path string) context.Context
}

// Routes adds the admin endpoints and the console to mux, behind g; api is the HTTP front
// door's client.
func Routes(mux *http.ServeMux, g *guard.Admin, b Backend, api sqsapi.API) {
	a := &admin{b: b}
	mux.HandleFunc("GET /health", a.serveHealth)
	mux.HandleFunc("GET /_sqsmock/health", a.serveHealth)
	mux.Handle("GET /_sqsmock/queues", g.Wrap(a.serveQueues))
	mux.Handle("GET /_sqsmock/topics", g.Wrap(a.serveTopics))
	mux.Handle("POST /_sqsmock/reset", g.Wrap(a.serveReset))
	mux.Handle("GET /_sqsmock/faults", g.Wrap(a.serveFaults))
	mux.Handle("PUT /_sqsmock/faults", g.Wrap(a.replaceFaults))
	mux.Handle("DELETE /_sqsmock/faults", g.Wrap(a.deleteFaults))
	mux.Handle("GET /_sqsmock/trace", g.Wrap(a.serveTrace))
	consoleRoutes(mux, g, b, api)
}

// admin serves the admin endpoints.
type admin struct{ b Backend }

// writeJSON answers with v as JSON and the status.
func writeJSON(w http.ResponseWriter, status int, v any) { guard.WriteJSON(w, status, v) }

func (a *admin) serveHealth(w http.ResponseWriter, _ *http.Request) {
	account, region := a.b.Home()
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "region": region, "account": account})
}

// queueSummary is one row of GET /_sqsmock/queues.
type queueSummary struct {
	Name     string `json:"name"`
	Account  string `json:"account"`
	Region   string `json:"region"`
	ARN      string `json:"arn"`
	FIFO     bool   `json:"fifo"`
	Ready    int    `json:"ready"`
	InFlight int    `json:"inFlight"`
	Delayed  int    `json:"delayed"`
}

func (a *admin) serveReset(w http.ResponseWriter, _ *http.Request) {
	if err := a.b.Reset(); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
}

func (a *admin) serveFaults(w http.ResponseWriter, _ *http.Request) {
	plan := a.b.Faults()
	if plan == nil {
		writeJSON(w, http.StatusOK, map[string]any{"plan": nil, "injections": []any{}, "paused": a.b.FaultsPaused()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plan": (*faultplan.Plan)(plan), "injections": plan.Injections(), "paused": a.b.FaultsPaused()})
}

// maxPlanBytes bounds a fault plan sent to PUT /_sqsmock/faults.
const maxPlanBytes = 1 << 20

func (a *admin) replaceFaults(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPlanBytes+1))
	if wire.ClientGone(err) {
		w.WriteHeader(wire.StatusClientClosedRequest) // nobody reads it; a log shows 499, not 400
		return
	}
	if err != nil || len(body) > maxPlanBytes {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "plan unreadable or larger than 1 MiB"})
		return
	}
	plan, err := faults.Parse(body) // YAML or JSON, whatever the Content-Type
	if err == nil {
		err = a.b.SetFaults(plan)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plan": (*faultplan.Plan)(plan)})
}

func (a *admin) deleteFaults(w http.ResponseWriter, _ *http.Request) {
	_ = a.b.SetFaults(nil)
	writeJSON(w, http.StatusOK, map[string]string{"status": "no faults"})
}

// maxTracePage is the most events one answer of GET /_sqsmock/trace carries.
const maxTracePage = 5000

// sinceParam reads the query parameter since (absent: 0) of the trace endpoints; a value that is
// not a non-negative integer is answered with 400 and ok false.
func sinceParam(w http.ResponseWriter, r *http.Request) (since uint64, ok bool) {
	v := r.URL.Query().Get("since")
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "since: not a non-negative integer: " + strconv.Quote(v)})
		return 0, false
	}
	return n, true
}

// traceAnswer is the JSON of GET /_sqsmock/trace.
type traceAnswer struct {
	Events  []trace.Event `json:"events"`
	Dropped uint64        `json:"dropped"`
	Last    uint64        `json:"last"`
	Size    int           `json:"size"`
}

// serveTrace answers GET /_sqsmock/trace?since=N: the events with Seq > N (N absent: 0), oldest
// first, at most limit of them (default and most maxTracePage; ask again with since = the last
// one's Seq while it is below last), the count of dropped events, the Seq of the newest event and
// the ring's size (0: tracing is off). With topic=ARN, only that SNS topic's delivery events
// (sns.delivered, sns.filtered, sns.failed) with Seq > N: the newest limit of them, oldest first,
// read through the trace's index of topics (a topic's deliveries cost what they return).
func (a *admin) serveTrace(w http.ResponseWriter, r *http.Request) {
	since, ok := sinceParam(w, r)
	if !ok {
		return
	}
	qv := r.URL.Query()
	limit := maxTracePage
	if s := qv.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxTracePage {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("limit must be 1 to %d, not %q", maxTracePage, s)})
			return
		}
		limit = n
	}
	topic := qv.Get("topic")
	if topic != "" && !strings.HasPrefix(topic, "arn:aws:sns:") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "topic: not an SNS topic ARN: " + strconv.Quote(topic)})
		return
	}
	ans := traceAnswer{Events: []trace.Event{}}
	if ring := a.b.Trace(); ring != nil {
		if topic != "" {
			ans.Events, ans.Last = ring.TopicEvents(topic, since, limit)
			ans.Dropped = ring.Dropped()
		} else {
			ans.Events, ans.Dropped, ans.Last = ring.Since(since, limit)
		}
		ans.Size = ring.Size()
	}
	writeJSON(w, http.StatusOK, ans)
}

// topicSummary is one topic of GET /_sqsmock/topics.
type topicSummary struct {
	ARN                       string                `json:"arn"`
	Name                      string                `json:"name"`
	Account                   string                `json:"account"`
	Region                    string                `json:"region"`
	FIFO                      bool                  `json:"fifo"`
	ContentBasedDeduplication bool                  `json:"contentBasedDeduplication"`
	SubscriptionCount         int                   `json:"subscriptionCount"`
	Subscriptions             []subscriptionSummary `json:"subscriptions"`
}

// subscriptionSummary is one subscription of a topic of GET /_sqsmock/topics.
type subscriptionSummary struct {
	ARN                string `json:"arn"`
	Owner              string `json:"owner"`
	Protocol           string `json:"protocol"`
	Endpoint           string `json:"endpoint"`
	RawMessageDelivery bool   `json:"rawMessageDelivery"`
	FilterPolicy       string `json:"filterPolicy,omitempty"`
	FilterPolicyScope  string `json:"filterPolicyScope,omitempty"`
	DeadLetterQueueARN string `json:"deadLetterQueueArn,omitempty"`
}

// serveTopics answers GET /_sqsmock/topics: the SNS topics of every account and region (or of
// those the query parameters account and region name), by ARN, each with its subscriptions in
// the order of subscribing, and total, how many topics it lists.
func (a *admin) serveTopics(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	account, region := qv.Get("account"), qv.Get("region")
	rows := []topicSummary{}
	for _, t := range a.b.Topics() {
		if account != "" && t.Account != account || region != "" && t.Region != region {
			continue
		}
		subs := make([]subscriptionSummary, 0, len(t.Subscriptions))
		for _, s := range t.Subscriptions {
			subs = append(subs, subscriptionSummary{ARN: s.ARN, Owner: s.Owner, Protocol: s.Protocol, Endpoint: s.Endpoint,
				RawMessageDelivery: s.Raw, FilterPolicy: s.FilterPolicy, FilterPolicyScope: s.FilterPolicyScope, DeadLetterQueueARN: s.DLQ})
		}
		rows = append(rows, topicSummary{ARN: t.ARN, Name: t.Name, Account: t.Account, Region: t.Region, FIFO: t.FIFO,
			ContentBasedDeduplication: t.ContentBasedDeduplication, SubscriptionCount: len(subs), Subscriptions: subs})
	}
	writeJSON(w, http.StatusOK, map[string]any{"topics": rows, "total": len(rows)})
}

// defaultQueueLimit and maxQueueLimit bound one answer of GET /_sqsmock/queues (ListQueues'
// own 1000).
const defaultQueueLimit, maxQueueLimit = 1000, 1000

// serveQueues answers GET /_sqsmock/queues: the queues of every region and account (or of those
// the query parameters account and region name, whose names start with prefix), at most limit
// of them (default and most 1000): the mock's own namespace first, then the others by account
// and region, each by name. total counts every queue that matches; next, present when more
// follow, is the cursor to pass as after for the next page. At 20,000 queues one unpaged answer
// was 3.4 MB and took 90-175 ms, and the console asked for it every second.
func (a *admin) serveQueues(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	account, region, prefix := qv.Get("account"), qv.Get("region"), qv.Get("prefix")
	limit := defaultQueueLimit
	if s := qv.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxQueueLimit {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("limit must be 1 to %d, not %q", maxQueueLimit, s)})
			return
		}
		limit = n
	}
	var after queueCursor
	if s := qv.Get("after"); s != "" {
		var ok bool
		if after, ok = parseQueueCursor(s); !ok {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "after: not a cursor of this endpoint (its next): " + strconv.Quote(s)})
			return
		}
	}
	rows := []queueSummary{}
	total, more := 0, false
	for _, e := range a.b.Engines() {
		if account != "" && e.AccountID() != account || region != "" && e.Region() != region {
			continue
		}
		from := ""
		switch c := a.compareToCursor(e, after); {
		case c < 0: // wholly before the cursor: counted only
			_, n, _ := e.CountsPage(prefix, "", 0)
			total += n
			continue
		case c == 0:
			from = after.name
		}
		page, n, rest := e.CountsPage(prefix, from, limit-len(rows))
		total += n
		more = more || rest > len(page)
		for _, q := range page {
			rows = append(rows, queueSummary{Name: q.Name, Account: e.AccountID(), Region: e.Region(), ARN: q.ARN, FIFO: q.FIFO,
				Ready: q.Ready, InFlight: q.InFlight, Delayed: q.Delayed})
		}
	}
	answer := map[string]any{"queues": rows, "total": total}
	if more && len(rows) > 0 {
		last := rows[len(rows)-1]
		answer["next"] = queueCursor{account: last.Account, region: last.Region, name: last.Name}.String()
	}
	writeJSON(w, http.StatusOK, answer)
}

// queueCursor is the last queue of a page of GET /_sqsmock/queues: the next page starts after it.
type queueCursor struct{ account, region, name string }

// String is the cursor as next carries it: account/region/name (no part holds a slash).
func (c queueCursor) String() string { return c.account + "/" + c.region + "/" + c.name }

func parseQueueCursor(s string) (queueCursor, bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || !addr.IsAccountID(parts[0]) || parts[1] == "" || parts[2] == "" {
		return queueCursor{}, false
	}
	return queueCursor{account: parts[0], region: parts[1], name: parts[2]}, true
}

// compareToCursor places engine e's namespace against the cursor's in the order of the listing
// (the mock's own namespace first, then by account and region): -1 before, 0 the same, +1 after.
// The zero cursor (the first page) is before every namespace.
func (a *admin) compareToCursor(e *engine.Engine, c queueCursor) int {
	if c.account == "" {
		return 1
	}
	homeAccount, homeRegion := a.b.Home()
	rank := func(account, region string) int {
		if account == homeAccount && region == homeRegion {
			return 0
		}
		return 1
	}
	return cmp.Or(cmp.Compare(rank(e.AccountID(), e.Region()), rank(c.account, c.region)),
		cmp.Compare(e.AccountID(), c.account), cmp.Compare(e.Region(), c.region))
}
