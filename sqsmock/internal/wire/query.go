package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"math/big"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	"github.com/aws/smithy-go/traits"

	"github.com/sqsharness/sqsharness/internal/reqop"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

const (
	queryNamespace = "http://queue.amazonaws.com/doc/2012-11-05/"
	xmlContentType = "text/xml"
	formType       = "application/x-www-form-urlencoded"
	xmlDecl        = `<?xml version="1.0"?>` // as SQS writes it
)

// missingAction is AWS's common error for a Query request without an Action.
func missingAction() *sqserr.Error {
	return &sqserr.Error{Shape: "MissingAction", Code: "MissingAction", Status: http.StatusBadRequest,
		Message: "The request is missing an action or a required parameter."}
}

// serveQuery handles one Query protocol request.
func (h *handler) serveQuery(w http.ResponseWriter, r *http.Request, reqID string, body []byte) {
	params, err := queryParams(r, body)
	if err != nil {
		writeQueryError(w, r, reqID, err)
		return
	}
	onQueue := queuePath(r) != ""
	action, ok := params["Action"]
	reqop.Set(r.Context(), action)
	if !ok || action == "" {
		if onQueue {
			// SQS answers a request to a queue URL without an Action with a bare 404
			// (TestSqsQueryApi::test_get_without_query_returns_unknown_operation).
			w.Header().Set("Content-Type", xmlContentType)
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(unknownOperation))
			return
		}
		writeQueryError(w, r, reqID, missingAction())
		return
	}
	o := operations[action]
	if o == nil || (onQueue && notAtQueueURL[action]) {
		writeQueryError(w, r, reqID, sqserr.InvalidAction(action))
		return
	}
	in, err := decodeQueryInput(o, params)
	if err != nil {
		writeQueryError(w, r, reqID, err)
		return
	}
	setQueueURLFromPath(in, r)
	out, err := o.call(withExplicitQuery(r.Context(), params), h.backend, in.Interface())
	if err != nil {
		if !cancelled(w, r, err, func(e error) { writeQueryError(w, r, reqID, e) }) {
			writeQueryError(w, r, reqID, err)
		}
		return
	}
	if wantsJSON(r) {
		writeQueryJSON(w, action, reqID, out)
		return
	}
	s := &xmlSerializer{}
	out.Serialize(s)
	var b bytes.Buffer
	b.WriteString(xmlDecl)
	b.WriteString("<" + action + `Response xmlns="` + queryNamespace + `">`)
	switch {
	case s.unit:
	case len(s.Bytes()) == 0:
		// An empty result is an empty element, as SQS writes it
		// (TestSqsQueryApi::test_get_send_and_receive_messages).
		b.WriteString("<" + action + "Result/>")
	default:
		b.WriteString("<" + action + "Result>")
		b.Write(s.Bytes())
		b.WriteString("</" + action + "Result>")
	}
	b.WriteString("<ResponseMetadata><RequestId>")
	escapeXML(&b, reqID)
	b.WriteString("</RequestId></ResponseMetadata></" + action + "Response>")
	w.Header().Set("Content-Type", xmlContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}

// queryParams merges the URL query string and a form body; body values win. Only the first
// value of a repeated parameter counts.
func queryParams(r *http.Request, body []byte) (map[string]string, error) {
	params := map[string]string{}
	add := func(raw string) error {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			return sqserr.MalformedQueryString(err.Error())
		}
		for k, v := range vals {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
		return nil
	}
	if err := add(r.URL.RawQuery); err != nil {
		return nil, err
	}
	if len(body) > 0 {
		if mt := mediaType(r.Header.Get("Content-Type")); mt == formType || mt == "" {
			if err := add(string(body)); err != nil {
				return nil, err
			}
		}
	}
	return params, nil
}

// unknownOperation is SQS's whole answer (HTTP 404) to a request to a queue URL without an Action.
const unknownOperation = "<UnknownOperationException/>"

