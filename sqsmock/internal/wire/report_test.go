package wire

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// cancelledRequest is a ReceiveMessage request in either protocol whose context ends with cause.
func cancelledRequest(jsonProtocol bool, cause error) *http.Request {
	var r *http.Request
	if jsonProtocol {
		r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"QueueUrl":"http://x/000000000000/q"}`))
		r.Header.Set("X-Amz-Target", "AmazonSQS.ReceiveMessage")
		r.Header.Set("Content-Type", jsonContentType)
	} else {
		r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fx%2F000000000000%2Fq"))
		r.Header.Set("Content-Type", formType)
	}
	ctx, cancel := context.WithCancelCause(r.Context())
	cancel(cause)
	return r.WithContext(ctx)
}

// A long poll whose client went away is answered 499 (for the log), not InternalError (500); one
// cut short by the server shutting down gets ServiceUnavailable; an error while the request is
// still wanted stays what it is.
func TestCancelledRequestIsNotAServerError(t *testing.T) {
	for _, jsonProtocol := range []bool{true, false} {
		t.Run(fmt.Sprintf("json=%v", jsonProtocol), func(t *testing.T) {
			for _, backendErr := range []error{context.Canceled, fmt.Errorf("waiting: %w", context.DeadlineExceeded)} {
				rec := newRecorder()
				rec.errs["ReceiveMessage"] = backendErr
				h := NewHandler(rec, Options{})

				w := httptest.NewRecorder()
				h.ServeHTTP(w, cancelledRequest(jsonProtocol, context.Canceled))
				assert.Equal(t, StatusClientClosedRequest, w.Code, "client gone: %v", backendErr)
				assert.Empty(t, w.Body.String())

				w = httptest.NewRecorder()
				h.ServeHTTP(w, cancelledRequest(jsonProtocol, reqctx.ErrDraining))
				assert.Equal(t, http.StatusServiceUnavailable, w.Code, "server draining: %v", backendErr)
				assert.Contains(t, w.Body.String(), "ServiceUnavailable")

				// The same error with the request still live is a server error.
				w = httptest.NewRecorder()
				live := cancelledRequest(jsonProtocol, context.Canceled).WithContext(context.Background())
				h.ServeHTTP(w, live)
				assert.Equal(t, http.StatusInternalServerError, w.Code)
			}
		})
	}
}

func TestWriteErrorUsesTheRequestProtocol(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
	w := httptest.NewRecorder()
	WriteError(w, r, fmt.Errorf("boom"))
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Equal(t, jsonContentType, w.Header().Get("Content-Type"))
	assert.Contains(t, w.Body.String(), `"__type":"com.amazonaws.sqs#InternalError"`)
	assert.NotEmpty(t, w.Header().Get("x-amzn-RequestId"))

	r = httptest.NewRequest(http.MethodPost, "/", nil)
	w = httptest.NewRecorder()
	WriteError(w, r, fmt.Errorf("boom"))
	assert.Equal(t, xmlContentType, w.Header().Get("Content-Type"))
	assert.Contains(t, w.Body.String(), "<Code>InternalError</Code>")
	assert.Contains(t, w.Body.String(), "<RequestId>"+w.Header().Get("x-amzn-RequestId")+"</RequestId>")
}
