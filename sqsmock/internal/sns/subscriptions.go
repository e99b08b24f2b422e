package sns

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/sqsharness/sqsharness/internal/snsfilter"
)

// subscription is one sqs-protocol subscription of a topic.
type subscription struct {
	arn, topic, owner, endpoint string
	attrs                       map[string]string // as set: RawMessageDelivery, FilterPolicy, ...
	raw                         bool
	filter                      *snsfilter.Policy // nil: every message
	scope                       string
	dlq                         string // RedrivePolicy's deadLetterTargetArn, "" when none
}

// protocols are the protocols SNS knows; the mock delivers only to sqs.
var protocols = map[string]bool{"http": true, "https": true, "email": true, "email-json": true, "sms": true,
	"sqs": true, "application": true, "lambda": true, "firehose": true}

// subscriptionAttributes are the attributes Subscribe and SetSubscriptionAttributes take.
var subscriptionAttributes = map[string]bool{"RawMessageDelivery": true, "FilterPolicy": true,
	"FilterPolicyScope": true, "RedrivePolicy": true, "DeliveryPolicy": true, "SubscriptionRoleArn": true,
	"ReplayPolicy": true}

// sqsARN reports whether s is an SQS queue's ARN, and its region.
func sqsARN(s string) (region string, ok bool) {
	p := strings.Split(s, ":")
	if len(p) != 6 || p[0] != "arn" || p[2] != "sqs" || p[3] == "" || len(p[4]) != 12 || p[5] == "" {
		return "", false
	}
	return p[3], true
}

