package wire

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// newSDKClient serves h on a loopback server and returns the real aws-sdk-go-v2 client for it,
// with signing, checksum validation and everything else as in production, but no retries.
func newSDKClient(t *testing.T, h http.Handler) (*sqs.Client, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := sqs.New(sqs.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       "us-east-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		Retryer: aws.NopRetryer{},
	})
	return client, srv.URL
}

// callSDK calls the client method named op with in and returns its output and error.
func callSDK(ctx context.Context, client *sqs.Client, op string, in any) (any, error) {
	m := reflect.ValueOf(client).MethodByName(op)
	if !m.IsValid() {
		panic("no SDK method " + op)
	}
	res := m.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(in)})
	err, _ := res[1].Interface().(error)
	return res[0].Interface(), err
}

// clearMetadata zeroes the ResultMetadata the SDK adds to outputs.
func clearMetadata(out any) any {
	v := reflect.ValueOf(out)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if f := v.Elem().FieldByName("ResultMetadata"); f.IsValid() {
			f.Set(reflect.ValueOf(middleware.Metadata{}))
		}
	}
	return out
}

// TestSDKRoundTripAllOperations sends every operation through the real SDK client (JSON 1.0) to
// the handler: the backend must see exactly the SDK's input, and the SDK must decode exactly the
// backend's output, with MD5 checksum validation on.
func TestSDKRoundTripAllOperations(t *testing.T) {
	for _, c := range allCases() {
		t.Run(c.op, func(t *testing.T) {
			rec := newRecorder()
			rec.outputs[c.op] = c.out
			client, url := newSDKClient(t, NewHandler(rec, Options{}))

			out, err := callSDK(context.Background(), client, c.op, c.in)
			require.NoError(t, err)

			calls := rec.Calls()
			require.Len(t, calls, 1)
			assert.Equal(t, c.op, calls[0].op)
			assert.Equal(t, c.in, calls[0].input)
			assert.Equal(t, url, calls[0].baseURL)
			assert.Equal(t, c.out, clearMetadata(out))
		})
	}
}

// TestSDKZeroValues: an empty output and absent optional members travel as absent.
func TestSDKZeroValues(t *testing.T) {
	rec := newRecorder()
	client, _ := newSDKClient(t, NewHandler(rec, Options{}))
	out, err := client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(testQueueURL)})
	require.NoError(t, err)
	assert.Nil(t, out.Messages)
	assert.Equal(t, &sqs.ReceiveMessageInput{QueueUrl: aws.String(testQueueURL)}, rec.Calls()[0].input)
}

// TestSDKChecksumValidationIsOn proves the round trip above really passes the SDK's MD5 check:
// a wrong MD5OfBody from the backend makes the SDK fail.
func TestSDKChecksumValidationIsOn(t *testing.T) {
	rec := newRecorder()
	rec.outputs["SendMessage"] = &sqs.SendMessageOutput{MessageId: aws.String("m"), MD5OfMessageBody: aws.String(md5Hex("other"))}
	rec.outputs["ReceiveMessage"] = &sqs.ReceiveMessageOutput{Messages: []types.Message{{
		MessageId: aws.String("m"), ReceiptHandle: aws.String("r"), Body: aws.String("x"), MD5OfBody: aws.String(md5Hex("y"))}}}
	client, _ := newSDKClient(t, NewHandler(rec, Options{}))

	_, err := client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(testQueueURL), MessageBody: aws.String("body")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "checksum")

	_, err = client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(testQueueURL)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "checksum")
}

