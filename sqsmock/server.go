package sqsmock

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/bubble"
	"github.com/sqsharness/sqsharness/internal/exempt"
	"github.com/sqsharness/sqsharness/sqsmock/internal/admin"
	"github.com/sqsharness/sqsharness/sqsmock/internal/engine"
	"github.com/sqsharness/sqsharness/sqsmock/internal/guard"
	"github.com/sqsharness/sqsharness/sqsmock/internal/httpserver"
	"github.com/sqsharness/sqsharness/sqsmock/internal/sigv4"
	"github.com/sqsharness/sqsharness/sqsmock/internal/trace"
	"github.com/sqsharness/sqsharness/sqsmock/internal/wire"
)

// The HTTP front door: Handler assembles it (the admin endpoints and console of internal/admin,
// behind internal/guard; the SQS API through internal/guard, Mock.identify and internal/wire to
// the front door's Client), Start serves it on a socket through internal/httpserver.

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

// WithCredentials makes the server verify the AWS Signature Version 4 of every SQS request, in
// both protocols, against these credentials; give it more than once to accept several access keys.
// Off by default: without it any signature, or none, is accepted. A request signed with an
// unknown access key gets InvalidClientTokenId, a wrong signature (wrong secret, changed body,
// region other than the endpoint's, service other than sqs) SignatureDoesNotMatch, no Authorization
// header MissingAuthenticationToken, all HTTP 403 as from AWS; a malformed Authorization header,
// or one with neither an X-Amz-Date nor a Date header, or a date not in ISO 8601 basic format
// (20060102T150405Z), gets IncompleteSignature (400). As in AWS, the request time must be within
// 15 minutes of the server's wall clock (time.Now, or WithWallClock; never the mock's Clock,
// which may be manual): otherwise SignatureDoesNotMatch (403) with AWS's message, "Signature
// expired: 20060102T150405Z is now earlier than 20060102T152405Z (20060102T153905Z - 15 min.)" or
// "Signature not yet current: … is still later than … (… + 15 min.)". Responses carry a Date
// header on the same clock, from which aws-sdk-go-v2 measures clock skew, as against AWS: a
// client whose clock is more than 15 minutes off fails its first attempt with that error, then
// retries signed at the server's time, succeeds and keeps the offset for its later calls (unless
// its retries or DisableClockSkewCorrection are off); the AWS CLI v1 (botocore) just fails.
//
// Signatures are checked by re-signing the request with aws-sdk-go-v2's signer, over the SHA-256
// of the body actually received (so an X-Amz-Content-Sha256 of UNSIGNED-PAYLOAD does not
// verify); a request dated only by a Date header (no X-Amz-Date) has its time checked but its
// signature does not verify, and presigned URLs (signature in the query string) are not
// accepted. GET /health and the /_sqsmock/ admin endpoints are not verified (WithAdminToken
// guards the admin endpoints). Server.SDKClient signs with the first credentials given.
//
// As at AWS, where each region has its endpoint, the region a request is signed for must be the
// endpoint's: the one its Host names in the style sqs.REGION.… (WithRegionHosts), else the
// mock's. So with verification on, clients reach other regions through such hosts; an access key
// of 12 digits still chooses the account.
func WithCredentials(accessKey, secret string) Option {
	return serverOption(func(c *handlerConfig) {
		if c.creds == nil {
			c.creds = map[string]string{}
		}
		c.creds[accessKey] = secret
		if c.firstKey == "" {
			c.firstKey = accessKey
		}
	})
}

// WithWallClock sets the server's wall clock (default time.Now): the time WithCredentials checks
// each request's X-Amz-Date against, and the Date header of every response (as of the request's
// arrival), so that an SDK measuring clock skew sees the time the verifier uses. It is for tests
// of clock skew, e.g. a server 20 minutes ahead of its clients; it is not the mock's Clock
// (WithClock), which drives SQS semantics and may be manual, whereas signing is about real time.
func WithWallClock(now func() time.Time) Option {
	return serverOption(func(c *handlerConfig) {
		c.wrap = append(c.wrap, sigv4.WallClock(now))
	})
}

// WithAdminHosts adds Host header values under which the admin endpoints (/_sqsmock/queues,
// /_sqsmock/reset, /_sqsmock/faults) and the SQS API answer, e.g. "sqsmock" for a container
// reached by that name from another. A name with a port ("sqsmock:9324") allows that port only; a
// bare name allows any. Always allowed: localhost, loopback addresses (127.0.0.0/8, [::1]) and
// the address Start listens on, on any port (a port mapping changes the port, never the name),
// and the host of WithPublicURL; the SQS API allows more names by itself. See Handler for why.
func WithAdminHosts(hosts ...string) Option {
	return serverOption(func(c *handlerConfig) { c.adminHosts = append(c.adminHosts, hosts...) })
}

// WithAdminToken makes every request to the admin endpoints (/_sqsmock/queues, /_sqsmock/reset,
// /_sqsmock/faults) carry the header "Authorization: Bearer <token>"; without it, or with another
// token, they get HTTP 401. GET /health and GET /_sqsmock/health stay open. An empty token
// requires none (the default). The SQS API is not affected: use WithCredentials for it.
func WithAdminToken(token string) Option {
	return serverOption(func(c *handlerConfig) { c.adminToken = token })
}

