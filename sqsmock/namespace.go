package sqsmock

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/iampolicy"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// One mock serves many regions and accounts, as one LocalStack does: SQS keeps queues apart by
// account and region, so the mock keeps one engine per (account, region), made on first use and
// sharing the mock's clock, fault plan, limits and call log. Each request is routed to the engine
// of the queue it addresses (by queue URL or ARN) or, when it addresses none (CreateQueue,
// ListQueues, GetQueueUrl), of its caller.
//
// The caller's region is the one its request is signed for (the SigV4 credential scope, or the
// in-process client's sqs.Options.Region); an unsigned request takes the region its queue URL or
// ARN names (a host sqs.REGION.… or REGION.queue.…, a path /queue/REGION/…, an ARN), else the
// region its own Host names, else the mock's. Its account is its access key id when that is 12
// digits (LocalStack's convention), else the mock's. A queue URL's account is the one in its path;
// its host never decides which queue is meant, except for the region in those styles.

// namespace is one account in one region.
type namespace struct{ account, region string }

// caller is who makes a request.
type caller struct {
	namespace
	// signed: the region is the caller's own (a signature's, or the in-process client's options),
	// and decides the region of every queue the request addresses.
	signed bool
	// principal is the IAM identity the caller named (its session token, when that is an IAM or
	// STS ARN of its account): "" for the account's root, all the mock knows of most callers.
	principal string
	// secure: the request came over TLS (aws:SecureTransport). The in-process client and
	// SDKClient stand for the SDK on AWS's HTTPS endpoint: secure.
	secure bool
	// sourceIP is the address the request came from (aws:SourceIp); not valid in process.
	sourceIP netip.Addr
	// operator: the console acting for the mock's user, which queue policies do not bind.
	operator bool
}

// request is the caller's request for an IAM action, as a queue policy sees it.
func (who caller) request(action string) iampolicy.Request {
	return iampolicy.Request{Action: "sqs:" + action, Secure: who.secure, SourceIP: who.sourceIP,
		Caller: iampolicy.Caller{Account: who.account, ARN: who.principal}}
}

// engineFor returns the engine of a namespace. A namespace no queue was ever created in has none
// kept: unless create, it gets an empty engine of its own that is not kept, so requests that
// only read or fail leave nothing behind.
func (m *Mock) engineFor(ns namespace, create bool) *engine.Engine {
	if ns == m.home {
		return m.engine
	}
	m.nsMu.RLock()
	e := m.engines[ns]
	m.nsMu.RUnlock()
	if e != nil {
		return e
	}
	if !create {
		return m.newEngine(ns)
	}
	m.nsMu.Lock()
	defer m.nsMu.Unlock()
	if e = m.engines[ns]; e == nil {
		e = m.newEngine(ns)
		m.engines[ns] = e
	}
	return e
}

// newEngine makes the engine of a namespace, on the mock's clock, fault plan and shared limits.
func (m *Mock) newEngine(ns namespace) *engine.Engine {
	clock := m.cfg.clock
	return engine.New(engine.Config{
		Region: ns.region, AccountID: ns.account, BaseURL: m.cfg.endpoint,
		Now:          clock.Now,
		NewTimer:     func(d time.Duration) engine.Timer { return clock.NewTimer(d) },
		Faults:       m.messageFault,
		FaultsActive: m.faultsActive,
		Trace:        m.traceHook(ns),
		MaxQueues:    m.cfg.maxQueues,
		MaxMessages:  m.cfg.maxMessages,
		Queues:       &m.queueCount,
		Held:         &m.held,
	})
}

// allEngines lists the kept engines: the mock's own first, then by account and region.
func (m *Mock) allEngines() []*engine.Engine {
	m.nsMu.RLock()
	out := make([]*engine.Engine, 0, len(m.engines)+1)
	for _, e := range m.engines {
		out = append(out, e)
	}
	m.nsMu.RUnlock()
	slices.SortFunc(out, func(a, b *engine.Engine) int {
		return cmp.Or(cmp.Compare(a.AccountID(), b.AccountID()), cmp.Compare(a.Region(), b.Region()))
	})
	return append([]*engine.Engine{m.engine}, out...)
}

// addressing says what a request names its queue by.
type addressing uint8