// Subscribe subscribes an SQS queue to a topic; the same queue subscribed again with the same
// attributes gets the same subscription. SQS subscriptions need no confirmation.
func (s *Service) Subscribe(_ context.Context, who Caller, in *sns.SubscribeInput) (*sns.SubscribeOutput, error) {
	protocol, endpoint := aws.ToString(in.Protocol), aws.ToString(in.Endpoint)
	if !protocols[protocol] {
		return nil, invalidParameter("Invalid parameter: Amazon SNS does not support this protocol string: %s", protocol)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(who, "TopicArn", aws.ToString(in.TopicArn), "Subscribe")
	if err != nil {
		return nil, err
	}
	if protocol != "sqs" {
		return nil, invalidParameter("Invalid parameter: sqsmock's SNS delivers to the sqs protocol only, not %s", protocol)
	}
	if _, ok := sqsARN(endpoint); !ok {
		return nil, invalidParameter("Invalid parameter: SQS endpoint ARN")
	}
	if strings.HasSuffix(endpoint, ".fifo") && !t.fifo {
		return nil, invalidParameter("Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
	}
	sub := &subscription{topic: t.arn, owner: who.Account, endpoint: endpoint, attrs: map[string]string{}}
	for k, v := range in.Attributes {
		if !subscriptionAttributes[k] {
			return nil, invalidParameter("Invalid parameter: Attributes Reason: Unknown attribute %s", k)
		}
		if err := sub.set(t, k, v, "Attributes Reason: "); err != nil {
			return nil, err
		}
	}
	if err := sub.compile("Attributes Reason: "); err != nil {
		return nil, err
	}
	for _, sa := range t.subs {
		old := s.subs[sa]
		if old.endpoint == endpoint {
			if !maps.Equal(old.attrs, sub.attrs) && len(in.Attributes) > 0 {
				return nil, invalidParameter("Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
			}
			return &sns.SubscribeOutput{SubscriptionArn: aws.String(old.arn)}, nil
		}
	}
	sub.arn = t.arn + ":" + s.newID()
	s.subs[sub.arn] = sub
	t.subs = append(t.subs, sub.arn)
	return &sns.SubscribeOutput{SubscriptionArn: aws.String(sub.arn)}, nil
}

// set checks and sets one attribute; reason prefixes the error's reason, as Subscribe's
// errors name "Attributes Reason:" and SetSubscriptionAttributes' do not.
func (sub *subscription) set(t *topic, k, v, reason string) error {
	switch k {
	case "RawMessageDelivery":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return invalidParameter("Invalid parameter: %sRawMessageDelivery: Invalid value [%s]. Must be true or false.", reason, v)
		}
		v = strings.ToLower(v)
	case "FilterPolicyScope":
		if v != snsfilter.MessageAttributes && v != snsfilter.MessageBody {
			return invalidParameter("Invalid parameter: %sFilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", reason, v)
		}
	case "FilterPolicy":
		if v == "" {
			delete(sub.attrs, k)
			return nil
		}
	case "RedrivePolicy":
		if v == "" {
			delete(sub.attrs, k)
			return nil
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return invalidParameter("Invalid parameter: %sRedrivePolicy: failed to parse JSON. %s", reason, err.Error())
		}
		target, _ := p["deadLetterTargetArn"].(string)
		if _, ok := sqsARN(target); !ok {
			return invalidParameter("Invalid parameter: %sRedrivePolicy: deadLetterTargetArn is an invalid arn", reason)
		}
		if t.fifo && strings.HasSuffix(sub.endpoint, ".fifo") && !strings.HasSuffix(target, ".fifo") {
			return invalidParameter("Invalid parameter: %sRedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.", reason)
		}
	}
	sub.attrs[k] = v
	return nil
}

// compile derives the subscription's delivery settings from its attributes, checking the
// filter policy against its scope; reason is put before the policy error's reason, as in set.
func (sub *subscription) compile(reason string) error {
	sub.raw = sub.attrs["RawMessageDelivery"] == "true"
	sub.scope = sub.attrs["FilterPolicyScope"]
	if sub.scope == "" {
		sub.scope = snsfilter.MessageAttributes
	}
	sub.filter = nil
	if p := sub.attrs["FilterPolicy"]; p != "" {
		f, err := snsfilter.Parse(p, sub.scope)
		var bad *snsfilter.InvalidParameter
		switch {
		case errors.As(err, &bad) && reason != "":
			return invalidParameter("%s", bad.AttributesMessage())
		case err != nil:
			return invalidParameter("%s", err.Error())
		}
		sub.filter = f
	}
	sub.dlq = ""
	if rp := sub.attrs["RedrivePolicy"]; rp != "" {
		var p struct {
			Target string `json:"deadLetterTargetArn"`
		}
		_ = json.Unmarshal([]byte(rp), &p)
		sub.dlq = p.Target
	}
	return nil
}

// lookupSubscription finds the subscription a request names.
func (s *Service) lookupSubscription(who Caller, subARN string) (*subscription, error) {
	a, err := parseARN("SubscriptionArn", subARN)
	if err != nil {
		return nil, err
	}
	if a.sub == "" {
		return nil, invalidParameter("Invalid parameter: SubscriptionId")
	}
	if a.region != who.Region {
		return nil, invalidParameter("Invalid parameter: SubscriptionArn")
	}
	sub, ok := s.subs[subARN]
	if !ok {
		return nil, notFound("Subscription does not exist")
	}
	return sub, nil
}

// Unsubscribe deletes a subscription; one that does not exist is fine.
func (s *Service) Unsubscribe(_ context.Context, who Caller, in *sns.UnsubscribeInput) (*sns.UnsubscribeOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.lookupSubscription(who, aws.ToString(in.SubscriptionArn))
	if err != nil {
		if isNotFound(err) {
			return &sns.UnsubscribeOutput{}, nil
		}
		return nil, err
	}
	delete(s.subs, sub.arn)
	if t, ok := s.topics[sub.topic]; ok {
		for i, sa := range t.subs {
			if sa == sub.arn {
				t.subs = append(t.subs[:i:i], t.subs[i+1:]...)
				t.deleted++
				break
			}
		}
	}
	return &sns.UnsubscribeOutput{}, nil
}

// GetSubscriptionAttributes returns a subscription's attributes, as recorded on AWS.
func (s *Service) GetSubscriptionAttributes(_ context.Context, who Caller, in *sns.GetSubscriptionAttributesInput) (*sns.GetSubscriptionAttributesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.lookupSubscription(who, aws.ToString(in.SubscriptionArn))
	if err != nil {
		return nil, err
	}
	a := map[string]string{
		"ConfirmationWasAuthenticated": "true",
		"Endpoint":                     sub.endpoint,
		"Owner":                        sub.owner,
		"PendingConfirmation":          "false",
		"Protocol":                     "sqs",
		"RawMessageDelivery":           "false",
		"SubscriptionArn":              sub.arn,
		"SubscriptionPrincipal":        "arn:aws:iam::" + sub.owner + ":root",
		"TopicArn":                     sub.topic,
	}
	maps.Copy(a, sub.attrs)
	if sub.filter != nil {
		a["FilterPolicyScope"] = sub.scope
	}
	return &sns.GetSubscriptionAttributesOutput{Attributes: a}, nil
}

// SetSubscriptionAttributes sets one attribute of a subscription.
func (s *Service) SetSubscriptionAttributes(_ context.Context, who Caller, in *sns.SetSubscriptionAttributesInput) (*sns.SetSubscriptionAttributesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.lookupSubscription(who, aws.ToString(in.SubscriptionArn))
	if err != nil {
		return nil, err
	}
	k, v := aws.ToString(in.AttributeName), aws.ToString(in.AttributeValue)
	if !subscriptionAttributes[k] {
		return nil, invalidParameter("Invalid parameter: AttributeName")
	}
	next := *sub
	next.attrs = maps.Clone(sub.attrs)
	if err := next.set(s.topics[sub.topic], k, v, ""); err != nil {
		return nil, err
	}
	if err := next.compile(""); err != nil {
		return nil, err
	}
	*sub = next
	return &sns.SetSubscriptionAttributesOutput{}, nil
}

// ListSubscriptions lists the caller's subscriptions in its region, 100 a page.
func (s *Service) ListSubscriptions(_ context.Context, who Caller, in *sns.ListSubscriptionsInput) (*sns.ListSubscriptionsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := "arn:aws:sns:" + who.Region + ":"
	var arns []string
	for a, sub := range s.subs {
		if strings.HasPrefix(a, prefix) && sub.owner == who.Account {
			arns = append(arns, a)
		}
	}
	page, next := s.subscriptionPage(arns, aws.ToString(in.NextToken))
	return &sns.ListSubscriptionsOutput{Subscriptions: page, NextToken: next}, nil
}

// ListSubscriptionsByTopic lists a topic's subscriptions, 100 a page.
func (s *Service) ListSubscriptionsByTopic(_ context.Context, who Caller, in *sns.ListSubscriptionsByTopicInput) (*sns.ListSubscriptionsByTopicOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(who, "TopicArn", aws.ToString(in.TopicArn), "ListSubscriptionsByTopic")
	if err != nil {
		return nil, err
	}
	page, next := s.subscriptionPage(append([]string(nil), t.subs...), aws.ToString(in.NextToken))
	return &sns.ListSubscriptionsByTopicOutput{Subscriptions: page, NextToken: next}, nil
}

// subscriptionPage is one page of the subscriptions arns name, sorted. Callers hold s.mu.
func (s *Service) subscriptionPage(arns []string, token string) ([]types.Subscription, *string) {
	sort.Strings(arns)
	page, next, _ := paginate(arns, token)
	out := make([]types.Subscription, 0, len(page))
	for _, a := range page {
		sub := s.subs[a]
		out = append(out, types.Subscription{SubscriptionArn: aws.String(sub.arn), Owner: aws.String(sub.owner),
			Protocol: aws.String("sqs"), Endpoint: aws.String(sub.endpoint), TopicArn: aws.String(sub.topic)})
	}
	return out, next
}
