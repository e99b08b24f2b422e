package iampolicy

import "strings"

// principalKind is what an AWS principal names.
type principalKind uint8

const (
	kAccount   principalKind = iota + 1 // an account: its id, or arn:aws:iam::ACCOUNT:root
	kUser                               // arn:aws:iam::ACCOUNT:user/PATH/NAME
	kRole                               // arn:aws:iam::ACCOUNT:role/PATH/NAME
	kSession                            // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
	kFederated                          // arn:aws:sts::ACCOUNT:federated-user/NAME
)

// principal is one AWS principal of a policy, or the identity of a caller.
type principal struct {
	kind      principalKind
	partition string
	account   string
	resource  string // the ARN's resource (user/..., role/..., assumed-role/...)
	role      string // a role's name (the last part of its path), or a session's role
}

// parsePrincipal reads an AWS principal: a 12-digit account id, or the ARN of an account root,
// IAM user or role, assumed-role session or federated user.
func parsePrincipal(s string) (principal, bool) {
	if isAccountID(s) {
		return principal{kind: kAccount, partition: "aws", account: s}, true
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[3] != "" || !isAccountID(parts[4]) {
		return principal{}, false
	}
	p := principal{partition: parts[1], account: parts[4], resource: parts[5]}
	typ, rest, _ := strings.Cut(p.resource, "/")
	switch {
	case parts[2] == "iam" && p.resource == "root":
		p.kind = kAccount
	case parts[2] == "iam" && typ == "user" && rest != "":
		p.kind = kUser
	case parts[2] == "iam" && typ == "role" && rest != "":
		p.kind = kRole
		p.role = rest[strings.LastIndexByte(rest, '/')+1:]
	case parts[2] == "sts" && typ == "assumed-role":
		role, session, ok := strings.Cut(rest, "/")
		if !ok || role == "" || session == "" {
			return principal{}, false
		}
		p.kind, p.role = kSession, role
	case parts[2] == "sts" && typ == "federated-user" && rest != "":
		p.kind = kFederated
	default:
		return principal{}, false
	}
	return p, true
}

func isAccountID(s string) bool {
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

// Caller is who makes a request, as far as the mock knows: always its account, and its IAM
// identity when the caller named one. A caller known only by its account is that account's
// root principal (arn:aws:iam::ACCOUNT:root): statements that name the account (its id, its root
// ARN) or "*" apply to it, statements that name one IAM user or role of the account do not, and
// a NotPrincipal that does not list the account covers it.
type Caller struct {
	Account string
	ARN     string // the identity's ARN; "" for the account's root
	// Service is a service principal acting for a resource (e.g. "sns.amazonaws.com", with
	// Request.SourceArn its topic); Account and ARN are then empty.
	Service string
}

// ParseCaller reads an identity a caller names: the ARN of an IAM user, an IAM role, an
// assumed-role session (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) or an account root. It
// reports false for anything else.
func ParseCaller(arn string) (Caller, bool) {
	p, ok := parsePrincipal(arn)
	if !ok || p.kind == kFederated || !strings.HasPrefix(arn, "arn:") {
		return Caller{}, false
	}
	if p.kind == kAccount {
		return Caller{Account: p.account}, true
	}
	return Caller{Account: p.account, ARN: arn}, true
}

// identity is the caller as a principal.
func (c Caller) identity() principal {
	if c.ARN != "" {
		if p, ok := parsePrincipal(c.ARN); ok && p.account == c.Account && p.kind != kFederated {
			return p
		}
	}
	return principal{kind: kAccount, partition: "aws", account: c.Account}
}

// PrincipalARN is the value of aws:PrincipalArn for the caller: its account's root ARN, a user's
// or role's ARN, or for an assumed-role session the ARN of its role (without the role's path,
// which a session ARN does not carry).
func (c Caller) PrincipalARN() string {
	p := c.identity()
	switch p.kind {
	case kUser, kRole:
		return c.ARN
	case kSession:
		return "arn:" + p.partition + ":iam::" + p.account + ":role/" + p.role
	}
	return "arn:" + p.partition + ":iam::" + p.account + ":root"
}

// covers reports whether the policy's principal p names the identity id: an account names every
// principal in it; a user, role or session names itself; a role also names its sessions.
func covers(p, id principal) bool {
	if p.account != id.account {
		return false
	}
	switch p.kind {
	case kAccount:
		return true
	case kUser, kSession:
		return id.kind == p.kind && id.resource == p.resource
	case kRole:
		return id.kind == kRole && id.resource == p.resource || id.kind == kSession && id.role == p.role
	}
	return false
}

// matches reports whether a Principal element names the caller.
func (s *principalSet) matches(id principal) bool {
	if s.any {
		return true
	}
	for _, p := range s.aws {
		if covers(p, id) {
			return true
		}
	}
	return false
}

// excludes reports whether a NotPrincipal element leaves the caller out. IAM checks the account
// first, then the role, then the session ("When you use NotPrincipal, you must also specify the
// account ARN of the not-denied principal"): the caller is left out only when its account is
// listed and, unless it is the account's root, so is its own ARN (a session's, or its role's).
func (s *principalSet) excludes(id principal) bool {
	if s.any {
		return true
	}
	account, self := false, id.kind == kAccount
	for _, p := range s.aws {
		if p.account != id.account {
			continue
		}
		switch {
		case p.kind == kAccount:
			account = true
		case p.kind == id.kind && p.resource == id.resource:
			self = true
		case p.kind == kRole && id.kind == kSession && p.role == id.role:
			self = true
		}
	}
	return account && self
}