const (
	byNone   addressing = iota // CreateQueue, ListQueues: the caller's namespace
	byURL                      // QueueUrl
	byName                     // GetQueueUrl: QueueName and QueueOwnerAWSAccountId
	byARN                      // SourceArn of a message move task
	byHandle                   // a move task's handle, which holds its SourceArn
)

// targetOf is what an operation's input addresses.
func targetOf(in any) (how addressing, addr, owner string) {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch v := in.(type) {
	case *sqs.SendMessageInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ReceiveMessageInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.DeleteMessageInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.SendMessageBatchInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.DeleteMessageBatchInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ChangeMessageVisibilityInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ChangeMessageVisibilityBatchInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.GetQueueAttributesInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.SetQueueAttributesInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.PurgeQueueInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.DeleteQueueInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ListDeadLetterSourceQueuesInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.AddPermissionInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.RemovePermissionInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.TagQueueInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.UntagQueueInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.ListQueueTagsInput:
		return byURL, s(v.QueueUrl), ""
	case *sqs.GetQueueUrlInput:
		return byName, s(v.QueueName), s(v.QueueOwnerAWSAccountId)
	case *sqs.StartMessageMoveTaskInput:
		return byARN, s(v.SourceArn), ""
	case *sqs.ListMessageMoveTasksInput:
		return byARN, s(v.SourceArn), ""
	case *sqs.CancelMessageMoveTaskInput:
		return byHandle, s(v.TaskHandle), ""
	}
	return byNone, "", ""
}

// route picks the engine an operation acts on, and reports whether SQS would refuse the request
// as the queue's policy decides it (IAM's evaluation for one resource-based policy): a request
// for another account's queue needs an Allow and no Deny, and only for the actions a queue policy
// can share; a request of the queue's own account, which the mock takes its IAM policies to
// allow, is refused only by a Deny.
func (m *Mock) route(who caller, op string, in any) (e *engine.Engine, denied bool) {
	how, addr, owner := targetOf(in)
	ns := who.namespace
	switch how {
	case byNone:
		return m.engineFor(ns, op == "CreateQueue"), false
	case byName:
		if owner != "" {
			ns.account = owner
		}
	case byHandle:
		addr = taskSource(addr)
		fallthrough
	case byURL, byARN:
		a := m.addrs.Get(addr, parseQueueAddress)
		account, region := a.account, a.region
		if account != "" {
			ns.account = account
		}
		if region != "" && !who.signed {
			ns.region = region
		}
	}
	e = m.engineFor(ns, false)
	switch {
	case ns.account != who.account:
		action := grantable[op]
		if action == "" {
			exists, _ := e.Authorize(addr, iampolicy.Request{})
			return e, exists
		}
		exists, d := e.Authorize(addr, who.request(action))
		return e, exists && d != iampolicy.Allow
	case who.operator || !e.HasPolicies():
		return e, false
	}
	exists, d := e.Authorize(addr, who.request(iamAction(op)))
	return e, exists && d == iampolicy.Deny
}

// iamAction is the IAM action of an operation: its own name, but for the batch operations, which
// take their single forms' permissions (API Reference, AddPermission).
func iamAction(op string) string {
	switch op {
	case "SendMessageBatch":
		return "SendMessage"
	case "DeleteMessageBatch":
		return "DeleteMessage"
	case "ChangeMessageVisibilityBatch":
		return "ChangeMessageVisibility"
	}
	return op
}

// grantable maps an operation to the action a queue policy grants another account for it. The
// others are the owner's alone: "Cross-account permissions don't apply" to them (Developer
// Guide, Limitations of Amazon SQS custom policies), and the batch actions take the permissions of
// their single forms (API Reference, AddPermission).
var grantable = map[string]string{
	"SendMessage": "SendMessage", "SendMessageBatch": "SendMessage",
	"ReceiveMessage": "ReceiveMessage",
	"DeleteMessage":  "DeleteMessage", "DeleteMessageBatch": "DeleteMessage",
	"ChangeMessageVisibility": "ChangeMessageVisibility", "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
	"GetQueueAttributes": "GetQueueAttributes", "GetQueueUrl": "GetQueueUrl",
	"ListDeadLetterSourceQueues": "ListDeadLetterSourceQueues", "PurgeQueue": "PurgeQueue",
}

