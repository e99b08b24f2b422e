package jsonstr

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// Append writes what encoding/json reads back, without escaping <, > and &; U+2028 and U+2029
// are escaped only when asked.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<&>", "tab\tline\nret\r\x00\x1f", "é ü 日本", "\xff\xfe bad", "\u2028 \u2029"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, lineSeparators bool) {
		var b bytes.Buffer
		Append(&b, s, lineSeparators)
		var got string
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatalf("Append(%q) = %s: %v", s, b.String(), err)
		}
		var want strings.Builder // each invalid byte becomes one U+FFFD, as encoding/json decodes it
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			want.WriteRune(r)
			i += size
		}
		if got != want.String() {
			t.Fatalf("Append(%q) read back as %q, want %q", s, got, want.String())
		}
		if strings.Contains(b.String(), `\u003c`) || strings.Contains(b.String(), `\u0026`) {
			t.Fatalf("escaped HTML: %s", b.String())
		}
		if !lineSeparators && strings.Contains(s, "\u2028") && strings.Contains(b.String(), `\u2028`) {
			t.Fatalf("escaped U+2028 unasked: %s", b.String())
		}
		if lineSeparators && strings.Contains(b.String(), "\u2028") {
			t.Fatalf("U+2028 not escaped: %s", b.String())
		}
	})
}
