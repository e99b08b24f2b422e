package wire

import (
	"context"
	"errors"
	"net/http"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// StatusClientClosedRequest is the status written for a request whose client went away (closed
// its connection, or gave up on a long poll) before the answer was ready. Nobody receives it: it
// is there so that request logs show what happened (nginx's 499) instead of a server error.
const StatusClientClosedRequest = 499

// WriteError writes err as the SQS error it stands for (see ToSQSError), in the protocol of r:
// AWS JSON 1.0 when r has an X-Amz-Target header, else a Query XML ErrorResponse. It is for
// answers given before a request reaches the handler (e.g. a server over its connection limit).
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	reqID := newUUID()
	w.Header().Set("x-amzn-RequestId", reqID)
	if r.Header.Get("X-Amz-Target") != "" {
		writeJSONError(w, err)
		return
	}
	writeQueryError(w, r, reqID, err)
}

// cancelled answers a backend error caused by the request's own context ending, and reports
// whether it did: a client that went away gets StatusClientClosedRequest with no body, and a
// request cut short by the server shutting down gets ServiceUnavailable (503, which SDKs retry)
// through write. Any other error is left to the caller.
func cancelled(w http.ResponseWriter, r *http.Request, err error, write func(error)) bool {
	ctx := r.Context()
	if ctx.Err() == nil || !(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return false
	}
	if errors.Is(context.Cause(ctx), reqctx.ErrDraining) {
		write(sqserr.ServiceUnavailable())
		return true
	}
	w.WriteHeader(StatusClientClosedRequest)
	return true
}