// notAtQueueURL are the actions SQS refuses at a queue URL (TestSqsQueryApi::test_get_create_queue_fails,
// test_get_list_queues_fails); GetQueueUrl is accepted there (test_get_queue_url_work_for_different_queue).
var notAtQueueURL = map[string]bool{"CreateQueue": true, "ListQueues": true}

// queuePath is the path of a request to a queue URL (/<account>/<queue-name>, or longer forms
// such as LocalStack's) without its slashes, or "" for a request to the service endpoint.
func queuePath(r *http.Request) string {
	path := strings.Trim(r.URL.Path, "/")
	if !strings.Contains(path, "/") {
		return ""
	}
	return path
}

// setQueueURLFromPath fills an absent QueueUrl from a request to a queue URL path, as SQS
// accepts; the backend judges whether it names a queue.
func setQueueURLFromPath(in reflect.Value, r *http.Request) {
	f := in.Elem().FieldByName("QueueUrl")
	if !f.IsValid() || !f.IsNil() {
		return
	}
	path := queuePath(r)
	if path == "" {
		return
	}
	base, _ := baseURLFrom(r)
	u := base + "/" + path
	f.Set(reflect.ValueOf(&u))
}

// qnode is one segment of dotted Query parameter names: "Attribute.1.Name" is
// root → "Attribute" → "1" → "Name".
type qnode struct {
	value string
	has   bool
	kids  map[string]*qnode
}

func (n *qnode) kid(name string) *qnode {
	if n == nil {
		return nil
	}
	return n.kids[name]
}

// buildTree turns flat parameters into a tree of segments.
func buildTree(params map[string]string) *qnode {
	root := &qnode{}
	for k, v := range params {
		n := root
		for seg := range strings.SplitSeq(k, ".") {
			if n.kids == nil {
				n.kids = map[string]*qnode{}
			}
			c := n.kids[seg]
			if c == nil {
				c = &qnode{}
				n.kids[seg] = c
			}
			n = c
		}
		n.value, n.has = v, true
	}
	return root
}

// indexes returns the positive integer child names of n in ascending order.
func (n *qnode) indexes() []string {
	if n == nil {
		return nil
	}
	type ix struct {
		n int
		s string
	}
	var xs []ix
	for k := range n.kids {
		if i, err := strconv.Atoi(k); err == nil && i >= 1 && strconv.Itoa(i) == k {
			xs = append(xs, ix{i, k})
		}
	}
	sort.Slice(xs, func(a, b int) bool { return xs[a].n < xs[b].n })
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.s
	}
	return out
}

// decodeQueryInput decodes Query parameters into a new input of o, naming members, lists and maps
// as the service model does (xmlName and xmlFlattened traits: AttributeName.1,
// Attribute.1.Name/Value, MessageAttribute.1.Value.StringValue, Tag.1.Key, ...); a flattened list
// or map may also go by its member name (Tags.1.Key, Attributes.1.Name, AttributeNames.1, ...).
func decodeQueryInput(o *operation, params map[string]string) (reflect.Value, error) {
	in := o.newInput()
	root := buildTree(params)
	if _, err := assignQueryStruct(in.Elem(), o.schema, root, ""); err != nil {
		return in, err
	}
	for _, name := range requiredScalars[o.name] {
		if n := root.kid(name); n == nil || !n.has {
			return in, sqserr.MissingParameter(name)
		}
	}
	return in, nil
}

// queryName is a member's name on the wire: its xmlName, else its member name.
func queryName(m *smithy.Schema, fallback string) string {
	if t, ok := smithy.SchemaDirectTrait[*traits.XMLName](m); ok && t.Name != "" {
		return t.Name
	}
	if m != nil && m.MemberName() != "" {
		return m.MemberName()
	}
	return fallback
}

func flattened(m *smithy.Schema) bool {
	_, ok := smithy.SchemaDirectTrait[*traits.XMLFlattened](m)
	return ok
}

