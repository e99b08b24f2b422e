package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRun runs the command with args in the background, stopping it when the test ends, and
// returns its URL and log.
func startRun(t *testing.T, args []string, env map[string]string) (string, *safeBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	log := &safeBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, log,
			func(u string) { urls <- u })
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return url, log
}

// A long poll whose client goes away is logged as "client closed request" with status 499, not
// as a server error (status=500), which is what watermill's shutdowns used to fill the log with.
func TestCancelledLongPollIsLoggedAsClientClosedRequest(t *testing.T) {
	url, log := startRun(t, []string{"-log-level", "debug"}, nil)
	c := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")})
	_, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	require.NoError(t, err)

	// Both protocols: send a 20 s long poll on the empty queue, then hang up without waiting.
	bodies := []struct{ target, contentType, body string }{
		{"AmazonSQS.ReceiveMessage", "application/x-amz-json-1.0",
			fmt.Sprintf(`{"QueueUrl":%q,"WaitTimeSeconds":20}`, url+"/000000000000/jobs")},
		{"", "application/x-www-form-urlencoded", "Action=ReceiveMessage&WaitTimeSeconds=20&QueueUrl=" + url + "/000000000000/jobs"},
	}
	for _, b := range bodies {
		conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
		require.NoError(t, err)
		req := "POST / HTTP/1.1\r\nHost: " + strings.TrimPrefix(url, "http://") + "\r\nContent-Type: " + b.contentType +
			"\r\nContent-Length: " + fmt.Sprint(len(b.body)) + "\r\n"
		if b.target != "" {
			req += "X-Amz-Target: " + b.target + "\r\n"
		}
		_, err = conn.Write([]byte(req + "\r\n" + b.body))
		require.NoError(t, err)
		require.NoError(t, conn.Close())
	}
	if !assert.Eventually(t, func() bool { return strings.Count(log.String(), "client closed request") == 2 },
		15*time.Second, 5*time.Millisecond) {
		t.Fatalf("log:\n%s", log.String())
	}
	assert.Equal(t, 2, strings.Count(log.String(), "status=499"), log.String())
	assert.NotContains(t, log.String(), "status=500")
}

// logLines returns the log's lines that contain all of want.
func logLines(log string, want ...string) []string {
	var out []string
	for line := range strings.SplitSeq(log, "\n") {
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(line, w)
		}
		if ok && line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Every request is logged with its operation, wherever the request named it: the X-Amz-Target
// header, the URL's query string, or the form body of a Query POST (where SDKs and the AWS CLI
// put Action, and which the log showed as op="").
func TestRequestLogShowsTheOperationOfEveryProtocol(t *testing.T) {
	url, log := startRun(t, []string{"-log-level", "debug"}, nil)
	q := url + "/000000000000/jobs"
	for _, r := range []struct {
		method, path, target, body string
	}{
		{"POST", "/", "AmazonSQS.CreateQueue", `{"QueueName":"jobs"}`},
		{"POST", "/", "", "Action=SendMessage&Version=2012-11-05&MessageBody=hi&QueueUrl=" + q},
		{"POST", "/000000000000/jobs", "", "Action=GetQueueAttributes&AttributeName.1=All"},
		{"GET", "/?Action=ListQueues", "", ""},
		{"POST", "/?Action=PurgeQueue", "", "QueueUrl=" + q},
		{"POST", "/", "", "Action=NoSuchAction"},
	} {
		req, err := http.NewRequest(r.method, url+r.path, strings.NewReader(r.body))
		require.NoError(t, err)
		if r.target != "" {
			req.Header.Set("X-Amz-Target", r.target)
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		} else if r.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
	}
	require.Eventually(t, func() bool { return len(logLines(log.String(), "msg=request")) >= 6 }, 15*time.Second, 5*time.Millisecond)
	for _, want := range [][]string{
		{"method=POST path=/ op=CreateQueue status=200"},
		{"method=POST path=/ op=SendMessage status=200"},
		{"method=POST path=/000000000000/jobs op=GetQueueAttributes status=200"},
		{"method=GET path=/ op=ListQueues status=200"},
		{"method=POST path=/ op=PurgeQueue status=200"},
		{"method=POST path=/ op=NoSuchAction status=400"},
	} {
		assert.Len(t, logLines(log.String(), want...), 1, "%v in:\n%s", want, log.String())
	}
	assert.NotContains(t, log.String(), `op=""`)
}

// A client that hangs up in the middle of its body is logged as "client closed request" with
// status 499, in both protocols, not as a 400 it never received; the refusals of the browser
// guard are logged as what they are, 403s.
func TestClientGoneMidBodyIsLoggedAsClientClosedRequest(t *testing.T) {
	url, log := startRun(t, []string{"-log-level", "debug"}, nil)
	addr := strings.TrimPrefix(url, "http://")
	for _, head := range []string{
		"Content-Type: application/x-www-form-urlencoded\r\n",
		"Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.SendMessage\r\n",
	} {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, err = conn.Write([]byte("POST / HTTP/1.1\r\nHost: " + addr + "\r\n" + head + "Content-Length: 5000\r\n\r\nAction=SendMessage&MessageBody="))
		require.NoError(t, err)
		require.NoError(t, conn.Close())
	}
	if !assert.Eventually(t, func() bool { return len(logLines(log.String(), "client closed request", "status=499")) == 2 },
		15*time.Second, 5*time.Millisecond) {
		t.Fatalf("log:\n%s", log.String())
	}
	assert.Len(t, logLines(log.String(), "client closed request", "op=SendMessage"), 1, "the JSON one names its operation: %s", log.String())
	assert.NotContains(t, log.String(), "status=400")
	assert.NotContains(t, log.String(), "status=5")
}
