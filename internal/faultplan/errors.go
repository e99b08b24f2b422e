package faultplan

import "github.com/sqsharness/sqsharness/internal/sqserr"

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
func (e *ServiceError) SDKError() error { return e.sqs().APIError() }

func (e *ServiceError) sqs() *sqserr.Error {
	return &sqserr.Error{Shape: e.Shape, Code: e.Code, Status: e.Status, Server: e.Server, Message: e.Message}
}

// NewServiceError builds the ServiceError for an SQS error code, given as the legacy code or the
// JSON shape name ("RequestThrottled", "KmsThrottled", "KMS.ThrottlingException", "InternalError",
// ...). An empty message takes SQS's usual wording. ok is false for a code SQS does not have.
func NewServiceError(code, message string) (e *ServiceError, ok bool) {
	se, ok := sqserr.ByCode(code, message)
	if !ok {
		return nil, false
	}
	return &ServiceError{Shape: se.Shape, Code: se.Code, Status: se.Status, Server: se.Server, Message: se.Message}, true
}

// ErrorCodes lists the error codes (legacy codes) a rule may name.
func ErrorCodes() []string { return sqserr.Codes() }
