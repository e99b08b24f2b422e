package wire

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// emptied returns a new output of out's type (a *sqs.<Op>Output) in which every list and map is
// set and empty. With nest, lists and maps of structures instead hold one element whose scalars
// are set and whose own lists and maps are set and empty, so nested collections are covered too.
func emptied(out any, nest bool) any {
	v := reflect.New(reflect.TypeOf(out).Elem())
	for _, f := range fieldsOf(v.Elem().Type()) {
		if fv := v.Elem().FieldByIndex(f.Index); fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map {
			fillEmpty(fv, nest)
		}
	}
	return v.Interface()
}

func fillEmpty(v reflect.Value, nest bool) {
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
		fillEmpty(v.Elem(), nest)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Struct:
		for _, f := range fieldsOf(t) {
			if fv := v.FieldByIndex(f.Index); fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map || nest {
				fillEmpty(fv, nest)
			}
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte("x")) // a blob, not a list
			return
		}
		n := 0
		if nest && t.Elem().Kind() == reflect.Struct {
			n = 1
		}
		v.Set(reflect.MakeSlice(t, n, n))
		for i := range n {
			fillEmpty(v.Index(i), nest)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(t))
		if nest && t.Elem().Kind() == reflect.Struct {
			e := reflect.New(t.Elem()).Elem()
			fillEmpty(e, nest)
			v.SetMapIndex(reflect.ValueOf("k").Convert(t.Key()), e)
		}
	}
}

// emptyCollections lists the paths of empty JSON arrays and objects under v (the root excluded).
func emptyCollections(path string, v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 && path != "" {
			out = append(out, path+" = {}")
		}
		for k, x := range v {
			out = append(out, emptyCollections(path+"."+k, x)...)
		}
	case []any:
		if len(v) == 0 {
			out = append(out, path+" = []")
		}
		for i, x := range v {
			out = append(out, emptyCollections(fmt.Sprintf("%s[%d]", path, i), x)...)
		}
	}
	return out
}

// TestJSONOmitsEmptyCollections walks every operation's JSON answer: SQS never serializes an empty
// list or map, so a result with none is `{}` and an all-successful batch has no "Failed" (recorded:
// test_receive_empty_queue[sqs], test_tag_untag_queue[sqs] get-tag-after-untag,
// test_sqs_permission_lifecycle[sqs] get-queue-policy-attribute-after-removal,
// test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size[sqs]).
func TestJSONOmitsEmptyCollections(t *testing.T) {
	for _, c := range allCases() {
		for _, nest := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/nested=%v", c.op, nest), func(t *testing.T) {
				rec := newRecorder()
				rec.outputs[c.op] = emptied(c.out, nest)
				rr := postJSON(t, NewHandler(rec, Options{}), c.op, `{"VisibilityTimeout":0}`)
				require.Equal(t, http.StatusOK, rr.Code, rr.Body.String())
				var doc any
				require.NoError(t, json.Unmarshal(rr.Body.Bytes(), &doc), rr.Body.String())
				assert.Empty(t, emptyCollections("", doc), rr.Body.String())
				if !nest {
					assert.Equal(t, "{}", rr.Body.String(), "only collections were set")
				}
			})
		}
	}
}

// TestQueryOmitsEmptyCollections: the Query answers of the same outputs have no empty list or map
// elements either: flattened members simply have no element, and a result with nothing in it is
// the empty <OpResult/> (TestSqsQueryApi::test_get_send_and_receive_messages).
func TestQueryOmitsEmptyCollections(t *testing.T) {
	for _, c := range allCases() {
		for _, nest := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/nested=%v", c.op, nest), func(t *testing.T) {
				rec := newRecorder()
				rec.outputs[c.op] = emptied(c.out, nest)
				res, body := postQuery(t, NewHandler(rec, Options{}), "/", form("Action", c.op, "VisibilityTimeout", "0"))
				require.Equal(t, http.StatusOK, res.StatusCode, body)
				if !nest && hasCollection(c.out) {
					assert.Contains(t, body, "<"+c.op+"Result/>")
				}
				assert.Empty(t, emptyElements(t, body), body)
			})
		}
	}
}

// emptyElements lists the elements of an XML answer that have no content, other than the empty
// result element and the answer's own elements.
func emptyElements(t *testing.T, body string) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(body))
	var out []string
	var stack []string
	content := []bool{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, body)
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(content) > 0 {
				content[len(content)-1] = true
			}
			stack = append(stack, tok.Name.Local)
			content = append(content, false)
		case xml.CharData:
			if len(content) > 0 && len(tok) > 0 {
				content[len(content)-1] = true
			}
		case xml.EndElement:
			name := stack[len(stack)-1]
			if !content[len(content)-1] && !strings.HasSuffix(name, "Result") {
				out = append(out, strings.Join(stack, "/"))
			}
			stack, content = stack[:len(stack)-1], content[:len(content)-1]
		}
	}
	return out
}

// hasCollection reports whether the output type out has a list or map member.
func hasCollection(out any) bool {
	for _, f := range fieldsOf(reflect.TypeOf(out).Elem()) {
		if k := f.Type.Kind(); (k == reflect.Slice && f.Type.Elem().Kind() != reflect.Uint8) || k == reflect.Map {
			return true
		}
	}
	return false
}
