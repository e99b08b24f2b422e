package clients_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// awsCLI runs the AWS CLI v1 (python -m awscli, from .ci/peers/install.sh) against one endpoint.
type awsCLI struct {
	t        *testing.T
	endpoint string
	env      []string
}

func newAWSCLI(t *testing.T, endpoint string) *awsCLI {
	t.Helper()
	needBoto3(t)
	out, err := exec.Command(python(), "-m", "awscli", "--version").CombinedOutput()
	if err == nil && !strings.HasPrefix(string(out), "aws-cli/1.") {
		err = fmt.Errorf("want AWS CLI v1, have %q", strings.TrimSpace(string(out)))
	}
	need(t, "the AWS CLI v1 (python -m awscli)", err, ".ci/peers/install.sh moto")
	// parameter_validation = false lets an empty batch reach the server, as with boto3.
	cfg := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(cfg, []byte("[default]\nparameter_validation = false\n"), 0o600))
	env := clientEnv(endpoint)
	env = append(env, "AWS_CONFIG_FILE="+cfg)
	return &awsCLI{t: t, endpoint: endpoint, env: env}
}

// run runs "aws sqs <args>" and returns the parsed JSON output, failing the test on an error.
func (c *awsCLI) run(args ...string) map[string]any {
	c.t.Helper()
	out, errOut, err := c.exec(args...)
	require.NoError(c.t, err, "aws sqs %s\n%s", strings.Join(args, " "), errOut)
	v := map[string]any{}
	if strings.TrimSpace(out) != "" {
		require.NoError(c.t, json.Unmarshal([]byte(out), &v), "aws sqs %s: %s", args[0], out)
	}
	return v
}

// fails runs "aws sqs <args>", which must fail with the error code given; it returns stderr.
func (c *awsCLI) fails(code string, args ...string) string {
	c.t.Helper()
	out, errOut, err := c.exec(args...)
	require.Error(c.t, err, "aws sqs %s succeeded: %s", strings.Join(args, " "), out)
	assert.Contains(c.t, errOut, "An error occurred ("+code+") when calling the", "aws sqs %s", args[0])
	return errOut
}

func (c *awsCLI) exec(args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(c.t.Context(), time.Minute)
	defer cancel()
	full := append([]string{"-m", "awscli", "--endpoint-url", c.endpoint, "--output", "json", "sqs"}, args...)
	cmd := exec.CommandContext(ctx, python(), full...)
	cmd.Env = c.env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	c.t.Logf("aws sqs %s -> %v", args[0], err)
	return o.String(), e.String(), err
}

// get walks a path of map keys and list indexes through decoded JSON.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string { s, _ := get(v, path...).(string); return s }

func md5Hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// attrMD5 is MD5OfMessageAttributes as AWS computes it; values are strings, or []byte for Binary.
func attrMD5(attrs map[string][2]any) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b []byte
	lp := func(p []byte) { b = binary.BigEndian.AppendUint32(b, uint32(len(p))); b = append(b, p...) }
	for _, n := range names {
		dt, val := attrs[n][0].(string), attrs[n][1]
		lp([]byte(n))
		lp([]byte(dt))
		if v, ok := val.([]byte); ok {
			b = append(b, 2)
			lp(v)
		} else {
			b = append(b, 1)
			lp([]byte(val.(string)))
		}
	}
	return md5Hex(b)
}

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1_000_000_000)
}

