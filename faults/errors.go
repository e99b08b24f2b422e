package faults

import (
	"net"
	"net/url"
	"os"
	"reflect"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
)

// ServiceError is an SQS error as the service puts it on the wire: the JSON error shape
// (`__type`), the legacy Query code (the x-amzn-query-error header, reported by the SDK's
// ErrorCode()), the HTTP status and the fault.
type ServiceError struct {
	Shape   string // JSON error shape, e.g. "RequestThrottled" or "KmsThrottled"
	Code    string // legacy Query code, e.g. "RequestThrottled" or "KMS.ThrottlingException"
	Status  int    // HTTP status
	Server  bool   // true for a Receiver (server) fault, false for Sender
	Message string
}

// Error formats the error like the SDK's typed errors: "Code: message".
func (e *ServiceError) Error() string { return e.Code + ": " + e.Message }

// Fault is "Sender" or "Receiver", as in the x-amzn-query-error header.
func (e *ServiceError) Fault() string {
	if e.Server {
		return "Receiver"
	}
	return "Sender"
}

// QueryErrorHeader is the value of the x-amzn-query-error header: "<Code>;<Fault>".
func (e *ServiceError) QueryErrorHeader() string { return e.Code + ";" + e.Fault() }

// TypeName is the fully qualified JSON `__type` of the error.
func (e *ServiceError) TypeName() string { return "com.amazonaws.sqs#" + e.Shape }

// SDKError returns the value aws-sdk-go-v2 decodes from this error on the wire: the SDK's typed
// error (e.g. *types.RequestThrottled) with ErrorCodeOverride set to the legacy code, or a
// *smithy.GenericAPIError for shapes the SDK does not model (e.g. ThrottlingException).
func (e *ServiceError) SDKError() error {
	fault := smithy.FaultClient
	if e.Server {
		fault = smithy.FaultServer
	}
	generic := &smithy.GenericAPIError{Code: e.Code, Message: e.Message, Fault: fault}
	entry, ok := sqs.TypeRegistry.LookupEntry(e.TypeName())
	if !ok {
		return generic
	}
	typed := entry.New()
	rv := reflect.ValueOf(typed)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return generic
	}
	for name, value := range map[string]string{"Message": e.Message, "ErrorCodeOverride": e.Code} {
		f := rv.Elem().FieldByName(name)
		if f.IsValid() && f.CanSet() && f.Type() == reflect.TypeFor[*string]() {
			f.Set(reflect.ValueOf(&value))
		}
	}
	if err, ok := typed.(error); ok {
		return err
	}
	return generic
}

// errorKind is one row of the error table.
type errorKind struct {
	shape  string
	code   string
	status int
	server bool
	msg    string
}

// errorTable lists the SQS errors a plan may inject, from the SDK's service/sqs/schemas
// (AWSQueryError and HTTPError traits). It duplicates rows of sqsmock/internal/sqserr, which
// faults cannot import.
var errorTable = []errorKind{
	{"RequestThrottled", "RequestThrottled", 403, false, "Request is throttled."},
	{"ThrottlingException", "ThrottlingException", 400, false, "Rate exceeded"},
	{"OverLimit", "OverLimit", 403, false, "The maximum number of in flight messages has been reached."},
	{"KmsThrottled", "KMS.ThrottlingException", 400, false, "The request was denied due to request throttling."},
	{"InternalError", "InternalError", 500, true, "We encountered an internal error. Please try again."},
	{"ServiceUnavailable", "ServiceUnavailable", 503, true, "Service Unavailable"},
	{"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400, false, "The specified queue does not exist."},
	{"ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404, false, "The input receipt handle is invalid."},
	{"PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403, false, "Only one PurgeQueue operation on the queue is allowed every 60 seconds."},
	{"InvalidMessageContents", "InvalidMessageContents", 400, false, "Invalid characters found."},
	{"InvalidParameterValueException", "InvalidParameterValue", 400, false, "Invalid parameter value."},
	{"AccessDeniedException", "AccessDenied", 403, false, "Access to the resource is denied."},
	{"InvalidSecurity", "InvalidSecurity", 403, false, "The request was not made over HTTPS or did not use SigV4 for signing."},
	{"KmsAccessDenied", "KMS.AccessDeniedException", 400, false, "The caller doesn't have the required KMS access."},
	{"KmsDisabled", "KMS.DisabledException", 400, false, "The KMS key is disabled."},
	{"KmsNotFound", "KMS.NotFoundException", 400, false, "The KMS key was not found."},
	{"KmsOptInRequired", "KMS.OptInRequired", 403, false, "The request was rejected because the KMS key requires an opt-in."},
	{"QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", 400, false, "You must wait 60 seconds after deleting a queue before you can create another queue with the same name."},
	{"UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400, false, "The operation is not supported."},
	{"RequestEntityTooLarge", "RequestEntityTooLarge", 413, false, "Request entity too large."},
}

// lookupError finds a row by legacy code or shape name.
func lookupError(code string) (errorKind, bool) {
	for _, k := range errorTable {
		if k.code == code || k.shape == code {
			return k, true
		}
	}
	return errorKind{}, false
}

// NewServiceError builds the ServiceError for an SQS error code, given as the legacy code or the
// JSON shape name ("RequestThrottled", "KmsThrottled", "KMS.ThrottlingException", "InternalError",
// ...). An empty message takes SQS's usual wording. ok is false for a code faults does not know.
func NewServiceError(code, message string) (e *ServiceError, ok bool) {
	k, ok := lookupError(code)
	if !ok {
		return nil, false
	}
	if message == "" {
		message = k.msg
	}
	return &ServiceError{Shape: k.shape, Code: k.code, Status: k.status, Server: k.server, Message: message}, true
}

// ErrorCodes lists the error codes (legacy codes) a rule may name.
func ErrorCodes() []string {
	out := make([]string, len(errorTable))
	for i, k := range errorTable {
		out[i] = k.code
	}
	return out
}

// ResetError returns the error net/http gives when the peer resets the connection while the
// client waits for the response to method url: a *url.Error wrapping a *net.OpError wrapping
// syscall.ECONNRESET. The SDK's retryer treats it as a retryable connection error.
func ResetError(method, rawURL string) error {
	return &url.Error{Op: opName(method), URL: rawURL, Err: &net.OpError{
		Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET),
	}}
}

// TimeoutError returns the error net/http gives when the client's timeout expires before the
// response headers arrive. It reports Timeout() true; the SDK's retryer retries it.
func TimeoutError(method, rawURL string) error {
	return &url.Error{Op: opName(method), URL: rawURL, Err: timeoutError{}}
}

func opName(method string) string {
	if method == "" {
		return "Post"
	}
	return string(method[0]) + toLower(method[1:])
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

type timeoutError struct{}

func (timeoutError) Error() string {
	return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
