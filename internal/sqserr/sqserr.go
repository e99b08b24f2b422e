// Package sqserr is the one table of SQS errors used by the engine and by every front door.
//
// An *Error carries everything each front door needs: the JSON error shape name (the AWS JSON 1.0
// `__type`), the legacy Query code (sent in `x-amzn-query-error` and reported by the SDK's
// ErrorCode()), the HTTP status and the fault. APIError turns it into exactly the value
// aws-sdk-go-v2 would have decoded from the wire: the SDK's typed error from its own type registry
// with ErrorCodeOverride set, or a *smithy.GenericAPIError for codes the SDK does not model.
package sqserr

import (
	"fmt"
	"net/http"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
)

// Error is an SQS error as the service reports it.
type Error struct {
	Shape   string // JSON error shape, e.g. "QueueDoesNotExist" or "InvalidParameterValueException"
	Code    string // legacy Query code, e.g. "AWS.SimpleQueueService.NonExistentQueue"
	Status  int    // HTTP status
	Server  bool   // true for a Receiver (server) fault, false for Sender
	Message string
}

// Error formats the error like the SDK's typed errors do: "Code: message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Fault is "Sender" or "Receiver", as in the x-amzn-query-error header and Query XML errors.
func (e *Error) Fault() string {
	if e.Server {
		return "Receiver"
	}
	return "Sender"
}

// QueryErrorHeader is the value of the x-amzn-query-error header: "<Code>;<Fault>".
func (e *Error) QueryErrorHeader() string { return e.Code + ";" + e.Fault() }

// TypeName is the fully qualified JSON `__type` of the error.
func (e *Error) TypeName() string { return "com.amazonaws.sqs#" + e.Shape }

// APIError returns the value the SDK would decode from this error on the wire: the typed
// error from the SDK's own type registry (with ErrorCodeOverride set to the legacy code, as the
// awsQueryCompatible protocol does), or a *smithy.GenericAPIError for unmodelled shapes.
func (e *Error) APIError() error {
	fault := smithy.FaultClient
	if e.Server {
		fault = smithy.FaultServer
	}
	entry, ok := sqs.TypeRegistry.LookupEntry(e.TypeName())
	if !ok {
		return &smithy.GenericAPIError{Code: e.Code, Message: e.Message, Fault: fault}
	}
	typed := entry.New()
	setStringField(typed, "Message", e.Message)
	setStringField(typed, "ErrorCodeOverride", e.Code)
	if err, ok := typed.(error); ok {
		return err
	}
	return &smithy.GenericAPIError{Code: e.Code, Message: e.Message, Fault: fault}
}

// kind is one row of the table: the shape, its legacy code and its HTTP status.
type kind struct {
	shape  string
	code   string
	status int
	server bool
}

