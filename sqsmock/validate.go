package sqsmock

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// requiredMembers lists each operation's required members, as the SDK's generated validators
// check them before a request is sent (service/sqs/validators.go).
var requiredMembers = map[string][]string{
	"AddPermission":                {"QueueUrl", "Label", "AWSAccountIds", "Actions"},
	"CancelMessageMoveTask":        {"TaskHandle"},
	"ChangeMessageVisibility":      {"QueueUrl", "ReceiptHandle"},
	"ChangeMessageVisibilityBatch": {"QueueUrl", "Entries"},
	"CreateQueue":                  {"QueueName"},
	"DeleteMessage":                {"QueueUrl", "ReceiptHandle"},
	"DeleteMessageBatch":           {"QueueUrl", "Entries"},
	"DeleteQueue":                  {"QueueUrl"},
	"GetQueueAttributes":           {"QueueUrl"},
	"GetQueueUrl":                  {"QueueName"},
	"ListDeadLetterSourceQueues":   {"QueueUrl"},
	"ListMessageMoveTasks":         {"SourceArn"},
	"ListQueueTags":                {"QueueUrl"},
	"ListQueues":                   nil,
	"PurgeQueue":                   {"QueueUrl"},
	"ReceiveMessage":               {"QueueUrl"},
	"RemovePermission":             {"QueueUrl", "Label"},
	"SendMessage":                  {"QueueUrl", "MessageBody"},
	"SendMessageBatch":             {"QueueUrl", "Entries"},
	"SetQueueAttributes":           {"QueueUrl", "Attributes"},
	"StartMessageMoveTask":         {"SourceArn"},
	"TagQueue":                     {"QueueUrl", "Tags"},
	"UntagQueue":                   {"QueueUrl", "TagKeys"},
}

// entryMembers are the required members of batch entries, with the SDK's context names.
var entryMembers = map[string]struct {
	list, entry string
	required    []string
}{
	"SendMessageBatch":             {"SendMessageBatchRequestEntryList", "SendMessageBatchRequestEntry", []string{"Id", "MessageBody"}},
	"DeleteMessageBatch":           {"DeleteMessageBatchRequestEntryList", "DeleteMessageBatchRequestEntry", []string{"Id", "ReceiptHandle"}},
	"ChangeMessageVisibilityBatch": {"ChangeMessageVisibilityBatchRequestEntryList", "ChangeMessageVisibilityBatchRequestEntry", []string{"Id", "ReceiptHandle"}},
}

// validateInput returns the smithy.InvalidParamsError the SDK would return for in, or nil.
func validateInput(op string, in any) error {
	if surelyValid(in) {
		return nil
	}
	return checkInput(op, in)
}

// surelyValid reports, without allocating, that an input of the operations a consumer calls
// most has every member checkInput requires. False means checkInput must decide.
func surelyValid(in any) bool {
	switch v := in.(type) {
	case *sqs.SendMessageInput:
		return v.QueueUrl != nil && v.MessageBody != nil && typedAttributes(v.MessageAttributes, v.MessageSystemAttributes)
	case *sqs.ReceiveMessageInput:
		return v.QueueUrl != nil
	case *sqs.DeleteMessageInput:
		return v.QueueUrl != nil && v.ReceiptHandle != nil
	case *sqs.ChangeMessageVisibilityInput:
		return v.QueueUrl != nil && v.ReceiptHandle != nil
	case *sqs.GetQueueAttributesInput:
		return v.QueueUrl != nil
	case *sqs.SendMessageBatchInput:
		if v.QueueUrl == nil || v.Entries == nil {
			return false
		}
		for _, e := range v.Entries {
			if e.Id == nil || e.MessageBody == nil || !typedAttributes(e.MessageAttributes, e.MessageSystemAttributes) {
				return false
			}
		}
		return true
	case *sqs.DeleteMessageBatchInput:
		if v.QueueUrl == nil || v.Entries == nil {
			return false
		}
		for _, e := range v.Entries {
			if e.Id == nil || e.ReceiptHandle == nil {
				return false
			}
		}
		return true
	case *sqs.ChangeMessageVisibilityBatchInput:
		if v.QueueUrl == nil || v.Entries == nil {
			return false
		}
		for _, e := range v.Entries {
			if e.Id == nil || e.ReceiptHandle == nil {
				return false
			}
		}
		return true
	}
	return false
}

// typedAttributes reports whether every message and message system attribute has a DataType.
func typedAttributes(attrs map[string]types.MessageAttributeValue, sys map[string]types.MessageSystemAttributeValue) bool {
	for _, a := range attrs {
		if a.DataType == nil {
			return false
		}
	}
	for _, a := range sys {
		if a.DataType == nil {
			return false
		}
	}
	return true
}

// checkInput is validateInput for any input, by reflection.
func checkInput(op string, in any) error {
	v := reflect.ValueOf(in).Elem()
	errs := smithy.InvalidParamsError{Context: op + "Input"}
	for _, name := range requiredMembers[op] {
		if isNil(v.FieldByName(name)) {
			errs.Add(smithy.NewErrParamRequired(name))
		}
	}
	checkAttributeMaps(v, &errs)
	if spec, ok := entryMembers[op]; ok {
		if list := v.FieldByName("Entries"); !isNil(list) {
			listErrs := smithy.InvalidParamsError{Context: spec.list}
			for i := 0; i < list.Len(); i++ {
				entry := list.Index(i)
				entryErrs := smithy.InvalidParamsError{Context: spec.entry}
				for _, name := range spec.required {
					if isNil(entry.FieldByName(name)) {
						entryErrs.Add(smithy.NewErrParamRequired(name))
					}
				}
				checkAttributeMaps(entry, &entryErrs)
				if entryErrs.Len() > 0 {
					listErrs.AddNested(fmt.Sprintf("[%d]", i), entryErrs)
				}
			}
			if listErrs.Len() > 0 {
				errs.AddNested("Entries", listErrs)
			}
		}
	}
	if errs.Len() > 0 {
		return errs
	}
	return nil
}

// checkAttributeMaps requires DataType on every message and message system attribute.
func checkAttributeMaps(v reflect.Value, errs *smithy.InvalidParamsError) {
	for _, spec := range []struct{ field, mapCtx, valueCtx string }{
		{"MessageAttributes", "MessageBodyAttributeMap", "MessageAttributeValue"},
		{"MessageSystemAttributes", "MessageBodySystemAttributeMap", "MessageSystemAttributeValue"},
	} {
		m := v.FieldByName(spec.field)
		if !m.IsValid() || m.Kind() != reflect.Map || m.IsNil() {
			continue
		}
		keys := make([]string, 0, m.Len())
		for _, k := range m.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		mapErrs := smithy.InvalidParamsError{Context: spec.mapCtx}
		for _, k := range keys {
			if isNil(m.MapIndex(reflect.ValueOf(k)).FieldByName("DataType")) {
				valErrs := smithy.InvalidParamsError{Context: spec.valueCtx}
				valErrs.Add(smithy.NewErrParamRequired("DataType"))
				mapErrs.AddNested(fmt.Sprintf("[%q]", k), valErrs)
			}
		}
		if mapErrs.Len() > 0 {
			errs.AddNested(spec.field, mapErrs)
		}
	}
}

func isNil(f reflect.Value) bool {
	if !f.IsValid() {
		return false
	}
	switch f.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return f.IsNil()
	}
	return false
}
