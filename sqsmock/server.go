package sqsmock

import (
	"cmp"
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
	snssvc "github.com/sqsharness/sqsharness/sqsmock/internal/sns"
	"github.com/sqsharness/sqsharness/sqsmock/internal/trace"
	"github.com/sqsharness/sqsharness/sqsmock/internal/wire"
)

// The HTTP front door: Handler assembles it (the admin endpoints and console of internal/admin,
// behind internal/guard; the SQS API through internal/guard, Mock.identify and internal/wire to
// the front door's Client), Start serves it on a socket through internal/httpserver.

// ServerOptions configure the mock's HTTP front door (Handler, Start, NewServer). The zero value
// of each field is its default; README's "Over HTTP" says more of each.
type ServerOptions struct {
	// Addr is the address Start listens on (default "127.0.0.1:0": a free port).
	Addr string
	// ReadTimeout bounds the reading of a whole request, headers and body (default 30 s;
	// negative: none). It never cuts a long poll short.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of its answer,
	// long poll and fault latency included (default 60 s; negative: none).
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle that long (default 120 s; negative: never).
	IdleTimeout time.Duration
	// MaxConnections bounds the connections served at once (default 1024; negative: none);
	// past it a connection's first request gets ServiceUnavailable (503) and it is closed.
	MaxConnections int
	// MaxBodyBytes limits request bodies (default 8 MiB); larger ones get HTTP 413.
	MaxBodyBytes int64
	// AdminToken, when set, is required as "Authorization: Bearer <token>" by the /_sqsmock/
	// admin endpoints (HTTP 401 otherwise); /health stays open.
	AdminToken string
	// AdminHosts are more Host names the admin endpoints and the API answer under ("name" on any
	// port, "name:port"), beyond localhost, loopback addresses and the listening address.
	AdminHosts []string
	// BrowserOrigins are the origins (scheme://host[:port], or "*") whose web pages may call the
	// SQS API from a browser (CORS); others' browser requests get HTTP 403.
	BrowserOrigins []string
	// Middleware wraps the handler, e.g. to log requests; the first is outermost.
	Middleware []func(http.Handler) http.Handler
	// WallClock is the server's real time for SigV4 request times and Date headers (default
	// time.Now), e.g. for clock-skew tests; it is not the mock's Clock.
	WallClock func() time.Time
	// Mock are the options of the Mock that NewServer makes; Start refuses them (its mock exists).
	Mock []func(*Options)
}

// Defaults of ServerOptions.
const (
	defaultReadTimeout    = 30 * time.Second
	defaultWriteTimeout   = 60 * time.Second
	defaultIdleTimeout    = 120 * time.Second
	defaultMaxConnections = 1024
)

// handlerConfig is the configuration of one HTTP front door of the mock: its ServerOptions and
// what the mock's Options say of it (credentials, the shape of queue URLs).
type handlerConfig struct {
	ServerOptions
	wire  wire.Options
	creds map[string]string // Options.Credentials: access key -> secret
	// regionHosts is the host template of an Options.Endpoint with {region}; engineURLs gives
	// queues the in-process client's URLs (SDKClient's in-memory handler).
	regionHosts string
	engineURLs  bool
}

// frontConfig is the configuration of a front door with these options.
func (m *Mock) frontConfig(o ServerOptions) handlerConfig {
	c := handlerConfig{ServerOptions: o}
	c.wire.MaxBodyBytes = o.MaxBodyBytes
	if ep := m.cfg.endpoint; strings.Contains(ep, "{region}") {
		c.regionHosts = ep
	} else {
		c.wire.BaseURL = ep
	}
	for _, cr := range m.cfg.Credentials {
		if c.creds == nil {
			c.creds = map[string]string{}
		}
		c.creds[cr.AccessKeyID] = cr.SecretAccessKey
	}
	if o.WallClock != nil {
		c.Middleware = append(slices.Clip(c.Middleware), sigv4.WallClock(o.WallClock))
	}
	return c
}

// signingCredentials are the credentials a client of the mock signs with: the first of
// Options.Credentials, else test/test.
func (m *Mock) signingCredentials() aws.Credentials {
	if len(m.cfg.Credentials) == 0 {
		return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	}
	return m.cfg.Credentials[0]
}

