package clients_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/sqsharness/sqsharness/e2e/internal/repo"

	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// skipShort skips a client test under go test -short: the tests start Python, Node.js and AWS CLI
// processes, and the package takes over a minute.
func skipShort(t *testing.T) {
	t.Helper()
	shorttest.Skip(t, "the clients tests start boto3, AWS CLI and Node.js processes (over a minute)")
}

// inCI reports whether a missing client is a failure (CI=true) rather than a skip.
func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// need skips the test (fails it under CI=true) when a client is missing.
func need(t *testing.T, what string, err error, how string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("%s is not available (%v); get it with: %s", what, err, how)
	if inCI() {
		t.Fatal(msg + " (CI=true: a missing client is a failure)")
	}
	t.Skip(msg)
}

func python() string {
	if p := os.Getenv("SQSHARNESS_PYTHON"); p != "" {
		return p
	}
	return "python3"
}

func cacheDir() string {
	if d := os.Getenv("SQSHARNESS_CACHE_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "sqsharness")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "sqsharness")
}

// clientEnv is the environment of a client process: the parent's, with test credentials, no AWS
// config files and no proxy for loopback.
func clientEnv(endpoint string, extra ...string) []string {
	env := append(os.Environ(),
		"SQSMOCK_ENDPOINT="+endpoint,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_SESSION_TOKEN=",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=",
		"AWS_EC2_METADATA_DISABLED=true",
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
		"NODE_NO_WARNINGS=1", "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1",
	)
	return append(env, extra...)
}

// runProgram runs a client's test program to completion; its output goes to the test log, and a
// non-zero exit fails the test with that output.
func runProgram(t *testing.T, timeout time.Duration, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (timed out after %v)", err, timeout)
		}
		t.Fatalf("%s %s: %v after %.1fs\n%s", name, strings.Join(args, " "), err, time.Since(start).Seconds(), out.String())
	}
	t.Logf("%s %s: ok in %.1fs\n%s", name, strings.Join(args, " "), time.Since(start).Seconds(), out.String())
	return out.String()
}

func needBoto3(t *testing.T) {
	t.Helper()
	err := exec.Command(python(), "-c", "import boto3, botocore").Run()
	need(t, "boto3 (for "+python()+")", err, ".ci/peers/install.sh moto")
}

// queryModelDir is the botocore data directory holding the Query-era SQS model.
func queryModelDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(cacheDir(), "botocore-query-1.31.0")
	_, err := os.Stat(filepath.Join(dir, "sqs", "2012-11-05", "service-2.json"))
	need(t, "the Query-era botocore SQS model", err, "e2e/clients/install.sh")
	return dir
}

func TestBoto3JSON(t *testing.T) {
	skipShort(t)
	t.Parallel()
	needBoto3(t)
	srv := sqsmock.NewServer(t)
	runProgram(t, 3*time.Minute, clientEnv(srv.URL), python(), "python/test_boto3.py", "-v")
}

// sigv4Server is a server that verifies SigV4 with sigKey:sigSecret.
func sigv4Server(t *testing.T) *sqsmock.Server {
	t.Helper()
	srv, err := sqsmock.New(func(o *sqsmock.Options) {
		o.Credentials = []aws.Credentials{{AccessKeyID: sigKey, SecretAccessKey: sigSecret}}
	}).Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

const sigKey, sigSecret = "AKIDCLIENTS", "clients/secret+key"

// TestBoto3JSONSigV4 runs the boto3 program signed, against a server that verifies signatures,
// with the SigV4 tests (wrong secret, unknown key, unsigned).
func TestBoto3JSONSigV4(t *testing.T) {
	skipShort(t)
	t.Parallel()
	needBoto3(t)
	srv := sigv4Server(t)
	out := runProgram(t, 3*time.Minute, clientEnv(srv.URL, "SQSMOCK_SIGV4="+sigKey+":"+sigSecret), python(), "python/test_boto3.py", "-v")
	if strings.Contains(out, "skipped 'SQSMOCK_SIGV4") {
		t.Fatalf("the SigV4 tests did not run:\n%s", out)
	}
}

// TestBoto3Query runs the same program with the SQS model of botocore 1.31.0, the last one that
// speaks the Query protocol (form-encoded requests, XML responses), signed, against a server that
// verifies signatures.
func TestBoto3Query(t *testing.T) {
	skipShort(t)
	t.Parallel()
	needBoto3(t)
	dir := queryModelDir(t)
	srv := sigv4Server(t) // every Query request signed and verified, with the SigV4 tests
	out := runProgram(t, 3*time.Minute, clientEnv(srv.URL, "SQSMOCK_BOTOCORE_DATA="+dir, "SQSMOCK_SIGV4="+sigKey+":"+sigSecret),
		python(), "python/test_boto3.py", "-v")
	if !strings.Contains(out, "test_protocol (__main__.ProtocolTest") || strings.Contains(out, "skipped 'SQSMOCK_SIGV4") {
		t.Fatalf("the protocol check did not run:\n%s", out)
	}
}

// nodeModules is where .ci/peers/install.sh node puts @aws-sdk/client-sqs.
func nodeModules(t *testing.T) string {
	t.Helper()
	_, err := exec.LookPath("node")
	need(t, "node", err, "Node 20+ from your package manager, then .ci/peers/install.sh node")
	dir := filepath.Join(repo.Root(t), ".ci", "clients", "node")
	_, err = os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-sqs", "package.json"))
	need(t, "@aws-sdk/client-sqs", err, ".ci/peers/install.sh node")
	return dir
}

func TestNodeSDK(t *testing.T) {
	skipShort(t)
	t.Parallel()
	dir := nodeModules(t)
	srv := sqsmock.NewServer(t)
	runProgram(t, 3*time.Minute, clientEnv(srv.URL, "SQSMOCK_NODE_CLIENT_DIR="+dir),
		"node", "--test", "--test-reporter=spec", "node/sqsmock.test.mjs")
}

// TestNodeSDKSigV4 runs the node program signed, against a server that verifies signatures.
func TestNodeSDKSigV4(t *testing.T) {
	skipShort(t)
	t.Parallel()
	dir := nodeModules(t)
	srv := sigv4Server(t)
	out := runProgram(t, 3*time.Minute, clientEnv(srv.URL, "SQSMOCK_NODE_CLIENT_DIR="+dir, "SQSMOCK_SIGV4="+sigKey+":"+sigSecret),
		"node", "--test", "--test-reporter=spec", "node/sqsmock.test.mjs")
	if !strings.Contains(out, "skipped 0") {
		t.Fatalf("some tests were skipped:\n%s", out)
	}
}
