// Package wire is the HTTP front door of the mock: it speaks both SQS wire protocols (AWS JSON 1.0
// and the Query protocol with XML responses, or JSON ones when the request's Accept header asks
// for them) and only translates. Every request is decoded into the
// aws-sdk-go-v2 input type of its operation, handed to a backend implementing sqsapi.API, and the
// output or error is encoded back as SQS does. No SQS behaviour lives here.
//
// Member names, list and map flattening and XML element names all come from the SDK's own service
// schema (package service/sqs/schemas), so the codec follows the SDK as it grows.
package wire

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"syscall"

	"github.com/sqsharness/sqsharness/internal/reqop"
	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
	"github.com/sqsharness/sqsharness/sqsmock/internal/sqsapi"
)

// DefaultMaxBodyBytes is the request body limit when Options.MaxBodyBytes is zero. SQS messages
// and batches are at most 1 MiB, but their encodings grow: URL encoding up to 3x, JSON escapes of
// control characters up to 6x. The limit leaves room for that so oversized messages reach the
// backend and get SQS's own error, while absurd bodies are refused early.
const DefaultMaxBodyBytes int64 = 8 << 20

// Options configure a handler.
type Options struct {
	// MaxBodyBytes limits the request body; larger requests get RequestEntityTooLarge (HTTP 413).
	// Zero means DefaultMaxBodyBytes; a negative value means no limit.
	MaxBodyBytes int64
	// BaseURL, if set, is passed to the backend instead of the scheme and Host of each request
	// (e.g. "http://sqs.local:9324" behind a proxy), so queue URLs point there.
	BaseURL string
	// RequestID generates request ids; nil means random UUIDs.
	RequestID func() string
	// Authenticate, if set, checks each SQS request (its body already read within the limit)
	// before it is decoded; an error it returns (e.g. an *sqserr.Error such as
	// SignatureDoesNotMatch) is the response, in the request's protocol.
	Authenticate func(r *http.Request, body []byte) error
}

// handler serves both protocols.
type handler struct {
	backend sqsapi.API
	opts    Options
}

// NewHandler returns an http.Handler that serves the SQS JSON 1.0 and Query protocols on any path,
// translating each request into a call on backend. Requests with an X-Amz-Target header use the
// JSON protocol; all others the Query protocol (form body or query string; the queue URL may be
// given as the request path).
func NewHandler(backend sqsapi.API, opts Options) http.Handler {
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.RequestID == nil {
		opts.RequestID = newUUID
	}
	return &handler{backend: backend, opts: opts}
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.opts.RequestID()
	w.Header().Set("x-amzn-RequestId", reqID)
	ctx := reqctx.WithBaseURL(r.Context(), h.baseURL(r))
	ctx = reqctx.WithTraceHeader(ctx, r.Header.Get("X-Amzn-Trace-Id"))
	r = r.WithContext(ctx)

	if target := r.Header.Get("X-Amz-Target"); target != "" {
		reqop.Set(ctx, strings.TrimPrefix(target, targetPrefix))
		body, err := h.readBody(w, r)
		if err != nil {
			if !clientGone(w, err) {
				writeJSONError(w, err)
			}
			return
		}
		if err := h.authenticate(r, body); err != nil {
			writeJSONError(w, err)
			return
		}
		h.serveJSON(w, r, target, body)
		return
	}
	var body []byte
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		var err error
		if body, err = h.readBody(w, r); err != nil {
			if !clientGone(w, err) {
				writeQueryError(w, r, reqID, err)
			}
			return
		}
	}
	if err := h.authenticate(r, body); err != nil {
		writeQueryError(w, r, reqID, err)
		return
	}
	h.serveQuery(w, r, reqID, body)
}

// authenticate runs Options.Authenticate, if any.
func (h *handler) authenticate(r *http.Request, body []byte) error {
	if h.opts.Authenticate == nil {
		return nil
	}
	return h.opts.Authenticate(r, body)
}

// baseURL is scheme://host of the request, or the configured override.
func (h *handler) baseURL(r *http.Request) string {
	if h.opts.BaseURL != "" {
		return strings.TrimRight(h.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// errClientGone is what readBody reports when the client closed its connection mid-body.
var errClientGone = errors.New("client closed the connection before the whole body arrived")

// ClientGone reports whether err, from reading a request body, means the client went away before
// sending all of it: its connection ended (EOF short of the Content-Length or of the last chunk)
// or was reset. A body that stopped arriving while the connection stayed open (the read timeout)
// is not that: it is the client's error, answered 400.
func ClientGone(err error) bool {
	return errors.Is(err, errClientGone) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// clientGone answers a request whose client went away mid-body with StatusClientClosedRequest,
// as cancelled does for one that went away during its operation, and reports whether it did:
// nobody reads the answer, and a log shows 499, not a 400 the client never got.
func clientGone(w http.ResponseWriter, err error) bool {
	if !errors.Is(err, errClientGone) {
		return false
	}
	w.WriteHeader(StatusClientClosedRequest)
	return true
}

// readBody reads the whole body within the limit.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := h.opts.MaxBodyBytes
	if limit < 0 {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyError(err)
		}
		return b, nil
	}
	if r.ContentLength > limit {
		return nil, sqserr.RequestEntityTooLarge(limit)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, sqserr.RequestEntityTooLarge(limit)
		}
		return nil, bodyError(err)
	}
	return b, nil
}

// bodyError is the error of a body that could not be read: errClientGone when the client went
// away, else SerializationException (400), e.g. when the read timeout ended a trickling body.
func bodyError(err error) error {
	if ClientGone(err) {
		return fmt.Errorf("%w: %w", errClientGone, err)
	}
	return sqserr.Serialization("could not read request body: " + err.Error())
}

// mediaType is the lower-cased media type of a Content-Type header, without parameters.
func mediaType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

// newUUID returns a random RFC 4122 version 4 UUID, the shape of SQS request ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// baseURLFrom is the base URL the handler put into the request context.
func baseURLFrom(r *http.Request) (string, bool) { return reqctx.BaseURL(r.Context()) }