// accessDenied is SQS's answer to a request it does not authorize: "Access to the resource
// <the request's URL> is denied." (AccessDenied, HTTP 403; the Developer Guide's "Troubleshoot an
// access denied error" shows it for a JSON request to https://sqs.us-east-1.amazonaws.com/, and
// answers to Query requests at a queue URL name that URL).
func accessDenied(ctx context.Context, e *engine.Engine) error {
	base, ok := reqctx.BaseURL(ctx)
	if !ok {
		base = e.BaseURL()
	}
	path := "/"
	if info := requestInfoFrom(ctx); info != nil && info.path != "" {
		path = info.path
	}
	return sqserr.AccessDenied("Access to the resource " + strings.TrimRight(base, "/") + path + " is denied.")
}

// taskSource is the SourceArn inside a message move task's handle ("" if it has none).
func taskSource(handle string) string {
	raw, err := base64.StdEncoding.DecodeString(handle)
	if err != nil {
		return ""
	}
	var h struct {
		SourceArn string `json:"sourceArn"`
	}
	_ = json.Unmarshal(raw, &h)
	return h.SourceArn
}

// address is what queueAddress reads.
type address struct{ account, region string }

func parseQueueAddress(s string) address {
	account, region := queueAddress(s)
	return address{account, region}
}

// queueAddress reads what a queue URL or ARN names: its account (the path's /ACCOUNT/NAME, also
// in LocalStack's /queue/REGION/ACCOUNT/NAME, or the ARN's) and its region where it names one
// (the ARN's, such a path's, or a host sqs.REGION.… or REGION.queue.…). A bare name names neither.
func queueAddress(s string) (account, region string) {
	if rest, ok := strings.CutPrefix(s, "arn:"); ok { // arn:PARTITION:sqs:REGION:ACCOUNT:NAME
		_, rest, _ = strings.Cut(rest, ":")
		service, rest, _ := strings.Cut(rest, ":")
		region, rest, _ = strings.Cut(rest, ":")
		account, _, ok = strings.Cut(rest, ":")
		if service != "sqs" || !ok {
			return "", ""
		}
		if !isSigningRegion(region) {
			region = ""
		}
		return account, region
	}
	path := s
	if i := strings.Index(s, "://"); i >= 0 {
		host := s[i+3:]
		path = ""
		if j := strings.IndexByte(host, '/'); j >= 0 {
			host, path = host[:j], host[j:]
		}
		region = hostRegion(host)
	}
	if j := strings.IndexAny(path, "?#"); j >= 0 {
		path = path[:j]
	}
	path = strings.Trim(path, "/")
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", region
	}
	dir := path[:i]
	k := strings.LastIndexByte(dir, '/')
	account = dir[k+1:]
	if k >= 0 && region == "" {
		up := dir[:k]
		l := strings.LastIndexByte(up, '/')
		if seg := up[l+1:]; l >= 0 && (up[:l] == "queue" || strings.HasSuffix(up[:l], "/queue")) && isRegion(seg) {
			region = seg
		}
	}
	return account, region
}

// hostRegion is the region a host name names in the styles sqs.REGION.DOMAIN (AWS's, and
// LocalStack's sqs.REGION.localhost.localstack.cloud) and REGION.queue.DOMAIN; "" otherwise.
func hostRegion(host string) string {
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if strings.HasPrefix(host, "[") {
		return ""
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	first, rest, ok := strings.Cut(host, ".")
	if !ok {
		return ""
	}
	second, _, _ := strings.Cut(rest, ".")
	switch {
	case strings.EqualFold(first, "sqs") && isRegion(second):
		return second
	case strings.EqualFold(second, "queue") && isRegion(first):
		return first
	}
	return ""
}

// isRegion reports whether s has the shape of an AWS region name: three or more words joined by
// hyphens, lower-case letters but for the last, a number (us-east-1, us-gov-west-1).
func isRegion(s string) bool {
	if len(s) > 32 {
		return false
	}
	words, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '-' {
			continue
		}
		w, last := s[start:i], i == len(s)
		start = i + 1
		words++
		if w == "" || words == 1 && len(w) < 2 {
			return false
		}
		for j := 0; j < len(w); j++ {
			if c := w[j]; last && (c < '0' || c > '9') || !last && (c < 'a' || c > 'z') {
				return false
			}
		}
	}
	return words >= 3
}

