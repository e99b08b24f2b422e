package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// jsonBodyOf is the AWS JSON body of an input, as the SDK would send it.
func jsonBodyOf(in any) []byte {
	s := &jsonSerializer{}
	in.(smithy.Serializable).Serialize(s)
	return append([]byte(nil), s.Bytes()...)
}

// checkRoundTrip: an input the decoder produced survives encoding and decoding unchanged, up
// to what the encoder does not write: SQS's JSON never carries an empty list or map, so an empty
// one (`"Entries": []`) encodes as an absent one and decodes as nil.
func checkRoundTrip(t *testing.T, o *operation, in any) {
	t.Helper()
	body := jsonBodyOf(in)
	again, err := decodeJSONInput(o, body)
	if err != nil {
		t.Fatalf("%s: re-decoding %s: %v", o.name, body, err)
	}
	if reflect.DeepEqual(in, again.Interface()) {
		return
	}
	require.Equal(t, string(body), string(jsonBodyOf(again.Interface())), "%s: round trip of %s", o.name, body)
}

// checkRejection: a decode error is an SQS client error, never a server error.
func checkRejection(t *testing.T, err error) {
	t.Helper()
	var se *sqserr.Error
	if !errors.As(err, &se) || se.Status < 400 || se.Status > 499 {
		t.Fatalf("decode error is not an SQS client error: %#v", err)
	}
}

// FuzzJSONDecode: no body panics the JSON decoder or the handler; only decodable bodies reach
// the backend; decoded inputs round-trip.
func FuzzJSONDecode(f *testing.F) {
	ops := Operations()
	for i, name := range ops {
		for _, c := range allCases() {
			if c.op == name {
				f.Add(uint8(i), jsonBodyOf(c.in))
			}
		}
	}
	f.Add(uint8(0), []byte(`{"QueueUrl":5}`))
	f.Add(uint8(1), []byte(`{`))
	f.Add(uint8(2), []byte(`null`))
	f.Add(uint8(3), []byte(`{"Entries":[{"Id":"a","VisibilityTimeout":1e3}]}`))
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		o := operations[ops[int(opIndex)%len(ops)]]
		in, err := decodeJSONInput(o, body)
		if err != nil {
			checkRejection(t, err)
		} else {
			trimmed := bytes.TrimSpace(body)
			if len(trimmed) > 0 && !json.Valid(trimmed) {
				t.Fatalf("invalid JSON %q was accepted", body)
			}
			if !needsRawStrings(body) {
				// Strings that are not UTF-8 reach the backend as sent; a response would
				// carry them as U+FFFD, so only the others round-trip.
				checkRoundTrip(t, o, in.Interface())
			}
		}

		rec := newRecorder()
		req := httptest.NewRequest(http.MethodPost, "http://sqs.test/", bytes.NewReader(body))
		req.Header.Set("Content-Type", jsonContentType)
		req.Header.Set("X-Amz-Target", targetPrefix+o.name)
		rr := httptest.NewRecorder()
		NewHandler(rec, Options{}).ServeHTTP(rr, req)
		reached := len(rec.Calls()) > 0
		if reached != (err == nil) {
			t.Fatalf("backend reached=%v but decode error=%v", reached, err)
		}
		if !json.Valid(rr.Body.Bytes()) {
			t.Fatalf("response is not JSON: %q", rr.Body.String())
		}
		if (rr.Code == http.StatusOK) != reached {
			t.Fatalf("status %d with backend reached=%v", rr.Code, reached)
		}
	})
}

// FuzzQueryDecode: no Query request panics the handler; only requests that parse and name an
// operation reach the backend; what reaches it is what the JSON decoder makes of the same input.
func FuzzQueryDecode(f *testing.F) {
	params := queryParamsFor()
	for _, name := range Operations() {
		p := params[name]
		p.Set("Action", name)
		f.Add(p.Encode())
	}
	f.Add("Action=SendMessage&MessageBody=%zz")
	f.Add("Action=ReceiveMessage&MaxNumberOfMessages=1e3&AttributeName.01=x&AttributeName.1.2=y")
	f.Add("Action=TagQueue&Tag.1.Key=a&Tag.1.Key.x=b&Tag..Value=c&Tag.1=d")
	f.Add("Action=SendMessageBatch&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.BinaryListValue.1=AA==")
	f.Fuzz(func(t *testing.T, body string) {
		rec := newRecorder()
		req := httptest.NewRequest(http.MethodPost, "http://sqs.test/123456789012/q", strings.NewReader(body))
		req.Header.Set("Content-Type", formType)
		rr := httptest.NewRecorder()
		NewHandler(rec, Options{}).ServeHTTP(rr, req)

		vals, perr := url.ParseQuery(body)
		calls := rec.Calls()
		if len(calls) > 0 {
			if perr != nil {
				t.Fatalf("malformed query %q reached the backend", body)
			}
			if operations[vals.Get("Action")] == nil {
				t.Fatalf("request without a valid Action reached the backend: %q", body)
			}
			if rr.Code != http.StatusOK {
				t.Fatalf("backend reached but status %d", rr.Code)
			}
			if allValidUTF8(vals) {
				// The same input through the JSON decoder.
				o := operations[vals.Get("Action")]
				checkRoundTrip(t, o, calls[0].input)
			}
		} else if rr.Code < 400 || rr.Code > 499 {
			t.Fatalf("rejected with status %d: %s", rr.Code, rr.Body.String())
		}
		requireWellFormedXML(t, rr.Body.String())
	})
}

func allValidUTF8(v url.Values) bool {
	for k, vs := range v {
		if !utf8.ValidString(k) {
			return false
		}
		for _, s := range vs {
			if !utf8.ValidString(s) {
				return false
			}
		}
	}
	return true
}

// TestWriteFuzzCorpus writes the seed corpora under testdata/fuzz with -update, so they are
// committed and `go test` replays them even without -fuzz.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*update {
		t.Skip("use -update to rewrite the seed corpora")
	}
	ops := Operations()
	dir := filepath.Join("testdata", "fuzz", "FuzzJSONDecode")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for i, name := range ops {
		for _, c := range allCases() {
			if c.op == name {
				writeCorpus(t, filepath.Join(dir, "seed-"+name), fmt.Sprintf("uint8(%d)", i), "[]byte("+strconv.Quote(string(jsonBodyOf(c.in)))+")")
			}
		}
	}
	dir = filepath.Join("testdata", "fuzz", "FuzzQueryDecode")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	params := queryParamsFor()
	for _, name := range ops {
		p := params[name]
		p.Set("Action", name)
		writeCorpus(t, filepath.Join(dir, "seed-"+name), "string("+strconv.Quote(p.Encode())+")")
	}
}

func writeCorpus(t *testing.T, path string, values ...string) {
	t.Helper()
	content := "go test fuzz v1\n" + strings.Join(values, "\n") + "\n"
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}
