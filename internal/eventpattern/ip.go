package eventpattern

import (
	"net/netip"
	"strconv"
	"strings"
)

// ipStatus is how event-ruler reads a string as an IP address.
type ipStatus uint8

const (
	ipNonstandard ipStatus = iota // does not look like one
	ipInvalid                     // looks like one, but is not
	ipOK
)

// ipAddress reads s as event-ruler's CIDR class does: an IPv4 address is four dot-separated runs
// of digits, an IPv6 address hex digits and colons with at least one colon (so no zone, no
// dotted tail); an IPv4-mapped IPv6 address is its IPv4 address, as Java's InetAddress gives it.
func ipAddress(s string) (netip.Addr, ipStatus) {
	if !ipv4Like(s) && !ipv6Like(s) {
		return netip.Addr{}, ipNonstandard
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, ipInvalid
	}
	return a.Unmap(), ipOK
}

// ipv4Like is event-ruler's [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+ (the whole string).
func ipv4Like(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// ipv6Like is event-ruler's [0-9a-fA-F:]*:[0-9a-fA-F:]* (the whole string).
func ipv6Like(s string) bool {
	return strings.Contains(s, ":") && strings.Trim(s, "0123456789abcdefABCDEF:") == ""
}

// parseCIDR reads a "cidr" rule's block as event-ruler does, with its reasons for refusing one.
// Java's split drops the empty strings after the last "/", and IPv4 masks stop at 31 bits, IPv6
// ones at 127.
func parseCIDR(s string) (netip.Prefix, string) {
	parts := strings.Split(s, "/")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) != 2 {
		return netip.Prefix{}, "Malformed CIDR, one '/' required"
	}
	bits, err := strconv.ParseInt(parts[1], 10, 32) // Integer.parseInt: a sign, then digits
	if err != nil {
		return netip.Prefix{}, "Malformed CIDR, mask bits must be an integer"
	}
	if bits < 0 {
		return netip.Prefix{}, "Malformed CIDR, mask bits must not be negative"
	}
	a, st := ipAddress(parts[0])
	switch {
	case st == ipNonstandard:
		return netip.Prefix{}, "Nonstandard IP address: " + parts[0]
	case st == ipInvalid:
		return netip.Prefix{}, "Invalid IP address: " + parts[0]
	case a.Is4() && bits > 31:
		return netip.Prefix{}, "IPv4 mask bits must be < 32"
	case a.Is6() && bits > 127:
		return netip.Prefix{}, "IPv6 mask bits must be < 128"
	}
	return netip.PrefixFrom(a, int(bits)).Masked(), ""
}
