package snswire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// sdkBodies are the request bodies the SDK client sends for every operation with every member
// filled in, captured on their way to the handler.
func sdkBodies(t testing.TB) []string {
	var mu sync.Mutex
	var bodies []string
	f := newFake()
	h := NewHandler(f, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := client(srv)
	for i, op := range opNames() {
		in := reflect.New(operations[op].inputType)
		seed := i
		fill(in.Elem(), &seed)
		m := reflect.ValueOf(c).MethodByName(op)
		m.Call([]reflect.Value{reflect.ValueOf(t.Context()), in})
	}
	return bodies
}

// FuzzDecode: no form body makes the handler panic, and every answer is well-formed XML of the
// right shape with a status the codec uses.
func FuzzDecode(f *testing.F) {
	for _, b := range sdkBodies(f) {
		f.Add(b)
	}
	for _, b := range []string{
		"", "Action", "Action=", "Action=Publish&Message=%", "Action=Publish&Message=%zz",
		"Action=TagResource&Tags.member.1001.Key=k", "Action=TagResource&Tags.member.1.Key=k&Tags.member.1=&Tags=",
		"Action=Publish&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.BinaryValue=%FF",
		"Action=PublishBatch&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name=&PublishBatchRequestEntries.member.1.Id=\x00",
		"Action=Subscribe&ReturnSubscriptionArn=maybe", "Action=CreateTopic&Attributes.entry.1.value=v&Attributes.entry..key=k",
		"Action=ListTopics&Version=2012-11-05", "Action=ConfirmSubscription", "Action=publish",
		"Action=CreateTopic&Name=%C0%AF&Tags.member.01.Key=a&Tags.member.-1.Key=b&Tags.member.1.Key.Extra=c",
	} {
		f.Add(b)
	}
	// A backend answering every operation with every output member filled in.
	backend := newFake()
	backend.discard = true
	for i, op := range opNames() {
		m, _ := reflect.TypeFor[*sns.Client]().MethodByName(op)
		out := reflect.New(m.Type.Out(0).Elem())
		seed := i
		fill(out.Elem(), &seed)
		backend.outs[op] = out.Interface()
	}
	h := NewHandler(backend, func() string { return "fuzz" })
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "http://localhost/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("status %d for %q", w.Code, body)
		}
		root := ""
		d := xml.NewDecoder(bytes.NewReader(w.Body.Bytes()))
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("response is not XML: %v\n%s", err, w.Body.String())
			}
			if se, ok := tok.(xml.StartElement); ok && root == "" {
				root = se.Name.Local
			}
		}
		success := root != "ErrorResponse" && strings.HasSuffix(root, "Response")
		if (w.Code == http.StatusOK) != success || (w.Code != http.StatusOK) != (root == "ErrorResponse") {
			t.Fatalf("status %d with root %s", w.Code, root)
		}
	})
}
