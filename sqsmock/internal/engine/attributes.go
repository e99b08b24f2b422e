package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/iampolicy"
)

// queueAttrs are a queue's settable attributes, parsed.
type queueAttrs struct {
	delay        int
	maxSize      int
	retention    int
	waitTime     int
	visibility   int
	policy       string            // Policy as set
	pol          *iampolicy.Policy // Policy parsed; nil without one
	redrive      string            // RedrivePolicy as set
	dlqArn       string
	maxReceive   int
	redriveAllow string // RedriveAllowPolicy as set
	allow        allowPolicy
	kmsKey       string
	kmsReuse     int
	sqsSSE       bool
	contentDedup bool
	dedupScope   string
	throughput   string
}

// allowPolicy is a parsed RedriveAllowPolicy.
type allowPolicy struct {
	permission string // allowAll (default), denyAll, byQueue
	sources    []string
}

func defaultAttrs(fifo bool) queueAttrs {
	a := queueAttrs{maxSize: 1048576, retention: 345600, visibility: 30, kmsReuse: 300, sqsSSE: true,
		allow: allowPolicy{permission: "allowAll"}}
	if fifo {
		a.dedupScope, a.throughput = "queue", "perQueue"
	}
	return a
}

// intRange is a numeric attribute's bounds.
type intRange struct{ min, max int }

var intAttrs = map[string]intRange{
	"DelaySeconds":                  {0, 900},
	"MaximumMessageSize":            {1024, 1048576},
	"MessageRetentionPeriod":        {60, 1209600},
	"ReceiveMessageWaitTimeSeconds": {0, 20},
	"VisibilityTimeout":             {0, 43200},
	"KmsDataKeyReusePeriodSeconds":  {60, 86400},
}

var settableAttrs = map[string]bool{
	"DelaySeconds": true, "MaximumMessageSize": true, "MessageRetentionPeriod": true, "Policy": true,
	"ReceiveMessageWaitTimeSeconds": true, "VisibilityTimeout": true, "RedrivePolicy": true,
	"RedriveAllowPolicy": true, "KmsMasterKeyId": true, "KmsDataKeyReusePeriodSeconds": true,
	"SqsManagedSseEnabled": true, "FifoQueue": true, "ContentBasedDeduplication": true,
	"DeduplicationScope": true, "FifoThroughputLimit": true,
}

// applyAttrs validates attrs for a queue of the given kind and applies them to a (a copy).
// creating is true for CreateQueue. e resolves dead-letter targets; self is the queue's ARN.
func (e *Engine) applyAttrs(a queueAttrs, attrs map[string]string, fifo, creating bool, self string) (queueAttrs, error) {
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		if !settableAttrs[name] {
			return a, sqserr.UnknownAttribute(name)
		}
		if !fifo {
			switch name {
			case "FifoQueue", "ContentBasedDeduplication":
				// SQS rejects FifoQueue on a standard queue even as "false", at creation too.
				return a, sqserr.UnknownAttribute(name)
			case "DeduplicationScope", "FifoThroughputLimit":
				return a, sqserr.InvalidAttributeName("You can specify the %s only when FifoQueue is set to true.", name)
			}
		}
	}
	for _, name := range names {
		v := attrs[name]
		if r, ok := intAttrs[name]; ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < r.min || n > r.max {
				return a, sqserr.InvalidAttributeValue(name, "")
			}
			switch name {
			case "DelaySeconds":
				a.delay = n
			case "MaximumMessageSize":
				a.maxSize = n
			case "MessageRetentionPeriod":
				a.retention = n
			case "ReceiveMessageWaitTimeSeconds":
				a.waitTime = n
			case "VisibilityTimeout":
				a.visibility = n
			case "KmsDataKeyReusePeriodSeconds":
				a.kmsReuse = n
			}
			continue
		}
		switch name {
		case "FifoQueue":
			if b, ok := parseBoolAttr(v); fifo && (!ok || !b) {
				if creating {
					return a, sqserr.InvalidAttributeValue(name, "")
				}
				return a, sqserr.InvalidAttributeValue(name, "Modifying queue type is not supported.")
			}
		case "Policy":
			pol, err := parsePolicy(v)
			if err != nil {
				return a, err
			}
			a.policy, a.pol = v, pol
			if pol != nil {
				e.policies.Store(true)
			}
		case "RedrivePolicy":
			if err := e.applyRedrive(&a, v, fifo, self); err != nil {
				return a, err
			}
		case "RedriveAllowPolicy":
			if err := applyRedriveAllow(&a, v); err != nil {
				return a, err
			}
		case "KmsMasterKeyId":
			a.kmsKey = v
			if v != "" {
				a.sqsSSE = false
			}
		case "SqsManagedSseEnabled":
			b, ok := parseBoolAttr(v)
			if !ok {
				return a, sqserr.InvalidAttributeValue(name, "")
			}
			if b && (a.kmsKey != "" && attrs["KmsMasterKeyId"] != "") {
				return a, sqserr.InvalidAttributeName("You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
			}
			a.sqsSSE = b
			if b {
				a.kmsKey = ""
			}
		case "ContentBasedDeduplication":
			b, ok := parseBoolAttr(v)
			if !ok {
				return a, sqserr.InvalidAttributeValue(name, "")
			}
			a.contentDedup = b
		case "DeduplicationScope":
			if v != "queue" && v != "messageGroup" {
				return a, sqserr.InvalidAttributeValue(name, "")
			}
			a.dedupScope = v
		case "FifoThroughputLimit":
			if v != "perQueue" && v != "perMessageGroupId" {
				return a, sqserr.InvalidAttributeValue(name, "")
			}
			a.throughput = v
		}
	}
	if fifo && a.throughput == "perMessageGroupId" && a.dedupScope == "queue" {
		return a, sqserr.InvalidAttributeValueMsg("The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup")
	}
	return a, nil
}