// The table, from the SDK's schemas (AWSQueryError and HTTPError traits) and AWS's recorded answers.
var (
	kBatchEntryIdsNotDistinct     = kind{"BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400, false}
	kBatchRequestTooLong          = kind{"BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400, false}
	kEmptyBatchRequest            = kind{"EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400, false}
	kInvalidAddress               = kind{"InvalidAddress", "InvalidAddress", 404, false}
	kInvalidAttributeName         = kind{"InvalidAttributeName", "InvalidAttributeName", 400, false}
	kInvalidAttributeValue        = kind{"InvalidAttributeValue", "InvalidAttributeValue", 400, false}
	kInvalidBatchEntryId          = kind{"InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400, false}
	kInvalidIdFormat              = kind{"InvalidIdFormat", "InvalidIdFormat", 400, false}
	kInvalidMessageContents       = kind{"InvalidMessageContents", "InvalidMessageContents", 400, false}
	kInvalidSecurity              = kind{"InvalidSecurity", "InvalidSecurity", 403, false}
	kKmsThrottled                 = kind{"KmsThrottled", "KMS.ThrottlingException", 400, false}
	kKmsAccessDenied              = kind{"KmsAccessDenied", "KMS.AccessDeniedException", 400, false}
	kKmsDisabled                  = kind{"KmsDisabled", "KMS.DisabledException", 400, false}
	kKmsInvalidKeyUsage           = kind{"KmsInvalidKeyUsage", "KMS.InvalidKeyUsageException", 400, false}
	kKmsInvalidState              = kind{"KmsInvalidState", "KMS.InvalidStateException", 400, false}
	kKmsNotFound                  = kind{"KmsNotFound", "KMS.NotFoundException", 400, false}
	kKmsOptInRequired             = kind{"KmsOptInRequired", "KMS.OptInRequired", 403, false}
	kMessageNotInflight           = kind{"MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", 400, false}
	kOverLimit                    = kind{"OverLimit", "OverLimit", 403, false}
	kPurgeQueueInProgress         = kind{"PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403, false}
	kQueueDeletedRecently         = kind{"QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", 400, false}
	kQueueDoesNotExist            = kind{"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400, false}
	kQueueNameExists              = kind{"QueueNameExists", "QueueAlreadyExists", 400, false}
	kReceiptHandleIsInvalid       = kind{"ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404, false}
	kRequestThrottled             = kind{"RequestThrottled", "RequestThrottled", 403, false}
	kResourceNotFound             = kind{"ResourceNotFoundException", "ResourceNotFoundException", 404, false}
	kTooManyEntriesInBatchRequest = kind{"TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, false}
	kUnsupportedOperation         = kind{"UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400, false}
	// Shapes the SDK does not model: they reach callers as *smithy.GenericAPIError.
	kInvalidParameterValue = kind{"InvalidParameterValueException", "InvalidParameterValue", 400, false}
	kMissingParameter      = kind{"MissingRequiredParameterException", "MissingParameter", 400, false}
	kInvalidAction         = kind{"UnknownOperationException", "InvalidAction", 400, false}
	kSerialization         = kind{"SerializationException", "SerializationException", 400, false}
	kMalformedQueryString  = kind{"MalformedQueryString", "MalformedQueryString", 400, false}
	kAccessDenied          = kind{"AccessDeniedException", "AccessDenied", 403, false}
	kThrottling            = kind{"ThrottlingException", "ThrottlingException", 400, false}
	kInvalidClientTokenID  = kind{"InvalidClientTokenId", "InvalidClientTokenId", 403, false}
	kSignatureDoesNotMatch = kind{"SignatureDoesNotMatch", "SignatureDoesNotMatch", 403, false}
	kIncompleteSignature   = kind{"IncompleteSignature", "IncompleteSignature", 400, false}
	kMissingAuthToken      = kind{"MissingAuthenticationTokenException", "MissingAuthenticationToken", 403, false}
	kRequestEntityTooLarge = kind{"RequestEntityTooLarge", "RequestEntityTooLarge", 413, false}
	kInternalError         = kind{"InternalError", "InternalError", 500, true}
	kServiceUnavailable    = kind{"ServiceUnavailable", "ServiceUnavailable", 503, true}
)

func (k kind) err(format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Shape: k.shape, Code: k.code, Status: k.status, Server: k.server, Message: msg}
}

// byCode finds a kind by its legacy code or shape name, for fault plans that name errors.
var byCode = map[string]kind{}

func init() {
	for _, k := range []kind{kBatchEntryIdsNotDistinct, kBatchRequestTooLong, kEmptyBatchRequest, kInvalidAddress,
		kInvalidAttributeName, kInvalidAttributeValue, kInvalidBatchEntryId, kInvalidIdFormat, kInvalidMessageContents,
		kInvalidSecurity, kKmsThrottled, kKmsAccessDenied, kKmsDisabled, kKmsInvalidKeyUsage, kKmsInvalidState,
		kKmsNotFound, kKmsOptInRequired, kMessageNotInflight, kOverLimit, kPurgeQueueInProgress, kQueueDeletedRecently,
		kQueueDoesNotExist, kQueueNameExists, kReceiptHandleIsInvalid, kRequestThrottled, kResourceNotFound,
		kTooManyEntriesInBatchRequest, kUnsupportedOperation, kInvalidParameterValue, kMissingParameter, kInvalidAction,
		kSerialization, kMalformedQueryString, kAccessDenied, kThrottling, kInvalidClientTokenID, kSignatureDoesNotMatch,
		kIncompleteSignature, kMissingAuthToken, kRequestEntityTooLarge, kInternalError, kServiceUnavailable} {
		byCode[k.code] = k
		byCode[k.shape] = k
		codes = append(codes, k.code)
	}
}

// codes lists every legacy code in the table, in table order.
var codes []string

// Codes lists the legacy code of every error in the table.
func Codes() []string { return append([]string(nil), codes...) }

// ByCode builds an error from a legacy code or a shape name ("RequestThrottled",
// "AWS.SimpleQueueService.NonExistentQueue", "InternalError", ...). An empty message takes SQS's
// usual wording. ok is false for an unknown code.
func ByCode(code, message string) (e *Error, ok bool) {
	k, ok := byCode[code]
	if !ok {
		return nil, false
	}
	if message == "" {
		message = defaultMessages[k.shape]
		if message == "" {
			message = http.StatusText(k.status)
		}
	}
	return k.err("%s", message), true
}

// defaultMessages are SQS's usual wording for errors raised without a message of their own
// (fault plans name errors by code).
var defaultMessages = map[string]string{
	"RequestThrottled":               "Request is throttled.",
	"ThrottlingException":            "Rate exceeded",
	"OverLimit":                      "The maximum number of in flight messages has been reached.",
	"KmsThrottled":                   "The request was denied due to request throttling.",
	"InternalError":                  "We encountered an internal error. Please try again.",
	"ServiceUnavailable":             "Service Unavailable",
	"QueueDoesNotExist":              "The specified queue does not exist.",
	"ReceiptHandleIsInvalid":         "The input receipt handle is invalid.",
	"PurgeQueueInProgress":           "Only one PurgeQueue operation on the queue is allowed every 60 seconds.",
	"InvalidMessageContents":         "Invalid characters found.",
	"InvalidParameterValueException": "Invalid parameter value.",
	"AccessDeniedException":          "Access to the resource is denied.",
	"InvalidSecurity":                "The request was not made over HTTPS or did not use SigV4 for signing.",
	"KmsAccessDenied":                "The caller doesn't have the required KMS access.",
	"KmsDisabled":                    "The KMS key is disabled.",
	"KmsNotFound":                    "The KMS key was not found.",
	"KmsOptInRequired":               "The request was rejected because the KMS key requires an opt-in.",
	"QueueDeletedRecently":           "You must wait 60 seconds after deleting a queue before you can create another queue with the same name.",
	"UnsupportedOperation":           "The operation is not supported.",
	"RequestEntityTooLarge":          "Request entity too large.",
}

// Constructors, one per SQS error, with SQS's own wording where it is fixed.

// QueueDoesNotExist is returned for any operation on a queue that does not exist.
func QueueDoesNotExist() *Error {
	return kQueueDoesNotExist.err("The specified queue does not exist.")
}

// QueueNameExists reports CreateQueue on an existing name with a different attribute value.
func QueueNameExists(attr string) *Error {
	return kQueueNameExists.err("A queue already exists with the same name and a different value for attribute %s", attr)
}

// QueueDeletedRecently reports CreateQueue within 60 seconds of deleting a queue of that name.
func QueueDeletedRecently() *Error {
	return kQueueDeletedRecently.err("You must wait 60 seconds after deleting a queue before you can create another with the same name.")
}

// InvalidParameterValue is SQS's generic validation error; msg is the whole message.
func InvalidParameterValue(msg string, args ...any) *Error {
	return kInvalidParameterValue.err(msg, args...)
}

// InvalidParameterValueFor formats SQS's "Value X for parameter P is invalid. Reason: R." message.
func InvalidParameterValueFor(value any, param, reason string) *Error {
	return kInvalidParameterValue.err("Value %v for parameter %s is invalid. Reason: %s", value, param, reason)
}

// MissingParameter reports a required parameter that is absent.
func MissingParameter(param string) *Error {
	return kMissingParameter.err("The request must contain the parameter %s.", param)
}

// InvalidAttributeName reports an unknown or misplaced attribute name; msg is the whole message.
func InvalidAttributeName(msg string, args ...any) *Error {
	return kInvalidAttributeName.err(msg, args...)
}

// UnknownAttribute reports an attribute name SQS does not know: "Unknown Attribute X.".
func UnknownAttribute(name string) *Error {
	return kInvalidAttributeName.err("Unknown Attribute %s.", name)
}

// InvalidAttributeValue reports a bad queue attribute value.
func InvalidAttributeValue(attr, reason string) *Error {
	if reason == "" {
		return kInvalidAttributeValue.err("Invalid value for the parameter %s.", attr)
	}
	return kInvalidAttributeValue.err("Invalid value for the parameter %s. Reason: %s", attr, reason)
}

// InvalidAttributeValueMsg reports a bad queue attribute value with a whole message.
func InvalidAttributeValueMsg(msg string, args ...any) *Error {
	return kInvalidAttributeValue.err(msg, args...)
}

// ReceiptHandleIsInvalid reports a receipt handle that is not one SQS issued.
func ReceiptHandleIsInvalid(handle string) *Error {
	return kReceiptHandleIsInvalid.err("The input receipt handle \"%s\" is not a valid receipt handle.", handle)
}

// ReceiptHandleOfOtherQueue reports a receipt handle SQS issued for another queue.
func ReceiptHandleOfOtherQueue(handle string) *Error {
	return kReceiptHandleIsInvalid.err("The receipt handle \"%s\" is not valid for this queue.", handle)
}

// ReceiptHandleIsInvalidMsg is ReceiptHandleIsInvalid with a whole message: SQS's answer for a
// batch entry whose receipt handle no longer applies, where a single call answers
// InvalidParameterValue.
func ReceiptHandleIsInvalidMsg(msg string) *Error {
	return kReceiptHandleIsInvalid.err("%s", msg)
}

// MessageNotInflight reports ChangeMessageVisibility on a message that is not in flight.
func MessageNotInflight() *Error {
	return kMessageNotInflight.err("Value for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.")
}

// InvalidMessageContents reports characters outside the allowed set.
func InvalidMessageContents(msg string, args ...any) *Error {
	return kInvalidMessageContents.err(msg, args...)
}

// PurgeQueueInProgress reports a second PurgeQueue within 60 seconds.
func PurgeQueueInProgress(queueName string) *Error {
	return kPurgeQueueInProgress.err("Only one PurgeQueue operation on %s is allowed every 60 seconds.", queueName)
}

// EmptyBatchRequest reports a batch with no entries.
func EmptyBatchRequest(prefix string) *Error {
	return kEmptyBatchRequest.err("There should be at least one %s in the request.", prefix)
}

// TooManyEntriesInBatchRequest reports a batch of more than 10 entries.
func TooManyEntriesInBatchRequest(n int) *Error {
	return kTooManyEntriesInBatchRequest.err("Maximum number of entries per request are 10. You have sent %d.", n)
}

// BatchEntryIdsNotDistinct reports two entries with one id.
func BatchEntryIdsNotDistinct(id string) *Error {
	return kBatchEntryIdsNotDistinct.err("Id %s repeated.", id)
}

// InvalidBatchEntryID reports an entry id with bad characters or length.
func InvalidBatchEntryID() *Error {
	return kInvalidBatchEntryId.err("A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
}

// BatchRequestTooLong reports a batch whose messages add up to more than the limit.
func BatchRequestTooLong(limit, sent int) *Error {
	return kBatchRequestTooLong.err("Batch requests cannot be longer than %d bytes. You have sent %d bytes.", limit, sent)
}

// ResourceNotFound reports a missing resource of a message move task.
func ResourceNotFound(msg string) *Error { return kResourceNotFound.err("%s", msg) }

// OverLimit reports an account or queue limit reached.
func OverLimit(msg string, args ...any) *Error { return kOverLimit.err(msg, args...) }

// UnsupportedOperation reports an operation the queue type does not support.
func UnsupportedOperation(msg string) *Error { return kUnsupportedOperation.err("%s", msg) }

// InvalidAction reports an unknown operation name.
func InvalidAction(action string) *Error {
	return kInvalidAction.err("The action %s is not valid for this endpoint.", action)
}

// Serialization reports a request body that could not be decoded.
func Serialization(msg string) *Error { return kSerialization.err("%s", msg) }

// MalformedQueryString reports a Query request that cannot be parsed.
func MalformedQueryString(msg string) *Error { return kMalformedQueryString.err("%s", msg) }

// InvalidAddress reports a queue URL that cannot be parsed.
func InvalidAddress(url string) *Error {
	return kInvalidAddress.err("The address %s is not valid for this endpoint.", url)
}

// InvalidIDFormat reports a malformed identifier.
func InvalidIDFormat(msg string) *Error { return kInvalidIdFormat.err("%s", msg) }

// InvalidSecurity reports a request that did not use HTTPS or SigV4 where required.
func InvalidSecurity(msg string) *Error { return kInvalidSecurity.err("%s", msg) }

// AccessDenied reports a request the queue policy does not allow.
func AccessDenied(msg string) *Error { return kAccessDenied.err("%s", msg) }

// RequestThrottled is SQS's throttling error (HTTP 403, retried by the SDK).
func RequestThrottled() *Error { return kRequestThrottled.err("Rate exceeded") }

// Throttling is the JSON-protocol ThrottlingException (retried by the SDK).
func Throttling() *Error { return kThrottling.err("Rate exceeded") }

// KmsThrottled is the KMS throttling error relayed by SQS (not retried by the SDK's default retryer).
func KmsThrottled() *Error {
	return kKmsThrottled.err("The request was denied due to request throttling.")
}

// InvalidClientTokenID reports an access key the server does not know.
func InvalidClientTokenID() *Error {
	return kInvalidClientTokenID.err("The security token included in the request is invalid.")
}

// SignatureDoesNotMatch reports a SigV4 signature that does not verify.
func SignatureDoesNotMatch() *Error {
	return kSignatureDoesNotMatch.err("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

// IncompleteSignature reports an Authorization header that is missing parts.
func IncompleteSignature(msg string) *Error { return kIncompleteSignature.err("%s", msg) }

// MissingAuthenticationToken reports a request with no credentials where they are required.
func MissingAuthenticationToken() *Error {
	return kMissingAuthToken.err("Request is missing Authentication Token")
}

// RequestEntityTooLarge reports an HTTP body over the server's limit.
func RequestEntityTooLarge(limit int64) *Error {
	return kRequestEntityTooLarge.err("Request body is larger than the limit of %d bytes.", limit)
}

// InternalError is a server-side failure (HTTP 500, retried by the SDK).
func InternalError() *Error {
	return kInternalError.err("We encountered an internal error. Please try again.")
}

// ServiceUnavailable is a transient unavailability (HTTP 503, retried by the SDK).
func ServiceUnavailable() *Error {
	return kServiceUnavailable.err("The request has failed due to a temporary failure of the server.")
}

// StatusText is a fallback reason phrase for a status, for front doors that print one.
func StatusText(status int) string { return http.StatusText(status) }

// setStringField sets a *string field of a typed SDK error by name, as the SDK's own
// awsQueryCompatible decoder does for ErrorCodeOverride.
func setStringField(v any, name, value string) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return
	}
	f := rv.Elem().FieldByName(name)
	if f.IsValid() && f.CanSet() && f.Type() == reflect.TypeFor[*string]() {
		f.Set(reflect.ValueOf(&value))
	}
}