// isSigningRegion reports whether a credential scope's region can name a namespace: any
// lower-case name of letters, digits and hyphens, as clients may sign for any region they are
// configured with.
func isSigningRegion(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isAccountID reports whether s is a 12-digit account id.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// requestInfo is what the HTTP front door knows of a request's caller, for routing.
type requestInfo struct {
	who  caller
	path string // the request's path, for AccessDenied's message
}

type requestInfoKey struct{}

func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

// identify puts the caller of each HTTP request into its context.
func (m *Mock) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &requestInfo{who: m.callerOf(r), path: r.URL.Path}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))
	})
}

// callerOf reads the caller of an HTTP request from its SigV4 credential scope
// (Credential=AKID/DATE/REGION/sqs/aws4_request in the Authorization header, or X-Amz-Credential
// in the query string of a presigned or Query request), else the Host's region; the rest is the
// mock's own. A session token (X-Amz-Security-Token) that is the ARN of an IAM user or role or of
// an assumed-role session names the caller's identity and account. The connection tells whether
// the request came over TLS and from which address.
func (m *Mock) callerOf(r *http.Request) caller {
	who := caller{namespace: m.home, secure: r.TLS != nil}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		who.sourceIP = ap.Addr().Unmap()
	}
	var cred string
	if h := r.Header.Get("Authorization"); h != "" {
		if i := strings.Index(h, "Credential="); i >= 0 {
			cred = h[i+len("Credential="):]
			if j := strings.IndexAny(cred, ", "); j >= 0 {
				cred = cred[:j]
			}
		}
	} else if strings.Contains(r.URL.RawQuery, "X-Amz-Credential") {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	key, rest, _ := strings.Cut(cred, "/")
	_, rest, _ = strings.Cut(rest, "/")
	region, _, _ := strings.Cut(rest, "/")
	if isAccountID(key) {
		who.account = key
	}
	switch {
	case isSigningRegion(region):
		who.region, who.signed = region, true
	case hostRegion(r.Host) != "":
		who.region = hostRegion(r.Host)
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if token == "" && strings.Contains(r.URL.RawQuery, "X-Amz-Security-Token") {
		token = r.URL.Query().Get("X-Amz-Security-Token")
	}
	who.named(token)
	return who
}

// named takes the identity a session token names, when it is an IAM or STS principal ARN: the
// caller becomes that principal, of that principal's account.
func (who *caller) named(token string) {
	if !strings.HasPrefix(token, "arn:") {
		return
	}
	if c, ok := iampolicy.ParseCaller(token); ok {
		who.account, who.principal = c.Account, c.ARN
	}
}

// clientCaller is the caller an in-process client's options make: their region (the mock's when
// empty) and the account of their credentials' access key id when it has 12 digits, or the
// identity their session token names (see callerOf), read once.
func (m *Mock) clientCaller(o sqs.Options) caller {
	who := caller{namespace: m.home, signed: true, secure: true}
	if isSigningRegion(o.Region) {
		who.region = o.Region
	}
	if o.Credentials != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if creds, err := o.Credentials.Retrieve(ctx); err == nil {
			if isAccountID(creds.AccessKeyID) {
				who.account = creds.AccessKeyID
			}
			who.named(creds.SessionToken)
		}
	}
	return who
}

// regionalBase is the base of queue URLs in the region-host style: base's scheme and port (and
// path, if any) with the host sqs.REGION.DOMAIN (DOMAIN's own port, if it has one, wins).
func regionalBase(base, domain, region string) string {
	scheme, rest, ok := strings.Cut(base, "://")
	if !ok {
		scheme, rest = "http", base
	}
	host, path, _ := strings.Cut(rest, "/")
	port := ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") && !strings.Contains(domain, ":") {
		port = host[i:]
	}
	out := scheme + "://sqs." + region + "." + domain + port
	if path != "" {
		out += "/" + path
	}
	return out
}
