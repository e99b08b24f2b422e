package wire

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sqsharness/sqsharness/internal/reqop"
)

// errReader fails every read with err, as a request body whose connection failed does.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// A body cut short because the client went away (EOF before the end, a reset) is answered 499
// with no body, in both protocols and with or without a body limit; one that stopped arriving on
// an open connection (the read timeout) is the client's error, SerializationException (400).
func TestBodyOfAClientGone(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	for _, c := range []struct {
		err    error
		status int
	}{
		{io.ErrUnexpectedEOF, StatusClientClosedRequest},
		{reset, StatusClientClosedRequest},
		{timeout, http.StatusBadRequest},
		{errors.New("http: request body too large"), http.StatusBadRequest},
	} {
		assert.Equal(t, c.status == StatusClientClosedRequest, ClientGone(c.err), "%v", c.err)
		for _, limit := range []int64{0, -1} {
			for _, target := range []string{"", "AmazonSQS.SendMessage"} {
				h := NewHandler(newRecorder(), Options{MaxBodyBytes: limit})
				r := httptest.NewRequest(http.MethodPost, "/", io.NopCloser(errReader{c.err}))
				r.Header.Set("Content-Type", formType)
				if target != "" {
					r.Header.Set("X-Amz-Target", target)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				assert.Equal(t, c.status, w.Code, "%v, limit %d, target %q", c.err, limit, target)
				if c.status == StatusClientClosedRequest {
					assert.Empty(t, w.Body.String())
				} else {
					assert.Contains(t, w.Body.String(), "could not read request body")
				}
			}
		}
	}
}

// The handler names the operation in the request's reqop slot, in either protocol, wherever the
// Query request put its Action.
func TestHandlerNamesTheOperation(t *testing.T) {
	h := NewHandler(newRecorder(), Options{})
	for want, build := range map[string]func() *http.Request{
		"ListQueues": func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
			r.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
			r.Header.Set("Content-Type", jsonContentType)
			return r
		},
		"GetQueueUrl": func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("QueueName=q&Action=GetQueueUrl"))
			r.Header.Set("Content-Type", formType)
			return r
		},
		"PurgeQueue": func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "/000000000000/q?Action=PurgeQueue", nil)
		},
	} {
		r := build()
		ctx, slot := reqop.With(r.Context())
		h.ServeHTTP(httptest.NewRecorder(), r.WithContext(ctx))
		assert.Equal(t, want, slot.Op)
	}
}
