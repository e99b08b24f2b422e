// Package addr reads what SQS names say: the account and region of a queue URL or ARN, the
// region of an endpoint's host name, the source queue of a message move task's handle, and
// whether a string has the shape of a region or an account id. It decides nothing; the mock's
// routing, the SigV4 verifier, the guards and the console read names through it.
package addr

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// TaskSource is the SourceArn inside a message move task's handle ("" if it has none).
func TaskSource(handle string) string {
	raw, err := base64.StdEncoding.DecodeString(handle)
	if err != nil {
		return ""
	}
	var h struct {
		SourceArn string `json:"sourceArn"`
	}
	_ = json.Unmarshal(raw, &h)
	return h.SourceArn
}

// QueueAddress reads what a queue URL or ARN names: its account (the path's /ACCOUNT/NAME, also
// in LocalStack's /queue/REGION/ACCOUNT/NAME, or the ARN's) and its region where it names one
// (the ARN's, such a path's, or a host sqs.REGION.… or REGION.queue.…). A bare name names neither.
func QueueAddress(s string) (account, region string) {
	if rest, ok := strings.CutPrefix(s, "arn:"); ok { // arn:PARTITION:sqs:REGION:ACCOUNT:NAME
		_, rest, _ = strings.Cut(rest, ":")
		service, rest, _ := strings.Cut(rest, ":")
		region, rest, _ = strings.Cut(rest, ":")
		account, _, ok = strings.Cut(rest, ":")
		if service != "sqs" || !ok {
			return "", ""
		}
		if !IsSigningRegion(region) {
			region = ""
		}
		return account, region
	}
	path := s
	if i := strings.Index(s, "://"); i >= 0 {
		host := s[i+3:]
		path = ""
		if j := strings.IndexByte(host, '/'); j >= 0 {
			host, path = host[:j], host[j:]
		}
		region = HostRegion(host)
	}
	if j := strings.IndexAny(path, "?#"); j >= 0 {
		path = path[:j]
	}
	path = strings.Trim(path, "/")
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", region
	}
	dir := path[:i]
	k := strings.LastIndexByte(dir, '/')
	account = dir[k+1:]
	if k >= 0 && region == "" {
		up := dir[:k]
		l := strings.LastIndexByte(up, '/')
		if seg := up[l+1:]; l >= 0 && (up[:l] == "queue" || strings.HasSuffix(up[:l], "/queue")) && IsRegion(seg) {
			region = seg
		}
	}
	return account, region
}

// HostRegion is the region a host name names in the styles sqs.REGION.DOMAIN (AWS's, and
// LocalStack's sqs.REGION.localhost.localstack.cloud) and REGION.queue.DOMAIN; "" otherwise.
func HostRegion(host string) string {
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if strings.HasPrefix(host, "[") {
		return ""
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	first, rest, ok := strings.Cut(host, ".")
	if !ok {
		return ""
	}
	second, _, _ := strings.Cut(rest, ".")
	switch {
	case strings.EqualFold(first, "sqs") && IsRegion(second):
		return second
	case strings.EqualFold(second, "queue") && IsRegion(first):
		return first
	}
	return ""
}

// IsRegion reports whether s has the shape of an AWS region name: three or more words joined by
// hyphens, lower-case letters but for the last, a number (us-east-1, us-gov-west-1).
func IsRegion(s string) bool {
	if len(s) > 32 {
		return false
	}
	words, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '-' {
			continue
		}
		w, last := s[start:i], i == len(s)
		start = i + 1
		words++
		if w == "" || words == 1 && len(w) < 2 {
			return false
		}
		for j := 0; j < len(w); j++ {
			if c := w[j]; last && (c < '0' || c > '9') || !last && (c < 'a' || c > 'z') {
				return false
			}
		}
	}
	return words >= 3
}

// IsSigningRegion reports whether a credential scope's region can name a namespace: any
// lower-case name of letters, digits and hyphens, as clients may sign for any region they are
// configured with.
func IsSigningRegion(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// IsAccountID reports whether s is a 12-digit account id.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