// regionDomain is the domain under which an Endpoint template names its regions' hosts
// ("http://sqs.{region}.localhost.localstack.cloud" → "localhost.localstack.cloud"), "" if none.
func regionDomain(template string) string {
	_, rest, _ := strings.Cut(template, "{region}.")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// Handler serves the mock over HTTP: the SQS API in both wire protocols (AWS JSON 1.0 and
// Query) at / and at queue URL paths, GET /health, the /_sqsmock/ admin endpoints and the live
// console at /_sqsmock/ui/ (README, "Over HTTP"), each request in its caller's region and
// account. Transport faults drop the connection. optFns are as for Start, whose Addr,
// timeouts and connection bound (and NewServer's Mock) do not apply to a bare handler.
func (m *Mock) Handler(optFns ...func(*ServerOptions)) http.Handler {
	var o ServerOptions
	for _, fn := range optFns {
		fn(&o)
	}
	return m.handler(m.frontConfig(o))
}

// handler is the HTTP front door of one configuration.
func (m *Mock) handler(c handlerConfig) http.Handler {
	var verifySNS func(*http.Request, []byte) error
	if len(c.creds) > 0 {
		v := sigv4.New(c.creds, m.cfg.region)
		c.wire.Authenticate, verifySNS = v.Verify, v.For("sns").Verify
	}
	front := &client{m: m, server: true, hosts: c.regionHosts, engineURLs: c.engineURLs}
	api := exemptable(m.identify(m.withSNS(wire.NewHandler(front, c.wire), verifySNS)))
	adminGuard := guard.NewAdmin(c.AdminHosts, c.AdminToken, c.wire.BaseURL)
	if !c.engineURLs { // SDKClient's in-memory transport: no browser there
		g, err := guard.NewAPI(adminGuard, regionDomain(c.regionHosts), c.BrowserOrigins)
		if err != nil {
			panic(err)
		}
		api = g.Wrap(api)
	}
	mux := http.NewServeMux()
	admin.Routes(mux, adminGuard, adminBackend{m}, front)
	mux.Handle("/", api)
	var h http.Handler = mux
	for i := len(c.Middleware) - 1; i >= 0; i-- {
		h = c.Middleware[i](h)
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
}

// Start serves the mock on a local address (ServerOptions.Addr) until Shutdown or Close. No
// client can hold the server: read, write and idle timeouts, and a bound on connections. It
// refuses inside a testing/synctest bubble, which cannot wait on sockets: use SDKClient there.
func (m *Mock) Start(optFns ...func(*ServerOptions)) (*Server, error) {
	if m.bubbled || bubble.Inside() {
		return nil, errors.New("sqsmock: Start called inside a testing/synctest bubble, which cannot wait on a socket " +
			"(time would stop); use (*Mock).SDKClient for a real *sqs.Client on the mock without one")
	}
	var o ServerOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if len(o.Mock) > 0 {
		return nil, errors.New("sqsmock: Start given ServerOptions.Mock; give the mock's options to New (or to NewServer)")
	}
	c := m.frontConfig(o)
	if _, err := guard.NewAPI(guard.NewAdmin(nil, "", ""), regionDomain(c.regionHosts), c.BrowserOrigins); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cmp.Or(o.Addr, "127.0.0.1:0"))
	if err != nil {
		return nil, err
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsUnspecified() {
		c.AdminHosts = append(slices.Clip(c.AdminHosts), ip.String())
	}
	s := &Server{URL: "http://" + ln.Addr().String(), mock: m, ln: ln}
	s.http = httpserver.Serve(ln, m.handler(c), httpserver.Config{
		ReadTimeout:  orDefault(o.ReadTimeout, defaultReadTimeout),
		WriteTimeout: orDefault(o.WriteTimeout, defaultWriteTimeout),
		IdleTimeout:  orDefault(o.IdleTimeout, defaultIdleTimeout),
		MaxConns:     orDefault(o.MaxConnections, defaultMaxConnections),
	})
	return s, nil
}

// Tester is the part of testing.TB that NewServer uses; taking it instead of testing.TB keeps
// package testing out of programs that serve a mock, such as cmd/sqsmock.
type Tester interface {
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewServer starts a new Mock (with ServerOptions.Mock) on 127.0.0.1 and stops it when the
// test ends.
func NewServer(t Tester, optFns ...func(*ServerOptions)) *Server {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	var o ServerOptions
	for _, fn := range optFns {
		fn(&o)
	}
	mockOpts := o.Mock
	s, err := New(mockOpts...).Start(append(slices.Clip(optFns), func(o *ServerOptions) { o.Mock = nil })...)
	if err != nil {
		t.Fatalf("sqsmock: starting server: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Mock returns the mock behind the server, for inspection and clock control.
func (s *Server) Mock() *Mock { return s.mock }

// SDKClient returns a real aws-sdk-go-v2 *sqs.Client pointed at the server, with static test
// credentials (the first of Options.Credentials, if any) and the mock's region. optFns
// customise it further (retries, middleware, faults).
func (s *Server) SDKClient(optFns ...func(*sqs.Options)) *sqs.Client {
	creds := s.mock.signingCredentials()
	o := sqs.Options{
		Region:       s.mock.cfg.region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, ""),
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
func (b adminBackend) PauseFaults(paused bool)        { b.m.pauseFaults(paused) }
func (b adminBackend) FaultsPaused() bool             { return b.m.faultsPaused.Load() }
func (b adminBackend) Trace() *trace.Ring             { return b.m.trace }
func (b adminBackend) Topics() []snssvc.TopicView     { return b.m.snsService().Topics() }

// Operator is the context of a console action: a caller of the queue's own namespace, exempt
// from the fault plan and from queue policies (the console acts for the mock's user).
func (b adminBackend) Operator(ctx context.Context, account, region, path string) context.Context {
	info := &requestInfo{who: caller{namespace: namespace{account: account, region: region}, signed: true, secure: true, operator: true}, path: path}
	return exempt.With(context.WithValue(ctx, requestInfoKey{}, info))
}
