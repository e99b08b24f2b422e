package iampolicy

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Decision is what a policy says of a request.
type Decision uint8

const (
	// NoDecision: no statement applies (IAM's implicit deny; within the queue's own account the
	// caller's IAM policies decide, which the mock takes to allow).
	NoDecision Decision = iota
	// Allow: an Allow statement applies and no Deny does.
	Allow
	// Deny: a Deny statement applies; it wins over every Allow.
	Deny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "NoDecision"
}

// Request is one request as a queue policy sees it: the action, the queue, the caller, and the
// condition keys the mock can know. A key the mock cannot know is absent from the request
// context.
type Request struct {
	// Action is the IAM action, "sqs:SendMessage" (the batch operations take their single
	// forms' actions).
	Action string
	// Resource is the queue's ARN.
	Resource string
	// Caller is who makes the request (aws:PrincipalAccount, aws:PrincipalArn).
	Caller Caller
	// Now is the time of the request (aws:CurrentTime, aws:EpochTime); absent when zero.
	Now time.Time
	// Secure reports whether the request came over TLS (aws:SecureTransport, always present).
	Secure bool
	// SourceIP is the address the request came from (aws:SourceIp); absent when not valid.
	SourceIP netip.Addr
	// SourceArn and SourceAccount are the resource and account a service acts for
	// (aws:SourceArn, aws:SourceAccount); absent when empty, as for every request a client makes
	// itself.
	SourceArn, SourceAccount string
}

// value is the request's value of a context key (a lower-case name), and whether the request
// has the key.
func (r *Request) value(key string) (string, bool) {
	switch key {
	case "aws:securetransport":
		return strconv.FormatBool(r.Secure), true
	case "aws:currenttime":
		if r.Now.IsZero() {
			return "", false
		}
		return r.Now.UTC().Format(time.RFC3339), true
	case "aws:epochtime":
		if r.Now.IsZero() {
			return "", false
		}
		return strconv.FormatInt(r.Now.Unix(), 10), true
	case "aws:sourceip":
		if !r.SourceIP.IsValid() {
			return "", false
		}
		return r.SourceIP.Unmap().String(), true
	case "aws:principalaccount":
		return r.Caller.Account, r.Caller.Account != ""
	case "aws:principalarn":
		if r.Caller.Account == "" {
			return "", false
		}
		return r.Caller.PrincipalARN(), true
	case "aws:sourcearn":
		return r.SourceArn, r.SourceArn != ""
	case "aws:sourceaccount":
		return r.SourceAccount, r.SourceAccount != ""
	}
	return "", false
}

// Evaluate decides the request as IAM evaluates one resource-based policy: Deny if any Deny
// statement applies, else Allow if any Allow statement applies, else NoDecision. A statement
// applies when its principal, action, resource and every condition match. NotPrincipal is
// honoured with Deny only: with Allow it is not supported ("Using it with "Effect":"Allow" is not
// supported", IAM User Guide), and such a statement allows nothing.
func (p *Policy) Evaluate(r *Request) Decision {
	if p == nil {
		return NoDecision
	}
	id := r.Caller.identity()
	action := strings.ToLower(r.Action)
	allowed := false
	for i := range p.statements {
		st := &p.statements[i]
		if !st.deny && (allowed || st.notPrincipal) {
			continue
		}
		if st.applies(r, id, action) {
			if st.deny {
				return Deny
			}
			allowed = true
		}
	}
	if allowed {
		return Allow
	}
	return NoDecision
}

func (st *statement) applies(r *Request, id principal, action string) bool {
	if svc := r.Caller.Service; svc != "" {
		named := slices.Contains(st.principals.services, svc)
		if st.notPrincipal && named || !st.notPrincipal && !named && !st.principals.any {
			return false // a NotPrincipal lists the service, or a Principal names neither it nor "*"
		}
	} else if st.notPrincipal {
		if st.principals.excludes(id) {
			return false
		}
	} else if !st.principals.matches(id) {
		return false
	}
	matched := false
	for _, a := range st.actions {
		if a == "*" || Wildcard(a, action) {
			matched = true
			break
		}
	}
	if matched == st.notAction {
		return false
	}
	if st.resources != nil {
		matched = false
		for _, res := range st.resources {
			if Wildcard(res, r.Resource) {
				matched = true
				break
			}
		}
		if matched == st.notResource {
			return false
		}
	}
	for i := range st.conditions {
		if !st.conditions[i].holds(r) {
			return false
		}
	}
	return true
}