// parseBoolAttr reads a boolean queue attribute (FifoQueue, ContentBasedDeduplication,
// SqsManagedSseEnabled). The API Reference gives the valid values as true and false; SQS takes them
// in any case ("True" in LocalStack's AWS-validated tests, e.g.
// test_fifo_change_to_high_throughput_after_creation) and GetQueueAttributes reports them as "true"
// and "false". Other spellings Go would take ("1", "t") are not SQS's.
func parseBoolAttr(v string) (value, ok bool) {
	switch {
	case strings.EqualFold(v, "true"):
		return true, true
	case strings.EqualFold(v, "false"):
		return false, true
	}
	return false, false
}

// applyRedrive validates and sets a RedrivePolicy ("" removes it).
func (e *Engine) applyRedrive(a *queueAttrs, v string, fifo bool, self string) error {
	if v == "" {
		a.redrive, a.dlqArn, a.maxReceive = "", "", 0
		return nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return sqserr.InvalidAttributeValue("RedrivePolicy", "Redrive policy is not a valid JSON map.")
	}
	bad := func(reason string) error { return sqserr.InvalidParameterValueFor(v, "RedrivePolicy", reason) }
	target, ok := raw["deadLetterTargetArn"].(string)
	if !ok {
		return bad("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
	}
	mrc, present := raw["maxReceiveCount"]
	if !present {
		return bad("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
	}
	var n int
	switch x := mrc.(type) {
	case float64:
		n = int(x)
		if float64(n) != x {
			n = -1
		}
	case string:
		var err error
		if n, err = strconv.Atoi(x); err != nil {
			n = -1
		}
	default:
		n = -1
	}
	if n < 1 || n > 1000 {
		return bad(fmt.Sprintf("Invalid value for maxReceiveCount: %v, valid values are from 1 to 1000 both inclusive.", mrc))
	}
	parts := strings.Split(target, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" {
		return sqserr.InvalidParameterValueFor(v, "RedrivePolicy", "Invalid value for deadLetterTargetArn.")
	}
	dlq := e.queueByARN(target)
	if dlq == nil { // a queue may name itself: AWS accepts it (test_set_empty_redrive_policy)
		return bad("Dead letter target does not exist.")
	}
	if dlq.fifo != fifo {
		return bad("Dead-letter queue must be same type of queue as the source.")
	}
	dlq.mu.Lock()
	allow := dlq.attrs.allow
	dlq.mu.Unlock()
	if !allow.permits(self) {
		return bad(fmt.Sprintf("Queue %s does not allow this queue to use it as its dead-letter queue.", target))
	}
	// SQS returns the policy normalised: compact, with maxReceiveCount as a number even when it was
	// set as a string (the reason infrastructure tools warn that "5" shows as drift against 5).
	arn, _ := json.Marshal(target)
	a.redrive = fmt.Sprintf(`{"deadLetterTargetArn":%s,"maxReceiveCount":%d}`, arn, n)
	a.dlqArn, a.maxReceive = target, n
	return nil
}

func (p allowPolicy) permits(source string) bool {
	switch p.permission {
	case "denyAll":
		return false
	case "byQueue":
		for _, s := range p.sources {
			if s == source {
				return true
			}
		}
		return false
	}
	return true
}

// applyRedriveAllow validates and sets a RedriveAllowPolicy ("" resets it to allowAll).
func applyRedriveAllow(a *queueAttrs, v string) error {
	if v == "" {
		a.redriveAllow, a.allow = "", allowPolicy{permission: "allowAll"}
		return nil
	}
	var raw struct {
		RedrivePermission string   `json:"redrivePermission"`
		SourceQueueArns   []string `json:"sourceQueueArns"`
	}
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return sqserr.InvalidAttributeValue("RedriveAllowPolicy", "Redrive allow policy is not a valid JSON map.")
	}
	bad := func(reason string) error { return sqserr.InvalidParameterValueFor(v, "RedriveAllowPolicy", reason) }
	switch raw.RedrivePermission {
	case "allowAll", "denyAll":
		if len(raw.SourceQueueArns) > 0 {
			return bad("Only byQueue redrivePermission can be used with sourceQueueArns.")
		}
	case "byQueue":
		if len(raw.SourceQueueArns) == 0 {
			return bad("sourceQueueArns is required when redrivePermission is byQueue.")
		}
		if len(raw.SourceQueueArns) > 10 {
			return bad("Maximum of 10 sourceQueueArns can be specified.")
		}
	default:
		return bad("Invalid value for redrivePermission.")
	}
	a.redriveAllow = v
	a.allow = allowPolicy{permission: raw.RedrivePermission, sources: raw.SourceQueueArns}
	return nil
}

// attrMap renders every attribute of the queue as GetQueueAttributes reports it. Caller holds q.mu.
func (q *queue) attrMap() map[string]string {
	a := q.attrs
	m := map[string]string{
		"QueueArn":                              q.arn,
		"ApproximateNumberOfMessages":           strconv.Itoa(q.counts[stateReady]),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(q.counts[stateInflight]),
		"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(q.counts[stateDelayed]),
		"CreatedTimestamp":                      unixSeconds(q.created),
		"LastModifiedTimestamp":                 unixSeconds(q.modified),
		"VisibilityTimeout":                     strconv.Itoa(a.visibility),
		"MaximumMessageSize":                    strconv.Itoa(a.maxSize),
		"MessageRetentionPeriod":                strconv.Itoa(a.retention),
		"DelaySeconds":                          strconv.Itoa(a.delay),
		"ReceiveMessageWaitTimeSeconds":         strconv.Itoa(a.waitTime),
		"SqsManagedSseEnabled":                  strconv.FormatBool(a.sqsSSE),
	}
	if a.policy != "" {
		m["Policy"] = a.policy
	}
	if a.redrive != "" {
		m["RedrivePolicy"] = a.redrive
	}
	if a.redriveAllow != "" {
		m["RedriveAllowPolicy"] = a.redriveAllow
	}
	if a.kmsKey != "" {
		m["KmsMasterKeyId"] = a.kmsKey
		m["KmsDataKeyReusePeriodSeconds"] = strconv.Itoa(a.kmsReuse)
	}
	if q.fifo {
		m["FifoQueue"] = "true"
		m["ContentBasedDeduplication"] = strconv.FormatBool(a.contentDedup)
		m["DeduplicationScope"] = a.dedupScope
		m["FifoThroughputLimit"] = a.throughput
	}
	return m
}

// compareForCreate reports the first attribute whose requested value differs from the queue's.
func (q *queue) compareForCreate(attrs map[string]string) (string, bool) {
	current := q.attrMap()
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		want := attrs[k]
		have, ok := current[k]
		if !ok {
			have = defaultAttrString(k, q.fifo)
		}
		if !sameAttr(k, want, have) {
			return k, false
		}
	}
	return "", true
}

