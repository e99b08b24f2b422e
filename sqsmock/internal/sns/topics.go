package sns

import (
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/sqsharness/sqsharness/sqsmock/internal/iampolicy"
)

// topic is one SNS topic.
type topic struct {
	arn        string
	owner      string
	fifo       bool
	attrs      map[string]string // settable attributes as given (DisplayName, Policy, ...)
	policy     *iampolicy.Policy // attrs["Policy"] parsed, when policyText is it
	policyText string
	tags       map[string]string
	subs       []string // subscription ARNs, in order of subscribing
	deleted    int      // subscriptions removed, for SubscriptionsDeleted
	dedup      map[string]dedupEntry
	dedupOrder []string
	// delivering keeps a FIFO topic's deliveries in the order of its sequence numbers: Publish
	// takes it before it lets go of the service's lock.
	delivering sync.Mutex
}

// dedupEntry is a FIFO topic's memory of one deduplication id.
type dedupEntry struct {
	at             int64 // unix nanos of the first publish
	messageID, seq string
}

var topicName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// settable are the topic attributes SetTopicAttributes takes (FifoTopic is set only at creation).
var settable = map[string]bool{
	"DisplayName": true, "Policy": true, "DeliveryPolicy": true, "KmsMasterKeyId": true,
	"SignatureVersion": true, "TracingConfig": true, "ContentBasedDeduplication": true,
	"ArchivePolicy": true, "FifoThroughputScope": true, "DataProtectionPolicy": true,
	"HTTPSuccessFeedbackRoleArn": true, "HTTPFailureFeedbackRoleArn": true, "HTTPSuccessFeedbackSampleRate": true,
	"SQSSuccessFeedbackRoleArn": true, "SQSFailureFeedbackRoleArn": true, "SQSSuccessFeedbackSampleRate": true,
	"LambdaSuccessFeedbackRoleArn": true, "LambdaFailureFeedbackRoleArn": true, "LambdaSuccessFeedbackSampleRate": true,
	"FirehoseSuccessFeedbackRoleArn": true, "FirehoseFailureFeedbackRoleArn": true, "FirehoseSuccessFeedbackSampleRate": true,
	"ApplicationSuccessFeedbackRoleArn": true, "ApplicationFailureFeedbackRoleArn": true, "ApplicationSuccessFeedbackSampleRate": true,
}

// CreateTopic creates a topic, or returns the existing one of that name when its attributes and
// tags are the same.
func (s *Service) CreateTopic(_ context.Context, who Caller, in *sns.CreateTopicInput) (*sns.CreateTopicOutput, error) {
	name := aws.ToString(in.Name)
	fifo := strings.EqualFold(in.Attributes["FifoTopic"], "true")
	if !topicName.MatchString(strings.TrimSuffix(name, ".fifo")) || len(name) > 256 ||
		fifo != strings.HasSuffix(name, ".fifo") || strings.Count(name, ".") > 1 {
		return nil, invalidParameter("Invalid parameter: Topic Name")
	}
	attrs := map[string]string{}
	for k, v := range in.Attributes {
		switch {
		case k == "FifoTopic":
			if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
				return nil, invalidParameter("Invalid parameter: FifoTopic Reason: Invalid value [%s]. Must be true or false.", v)
			}
		case !settable[k]:
			return nil, invalidParameter("Invalid parameter: Attributes Reason: Unknown attribute %s", k)
		case k == "ContentBasedDeduplication" && !fifo:
			return nil, invalidParameter("Invalid parameter: Attributes Reason: ContentBasedDeduplication is only valid for FIFO topics")
		default:
			if err := checkTopicAttribute(k, v); err != nil {
				return nil, err
			}
			attrs[k] = v
		}
	}
	tags, err := tagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	a := "arn:aws:sns:" + who.Region + ":" + who.Account + ":" + name
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.topics[a]; ok {
		if len(in.Tags) > 0 && !maps.Equal(t.tags, tags) {
			return nil, invalidParameter("Invalid parameter: Tags Reason: Topic already exists with different tags")
		}
		for k, v := range attrs {
			if t.attrs[k] != v {
				return nil, invalidParameter("Invalid parameter: Attributes Reason: Topic already exists with different attributes")
			}
		}
		return &sns.CreateTopicOutput{TopicArn: aws.String(a)}, nil
	}
	s.topics[a] = &topic{arn: a, owner: who.Account, fifo: fifo, attrs: attrs, tags: tags, dedup: map[string]dedupEntry{}}
	return &sns.CreateTopicOutput{TopicArn: aws.String(a)}, nil
}

