package sqsmock

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/bubble"
	"github.com/sqsharness/sqsharness/internal/exempt"
	"github.com/sqsharness/sqsharness/internal/faultplan"
	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
	"github.com/sqsharness/sqsharness/sqsmock/internal/wire"
)

// serverConfig is the configuration of one HTTP front door of the mock (Handler, Start).
// The server options given to New apply first, then the front door's own.
func (m *Mock) serverConfig(opts []Option) handlerConfig {
	var c handlerConfig
	for _, f := range m.cfg.server {
		f(&c)
	}
	for _, o := range opts {
		if o.server != nil {
			o.server(&c)
		}
	}
	return c
}

// signingCredentials are the credentials a client of this front door signs with: the first
// WithCredentials, else test/test.
func (c handlerConfig) signingCredentials() aws.Credentials {
	if c.firstKey == "" {
		return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	}
	return aws.Credentials{AccessKeyID: c.firstKey, SecretAccessKey: c.creds[c.firstKey]}
}

type handlerConfig struct {
	wire       wire.Options
	wrap       []func(http.Handler) http.Handler
	creds      map[string]string // WithCredentials: access key -> secret
	firstKey   string
	adminHosts []string // WithAdminHosts
	adminToken string   // WithAdminToken
	// browserOrigins are WithBrowserOrigins' origins, as given.
	browserOrigins []string
	// regionHosts is WithRegionHosts' domain; engineURLs gives queues the in-process client's URLs
	// (SDKClient's in-memory handler).
	regionHosts string
	engineURLs  bool

	// Start's server only.
	readTimeout, writeTimeout, idleTimeout time.Duration
	maxConns                               int
}

// Defaults of Start's server, each changed by its option (WithReadTimeout, WithWriteTimeout,
// WithIdleTimeout, WithMaxConnections).
const (
	DefaultReadTimeout    = 30 * time.Second
	DefaultWriteTimeout   = 60 * time.Second
	DefaultIdleTimeout    = 120 * time.Second
	DefaultMaxConnections = 1024
)

// WithReadTimeout bounds how long Start's server waits for a whole request, headers and body,
// from the moment the connection is ready for it (default DefaultReadTimeout; negative: no
// limit). A client that trickles its headers has its connection closed; one that trickles its
// body, or sends less than its Content-Length says, gets SerializationException (400) when d
// runs out, and its connection is closed (one that hangs up mid-body gets 499, client closed
// request, which only a request log sees). Once the body is in, d no longer applies, so it never
// cuts a long poll short. The Handler alone ignores it.
func WithReadTimeout(d time.Duration) Option {
	return serverOption(func(c *handlerConfig) { c.readTimeout = d })
}

// WithWriteTimeout bounds each request on Start's server from the end of its headers to the end
// of its answer (default DefaultWriteTimeout; negative: no limit): it covers reading the body,
// the operation (a long poll waits up to 20 s, plus any Latency a fault plan adds) and writing
// the answer to a client that may read it slowly. It must exceed the slowest of those with
// margin: an answer not written in time is lost, and the client sees its connection close. The
// Handler alone ignores it.
func WithWriteTimeout(d time.Duration) Option {
	return serverOption(func(c *handlerConfig) { c.writeTimeout = d })
}

// WithIdleTimeout closes keep-alive connections of Start's server that wait longer than d for
// their next request (default DefaultIdleTimeout, more than the 90 s after which aws-sdk-go-v2
// and net/http clients drop idle connections themselves; negative: never). The Handler alone
// ignores it.
func WithIdleTimeout(d time.Duration) Option {
	return serverOption(func(c *handlerConfig) { c.idleTimeout = d })
}

