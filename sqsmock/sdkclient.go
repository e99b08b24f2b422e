package sqsmock

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// SDKClient returns a real aws-sdk-go-v2 *sqs.Client wired to the mock's HTTP handler through an
// in-memory transport: the SDK's whole stack (middleware such as faults.WithPlan included), no
// socket, so it works inside a testing/synctest bubble. It signs with the first of
// Options.Credentials (default test/test), in the mock's region, with the in-process client's
// queue URLs; optFns customise it as for sqs.New (o.Region and a 12-digit key choose the namespace).
func (m *Mock) SDKClient(optFns ...func(*sqs.Options)) *sqs.Client {
	base := m.engine.BaseURL()
	front := m.frontConfig(ServerOptions{})
	// Every namespace's queues get the URLs the in-process client gives them.
	front.wire.BaseURL, front.regionHosts, front.engineURLs = base, "", true
	creds := m.signingCredentials()
	o := sqs.Options{
		Region:       m.cfg.region,
		BaseEndpoint: aws.String(base),
		Credentials:  credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, ""),
		HTTPClient:   memTransport{h: m.handler(front)},
	}
	return sqs.New(o, optFns...)
}

// memTransport serves requests with an http.Handler in the caller's goroutine.
type memTransport struct{ h http.Handler }

// Do serves one request and returns the handler's response, or the error net/http gives when
// the server drops the connection or the caller cancels.
func (t memTransport) Do(req *http.Request) (*http.Response, error) {
	fault := new(faultplan.Transport)
	req = req.WithContext(context.WithValue(req.Context(), transportFaultKey{}, fault))
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	req.RequestURI = req.URL.RequestURI()
	if req.Body == nil {
		req.Body = http.NoBody
	}
	if req.URL.Scheme == "https" && req.TLS == nil {
		req.TLS = &tls.ConnectionState{} // the "connection" stands for TLS to AWS's endpoint: aws:SecureTransport
	}
	w := &memResponse{header: http.Header{}, status: http.StatusOK}
	if aborted := serveOrAbort(t.h, w, req); aborted {
		return nil, fault.Err(req.Method, req.URL.String())
	}
	if err := req.Context().Err(); err != nil {
		return nil, &url.Error{Op: opName(req.Method), URL: req.URL.String(), Err: err}
	}
	body := w.body.Bytes()
	return &http.Response{
		Status: strconv.Itoa(w.status) + " " + http.StatusText(w.status), StatusCode: w.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.header, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		Request: req,
	}, nil
}

// serveOrAbort runs the handler and reports whether it dropped the connection
// (panic(http.ErrAbortHandler), as net/http handlers do); any other panic goes on.
func serveOrAbort(h http.Handler, w http.ResponseWriter, req *http.Request) (aborted bool) {
	defer func() {
		if r := recover(); r != nil {
			if r != http.ErrAbortHandler {
				panic(r)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(w, req)
	return false
}

func opName(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + string(bytes.ToLower([]byte(method[1:])))
}

// transportFaultKey carries, for the in-memory transport, the kind of transport fault the
// handler injected when it dropped the connection.
type transportFaultKey struct{}

// noteTransportFault tells the in-memory transport which transport fault ends the request.
func noteTransportFault(ctx context.Context, kind faultplan.Transport) {
	if p, ok := ctx.Value(transportFaultKey{}).(*faultplan.Transport); ok {
		*p = kind
	}
}

// memResponse is the response a handler writes for memTransport.
type memResponse struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (w *memResponse) Header() http.Header { return w.header }

func (w *memResponse) WriteHeader(status int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = status, true
	}
}

func (w *memResponse) Write(p []byte) (int, error) {
	w.wroteHeader = true
	return w.body.Write(p)
}
