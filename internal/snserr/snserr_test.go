package snserr

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryCodeIsWhatTheSDKDecodes(t *testing.T) {
	for _, code := range Codes() {
		err := APIError(code, "")
		require.NotNil(t, err, code)
		assert.Equal(t, code, err.ErrorCode(), code)
		assert.Equal(t, Message(code), err.ErrorMessage(), code)
		status, server, ok := Lookup(code)
		assert.True(t, ok, code)
		assert.GreaterOrEqual(t, status, 400, code)
		assert.Equal(t, server, err.ErrorFault() == smithy.FaultServer, code)
	}
}

func TestTypedErrors(t *testing.T) {
	var throttled *types.ThrottledException
	require.True(t, errors.As(APIError("Throttled", "slow down"), &throttled))
	assert.Equal(t, "slow down", throttled.ErrorMessage())
	var internal *types.InternalErrorException
	require.True(t, errors.As(APIError("InternalError", ""), &internal))
	var value *types.InvalidParameterValueException
	require.True(t, errors.As(APIError("ParameterValueInvalid", ""), &value))

	var generic *smithy.GenericAPIError
	require.True(t, errors.As(APIError("Throttling", ""), &generic), "SNS's rate limit is not modelled by the SDK")
	assert.Equal(t, "Rate exceeded", generic.Message)
	status, server, _ := Lookup("Throttled")
	assert.Equal(t, 429, status, "from the SDK's model")
	assert.False(t, server)
	status, server, _ = Lookup("InternalError")
	assert.Equal(t, 500, status)
	assert.True(t, server)
	_, _, ok := Lookup("RequestThrottled")
	assert.False(t, ok, "SQS's code is not SNS's")
}
