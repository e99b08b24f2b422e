package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"

	"github.com/sqsharness/sqsharness/internal/jsonstr"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

const (
	jsonContentType = "application/x-amz-json-1.0"
	targetPrefix    = "AmazonSQS."
)

// serveJSON handles one AWS JSON 1.0 request.
func (h *handler) serveJSON(w http.ResponseWriter, r *http.Request, target string, body []byte) {
	if r.Method != http.MethodPost {
		writeJSONError(w, sqserr.InvalidAction(target))
		return
	}
	if mt := mediaType(r.Header.Get("Content-Type")); mt != jsonContentType && mt != "application/x-amz-json-1.1" {
		writeJSONError(w, sqserr.InvalidAction(target))
		return
	}
	name, ok := strings.CutPrefix(target, targetPrefix)
	o := operations[name]
	if !ok || o == nil {
		writeJSONError(w, sqserr.InvalidAction(name))
		return
	}
	in, err := decodeJSONInput(o, body)
	if err != nil {
		writeJSONError(w, err)
		return
	}
	out, err := o.call(withExplicitJSON(r.Context(), body), h.backend, in.Interface())
	if err != nil {
		if !cancelled(w, r, err, func(e error) { writeJSONError(w, e) }) {
			writeJSONError(w, err)
		}
		return
	}
	s := &jsonSerializer{}
	out.Serialize(s)
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(s.Bytes())
}

// decodeJSONInput decodes a JSON request body into a new input of o. It returns an *sqserr.Error
// (SerializationException for anything that is not a JSON object of the right member types,
// MissingParameter for required members the input type cannot leave absent).
func decodeJSONInput(o *operation, body []byte) (reflect.Value, error) {
	in := o.newInput()
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return in, sqserr.Serialization(jsonSyntaxMessage(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return in, sqserr.Serialization("Unexpected content after the end of the JSON object")
	}
	if needsRawStrings(body) {
		// encoding/json rewrote invalid UTF-8 and unpaired surrogate escapes as U+FFFD: decode
		// the strings again keeping what the client sent, so the engine rejects it as SQS does.
		raw, err := keepRawStrings(bytes.TrimSpace(body))
		if err != nil {
			return in, sqserr.Serialization(jsonSyntaxMessage(err))
		}
		v = raw
	}
	obj, ok := v.(map[string]any)
	if v != nil && !ok {
		return in, sqserr.Serialization(fmt.Sprintf("%s can not be converted to a Structure", jsonKind(v)))
	}
	if err := assignJSON(in.Elem(), o.schema, obj); err != nil {
		return in, err
	}
	for _, name := range requiredScalars[o.name] {
		if _, ok := obj[name]; !ok || obj[name] == nil {
			return in, sqserr.MissingParameter(name)
		}
	}
	return in, nil
}

// needsRawStrings reports whether body may hold a JSON string that encoding/json does not decode
// as sent: one with bytes that are not UTF-8, or with a \uD800 to \uDFFF escape that is not half
// of a surrogate pair. False positives (an escaped backslash before "ud800") only cost time.
func needsRawStrings(body []byte) bool {
	if !utf8.Valid(body) {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte(`\u`))
		if j < 0 {
			return false
		}
		i += j + 2
		r, ok := hex4(body[i:])
		if !ok || !utf16.IsSurrogate(r) {
			continue
		}
		if r >= 0xDC00 {
			return true // a low surrogate first
		}
		if len(body) < i+10 || body[i+4] != '\\' || body[i+5] != 'u' {
			return true
		}
		if lo, ok := hex4(body[i+6:]); !ok || lo < 0xDC00 || lo > 0xDFFF {
			return true
		}
		i += 10
	}
}

