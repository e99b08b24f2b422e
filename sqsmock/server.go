package sqsmock

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
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
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
	"github.com/sqsharness/sqsharness/sqsmock/internal/wire"
)

// HandlerOption configures Handler.
type HandlerOption func(*handlerConfig)

type handlerConfig struct {
	wire     wire.Options
	wrap     []func(http.Handler) http.Handler
	creds    map[string]string // WithCredentials: access key -> secret
	firstKey string
}

// WithMaxBodyBytes limits request bodies (default 8 MiB: a 1 MiB message URL-encoded in a Query
// request is about 3 MiB and must reach the engine to get SQS's own size error); larger requests get
// HTTP 413 RequestEntityTooLarge.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(c *handlerConfig) { c.wire.MaxBodyBytes = n }
}

// WithPublicURL makes queue URLs point at baseURL (e.g. "http://sqs.test:9324") instead of the
// scheme and host each request came in on.
func WithPublicURL(baseURL string) HandlerOption {
	return func(c *handlerConfig) { c.wire.BaseURL = baseURL }
}

// WithHTTPMiddleware wraps the handler, e.g. to log requests. The first one given is outermost.
func WithHTTPMiddleware(mw func(http.Handler) http.Handler) HandlerOption {
	return func(c *handlerConfig) { c.wrap = append(c.wrap, mw) }
}

// Handler serves the mock over HTTP in both SQS wire protocols: AWS JSON 1.0 (current SDKs) and
// Query (older SDKs, the AWS CLI v1), at / and at queue URL paths. It also serves
// GET /health and the admin endpoints GET /_sqsmock/queues (queues with message counts),
// POST /_sqsmock/reset (delete everything, re-create the start-up queues), and
// GET, PUT and DELETE /_sqsmock/faults (read the fault plan with its injections, replace it with
// a JSON or YAML plan, remove it). Transport faults drop the connection.
func (m *Mock) Handler(opts ...HandlerOption) http.Handler {
	var c handlerConfig
	for _, f := range opts {
		f(&c)
	}
	if len(c.creds) > 0 {
		c.wire.Authenticate = newSigV4Verifier(c.creds, m.cfg.region).verify
	}
	api := wire.NewHandler(&Client{m: m, server: true}, c.wire)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", m.serveHealth)
	mux.HandleFunc("GET /_sqsmock/health", m.serveHealth)
	mux.HandleFunc("GET /_sqsmock/queues", m.serveQueues)
	mux.HandleFunc("POST /_sqsmock/reset", m.serveReset)
	mux.HandleFunc("GET /_sqsmock/faults", m.serveFaults)
	mux.HandleFunc("PUT /_sqsmock/faults", m.replaceFaults)
	mux.HandleFunc("DELETE /_sqsmock/faults", m.deleteFaults)
	mux.Handle("/", exemptable(api))
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
	ARN      string `json:"arn"`
	FIFO     bool   `json:"fifo"`
	Ready    int    `json:"ready"`
	InFlight int    `json:"inFlight"`
	Delayed  int    `json:"delayed"`
}

func (m *Mock) serveQueues(w http.ResponseWriter, _ *http.Request) {
	qs := m.Queues()
	rows := make([]queueSummary, len(qs))
	for i, q := range qs {
		rows[i] = queueSummary{Name: q.Name, ARN: q.ARN, FIFO: q.FIFO, Ready: q.Ready, InFlight: q.InFlight, Delayed: q.Delayed}
	}
	writeJSON(w, http.StatusOK, map[string]any{"queues": rows})
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
		writeJSON(w, http.StatusOK, map[string]any{"plan": nil, "injections": []any{}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plan": plan, "injections": plan.Injections()})
}

// maxPlanBytes bounds a fault plan sent to PUT /_sqsmock/faults.
const maxPlanBytes = 1 << 20

func (m *Mock) replaceFaults(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPlanBytes+1))
	if err != nil || len(body) > maxPlanBytes {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "plan unreadable or larger than 1 MiB"})
		return
	}
	var plan *faults.Plan
	if strings.Contains(r.Header.Get("Content-Type"), "yaml") {
		plan, err = faults.ParseYAML(body)
	} else {
		plan, err = faults.ParseJSON(body)
	}
	if err == nil {
		err = m.SetFaults(plan)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plan": plan})
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

	connsMu sync.Mutex
	fresh   map[net.Conn]struct{} // connections that have not sent a request yet
}

// trackConn remembers connections that have sent nothing yet: net/http's graceful shutdown
// counts them as active for 5 seconds, so Shutdown closes them itself.
func (s *Server) trackConn(c net.Conn, state http.ConnState) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	if state == http.StateNew {
		s.fresh[c] = struct{}{}
		return
	}
	delete(s.fresh, c)
}

// Start serves the mock on addr ("127.0.0.1:0" picks a free port) until Shutdown or Close.
// It refuses inside a testing/synctest bubble, which cannot wait on sockets: there,
// (*Mock).SDKClient gives a real *sqs.Client on the mock's HTTP handler without one.
func (m *Mock) Start(addr string, opts ...HandlerOption) (*Server, error) {
	if m.bubbled || bubble.Inside() {
		return nil, errors.New("sqsmock: Start called inside a testing/synctest bubble, which cannot wait on a socket " +
			"(time would stop); use (*Mock).SDKClient for a real *sqs.Client on the mock without one")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	base, stop := context.WithCancelCause(context.Background())
	s := &Server{URL: "http://" + ln.Addr().String(), mock: m, ln: ln, stop: stop, done: make(chan struct{}),
		fresh: map[net.Conn]struct{}{}}
	s.creds = aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	var hc handlerConfig
	for _, f := range opts {
		f(&hc)
	}
	if hc.firstKey != "" {
		s.creds = aws.Credentials{AccessKeyID: hc.firstKey, SecretAccessKey: hc.creds[hc.firstKey]}
	}
	s.srv = &http.Server{
		Handler:           m.Handler(opts...),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
		ConnState:         s.trackConn,
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// NewServer starts a new Mock (configured by opts) on 127.0.0.1 and stops it when the test ends.
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

// Shutdown stops accepting requests, makes in-flight long polls return (empty, as on a queue
// with no messages), and waits for requests to finish or ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop(reqctx.ErrDraining)
	s.srv.SetKeepAlivesEnabled(false)
	s.connsMu.Lock()
	for c := range s.fresh {
		_ = c.Close()
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