func joinParam(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// assignQueryStruct fills the struct dst from node; it reports whether any member was set.
func assignQueryStruct(dst reflect.Value, schema *smithy.Schema, node *qnode, param string) (bool, error) {
	if schema == nil || node == nil {
		return false, nil
	}
	set := false
	for _, f := range fieldsOf(dst.Type()) {
		m := memberFor(schema, f.Name)
		if m == nil {
			continue
		}
		name := queryName(m, f.Name)
		child := node.kid(name)
		if child == nil {
			if name, child = memberAlias(m, node); child == nil {
				continue
			}
		}
		ok, err := assignQuery(dst.FieldByIndex(f.Index), m, child, joinParam(param, name))
		if err != nil {
			return false, err
		}
		set = set || ok
	}
	return set, nil
}

// memberAlias finds a flattened list or map under its member name when its Query name (xmlName)
// is absent: SQS accepts both, e.g. TagQueue's Tags.1.Key for Tag.1.Key (as the AWS SDK for Java
// v1 and the Query-era v2 send it, aws-sdk-java-v2#2524) and SendMessage's MessageAttributes.1.Name
// for MessageAttribute.1.Name (AWS-validated in LocalStack's
// test_sqs_aws_integration_with_message_attribute). It returns the name found and its node.
func memberAlias(m *smithy.Schema, node *qnode) (string, *qnode) {
	if !flattened(m) || (m.ListMember() == nil && m.MapValue() == nil) {
		return "", nil
	}
	name := m.MemberName()
	if name == "" {
		return "", nil
	}
	return name, node.kid(name)
}

// assignQuery stores node into dst, whose member schema is m; param names it in errors.
func assignQuery(dst reflect.Value, m *smithy.Schema, node *qnode, param string) (bool, error) {
	t := dst.Type()
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		ok, err := assignQuery(p.Elem(), m, node, param)
		if ok {
			dst.Set(p)
		}
		return ok, err
	case reflect.String:
		if !node.has {
			return false, nil
		}
		dst.SetString(node.value)
	case reflect.Bool:
		if !node.has {
			return false, nil
		}
		b, err := strconv.ParseBool(node.value)
		if err != nil || (node.value != "true" && node.value != "false") {
			return false, sqserr.InvalidParameterValueFor(node.value, param, "Must be a boolean.")
		}
		dst.SetBool(b)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !node.has {
			return false, nil
		}
		i, err := strconv.ParseInt(node.value, 10, t.Bits())
		if err != nil {
			return false, sqserr.InvalidParameterValueFor(node.value, param, "Must be an integer.")
		}
		dst.SetInt(i)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if !node.has {
				return false, nil
			}
			b, err := base64.StdEncoding.DecodeString(node.value)
			if err != nil {
				return false, sqserr.InvalidParameterValueFor(node.value, param, "Must be base64-encoded binary data.")
			}
			dst.SetBytes(b)
			return true, nil
		}
		items := node
		if !flattened(m) {
			items = node.kid(queryName(m.ListMember(), "member"))
			param = joinParam(param, queryName(m.ListMember(), "member"))
		}
		sl := reflect.MakeSlice(t, 0, 0)
		for _, ix := range items.indexes() {
			v := reflect.New(t.Elem()).Elem()
			ok, err := assignQuery(v, m.ListMember(), items.kid(ix), joinParam(param, ix))
			if err != nil {
				return false, err
			}
			if ok {
				sl = reflect.Append(sl, v)
			}
		}
		if sl.Len() == 0 {
			return false, nil
		}
		dst.Set(sl)
	case reflect.Map:
		entries := node
		if !flattened(m) {
			entries = node.kid("entry")
			param = joinParam(param, "entry")
		}
		keyName := queryName(m.MapKey(), "key")
		valName := queryName(m.MapValue(), "value")
		mp := reflect.MakeMap(t)
		for _, ix := range entries.indexes() {
			e := entries.kid(ix)
			k := e.kid(keyName)
			if k == nil || !k.has {
				continue
			}
			v := reflect.New(t.Elem()).Elem()
			if vn := e.kid(valName); vn != nil {
				if _, err := assignQuery(v, m.MapValue(), vn, joinParam(joinParam(param, ix), valName)); err != nil {
					return false, err
				}
			}
			mp.SetMapIndex(reflect.ValueOf(k.value).Convert(t.Key()), v)
		}
		if mp.Len() == 0 {
			return false, nil
		}
		dst.Set(mp)
	case reflect.Struct:
		return assignQueryStruct(dst, m, node, param)
	default:
		return false, sqserr.InternalError() // an SDK type this codec does not know; caught by tests
	}
	return true, nil
}

