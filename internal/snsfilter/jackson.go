package snsfilter

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// SNS reads a filter policy twice, both times with Jackson, the JSON parser of the JVM:
//
//  1. As a JSON tree (ObjectMapper.readTree). A syntax error is answered as "failed to parse
//     JSON. <Jackson's message>", located in the text sent, whose source Jackson 2.16 and later
//     no longer quote (the answers recorded since 2025 say REDACTED). The tree keeps an object's
//     keys in first-seen order, a repeated key's last value in its first place, and reads
//     nothing after the first value.
//  2. Written back compactly (JsonNode.toString), and that text given to event-ruler, whose
//     errors quote it: `(String)"{"key":[["value"]]}"` for a policy sent as {"key": [["value"]]}.
//     Written back, a decimal or exponent number is a Java double ("100.0", "1.0E10"; an infinite
//     one the string "Infinity"), "-0" is 0, and strings are escaped as Jackson escapes them.
//
// jsonNode, readTree and compact do the same, and jacksonError words a syntax error as Jackson
// 2.17 does for the cases a policy meets (unexpected characters, unknown tokens, bad numbers,
// strings and escapes, a missing end, nesting past 1,000).

// jsonNode is a JSON value as Jackson's tree holds it.
type jsonNode struct {
	kind  byte   // '{', '[', '"' (string), '0' (number), 'l' (true, false, null)
	text  string // a string's value, a number's or literal's text as written back
	keys  []string
	elems []*jsonNode // an array's elements; an object's values, one per key
}

// jacksonError is a syntax error: Jackson's message and, when it gives one, its location.
type jacksonError struct {
	msg string
	at  *position // nil: no location
}

// position is a location as Jackson counts it: the line, and the line's start and the
// location's byte offsets (the column counts UTF-16 units from 1).
type position struct{ line, lineStart, off int }

// redacted is how Jackson 2.16 and later print a location without the source.
func redacted(src string, p position) string {
	col := utf16Len(src[min(p.lineStart, p.off):p.off]) + 1
	return fmt.Sprintf("[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: %d, column: %d]", p.line, col)
}

// message is the error's text as Jackson's exception gives it.
func (e *jacksonError) message(src string) string {
	if e.at == nil {
		return e.msg
	}
	return e.msg + "\n at " + redacted(src, *e.at)
}

// lineColumn is Jackson's line and column of a byte offset in a text whose line breaks are all
// white space between tokens: lines end at \n, \r or \r\n, and columns count UTF-16 units
// from 1.
func lineColumn(src string, off int) (line, col int) {
	line, start := 1, 0
	for i := 0; i < off && i < len(src); i++ {
		switch src[i] {
		case '\n':
			line, start = line+1, i+1
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			line, start = line+1, i+1
		}
	}
	off = min(off, len(src))
	return line, utf16Len(src[min(start, off):off]) + 1
}

// utf16Len is the length of s in UTF-16 units, Java's String.length.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

const maxNesting = 1000 // Jackson's StreamReadConstraints.getMaxNestingDepth()

// treeReader is readTree over src; i is the read position, on a line that starts at lineStart
// (Jackson counts lines in the white space between tokens only).
type treeReader struct {
	src             string
	i               int
	depth           int
	line, lineStart int
}

// pos is a byte offset on the current line as a location.
func (r *treeReader) pos(off int) *position {
	return &position{line: r.line, lineStart: r.lineStart, off: off}
}

// readTree reads the first JSON value of src; nil, nil when src holds only white space.
func readTree(src string) (*jsonNode, *jacksonError) {
	r := &treeReader{src: src, line: 1}
	c, err := r.skipSpace()
	if err != nil {
		return nil, err
	}
	if c < 0 {
		return nil, nil
	}
	n, err := r.value(c)
	if err != nil {
		return nil, err
	}
	if n.kind == '0' && r.i < len(src) && !strings.ContainsRune(" \t\r\n", rune(src[r.i])) {
		return nil, r.unexpected(r.i, "Expected space separating root-level values")
	}
	return n, nil
}

