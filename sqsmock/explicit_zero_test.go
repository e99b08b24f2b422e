package sqsmock_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Clients other than the Go SDK can send an explicit 0, which SQS honours: WaitTimeSeconds=0 is a
// short poll on a queue whose ReceiveMessageWaitTimeSeconds is 20, VisibilityTimeout=0 leaves the
// message visible, DelaySeconds=0 overrides the queue's delay.
func TestExplicitZeroOverHTTP(t *testing.T) {
	clk := sqsmock.NewManualClock(time.Unix(1_700_000_000, 0))
	srv := sqsmock.NewServer(t, func(so *sqsmock.ServerOptions) {
		so.Mock = append(so.Mock, func(o *sqsmock.Options) {
			o.Queues = []sqsmock.Queue{{Name: "slow", Attributes: map[string]string{"ReceiveMessageWaitTimeSeconds": "20", "DelaySeconds": "60"}}}
			o.Clock = clk
		})
	})
	url := srv.URL + "/000000000000/slow"
	call := func(op, body string) string {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AmazonSQS."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		require.Equal(t, 200, resp.StatusCode, string(b))
		return string(b)
	}
	// Without the explicit 0 this receive would block 20 s on the manual clock (never returning).
	assert.Equal(t, "{}", call("ReceiveMessage", `{"QueueUrl":"`+url+`","WaitTimeSeconds":0}`))

	call("SendMessage", `{"QueueUrl":"`+url+`","MessageBody":"now","DelaySeconds":0}`)
	call("SendMessageBatch", `{"QueueUrl":"`+url+`","Entries":[{"Id":"a","MessageBody":"batch-now","DelaySeconds":0},{"Id":"b","MessageBody":"later"}]}`)
	info, _ := srv.Mock().Queue("slow")
	assert.Equal(t, 2, info.Ready, "explicit DelaySeconds=0 overrides the queue's 60 s delay")
	assert.Equal(t, 1, info.Delayed)

	out := call("ReceiveMessage", `{"QueueUrl":"`+url+`","WaitTimeSeconds":0,"VisibilityTimeout":0,"MaxNumberOfMessages":10}`)
	assert.Contains(t, out, "batch-now")
	info, _ = srv.Mock().Queue("slow")
	assert.Equal(t, 2, info.Ready, "VisibilityTimeout=0 leaves received messages visible")

	// The Query protocol honours it too.
	resp, err := http.Get(srv.URL + "/000000000000/slow?Action=ReceiveMessage&Version=2012-11-05&WaitTimeSeconds=0&MaxNumberOfMessages=10")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), "<Body>now</Body>")
}
