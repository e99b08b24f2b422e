package snswire

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// maxIndex bounds N in the X.member.N and X.entry.N parameters: more list items or map entries
// than any SNS request has (10 batch entries, 50 tags, 10 message attributes) but few enough that
// a request cannot make the decoder allocate without limit.
const maxIndex = 1000

// form is a request's parameters: each one's value and their names in sorted order, so that the
// parameters under one prefix (Tags.member.1.) are one contiguous run.
type form struct {
	vals map[string]string
	keys []string
}

func newForm(vals map[string]string) *form {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return &form{vals: vals, keys: keys}
}

// parseForm adds the parameters of an application/x-www-form-urlencoded string to dst; a name
// already there keeps its value (the first one counts). Only & separates parameters.
func parseForm(dst map[string]string, raw string) error {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return malformedQuery(err)
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return malformedQuery(err)
		}
		if _, dup := dst[key]; !dup {
			dst[key] = val
		}
	}
	return nil
}

// indexes returns the N of every parameter named prefix+N or prefix+N.…, in ascending order.
// An N beyond maxIndex is an error; names whose N is not a positive integer in canonical form
// are not list items and do not count (SNS ignores parameters it does not know).
func (f *form) indexes(prefix string) ([]int, error) {
	var out []int
	last := ""
	for i := sort.SearchStrings(f.keys, prefix); i < len(f.keys) && strings.HasPrefix(f.keys[i], prefix); i++ {
		seg, _, _ := strings.Cut(f.keys[i][len(prefix):], ".")
		if seg == last {
			continue // the keys of one item are mostly adjacent; Compact removes the rest
		}
		last = seg
		if seg == "" || seg[0] < '1' || seg[0] > '9' || strings.Trim(seg, "0123456789") != "" {
			continue
		}
		n, err := strconv.Atoi(seg)
		if err != nil || n > maxIndex {
			return nil, indexOutOfRange(prefix + seg)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// decodeInput decodes a request's parameters into a new input of o.
func decodeInput(o *operation, f *form) (any, error) {
	in := reflect.New(o.inputType)
	if _, err := decodeStruct(f, in.Elem(), o.schema, ""); err != nil {
		return nil, err
	}
	return in.Interface(), nil
}

// queryName is a member's parameter and element name: its xmlName, else its member name.
func queryName(m *smithy.Schema, fallback string) string {
	if t, ok := smithy.SchemaTrait[*traits.XMLName](m); ok && t.Name != "" {
		return t.Name
	}
	if m != nil && m.MemberName() != "" {
		return m.MemberName()
	}
	return fallback
}

func flattened(m *smithy.Schema) bool {
	_, ok := smithy.SchemaTrait[*traits.XMLFlattened](m)
	return ok
}

// decodeStruct fills the struct dst, whose schema is schema, from the parameters named
// prefix+member; it reports whether any member was present.
func decodeStruct(f *form, dst reflect.Value, schema *smithy.Schema, prefix string) (bool, error) {
	set := false
	for _, sf := range fieldsOf(dst.Type()) {
		m := memberFor(schema, sf.Name)
		if m == nil {
			continue
		}
		ok, err := decodeValue(f, dst.FieldByIndex(sf.Index), m, prefix+queryName(m, sf.Name))
		if err != nil {
			return false, err
		}
		set = set || ok
	}
	return set, nil
}

// decodeValue stores the parameter(s) named name into dst, whose member schema is m; it reports
// whether the value was present.
func decodeValue(f *form, dst reflect.Value, m *smithy.Schema, name string) (bool, error) {
	t := dst.Type()
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		ok, err := decodeValue(f, p.Elem(), m, name)
		if ok {
			dst.Set(p)
		}
		return ok, err
	case reflect.Struct:
		return decodeStruct(f, dst, m, name+".")
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return decodeBlob(f, dst, name)
		}
		return decodeList(f, dst, m, name)
	case reflect.Map:
		return decodeMap(f, dst, m, name)
	}
	v, ok := f.vals[name]
	if !ok {
		return false, nil
	}
	switch t.Kind() {
	case reflect.String:
		dst.SetString(v)
	case reflect.Bool:
		switch strings.ToLower(v) {
		case "true":
			dst.SetBool(true)
		case "false":
			dst.SetBool(false)
		default:
			return false, invalidValue(name, v, "must be true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(v, 10, t.Bits())
		if err != nil {
			return false, invalidValue(name, v, "must be an integer")
		}
		dst.SetInt(i)
	default:
		return false, internalError("snswire: cannot decode " + name + " into " + t.String())
	}
	return true, nil
}

// decodeBlob decodes a base64 parameter.
func decodeBlob(f *form, dst reflect.Value, name string) (bool, error) {
	v, ok := f.vals[name]
	if !ok {
		return false, nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return false, invalidValue(name, v, "must be base64-encoded")
	}
	dst.SetBytes(b)
	return true, nil
}

// decodeList decodes name.member.N (or name.N when flattened). A list with no items is present
// when the parameter name itself is (the SDKs send "Tags=" for an empty list).
func decodeList(f *form, dst reflect.Value, m *smithy.Schema, name string) (bool, error) {
	prefix := name + "."
	if !flattened(m) {
		prefix += queryName(m.ListMember(), "member") + "."
	}
	idx, err := f.indexes(prefix)
	if err != nil {
		return false, err
	}
	sl := reflect.MakeSlice(dst.Type(), 0, len(idx))
	for _, n := range idx {
		v := reflect.New(dst.Type().Elem()).Elem()
		ok, err := decodeValue(f, v, m.ListMember(), prefix+strconv.Itoa(n))
		if err != nil {
			return false, err
		}
		if ok {
			sl = reflect.Append(sl, v)
		}
	}
	if sl.Len() == 0 {
		if _, ok := f.vals[name]; !ok {
			return false, nil
		}
	}
	dst.Set(sl)
	return true, nil
}

// decodeMap decodes name.entry.N.key and name.entry.N.value (MessageAttributes: .Name and
// .Value.*). An entry without a key is ignored; of two entries with one key, the first counts.
// A map with no entries is absent, as the SDKs send nothing for an empty map.
func decodeMap(f *form, dst reflect.Value, m *smithy.Schema, name string) (bool, error) {
	prefix := name + "."
	if !flattened(m) {
		prefix += "entry."
	}
	idx, err := f.indexes(prefix)
	if err != nil {
		return false, err
	}
	keyName, valName := queryName(m.MapKey(), "key"), queryName(m.MapValue(), "value")
	t := dst.Type()
	mp := reflect.MakeMapWithSize(t, len(idx))
	for _, n := range idx {
		entry := prefix + strconv.Itoa(n) + "."
		k, ok := f.vals[entry+keyName]
		if !ok {
			continue
		}
		key := reflect.ValueOf(k).Convert(t.Key())
		if mp.MapIndex(key).IsValid() {
			continue
		}
		v := reflect.New(t.Elem()).Elem()
		if _, err := decodeValue(f, v, m.MapValue(), entry+valName); err != nil {
			return false, err
		}
		mp.SetMapIndex(key, v)
	}
	if mp.Len() == 0 {
		return false, nil
	}
	dst.Set(mp)
	return true, nil
}

var fieldCache sync.Map // reflect.Type → []reflect.StructField

// fieldsOf lists the exported fields of an SDK struct type but ResultMetadata; the SDK names
// fields after the service's members.
func fieldsOf(t reflect.Type) []reflect.StructField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]reflect.StructField)
	}
	var f []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.IsExported() && sf.Name != "ResultMetadata" {
			f = append(f, sf)
		}
	}
	fieldCache.Store(t, f)
	return f
}

// memberFor finds the schema member of a Go field (same name, or the same but for case).
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
