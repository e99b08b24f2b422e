package wire

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJSONStringsKeepWhatTheClientSent: the JSON decoder hands the backend the characters the
// client sent, even those SQS rejects (an unpaired surrogate escape, bytes that are not UTF-8),
// so the engine answers InvalidMessageContents as for the same input over Query, instead of
// storing U+FFFD in their place. Valid escapes decode as encoding/json decodes them.
func TestJSONStringsKeepWhatTheClientSent(t *testing.T) {
	tests := []struct {
		name, literal string // the JSON string literal, quotes included
		want          string
	}{
		{"lone high surrogate", `"a\ud800b"`, "a\xed\xa0\x80b"},
		{"lone high surrogate, upper case", `"\uDBFF"`, "\xed\xaf\xbf"},
		{"lone low surrogate", `"\udc00x"`, "\xed\xb0\x80x"},
		{"high surrogate then a letter escape", `"\ud800\u0041"`, "\xed\xa0\x80A"},
		{"two high surrogates", `"\ud83d\ud83d"`, "\xed\xa0\xbd\xed\xa0\xbd"},
		{"reversed pair", `"\ude00\ud83d"`, "\xed\xb8\x80\xed\xa0\xbd"},
		{"pair", `"\ud83d\ude00"`, "😀"},
		{"pair next to a lone one", `"\ud800\ud83d\ude00"`, "\xed\xa0\x80😀"},
		{"escaped backslash, not an escape", `"\\ud800"`, `\ud800`},
		{"invalid UTF-8 byte", "\"a\xffb\"", "a\xffb"},
		{"truncated UTF-8 sequence", "\"\xe2\x82\"", "\xe2\x82"},
		{"every short escape", `"\"\\\/\b\f\n\r\t\u00e9"`, "\"\\/\b\f\n\r\té"},
	}
	o := operations["SendMessage"]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"QueueUrl":"q","MessageBody":` + tt.literal + `,"MessageAttributes":{"s":{"DataType":"String","StringValue":` + tt.literal + `}}}`
			in, err := decodeJSONInput(o, []byte(body))
			require.NoError(t, err)
			got := in.Interface().(*sqs.SendMessageInput)
			assert.Equal(t, []byte(tt.want), []byte(aws.ToString(got.MessageBody)), "MessageBody")
			assert.Equal(t, []byte(tt.want), []byte(aws.ToString(got.MessageAttributes["s"].StringValue)), "String attribute")
		})
	}
	t.Run("batch entries", func(t *testing.T) {
		body := `{"QueueUrl":"q","Entries":[{"Id":"a","MessageBody":"ok"},{"Id":"b","MessageBody":"x\udfffy"}]}`
		in, err := decodeJSONInput(operations["SendMessageBatch"], []byte(body))
		require.NoError(t, err)
		got := in.Interface().(*sqs.SendMessageBatchInput)
		require.Len(t, got.Entries, 2)
		assert.Equal(t, "ok", aws.ToString(got.Entries[0].MessageBody))
		assert.Equal(t, "x\xed\xbf\xbfy", aws.ToString(got.Entries[1].MessageBody))
	})
	t.Run("type errors are still reported", func(t *testing.T) {
		_, err := decodeJSONInput(o, []byte(`{"QueueUrl":"q\ud800","MessageBody":5}`))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "NUMBER_VALUE can not be converted to a String")
	})
}

// TestKeepRawStringsDecodesValidJSONAsEncodingJSON: on input encoding/json decodes faithfully,
// the decoder that keeps raw strings gives the same values, so taking it on a false positive of
// needsRawStrings changes nothing.
func TestKeepRawStringsDecodesValidJSONAsEncodingJSON(t *testing.T) {
	bodies := [][]byte{
		[]byte(`{"a":"x\ud83d\ude00y","b":["\\ud800",1.5e3,true,null,{"c":"\u00e9\n"}],"d":-0,"e":{}}`),
		[]byte(` {"QueueUrl" : "q" , "MessageBody":"\"quoted\" \/ \\"} `),
	}
	for _, c := range allCases() {
		bodies = append(bodies, jsonBodyOf(c.in))
	}
	for _, body := range bodies {
		var want any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&want), "%s", body)
		got, err := keepRawStrings(bytes.TrimSpace(body))
		require.NoError(t, err)
		assert.Equal(t, want, got, "%s", body)
	}
}

func TestNeedsRawStrings(t *testing.T) {
	for body, want := range map[string]bool{
		`{"a":"plain é"}`:                  false,
		`{"a":"\u00e9\ud83d\ude00"}`:       false,
		`{"a":"\ud800"}`:                   true,
		`{"a":"\udc00"}`:                   true,
		`{"a":"\ud83d\u0041"}`:             true,
		`{"a":"\ud83d"}`:                   true,
		`{"a":"\ud83d\ude0"}`:              true, // not valid JSON: encoding/json rejects it first
		"{\"a\":\"\xff\"}":                 true,
		`{"a":"\\ud800"}`:                  true, // a false positive: only slower
		`{"a":"\uZZZZ"}`:                   false,
		`{"a":"\ud83d\ude00\ud83d\ude00"}`: false,
	} {
		assert.Equal(t, want, needsRawStrings([]byte(body)), body)
	}
}
