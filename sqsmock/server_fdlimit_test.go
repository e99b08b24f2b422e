//go:build linux

package sqsmock_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// envFDLimitChild makes the test binary the server of TestServerAtTheDescriptorLimit.
const envFDLimitChild = "SQSMOCK_TEST_FDLIMIT_CHILD"

// At the process's file-descriptor limit the server goes on answering: a child process serves
// the mock with RLIMIT_NOFILE lowered to 128 and a bound of 64 connections, 200 silent
// connections arrive, accept fails with "too many open files", and a healthy client's /health and
// SendMessage are answered within seconds, as the server closes silent connections to accept the
// queued ones. (It used to leave the healthy client in the kernel's queue behind the silent ones
// until the 30 s read timeout let them go.)
func TestServerAtTheDescriptorLimit(t *testing.T) {
	if os.Getenv(envFDLimitChild) != "" {
		fdLimitServer(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestServerAtTheDescriptorLimit$", "-test.count=1")
	cmd.Env = append(os.Environ(), envFDLimitChild+"=1")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	var addr string
	lines := bufio.NewScanner(stdout)
	for addr == "" && lines.Scan() {
		addr, _ = strings.CutPrefix(lines.Text(), "ADDR=")
	}
	require.NotEmpty(t, addr, "the child's address; its stderr:\n%s", stderr.String())
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	for range 200 {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
	}
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	require.Eventually(t, func() bool {
		res, err := hc.Get("http://" + addr + "/health")
		if err != nil {
			return false
		}
		_ = res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 20*time.Second, 50*time.Millisecond, "/health answered at the descriptor limit")
	sdk := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 10})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = sdk.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String("http://" + addr + "/000000000000/q"), MessageBody: aws.String("healthy")})
	require.NoError(t, err)

	require.NoError(t, stdin.Close())
	require.NoError(t, cmd.Wait(), "the child's stderr:\n%s", stderr.String())
	assert.Contains(t, stderr.String(), "too many open files", "the child reached its descriptor limit")
}

// lockedBuffer is a bytes.Buffer safe to read while a process writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fdLimitServer is the child: it lowers its descriptor limit, serves, prints its address and
// stops when its standard input closes.
func fdLimitServer(t *testing.T) {
	lim := syscall.Rlimit{Cur: 128, Max: 128}
	var cur syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &cur))
	lim.Max = cur.Max
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim))
	srv, err := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "q"}} }).Start(func(o *sqsmock.ServerOptions) { o.MaxConnections = 64 })
	require.NoError(t, err)
	fmt.Printf("ADDR=%s\n", srv.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	require.NoError(t, srv.Close())
}
