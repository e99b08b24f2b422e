package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs/schemas"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
)

// The Query protocol answers in JSON when the request's Accept header asks for application/json
// (LocalStack's AWS-validated TestSqsQueryApi::test_get_list_queues_with_query_auth). The JSON is
// SQS's own rendering of the Query result, not the AWS JSON 1.0 protocol:
//
//	{"ListQueuesResponse":{"ListQueuesResult":{"NextExclusiveStartQueueName":null,"NextToken":null,
//	 "queueUrls":null},"ResponseMetadata":{"RequestId":"a85e390b-..."}}}
//	{"Error":{"Code":"AccessDenied","Message":"Access to the resource ... is denied.","Type":"Sender"},
//	 "RequestId":"e5c86bb5-..."}
//
// Both shapes are answers of real SQS kept in public repositories (an SDK's test recorded from
// AWS; API Gateway execution logs of SQS integrations, which show SendMessageResponse and
// ReceiveMessageResponse the same way, and the error). From them: keys sorted, every member of a
// result present with null when absent, empty lists null, member names as in SQS's own model
// (ListQueues' "queueUrls" and ReceiveMessage's "messages" are lower case; SendMessage and the
// Message members are as in the public model), Content-Type application/json, and errors as
// Error{Code,Message,Type} beside RequestId with the Query error codes and HTTP statuses. Lists
// of other operations keep their public member names, and maps (queue and message attributes,
// tags) are lists of Name/Value (Key/Value) objects as in the XML, the way LocalStack's test
// test_get_queue_attributes_json_format reads GetQueueAttributes: those parts are inferred.
const queryJSONContentType = "application/json"

// queryJSONNames are the members SQS names differently in JSON than in the public model.
var queryJSONNames = map[*smithy.Schema]string{
	schemas.ListQueuesResult_QueueUrls:    "queueUrls",
	schemas.ReceiveMessageResult_Messages: "messages",
}

// queryJSONExtra are members of SQS's own model that its JSON carries (always null) and the public
// model does not have.
var queryJSONExtra = map[*smithy.Schema][]string{
	schemas.ListQueuesResult: {"NextExclusiveStartQueueName"},
}

// wantsJSON reports whether a Query request asks for a JSON answer: its Accept header rates
// application/json above the XML types (an equal rating goes to the one listed first; */* and
// no Accept header mean XML, the default).
func wantsJSON(r *http.Request) bool {
	qJSON, qXML := -1.0, -1.0
	posJSON, posXML := 0, 0
	pos := 0
	for _, h := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(h, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			pos++
			q := 1.0
			if v, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
			switch mt {
			case "application/json":
				if q > qJSON {
					qJSON, posJSON = q, pos
				}
			case "text/xml", "application/xml":
				if q > qXML {
					qXML, posXML = q, pos
				}
			}
		}
	}
	return qJSON > 0 && (qJSON > qXML || (qJSON == qXML && posJSON < posXML))
}

// writeQueryJSON writes a successful Query answer in JSON.
func writeQueryJSON(w http.ResponseWriter, action, reqID string, out smithy.Serializable) {
	s := &queryJSONSerializer{}
	out.Serialize(s)
	resp := map[string]any{"ResponseMetadata": map[string]any{"RequestId": reqID}}
	if !s.unit {
		result, _ := s.root.(map[string]any)
		if result == nil {
			result = map[string]any{}
		}
		resp[action+"Result"] = result
	}
	writeJSONDoc(w, http.StatusOK, map[string]any{action + "Response": resp})
}

// writeQueryJSONError writes a Query error in JSON.
func writeQueryJSONError(w http.ResponseWriter, status int, reqID, typ, code, msg string) {
	writeJSONDoc(w, status, map[string]any{
		"Error":     map[string]any{"Type": typ, "Code": code, "Message": msg},
		"RequestId": reqID,
	})
}

