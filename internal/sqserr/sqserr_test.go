package sqserr

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorTypedAndGeneric(t *testing.T) {
	tests := []struct {
		name     string
		err      *Error
		code     string
		status   int
		checkTyp func(error) bool
	}{
		{"queue does not exist", QueueDoesNotExist(), "AWS.SimpleQueueService.NonExistentQueue", 400,
			func(e error) bool { var x *types.QueueDoesNotExist; return errors.As(e, &x) }},
		{"receipt handle", ReceiptHandleIsInvalid("x"), "ReceiptHandleIsInvalid", 404,
			func(e error) bool { var x *types.ReceiptHandleIsInvalid; return errors.As(e, &x) }},
		{"purge", PurgeQueueInProgress("q"), "AWS.SimpleQueueService.PurgeQueueInProgress", 403,
			func(e error) bool { var x *types.PurgeQueueInProgress; return errors.As(e, &x) }},
		{"name exists", QueueNameExists("DelaySeconds"), "QueueAlreadyExists", 400,
			func(e error) bool { var x *types.QueueNameExists; return errors.As(e, &x) }},
		{"attr name", UnknownAttribute("Foo"), "InvalidAttributeName", 400,
			func(e error) bool { var x *types.InvalidAttributeName; return errors.As(e, &x) }},
		{"invalid parameter", InvalidParameterValue("bad"), "InvalidParameterValue", 400,
			func(e error) bool { var x *smithy.GenericAPIError; return errors.As(e, &x) }},
		{"missing parameter", MissingParameter("MessageBody"), "MissingParameter", 400,
			func(e error) bool { var x *smithy.GenericAPIError; return errors.As(e, &x) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.err.APIError()
			var api smithy.APIError
			require.True(t, errors.As(got, &api))
			assert.Equal(t, tt.code, api.ErrorCode())
			assert.Equal(t, tt.err.Message, api.ErrorMessage())
			assert.Equal(t, smithy.FaultClient, api.ErrorFault())
			assert.Equal(t, tt.status, tt.err.Status)
			assert.True(t, tt.checkTyp(got), "wrong Go type %T", got)
		})
	}
}

func TestByCode(t *testing.T) {
	e, ok := ByCode("RequestThrottled", "Rate exceeded")
	require.True(t, ok)
	assert.Equal(t, 403, e.Status)
	e, ok = ByCode("InternalError", "boom")
	require.True(t, ok)
	assert.Equal(t, "Receiver", e.Fault())
	assert.Equal(t, "InternalError;Receiver", e.QueryErrorHeader())
	_, ok = ByCode("NoSuchThing", "")
	assert.False(t, ok)
}