// xmlSerializer is a smithy.ShapeSerializer writing the members of a Query protocol result:
// element names from xmlName traits, flattened lists and maps as repeated elements, map entries
// sorted by key so responses are deterministic.
type xmlSerializer struct {
	b     bytes.Buffer
	stack []*xframe
	unit  bool // the output has no structure (no <OpResult> element)
}

type xframe struct {
	kind    byte   // 's' structure, 'l' list, 'm' map
	tag     string // element to close, "" for the root and flattened containers
	item    string // list: item element; map: entry element
	key     string // map: key element
	val     string // map: value element
	entries []mapEntry
}

// mapEntry is one serialized map entry, kept to sort by key on CloseMap.
type mapEntry struct {
	key        string
	start, end int
}

func (s *xmlSerializer) Bytes() []byte { return s.b.Bytes() }

func (s *xmlSerializer) top() *xframe {
	if len(s.stack) == 0 {
		return nil
	}
	return s.stack[len(s.stack)-1]
}

// elem is the element name of the next value.
func (s *xmlSerializer) elem(m *smithy.Schema) string {
	f := s.top()
	switch {
	case f == nil:
		return ""
	case f.kind == 'l':
		return f.item
	case f.kind == 'm':
		return f.val
	}
	return queryName(m, "member")
}

// afterValue closes a map entry once its value is written.
func (s *xmlSerializer) afterValue() {
	if f := s.top(); f != nil && f.kind == 'm' && len(f.entries) > 0 {
		s.b.WriteString("</" + f.item + ">")
		f.entries[len(f.entries)-1].end = s.b.Len()
	}
}

func (s *xmlSerializer) scalar(m *smithy.Schema, text string, escape bool) {
	name := s.elem(m)
	s.b.WriteString("<" + name + ">")
	if escape {
		escapeXML(&s.b, text)
	} else {
		s.b.WriteString(text)
	}
	s.b.WriteString("</" + name + ">")
	s.afterValue()
}

func (s *xmlSerializer) WriteInt8(m *smithy.Schema, v int8)   { s.WriteInt64(m, int64(v)) }
func (s *xmlSerializer) WriteInt16(m *smithy.Schema, v int16) { s.WriteInt64(m, int64(v)) }
func (s *xmlSerializer) WriteInt32(m *smithy.Schema, v int32) { s.WriteInt64(m, int64(v)) }
func (s *xmlSerializer) WriteInt64(m *smithy.Schema, v int64) {
	s.scalar(m, strconv.FormatInt(v, 10), false)
}
func (s *xmlSerializer) WriteFloat32(m *smithy.Schema, v float32) {
	s.scalar(m, strconv.FormatFloat(float64(v), 'g', -1, 32), false)
}
func (s *xmlSerializer) WriteFloat64(m *smithy.Schema, v float64) {
	s.scalar(m, strconv.FormatFloat(v, 'g', -1, 64), false)
}
func (s *xmlSerializer) WriteBool(m *smithy.Schema, v bool) {
	s.scalar(m, strconv.FormatBool(v), false)
}
func (s *xmlSerializer) WriteString(m *smithy.Schema, v string) { s.scalar(m, v, true) }
func (s *xmlSerializer) WriteBigInt(m *smithy.Schema, v *big.Int) {
	s.scalar(m, v.String(), false)
}
func (s *xmlSerializer) WriteBigFloat(m *smithy.Schema, v *big.Float) {
	s.scalar(m, v.Text('g', -1), false)
}
func (s *xmlSerializer) WriteBlob(m *smithy.Schema, v []byte) {
	s.scalar(m, base64.StdEncoding.EncodeToString(v), false)
}
func (s *xmlSerializer) WriteTime(m *smithy.Schema, v time.Time) {
	s.scalar(m, v.UTC().Format(time.RFC3339Nano), false)
}
func (s *xmlSerializer) WriteUnion(schema, _ *smithy.Schema) { s.WriteStruct(schema) }
func (s *xmlSerializer) CloseUnion()                         { s.CloseStruct() }
func (s *xmlSerializer) WriteDocument(m *smithy.Schema, _ document.Value) {
	s.scalar(m, "", false)
}
func (s *xmlSerializer) WriteNil(m *smithy.Schema) { s.scalar(m, "", false) }

