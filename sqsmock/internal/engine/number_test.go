package engine

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// decimal is the syntax of a Number value: Java's BigDecimal(String), ASCII digits only.
var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// refNumber is validNumber written plainly, with exact rational arithmetic: the syntax, at most
// 38 digits once leading and trailing zeros are trimmed, zero or 10^-128 <= |x| <= 10^126.
// ok is false when the exponent is too large for big.Rat to be practical.
func refNumber(s string) (valid, ok bool) {
	if !decimal.MatchString(s) {
		return false, true
	}
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	if exp != "" {
		n, err := strconv.Atoi(exp)
		if err != nil || n > 1000 || n < -1000 {
			return false, false
		}
	}
	digits := strings.Trim(strings.NewReplacer("+", "", "-", "", ".", "").Replace(mant), "0")
	if digits == "" {
		return true, true
	}
	if len(digits) > 38 {
		return false, true
	}
	x, good := new(big.Rat).SetString(s)
	if !good {
		panic("big.Rat rejects " + s)
	}
	x.Abs(x)
	lo, _ := new(big.Rat).SetString("1e-128")
	hi, _ := new(big.Rat).SetString("1e126")
	return x.Cmp(lo) >= 0 && x.Cmp(hi) <= 0, true
}

var numberSeeds = []string{
	"0", "-0", "+5", ".5", "5.", "1e5", "1E+5", "-1.25e-3", "0x10", "1_000", " 5 ", "Inf", "NaN", "", ".", "e5", "1e",
	"1e126", "1.0000000000000000000000000000000000001e126", "1e127", "9.9e125", "10e125", "1e-128", "0.1e-127", "1e-129",
	"12345678901234567890123456789012345678", "123456789012345678901234567890123456789", "1000000000000000000000000000000000000000",
	"0.00000000000000000000000000000000000000000000001", "00000000000000000000000000000000000000000000000000001.5000000000",
	"1" + strings.Repeat("0", 126), "1" + strings.Repeat("0", 127), "0." + strings.Repeat("0", 127) + "1", "0e-99999", "5e0000000000000000000000001",
}

func TestValidNumberMatchesReference(t *testing.T) {
	for _, s := range numberSeeds {
		want, ok := refNumber(s)
		if ok && validNumber(s) != want {
			t.Errorf("validNumber(%q) = %v, want %v", s, !want, want)
		}
	}
	if validNumber(strings.Repeat("0", numberMaxLen+1)) {
		t.Error("a value longer than 1 MiB was accepted")
	}
	if !validNumber(strings.Repeat("0", numberMaxLen)) {
		t.Error("1 MiB of zeros is a valid 0")
	}
}

// FuzzValidNumber: validNumber agrees with the plain reference on every input.
func FuzzValidNumber(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := validNumber(s)
		if want, ok := refNumber(s); ok && got != want {
			t.Fatalf("validNumber(%q) = %v, want %v", s, got, want)
		}
	})
}

// BenchmarkValidNumber: the scan costs nanoseconds for an ordinary value, stops at the 39th
// significant digit of a long one, and reads at most 1 MiB (of zeros, the worst case).
func BenchmarkValidNumber(b *testing.B) {
	for _, bc := range []struct{ name, value string }{
		{"timestamp", "1493147359900"},
		{"decimal", "-1234.5678e-12"},
		{"2M digits, over 1 MiB", strings.Repeat("7", 2_000_000)},
		{"1M digits", strings.Repeat("7", 1_000_000)},
		{"1MiB of zeros", strings.Repeat("0", 1<<20)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				validNumber(bc.value)
			}
		})
	}
}