// TestSDKTypedErrors: errors from the backend reach the SDK as the typed errors and legacy codes
// real SQS produces, with the right HTTP status; and mapping the SDK's error back gives the
// original.
func TestSDKTypedErrors(t *testing.T) {
	tests := []struct {
		name    string
		backend error
		code    string
		status  int
		typed   func(error) bool
	}{
		{"queue does not exist", sqserr.QueueDoesNotExist(), "AWS.SimpleQueueService.NonExistentQueue", 400,
			func(e error) bool { var x *types.QueueDoesNotExist; return errors.As(e, &x) }},
		{"receipt handle invalid", sqserr.ReceiptHandleIsInvalid("abc"), "ReceiptHandleIsInvalid", 404,
			func(e error) bool { var x *types.ReceiptHandleIsInvalid; return errors.As(e, &x) }},
		{"purge in progress", sqserr.PurgeQueueInProgress("q"), "AWS.SimpleQueueService.PurgeQueueInProgress", 403,
			func(e error) bool { var x *types.PurgeQueueInProgress; return errors.As(e, &x) }},
		{"queue name exists", sqserr.QueueNameExists("DelaySeconds"), "QueueAlreadyExists", 400,
			func(e error) bool { var x *types.QueueNameExists; return errors.As(e, &x) }},
		{"too many entries", sqserr.TooManyEntriesInBatchRequest(20), "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400,
			func(e error) bool { var x *types.TooManyEntriesInBatchRequest; return errors.As(e, &x) }},
		{"kms throttled", sqserr.KmsThrottled(), "KMS.ThrottlingException", 400,
			func(e error) bool { var x *types.KmsThrottled; return errors.As(e, &x) }},
		{"over limit", sqserr.OverLimit("too many"), "OverLimit", 403,
			func(e error) bool { var x *types.OverLimit; return errors.As(e, &x) }},
		{"request throttled", sqserr.RequestThrottled(), "RequestThrottled", 403,
			func(e error) bool { var x *types.RequestThrottled; return errors.As(e, &x) }},
		{"resource not found", sqserr.ResourceNotFound("Task does not exist."), "ResourceNotFoundException", 404,
			func(e error) bool { var x *types.ResourceNotFoundException; return errors.As(e, &x) }},
		{"invalid parameter value (unmodelled)", sqserr.InvalidParameterValue("Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."),
			"InvalidParameterValue", 400, isGeneric},
		{"missing parameter (unmodelled)", sqserr.MissingParameter("MessageBody"), "MissingParameter", 400, isGeneric},
		{"internal error", sqserr.InternalError(), "InternalError", 500, isGeneric},
		{"SDK typed error from the backend", sqserr.QueueDoesNotExist().APIError(), "AWS.SimpleQueueService.NonExistentQueue", 400,
			func(e error) bool { var x *types.QueueDoesNotExist; return errors.As(e, &x) }},
		{"SDK typed error wrapped in an operation error", &smithy.OperationError{ServiceID: "SQS", OperationName: "GetQueueUrl", Err: sqserr.PurgeQueueInProgress("q").APIError()},
			"AWS.SimpleQueueService.PurgeQueueInProgress", 403,
			func(e error) bool { var x *types.PurgeQueueInProgress; return errors.As(e, &x) }},
		{"generic API error", &smithy.GenericAPIError{Code: "InvalidParameterValue", Message: "bad", Fault: smithy.FaultClient}, "InvalidParameterValue", 400, isGeneric},
		{"plain Go error", errors.New("disk on fire"), "InternalError", 500, isGeneric},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			rec.errs["GetQueueUrl"] = tt.backend
			client, _ := newSDKClient(t, NewHandler(rec, Options{}))
			_, err := client.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("q")})
			require.Error(t, err)

			var api smithy.APIError
			require.True(t, errors.As(err, &api), "%T %v", err, err)
			assert.Equal(t, tt.code, api.ErrorCode())
			assert.True(t, tt.typed(err), "wrong error type %T", api)
			var hs interface{ HTTPStatusCode() int }
			require.True(t, errors.As(err, &hs))
			assert.Equal(t, tt.status, hs.HTTPStatusCode())

			want := ToSQSError(tt.backend)
			assert.Equal(t, want.Message, api.ErrorMessage())
			got := ToSQSError(err)
			assert.Equal(t, *want, *got, "mapping the SDK's error back")
		})
	}
}

func isGeneric(e error) bool { var x *smithy.GenericAPIError; return errors.As(e, &x) }

// TestSDKServerErrorIsRetried: a 500 is retried by the SDK's default retryer (one failure, then
// success) — a sign the fault and status reach it as from SQS.
func TestSDKServerErrorIsRetried(t *testing.T) {
	rec := &flaky{recorder: newRecorder(), fails: 1}
	srv := httptest.NewServer(NewHandler(rec, Options{}))
	t.Cleanup(srv.Close)
	client := sqs.New(sqs.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1",
		Credentials: aws.AnonymousCredentials{}})
	_, err := client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(testQueueURL)})
	require.NoError(t, err)
	assert.Equal(t, 2, rec.n)
}

// flaky fails DeleteQueue with InternalError the first fails times.
type flaky struct {
	*recorder
	fails, n int
}

func (f *flaky) DeleteQueue(ctx context.Context, in *sqs.DeleteQueueInput, _ ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error) {
	f.n++
	if f.n <= f.fails {
		return nil, sqserr.InternalError()
	}
	return &sqs.DeleteQueueOutput{}, nil
}

func ExampleNewHandler() {
	backend := newRecorder() // any sqsapi.API: the mock's in-process client in production
	srv := httptest.NewServer(NewHandler(backend, Options{}))
	defer srv.Close()
	client := sqs.New(sqs.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", Credentials: aws.AnonymousCredentials{}})
	_, err := client.PurgeQueue(context.Background(), &sqs.PurgeQueueInput{QueueUrl: aws.String(srv.URL + "/123456789012/q")})
	fmt.Println(err, backend.Calls()[0].op)
	// Output: <nil> PurgeQueue
}