// WithMaxConnections bounds the connections Start's server holds at once (default
// DefaultMaxConnections; negative: no bound). A connection past the bound is accepted, answers
// its first request with ServiceUnavailable (HTTP 503, in the request's protocol, which SDKs
// retry; a JSON error on /health and /_sqsmock/ paths) and is closed, so a client learns why
// instead of hanging in the listen queue; one that sends nothing is closed after 2 seconds.
// Silent connections cannot hold the server: while it is at the bound, a new connection takes
// the place of the oldest one that has sent no request in the second since it was accepted
// (closed), and at the process's file-descriptor limit the server closes such connections,
// oldest first, and retries accepting (backing off from 5 ms to 250 ms while there are none)
// instead of leaving clients queued behind them. The Handler alone ignores it.
func WithMaxConnections(n int) Option {
	return serverOption(func(c *handlerConfig) { c.maxConns = n })
}

// WithMaxBodyBytes limits request bodies (default 8 MiB: a 1 MiB message URL-encoded in a Query
// request is about 3 MiB and must reach the engine to get SQS's own size error); larger requests get
// HTTP 413 RequestEntityTooLarge.
func WithMaxBodyBytes(n int64) Option {
	return serverOption(func(c *handlerConfig) { c.wire.MaxBodyBytes = n })
}

// WithPublicURL makes queue URLs point at baseURL (e.g. "http://sqs.test:9324") instead of the
// scheme and host each request came in on.
func WithPublicURL(baseURL string) Option {
	return serverOption(func(c *handlerConfig) { c.wire.BaseURL = baseURL })
}

// WithRegionHosts makes queue URLs name their region in their host, as LocalStack's do:
// http://sqs.<region>.<domain>:<port>/<account>/<name>, with the scheme and port of the request
// (or of WithPublicURL) unless domain has a port of its own. With domain
// "localhost.localstack.cloud", whose names resolve to 127.0.0.1, clients that find the region in
// a queue URL's host, or that use such a host as their endpoint, reach the mock in that region.
// The host of a queue URL given back decides nothing but the region, and that only for a request
// that is not signed (a signed one is in the region it is signed for). Default: the request's
// own scheme and host, http://127.0.0.1:9324/<account>/<name>.
func WithRegionHosts(domain string) Option {
	return serverOption(func(c *handlerConfig) { c.regionHosts = strings.Trim(domain, ".") })
}

// WithHTTPMiddleware wraps the handler, e.g. to log requests. The first one given is outermost.
func WithHTTPMiddleware(mw func(http.Handler) http.Handler) Option {
	return serverOption(func(c *handlerConfig) { c.wrap = append(c.wrap, mw) })
}

