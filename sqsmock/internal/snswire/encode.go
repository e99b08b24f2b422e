package snswire

import (
	"bytes"
	"encoding/base64"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
)

// namespace is the XML namespace of SNS's responses (AWS answers with http:, the examples of
// the API reference show https:).
const namespace = "http://sns.amazonaws.com/doc/2010-03-31/"

// memberOrder is the order SNS writes the members of its output structures in: that of its
// documented examples (Subscription; PublishBatch's Failed before Successful), else that of the
// service model (the SDK serializes members alphabetically). Members not listed follow in the
// SDK's order.
var memberOrder = map[string][]string{
	"ListTopicsResponse":               {"Topics", "NextToken"},
	"ListSubscriptionsResponse":        {"Subscriptions", "NextToken"},
	"ListSubscriptionsByTopicResponse": {"Subscriptions", "NextToken"},
	"Subscription":                     {"TopicArn", "Protocol", "SubscriptionArn", "Owner", "Endpoint"},
	"PublishResponse":                  {"MessageId", "SequenceNumber"},
	"PublishBatchResponse":             {"Failed", "Successful"},
	"PublishBatchResultEntry":          {"Id", "MessageId", "SequenceNumber"},
	"BatchResultErrorEntry":            {"Id", "Code", "Message", "SenderFault"},
	"Tag":                              {"Key", "Value"},
}

// writeResult writes a successful response as SNS does: the result (absent for operations
// without output, an empty element for an output without members) and the request id, indented
// by two spaces, one element a line, as text/xml.
func writeResult(w http.ResponseWriter, action, reqID string, out smithy.Serializable) {
	s := &xmlSerializer{}
	out.Serialize(s)
	var b bytes.Buffer
	b.WriteString("<" + action + `Response xmlns="` + namespace + `">` + "\n")
	if s.root != nil {
		s.root.name = action + "Result"
		s.root.write(&b, 1)
	}
	meta := &xnode{name: "ResponseMetadata", kids: []*xnode{{name: "RequestId", text: reqID, leaf: true}}}
	meta.write(&b, 1)
	b.WriteString("</" + action + "Response>\n")
	writeXML(w, http.StatusOK, b.Bytes())
}

// writeXML writes a whole response body.
func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// xnode is one element of a response.
type xnode struct {
	name  string
	text  string // a leaf's text
	leaf  bool
	shape string // a structure's shape name, for memberOrder
	key   string // a map entry's key, to sort entries by
	kids  []*xnode
}

// write writes n indented by depth levels.
func (n *xnode) write(b *bytes.Buffer, depth int) {
	for range depth {
		b.WriteString("  ")
	}
	switch {
	case n.leaf:
		b.WriteString("<" + n.name + ">")
		escapeText(b, n.text)
		b.WriteString("</" + n.name + ">\n")
	case len(n.kids) == 0:
		b.WriteString("<" + n.name + "/>\n")
	default:
		b.WriteString("<" + n.name + ">\n")
		for _, k := range n.kids {
			k.write(b, depth+1)
		}
		for range depth {
			b.WriteString("  ")
		}
		b.WriteString("</" + n.name + ">\n")
	}
}

// xmlSerializer is a smithy.ShapeSerializer that builds the elements of a Query protocol result:
// element names from xmlName traits, lists as <member> items, maps as <entry><key/><value/>
// entries sorted by key, structure members in memberOrder.
type xmlSerializer struct {
	rootSchema *smithy.Schema // the schema of the first structure written
	root       *xnode         // the result; nil for an operation without output
	stack      []frame
}

// frame is an open container: a structure, a list, a map, or a map entry awaiting its value.
type frame struct {
	kind byte // 's' structure, 'l' list, 'm' map, 'e' map entry
	node *xnode
	item string // list: item element; map: entry element
	key  string // map: key element
	val  string // map: value element
}

