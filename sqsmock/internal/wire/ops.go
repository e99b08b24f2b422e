package wire

import (
	"context"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"

	"github.com/sqsharness/sqsharness/sqsmock/internal/sqsapi"
)

// operation is one SQS operation: how to make its input, its input schema, and how to call it.
type operation struct {
	name      string
	inputType reflect.Type   // the SDK input struct type, e.g. sqs.SendMessageInput
	schema    *smithy.Schema // the input structure's schema, e.g. schemas.SendMessageRequest
	// call invokes the backend with in (a pointer to inputType) and returns the output.
	call func(ctx context.Context, b sqsapi.API, in any) (smithy.Serializable, error)
}

// newInput returns a pointer to a zero input.
func (o *operation) newInput() reflect.Value { return reflect.New(o.inputType) }

// op builds an operation from a method expression of sqsapi.API.
func op[I, O any](name string, m func(sqsapi.API, context.Context, *I, ...func(*sqs.Options)) (*O, error)) *operation {
	return &operation{
		name:      name,
		inputType: reflect.TypeFor[I](),
		schema:    rootSchema(any(new(I)).(smithy.Serializable)),
		call: func(ctx context.Context, b sqsapi.API, in any) (smithy.Serializable, error) {
			out, err := m(b, ctx, in.(*I))
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = new(O)
			}
			return any(out).(smithy.Serializable), nil
		},
	}
}

// operations maps every operation name of sqsapi.API to its entry.
var operations = func() map[string]*operation {
	list := []*operation{
		op("AddPermission", sqsapi.API.AddPermission),
		op("CancelMessageMoveTask", sqsapi.API.CancelMessageMoveTask),
		op("ChangeMessageVisibility", sqsapi.API.ChangeMessageVisibility),
		op("ChangeMessageVisibilityBatch", sqsapi.API.ChangeMessageVisibilityBatch),
		op("CreateQueue", sqsapi.API.CreateQueue),
		op("DeleteMessage", sqsapi.API.DeleteMessage),
		op("DeleteMessageBatch", sqsapi.API.DeleteMessageBatch),
		op("DeleteQueue", sqsapi.API.DeleteQueue),
		op("GetQueueAttributes", sqsapi.API.GetQueueAttributes),
		op("GetQueueUrl", sqsapi.API.GetQueueUrl),
		op("ListDeadLetterSourceQueues", sqsapi.API.ListDeadLetterSourceQueues),
		op("ListMessageMoveTasks", sqsapi.API.ListMessageMoveTasks),
		op("ListQueueTags", sqsapi.API.ListQueueTags),
		op("ListQueues", sqsapi.API.ListQueues),
		op("PurgeQueue", sqsapi.API.PurgeQueue),
		op("ReceiveMessage", sqsapi.API.ReceiveMessage),
		op("RemovePermission", sqsapi.API.RemovePermission),
		op("SendMessage", sqsapi.API.SendMessage),
		op("SendMessageBatch", sqsapi.API.SendMessageBatch),
		op("SetQueueAttributes", sqsapi.API.SetQueueAttributes),
		op("StartMessageMoveTask", sqsapi.API.StartMessageMoveTask),
		op("TagQueue", sqsapi.API.TagQueue),
		op("UntagQueue", sqsapi.API.UntagQueue),
	}
	m := make(map[string]*operation, len(list))
	for _, o := range list {
		m[o.name] = o
	}
	return m
}()

// Operations lists the names of the operations the handler serves, sorted.
func Operations() []string {
	names := make([]string, 0, len(operations))
	for n := range operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// requiredScalars are required members whose Go type cannot be absent (a plain int32): the
// wire layer reports them missing itself, because the backend would only see a zero.
var requiredScalars = map[string][]string{
	"ChangeMessageVisibility": {"VisibilityTimeout"},
}

// rootSchema finds the schema of a structure by letting it serialize itself.
func rootSchema(v smithy.Serializable) *smithy.Schema {
	var p schemaProbe
	v.Serialize(&p)
	return p.root
}

// schemaProbe is a ShapeSerializer that only records the first structure schema written.
type schemaProbe struct{ root *smithy.Schema }

func (p *schemaProbe) WriteStruct(s *smithy.Schema) {
	if p.root == nil {
		p.root = s
	}
}
func (p *schemaProbe) Bytes() []byte                                { return nil }
func (p *schemaProbe) WriteInt8(*smithy.Schema, int8)               {}
func (p *schemaProbe) WriteInt16(*smithy.Schema, int16)             {}
func (p *schemaProbe) WriteInt32(*smithy.Schema, int32)             {}
func (p *schemaProbe) WriteInt64(*smithy.Schema, int64)             {}
func (p *schemaProbe) WriteFloat32(*smithy.Schema, float32)         {}
func (p *schemaProbe) WriteFloat64(*smithy.Schema, float64)         {}
func (p *schemaProbe) WriteBool(*smithy.Schema, bool)               {}
func (p *schemaProbe) WriteString(*smithy.Schema, string)           {}
func (p *schemaProbe) WriteBigInt(*smithy.Schema, *big.Int)         {}
func (p *schemaProbe) WriteBigFloat(*smithy.Schema, *big.Float)     {}
func (p *schemaProbe) WriteBlob(*smithy.Schema, []byte)             {}
func (p *schemaProbe) WriteTime(*smithy.Schema, time.Time)          {}
func (p *schemaProbe) WriteUnion(_, _ *smithy.Schema)               {}
func (p *schemaProbe) CloseUnion()                                  {}
func (p *schemaProbe) WriteDocument(*smithy.Schema, document.Value) {}
func (p *schemaProbe) WriteNil(*smithy.Schema)                      {}
func (p *schemaProbe) CloseStruct()                                 {}
func (p *schemaProbe) WriteList(*smithy.Schema)                     {}
func (p *schemaProbe) CloseList()                                   {}
func (p *schemaProbe) WriteMap(*smithy.Schema)                      {}
func (p *schemaProbe) WriteKey(*smithy.Schema, string)              {}
func (p *schemaProbe) CloseMap()                                    {}

var (
	fieldCacheMu sync.RWMutex
	fieldCache   = map[reflect.Type][]reflect.StructField{}
)

// fieldsOf maps the exported field names of a struct type to their indexes; SDK field names are
// the service's member names.
func fieldsOf(t reflect.Type) []reflect.StructField {
	fieldCacheMu.RLock()
	f, ok := fieldCache[t]
	fieldCacheMu.RUnlock()
	if ok {
		return f
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.IsExported() && sf.Name != "ResultMetadata" {
			f = append(f, sf)
		}
	}
	fieldCacheMu.Lock()
	fieldCache[t] = f
	fieldCacheMu.Unlock()
	return f
}

// memberFor finds the schema member of a Go field. The SDK names fields after members, in Go
// case: "QueueUrl" is member "QueueUrl", but CreateQueue's Tags is member "tags".
func memberFor(schema *smithy.Schema, field string) *smithy.Schema {
	if schema == nil {
		return nil
	}
	if m := schema.Member(field); m != nil {
		return m
	}
	for name, m := range schema.Members() {
		if strings.EqualFold(name, field) {
			return m
		}
	}
	return nil
}
