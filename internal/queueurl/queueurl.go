// Package queueurl reads the parts of an SQS queue URL or queue ARN, the one place the module
// takes a queue's name or account out of them.
package queueurl

import "strings"

// Name returns the queue name that s ends in. s may be a queue URL
// (https://sqs.us-east-1.amazonaws.com/123456789012/orders: the last path segment; trailing
// slashes, a query string and a fragment are ignored), a queue ARN
// (arn:aws:sqs:us-east-1:123456789012:orders: the last field) or a bare name, returned as is.
// Name does not check that the name is valid.
func Name(s string) string {
	if isARN(s) {
		return s[strings.LastIndexByte(s, ':')+1:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, "/")
	return s[strings.LastIndexByte(s, '/')+1:]
}

// Account returns the account id of a queue ARN (arn:PARTITION:sqs:REGION:ACCOUNT:NAME), or ""
// when arn is not an ARN of six fields.
func Account(arn string) string { return arnField(arn, 4) }

// Region returns the region of a queue ARN, or "" when arn is not an ARN of six fields.
func Region(arn string) string { return arnField(arn, 3) }

func arnField(arn string, i int) string {
	p := strings.Split(arn, ":")
	if len(p) != 6 || p[0] != "arn" {
		return ""
	}
	return p[i]
}

func isARN(s string) bool { return strings.HasPrefix(s, "arn:") }