func defaultAttrString(name string, fifo bool) string {
	switch name {
	case "KmsDataKeyReusePeriodSeconds":
		return "300"
	case "FifoQueue":
		return strconv.FormatBool(fifo)
	}
	return ""
}

func sameAttr(name, a, b string) bool {
	if a == b {
		return true
	}
	if _, ok := intAttrs[name]; ok {
		x, e1 := strconv.Atoi(strings.TrimSpace(a))
		y, e2 := strconv.Atoi(strings.TrimSpace(b))
		return e1 == nil && e2 == nil && x == y
	}
	switch name {
	case "ContentBasedDeduplication", "SqsManagedSseEnabled", "FifoQueue":
		x, ok1 := parseBoolAttr(a)
		y, ok2 := parseBoolAttr(b)
		return ok1 && ok2 && x == y
	case "Policy", "RedrivePolicy", "RedriveAllowPolicy":
		var x, y any
		return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && fmt.Sprint(x) == fmt.Sprint(y)
	}
	return false
}

func unixSeconds(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// allQueueAttributeNames is every name GetQueueAttributes accepts besides "All".
var allQueueAttributeNames = map[string]bool{
	"All": true, "Policy": true, "VisibilityTimeout": true, "MaximumMessageSize": true,
	"MessageRetentionPeriod": true, "ApproximateNumberOfMessages": true,
	"ApproximateNumberOfMessagesNotVisible": true, "CreatedTimestamp": true, "LastModifiedTimestamp": true,
	"QueueArn": true, "ApproximateNumberOfMessagesDelayed": true, "DelaySeconds": true,
	"ReceiveMessageWaitTimeSeconds": true, "RedrivePolicy": true, "FifoQueue": true,
	"ContentBasedDeduplication": true, "KmsMasterKeyId": true, "KmsDataKeyReusePeriodSeconds": true,
	"DeduplicationScope": true, "FifoThroughputLimit": true, "RedriveAllowPolicy": true,
	"SqsManagedSseEnabled": true,
}
