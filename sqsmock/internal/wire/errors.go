package wire

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"

	"github.com/sqsharness/sqsharness/internal/jsonstr"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// ToSQSError maps any error a backend returns to the SQS error it stands for:
//   - an *sqserr.Error (anywhere in the chain) is used as is;
//   - a smithy.InvalidParamsError (the SDK's client-side validation) becomes MissingParameter for
//     a missing field, InvalidParameterValue otherwise;
//   - a smithy.APIError (typed SDK errors, *smithy.GenericAPIError, possibly wrapped in
//     *smithy.OperationError and a response error carrying the HTTP status) keeps its shape,
//     legacy code, status and fault, from the SDK's schema or the sqserr table;
//   - anything else is an InternalError (HTTP 500) carrying the error text.
//
// It never returns nil for a non-nil error.
func ToSQSError(err error) *sqserr.Error {
	if err == nil {
		return nil
	}
	var se *sqserr.Error
	if errors.As(err, &se) && se != nil {
		return se
	}
	if e := fromInvalidParams(err); e != nil {
		return e
	}
	var api smithy.APIError
	if errors.As(err, &api) && api != nil {
		return fromAPIError(err, api)
	}
	e := sqserr.InternalError()
	e.Message = err.Error()
	return e
}

// fromInvalidParams maps the SDK's client-side validation errors.
func fromInvalidParams(err error) *sqserr.Error {
	var errs []error
	var pv smithy.InvalidParamsError
	var pp *smithy.InvalidParamsError
	switch {
	case errors.As(err, &pp) && pp != nil:
		errs = pp.Errs()
	case errors.As(err, &pv):
		errs = pv.Errs()
	default:
		return nil
	}
	if len(errs) == 0 {
		return sqserr.InvalidParameterValue("%s", err.Error())
	}
	first := errs[0]
	field := first.Error()
	if fe, ok := first.(interface{ Field() string }); ok {
		field = fe.Field()
		// Field is "<Op>Input.<path>"; SQS names the parameter without the Go context.
		if i := strings.IndexByte(field, '.'); i >= 0 && strings.HasSuffix(field[:i], "Input") {
			field = field[i+1:]
		}
	}
	var req *smithy.ParamRequiredError
	if errors.As(first, &req) {
		return sqserr.MissingParameter(field)
	}
	return sqserr.InvalidParameterValue("%s", first.Error())
}

// fromAPIError maps an SDK API error, typed or generic.
func fromAPIError(err error, api smithy.APIError) *sqserr.Error {
	code, msg := api.ErrorCode(), api.ErrorMessage()
	var e *sqserr.Error
	if s, ok := api.(smithy.Serializable); ok {
		// A typed SDK error: its schema has the shape name, legacy code and status.
		if schema := rootSchema(s); schema != nil && schema.ID().Name != "" {
			e = &sqserr.Error{Shape: schema.ID().Name, Code: schema.ID().Name, Status: http.StatusBadRequest, Message: msg}
			if qe, ok := smithy.SchemaTrait[*traits.AWSQueryError](schema); ok {
				e.Code, e.Status = qe.ErrorCode, qe.StatusCode
			} else if he, ok := smithy.SchemaTrait[*traits.HTTPError](schema); ok {
				e.Status = he.Code
			}
			if et, ok := smithy.SchemaTrait[*traits.Error](schema); ok && et.Type == "server" {
				e.Server = true
			}
		}
	}
	if e == nil {
		if known, ok := sqserr.ByCode(code, msg); ok {
			e = known
		} else {
			e = &sqserr.Error{Shape: code, Code: code, Status: http.StatusBadRequest, Message: msg}
			if api.ErrorFault() == smithy.FaultServer {
				e.Status, e.Server = http.StatusInternalServerError, true
			}
		}
	}
	// A response error knows the status the service actually sent.
	var hs interface{ HTTPStatusCode() int }
	if errors.As(err, &hs) {
		if st := hs.HTTPStatusCode(); st >= 400 && st <= 599 {
			e.Status = st
		}
	}
	switch api.ErrorFault() {
	case smithy.FaultServer:
		e.Server = true
	case smithy.FaultClient:
		e.Server = false
	}
	if e.Code == "" {
		e.Code = e.Shape
	}
	if e.Shape == "" {
		e.Shape = e.Code
	}
	return e
}

// writeJSONError writes an error as the AWS JSON 1.0 protocol of SQS does.
func writeJSONError(w http.ResponseWriter, err error) {
	e := ToSQSError(err)
	var b bytes.Buffer
	b.WriteString(`{"__type":`)
	jsonstr.Append(&b, e.TypeName(), true)
	b.WriteString(`,"message":`)
	jsonstr.Append(&b, e.Message, true)
	b.WriteString("}")
	h := w.Header()
	h.Set("Content-Type", jsonContentType)
	h.Set("x-amzn-query-error", e.QueryErrorHeader())
	w.WriteHeader(e.Status)
	_, _ = w.Write(b.Bytes())
}

// writeQueryError writes an error as the Query protocol of SQS does: an XML ErrorResponse, or its
// JSON form when the request asks for JSON.
func writeQueryError(w http.ResponseWriter, r *http.Request, reqID string, err error) {
	e := ToSQSError(err)
	msg := e.Message
	if e.Code == sqserr.QueueDoesNotExist().Code && msg == sqserr.QueueDoesNotExist().Message {
		// The Query API words this one differently (recorded against AWS).
		msg = "The specified queue does not exist for this wsdl version."
	}
	if wantsJSON(r) {
		writeQueryJSONError(w, e.Status, reqID, e.Fault(), e.Code, msg)
		return
	}
	var b bytes.Buffer
	b.WriteString(xmlDecl)
	b.WriteString(`<ErrorResponse xmlns="` + queryNamespace + `"><Error><Type>`)
	escapeXML(&b, e.Fault())
	b.WriteString("</Type><Code>")
	escapeXML(&b, e.Code)
	b.WriteString("</Code><Message>")
	escapeXML(&b, msg)
	b.WriteString("</Message><Detail/></Error><RequestId>")
	escapeXML(&b, reqID)
	b.WriteString("</RequestId></ErrorResponse>")
	w.Header().Set("Content-Type", xmlContentType)
	w.WriteHeader(e.Status)
	_, _ = w.Write(b.Bytes())
}
