// Package msgattr flattens SQS and SNS message attributes into the strings a fault plan's
// message predicates match (faults.MessagePredicate.Attributes), in one way for every placement:
// the client middleware, the mock's operation-level decisions, its engine and its SNS.
package msgattr

import (
	"encoding/base64"

	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Strings returns each attribute's value as a string: the StringValue of a String or Number
// attribute (custom types included) as sent, and the standard base64 encoding (with padding) of
// a Binary attribute's BinaryValue, the text the AWS JSON protocol carries for it. An attribute
// with neither value is left out. It returns nil for no attributes.
func Strings(attrs map[string]types.MessageAttributeValue) map[string]string {
	return flatten(attrs, func(v types.MessageAttributeValue) (*string, []byte) { return v.StringValue, v.BinaryValue })
}

// SNSStrings is Strings for the attributes of an SNS publish.
func SNSStrings(attrs map[string]snstypes.MessageAttributeValue) map[string]string {
	return flatten(attrs, func(v snstypes.MessageAttributeValue) (*string, []byte) { return v.StringValue, v.BinaryValue })
}

func flatten[V any](attrs map[string]V, values func(V) (*string, []byte)) map[string]string {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]string, len(attrs))
	for name, v := range attrs {
		switch s, b := values(v); {
		case s != nil:
			out[name] = *s
		case b != nil:
			out[name] = base64.StdEncoding.EncodeToString(b)
		}
	}
	return out
}