// hex4 reads the four hexadecimal digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// keepRawStrings decodes a JSON value that encoding/json has already accepted into the same
// values, except that strings keep bytes that are not UTF-8 as they are and encode an unpaired
// surrogate escape as the three bytes UTF-8 would give it (ED A0 80 for \ud800), which the
// engine reports as that character. Object keys are decoded by encoding/json.
func keepRawStrings(raw []byte) (any, error) {
	if len(raw) == 0 {
		return nil, io.ErrUnexpectedEOF
	}
	switch raw[0] {
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, item := range m {
			v, err := keepRawStrings(item)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case '[':
		var l []json.RawMessage
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, err
		}
		out := make([]any, len(l))
		for i, item := range l {
			v, err := keepRawStrings(item)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case '"':
		return unquoteRaw(raw), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// unquoteRaw decodes a JSON string literal that encoding/json has accepted (so its escapes are
// well formed), keeping what encoding/json would replace with U+FFFD (see keepRawStrings).
func unquoteRaw(lit []byte) string {
	s := lit[1 : len(lit)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			i++
			continue
		}
		switch e := s[i+1]; e {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s[i+2:])
			if !ok {
				b = append(b, c, e)
				i += 2
				continue
			}
			i += 6
			if utf16.IsSurrogate(r) && r < 0xDC00 && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if lo, ok := hex4(s[i+2:]); ok && lo >= 0xDC00 && lo <= 0xDFFF {
					b = utf8.AppendRune(b, utf16.DecodeRune(r, lo))
					i += 6
					continue
				}
			}
			if utf16.IsSurrogate(r) {
				b = append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
			} else {
				b = utf8.AppendRune(b, r)
			}
			continue
		default: // '"', '\\', '/'
			b = append(b, e)
		}
		i += 2
	}
	return string(b)
}

// jsonSyntaxMessage words a JSON parse error.
func jsonSyntaxMessage(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "Unexpected end of JSON input"
	}
	return "Malformed JSON: " + err.Error()
}

// jsonKind names a decoded JSON value's token type as AWS's JSON deserializer does.
func jsonKind(v any) string {
	switch v := v.(type) {
	case string:
		return "STRING_VALUE"
	case json.Number:
		return "NUMBER_VALUE"
	case bool:
		if v {
			return "TRUE_VALUE"
		}
		return "FALSE_VALUE"
	case []any:
		return "START_ARRAY"
	case map[string]any:
		return "START_OBJECT"
	}
	return "NULL_VALUE"
}

// convErr is the SerializationException for a JSON value of the wrong type.
func convErr(v any, to string) error {
	return sqserr.Serialization(fmt.Sprintf("%s can not be converted to %s", jsonKind(v), to))
}

var bytesType = reflect.TypeFor[[]byte]()

// assignJSON stores the decoded JSON value v into dst, an SDK input value (or part of one) whose
// schema is m. Structure members match the model's member names exactly; unknown members are
// ignored and null means absent, as in SQS.
func assignJSON(dst reflect.Value, m *smithy.Schema, v any) error {
	if v == nil {
		return nil
	}
	t := dst.Type()
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := assignJSON(p.Elem(), m, v); err != nil {
			return err
		}
		dst.Set(p)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return convErr(v, "a String")
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return convErr(v, "a Boolean")
		}
		dst.SetBool(b)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return convErr(v, "an Integer")
		}
		i, err := strconv.ParseInt(string(n), 10, t.Bits())
		if err != nil {
			return sqserr.Serialization(fmt.Sprintf("NUMBER_VALUE %s can not be converted to an Integer", n))
		}
		dst.SetInt(i)
	case reflect.Slice:
		if t == bytesType || t.Elem().Kind() == reflect.Uint8 {
			s, ok := v.(string)
			if !ok {
				return convErr(v, "a Blob")
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return sqserr.Serialization("Base64 encoded binary value is not valid: " + err.Error())
			}
			dst.SetBytes(b)
			return nil
		}
		items, ok := v.([]any)
		if !ok {
			return convErr(v, "a List")
		}
		sl := reflect.MakeSlice(t, len(items), len(items))
		for i, item := range items {
			if err := assignJSON(sl.Index(i), m.ListMember(), item); err != nil {
				return err
			}
		}
		dst.Set(sl)
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return convErr(v, "a Map")
		}
		mp := reflect.MakeMapWithSize(t, len(obj))
		for k, item := range obj {
			val := reflect.New(t.Elem()).Elem()
			if err := assignJSON(val, m.MapValue(), item); err != nil {
				return err
			}
			mp.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), val)
		}
		dst.Set(mp)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return convErr(v, "a Structure")
		}
		for _, f := range fieldsOf(t) {
			mem := memberFor(m, f.Name)
			if mem == nil {
				continue
			}
			item, ok := obj[mem.MemberName()]
			if !ok {
				continue
			}
			if err := assignJSON(dst.FieldByIndex(f.Index), mem, item); err != nil {
				return err
			}
		}
	default:
		return sqserr.InternalError() // an SDK type this codec does not know; caught by tests
	}
	return nil
}

