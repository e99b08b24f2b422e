package main

import (
	"errors"
	"net/http/httptest"
	"os"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServerPIDAutoFindsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp here")
	}
	srv := httptest.NewServer(floorHandler())
	defer srv.Close()
	pid, err := resolveServerPID("auto", srv.URL)
	require.NoError(t, err)
	assert.Equal(t, os.Getpid(), pid)

	pid, err = resolveServerPID("4242", srv.URL)
	require.NoError(t, err)
	assert.Equal(t, 4242, pid)
	for _, bad := range []string{"0", "-3", "self"} {
		_, err = resolveServerPID(bad, srv.URL)
		assert.Error(t, err, bad)
	}
	_, err = resolveServerPID("auto", "http://10.1.2.3:9324")
	assert.ErrorContains(t, err, "this machine")
}

func TestWasAnswered(t *testing.T) {
	assert.True(t, wasAnswered(nil))
	assert.True(t, wasAnswered(&smithyhttp.ResponseError{Err: errors.New("QueueDoesNotExist")}))
	assert.False(t, wasAnswered(errors.New("context deadline exceeded")))
}
