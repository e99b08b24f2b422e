// Package jsonstr writes JSON strings without encoding/json's reflection and HTML escaping: the
// SQS JSON protocol's encoder and SNS's notification envelope both write theirs with it.
package jsonstr

import (
	"bytes"
	"unicode/utf8"
)

// Append writes s to b as a JSON string: quotes, backslashes and control characters escaped,
// invalid UTF-8 as U+FFFD, <, > and & as they are. lineSeparators escapes U+2028 and U+2029 too,
// as encoding/json does (Jackson, which SNS writes its envelope with, does not).
func Append(b *bytes.Buffer, s string, lineSeparators bool) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if lineSeparators && (r == '\u2028' || r == '\u2029') {
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
