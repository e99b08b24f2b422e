package main

import (
	"context"
	"fmt"
	"net"
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
