package clients_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consoleGet reads one of the console's admin endpoints as its page does, and decodes the answer.
func consoleGet(t *testing.T, url string) map[string]any {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", url, body)
	v := map[string]any{}
	require.NoError(t, json.Unmarshal(body, &v), "GET %s: %s", url, body)
	return v
}

// The live console with the AWS CLI sending in another terminal (issue 9), automated: cmd/sqsmock
// as a person starts it (trace on by default), the CLI makes a queue, sends and receives, and the
// console's endpoints show the queue's counts, the message, and its history.
func TestAWSCLIConsole(t *testing.T) {
	skipShort(t)
	t.Parallel()
	cli := newAWSCLI(t, "") // first: skips (or fails under CI=true) without the CLI, before building
	base := startCmdSqsmock(t)
	cli.endpoint = base // the CLI's --endpoint-url

	name := uniqueName("cli-console")
	url := str(cli.run("create-queue", "--queue-name", name), "QueueUrl")
	require.NotEmpty(t, url)
	sent := cli.run("send-message", "--queue-url", url, "--message-body", "sent by the AWS CLI")
	id := str(sent, "MessageId")
	require.NotEmpty(t, id)

	q := consoleGet(t, base+"/_sqsmock/queues/"+name)
	assert.Equal(t, name, q["name"])
	assert.EqualValues(t, 1, q["ready"], "%v", q)
	assert.EqualValues(t, 0, q["inFlight"])

	got := cli.run("receive-message", "--queue-url", url, "--visibility-timeout", "600")
	require.Equal(t, id, str(got, "Messages", 0, "MessageId"), "%v", got)

	q = consoleGet(t, base+"/_sqsmock/queues/"+name)
	assert.EqualValues(t, 0, q["ready"], "%v", q)
	assert.EqualValues(t, 1, q["inFlight"])
	msgs := consoleGet(t, base+"/_sqsmock/queues/"+name+"/messages")
	assert.EqualValues(t, 1, msgs["total"])
	assert.Equal(t, id, str(msgs, "messages", 0, "id"))
	assert.Equal(t, "sent by the AWS CLI", str(msgs, "messages", 0, "body"))
	assert.Equal(t, "inflight", str(msgs, "messages", 0, "state"))

	one := consoleGet(t, base+"/_sqsmock/queues/"+name+"/messages/"+id)
	assert.EqualValues(t, 1, get(one, "message", "receiveCount"))
	hist, _ := get(one, "history").([]any)
	var kinds, ops []string
	for _, ev := range hist {
		kinds = append(kinds, str(ev, "kind"))
		ops = append(ops, str(ev, "operation"))
	}
	assert.Equal(t, []string{"message.sent", "message.received"}, kinds, "the history from the trace: %v", hist)
	assert.Equal(t, []string{"SendMessage", "ReceiveMessage"}, ops)
	assert.Equal(t, str(got, "Messages", 0, "ReceiptHandle"), str(hist, 1, "receiptHandle"))
}
