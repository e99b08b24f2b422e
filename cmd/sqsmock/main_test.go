package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// safeBuffer is a bytes.Buffer for a log written by the server goroutine.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesStartupQueuesAndStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "queues.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`
queues:
  - name: jobs
    attributes: {VisibilityTimeout: 45}
    tags: {team: core}
  - name: jobs.fifo
    attributes: {FifoQueue: true, ContentBasedDeduplication: true}
`), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	var log safeBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-queues", file, "-log-level", "debug"},
			func(string) string { return "" }, &log, func(u string) { urls <- u })
	}()
	url := <-urls
	c := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")})
	list, err := c.ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{url + "/000000000000/jobs", url + "/000000000000/jobs.fifo"}, list.QueueUrls)
	attrs, err := c.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url + "/000000000000/jobs"), AttributeNames: []types.QueueAttributeName{"VisibilityTimeout"}})
	require.NoError(t, err)
	assert.Equal(t, "45", attrs.Attributes["VisibilityTimeout"])
	tags, err := c.ListQueueTags(context.Background(), &sqs.ListQueueTagsInput{QueueUrl: aws.String(url + "/000000000000/jobs")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "core"}, tags.Tags)
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, log.String(), "op=ListQueues")
	assert.Contains(t, log.String(), "shutting down")
}

func TestParseUsesEnvAndFlagsWin(t *testing.T) {
	env := map[string]string{"SQSMOCK_ADDR": "127.0.0.1:1234", "SQSMOCK_REGION": "eu-west-1"}
	s, err := parse([]string{"-region", "ap-south-1"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:1234", s.addr)
	assert.Equal(t, "ap-south-1", s.region)
	s, err = parse(nil, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:9324", s.addr, "loopback by default")
	_, err = parse([]string{"stray"}, func(string) string { return "" }, &bytes.Buffer{})
	assert.Error(t, err)
}

func TestRunRejectsBadQueueFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "q.json")
	require.NoError(t, os.WriteFile(file, []byte(`[{"name": "bad name!"}]`), 0o600))
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-queues", file}, func(string) string { return "" }, &bytes.Buffer{}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad name!")
}

func TestRunVerifiesSigV4WhenAsked(t *testing.T) {
	_, err := parse([]string{"-verify-sigv4"}, func(string) string { return "" }, &bytes.Buffer{})
	require.ErrorContains(t, err, "needs -access-key and -secret-key")

	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	env := map[string]string{"SQSMOCK_VERIFY_SIGV4": "true", "SQSMOCK_ACCESS_KEY": "AKIDCMD", "SQSMOCK_SECRET_KEY": "cmdsecret"}
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &safeBuffer{}, func(u string) { urls <- u })
	}()
	url := <-urls
	client := func(key, secret string) *sqs.Client {
		return sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")})
	}
	_, err = client("AKIDCMD", "cmdsecret").ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.NoError(t, err)
	_, err = client("AKIDCMD", "wrong").ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.ErrorContains(t, err, "SignatureDoesNotMatch")
	_, err = client("AKIDOTHER", "cmdsecret").ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.ErrorContains(t, err, "InvalidClientTokenId")
	cancel()
	require.NoError(t, <-done)
}

// TestRunRegionsAndRegionHosts: the command's server keeps regions apart by the signing region,
// and SQSMOCK_REGION_HOSTS (or -region-hosts) names the region in queue URLs' hosts.
func TestRunRegionsAndRegionHosts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	env := map[string]string{"SQSMOCK_REGION_HOSTS": "localhost.localstack.cloud"}
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &safeBuffer{}, func(u string) { urls <- u })
	}()
	url := <-urls
	client := func(region string) *sqs.Client {
		return sqs.New(sqs.Options{Region: region, BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	}
	q, err := client("us-west-1").CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("q")})
	require.NoError(t, err)
	port := url[strings.LastIndexByte(url, ':'):]
	assert.Equal(t, "http://sqs.us-west-1.localhost.localstack.cloud"+port+"/000000000000/q", *q.QueueUrl)
	list, err := client("eu-north-1").ListQueues(context.Background(), &sqs.ListQueuesInput{})
	require.NoError(t, err)
	assert.Empty(t, list.QueueUrls, "another region's queues")
	cancel()
	require.NoError(t, <-done)
}