func (s *xmlSerializer) top() *frame {
	if len(s.stack) == 0 {
		return nil
	}
	return &s.stack[len(s.stack)-1]
}

// elem is the element name of the next value, whose member schema is m.
func (s *xmlSerializer) elem(m *smithy.Schema) string {
	f := s.top()
	switch {
	case f == nil:
		return ""
	case f.kind == 'l':
		return f.item
	case f.kind == 'e':
		return s.stack[len(s.stack)-2].val
	}
	return queryName(m, "member")
}

// add appends n to the open container (ignored if none is open).
func (s *xmlSerializer) add(n *xnode) {
	if f := s.top(); f != nil {
		f.node.kids = append(f.node.kids, n)
	}
}

// valueDone closes a map entry once its value is written.
func (s *xmlSerializer) valueDone() {
	if f := s.top(); f != nil && f.kind == 'e' {
		s.stack = s.stack[:len(s.stack)-1]
	}
}

func (s *xmlSerializer) scalar(m *smithy.Schema, text string) {
	s.add(&xnode{name: s.elem(m), text: text, leaf: true})
	s.valueDone()
}

// shapeName is the name of a structure's shape: a member's target, else the shape itself.
func shapeName(m *smithy.Schema) string {
	if m == nil {
		return ""
	}
	if id := m.TargetID(); id.Name != "" {
		return id.Name
	}
	return m.ID().Name
}

// WriteStruct implements smithy.ShapeSerializer.
func (s *xmlSerializer) WriteStruct(m *smithy.Schema) {
	if s.rootSchema == nil && len(s.stack) == 0 {
		s.rootSchema = m
	}
	n := &xnode{name: s.elem(m), shape: shapeName(m)}
	if len(s.stack) == 0 {
		if m != nil {
			s.root = n
		}
	} else {
		s.add(n)
	}
	s.stack = append(s.stack, frame{kind: 's', node: n})
}

// CloseStruct implements smithy.ShapeSerializer.
func (s *xmlSerializer) CloseStruct() {
	f := s.top()
	if f == nil {
		return
	}
	if order := memberOrder[f.node.shape]; order != nil {
		rank := func(n *xnode) int {
			if i := slices.Index(order, n.name); i >= 0 {
				return i
			}
			return len(order)
		}
		slices.SortStableFunc(f.node.kids, func(a, b *xnode) int { return rank(a) - rank(b) })
	}
	s.stack = s.stack[:len(s.stack)-1]
	s.valueDone()
}

// WriteList implements smithy.ShapeSerializer.
func (s *xmlSerializer) WriteList(m *smithy.Schema) {
	name := s.elem(m)
	if flattened(m) && s.top() != nil {
		s.stack = append(s.stack, frame{kind: 'l', node: s.top().node, item: name})
		return
	}
	n := &xnode{name: name}
	s.add(n)
	s.stack = append(s.stack, frame{kind: 'l', node: n, item: queryName(m.ListMember(), "member")})
}

// CloseList implements smithy.ShapeSerializer.
func (s *xmlSerializer) CloseList() {
	if len(s.stack) > 0 {
		s.stack = s.stack[:len(s.stack)-1]
	}
	s.valueDone()
}

// WriteMap implements smithy.ShapeSerializer.
func (s *xmlSerializer) WriteMap(m *smithy.Schema) {
	name := s.elem(m)
	f := frame{kind: 'm', item: "entry", key: queryName(m.MapKey(), "key"), val: queryName(m.MapValue(), "value")}
	if flattened(m) && s.top() != nil {
		f.node, f.item = s.top().node, name
	} else {
		f.node = &xnode{name: name}
		s.add(f.node)
	}
	s.stack = append(s.stack, f)
}

