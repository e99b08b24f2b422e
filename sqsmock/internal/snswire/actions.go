package snswire

import (
	"context"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"
)

// operation is one SNS operation the handler serves: its input type and schema, and how to call
// the backend with it.
type operation struct {
	name      string
	inputType reflect.Type   // the SDK input struct, e.g. sns.PublishInput
	schema    *smithy.Schema // the input structure's schema, e.g. schemas.PublishInput
	// call invokes the backend with in (a pointer to inputType); a nil output becomes an empty one.
	call func(ctx context.Context, b API, in any, optFns []func(*sns.Options)) (smithy.Serializable, error)
}

// op builds an operation from a method expression of API.
func op[I, O any](name string, m func(API, context.Context, *I, ...func(*sns.Options)) (*O, error)) *operation {
	var s xmlSerializer
	any(new(I)).(smithy.Serializable).Serialize(&s)
	return &operation{
		name:      name,
		inputType: reflect.TypeFor[I](),
		schema:    s.rootSchema,
		call: func(ctx context.Context, b API, in any, optFns []func(*sns.Options)) (smithy.Serializable, error) {
			out, err := m(b, ctx, in.(*I), optFns...)
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = new(O)
			}
			return any(out).(smithy.Serializable), nil
		},
	}
}

// operations are the operations of API, by action name.
var operations = func() map[string]*operation {
	list := []*operation{
		op("CreateTopic", API.CreateTopic),
		op("DeleteTopic", API.DeleteTopic),
		op("GetTopicAttributes", API.GetTopicAttributes),
		op("SetTopicAttributes", API.SetTopicAttributes),
		op("ListTopics", API.ListTopics),
		op("Subscribe", API.Subscribe),
		op("Unsubscribe", API.Unsubscribe),
		op("GetSubscriptionAttributes", API.GetSubscriptionAttributes),
		op("SetSubscriptionAttributes", API.SetSubscriptionAttributes),
		op("ListSubscriptions", API.ListSubscriptions),
		op("ListSubscriptionsByTopic", API.ListSubscriptionsByTopic),
		op("Publish", API.Publish),
		op("PublishBatch", API.PublishBatch),
		op("TagResource", API.TagResource),
		op("UntagResource", API.UntagResource),
		op("ListTagsForResource", API.ListTagsForResource),
	}
	m := make(map[string]*operation, len(list))
	for _, o := range list {
		m[o.name] = o
	}
	return m
}()

// actions are all the actions of SNS API version 2010-03-31 (the operations of *sns.Client).
var actions = map[string]bool{
	"AddPermission": true, "CheckIfPhoneNumberIsOptedOut": true, "ConfirmSubscription": true,
	"CreatePlatformApplication": true, "CreatePlatformEndpoint": true, "CreateSMSSandboxPhoneNumber": true,
	"CreateTopic": true, "DeleteEndpoint": true, "DeletePlatformApplication": true,
	"DeleteSMSSandboxPhoneNumber": true, "DeleteTopic": true, "GetDataProtectionPolicy": true,
	"GetEndpointAttributes": true, "GetPlatformApplicationAttributes": true, "GetSMSAttributes": true,
	"GetSMSSandboxAccountStatus": true, "GetSubscriptionAttributes": true, "GetTopicAttributes": true,
	"ListEndpointsByPlatformApplication": true, "ListOriginationNumbers": true, "ListPhoneNumbersOptedOut": true,
	"ListPlatformApplications": true, "ListSMSSandboxPhoneNumbers": true, "ListSubscriptions": true,
	"ListSubscriptionsByTopic": true, "ListTagsForResource": true, "ListTopics": true,
	"OptInPhoneNumber": true, "Publish": true, "PublishBatch": true, "PutDataProtectionPolicy": true,
	"RemovePermission": true, "SetEndpointAttributes": true, "SetPlatformApplicationAttributes": true,
	"SetSMSAttributes": true, "SetSubscriptionAttributes": true, "SetTopicAttributes": true,
	"Subscribe": true, "TagResource": true, "Unsubscribe": true, "UntagResource": true,
	"VerifySMSSandboxPhoneNumber": true,
}

// IsAction reports whether a Query action name is one of SNS's (any of its 42 operations, served
// here or not; names are case-sensitive), to tell an SNS request from an SQS one on the same
// port. AddPermission and RemovePermission are also SQS's: the Version parameter decides.
func IsAction(action string) bool { return actions[action] }

// lookup finds the operation of a request's Action and Version parameters, or the error SNS
// answers with: InvalidAction for an action it does not know in that version, and for one this
// handler does not serve.
func lookup(action, version string) (*operation, error) {
	if action == "" {
		return nil, missingAction()
	}
	if version == "" {
		version = Version
	}
	if version != Version || !actions[action] {
		return nil, invalidAction(action, version)
	}
	o := operations[action]
	if o == nil {
		return nil, notServed(action)
	}
	return o, nil
}
