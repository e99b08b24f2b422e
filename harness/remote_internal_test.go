package harness

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// earlyCloser is net/http at the moment a Python peer answers before the request was written: it
// closes the request's body, then its write loop goes on reading it.
type earlyCloser struct{ got []byte }

func (c *earlyCloser) Do(req *http.Request) (*http.Response, error) {
	_ = req.Body.Close()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	c.got = b
	again, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	if b2, _ := io.ReadAll(again); !bytes.Equal(b2, b) {
		return nil, io.ErrUnexpectedEOF
	}
	return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
}

// closedReader is a request body like the SDK's: once closed, reads fail.
type closedReader struct {
	r      io.Reader
	closed bool
}

func (c *closedReader) Read(p []byte) (int, error) {
	if c.closed {
		return 0, io.ErrClosedPipe
	}
	return c.r.Read(p)
}
func (c *closedReader) Close() error { c.closed = true; return nil }

// The body a peer's request is written from survives net/http closing it early, and can be sent
// again; without bufferedBodies the write fails, which is the failure that made the SDK retry
// calls the peer had applied.
func TestBufferedBodiesSurviveAnEarlyClose(t *testing.T) {
	body := []byte(`{"QueueUrl":"http://127.0.0.1:4566/000000000000/q","MessageBody":"x"}`)
	newReq := func() *http.Request {
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", nil)
		require.NoError(t, err)
		req.Body, req.ContentLength, req.GetBody = &closedReader{r: bytes.NewReader(body)}, int64(len(body)), nil
		return req
	}

	inner := &earlyCloser{}
	_, err := inner.Do(newReq())
	require.Error(t, err, "the SDK's body, closed early, fails the write")

	inner = &earlyCloser{}
	resp, err := bufferedBodies{inner}.Do(newReq())
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, body, inner.got, "the whole body was written")
}