// charDesc is Jackson's description of a character in a message.
func charDesc(c rune) string {
	switch {
	case c < 0x20 || c >= 0x7f && c <= 0x9f:
		return fmt.Sprintf("(CTRL-CHAR, code %d)", c)
	case c > 255:
		return fmt.Sprintf("'%c' (code %d / 0x%x)", c, c, c)
	}
	return fmt.Sprintf("'%c' (code %d)", c, c)
}

// at is the character at byte offset i, and its size.
func (r *treeReader) at(i int) (rune, int) {
	return utf8.DecodeRuneInString(r.src[i:])
}

// unexpected is Jackson's "Unexpected character" error, located at the character itself.
func (r *treeReader) unexpected(i int, comment string) *jacksonError {
	c, _ := r.at(i)
	return &jacksonError{msg: fmt.Sprintf("Unexpected character (%s): %s", charDesc(c), comment), at: r.pos(i)}
}

// fail is an error located where the reader stands.
func (r *treeReader) fail(format string, args ...any) *jacksonError {
	return &jacksonError{msg: fmt.Sprintf(format, args...), at: r.pos(r.i)}
}

// eof is Jackson's "Unexpected end-of-input" error.
func (r *treeReader) eof(what string) *jacksonError {
	return &jacksonError{msg: "Unexpected end-of-input" + what, at: r.pos(len(r.src))}
}

// skipSpace skips white space and returns the next byte, unread (-1 at the end).
func (r *treeReader) skipSpace() (int, *jacksonError) {
	for r.i < len(r.src) {
		c := r.src[r.i]
		switch {
		case c == ' ' || c == '\t':
			r.i++
		case c == '\n' || c == '\r':
			r.i++
			if c == '\r' && r.i < len(r.src) && r.src[r.i] == '\n' {
				r.i++
			}
			r.line, r.lineStart = r.line+1, r.i
		case c == '/':
			return 0, r.unexpected(r.i, "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)")
		case c < 0x20:
			r.i++
			return 0, r.fail("Illegal character (%s): only regular white space (\\r, \\n, \\t) is allowed between tokens", charDesc(rune(c)))
		default:
			return int(c), nil
		}
	}
	return -1, nil
}

func (r *treeReader) value(c int) (*jsonNode, *jacksonError) {
	switch {
	case c == '"':
		s, err := r.str("string value")
		return &jsonNode{kind: '"', text: s}, err
	case c == '{':
		return r.object()
	case c == '[':
		return r.array()
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	}
	return nil, r.odd()
}

// odd is the error for a value that starts with nothing a value starts with.
func (r *treeReader) odd() *jacksonError {
	const valid = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
	start := r.i
	c, size := r.at(start)
	switch c {
	case 'N', 'I':
		word := map[rune]string{'N': "NaN", 'I': "Infinity"}[c]
		if strings.HasPrefix(r.src[start:], word) {
			r.i += len(word)
			if err := r.endOfWord(word); err != nil {
				return err
			}
			return r.fail("Non-standard token '%s': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", word)
		}
	case '+':
		r.i++
		if r.i >= len(r.src) {
			return r.eof(" in a Number value")
		}
		r.i++
		return r.fail("Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow")
	}
	if identStart(c) {
		r.i += size
		return r.invalidToken(string(c))
	}
	return r.unexpected(start, "expected a valid value "+valid)
}

// invalidToken is Jackson's "Unrecognized token": the part read and the identifier characters
// after it, up to 256 characters.
func (r *treeReader) invalidToken(part string) *jacksonError {
	var b strings.Builder
	b.WriteString(part)
	n := utf16Len(part)
	for r.i < len(r.src) {
		c, size := r.at(r.i)
		if !identPart(c) {
			break
		}
		r.i += size
		b.WriteRune(c)
		if n += utf16.RuneLen(c); n >= 256 {
			b.WriteString("...")
			break
		}
	}
	return r.fail("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", b.String())
}

// identStart and identPart are Java's Character.isJavaIdentifierStart and isJavaIdentifierPart.
func identStart(c rune) bool {
	return unicode.IsLetter(c) || unicode.Is(unicode.Nl, c) || unicode.Is(unicode.Sc, c) || unicode.Is(unicode.Pc, c)
}

