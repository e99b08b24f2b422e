// Package snserr is the table of SNS's error codes: each code's HTTP status and fault, read from
// the awsQueryError traits of aws-sdk-go-v2's SNS model (plus the two SNS answers with that the
// SDK does not model: Throttling, when a rate is exceeded, and ServiceUnavailable), the value
// *sns.Client decodes from it, and the usual message a fault plan injects. The messages are not
// recorded against AWS; a rule can give its own.
package snserr

import (
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// kind is one SNS error: its HTTP status, whether it is a server fault, and its entry in the
// SDK's type registry (nil when the SDK does not model it).
type kind struct {
	status int
	server bool
	entry  *smithy.TypeRegistryEntry
}

// kinds are SNS's errors by code.
var kinds = func() map[string]kind {
	m := map[string]kind{
		"Throttling":         {status: 400},
		"ServiceUnavailable": {status: 503, server: true},
	}
	for _, e := range sns.TypeRegistry.Entries {
		t, ok := smithy.SchemaTrait[*traits.AWSQueryError](e.Schema)
		if !ok {
			continue
		}
		et, _ := smithy.SchemaTrait[*traits.Error](e.Schema)
		m[t.ErrorCode] = kind{status: t.StatusCode, server: et != nil && et.Type == "server", entry: e}
	}
	return m
}()

// messages are the usual messages of the codes a test most often injects.
var messages = map[string]string{
	"Throttling":         "Rate exceeded",
	"Throttled":          "Rate exceeded",
	"InternalError":      "Internal Error",
	"ServiceUnavailable": "Service Unavailable",
	"KMSThrottling":      "The request was denied due to request throttling by AWS KMS.",
	"AuthorizationError": "User is not authorized to perform this action.",
	"NotFound":           "Topic does not exist",
}

// Codes lists SNS's error codes, sorted.
func Codes() []string {
	out := make([]string, 0, len(kinds))
	for c := range kinds {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Lookup returns the code's HTTP status and whether it is a server fault; ok is false for a code
// SNS does not have.
func Lookup(code string) (status int, server, ok bool) {
	k, ok := kinds[code]
	return k.status, k.server, ok
}

// Message returns the code's usual message: its own, else "Injected <code>".
func Message(code string) string {
	if m, ok := messages[code]; ok {
		return m
	}
	return "Injected " + code
}

// APIError is the error *sns.Client returns for the code and message: the SDK's typed error, or
// a *smithy.GenericAPIError for a code it does not model. An empty message takes the usual one.
func APIError(code, message string) smithy.APIError {
	if message == "" {
		message = Message(code)
	}
	k := kinds[code]
	if k.entry != nil {
		typed := k.entry.New()
		if v := reflect.ValueOf(typed); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			if f := v.Elem().FieldByName("Message"); f.IsValid() && f.CanSet() && f.Type() == reflect.TypeFor[*string]() {
				f.Set(reflect.ValueOf(&message))
			}
		}
		if api, ok := typed.(smithy.APIError); ok && api.ErrorCode() == code {
			return api
		}
	}
	fault := smithy.FaultClient
	if k.server {
		fault = smithy.FaultServer
	}
	return &smithy.GenericAPIError{Code: code, Message: message, Fault: fault}
}