// WithBrowserOrigins lets web pages on these origins call the SQS API from a browser, as a web
// app that uses the AWS SDK for JavaScript in the browser does. An origin is what a browser sends
// in its Origin header: scheme://host[:port], e.g. "http://localhost:5173"; "*" allows every
// origin (the behaviour before browsers were refused: any web page the browser opens can then
// send, receive, purge and delete). The server answers their CORS preflights (OPTIONS) and gives
// their requests Access-Control-Allow-Origin. Without it, requests a browser makes (an Origin
// header, a cross-site Sec-Fetch-Site, a navigation) get HTTP 403: see Handler. An origin that
// is not of that form makes Start return an error, and Handler panic.
func WithBrowserOrigins(origins ...string) Option {
	return serverOption(func(c *handlerConfig) { c.browserOrigins = append(c.browserOrigins, origins...) })
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
// fault plan, and acts through admin endpoints of its own (internal/admin): GET /_sqsmock/queues/{name},
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
		c.wire.Authenticate = sigv4.New(c.creds, m.cfg.region).Verify
	}
	front := &client{m: m, server: true, hosts: c.regionHosts, engineURLs: c.engineURLs}
	api := exemptable(m.identify(wire.NewHandler(front, c.wire)))
	adminGuard := guard.NewAdmin(c.adminHosts, c.adminToken, c.wire.BaseURL)
	if !c.engineURLs { // SDKClient's in-memory transport: no browser there
		g, err := guard.NewAPI(adminGuard, c.regionHosts, c.browserOrigins)
		if err != nil {
			panic(err)
		}
		api = g.Wrap(api)
	}
	mux := http.NewServeMux()
	admin.Routes(mux, adminGuard, adminBackend{m}, front)
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

// Server is a Mock served over HTTP on a local address.
type Server struct {
	// URL is the endpoint, e.g. "http://127.0.0.1:54321", for sqs.Options.BaseEndpoint.
	URL  string
	mock *Mock
	ln   net.Listener
	http *httpserver.Server
	// creds are what SDKClient signs with: the first WithCredentials, else test/test.
	creds aws.Credentials
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
	if _, err := guard.NewAPI(guard.NewAdmin(nil, "", ""), hc.regionHosts, hc.browserOrigins); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsUnspecified() {
		opts = append(opts[:len(opts):len(opts)], WithAdminHosts(ip.String()))
	}
	s := &Server{URL: "http://" + ln.Addr().String(), mock: m, ln: ln, creds: hc.signingCredentials()}
	s.http = httpserver.Serve(ln, m.Handler(opts...), httpserver.Config{
		ReadTimeout:  orDefault(hc.readTimeout, DefaultReadTimeout),
		WriteTimeout: orDefault(hc.writeTimeout, DefaultWriteTimeout),
		IdleTimeout:  orDefault(hc.idleTimeout, DefaultIdleTimeout),
		MaxConns:     orDefault(hc.maxConns, DefaultMaxConnections),
	})
	return s, nil
}

// Tester is the part of testing.TB that NewServer uses; taking it instead of testing.TB keeps
// package testing out of programs that serve a mock, such as cmd/sqsmock.
type Tester interface {
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewServer starts a new Mock on 127.0.0.1 and stops it when the test ends. opts configure the
// mock (WithQueue, WithClock, ...) and its server (WithCredentials, WithReadTimeout, ...) alike.
func NewServer(t Tester, opts ...Option) *Server {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
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
func (s *Server) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }

// Close shuts the server down, waiting at most 5 seconds for requests to finish.
func (s *Server) Close() error { return s.http.Close() }

// adminBackend is the mock as the admin endpoints and the console see it (admin.Backend).
type adminBackend struct{ m *Mock }

func (b adminBackend) Home() (account, region string) { return b.m.home.account, b.m.home.region }
func (b adminBackend) Engines() []*engine.Engine      { return b.m.allEngines() }
func (b adminBackend) Engine(account, region string) *engine.Engine {
	return b.m.engineFor(namespace{account: account, region: region}, false)
}
func (b adminBackend) FindQueue(nameOrURL string, try func(*engine.Engine) bool) *engine.Engine {
	return b.m.findQueue(nameOrURL, try)
}
func (b adminBackend) Reset() error                   { return b.m.Reset() }
func (b adminBackend) Faults() *faults.Plan           { return b.m.Faults() }
func (b adminBackend) SetFaults(p *faults.Plan) error { return b.m.SetFaults(p) }
func (b adminBackend) PauseFaults(paused bool)        { b.m.PauseFaults(paused) }
func (b adminBackend) FaultsPaused() bool             { return b.m.faultsPaused.Load() }
func (b adminBackend) Trace() *trace.Ring             { return b.m.trace }

// Operator is the context of a console action: a caller of the queue's own namespace, exempt
// from the fault plan and from queue policies (the console acts for the mock's user).
func (b adminBackend) Operator(ctx context.Context, account, region, path string) context.Context {
	info := &requestInfo{who: caller{namespace: namespace{account: account, region: region}, signed: true, secure: true, operator: true}, path: path}
	return exempt.With(context.WithValue(ctx, requestInfoKey{}, info))
}