// checkTopicAttribute validates the value of a settable attribute the mock gives meaning to.
func checkTopicAttribute(k, v string) error {
	switch k {
	case "ContentBasedDeduplication":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return invalidParameter("Invalid parameter: ContentBasedDeduplication Reason: Invalid value [%s]. Must be true or false.", v)
		}
	case "SignatureVersion":
		if v != "1" && v != "2" {
			return invalidParameter("Invalid parameter: SignatureVersion")
		}
	case "Policy", "DeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy":
		if v != "" && !json.Valid([]byte(v)) {
			return invalidParameter("Invalid parameter: %s: failed to parse JSON", k)
		}
	}
	return nil
}

// lookupTopic finds the topic a request names, answering as SNS does for an ARN that is
// malformed, of another region, of another account or of no topic. Callers hold s.mu.
func (s *Service) lookupTopic(who Caller, parameter, topicARN, action string) (*topic, error) {
	a, err := parseARN(parameter, topicARN)
	if err != nil {
		return nil, err
	}
	if a.region != who.Region {
		return nil, invalidParameter("Invalid parameter: %s", parameter)
	}
	t, ok := s.topics[a.topicARN()]
	if !ok || a.sub != "" {
		return nil, notFound("Topic does not exist")
	}
	if a.account != who.Account {
		if d := t.decide(who, action); d != iampolicy.Allow {
			return nil, authorizationError(who, action, t.arn, d == iampolicy.Deny)
		}
	}
	return t, nil
}

// decide is what the topic's access policy says of who, of another account, taking the SNS
// action (e.g. "Publish"), as IAM evaluates one resource-based policy: Allow when an Allow
// applies (principal, action, resource and every condition) and no Deny does. A topic without a
// policy of its own, or with one the mock cannot read, lets its owner only.
func (t *topic) decide(who Caller, action string) iampolicy.Decision {
	p := t.attrs["Policy"]
	if p == "" {
		return iampolicy.NoDecision
	}
	if t.policyText != p {
		t.policy, _ = iampolicy.Parse(p) // nil when unreadable: allows nothing
		t.policyText = p
	}
	return t.policy.Evaluate(&iampolicy.Request{Action: "SNS:" + action, Resource: t.arn,
		Caller: iampolicy.Caller{Account: who.Account}, Secure: true})
}

// DeleteTopic deletes a topic and its subscriptions; a topic that does not exist is fine.
func (s *Service) DeleteTopic(_ context.Context, who Caller, in *sns.DeleteTopicInput) (*sns.DeleteTopicOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(who, "TopicArn", aws.ToString(in.TopicArn), "DeleteTopic")
	if err != nil {
		if isNotFound(err) {
			return &sns.DeleteTopicOutput{}, nil
		}
		return nil, err
	}
	for _, sa := range t.subs {
		delete(s.subs, sa)
	}
	delete(s.topics, t.arn)
	return &sns.DeleteTopicOutput{}, nil
}

// GetTopicAttributes returns the topic's attributes, defaults included.
func (s *Service) GetTopicAttributes(_ context.Context, who Caller, in *sns.GetTopicAttributesInput) (*sns.GetTopicAttributesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(who, "TopicArn", aws.ToString(in.TopicArn), "GetTopicAttributes")
	if err != nil {
		return nil, err
	}
	a := map[string]string{
		"TopicArn":                t.arn,
		"Owner":                   t.owner,
		"DisplayName":             "",
		"Policy":                  defaultPolicy(t.arn, t.owner),
		"EffectiveDeliveryPolicy": effectiveDeliveryPolicy,
		"SubscriptionsConfirmed":  strconv.Itoa(len(t.subs)),
		"SubscriptionsPending":    "0",
		"SubscriptionsDeleted":    strconv.Itoa(t.deleted),
	}
	if t.fifo {
		a["FifoTopic"] = "true"
		a["ContentBasedDeduplication"] = "false"
	}
	maps.Copy(a, t.attrs)
	return &sns.GetTopicAttributesOutput{Attributes: a}, nil
}

// effectiveDeliveryPolicy is the delivery policy of a topic that sets none (recorded).
const effectiveDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

// defaultPolicy is the access policy of a topic that sets none (recorded): its owner may do
// everything.
func defaultPolicy(topicARN, owner string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` +
		topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + owner + `"}}}]}`
}

