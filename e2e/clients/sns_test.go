package clients_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// TestBoto3SNS publishes through boto3's SNS client into queues boto3's SQS client reads, on one
// sqsmock endpoint.
func TestBoto3SNS(t *testing.T) {
	skipShort(t)
	t.Parallel()
	needBoto3(t)
	srv := sqsmock.NewServer(t)
	runProgram(t, 3*time.Minute, clientEnv(srv.URL), python(), "python/test_boto3_sns.py", "-v")
}

// TestNodeSDKSNS publishes through @aws-sdk/client-sns into a queue @aws-sdk/client-sqs reads.
func TestNodeSDKSNS(t *testing.T) {
	skipShort(t)
	t.Parallel()
	dir := nodeModules(t)
	_, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-sns", "package.json"))
	need(t, "@aws-sdk/client-sns", err, ".ci/peers/install.sh node")
	srv := sqsmock.NewServer(t)
	runProgram(t, 3*time.Minute, clientEnv(srv.URL, "SQSMOCK_NODE_CLIENT_DIR="+dir),
		"node", "--test", "--test-reporter=spec", "node/sns.test.mjs")
}

// TestAWSCLISNS drives "aws sns" and "aws sqs" against one endpoint: a topic, a queue with the
// policy SNS needs, a raw subscription, a publish, the message in the queue, and an error.
func TestAWSCLISNS(t *testing.T) {
	skipShort(t)
	t.Parallel()
	srv := sqsmock.NewServer(t)
	cli := newAWSCLI(t, srv.URL)
	aws := func(service string, args ...string) (map[string]any, string, error) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, python(), append([]string{"-m", "awscli", "--endpoint-url", srv.URL, "--output", "json", service}, args...)...)
		cmd.Env = cli.env
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		v := map[string]any{}
		if strings.TrimSpace(o.String()) != "" {
			require.NoError(t, json.Unmarshal(o.Bytes(), &v), o.String())
		}
		return v, e.String(), err
	}
	run := func(service string, args ...string) map[string]any {
		v, stderr, err := aws(service, args...)
		require.NoError(t, err, "aws %s %s\n%s", service, strings.Join(args, " "), stderr)
		return v
	}
	topic := str(run("sns", "create-topic", "--name", "cli-orders"), "TopicArn")
	require.Equal(t, "arn:aws:sns:us-east-1:000000000000:cli-orders", topic)
	url := str(run("sqs", "create-queue", "--queue-name", "cli-raw"), "QueueUrl")
	arn := "arn:aws:sqs:us-east-1:000000000000:cli-raw"
	pol, _ := json.Marshal(map[string]string{"Policy": `{"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` +
		arn + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + topic + `"}}}]}`})
	run("sqs", "set-queue-attributes", "--queue-url", url, "--attributes", string(pol))
	run("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs", "--notification-endpoint", arn, "--attributes", "RawMessageDelivery=true")
	id := str(run("sns", "publish", "--topic-arn", topic, "--message", "hello from the CLI",
		"--message-attributes", `{"kind":{"DataType":"String","StringValue":"created"}}`), "MessageId")
	assert.NotEmpty(t, id)
	got := run("sqs", "receive-message", "--queue-url", url, "--message-attribute-names", "All")
	assert.Equal(t, "hello from the CLI", str(got, "Messages", 0, "Body"))
	assert.Equal(t, "created", str(got, "Messages", 0, "MessageAttributes", "kind", "StringValue"))
	subs := run("sns", "list-subscriptions-by-topic", "--topic-arn", topic)
	assert.Equal(t, arn, str(subs, "Subscriptions", 0, "Endpoint"))

	_, stderr, err := aws("sns", "publish", "--topic-arn", "arn:aws:sns:us-east-1:000000000000:missing", "--message", "m")
	require.Error(t, err)
	assert.Contains(t, stderr, "An error occurred (NotFound) when calling the Publish operation: Topic does not exist")
}