// writeJSONDoc writes doc (maps, slices and scalars) as JSON with sorted keys.
func writeJSONDoc(w http.ResponseWriter, status int, doc any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		// Only plain values go in; keep the answer JSON even so.
		b.Reset()
		b.WriteString(`{"Error":{"Code":"InternalError","Message":"","Type":"Receiver"}}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", queryJSONContentType)
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// queryJSONSerializer is a smithy.ShapeSerializer building a Query result as JSON values: every
// structure has all its members (null when absent), empty lists and maps are null, maps are lists
// of key/value objects named as in the XML.
type queryJSONSerializer struct {
	stack []*qjFrame
	root  any
	unit  bool // the output has no structure (no <Op>Result)
}

type qjFrame struct {
	kind   byte // 's' structure, 'l' list, 'm' map
	schema *smithy.Schema
	obj    map[string]any
	items  []any
	key    string // map: the key of the entry being written
	keyN   string // map: key and value names of the entries
	valN   string
	keys   []string // map: entry keys, to sort entries
}

// jsonMemberName is a member's name in SQS's JSON.
func jsonMemberName(m *smithy.Schema) string {
	if n, ok := queryJSONNames[m]; ok {
		return n
	}
	return m.MemberName()
}

// put attaches a finished value to the enclosing container, or makes it the root.
func (s *queryJSONSerializer) put(m *smithy.Schema, v any) {
	if len(s.stack) == 0 {
		s.root = v
		return
	}
	f := s.stack[len(s.stack)-1]
	switch f.kind {
	case 's':
		if m != nil {
			f.obj[jsonMemberName(m)] = v
		}
	case 'l':
		f.items = append(f.items, v)
	case 'm':
		f.items = append(f.items, map[string]any{f.keyN: f.key, f.valN: v})
		f.keys = append(f.keys, f.key)
	}
}

func (s *queryJSONSerializer) push(f *qjFrame) { s.stack = append(s.stack, f) }

func (s *queryJSONSerializer) pop() *qjFrame {
	f := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	return f
}

func (s *queryJSONSerializer) WriteStruct(m *smithy.Schema) {
	if len(s.stack) == 0 && m == nil {
		s.unit = true
	}
	obj := map[string]any{}
	if m != nil {
		for _, mem := range m.Members() {
			obj[jsonMemberName(mem)] = nil
		}
		for _, n := range queryJSONExtra[m] {
			obj[n] = nil
		}
	}
	s.push(&qjFrame{kind: 's', schema: m, obj: obj})
}

func (s *queryJSONSerializer) CloseStruct() {
	f := s.pop()
	s.put(f.schema, f.obj)
}

func (s *queryJSONSerializer) WriteList(m *smithy.Schema) { s.push(&qjFrame{kind: 'l', schema: m}) }

func (s *queryJSONSerializer) CloseList() {
	f := s.pop()
	if len(f.items) == 0 {
		s.put(f.schema, nil)
		return
	}
	s.put(f.schema, f.items)
}

func (s *queryJSONSerializer) WriteMap(m *smithy.Schema) {
	s.push(&qjFrame{kind: 'm', schema: m, keyN: queryName(m.MapKey(), "key"), valN: queryName(m.MapValue(), "value")})
}

func (s *queryJSONSerializer) WriteKey(_ *smithy.Schema, k string) { s.stack[len(s.stack)-1].key = k }

func (s *queryJSONSerializer) CloseMap() {
	f := s.pop()
	if len(f.items) == 0 {
		s.put(f.schema, nil)
		return
	}
	sort.Sort(byKey{f.keys, f.items})
	s.put(f.schema, f.items)
}

// byKey sorts map entries by their keys.
type byKey struct {
	keys  []string
	items []any
}

func (b byKey) Len() int           { return len(b.keys) }
func (b byKey) Less(i, j int) bool { return b.keys[i] < b.keys[j] }
func (b byKey) Swap(i, j int) {
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
	b.items[i], b.items[j] = b.items[j], b.items[i]
}

func (s *queryJSONSerializer) WriteInt8(m *smithy.Schema, v int8)       { s.put(m, int64(v)) }
func (s *queryJSONSerializer) WriteInt16(m *smithy.Schema, v int16)     { s.put(m, int64(v)) }
func (s *queryJSONSerializer) WriteInt32(m *smithy.Schema, v int32)     { s.put(m, int64(v)) }
func (s *queryJSONSerializer) WriteInt64(m *smithy.Schema, v int64)     { s.put(m, v) }
func (s *queryJSONSerializer) WriteFloat32(m *smithy.Schema, v float32) { s.put(m, float64(v)) }
func (s *queryJSONSerializer) WriteFloat64(m *smithy.Schema, v float64) { s.put(m, v) }
func (s *queryJSONSerializer) WriteBool(m *smithy.Schema, v bool)       { s.put(m, v) }
func (s *queryJSONSerializer) WriteString(m *smithy.Schema, v string)   { s.put(m, v) }
func (s *queryJSONSerializer) WriteBigInt(m *smithy.Schema, v *big.Int) {
	s.put(m, json.Number(v.String()))
}
func (s *queryJSONSerializer) WriteBigFloat(m *smithy.Schema, v *big.Float) {
	s.put(m, json.Number(v.Text('g', -1)))
}
func (s *queryJSONSerializer) WriteBlob(m *smithy.Schema, v []byte) {
	s.put(m, base64.StdEncoding.EncodeToString(v))
}
func (s *queryJSONSerializer) WriteTime(m *smithy.Schema, v time.Time)          { s.put(m, v.Unix()) }
func (s *queryJSONSerializer) WriteUnion(schema, _ *smithy.Schema)              { s.WriteStruct(schema) }
func (s *queryJSONSerializer) CloseUnion()                                      { s.CloseStruct() }
func (s *queryJSONSerializer) WriteDocument(m *smithy.Schema, _ document.Value) { s.put(m, nil) }
func (s *queryJSONSerializer) WriteNil(m *smithy.Schema)                        { s.put(m, nil) }
func (s *queryJSONSerializer) Bytes() []byte                                    { return nil }
