package sns

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// writeJSON writes what encoding/json reads back, without escaping <, > and &.
func FuzzWriteJSON(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<&>", "tab\tline\nret\r\x00\x1f", "é ü 日本", "\xff\xfe bad", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		writeJSON(&b, s)
		var got string
		if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
			t.Fatalf("writeJSON(%q) = %s: %v", s, b.String(), err)
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if !utf8.ValidString(s) {
			// each invalid byte becomes one U+FFFD, as encoding/json decodes it
			var w strings.Builder
			for i := 0; i < len(s); {
				r, size := utf8.DecodeRuneInString(s[i:])
				w.WriteRune(r)
				i += size
			}
			want = w.String()
		}
		if got != want {
			t.Fatalf("writeJSON(%q) read back as %q, want %q", s, got, want)
		}
		if strings.ContainsAny(s, "<>&") && strings.Contains(b.String(), `\u003c`) {
			t.Fatalf("escaped HTML: %s", b.String())
		}
	})
}