// jsonSerializer is a smithy.ShapeSerializer writing AWS JSON 1.0 bodies: member names as in the
// model, blobs as base64, nil members omitted (the SDK's Serialize methods skip them), empty list
// and map members omitted too (SQS never sends `[]` or `{}`: an all-successful batch has no
// "Failed"), map entries sorted by key so responses are deterministic.
type jsonSerializer struct {
	b      bytes.Buffer
	frames []*jframe
	inKey  bool // a map key was just written: the next value needs no name and no comma
}

type jframe struct {
	kind    byte // 's' structure, 'l' list, 'm' map
	any     bool // an element was written (the next needs a comma)
	entries []mapEntry
	// omitEmpty: a list or map member of a structure, dropped if it closes empty: the output is
	// cut back to start and the structure's any restored to parentAny.
	omitEmpty bool
	start     int
	parentAny bool
}

func (s *jsonSerializer) Bytes() []byte { return s.b.Bytes() }

// name starts a value: writes the separator and, inside a structure, the member name.
func (s *jsonSerializer) name(schema *smithy.Schema) {
	if s.inKey {
		s.inKey = false
		return
	}
	if len(s.frames) == 0 {
		return
	}
	f := s.frames[len(s.frames)-1]
	if f.any {
		s.b.WriteByte(',')
	}
	f.any = true
	if f.kind == 's' && schema != nil {
		jsonstr.Append(&s.b, schema.MemberName(), true)
		s.b.WriteByte(':')
	}
}

func (s *jsonSerializer) open(kind byte, c byte) {
	s.b.WriteByte(c)
	s.frames = append(s.frames, &jframe{kind: kind})
}

// openCollection starts a list or map value; a member of a structure is omitted if it stays empty.
func (s *jsonSerializer) openCollection(m *smithy.Schema, kind byte, c byte) {
	var parent *jframe
	if n := len(s.frames); n > 0 && !s.inKey {
		parent = s.frames[n-1]
	}
	start := s.b.Len()
	parentAny := parent != nil && parent.any
	s.name(m)
	s.open(kind, c)
	if parent != nil && parent.kind == 's' {
		f := s.frames[len(s.frames)-1]
		f.omitEmpty, f.start, f.parentAny = true, start, parentAny
	}
}

// closeCollection ends a list or map value, dropping it if it is an empty member.
func (s *jsonSerializer) closeCollection(c byte) {
	f := s.frames[len(s.frames)-1]
	if f.omitEmpty && !f.any {
		s.b.Truncate(f.start)
		s.frames = s.frames[:len(s.frames)-1]
		s.frames[len(s.frames)-1].any = f.parentAny
		return
	}
	s.close(c)
}

func (s *jsonSerializer) close(c byte) {
	f := s.frames[len(s.frames)-1]
	if f.kind == 'm' && len(f.entries) > 1 {
		f.entries[len(f.entries)-1].end = s.b.Len()
		sortJSONEntries(&s.b, f.entries)
	}
	s.b.WriteByte(c)
	s.frames = s.frames[:len(s.frames)-1]
}

