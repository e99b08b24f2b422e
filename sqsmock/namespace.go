package sqsmock

import (
	"cmp"
	"context"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock/internal/addr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/iampolicy"
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
		Region: ns.region, AccountID: ns.account, BaseURL: strings.ReplaceAll(m.cfg.endpoint, "{region}", ns.region),
		Now:          clock.Now,
		NewTimer:     func(d time.Duration) engine.Timer { return clock.NewTimer(d) },
		Faults:       m.messageFault,
		FaultsActive: m.faultsActive,
		Trace:        m.trace.Hook(ns.account, ns.region),
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

// address is what queueAddress reads.
type address struct{ account, region string }

func parseQueueAddress(s string) address {
	account, region := addr.QueueAddress(s)
	return address{account, region}
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
	if addr.IsAccountID(key) {
		who.account = key
	}
	switch {
	case addr.IsSigningRegion(region):
		who.region, who.signed = region, true
	case addr.HostRegion(r.Host) != "":
		who.region = addr.HostRegion(r.Host)
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
	if addr.IsSigningRegion(o.Region) {
		who.region = o.Region
	}
	if o.Credentials != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if creds, err := o.Credentials.Retrieve(ctx); err == nil {
			if addr.IsAccountID(creds.AccessKeyID) {
				who.account = creds.AccessKeyID
			}
			who.named(creds.SessionToken)
		}
	}
	return who
}

// regionalBase is the base of region's queue URLs for an Endpoint template with {region}: the
// template with the region in it and, when its host names no port, the scheme and port of the
// request's own base URL (if any).
func regionalBase(template, region, requestBase string) string {
	u := strings.ReplaceAll(template, "{region}", region)
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		scheme, rest = "http", u
	}
	host, path, _ := strings.Cut(rest, "/")
	if rs, rrest, ok := strings.Cut(requestBase, "://"); ok && !strings.Contains(host, ":") {
		rhost, _, _ := strings.Cut(rrest, "/")
		if i := strings.LastIndexByte(rhost, ':'); i >= 0 && !strings.Contains(rhost[i:], "]") {
			host += rhost[i:]
		}
		scheme = rs
	}
	out := scheme + "://" + host
	if path != "" {
		out += "/" + path
	}
	return out
}