func identPart(c rune) bool {
	return identStart(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c) || unicode.Is(unicode.Mc, c) ||
		c <= 8 || c >= 0xe && c <= 0x1b || c >= 0x7f && c <= 0x9f || unicode.Is(unicode.Cf, c)
}

// literal reads true, false or null, whose first letter is at r.i.
func (r *treeReader) literal(word string) (*jsonNode, *jacksonError) {
	r.i++
	for k := 1; k < len(word); k++ {
		if r.i >= len(r.src) || r.src[r.i] != word[k] {
			return nil, r.invalidToken(word[:k])
		}
		r.i++
	}
	if err := r.endOfWord(word); err != nil {
		return nil, err
	}
	return &jsonNode{kind: 'l', text: word}, nil
}

// endOfWord refuses a token that runs on into identifier characters ("truex").
func (r *treeReader) endOfWord(word string) *jacksonError {
	if r.i >= len(r.src) {
		return nil
	}
	c, _ := r.at(r.i)
	if c < '0' || c == ']' || c == '}' || !identPart(c) {
		return nil
	}
	return r.invalidToken(word)
}

// number reads a number and writes it back as Jackson's tree does.
func (r *treeReader) number() (*jsonNode, *jacksonError) {
	start := r.i
	neg := r.src[r.i] == '-'
	if neg {
		r.i++
		if r.i >= len(r.src) {
			return nil, r.eof(" in a Number value")
		}
		if c := r.src[r.i]; c < '0' || c > '9' {
			ch, size := r.at(r.i)
			r.i += size
			return nil, r.fail("Unexpected character (%s) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", charDesc(ch))
		}
	}
	digits := func() int {
		n := 0
		for r.i < len(r.src) && r.src[r.i] >= '0' && r.src[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	intStart := r.i
	digits()
	if r.src[intStart] == '0' && r.i-intStart > 1 {
		r.i = intStart + 2
		return nil, r.fail("Invalid numeric value: Leading zeroes not allowed")
	}
	float := false
	if r.i < len(r.src) && r.src[r.i] == '.' {
		float = true
		r.i++
		if digits() == 0 {
			if r.i >= len(r.src) {
				return nil, r.eof(" in a Number value")
			}
			ch, size := r.at(r.i)
			r.i += size
			return nil, r.fail("Unexpected character (%s) in numeric value: Decimal point not followed by a digit", charDesc(ch))
		}
	}
	if r.i < len(r.src) && (r.src[r.i] == 'e' || r.src[r.i] == 'E') {
		float = true
		r.i++
		if r.i < len(r.src) && (r.src[r.i] == '+' || r.src[r.i] == '-') {
			r.i++
		}
		if digits() == 0 {
			if r.i >= len(r.src) {
				return nil, r.eof(" in a Number value")
			}
			ch, size := r.at(r.i)
			r.i += size
			return nil, r.fail("Unexpected character (%s) in numeric value: Exponent indicator not followed by a digit", charDesc(ch))
		}
	}
	text := r.src[start:r.i]
	if !float {
		if strings.Trim(text, "-0") == "" {
			text = "0" // BigInteger and int have no negative zero
		}
		return &jsonNode{kind: '0', text: text}, nil
	}
	f, _ := strconv.ParseFloat(text, 64) // out of range: ±Inf, as Double.parseDouble
	if math.IsInf(f, 0) {
		// Jackson writes a non-finite double as a string (QUOTE_NON_NUMERIC_NUMBERS).
		return &jsonNode{kind: '"', text: map[bool]string{false: "Infinity", true: "-Infinity"}[f < 0]}, nil
	}
	return &jsonNode{kind: '0', text: javaDouble(f)}, nil
}

// javaDouble is Java's Double.toString: the shortest digits that identify f, in plain notation
// from 10^-3 up to 10^7 and in computerized scientific notation ("1.0E10") beyond, never without
// a fractional digit.
func javaDouble(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// str reads a string whose opening quote is at r.i; what names it in errors ("string value" or
// "name").
func (r *treeReader) str(what string) (string, *jacksonError) {
	r.i++
	var b strings.Builder
	for {
		if r.i >= len(r.src) {
			if what == "name" {
				return "", r.eof(" in field name")
			}
			return "", r.eof(": was expecting closing quote for a string value")
		}
		c, size := r.at(r.i)
		r.i += size
		switch {
		case c == '"':
			return b.String(), nil
		case c == '\\':
			if err := r.escape(&b); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", r.fail("Illegal unquoted character (%s): has to be escaped using backslash to be included in %s", charDesc(c), what)
		default:
			b.WriteRune(c)
		}
	}
}

// escape reads an escape sequence after its backslash.
func (r *treeReader) escape(b *strings.Builder) *jacksonError {
	if r.i >= len(r.src) {
		return r.eof(" in character escape sequence")
	}
	c, size := r.at(r.i)
	r.i += size
	switch c {
	case '"', '\\', '/':
		b.WriteRune(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		u, err := r.hex4()
		if err != nil {
			return err
		}
		if utf16.IsSurrogate(u) && u < 0xdc00 && strings.HasPrefix(r.src[r.i:], `\u`) {
			save := r.i
			r.i += 2
			lo, err := r.hex4()
			if err != nil {
				return err
			}
			if pair := utf16.DecodeRune(u, lo); pair != unicode.ReplacementChar {
				b.WriteRune(pair)
				return nil
			}
			r.i = save
		}
		b.WriteRune(u) // a lone surrogate becomes U+FFFD
	default:
		return r.fail("Unrecognized character escape %s", charDesc(c))
	}
	return nil
}

// hex4 reads the four hex digits of a \u escape.
func (r *treeReader) hex4() (rune, *jacksonError) {
	var u rune
	for k := 0; k < 4; k++ {
		if r.i >= len(r.src) {
			return 0, r.eof(" in character escape sequence")
		}
		c, size := r.at(r.i)
		d := strings.IndexRune("0123456789abcdef", unicode.ToLower(c))
		if d < 0 || c > unicode.MaxASCII {
			r.i += size
			return 0, r.unexpected(r.i-size, "expected a hex-digit for character escape sequence")
		}
		r.i++
		u = u<<4 | rune(d)
	}
	return u, nil
}

// enter and leave count the nesting of arrays and objects.
func (r *treeReader) enter() *jacksonError {
	if r.depth++; r.depth > maxNesting {
		return &jacksonError{msg: fmt.Sprintf("Document nesting depth (%d) exceeds the maximum allowed (%d, from `StreamReadConstraints.getMaxNestingDepth()`)", r.depth, maxNesting)}
	}
	return nil
}

// mismatched is the error for a close marker of the wrong kind.
func (r *treeReader) mismatched(at int, start *position, kind string) *jacksonError {
	want := map[string]string{"Array": "]", "Object": "}"}[kind]
	return &jacksonError{msg: fmt.Sprintf("Unexpected close marker '%c': expected '%s' (for %s starting at %s)", r.src[at], want, kind, redacted(r.src, *start)), at: r.pos(at)}
}

// unclosed is the error for the end of the input inside an array or object.
func (r *treeReader) unclosed(start *position, kind string) *jacksonError {
	return r.eof(fmt.Sprintf(": expected close marker for %s (start marker at %s)", kind, redacted(r.src, *start)))
}

func (r *treeReader) array() (*jsonNode, *jacksonError) {
	start := r.pos(r.i)
	r.i++
	if err := r.enter(); err != nil {
		return nil, err
	}
	defer func() { r.depth-- }()
	n := &jsonNode{kind: '['}
	for first := true; ; first = false {
		c, err := r.skipSpace()
		if err != nil {
			return nil, err
		}
		switch {
		case c < 0:
			return nil, r.unclosed(start, "Array")
		case c == ']':
			r.i++
			return n, nil
		case c == '}':
			return nil, r.mismatched(r.i, start, "Array")
		case !first:
			if c != ',' {
				return nil, r.unexpected(r.i, "was expecting comma to separate Array entries")
			}
			r.i++
			if c, err = r.skipSpace(); err != nil {
				return nil, err
			}
			if c < 0 {
				return nil, r.eof(" within/between Array entries")
			}
		}
		if c == ']' {
			return nil, r.unexpected(r.i, "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
		}
		v, err := r.value(c)
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
	}
}

func (r *treeReader) object() (*jsonNode, *jacksonError) {
	start := r.pos(r.i)
	r.i++
	if err := r.enter(); err != nil {
		return nil, err
	}
	defer func() { r.depth-- }()
	n := &jsonNode{kind: '{'}
	index := map[string]int{}
	for first := true; ; first = false {
		c, err := r.skipSpace()
		if err != nil {
			return nil, err
		}
		switch {
		case c < 0:
			return nil, r.unclosed(start, "Object")
		case c == '}':
			r.i++
			return n, nil
		case c == ']':
			return nil, r.mismatched(r.i, start, "Object")
		case !first:
			if c != ',' {
				return nil, r.unexpected(r.i, "was expecting comma to separate Object entries")
			}
			r.i++
			if c, err = r.skipSpace(); err != nil {
				return nil, err
			}
			if c < 0 {
				return nil, r.eof(" within/between Object entries")
			}
		}
		if c != '"' {
			return nil, r.unexpected(r.i, "was expecting double-quote to start field name")
		}
		key, err := r.str("name")
		if err != nil {
			return nil, err
		}
		if c, err = r.skipSpace(); err != nil {
			return nil, err
		}
		if c < 0 {
			return nil, r.eof(" within/between Object entries")
		}
		if c != ':' {
			return nil, r.unexpected(r.i, "was expecting a colon to separate field name and value")
		}
		r.i++
		if c, err = r.skipSpace(); err != nil {
			return nil, err
		}
		if c < 0 {
			return nil, r.eof(" within/between Object entries")
		}
		v, err := r.value(c)
		if err != nil {
			return nil, err
		}
		if k, ok := index[key]; ok {
			n.elems[k] = v // a repeated key keeps its first place and its last value
			continue
		}
		index[key] = len(n.keys)
		n.keys = append(n.keys, key)
		n.elems = append(n.elems, v)
	}
}

// compact writes the tree back as Jackson does, without white space.
func (n *jsonNode) compact(b *strings.Builder) {
	switch n.kind {
	case '{':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			quote(b, k)
			b.WriteByte(':')
			n.elems[i].compact(b)
		}
		b.WriteByte('}')
	case '[':
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			e.compact(b)
		}
		b.WriteByte(']')
	case '"':
		quote(b, n.text)
	default:
		b.WriteString(n.text)
	}
}

// quote writes a JSON string as Jackson does: \" \\ \b \t \f \n \r, other control characters
// as \u00XX (upper-case hex), everything else as it is.
func quote(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, c := range s {
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 {
				fmt.Fprintf(b, `\u%04X`, c)
			} else {
				b.WriteRune(c)
			}
		}
	}
	b.WriteByte('"')
}

// sourceLocation is how the Jackson inside event-ruler (before 2.16) locates an error in the
// text it was given: the text, its first 500 characters with control characters other than
// \r and \n escaped, then the line and column.
func sourceLocation(src string, off int) string {
	var b strings.Builder
	b.WriteString(`[Source: (String)"`)
	units := utf16.Encode([]rune(src))
	shown := units
	if len(shown) > 500 {
		shown = shown[:500]
	}
	for _, c := range utf16.Decode(shown) {
		if (c < 0x20 || c >= 0x7f && c <= 0x9f) && c != '\r' && c != '\n' {
			fmt.Fprintf(&b, `\u%04X`, c)
		} else {
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	if len(units) > 500 {
		fmt.Fprintf(&b, "[truncated %d chars]", len(units)-500)
	}
	line, col := lineColumn(src, off)
	fmt.Fprintf(&b, "; line: %d, column: %d]", line, col)
	return b.String()
}
