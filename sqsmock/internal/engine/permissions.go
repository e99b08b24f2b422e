package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// shareableActions are the actions AddPermission may grant.
var shareableActions = map[string]bool{
	"*": true, "SendMessage": true, "ReceiveMessage": true, "DeleteMessage": true,
	"ChangeMessageVisibility": true, "GetQueueAttributes": true, "GetQueueUrl": true,
	"ListDeadLetterSourceQueues": true, "PurgeQueue": true, "ListQueueTags": true,
}

// maxPolicyActions is how many actions one policy statement may name (AddPermission, API Reference:
// "An Amazon SQS policy can have a maximum of seven actions per statement"); more is OverLimit.
const maxPolicyActions = 7

// policyDoc is the queue Policy document AddPermission and RemovePermission edit. Statements are
// kept as they were set, every element included (a Condition, a NotPrincipal, ...).
type policyDoc struct {
	Version   string            `json:"Version,omitempty"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

type policyStatement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal"`
	Action    any            `json:"Action"`
	Resource  string         `json:"Resource"`
}

// sid is a statement's Sid ("" if it has none).
func sid(st json.RawMessage) string {
	var s struct{ Sid string }
	_ = json.Unmarshal(st, &s)
	return s.Sid
}

func validLabel(s string) bool {
	if len(s) < 1 || len(s) > 80 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// readPolicy parses the queue's Policy (its Statement a list or one statement, as IAM allows), or
// starts the document AddPermission makes on a queue without one: Version 2008-10-17, Id
// <arn>/SQSDefaultPolicy (test_sqs_permission_lifecycle). Caller holds q.mu.
func (q *queue) readPolicy() policyDoc {
	var doc struct {
		Version   string          `json:"Version"`
		ID        string          `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	if q.attrs.policy == "" || json.Unmarshal([]byte(q.attrs.policy), &doc) != nil {
		return policyDoc{Version: "2008-10-17", ID: q.arn + "/SQSDefaultPolicy"}
	}
	out := policyDoc{Version: doc.Version, ID: doc.ID}
	if json.Unmarshal(doc.Statement, &out.Statement) != nil && len(doc.Statement) > 0 && doc.Statement[0] == '{' {
		out.Statement = []json.RawMessage{doc.Statement}
	}
	return out
}

// writePolicy stores doc as the queue's Policy, or removes the Policy when no statement is left.
// Caller holds q.mu.
func (q *queue) writePolicy(doc policyDoc, now time.Time) {
	next := q.attrs
	next.policy = ""
	if len(doc.Statement) > 0 {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(doc)
		next.policy = strings.TrimSuffix(b.String(), "\n")
	}
	q.setAttrs(next, now)
}

// AddPermission adds a statement labelled Label to the queue's policy.
func (e *Engine) AddPermission(ctx context.Context, in *sqs.AddPermissionInput) (*sqs.AddPermissionOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Label == nil:
		return nil, sqserr.MissingParameter("Label")
	case len(in.AWSAccountIds) == 0:
		return nil, sqserr.MissingParameter("AWSAccountId")
	case len(in.Actions) == 0:
		return nil, sqserr.MissingParameter("ActionName")
	case !validLabel(*in.Label):
		return nil, sqserr.InvalidParameterValueFor(*in.Label, "Label", "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if len(in.Actions) > maxPolicyActions {
		return nil, sqserr.OverLimit("%d Actions were found, maximum allowed is %d.", len(in.Actions), maxPolicyActions)
	}
	for _, a := range in.Actions {
		if !shareableActions[a] {
			return nil, sqserr.InvalidParameterValueFor(a, "ActionName", "Only the queue owner is allowed to invoke this action.")
		}
	}
	for _, acct := range in.AWSAccountIds {
		if len(acct) != 12 || !digits(acct) {
			return nil, sqserr.InvalidParameterValueFor(acct, "AWSAccountId", "Invalid AWS account ID.")
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	doc := q.readPolicy()
	for _, st := range doc.Statement {
		if sid(st) == *in.Label {
			return nil, sqserr.InvalidParameterValueFor(*in.Label, "Label", "Already exists.")
		}
	}
	principals := make([]string, len(in.AWSAccountIds))
	for i, acct := range in.AWSAccountIds {
		principals[i] = "arn:aws:iam::" + acct + ":root"
	}
	actions := make([]string, len(in.Actions))
	for i, a := range in.Actions {
		actions[i] = "SQS:" + a
	}
	st := policyStatement{Sid: *in.Label, Effect: "Allow", Resource: q.arn,
		Principal: map[string]any{"AWS": oneOrMany(principals)}, Action: oneOrMany(actions)}
	raw, _ := json.Marshal(st)
	doc.Statement = append(doc.Statement, raw)
	q.writePolicy(doc, e.now())
	return &sqs.AddPermissionOutput{}, nil
}

// RemovePermission removes the statement labelled Label; the policy goes when it is empty.
func (e *Engine) RemovePermission(ctx context.Context, in *sqs.RemovePermissionInput) (*sqs.RemovePermissionOutput, error) {
	q, err := e.lookup(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if in.Label == nil {
		return nil, sqserr.MissingParameter("Label")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	doc := q.readPolicy()
	kept := doc.Statement[:0]
	found := false
	for _, st := range doc.Statement {
		if sid(st) == *in.Label {
			found = true
			continue
		}
		kept = append(kept, st)
	}
	if !found {
		return nil, sqserr.InvalidParameterValueFor(*in.Label, "Label", "can't find label.")
	}
	doc.Statement = kept
	q.writePolicy(doc, e.now())
	return &sqs.RemovePermissionOutput{}, nil
}

func oneOrMany(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return v
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// Grants reports whether the queue (by URL, ARN or name) exists, and whether its Policy lets
// account make action, as SQS judges a request from another account: an Allow statement must
// name the account (its root or any principal in it, or "*"), the action (SQS:SendMessage,
// sqs:*, * and wildcards, in any case) and the queue (or "*"), and no such Deny statement may. A
// statement with a Condition, NotPrincipal, NotAction or NotResource is one the mock cannot
// evaluate and is left out. An empty action is one only the owner may make: never granted.
func (e *Engine) Grants(queue, action, account string) (exists, granted bool) {
	q, err := e.lookup(&queue)
	if err != nil {
		return false, false
	}
	if action == "" {
		return true, false
	}
	q.mu.Lock()
	policy := q.attrs.policy
	q.mu.Unlock()
	return true, policyGrants(policy, q.arn, action, account)
}

// grantStatement is what Grants reads of a policy statement.
type grantStatement struct {
	Effect       string
	Principal    any
	Action       any
	Resource     any
	Condition    any
	NotPrincipal any
	NotAction    any
	NotResource  any
}

// policyGrants evaluates a queue Policy for one account and action (see Grants).
func policyGrants(policy, arn, action, account string) bool {
	if policy == "" {
		return false
	}
	var doc struct{ Statement json.RawMessage }
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	var sts []grantStatement
	if json.Unmarshal(doc.Statement, &sts) != nil {
		var one grantStatement
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		sts = []grantStatement{one}
	}
	allowed := false
	for _, st := range sts {
		if st.Condition != nil || st.NotPrincipal != nil || st.NotAction != nil || st.NotResource != nil {
			continue
		}
		if !principalNames(st.Principal, account) || !anyMatch(st.Action, "sqs:"+action, true) ||
			(st.Resource != nil && !anyMatch(st.Resource, arn, false)) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

// principalNames reports whether a statement's Principal covers a caller of account: "*", or an
// AWS principal that is "*", the account id, or an IAM ARN in the account.
func principalNames(p any, account string) bool {
	if s, ok := p.(string); ok {
		return s == "*"
	}
	m, ok := p.(map[string]any)
	if !ok {
		return false
	}
	for _, v := range stringList(m["AWS"]) {
		if v == "*" || v == account {
			return true
		}
		parts := strings.SplitN(v, ":", 6)
		if len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[4] == account {
			return true
		}
	}
	return false
}

// anyMatch reports whether one of the patterns (a string or a list of them) matches s, with *
// and ? wildcards, ignoring case when fold.
func anyMatch(patterns any, s string, fold bool) bool {
	if fold {
		s = strings.ToLower(s)
	}
	for _, p := range stringList(patterns) {
		if fold {
			p = strings.ToLower(p)
		}
		if p == "*" || wildcard(p, s) {
			return true
		}
	}
	return false
}

// stringList is a JSON string or list of strings as a slice.
func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// wildcard matches s against a pattern where * is any run of characters and ? any one.
func wildcard(p, s string) bool {
	star, mark := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == s[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}