// Handler serves the mock over HTTP in both SQS wire protocols: AWS JSON 1.0 (current SDKs) and
// Query (older SDKs, the AWS CLI v1), at / and at queue URL paths. It also serves
// GET /health and the admin endpoints GET /_sqsmock/queues (queues with message counts),
// POST /_sqsmock/reset (delete everything, re-create the start-up queues), and
// GET, PUT and DELETE /_sqsmock/faults (read the fault plan with its injections, replace it with
// a JSON or YAML plan, remove it), GET /_sqsmock/trace?since=N (the trace's events after Seq N,
// at most 5000 an answer, with "dropped", "last" and "size"; see WithTrace). Transport faults
// drop the connection.
//
// The live console, at /_sqsmock/ui/, shows the queues, their messages and history, and the
// fault plan, and acts through admin endpoints of its own (console.go): GET /_sqsmock/queues/{name},
// GET and POST /_sqsmock/queues/{name}/messages, GET and DELETE …/messages/{id}, POST …/purge,
// GET and POST …/movetasks, POST /_sqsmock/movetasks/cancel, GET /_sqsmock/faults/injections and
// POST /_sqsmock/faults/pause and /_sqsmock/faults/resume.
//
// Each request is served in its caller's region and account: the region its SigV4 credential
// scope names and the account of a 12-digit access key id, else the mock's own (see the README's
// "Many regions and accounts"); GET /_sqsmock/queues lists every region and account, or those its
// query parameters region and account name.
//
// The admin endpoints refuse (HTTP 403, JSON error) requests a web page could make: a Host header
// that is not this server (DNS rebinding: localhost, loopback addresses, Start's listening
// address, WithPublicURL's host and WithAdminHosts are allowed, on any port) and cross-origin
// browser requests (a Sec-Fetch-Site header other than same-origin or none, or an Origin other
// than the server's own). With WithAdminToken they also need "Authorization: Bearer <token>"
// (HTTP 401 otherwise). GET /health and GET /_sqsmock/health stay open.
//
// The SQS API refuses web pages too, which could otherwise send, read, purge and delete through
// any browser on the machine: a browser's request (an Origin header, a Sec-Fetch-Site other than
// same-origin or none, or Sec-Fetch-Mode: navigate) gets HTTP 403 with a plain-text reason,
// unless its Origin is one of WithBrowserOrigins, which also answers its CORS preflights; a Host
// that is not a name of this server gets AccessDenied (403) in the request's protocol. The API
// answers under the admin endpoints' names, any IP address, names under .localhost, AWS's own
// SQS endpoint names, WithRegionHosts' domain, and, on a connection that came over the network
// (not to a loopback address), names public DNS never answers (without a dot, or under
// .internal, .local, .test, .home.arpa). SDKs and the AWS CLI send no browser header and name
// the endpoint they were given. WithCredentials guards the API further. (SDKClient's in-memory
// transport is not checked: no browser reaches it.)
func (m *Mock) Handler(opts ...Option) http.Handler {
	c := m.serverConfig(opts)
	if len(c.creds) > 0 {
		c.wire.Authenticate = newSigV4Verifier(c.creds, m.cfg.region).verify
	}
	front := &Client{m: m, server: true, hosts: c.regionHosts, engineURLs: c.engineURLs}
	api := exemptable(m.identify(wire.NewHandler(front, c.wire)))
	admin := newAdminGuard(&c)
	if !c.engineURLs { // SDKClient's in-memory transport: no browser there
		guard, err := newAPIGuard(&c, admin)
		if err != nil {
			panic(err)
		}
		api = guard.wrap(api)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", m.serveHealth)
	mux.HandleFunc("GET /_sqsmock/health", m.serveHealth)
	mux.Handle("GET /_sqsmock/queues", admin.wrap(m.serveQueues))
	mux.Handle("POST /_sqsmock/reset", admin.wrap(m.serveReset))
	mux.Handle("GET /_sqsmock/faults", admin.wrap(m.serveFaults))
	mux.Handle("PUT /_sqsmock/faults", admin.wrap(m.replaceFaults))
	mux.Handle("DELETE /_sqsmock/faults", admin.wrap(m.deleteFaults))
	mux.Handle("GET /_sqsmock/trace", admin.wrap(m.serveTrace))
	m.consoleRoutes(mux, admin, front)
	mux.Handle("/", api)
	var h http.Handler = mux
	for i := len(c.wrap) - 1; i >= 0; i-- {
		h = c.wrap[i](h)
	}
	return h
}

// exemptable exempts requests carrying the exempt header from the fault plan.
func exemptable(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(exempt.Header) != "" {
			r = r.WithContext(exempt.With(r.Context()))
		}
		h.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (m *Mock) serveHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "region": m.cfg.region, "account": m.cfg.account})
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

func (m *Mock) serveReset(w http.ResponseWriter, _ *http.Request) {
	if err := m.Reset(); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
}