// TestAWSCLI drives the AWS CLI v1 through the mock, command by command, and checks each result.
// The groups run in parallel (each CLI start costs about a second of Python).
func TestAWSCLI(t *testing.T) {
	skipShort(t)
	t.Parallel()
	srv := sqsmock.NewServer(t)
	cli := newAWSCLI(t, srv.URL)

	t.Run("messages", func(t *testing.T) {
		t.Parallel()
		c := *cli
		c.t = t
		name := uniqueName("cli")
		url := str(c.run("create-queue", "--queue-name", name, "--attributes", "VisibilityTimeout=30"), "QueueUrl")
		require.Equal(t, srv.URL+"/000000000000/"+name, url)

		// The CLI v1 takes a blob given in JSON as the string's UTF-8 bytes (no base64 decoding).
		bin := []byte("bin\x00\x01\x7f")
		attrs := map[string][2]any{
			"Foo": {"String", "Bar"},
			"N":   {"Number", "42"},
			"B":   {"Binary", bin},
		}
		attrJSON := `{"Foo":{"DataType":"String","StringValue":"Bar"},"N":{"DataType":"Number","StringValue":"42"},` +
			`"B":{"DataType":"Binary","BinaryValue":"bin\u0000\u0001\u007f"}}`
		body := "hello from the CLI \u00e9"
		sent := c.run("send-message", "--queue-url", url, "--message-body", body, "--message-attributes", attrJSON)
		assert.Equal(t, md5Hex([]byte(body)), str(sent, "MD5OfMessageBody"))
		assert.Equal(t, attrMD5(attrs), str(sent, "MD5OfMessageAttributes"), "binary value included")

		got := c.run("receive-message", "--queue-url", url, "--max-number-of-messages", "10",
			"--message-attribute-names", "All", "--attribute-names", "All")
		require.Len(t, get(got, "Messages"), 1, "%v", got)
		assert.Equal(t, str(sent, "MessageId"), str(got, "Messages", 0, "MessageId"))
		assert.Equal(t, body, str(got, "Messages", 0, "Body"))
		assert.Equal(t, md5Hex([]byte(body)), str(got, "Messages", 0, "MD5OfBody"))
		assert.Equal(t, attrMD5(attrs), str(got, "Messages", 0, "MD5OfMessageAttributes"))
		assert.Equal(t, "Bar", str(got, "Messages", 0, "MessageAttributes", "Foo", "StringValue"))
		assert.Equal(t, base64.StdEncoding.EncodeToString(bin), str(got, "Messages", 0, "MessageAttributes", "B", "BinaryValue"))
		assert.Equal(t, "1", str(got, "Messages", 0, "Attributes", "ApproximateReceiveCount"))

		c.run("delete-message", "--queue-url", url, "--receipt-handle", str(got, "Messages", 0, "ReceiptHandle"))
		c.run("set-queue-attributes", "--queue-url", url, "--attributes", "VisibilityTimeout=5")
		a := c.run("get-queue-attributes", "--queue-url", url, "--attribute-names", "All")
		assert.Equal(t, "0", str(a, "Attributes", "ApproximateNumberOfMessages"))
		assert.Equal(t, "0", str(a, "Attributes", "ApproximateNumberOfMessagesNotVisible"))
		assert.Equal(t, "5", str(a, "Attributes", "VisibilityTimeout"))
		assert.Equal(t, "arn:aws:sqs:us-east-1:000000000000:"+name, str(a, "Attributes", "QueueArn"))

		c.run("delete-queue", "--queue-url", url)
		c.fails("AWS.SimpleQueueService.NonExistentQueue", "get-queue-url", "--queue-name", name)
	})

	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		c := *cli
		c.t = t
		url := str(c.run("create-queue", "--queue-name", uniqueName("cli-batch")), "QueueUrl")
		var entries []string
		for i := range 3 {
			entries = append(entries, fmt.Sprintf(`{"Id":"e%d","MessageBody":"body-%d","MessageAttributes":{"i":{"DataType":"Number","StringValue":"%d"}}}`, i, i, i))
		}
		out := c.run("send-message-batch", "--queue-url", url, "--entries", "["+strings.Join(entries, ",")+"]")
		require.Len(t, get(out, "Successful"), 3, "%v", out)
		assert.Empty(t, get(out, "Failed"))
		for i := range 3 {
			e := get(out, "Successful", i)
			n := strings.TrimPrefix(str(e, "Id"), "e")
			assert.Equal(t, md5Hex([]byte("body-"+n)), str(e, "MD5OfMessageBody"))
			assert.Equal(t, attrMD5(map[string][2]any{"i": {"Number", n}}), str(e, "MD5OfMessageAttributes"))
		}
		got := c.run("receive-message", "--queue-url", url, "--max-number-of-messages", "10")
		msgs, _ := get(got, "Messages").([]any)
		require.Len(t, msgs, 3)
		var bodies, del []string
		for i, m := range msgs {
			bodies = append(bodies, str(m, "Body"))
			del = append(del, fmt.Sprintf(`{"Id":"d%d","ReceiptHandle":%q}`, i, str(m, "ReceiptHandle")))
		}
		slices.Sort(bodies)
		assert.Equal(t, []string{"body-0", "body-1", "body-2"}, bodies)
		del = append(del, `{"Id":"bad","ReceiptHandle":"not-a-receipt-handle"}`)
		d := c.run("delete-message-batch", "--queue-url", url, "--entries", "["+strings.Join(del, ",")+"]")
		assert.Len(t, get(d, "Successful"), 3)
		require.Len(t, get(d, "Failed"), 1)
		assert.Equal(t, "bad", str(d, "Failed", 0, "Id"))
		assert.Equal(t, "ReceiptHandleIsInvalid", str(d, "Failed", 0, "Code"))
		assert.Equal(t, true, get(d, "Failed", 0, "SenderFault"))
		a := c.run("get-queue-attributes", "--queue-url", url, "--attribute-names",
			"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
		assert.Equal(t, map[string]any{"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}, get(a, "Attributes"))
	})

	t.Run("fifo", func(t *testing.T) {
		t.Parallel()
		c := *cli
		c.t = t
		url := str(c.run("create-queue", "--queue-name", uniqueName("cli")+".fifo", "--attributes", "FifoQueue=true"), "QueueUrl")
		// Two groups interleaved; the last entry repeats the first one's deduplication id.
		out := c.run("send-message-batch", "--queue-url", url, "--entries", `[
			{"Id":"1","MessageBody":"a1","MessageGroupId":"A","MessageDeduplicationId":"d1"},
			{"Id":"2","MessageBody":"b1","MessageGroupId":"B","MessageDeduplicationId":"d2"},
			{"Id":"3","MessageBody":"a2","MessageGroupId":"A","MessageDeduplicationId":"d3"},
			{"Id":"4","MessageBody":"b2","MessageGroupId":"B","MessageDeduplicationId":"d4"},
			{"Id":"5","MessageBody":"a1 again","MessageGroupId":"A","MessageDeduplicationId":"d1"}]`)
		require.Len(t, get(out, "Successful"), 5, "%v", out)
		ids := map[string]string{}
		for i := range 5 {
			ids[str(out, "Successful", i, "Id")] = str(out, "Successful", i, "MessageId")
			assert.NotEmpty(t, str(out, "Successful", i, "SequenceNumber"))
		}
		assert.Equal(t, ids["1"], ids["5"], "a duplicate gets the first message's id")

		c.fails("MissingParameter", "send-message", "--queue-url", url, "--message-body", "x", "--message-deduplication-id", "d9")

		got := c.run("receive-message", "--queue-url", url, "--max-number-of-messages", "10", "--attribute-names", "All")
		groups := map[string][]string{}
		msgs, _ := get(got, "Messages").([]any)
		for _, m := range msgs {
			g := str(m, "Attributes", "MessageGroupId")
			groups[g] = append(groups[g], str(m, "Body"))
		}
		assert.Equal(t, map[string][]string{"A": {"a1", "a2"}, "B": {"b1", "b2"}}, groups)
		again := c.run("receive-message", "--queue-url", url, "--max-number-of-messages", "10")
		assert.Nil(t, get(again, "Messages"), "both groups are locked while in flight")
	})

	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		c := *cli
		c.t = t
		url := str(c.run("create-queue", "--queue-name", uniqueName("cli-err")), "QueueUrl")
		c.fails("AWS.SimpleQueueService.NonExistentQueue", "send-message",
			"--queue-url", srv.URL+"/000000000000/"+uniqueName("missing"), "--message-body", "x")
		stderr := c.fails("ReceiptHandleIsInvalid", "delete-message", "--queue-url", url, "--receipt-handle", "not-a-receipt-handle")
		assert.Contains(t, stderr, "not-a-receipt-handle")

		big := filepath.Join(t.TempDir(), "big.txt")
		require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte("x"), 1048577), 0o600))
		stderr = c.fails("InvalidParameterValue", "send-message", "--queue-url", url, "--message-body", "file://"+big)
		assert.Contains(t, stderr, "Message must be shorter than 1048576 bytes")

		c.fails("AWS.SimpleQueueService.EmptyBatchRequest", "send-message-batch", "--queue-url", url, "--entries", "[]")
		c.fails("AWS.SimpleQueueService.EmptyBatchRequest", "delete-message-batch", "--queue-url", url, "--entries", "[]")

		a := c.run("get-queue-attributes", "--queue-url", url, "--attribute-names", "ApproximateNumberOfMessages")
		assert.Equal(t, "0", str(a, "Attributes", "ApproximateNumberOfMessages"), "failed requests changed nothing")
	})
}

// TestAWSCLISigV4 checks the CLI's signatures against a server that verifies them.
func TestAWSCLISigV4(t *testing.T) {
	skipShort(t)
	t.Parallel()
	srv := sigv4Server(t)
	c := newAWSCLI(t, srv.URL)
	c.env = append(c.env, "AWS_ACCESS_KEY_ID="+sigKey, "AWS_SECRET_ACCESS_KEY="+sigSecret)
	name := uniqueName("cli-sig")
	url := str(c.run("create-queue", "--queue-name", name), "QueueUrl")
	c.run("send-message", "--queue-url", url, "--message-body", "signed by the CLI")
	assert.Len(t, srv.Mock().Messages(name), 1)

	wrong := *c
	wrong.env = append(append([]string{}, c.env...), "AWS_SECRET_ACCESS_KEY=wrong")
	wrong.fails("SignatureDoesNotMatch", "send-message", "--queue-url", url, "--message-body", "x")
	unknown := *c
	unknown.env = append(append([]string{}, c.env...), "AWS_ACCESS_KEY_ID=AKIDUNKNOWN")
	unknown.fails("InvalidClientTokenId", "list-queues")
	assert.Len(t, srv.Mock().Messages(name), 1, "nothing arrived unsigned")
}
