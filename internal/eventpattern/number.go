package eventpattern

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// comparable parses a JSON number for a numeric comparison. Like event-ruler's ComparableNumber
// it accepts only numbers a float64 holds exactly — the decimal value of the text must be that of
// the float64's shortest representation (0.1 and 1e2 are fine; 12345678901234567890 and 1e400
// are not) — so an event's number that cannot be compared matches no numeric rule, and a
// pattern's is invalid.
func comparable(text string) (float64, bool) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	a, ok := normDecimal(text)
	if !ok {
		return 0, false
	}
	b, _ := normDecimal(strconv.FormatFloat(f, 'g', -1, 64))
	if a != b {
		return 0, false
	}
	return f, true
}

// decimal is a decimal number as sign, significant digits (no leading or trailing zeros; empty
// for zero) and the exponent of the value 0.digits × 10^exp.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// normDecimal normalizes a number's text (JSON's grammar, or strconv's 'g' format) so that two
// texts of the same value compare equal. It fails on an exponent too large to matter (a float64
// reaches 10^±324).
func normDecimal(s string) (decimal, bool) {
	var d decimal
	if strings.HasPrefix(s, "-") {
		d.neg, s = true, s[1:]
	}
	mant, e, hasExp := strings.Cut(strings.ReplaceAll(s, "E", "e"), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	exp := len(intPart)
	trimmed := strings.TrimLeft(digits, "0")
	exp -= len(digits) - len(trimmed)
	d.digits = strings.TrimRight(trimmed, "0")
	if d.digits == "" {
		return decimal{}, true // zero, whatever its sign and exponent
	}
	if hasExp {
		e = strings.TrimPrefix(e, "+")
		eneg := strings.HasPrefix(e, "-")
		e = strings.TrimLeft(strings.TrimPrefix(e, "-"), "0")
		if len(e) > 6 {
			return decimal{}, false
		}
		n := 0
		if e != "" {
			var err error
			if n, err = strconv.Atoi(e); err != nil {
				return decimal{}, false
			}
		}
		if eneg {
			n = -n
		}
		exp += n
	}
	d.exp = exp
	return d, true
}

// value is a number of the event or the pattern as the rule compares it: a float64 that holds it
// exactly (comparable), or with Ruler10 event-ruler 1.0's ComparableNumber (fixedKey).
func (r *rule) value(text string) (float64, bool) {
	if !r.fixed {
		return comparable(text)
	}
	f, ok := parseFloat(text)
	if !ok {
		return 0, false
	}
	return fixedKey(f)
}

// parseFloat is Java's Double.parseDouble of a JSON number: past a float64's range it is an
// infinity, below it zero.
func parseFloat(text string) (float64, bool) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

// fixedKey is event-ruler 1.0's ComparableNumber of f: numbers from -5e9 to 5e9 only, as the
// integer (long)(1e6 × (5e9 + f)), so that two numbers closer than a millionth may be equal. It
// is returned less 5e15, which a float64 holds exactly.
func fixedKey(f float64) (float64, bool) {
	if !(f >= -fiveBillion && f <= fiveBillion) {
		return 0, false
	}
	shifted := fiveBillion + f
	return float64(int64(shifted*1e6) - 5e15), true
}