func (m *Mock) serveFaults(w http.ResponseWriter, _ *http.Request) {
	plan := m.Faults()
	if plan == nil {
		writeJSON(w, http.StatusOK, map[string]any{"plan": nil, "injections": []any{}, "paused": m.faultsPaused.Load()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plan": (*faultplan.Plan)(plan), "injections": plan.Injections(), "paused": m.faultsPaused.Load()})
}

// maxPlanBytes bounds a fault plan sent to PUT /_sqsmock/faults.
const maxPlanBytes = 1 << 20

func (m *Mock) replaceFaults(w http.ResponseWriter, r *http.Request) {
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
		err = m.SetFaults(plan)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plan": (*faultplan.Plan)(plan)})
}

func (m *Mock) deleteFaults(w http.ResponseWriter, _ *http.Request) {
	_ = m.SetFaults(nil)
	writeJSON(w, http.StatusOK, map[string]string{"status": "no faults"})
}

// Server is a Mock served over HTTP on a local address.
type Server struct {
	// URL is the endpoint, e.g. "http://127.0.0.1:54321", for sqs.Options.BaseEndpoint.
	URL  string
	mock *Mock
	srv  *http.Server
	ln   net.Listener
	stop context.CancelCauseFunc
	done chan struct{}
	// creds are what SDKClient signs with: the first WithCredentials, else test/test.
	creds aws.Credentials

	maxConns int // WithMaxConnections; 0: no bound
	base     context.Context
	connsMu  sync.Mutex
	conns    map[net.Conn]*connInfo // open connections
	admitted int                    // open connections within maxConns
	// silent and silentOver are the connections that have not sent a request yet, within the
	// bound and past it, oldest first: those shed first (server_conns.go).
	silent, silentOver list.List
}

// connInfo is what the server knows of one open connection. over is set before the connection
// is served and never changes; the other fields are guarded by connsMu.
type connInfo struct {
	over     bool // accepted past maxConns: its first request is refused and it is closed
	conn     net.Conn
	state    http.ConnState
	accepted time.Time
	counted  bool          // counted in admitted (within the bound, not shed)
	silent   *list.Element // in silent (or silentOver, if over) while StateNew
	timer    *time.Timer   // past the bound: closes the connection after overBoundWait
}

// connKey carries a request's *connInfo in its context.
type connKey struct{}

// admit registers a connection just accepted, before it is served. At the bound it takes the
// place of the oldest connection that has sent nothing for silentGrace, closing that one; else
// it is past the bound: its first request will be refused, and it is closed after overBoundWait
// if it sends none. Its context carries what admit decided.
func (s *Server) admit(ctx context.Context, c net.Conn) context.Context {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	now := time.Now()
	info := &connInfo{conn: c, state: http.StateNew, accepted: now}
	if s.maxConns > 0 && s.admitted >= s.maxConns {
		if old := oldestSilent(&s.silent, now); old != nil {
			s.shed(old)
		} else {
			info.over = true
			info.timer = time.AfterFunc(overBoundWait, func() { _ = c.Close() })
		}
	}
	if info.over {
		info.silent = s.silentOver.PushBack(info)
	} else {
		s.admitted++
		info.counted = true
		info.silent = s.silent.PushBack(info)
	}
	s.conns[c] = info
	return context.WithValue(ctx, connKey{}, info)
}

// trackConn follows the connections' states: Shutdown closes those that have not sent a request
// yet (net/http's graceful shutdown counts them as active for 5 seconds) and stops waiting for
// the bodies of active ones.
func (s *Server) trackConn(c net.Conn, state http.ConnState) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	info, ok := s.conns[c]
	if !ok {
		return
	}
	info.state = state
	if state != http.StateNew {
		s.unlistSilent(info)
	}
	if state == http.StateClosed || state == http.StateHijacked {
		if info.counted {
			info.counted = false
			s.admitted--
		}
		if info.timer != nil {
			info.timer.Stop()
		}
		delete(s.conns, c)
	}
}

// overBound reports whether r came on a connection accepted past maxConns.
func overBound(r *http.Request) bool {
	info, _ := r.Context().Value(connKey{}).(*connInfo)
	return info != nil && info.over
}

// refuse answers a request on a connection past maxConns, and closes the connection.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	msg := fmt.Sprintf("sqsmock: more than %d connections open (WithMaxConnections, -max-conns); retry later", s.maxConns)
	if r.URL.Path == "/health" || strings.HasPrefix(r.URL.Path, "/_sqsmock/") {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": msg})
		return
	}
	e := sqserr.ServiceUnavailable()
	e.Message = msg
	wire.WriteError(w, r, e)
}

// serveConn is the server's outermost handler: it refuses requests on connections past the
// bound. (The read timeout needs no help here: net/http lifts the read deadline once a request's
// body is in, so it never cuts a long poll short.)
func (s *Server) serveConn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if overBound(r) {
			s.refuse(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Start serves the mock on addr ("127.0.0.1:0" picks a free port) until Shutdown or Close.
// It refuses inside a testing/synctest bubble, which cannot wait on sockets: there,
// (*Mock).SDKClient gives a real *sqs.Client on the mock's HTTP handler without one.
//
// No client can hold the server: a request must arrive within the read timeout
// (WithReadTimeout), be answered within the write timeout (WithWriteTimeout), and a keep-alive
// connection may idle for the idle timeout (WithIdleTimeout); at most WithMaxConnections
// connections are served at once. The admin endpoints also answer under the listening address
// as Host (see Handler).
func (m *Mock) Start(addr string, opts ...Option) (*Server, error) {
	if m.bubbled || bubble.Inside() {
		return nil, errors.New("sqsmock: Start called inside a testing/synctest bubble, which cannot wait on a socket " +
			"(time would stop); use (*Mock).SDKClient for a real *sqs.Client on the mock without one")
	}
	if slices.ContainsFunc(opts, func(o Option) bool { return o.mock != nil }) {
		return nil, errors.New("sqsmock: Start given an option of the mock itself (such as WithQueue or WithClock); " +
			"give it to New, or use NewServer, which takes both kinds")
	}
	hc := m.serverConfig(opts)
	if _, err := newAPIGuard(&hc, nil); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	base, stop := context.WithCancelCause(context.Background())
	s := &Server{URL: "http://" + ln.Addr().String(), mock: m, ln: ln, stop: stop, done: make(chan struct{}),
		base: base, conns: map[net.Conn]*connInfo{}}
	s.creds = hc.signingCredentials()
	s.maxConns = orDefault(hc.maxConns, DefaultMaxConnections)
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsUnspecified() {
		opts = append(opts[:len(opts):len(opts)], WithAdminHosts(ip.String()))
	}
	read := orDefault(hc.readTimeout, DefaultReadTimeout)
	s.srv = &http.Server{
		Handler:           s.serveConn(m.Handler(opts...)),
		ReadHeaderTimeout: read,
		ReadTimeout:       read,
		WriteTimeout:      orDefault(hc.writeTimeout, DefaultWriteTimeout),
		IdleTimeout:       orDefault(hc.idleTimeout, DefaultIdleTimeout),
		BaseContext:       func(net.Listener) context.Context { return base },
		ConnContext:       s.admit,
		ConnState:         s.trackConn,
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(&shedListener{Listener: ln, s: s})
	}()
	return s, nil
}

// NewServer starts a new Mock on 127.0.0.1 and stops it when the test ends. opts configure the
// mock (WithQueue, WithClock, ...) and its server (WithCredentials, WithReadTimeout, ...) alike.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...).Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("sqsmock: starting server: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Mock returns the mock behind the server, for inspection and clock control.
func (s *Server) Mock() *Mock { return s.mock }

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// SDKClient returns a real aws-sdk-go-v2 *sqs.Client pointed at the server, with static test
// credentials (the first WithCredentials, if given) and the mock's region. optFns customise it
// further (retries, middleware, faults).
func (s *Server) SDKClient(optFns ...func(*sqs.Options)) *sqs.Client {
	o := sqs.Options{
		Region:       s.mock.cfg.region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(s.creds.AccessKeyID, s.creds.SecretAccessKey, ""),
	}
	return sqs.New(o, optFns...)
}

// orDefault is v, or def when v is zero, or zero (none) when v is negative.
func orDefault[T int | time.Duration](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// Shutdown stops accepting requests, makes in-flight long polls return (empty, as on a queue
// with no messages), and waits for requests to finish or ctx to end. It does not wait for
// clients still sending: connections that have not sent a whole request header are closed, and
// a request whose body is still arriving fails at once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop(reqctx.ErrDraining)
	s.srv.SetKeepAlivesEnabled(false)
	s.connsMu.Lock()
	for c, info := range s.conns {
		switch info.state {
		case http.StateNew:
			_ = c.Close()
		case http.StateActive:
			_ = c.SetReadDeadline(time.Now()) // a body still arriving fails; long polls were stopped above
		}
	}
	s.connsMu.Unlock()
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}

// Close shuts the server down, waiting at most 5 seconds for requests to finish.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return s.srv.Close()
	}
	return err
}
