package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/internal/sqserr"
	"github.com/sqsharness/sqsharness/sqsmock/internal/iampolicy"
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
// A document over SQS's policy quotas is refused with OverLimit and changes nothing. Caller holds
// q.mu.
func (e *Engine) writePolicy(q *queue, doc policyDoc) error {
	next := q.attrs
	next.policy, next.pol = "", nil
	if len(doc.Statement) > 0 {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(doc)
		v := strings.TrimSuffix(b.String(), "\n")
		pol, err := parsePolicy(v)
		if err != nil {
			return err
		}
		next.policy, next.pol = v, pol
		e.policies.Store(true)
	}
	q.setAttrs(next, e.now())
	return nil
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
	if err := e.writePolicy(q, doc); err != nil {
		return nil, err
	}
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
	if err := e.writePolicy(q, doc); err != nil {
		return nil, err
	}
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

// parsePolicy reads a Policy attribute ("" removes the policy: nil). A policy over SQS's quotas
// is OverLimit (HTTP 403) with SQS's message ("Submitted policy is over max allowed size.", "10
// actions were found in a statement from the submitted policy, max allowed is 7", as AWS answered
// them); one that is not a policy is InvalidAttributeValue "Invalid value for the parameter
// Policy.", SQS's answer to a malformed policy.
func parsePolicy(v string) (*iampolicy.Policy, error) {
	if v == "" {
		return nil, nil
	}
	pol, err := iampolicy.Parse(v)
	var limit *iampolicy.LimitError
	switch {
	case errors.As(err, &limit):
		return nil, sqserr.OverLimit("%s", limit.Error())
	case err != nil:
		return nil, sqserr.InvalidAttributeValue("Policy", "")
	}
	return pol, nil
}

// Authorize evaluates the Policy of a queue (by URL, ARN or name) for one request, and reports
// whether the queue exists. The engine fills in the request's resource (the queue's ARN) and,
// when it has none, its time (the engine's clock). Without a policy the decision is NoDecision.
func (e *Engine) Authorize(queue string, r iampolicy.Request) (exists bool, d iampolicy.Decision) {
	q, err := e.lookup(&queue)
	if err != nil {
		return false, iampolicy.NoDecision
	}
	q.mu.Lock()
	pol := q.attrs.pol
	q.mu.Unlock()
	if pol == nil {
		return true, iampolicy.NoDecision
	}
	r.Resource = q.arn
	if r.Now.IsZero() {
		r.Now = e.now()
	}
	return true, pol.Evaluate(&r)
}

// HasPolicies reports whether any queue of the engine ever had a Policy: until then no request
// needs Authorize within the engine's own account.
func (e *Engine) HasPolicies() bool { return e.policies.Load() }
