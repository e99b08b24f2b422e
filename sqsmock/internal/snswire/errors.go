package snswire

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/smithy-go"
	"github.com/sqsharness/sqsharness/internal/snserr"
)

// Fault types of the <Type> element.
const (
	faultSender   = "Sender"
	faultReceiver = "Receiver"
)

// faultNamespace is the namespace of the errors SNS's front end answers with before an
// operation is found (InvalidAction; recorded from SNS, ex-aws/ex_aws#177).
const faultNamespace = "http://webservices.amazon.com/AWSFault/2005-15-09"

// apiError is an error as it goes on the wire.
type apiError struct {
	code, message string
	status        int
	fault         string // faultSender or faultReceiver
	namespace     string // "" for SNS's
}

func (e *apiError) Error() string        { return e.code + ": " + e.message }
func (e *apiError) ErrorCode() string    { return e.code }
func (e *apiError) ErrorMessage() string { return e.message }
func (e *apiError) HTTPStatusCode() int  { return e.status }
func (e *apiError) ErrorFault() smithy.ErrorFault {
	if e.fault == faultReceiver {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

// missingAction answers a request without an Action (AWS's common error MissingAction, 400).
func missingAction() *apiError {
	return &apiError{code: "MissingAction", status: http.StatusBadRequest, fault: faultSender,
		message: "The request is missing an action or a required parameter."}
}

// invalidAction answers an action SNS does not have in the request's version, as SNS does
// ("Could not find operation publish for version 2010-03-31", ex-aws/ex_aws#177).
func invalidAction(action, version string) *apiError {
	return &apiError{code: "InvalidAction", status: http.StatusBadRequest, fault: faultSender, namespace: faultNamespace,
		message: fmt.Sprintf("Could not find operation %s for version %s", action, version)}
}

// notServed answers an SNS action this handler does not serve (SNS's own words for an operation
// it has but does not serve are "Operation (X) is not supported in this region").
func notServed(action string) *apiError {
	return &apiError{code: "InvalidAction", status: http.StatusBadRequest, fault: faultSender,
		message: fmt.Sprintf("Operation (%s) is not supported by sqsmock's SNS", action)}
}

// malformedQuery answers a form whose escapes do not decode (AWS's common error
// MalformedQueryString, HTTP 404).
func malformedQuery(err error) *apiError {
	return &apiError{code: "MalformedQueryString", status: http.StatusNotFound, fault: faultSender,
		message: "The query string contains a syntax error: " + err.Error()}
}

// tooLarge answers a body over MaxBodyBytes.
func tooLarge() *apiError {
	return &apiError{code: "RequestEntityTooLarge", status: http.StatusRequestEntityTooLarge, fault: faultSender,
		message: fmt.Sprintf("Request body must be at most %d bytes", MaxBodyBytes)}
}

// invalidValue answers a parameter whose value the protocol cannot decode (a boolean, an
// integer, base64), in SNS's words for invalid parameters.
func invalidValue(name, value, reason string) *apiError {
	if len(value) > 64 {
		value = value[:64] + "..."
	}
	return &apiError{code: "InvalidParameter", status: http.StatusBadRequest, fault: faultSender,
		message: fmt.Sprintf("Invalid parameter: %s Reason: %q %s", name, value, reason)}
}

// indexOutOfRange answers an X.member.N or X.entry.N parameter whose N exceeds maxIndex.
func indexOutOfRange(name string) *apiError {
	if len(name) > 128 {
		name = name[:128] + "..."
	}
	return &apiError{code: "InvalidParameter", status: http.StatusBadRequest, fault: faultSender,
		message: fmt.Sprintf("Invalid parameter: %s Reason: list and map indexes must be between 1 and %d", name, maxIndex)}
}

func internalError(msg string) *apiError {
	return &apiError{code: "InternalError", status: http.StatusInternalServerError, fault: faultReceiver, message: msg}
}

// toAPIError is how a backend error reaches the wire. The smithy.APIError in its chain gives the
// code and message; the HTTP status comes from an HTTPStatusCode method in the chain (as
// *awshttp.ResponseError has), else from SNS's model for the code, else 400 for a client fault
// and 500 otherwise. The SDK's client-side validation errors are ValidationError (400); any
// other error is an InternalError (500) carrying its text.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) && ae != nil {
		return ae
	}
	var api smithy.APIError
	if errors.As(err, &api) && api != nil {
		e := &apiError{code: api.ErrorCode(), message: api.ErrorMessage()}
		if e.code == "" {
			e.code = "InternalError"
		}
		var hs interface{ HTTPStatusCode() int }
		if errors.As(err, &hs) && hs.HTTPStatusCode() >= 400 {
			e.status = hs.HTTPStatusCode()
		}
		knownStatus, knownServer, known := snserr.Lookup(e.code)
		if e.status == 0 && known {
			e.status = knownStatus
		}
		switch fault := api.ErrorFault(); {
		case fault == smithy.FaultClient:
			e.fault = faultSender
		case fault == smithy.FaultServer:
			e.fault = faultReceiver
		case known && knownServer:
			e.fault = faultReceiver
		case known:
			e.fault = faultSender
		case e.status >= 500:
			e.fault = faultReceiver
		case e.status != 0:
			e.fault = faultSender
		default:
			e.fault = faultReceiver
		}
		if e.status == 0 {
			e.status = http.StatusInternalServerError
			if e.fault == faultSender {
				e.status = http.StatusBadRequest
			}
		}
		return e
	}
	var ipv smithy.InvalidParamsError
	var ipp *smithy.InvalidParamsError
	if errors.As(err, &ipp) || errors.As(err, &ipv) {
		return &apiError{code: "ValidationError", status: http.StatusBadRequest, fault: faultSender, message: err.Error()}
	}
	return internalError(err.Error())
}

// WriteError writes err as SNS's ErrorResponse (see toAPIError for its code, status and fault).
func WriteError(w http.ResponseWriter, reqID string, err error) {
	e := toAPIError(err)
	ns := e.namespace
	if ns == "" {
		ns = namespace
	}
	var b bytes.Buffer
	b.WriteString(`<ErrorResponse xmlns="` + ns + `">` + "\n")
	body := &xnode{name: "Error", kids: []*xnode{
		{name: "Type", text: e.fault, leaf: true},
		{name: "Code", text: e.code, leaf: true},
		{name: "Message", text: e.message, leaf: true},
	}}
	body.write(&b, 1)
	(&xnode{name: "RequestId", text: reqID, leaf: true}).write(&b, 1)
	b.WriteString("</ErrorResponse>\n")
	writeXML(w, e.status, b.Bytes())
}
