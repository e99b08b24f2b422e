package sns

import (
	"slices"
	"strings"
)

// TopicView is a snapshot of one topic for the admin endpoints and the console.
type TopicView struct {
	ARN, Account, Region, Name string
	FIFO                       bool
	ContentBasedDeduplication  bool
	Subscriptions              []SubscriptionView // in the order of subscribing
}

// SubscriptionView is a snapshot of one subscription of a topic.
type SubscriptionView struct {
	ARN               string
	Owner             string // the subscriber's account
	Protocol          string // always "sqs"
	Endpoint          string // the queue's ARN
	Raw               bool   // RawMessageDelivery
	FilterPolicy      string // as set, "" when none
	FilterPolicyScope string // MessageAttributes or MessageBody, "" when no filter policy sets it
	DLQ               string // the RedrivePolicy's deadLetterTargetArn, "" when none
}

// Topics is a snapshot of every topic of every account and region, by ARN, with its
// subscriptions. It changes nothing.
func (s *Service) Topics() []TopicView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TopicView, 0, len(s.topics))
	for _, t := range s.topics {
		v := TopicView{ARN: t.arn, Account: t.owner, FIFO: t.fifo,
			ContentBasedDeduplication: strings.EqualFold(t.attrs["ContentBasedDeduplication"], "true"),
			Subscriptions:             make([]SubscriptionView, 0, len(t.subs))}
		if p := strings.SplitN(t.arn, ":", 6); len(p) == 6 {
			v.Region, v.Account, v.Name = p[3], p[4], p[5]
		}
		for _, sa := range t.subs {
			sub, ok := s.subs[sa]
			if !ok {
				continue
			}
			sv := SubscriptionView{ARN: sub.arn, Owner: sub.owner, Protocol: "sqs", Endpoint: sub.endpoint, Raw: sub.raw,
				FilterPolicy: sub.attrs["FilterPolicy"], FilterPolicyScope: sub.attrs["FilterPolicyScope"], DLQ: sub.dlq}
			if sub.filter != nil {
				sv.FilterPolicyScope = sub.scope
			}
			v.Subscriptions = append(v.Subscriptions, sv)
		}
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b TopicView) int { return strings.Compare(a.ARN, b.ARN) })
	return out
}
