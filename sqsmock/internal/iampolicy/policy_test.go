package iampolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

const (
	queueARN = "arn:aws:sqs:us-east-1:000000000000:q"
	owner    = "000000000000"
	other    = "111111111111"
)

// doc is a policy document of the statements given as JSON objects.
func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

func mustParse(t *testing.T, d string) *Policy {
	t.Helper()
	p, err := Parse(d)
	if err != nil {
		t.Fatalf("Parse(%s): %v", d, err)
	}
	return p
}

// req is a request of the other account's root by default.
func req(action string, mods ...func(*Request)) *Request {
	r := &Request{Action: action, Resource: queueARN, Caller: Caller{Account: other},
		Now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Secure: true}
	for _, m := range mods {
		m(r)
	}
	return r
}

const topicARN = "arn:aws:sns:us-east-1:" + owner + ":orders"

// bySNS makes the request SNS's, delivering for topicARN.
func bySNS(r *Request) {
	r.Caller, r.SourceArn, r.SourceAccount = Caller{Service: "sns.amazonaws.com"}, topicARN, owner
}

func as(arn string) func(*Request) {
	return func(r *Request) {
		c, ok := ParseCaller(arn)
		if !ok {
			panic("not a caller: " + arn)
		}
		r.Caller = c
	}
}

