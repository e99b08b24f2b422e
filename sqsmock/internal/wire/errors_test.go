package wire

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// sdkValidationError is the error the real SDK returns for an input missing a required member.
func sdkValidationError(t *testing.T, in *sqs.SendMessageBatchInput) error {
	t.Helper()
	client := sqs.New(sqs.Options{BaseEndpoint: aws.String("http://127.0.0.1:1"), Region: "us-east-1", Credentials: aws.AnonymousCredentials{}})
	_, err := client.SendMessageBatch(context.Background(), in)
	require.Error(t, err)
	return err
}

func responseError(status int, err error) error {
	return &smithy.OperationError{ServiceID: "SQS", OperationName: "SendMessage", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
		RequestID:     "rid"}}
}

func TestToSQSError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want sqserr.Error
	}{
		{"sqserr as is", sqserr.ReceiptHandleIsInvalid("h"), *sqserr.ReceiptHandleIsInvalid("h")},
		{"wrapped sqserr", fmt.Errorf("engine: %w", sqserr.OverLimit("max %d", 3)), *sqserr.OverLimit("max %d", 3)},
		{"SDK validation: missing top-level member", sdkValidationError(t, &sqs.SendMessageBatchInput{}), *sqserr.MissingParameter("QueueUrl")},
		{"SDK validation: missing entry member",
			sdkValidationError(t, &sqs.SendMessageBatchInput{QueueUrl: aws.String("q"), Entries: []types.SendMessageBatchRequestEntry{{MessageBody: aws.String("b")}}}),
			*sqserr.MissingParameter("Entries[0].Id")},
		{"InvalidParamsError pointer", func() error {
			e := &smithy.InvalidParamsError{Context: "SendMessageInput"}
			e.Add(smithy.NewErrParamRequired("MessageBody"))
			return e
		}(), *sqserr.MissingParameter("MessageBody")},
		{"typed SDK error without override", &types.QueueDoesNotExist{Message: aws.String("gone")},
			sqserr.Error{Shape: "QueueDoesNotExist", Code: "AWS.SimpleQueueService.NonExistentQueue", Status: 400, Message: "gone"}},
		{"typed SDK error outside the sqserr table", &types.KmsOptInRequired{Message: aws.String("opt in")},
			sqserr.Error{Shape: "KmsOptInRequired", Code: "KMS.OptInRequired", Status: 403, Message: "opt in"}},
		{"generic API error with a known code", &smithy.GenericAPIError{Code: "AWS.SimpleQueueService.NonExistentQueue", Message: "m"},
			withMessage(sqserr.QueueDoesNotExist(), "m")},
		{"generic API error with an unknown code, server fault", &smithy.GenericAPIError{Code: "Weird", Message: "m", Fault: smithy.FaultServer},
			sqserr.Error{Shape: "Weird", Code: "Weird", Status: 500, Server: true, Message: "m"}},
		{"status from the HTTP response", responseError(503, &smithy.GenericAPIError{Code: "ServiceUnavailable", Message: "later", Fault: smithy.FaultServer}),
			sqserr.Error{Shape: "ServiceUnavailable", Code: "ServiceUnavailable", Status: 503, Server: true, Message: "later"}},
		{"typed error in a response error", responseError(400, &types.QueueDoesNotExist{Message: aws.String("x"), ErrorCodeOverride: aws.String("AWS.SimpleQueueService.NonExistentQueue")}),
			sqserr.Error{Shape: "QueueDoesNotExist", Code: "AWS.SimpleQueueService.NonExistentQueue", Status: 400, Message: "x"}},
		{"plain error", errors.New("boom"), sqserr.Error{Shape: "InternalError", Code: "InternalError", Status: 500, Server: true, Message: "boom"}},
		{"context canceled", context.Canceled, sqserr.Error{Shape: "InternalError", Code: "InternalError", Status: 500, Server: true, Message: "context canceled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ToSQSError(tt.err)
			require.NotNil(t, got)
			assert.Equal(t, tt.want, *got)
		})
	}
	assert.Nil(t, ToSQSError(nil))
}

// withMessage returns a copy of e with another message.
func withMessage(e *sqserr.Error, m string) sqserr.Error {
	c := *e
	c.Message = m
	return c
}
