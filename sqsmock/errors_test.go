package sqsmock_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func TestErrorShapes(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	e.send(e.queue, "m")
	missing := aws.String(e.mock.QueueURL("missing"))
	_, purgeErr := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(e.queue)})
	require.NoError(t, purgeErr)

	cases := []struct {
		name   string
		op     string
		call   func() error
		code   string
		status int
		typed  any // pointer to the SDK's typed error, nil for smithy.GenericAPIError
	}{
		{"queue does not exist", "GetQueueUrl", func() error {
			_, err := e.c.GetQueueUrl(e.ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
			return err
		}, "AWS.SimpleQueueService.NonExistentQueue", 400, new(*types.QueueDoesNotExist)},
		{"queue does not exist on send", "SendMessage", func() error {
			_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: missing, MessageBody: aws.String("m")})
			return err
		}, "AWS.SimpleQueueService.NonExistentQueue", 400, new(*types.QueueDoesNotExist)},
		{"purge in progress", "PurgeQueue", func() error {
			_, err := e.c.PurgeQueue(e.ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(e.queue)})
			return err
		}, "AWS.SimpleQueueService.PurgeQueueInProgress", 403, new(*types.PurgeQueueInProgress)},
		{"receipt handle invalid", "DeleteMessage", func() error {
			_, err := e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(e.queue), ReceiptHandle: aws.String("garbage")})
			return err
		}, "ReceiptHandleIsInvalid", 404, new(*types.ReceiptHandleIsInvalid)},
		{"unknown attribute", "GetQueueAttributes", func() error {
			_, err := e.c.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(e.queue), AttributeNames: []types.QueueAttributeName{"Nope"}})
			return err
		}, "InvalidAttributeName", 400, new(*types.InvalidAttributeName)},
		{"attribute value", "SetQueueAttributes", func() error {
			_, err := e.c.SetQueueAttributes(e.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(e.queue), Attributes: map[string]string{"DelaySeconds": "-1"}})
			return err
		}, "InvalidAttributeValue", 400, new(*types.InvalidAttributeValue)},
		{"queue exists", "CreateQueue", func() error {
			_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("q"), Attributes: map[string]string{"DelaySeconds": "5"}})
			return err
		}, "QueueAlreadyExists", 400, new(*types.QueueNameExists)},
		{"too many entries", "DeleteMessageBatch", func() error {
			entries := make([]types.DeleteMessageBatchRequestEntry, 11)
			for i := range entries {
				entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(string(rune('a' + i))), ReceiptHandle: aws.String("h")}
			}
			_, err := e.c.DeleteMessageBatch(e.ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(e.queue), Entries: entries})
			return err
		}, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, new(*types.TooManyEntriesInBatchRequest)},
		{"resource not found", "ListMessageMoveTasks", func() error {
			_, err := e.c.ListMessageMoveTasks(e.ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:nope")})
			return err
		}, "ResourceNotFoundException", 404, new(*types.ResourceNotFoundException)},
		{"invalid parameter value", "ReceiveMessage", func() error {
			_, err := e.c.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), MaxNumberOfMessages: 11})
			return err
		}, "InvalidParameterValue", 400, nil},
		{"missing parameter", "SendMessage", func() error {
			_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.queue), MessageBody: aws.String("")})
			return err
		}, "MissingParameter", 400, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)

			var oe *smithy.OperationError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, "SQS", oe.Service())
			assert.Equal(t, tc.op, oe.Operation())

			var re *awshttp.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.status, re.HTTPStatusCode())
			assert.NotEmpty(t, re.ServiceRequestID())

			var ae smithy.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.code, ae.ErrorCode())
			assert.Equal(t, smithy.FaultClient, ae.ErrorFault())
			assert.Contains(t, err.Error(), "operation error SQS: "+tc.op+", https response error StatusCode: ")
			// As the SDK prints them: typed errors "Code: message", others "api error Code: message".
			assert.True(t, strings.HasSuffix(err.Error(), ", "+tc.code+": "+ae.ErrorMessage()) ||
				strings.HasSuffix(err.Error(), ", api error "+tc.code+": "+ae.ErrorMessage()), err.Error())
			assert.Equal(t, tc.typed == nil, strings.Contains(err.Error(), "api error "))

			if tc.typed != nil {
				require.True(t, errors.As(err, tc.typed), "want %T, got %T", tc.typed, ae)
			} else {
				var g *smithy.GenericAPIError
				require.ErrorAs(t, err, &g)
			}
		})
	}
}

// noNetwork fails the test if the real SDK client ever gets as far as sending.
type noNetwork struct{ t *testing.T }

func (n noNetwork) Do(*http.Request) (*http.Response, error) {
	n.t.Error("the request reached the network")
	return nil, errors.New("no network")
}

// TestClientSideValidationMatchesSDK compares the mock's errors for invalid input with the
// real *sqs.Client's, which fails before sending anything.
func TestClientSideValidationMatchesSDK(t *testing.T) {
	t.Parallel()
	real := sqs.New(sqs.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, HTTPClient: noNetwork{t},
		RetryMaxAttempts: 1})
	mock := sqsmock.New().Client()
	ctx := context.Background()
	cases := []struct {
		name string
		call func(c sqsmock.API) error
	}{
		{"SendMessage nil input", func(c sqsmock.API) error { _, err := c.SendMessage(ctx, nil); return err }},
		{"SendMessage no body", func(c sqsmock.API) error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String("u")})
			return err
		}},
		{"attribute without DataType", func(c sqsmock.API) error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String("u"), MessageBody: aws.String("b"),
				MessageAttributes: map[string]types.MessageAttributeValue{"a": {StringValue: aws.String("v")}}})
			return err
		}},
		{"batch entries", func(c sqsmock.API) error {
			_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String("u"), Entries: []types.SendMessageBatchRequestEntry{
				{Id: aws.String("1")}, {MessageBody: aws.String("b")}}})
			return err
		}},
		{"delete batch", func(c sqsmock.API) error {
			_, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{Entries: []types.DeleteMessageBatchRequestEntry{{Id: aws.String("1")}}})
			return err
		}},
		{"CreateQueue", func(c sqsmock.API) error { _, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{}); return err }},
		{"AddPermission", func(c sqsmock.API) error { _, err := c.AddPermission(ctx, &sqs.AddPermissionInput{}); return err }},
		{"ChangeMessageVisibility", func(c sqsmock.API) error {
			_, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String("u")})
			return err
		}},
		{"StartMessageMoveTask", func(c sqsmock.API) error {
			_, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.call(real)
			got := tc.call(mock)
			require.Error(t, want)
			require.Error(t, got)
			assert.Equal(t, want.Error(), got.Error())
			var wantParams, gotParams smithy.InvalidParamsError
			require.ErrorAs(t, want, &wantParams, "the SDK reports smithy.InvalidParamsError")
			require.ErrorAs(t, got, &gotParams)
			var oe *smithy.OperationError
			require.ErrorAs(t, got, &oe)
			assert.Equal(t, "SQS", oe.Service())
		})
	}
}

func TestAlreadyCanceledContextIsNotSent(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.queue), WaitTimeSeconds: 5})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	// The real client gives up before sending: the bare context error inside the operation error.
	var ce *smithy.CanceledError
	assert.False(t, errors.As(err, &ce), "not sent, so not a cancelled request")
	var oe *smithy.OperationError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "ReceiveMessage", oe.Operation())
}