func (s *xmlSerializer) WriteStruct(m *smithy.Schema) {
	if len(s.stack) == 0 {
		s.unit = m == nil
		s.stack = append(s.stack, &xframe{kind: 's'})
		return
	}
	name := s.elem(m)
	s.b.WriteString("<" + name + ">")
	s.stack = append(s.stack, &xframe{kind: 's', tag: name})
}

func (s *xmlSerializer) closeFrame() *xframe {
	f := s.top()
	s.stack = s.stack[:len(s.stack)-1]
	if f.tag != "" {
		s.b.WriteString("</" + f.tag + ">")
	}
	if len(s.stack) > 0 {
		s.afterValue()
	}
	return f
}

func (s *xmlSerializer) CloseStruct() { s.closeFrame() }

func (s *xmlSerializer) WriteList(m *smithy.Schema) {
	name := s.elem(m)
	if flattened(m) {
		s.stack = append(s.stack, &xframe{kind: 'l', item: name})
		return
	}
	s.b.WriteString("<" + name + ">")
	s.stack = append(s.stack, &xframe{kind: 'l', tag: name, item: queryName(m.ListMember(), "member")})
}

func (s *xmlSerializer) CloseList() { s.closeFrame() }

func (s *xmlSerializer) WriteMap(m *smithy.Schema) {
	name := s.elem(m)
	f := &xframe{kind: 'm', item: "entry", key: queryName(m.MapKey(), "key"), val: queryName(m.MapValue(), "value")}
	if flattened(m) {
		f.item = name
	} else {
		f.tag = name
		s.b.WriteString("<" + name + ">")
	}
	s.stack = append(s.stack, f)
}

func (s *xmlSerializer) WriteKey(_ *smithy.Schema, k string) {
	f := s.top()
	f.entries = append(f.entries, mapEntry{key: k, start: s.b.Len()})
	s.b.WriteString("<" + f.item + "><" + f.key + ">")
	escapeXML(&s.b, k)
	s.b.WriteString("</" + f.key + ">")
}

func (s *xmlSerializer) CloseMap() {
	f := s.top()
	sortEntries(&s.b, f.entries)
	s.closeFrame()
}

// sortEntries reorders the serialized map entries in b by key. Entries are contiguous.
func sortEntries(b *bytes.Buffer, entries []mapEntry) {
	if len(entries) < 2 {
		return
	}
	sorted := make([]mapEntry, len(entries))
	copy(sorted, entries)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].key < sorted[j].key })
	first, last := entries[0].start, entries[len(entries)-1].end
	buf := b.Bytes()
	out := make([]byte, 0, last-first)
	for _, e := range sorted {
		out = append(out, buf[e.start:e.end]...)
	}
	copy(buf[first:last], out)
}

// escapeXML writes s as XML character data; it escapes \r, \n and \t as character references so
// they survive XML parsing, and replaces characters XML cannot carry with U+FFFD.
func escapeXML(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s))
}