func TestEvaluate(t *testing.T) {
	allowAll := `{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"` + queueARN + `"}`
	userX := "arn:aws:iam::" + other + ":user/x"
	cases := []struct {
		name   string
		policy string
		req    *Request
		want   Decision
	}{
		// Effects.
		{"allow", doc(allowAll), req("sqs:SendMessage"), Allow},
		{"explicit deny wins", doc(allowAll, `{"Effect":"Deny","Principal":{"AWS":"`+other+`"},"Action":"sqs:SendMessage","Resource":"*"}`), req("sqs:SendMessage"), Deny},
		{"deny listed first wins too", doc(`{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage"}`, allowAll), req("sqs:SendMessage"), Deny},
		{"no statement applies", doc(`{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sqs:*"}`), req("sqs:SendMessage"), NoDecision},
		{"statement as one object", `{"Statement":` + allowAll + `}`, req("sqs:ReceiveMessage"), Allow},
		{"empty statement list", doc(), req("sqs:ReceiveMessage"), NoDecision},

		// Principals.
		{"account id", doc(`{"Effect":"Allow","Principal":{"AWS":"` + other + `"},"Action":"sqs:SendMessage"}`), req("sqs:SendMessage"), Allow},
		{"account root ARN", doc(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::` + other + `:root"]},"Action":"sqs:SendMessage"}`), req("sqs:SendMessage"), Allow},
		{"account covers its users", doc(`{"Effect":"Allow","Principal":{"AWS":"` + other + `"},"Action":"sqs:SendMessage"}`), req("sqs:SendMessage", as(userX)), Allow},
		{"AWS star", doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage"}`), req("sqs:SendMessage"), Allow},
		{"deny of one user leaves the account's root alone", doc(allowAll, `{"Effect":"Deny","Principal":{"AWS":"`+userX+`"},"Action":"sqs:*"}`), req("sqs:ReceiveMessage"), Allow},
		{"deny of one user denies that user", doc(allowAll, `{"Effect":"Deny","Principal":{"AWS":"`+userX+`"},"Action":"sqs:*"}`), req("sqs:ReceiveMessage", as(userX)), Deny},
		{"deny of one user leaves another user", doc(allowAll, `{"Effect":"Deny","Principal":{"AWS":"`+userX+`"},"Action":"sqs:*"}`), req("sqs:ReceiveMessage", as("arn:aws:iam::"+other+":user/y")), Allow},
		{"allow of one user does not allow the account's root", doc(`{"Effect":"Allow","Principal":{"AWS":"` + userX + `"},"Action":"sqs:*"}`), req("sqs:ReceiveMessage"), NoDecision},
		{"allow of one user allows that user", doc(`{"Effect":"Allow","Principal":{"AWS":"` + userX + `"},"Action":"sqs:*"}`), req("sqs:ReceiveMessage", as(userX)), Allow},
		{"a role covers its sessions", doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + other + `:role/team/worker"},"Action":"sqs:*"}`), req("sqs:ReceiveMessage", as("arn:aws:sts::"+other+":assumed-role/worker/s1")), Allow},
		{"a session covers only itself", doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::` + other + `:assumed-role/worker/s1"},"Action":"sqs:*"}`), req("sqs:ReceiveMessage", as("arn:aws:sts::"+other+":assumed-role/worker/s2")), NoDecision},
		{"same user name in another account", doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/x"},"Action":"sqs:*"}`), req("sqs:ReceiveMessage", as(userX)), NoDecision},
		{"service principals never match a client", doc(`{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage"}`), req("sqs:SendMessage"), NoDecision},

		// A service acting for a resource: SNS delivering for a topic.
		{"service principal", doc(`{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Condition":{"ArnEquals":{"aws:SourceArn":"` + topicARN + `"}}}`), req("sqs:SendMessage", bySNS), Allow},
		{"service principal of another topic", doc(`{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Condition":{"ArnEquals":{"aws:SourceArn":"` + topicARN + `-2"}}}`), req("sqs:SendMessage", bySNS), NoDecision},
		{"another service principal", doc(`{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com"]},"Action":"sqs:SendMessage"}`), req("sqs:SendMessage", bySNS), NoDecision},
		{"star covers services", doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Condition":{"StringEquals":{"aws:SourceAccount":"` + owner + `"}}}`), req("sqs:SendMessage", bySNS), Allow},
		{"an account principal is no service", doc(`{"Effect":"Allow","Principal":{"AWS":"` + owner + `"},"Action":"sqs:SendMessage"}`), req("sqs:SendMessage", bySNS), NoDecision},
		{"deny of the service", doc(allowAll, `{"Effect":"Deny","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:*"}`), req("sqs:SendMessage", bySNS), Deny},
		{"NotPrincipal deny leaves the listed service", doc(allowAll, `{"Effect":"Deny","NotPrincipal":{"Service":"sns.amazonaws.com"},"Action":"sqs:*"}`), req("sqs:SendMessage", bySNS), Allow},
		{"NotPrincipal deny covers a service not listed", doc(allowAll, `{"Effect":"Deny","NotPrincipal":{"AWS":"`+owner+`"},"Action":"sqs:*"}`), req("sqs:SendMessage", bySNS), Deny},

		// NotPrincipal.
		{"NotPrincipal deny covers an account not listed", doc(allowAll, `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::`+owner+`:root"},"Action":"sqs:*"}`), req("sqs:PurgeQueue"), Deny},
		{"NotPrincipal deny leaves the listed account", doc(allowAll, `{"Effect":"Deny","NotPrincipal":{"AWS":"`+other+`"},"Action":"sqs:*"}`), req("sqs:PurgeQueue"), Allow},
		{"NotPrincipal of a user alone still denies the user (its account is not listed)", doc(allowAll, `{"Effect":"Deny","NotPrincipal":{"AWS":"`+userX+`"},"Action":"sqs:*"}`), req("sqs:PurgeQueue", as(userX)), Deny},
		{"NotPrincipal of a user and its account leaves the user", doc(allowAll, `{"Effect":"Deny","NotPrincipal":{"AWS":["`+userX+`","`+other+`"]},"Action":"sqs:*"}`), req("sqs:PurgeQueue", as(userX)), Allow},
		{"NotPrincipal of a user and its account denies another user", doc(allowAll, `{"Effect":"Deny","NotPrincipal":{"AWS":["`+userX+`","`+other+`"]},"Action":"sqs:*"}`), req("sqs:PurgeQueue", as("arn:aws:iam::"+other+":user/y")), Deny},
		{"NotPrincipal of a role and its account leaves its sessions", doc(allowAll, `{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::`+other+`:role/worker","`+other+`"]},"Action":"sqs:*"}`), req("sqs:PurgeQueue", as("arn:aws:sts::"+other+":assumed-role/worker/s")), Allow},
		{"NotPrincipal with Allow allows nothing", doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"222222222222"},"Action":"sqs:*"}`), req("sqs:SendMessage"), NoDecision},

		// Actions.
		{"action case-insensitive", doc(`{"Effect":"Allow","Principal":"*","Action":"SQS:SENDMESSAGE"}`), req("sqs:SendMessage"), Allow},
		{"action wildcard", doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:Send*"}`), req("sqs:SendMessage"), Allow},
		{"action single-character wildcard", doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:?eceiveMessage"}`), req("sqs:ReceiveMessage"), Allow},
		{"action star", doc(`{"Effect":"Allow","Principal":"*","Action":"*"}`), req("sqs:PurgeQueue"), Allow},
		{"other action", doc(`{"Effect":"Allow","Principal":"*","Action":["sqs:SendMessage","sqs:DeleteMessage"]}`), req("sqs:ReceiveMessage"), NoDecision},
		{"other service", doc(`{"Effect":"Allow","Principal":"*","Action":"sns:*"}`), req("sqs:SendMessage"), NoDecision},
		{"NotAction deny covers the others", doc(allowAll, `{"Effect":"Deny","Principal":"*","NotAction":"sqs:SendMessage"}`), req("sqs:PurgeQueue"), Deny},
		{"NotAction deny leaves the listed", doc(allowAll, `{"Effect":"Deny","Principal":"*","NotAction":["sqs:SendMessage","sqs:Get*"]}`), req("sqs:GetQueueAttributes"), Allow},
		{"NotAction allow", doc(`{"Effect":"Allow","Principal":"*","NotAction":"sqs:PurgeQueue"}`), req("sqs:ReceiveMessage"), Allow},

		// Resources.
		{"resource wildcard", doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"arn:aws:sqs:*:` + owner + `:*"}`), req("sqs:SendMessage"), Allow},
		{"resource of another queue", doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:` + owner + `:other"}`), req("sqs:SendMessage"), NoDecision},
		{"resource case-sensitive", doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:` + owner + `:Q"}`), req("sqs:SendMessage"), NoDecision},
		{"NotResource of another queue", doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:*","NotResource":"arn:aws:sqs:us-east-1:` + owner + `:other"}`), req("sqs:SendMessage"), Allow},
		{"NotResource of this queue", doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:*","NotResource":"` + queueARN + `"}`), req("sqs:SendMessage"), NoDecision},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustParse(t, tc.policy).Evaluate(tc.req); got != tc.want {
				t.Errorf("Evaluate = %v, want %v\npolicy %s", got, tc.want, tc.policy)
			}
		})
	}
}

func TestConditions(t *testing.T) {
	withIP := func(ip string) func(*Request) {
		return func(r *Request) { r.SourceIP = netip.MustParseAddr(ip) }
	}
	insecure := func(r *Request) { r.Secure = false }
	fromTopic := func(r *Request) {
		r.SourceArn, r.SourceAccount = "arn:aws:sns:us-east-1:"+other+":topic", other
	}
	cases := []struct {
		name      string
		condition string
		mods      []func(*Request)
		want      bool
	}{
		// String.
		{"StringEquals", `{"StringEquals":{"aws:PrincipalAccount":"` + other + `"}}`, nil, true},
		{"StringEquals other value", `{"StringEquals":{"aws:PrincipalAccount":"222222222222"}}`, nil, false},
		{"StringEquals values are ORed", `{"StringEquals":{"aws:PrincipalAccount":["222222222222","` + other + `"]}}`, nil, true},
		{"StringNotEquals values are NORed", `{"StringNotEquals":{"aws:PrincipalAccount":["222222222222","` + other + `"]}}`, nil, false},
		{"StringNotEquals", `{"StringNotEquals":{"aws:PrincipalAccount":"222222222222"}}`, nil, true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"aws:PrincipalArn":"ARN:AWS:IAM::` + other + `:ROOT"}}`, nil, false},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:PrincipalArn":"ARN:AWS:IAM::` + other + `:ROOT"}}`, nil, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:PrincipalArn":"ARN:AWS:IAM::` + other + `:ROOT"}}`, nil, false},
		{"StringLike", `{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:ro?t"}}`, nil, true},
		{"StringNotLike", `{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}`, nil, true},
		{"context key names are not case-sensitive", `{"StringEquals":{"AWS:PRINCIPALACCOUNT":"` + other + `"}}`, nil, true},
		{"operator names in any case", `{"stringequals":{"aws:PrincipalAccount":"` + other + `"}}`, nil, true},

		// A key the request does not have.
		{"absent key: positive operator is false", `{"StringEquals":{"aws:SourceAccount":"` + other + `"}}`, nil, false},
		{"absent key: negated operator is true", `{"StringNotEquals":{"aws:SourceAccount":"` + other + `"}}`, nil, true},
		{"absent key: ArnNotLike is true", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}`, nil, true},
		{"absent key: IfExists is true", `{"StringEqualsIfExists":{"aws:SourceAccount":"222222222222"}}`, nil, true},
		{"present key: IfExists compares", `{"StringEqualsIfExists":{"aws:SourceAccount":"222222222222"}}`, []func(*Request){fromTopic}, false},
		{"unknown key is absent", `{"StringEquals":{"aws:SourceVpce":"vpce-1"}}`, nil, false},
		{"unknown key, negated", `{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}`, nil, true},
		{"ForAnyValue on an absent key is false", `{"ForAnyValue:StringNotEquals":{"aws:SourceVpce":"vpce-1"}}`, nil, false},
		{"ForAllValues on an absent key is true", `{"ForAllValues:StringEquals":{"aws:SourceVpce":"vpce-1"}}`, nil, true},

		// Null.
		{"Null true on an absent key", `{"Null":{"aws:SourceArn":"true"}}`, nil, true},
		{"Null true on a present key", `{"Null":{"aws:SourceArn":"true"}}`, []func(*Request){fromTopic}, false},
		{"Null false on a present key", `{"Null":{"aws:SourceArn":false}}`, []func(*Request){fromTopic}, true},

		// Arn.
		{"ArnEquals", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:` + other + `:topic"}}`, []func(*Request){fromTopic}, true},
		{"ArnLike per part", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:top*"}}`, []func(*Request){fromTopic}, true},
		{"ArnLike wildcard does not cross parts", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:topic"}}`, []func(*Request){fromTopic}, false},
		{"ArnNotEquals", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:` + other + `:topic"}}`, []func(*Request){fromTopic}, false},
		{"ArnNotLike", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:other"}}`, []func(*Request){fromTopic}, true},
		{"StringEquals aws:SourceAccount", `{"StringEquals":{"aws:SourceAccount":"` + other + `"}}`, []func(*Request){fromTopic}, true},

		// Bool.
		{"Bool SecureTransport true", `{"Bool":{"aws:SecureTransport":"true"}}`, nil, true},
		{"Bool SecureTransport as a JSON boolean", `{"Bool":{"aws:SecureTransport":false}}`, []func(*Request){insecure}, true},
		{"Bool SecureTransport false on TLS", `{"Bool":{"aws:SecureTransport":"false"}}`, nil, false},
		{"Bool in any case", `{"Bool":{"aws:SecureTransport":"FALSE"}}`, []func(*Request){insecure}, true},

		// Date, on the clock of the request (2026-11-30T12:00:00Z).
		{"DateLessThan", `{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}`, nil, true},
		{"DateGreaterThan", `{"DateGreaterThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}`, nil, false},
		{"DateGreaterThan a date", `{"DateGreaterThan":{"aws:CurrentTime":"2026-11-30"}}`, nil, true},
		{"DateEquals another zone", `{"DateEquals":{"aws:CurrentTime":"2026-11-30T13:00:00+01:00"}}`, nil, true},
		{"DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2026-11-30T12:00:00Z"}}`, nil, false},
		{"DateLessThanEquals", `{"DateLessThanEquals":{"aws:CurrentTime":"2026-11-30T12:00:00Z"}}`, nil, true},
		{"DateGreaterThanEquals epoch value", `{"DateGreaterThanEquals":{"aws:CurrentTime":"1796040000"}}`, nil, true},
		{"Date on aws:EpochTime", `{"DateLessThan":{"aws:EpochTime":"2026-11-30T12:00:01Z"}}`, nil, true},

		// Numeric.
		{"NumericGreaterThan aws:EpochTime", `{"NumericGreaterThan":{"aws:EpochTime":1796039999}}`, nil, true},
		{"NumericLessThan aws:EpochTime", `{"NumericLessThan":{"aws:EpochTime":"1796039999.5"}}`, nil, false},
		{"NumericEquals", `{"NumericEquals":{"aws:EpochTime":"1796040000"}}`, nil, true},
		{"NumericNotEquals", `{"NumericNotEquals":{"aws:EpochTime":"1796040000"}}`, nil, false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"aws:EpochTime":"1796040000"}}`, nil, true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"aws:EpochTime":"1796040001"}}`, nil, false},
		{"Numeric on a value that is no number", `{"NumericEquals":{"aws:PrincipalAccount":"1"}}`, nil, false},

		// IpAddress.
		{"IpAddress in a block", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, []func(*Request){withIP("10.1.2.3")}, true},
		{"IpAddress out of the block", `{"IpAddress":{"aws:SourceIp":["192.168.0.0/16","127.0.0.1"]}}`, []func(*Request){withIP("10.1.2.3")}, false},
		{"IpAddress one address", `{"IpAddress":{"aws:SourceIp":"127.0.0.1"}}`, []func(*Request){withIP("::ffff:127.0.0.1")}, true},
		{"IpAddress IPv6", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, []func(*Request){withIP("2001:db8::1")}, true},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, []func(*Request){withIP("10.1.2.3")}, false},
		{"NotIpAddress without a source address", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, nil, true},
		{"IpAddress without a source address", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, nil, false},

		// AND across keys and operators.
		{"keys of one operator are ANDed", `{"StringEquals":{"aws:PrincipalAccount":"` + other + `","aws:SourceAccount":"` + other + `"}}`, nil, false},
		{"operators are ANDed", `{"StringEquals":{"aws:PrincipalAccount":"` + other + `"},"Bool":{"aws:SecureTransport":"false"}}`, nil, false},
		{"all of them hold", `{"StringEquals":{"aws:PrincipalAccount":"` + other + `"},"Bool":{"aws:SecureTransport":"true"},"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}`, nil, true},

		// PrincipalArn.
		{"PrincipalArn of a session is its role", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::` + other + `:role/worker"}}`, []func(*Request){as("arn:aws:sts::" + other + ":assumed-role/worker/s")}, true},
		{"PrincipalArn of a user", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::` + other + `:user/*"}}`, []func(*Request){as("arn:aws:iam::" + other + ":user/x")}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The condition on a Deny: it denies exactly when the condition holds.
			p := mustParse(t, doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:*"}`,
				`{"Effect":"Deny","Principal":"*","Action":"sqs:*","Condition":`+tc.condition+`}`))
			got := p.Evaluate(req("sqs:ReceiveMessage", tc.mods...)) == Deny
			if got != tc.want {
				t.Errorf("condition %s holds = %v, want %v", tc.condition, got, tc.want)
			}
		})
	}
}

func TestQuotas(t *testing.T) {
	stmt := func(sid int, extra string) string {
		return fmt.Sprintf(`{"Sid":"s%d","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"sqs:SendMessage"%s}`, sid, other, extra)
	}
	statements := func(n int) string {
		var out []string
		for i := range n {
			out = append(out, stmt(i, ""))
		}
		return doc(out...)
	}
	actions := func(n int) string {
		var a []string
		for i := range n {
			a = append(a, fmt.Sprintf(`"sqs:Action%d"`, i))
		}
		return doc(`{"Effect":"Allow","Principal":"*","Action":[` + strings.Join(a, ",") + `]}`)
	}
	notActions := func(n int) string { return strings.Replace(actions(n), `"Action"`, `"NotAction"`, 1) }
	principals := func(n int) string {
		// Spread over two statements and two principal types: the quota counts every principal.
		var aws []string
		for i := range n - 1 {
			aws = append(aws, fmt.Sprintf(`"%012d"`, i+1))
		}
		return doc(`{"Effect":"Allow","Principal":{"AWS":[`+strings.Join(aws[:len(aws)/2], ",")+`]},"Action":"sqs:*"}`,
			`{"Effect":"Deny","Principal":{"AWS":[`+strings.Join(aws[len(aws)/2:], ",")+`],"Service":"sns.amazonaws.com"},"Action":"sqs:PurgeQueue"}`)
	}
	conditions := func(n int) string {
		// Ten keys over two statements and several operators: the quota counts each key of each operator.
		var first, second []string
		for i := range n {
			c := fmt.Sprintf(`"aws:SourceAccount%d":"%s"`, i, other)
			if i%2 == 0 {
				first = append(first, c)
			} else {
				second = append(second, c)
			}
		}
		return doc(stmt(0, `,"Condition":{"StringEquals":{`+strings.Join(first, ",")+`}}`),
			stmt(1, `,"Condition":{"StringNotEquals":{`+strings.Join(second, ",")+`}}`))
	}
	pad := func(n int) string {
		d := doc(stmt(0, ""))
		return d[:len(d)-1] + strings.Repeat(" ", n-len(d)) + "}"
	}
	cases := []struct {
		name, doc, err string
	}{
		{"8,192 bytes", pad(MaxBytes), ""},
		{"8,193 bytes", pad(MaxBytes + 1), "Submitted policy is over max allowed size."},
		{"3 MB", pad(3 << 20), "Submitted policy is over max allowed size."},
		{"20 statements", statements(20), ""},
		{"21 statements", statements(21), "21 statements were found in the submitted policy, max allowed is 20"},
		{"7 actions", actions(7), ""},
		{"8 actions", actions(8), "8 actions were found in a statement from the submitted policy, max allowed is 7"},
		{"8 NotActions", notActions(8), "8 actions were found in a statement from the submitted policy, max allowed is 7"},
		{"50 principals", principals(50), ""},
		{"51 principals", principals(51), "51 principals were found in the submitted policy, max allowed is 50"},
		{"10 conditions", conditions(10), ""},
		{"11 conditions", conditions(11), "11 conditions were found in the submitted policy, max allowed is 10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.doc)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || le.Error() != tc.err {
				t.Fatalf("Parse error = %v, want the limit error %q", err, tc.err)
			}
		})
	}
}

func TestParseRefusesWhatIsNoPolicy(t *testing.T) {
	ok := `"Effect":"Allow","Principal":"*","Action":"sqs:*"`
	for name, d := range map[string]string{
		"not JSON":                         `{not json`,
		"a list":                           `[` + doc() + `]`,
		"data after the object":            doc() + `{}`,
		"a brace after the object":         doc() + `}`,
		"element names are case-sensitive": `{"statement":[]}`,
		"no Statement":                     `{"Version":"2012-10-17"}`,
		"Statement null":                   `{"Statement":null}`,
		"statement null":                   `{"Statement":[null]}`,
		"Statement a string":               `{"Statement":"x"}`,
		"Version not a string":             `{"Version":1,"Statement":[]}`,
		"Effect in lower case":             doc(`{"Effect":"allow","Principal":"*","Action":"sqs:*"}`),
		"no Effect":                        doc(`{"Principal":"*","Action":"sqs:*"}`),
		"no principal":                     doc(`{"Effect":"Allow","Action":"sqs:*"}`),
		"Principal and NotPrincipal":       doc(`{` + ok + `,"NotPrincipal":"*"}`),
		"no action":                        doc(`{"Effect":"Allow","Principal":"*"}`),
		"Action and NotAction":             doc(`{` + ok + `,"NotAction":"sqs:*"}`),
		"Resource and NotResource":         doc(`{` + ok + `,"Resource":"*","NotResource":"*"}`),
		"empty action list":                doc(`{"Effect":"Allow","Principal":"*","Action":[]}`),
		"action without service":           doc(`{"Effect":"Allow","Principal":"*","Action":"SendMessage"}`),
		"principal string not star":        doc(`{"Effect":"Allow","Principal":"` + other + `","Action":"sqs:*"}`),
		"principal not an account or ARN":  doc(`{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sqs:*"}`),
		"principal ARN of a group":         doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + other + `:group/g"},"Action":"sqs:*"}`),
		"unknown principal type":           doc(`{"Effect":"Allow","Principal":{"Robot":"r"},"Action":"sqs:*"}`),
		"unknown operator":                 doc(`{` + ok + `,"Condition":{"StringSortOf":{"aws:SourceArn":"x"}}}`),
		"Null with IfExists":               doc(`{` + ok + `,"Condition":{"NullIfExists":{"aws:SourceArn":"true"}}}`),
		"Null not a boolean":               doc(`{` + ok + `,"Condition":{"Null":{"aws:SourceArn":"maybe"}}}`),
		"date that is no date":             doc(`{` + ok + `,"Condition":{"DateLessThan":{"aws:CurrentTime":"yesterday"}}}`),
		"number that is no number":         doc(`{` + ok + `,"Condition":{"NumericLessThan":{"aws:EpochTime":"soon"}}}`),
		"address that is no address":       doc(`{` + ok + `,"Condition":{"IpAddress":{"aws:SourceIp":"300.1.1.1"}}}`),
		"empty value list":                 doc(`{` + ok + `,"Condition":{"StringEquals":{"aws:SourceArn":[]}}}`),
		"object value":                     doc(`{` + ok + `,"Condition":{"StringEquals":{"aws:SourceArn":{"a":1}}}}`),
		"operator with no key":             doc(`{` + ok + `,"Condition":{"StringEquals":{}}}`),
		"Condition not a map":              doc(`{` + ok + `,"Condition":"x"}`),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(d)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%s) = %v, want ErrInvalid", d, err)
			}
		})
	}
}

func TestParseCaller(t *testing.T) {
	for arn, want := range map[string]Caller{
		"arn:aws:iam::111111111111:user/x":                 {Account: other, ARN: "arn:aws:iam::111111111111:user/x"},
		"arn:aws:iam::111111111111:role/path/r":            {Account: other, ARN: "arn:aws:iam::111111111111:role/path/r"},
		"arn:aws:sts::111111111111:assumed-role/r/session": {Account: other, ARN: "arn:aws:sts::111111111111:assumed-role/r/session"},
		"arn:aws:iam::111111111111:root":                   {Account: other},
	} {
		got, ok := ParseCaller(arn)
		if !ok || got != want {
			t.Errorf("ParseCaller(%q) = %+v, %v; want %+v", arn, got, ok, want)
		}
	}
	for _, bad := range []string{"", "111111111111", "token", "arn:aws:iam::1:user/x", "arn:aws:sqs:us-east-1:111111111111:q",
		"arn:aws:sts::111111111111:federated-user/f", "arn:aws:sts::111111111111:assumed-role/r"} {
		if c, ok := ParseCaller(bad); ok {
			t.Errorf("ParseCaller(%q) = %+v, want none", bad, c)
		}
	}
	if got := (Caller{Account: other}).PrincipalARN(); got != "arn:aws:iam::111111111111:root" {
		t.Errorf("PrincipalARN of a root = %q", got)
	}
}

// FuzzParse: no document panics Parse or Evaluate; a document Parse accepts is within every
// quota, counted here independently; and the decision does not depend on the order of the
// statements.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"` + queueARN + `"}`),
		doc(`{"Effect":"Deny","NotPrincipal":{"AWS":["111111111111","arn:aws:iam::111111111111:user/x"]},"NotAction":"sqs:Send*","Condition":{"Bool":{"aws:SecureTransport":false},"ForAnyValue:StringLikeIfExists":{"aws:SourceArn":["a*","b?"]}}}`),
		`{"Statement":{"Effect":"Allow","Principal":{"AWS":"*","Service":["sns.amazonaws.com"]},"Action":["sqs:SendMessage"],"NotResource":"arn:*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1"]},"NumericGreaterThan":{"aws:EpochTime":1.5},"Null":{"aws:SourceAccount":"true"}}}}`,
		`{"Statement":[]}`,
		`{not json`,
	} {
		f.Add(s)
	}
	requests := []*Request{
		req("sqs:SendMessage"),
		req("sqs:PurgeQueue", as("arn:aws:iam::111111111111:user/x"), func(r *Request) {
			r.Secure, r.SourceIP, r.SourceArn = false, netip.MustParseAddr("10.0.0.1"), "arn:aws:sns:us-east-1:111111111111:t"
		}),
		{Action: "sqs:ReceiveMessage", Resource: queueARN, Caller: Caller{Account: owner}},
	}
	f.Fuzz(func(t *testing.T, d string) {
		p, err := Parse(d)
		if err != nil {
			var le *LimitError
			if !errors.As(err, &le) && !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse error %v is neither a limit nor ErrInvalid", err)
			}
			return
		}
		if len(d) > MaxBytes {
			t.Fatalf("accepted %d bytes", len(d))
		}
		var generic struct{ Statement json.RawMessage }
		if err := json.Unmarshal([]byte(d), &generic); err != nil {
			t.Fatalf("accepted a document encoding/json refuses: %v", err)
		}
		if p.Statements() > MaxStatements {
			t.Fatalf("accepted %d statements", p.Statements())
		}
		principals, conditions := 0, 0
		for _, st := range p.statements {
			if len(st.actions) > MaxActions {
				t.Fatalf("accepted %d actions in a statement", len(st.actions))
			}
			principals += st.principals.count
			conditions += len(st.conditions)
		}
		if principals > MaxPrincipals || conditions > MaxConditions {
			t.Fatalf("accepted %d principals, %d conditions", principals, conditions)
		}
		reversed := &Policy{statements: make([]statement, len(p.statements))}
		for i, st := range p.statements {
			reversed.statements[len(p.statements)-1-i] = st
		}
		for _, r := range requests {
			if a, b := p.Evaluate(r), reversed.Evaluate(r); a != b {
				t.Fatalf("decision depends on statement order: %v, reversed %v", a, b)
			}
		}
	})
}