// sortJSONEntries reorders the map entries in b (separated by commas) by key.
func sortJSONEntries(b *bytes.Buffer, entries []mapEntry) {
	sorted := make([]mapEntry, len(entries))
	copy(sorted, entries)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].key < sorted[j].key })
	first, last := entries[0].start, entries[len(entries)-1].end
	buf := b.Bytes()
	out := make([]byte, 0, last-first)
	for i, e := range sorted {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, buf[e.start:e.end]...)
	}
	copy(buf[first:last], out)
}

func (s *jsonSerializer) WriteInt8(m *smithy.Schema, v int8)   { s.WriteInt64(m, int64(v)) }
func (s *jsonSerializer) WriteInt16(m *smithy.Schema, v int16) { s.WriteInt64(m, int64(v)) }
func (s *jsonSerializer) WriteInt32(m *smithy.Schema, v int32) { s.WriteInt64(m, int64(v)) }
func (s *jsonSerializer) WriteInt64(m *smithy.Schema, v int64) {
	s.name(m)
	s.b.WriteString(strconv.FormatInt(v, 10))
}
func (s *jsonSerializer) WriteFloat32(m *smithy.Schema, v float32) {
	s.name(m)
	s.b.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
}
func (s *jsonSerializer) WriteFloat64(m *smithy.Schema, v float64) {
	s.name(m)
	s.b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
}
func (s *jsonSerializer) WriteBool(m *smithy.Schema, v bool) {
	s.name(m)
	s.b.WriteString(strconv.FormatBool(v))
}
func (s *jsonSerializer) WriteString(m *smithy.Schema, v string) {
	s.name(m)
	jsonstr.Append(&s.b, v, true)
}
func (s *jsonSerializer) WriteBigInt(m *smithy.Schema, v *big.Int) {
	s.name(m)
	s.b.WriteString(v.String())
}
func (s *jsonSerializer) WriteBigFloat(m *smithy.Schema, v *big.Float) {
	s.name(m)
	s.b.WriteString(v.Text('g', -1))
}
func (s *jsonSerializer) WriteBlob(m *smithy.Schema, v []byte) {
	s.name(m)
	jsonstr.Append(&s.b, base64.StdEncoding.EncodeToString(v), true)
}
func (s *jsonSerializer) WriteTime(m *smithy.Schema, v time.Time) {
	s.name(m)
	s.b.WriteString(strconv.FormatFloat(float64(v.UnixMilli())/1000, 'f', -1, 64))
}
func (s *jsonSerializer) WriteUnion(schema, variant *smithy.Schema) {
	s.WriteStruct(schema)
	s.name(variant)
}
func (s *jsonSerializer) CloseUnion() { s.CloseStruct() }
func (s *jsonSerializer) WriteDocument(m *smithy.Schema, v document.Value) {
	s.name(m)
	s.b.WriteString("null")
}
func (s *jsonSerializer) WriteNil(m *smithy.Schema) {
	s.name(m)
	s.b.WriteString("null")
}
func (s *jsonSerializer) WriteStruct(m *smithy.Schema) {
	s.name(m)
	s.open('s', '{')
}
func (s *jsonSerializer) CloseStruct()               { s.close('}') }
func (s *jsonSerializer) WriteList(m *smithy.Schema) { s.openCollection(m, 'l', '[') }
func (s *jsonSerializer) CloseList()                 { s.closeCollection(']') }
func (s *jsonSerializer) WriteMap(m *smithy.Schema)  { s.openCollection(m, 'm', '{') }
func (s *jsonSerializer) WriteKey(_ *smithy.Schema, k string) {
	f := s.frames[len(s.frames)-1]
	if n := len(f.entries); n > 0 {
		f.entries[n-1].end = s.b.Len()
	}
	s.name(nil)
	f.entries = append(f.entries, mapEntry{key: k, start: s.b.Len()})
	jsonstr.Append(&s.b, k, true)
	s.b.WriteByte(':')
	s.inKey = true
}
func (s *jsonSerializer) CloseMap() { s.closeCollection('}') }
