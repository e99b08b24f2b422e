// Package snserr is the table of SNS errors a fault plan may inject into the mock's SNS: each
// code with its HTTP status, its fault and a usual message, and the value aws-sdk-go-v2's
// *sns.Client decodes from it (the SDK's typed error, or a *smithy.GenericAPIError for codes SNS
// does not model, such as the Throttling SNS answers when a rate is exceeded). The messages are
// not recorded against AWS; a rule can give its own.
package snserr

import (
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"
)

// kind is one SNS error: its HTTP status, whether it is a server fault, its usual message and
// its shape in the SDK's type registry ("" when the SDK does not model it).
type kind struct {
	status  int
	server  bool
	message string
	shape   string
}

// kinds are the errors SNS answers calls with that a test may want to inject, by code.
var kinds = map[string]kind{
	"Throttling":                {400, false, "Rate exceeded", ""},
	"Throttled":                 {429, false, "Rate exceeded", "ThrottledException"},
	"InternalError":             {500, true, "Internal Error", "InternalErrorException"},
	"ServiceUnavailable":        {503, true, "Service Unavailable", ""},
	"KMSThrottling":             {400, false, "The request was denied due to request throttling by AWS KMS.", "KMSThrottlingException"},
	"KMSAccessDenied":           {400, false, "The ciphertext references a key that doesn't exist or that you don't have access to.", "KMSAccessDeniedException"},
	"KMSDisabled":               {400, false, "The request was rejected because the specified AWS KMS key isn't enabled.", "KMSDisabledException"},
	"KMSInvalidState":           {400, false, "The request was rejected because the state of the specified resource isn't valid for this request.", "KMSInvalidStateException"},
	"KMSNotFound":               {400, false, "The request was rejected because the specified entity or resource can't be found.", "KMSNotFoundException"},
	"KMSOptInRequired":          {403, false, "The AWS access key ID needs a subscription for the service.", "KMSOptInRequired"},
	"AuthorizationError":        {403, false, "User is not authorized to perform this action.", "AuthorizationErrorException"},
	"InvalidSecurity":           {403, false, "The credential signature isn't valid.", "InvalidSecurityException"},
	"NotFound":                  {404, false, "Topic does not exist", "NotFoundException"},
	"InvalidParameter":          {400, false, "Invalid parameter", "InvalidParameterException"},
	"ParameterValueInvalid":     {400, false, "Invalid parameter value", "InvalidParameterValueException"},
	"ConcurrentAccess":          {400, false, "Can't perform multiple operations on a tag simultaneously.", "ConcurrentAccessException"},
	"SubscriptionLimitExceeded": {403, false, "Subscription limit exceeded", "SubscriptionLimitExceededException"},
	"TopicLimitExceeded":        {403, false, "Topic limit exceeded", "TopicLimitExceededException"},
	"FilterPolicyLimitExceeded": {403, false, "Filter policy limit exceeded", "FilterPolicyLimitExceededException"},
}

// Codes lists the codes of the table, sorted.
func Codes() []string {
	out := make([]string, 0, len(kinds))
	for c := range kinds {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Known reports whether SNS has the error code.
func Known(code string) bool {
	_, ok := kinds[code]
	return ok
}

// Status returns the code's HTTP status and whether it is a server fault (400 and false for an
// unknown code).
func Status(code string) (status int, server bool) {
	k, ok := kinds[code]
	if !ok {
		return 400, false
	}
	return k.status, k.server
}

// Message returns the code's usual message ("" for an unknown code).
func Message(code string) string { return kinds[code].message }

// APIError is the error *sns.Client returns for the code and message: the SDK's typed error, or
// a *smithy.GenericAPIError for a code it does not model. An empty message takes the usual one.
func APIError(code, message string) smithy.APIError {
	k, known := kinds[code]
	if message == "" {
		message = k.message
	}
	fault := smithy.FaultClient
	if k.server {
		fault = smithy.FaultServer
	}
	if known && k.shape != "" {
		if entry, ok := sns.TypeRegistry.LookupEntry("com.amazonaws.sns#" + k.shape); ok {
			typed := entry.New()
			if f := reflect.ValueOf(typed); f.Kind() == reflect.Pointer && f.Elem().Kind() == reflect.Struct {
				if m := f.Elem().FieldByName("Message"); m.IsValid() && m.CanSet() && m.Type() == reflect.TypeFor[*string]() {
					m.Set(reflect.ValueOf(&message))
				}
			}
			if api, ok := typed.(smithy.APIError); ok && strings.EqualFold(api.ErrorCode(), code) {
				return api
			}
		}
	}
	return &smithy.GenericAPIError{Code: code, Message: message, Fault: fault}
}