// WriteKey implements smithy.ShapeSerializer.
func (s *xmlSerializer) WriteKey(_ *smithy.Schema, k string) {
	f := s.top()
	if f == nil || f.kind != 'm' {
		return
	}
	e := &xnode{name: f.item, key: k, kids: []*xnode{{name: f.key, text: k, leaf: true}}}
	f.node.kids = append(f.node.kids, e)
	s.stack = append(s.stack, frame{kind: 'e', node: e})
}

// CloseMap implements smithy.ShapeSerializer.
func (s *xmlSerializer) CloseMap() {
	f := s.top()
	if f == nil {
		return
	}
	// Entries are contiguous among the node's children (a flattened map's siblings stay first).
	kids := f.node.kids
	first := slices.IndexFunc(kids, func(n *xnode) bool { return n.key != "" || n.name == f.item })
	if first >= 0 {
		slices.SortStableFunc(kids[first:], func(a, b *xnode) int { return strings.Compare(a.key, b.key) })
	}
	s.stack = s.stack[:len(s.stack)-1]
	s.valueDone()
}

func (s *xmlSerializer) WriteInt8(m *smithy.Schema, v int8)   { s.WriteInt64(m, int64(v)) }
func (s *xmlSerializer) WriteInt16(m *smithy.Schema, v int16) { s.WriteInt64(m, int64(v)) }
func (s *xmlSerializer) WriteInt32(m *smithy.Schema, v int32) { s.WriteInt64(m, int64(v)) }
func (s *xmlSerializer) WriteInt64(m *smithy.Schema, v int64) {
	s.scalar(m, strconv.FormatInt(v, 10))
}
func (s *xmlSerializer) WriteFloat32(m *smithy.Schema, v float32) {
	s.scalar(m, strconv.FormatFloat(float64(v), 'g', -1, 32))
}
func (s *xmlSerializer) WriteFloat64(m *smithy.Schema, v float64) {
	s.scalar(m, strconv.FormatFloat(v, 'g', -1, 64))
}
func (s *xmlSerializer) WriteBool(m *smithy.Schema, v bool)     { s.scalar(m, strconv.FormatBool(v)) }
func (s *xmlSerializer) WriteString(m *smithy.Schema, v string) { s.scalar(m, v) }
func (s *xmlSerializer) WriteBigInt(m *smithy.Schema, v *big.Int) {
	s.scalar(m, v.String())
}
func (s *xmlSerializer) WriteBigFloat(m *smithy.Schema, v *big.Float) {
	s.scalar(m, v.Text('g', -1))
}
func (s *xmlSerializer) WriteBlob(m *smithy.Schema, v []byte) {
	s.scalar(m, base64.StdEncoding.EncodeToString(v))
}
func (s *xmlSerializer) WriteTime(m *smithy.Schema, v time.Time) {
	s.scalar(m, v.UTC().Format("2006-01-02T15:04:05.000Z"))
}
func (s *xmlSerializer) WriteUnion(schema, _ *smithy.Schema)              { s.WriteStruct(schema) }
func (s *xmlSerializer) CloseUnion()                                      { s.CloseStruct() }
func (s *xmlSerializer) WriteDocument(m *smithy.Schema, _ document.Value) { s.scalar(m, "") }
func (s *xmlSerializer) WriteNil(m *smithy.Schema)                        { s.scalar(m, "") }
func (s *xmlSerializer) Bytes() []byte                                    { return nil }

// escapeText writes s as XML character data: &, <, > and " (as SNS writes it, &quot;) escaped,
// \r as a character reference so it survives parsing, and what XML cannot carry (other control
// characters, invalid UTF-8, U+FFFE, U+FFFF) replaced by U+FFFD.
func escapeText(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '"':
			esc = "&quot;"
		case r == '\r':
			esc = "&#xD;"
		case r == '\t' || r == '\n':
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r == utf8.RuneError && size == 1):
			esc = "\uFFFD"
		}
		if esc != "" {
			b.WriteString(s[last:i])
			b.WriteString(esc)
			last = i + size
		}
		i += size
	}
	b.WriteString(s[last:])
}
