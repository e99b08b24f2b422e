// Package msgattr flattens SQS message attributes into the strings a fault plan's message
// predicates match (faults.MessagePredicate.Attributes), in one way for every placement: the
// client middleware, the mock's operation-level decisions and its engine.
package msgattr

import (
	"encoding/base64"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Strings returns each attribute's value as a string: the StringValue of a String or Number
// attribute (custom types included) as sent, and the standard base64 encoding (with padding) of
// a Binary attribute's BinaryValue, the text the AWS JSON protocol carries for it. An attribute
// with neither value is left out. It returns nil for no attributes.
func Strings(attrs map[string]types.MessageAttributeValue) map[string]string {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]string, len(attrs))
	for name, v := range attrs {
		switch {
		case v.StringValue != nil:
			out[name] = *v.StringValue
		case v.BinaryValue != nil:
			out[name] = base64.StdEncoding.EncodeToString(v.BinaryValue)
		}
	}
	return out
}
