package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func TestParseRefusesUnboundedAndRemote(t *testing.T) {
	for _, args := range [][]string{
		{"-endpoint", "http://10.1.2.3:9324"},
		{"-endpoint", "http://sqs.us-east-1.amazonaws.com"},
		{"-duration", "0s"},
		{"-duration", "11m"},
		{"-op", "nope"},
		{"-op", "longpoll,send"},
		{"-c", "0"},
		{"-size", "1048577"},
	} {
		_, err := parse(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
	c, err := parse([]string{"-endpoint", "http://10.1.2.3:9324", "-allow-remote", "-op", "send:3,receive"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, []weighted{{"send", 3}, {"receive", 1}}, c.mix)
	for _, ep := range []string{"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.0.0.2:1"} {
		_, err := parse([]string{"-endpoint", ep}, &bytes.Buffer{})
		assert.NoError(t, err, ep)
	}
}

func TestRunEveryOperationAgainstTheServer(t *testing.T) {
	srv := sqsmock.NewServer(t)
	for _, op := range []string{"send", "send-batch", "receive", "receive-batch", "delete", "delete-batch", "send:2,receive:1,delete:1"} {
		t.Run(op, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"-endpoint", srv.URL, "-op", op, "-c", "4", "-count", "40",
				"-duration", "5s", "-prefill", "20", "-format", "json"}, &out, &bytes.Buffer{})
			require.NoError(t, err)
			var rep report
			require.NoError(t, json.Unmarshal(out.Bytes(), &rep), out.String())
			assert.Equal(t, int64(40), rep.Ops, "-count bounds the run")
			assert.Zero(t, rep.Errors, rep.FirstError)
			assert.Positive(t, rep.Overall.P99Ms)
		})
	}
	assert.Empty(t, srv.Mock().Queues(), "its queues are deleted")
}

func TestRunLongPoll(t *testing.T) {
	srv := sqsmock.NewServer(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"-endpoint", srv.URL, "-op", "longpoll", "-rounds", "3", "-c", "2", "-format", "markdown"}, &out, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Regexp(t, `^\| http://127\.0\.0\.1:\d+ \| longpoll \| 2 \| `, out.String())
}