// SetTopicAttributes sets one attribute.
func (s *Service) SetTopicAttributes(_ context.Context, who Caller, in *sns.SetTopicAttributesInput) (*sns.SetTopicAttributesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(who, "TopicArn", aws.ToString(in.TopicArn), "SetTopicAttributes")
	if err != nil {
		return nil, err
	}
	k, v := aws.ToString(in.AttributeName), aws.ToString(in.AttributeValue)
	if !settable[k] || (k == "ContentBasedDeduplication" && !t.fifo) {
		return nil, invalidParameter("Invalid parameter: AttributeName")
	}
	if err := checkTopicAttribute(k, v); err != nil {
		return nil, err
	}
	t.attrs[k] = v
	return &sns.SetTopicAttributesOutput{}, nil
}

// pageSize is how many topics or subscriptions one List call returns.
const pageSize = 100

// ListTopics lists the caller's topics in its region, 100 a page.
func (s *Service) ListTopics(_ context.Context, who Caller, in *sns.ListTopicsInput) (*sns.ListTopicsOutput, error) {
	s.mu.Lock()
	var arns []string
	prefix := "arn:aws:sns:" + who.Region + ":" + who.Account + ":"
	for a := range s.topics {
		if strings.HasPrefix(a, prefix) {
			arns = append(arns, a)
		}
	}
	s.mu.Unlock()
	sort.Strings(arns)
	page, next, err := paginate(arns, aws.ToString(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &sns.ListTopicsOutput{NextToken: next, Topics: []types.Topic{}}
	for _, a := range page {
		out.Topics = append(out.Topics, types.Topic{TopicArn: aws.String(a)})
	}
	return out, nil
}

// paginate returns the page of sorted keys after the token, and the next token (nil at the end).
func paginate(keys []string, token string) ([]string, *string, error) {
	start := 0
	if token != "" {
		start = sort.SearchStrings(keys, token)
		if start < len(keys) && keys[start] == token {
			start++
		}
	}
	end := min(start+pageSize, len(keys))
	var next *string
	if end < len(keys) {
		next = aws.String(keys[end-1])
	}
	return keys[start:end], next, nil
}

// tagMap checks tags as SNS does and returns them as a map.
func tagMap(tags []types.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, t := range tags {
		k := aws.ToString(t.Key)
		if _, dup := m[k]; dup {
			return nil, invalidParameter("Invalid parameter: Duplicated keys are not allowed.")
		}
		if k == "" || len(k) > 128 || len(aws.ToString(t.Value)) > 256 {
			return nil, invalidParameter("Invalid parameter: Tags")
		}
		m[k] = aws.ToString(t.Value)
	}
	if len(m) > 50 {
		return nil, &Error{400, &types.TagLimitExceededException{Message: aws.String("Could not complete request: tag quota of per resource exceeded")}}
	}
	return m, nil
}

// taggedTopic finds the topic of a tagging request (ResourceNotFound when there is none).
func (s *Service) taggedTopic(who Caller, resourceARN string) (*topic, error) {
	a, err := parseARN("ResourceArn", resourceARN)
	if err != nil {
		return nil, err
	}
	t, ok := s.topics[a.topicARN()]
	if !ok || a.sub != "" || a.region != who.Region {
		return nil, resourceNotFound()
	}
	if a.account != who.Account {
		return nil, authorizationError(who, "TagResource", t.arn, false)
	}
	return t, nil
}

// TagResource adds or replaces tags of a topic.
func (s *Service) TagResource(_ context.Context, who Caller, in *sns.TagResourceInput) (*sns.TagResourceOutput, error) {
	add, err := tagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.taggedTopic(who, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	merged := maps.Clone(t.tags)
	maps.Copy(merged, add)
	if len(merged) > 50 {
		return nil, &Error{400, &types.TagLimitExceededException{Message: aws.String("Could not complete request: tag quota of per resource exceeded")}}
	}
	t.tags = merged
	return &sns.TagResourceOutput{}, nil
}

// UntagResource removes tags of a topic.
func (s *Service) UntagResource(_ context.Context, who Caller, in *sns.UntagResourceInput) (*sns.UntagResourceOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.taggedTopic(who, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(t.tags, k)
	}
	return &sns.UntagResourceOutput{}, nil
}

// ListTagsForResource lists a topic's tags, by key.
func (s *Service) ListTagsForResource(_ context.Context, who Caller, in *sns.ListTagsForResourceInput) (*sns.ListTagsForResourceOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.taggedTopic(who, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(t.tags))
	for k := range t.tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := &sns.ListTagsForResourceOutput{Tags: []types.Tag{}}
	for _, k := range keys {
		out.Tags = append(out.Tags, types.Tag{Key: aws.String(k), Value: aws.String(t.tags[k])})
	}
	return out, nil
}

func isNotFound(err error) bool {
	e, ok := err.(*Error)
	return ok && e.API.ErrorCode() == "NotFound"
}
