package snswire

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// python runs a Python script with python3, skipping the test when python3 or module is missing.
func python(t *testing.T, module, script string, env ...string) []byte {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	if err := exec.Command(py, "-c", "import "+module).Run(); err != nil {
		t.Skipf("python module %s not installed", module)
	}
	path := filepath.Join(t.TempDir(), "script.py")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
	cmd := exec.Command(py, path)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("%s: %s", err, ee.Stderr)
	}
	require.NoError(t, err)
	return out
}

const modelScript = `
import json, botocore.session
m = botocore.session.get_session().get_service_model('sns')
ops = {}
structs = {}
def walk(shape, seen):
    if shape.type_name == 'structure':
        if shape.name not in seen:
            seen.append(shape.name)
            structs[shape.name] = list(shape.members)
            for mm in shape.members.values(): walk(mm, seen)
    elif shape.type_name == 'list': walk(shape.member, seen)
    elif shape.type_name == 'map': walk(shape.value, seen)
for name in m.operation_names:
    o = m.operation_model(name)
    seen = []
    if o.output_shape: walk(o.output_shape, seen)
    ops[name] = {"output": o.output_shape.name if o.output_shape else None, "structs": seen}
print(json.dumps({"ops": ops, "structs": structs, "namespace": m.metadata["xmlNamespace"], "version": m.api_version}))
`

// botocore's SNS model agrees with the handler's tables: the action names, which operations have
// no output (no Result element), and the member order of output structures (but where SNS's
// documented examples differ: Subscription, PublishBatchResponse).
func TestBotocoreModel(t *testing.T) {
	var model struct {
		Ops map[string]struct {
			Output  *string  `json:"output"`
			Structs []string `json:"structs"`
		} `json:"ops"`
		Structs   map[string][]string `json:"structs"`
		Namespace string              `json:"namespace"`
		Version   string              `json:"version"`
	}
	require.NoError(t, json.Unmarshal(python(t, "botocore", modelScript), &model))
	assert.Equal(t, namespace, model.Namespace)
	assert.Equal(t, Version, model.Version)
	for n := range model.Ops {
		assert.True(t, IsAction(n), n)
	}
	assert.Len(t, actions, len(model.Ops))

	documented := map[string]bool{"Subscription": true, "PublishBatchResponse": true}
	for _, op := range opNames() {
		m := model.Ops[op]
		body := send(newFake(), formReq("Action="+op)).Body.String()
		if m.Output == nil {
			assert.NotContains(t, body, op+"Result", op)
		} else {
			assert.Contains(t, body, op+"Result", op)
		}
		for _, name := range m.Structs {
			members := model.Structs[name]
			if len(members) < 2 {
				continue
			}
			order, ok := memberOrder[name]
			if !assert.True(t, ok, "memberOrder lacks %s", name) {
				continue
			}
			if documented[name] {
				assert.ElementsMatch(t, members, order, name)
			} else {
				assert.Equal(t, members, order, name)
			}
		}
	}
}

const boto3Script = `
import base64, json, os, boto3, botocore
from botocore.config import Config
c = boto3.client('sns', endpoint_url=os.environ['SNS_URL'], region_name='eu-west-1',
                 aws_access_key_id='AKID', aws_secret_access_key='secret',
                 config=Config(retries={'max_attempts': 1}))
arn = 'arn:aws:sns:eu-west-1:123456789012:orders'
r = {}
r['create'] = c.create_topic(Name='orders', Attributes={'DisplayName': 'Orders <&> "x"'}, Tags=[{'Key': 'team', 'Value': 'a'}])['TopicArn']
r['publish'] = c.publish(TopicArn=arn, Message='hé <&> "x"\n\ttab', Subject='s',
    MessageAttributes={'bin': {'DataType': 'Binary', 'BinaryValue': b'\x00\xff'}, 'n': {'DataType': 'Number', 'StringValue': '1'}})['MessageId']
b = c.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
    {'Id': '1', 'Message': 'm1', 'MessageAttributes': {'a': {'DataType': 'String', 'StringValue': 'v'}}},
    {'Id': '2', 'Message': 'm2', 'MessageGroupId': 'g'}])
r['batch'] = {'Successful': b['Successful'], 'Failed': b['Failed']}
r['subscribe'] = c.subscribe(TopicArn=arn, Protocol='sqs', Endpoint='arn:aws:sqs:eu-west-1:123456789012:q',
    Attributes={'RawMessageDelivery': 'true'}, ReturnSubscriptionArn=True)['SubscriptionArn']
c.untag_resource(ResourceArn=arn, TagKeys=['a', 'b'])
c.tag_resource(ResourceArn=arn, Tags=[{'Key': 'k', 'Value': 'v'}])
c.delete_topic(TopicArn=arn)
r['attrs'] = c.get_topic_attributes(TopicArn=arn)['Attributes']
t = c.list_topics()
r['topics'] = {'Topics': t['Topics'], 'NextToken': t.get('NextToken')}
r['subs'] = c.list_subscriptions_by_topic(TopicArn=arn)['Subscriptions']
r['tags'] = c.list_tags_for_resource(ResourceArn=arn)['Tags']
try:
    c.get_subscription_attributes(SubscriptionArn=arn + ':x')
except c.exceptions.NotFoundException as e:
    r['error'] = {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'],
                  'type': e.response['Error']['Type'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'],
                  'requestId': e.response['ResponseMetadata']['RequestId']}
print(json.dumps(r))
`

// boto3's SNS client against the handler: what it sends arrives as the Go SDK would have sent
// it, and it reads the answers and a typed error.
func TestBoto3Client(t *testing.T) {
	f, srv := serve(t)
	arn := "arn:aws:sns:eu-west-1:123456789012:orders"
	f.outs["CreateTopic"] = &sns.CreateTopicOutput{TopicArn: aws.String(arn)}
	f.outs["Publish"] = &sns.PublishOutput{MessageId: aws.String("m-1")}
	f.outs["PublishBatch"] = &sns.PublishBatchOutput{
		Successful: []types.PublishBatchResultEntry{{Id: aws.String("1"), MessageId: aws.String("m-2")}},
		Failed:     []types.BatchResultErrorEntry{{Id: aws.String("2"), Code: aws.String("InvalidParameter"), Message: aws.String("Invalid parameter: MessageGroupId"), SenderFault: true}},
	}
	f.outs["Subscribe"] = &sns.SubscribeOutput{SubscriptionArn: aws.String(arn + ":sub")}
	f.outs["GetTopicAttributes"] = &sns.GetTopicAttributesOutput{Attributes: map[string]string{"Owner": "123456789012", "Policy": `{"a":"<&>"}`}}
	f.outs["ListTopics"] = &sns.ListTopicsOutput{Topics: []types.Topic{{TopicArn: aws.String(arn)}}, NextToken: aws.String("next")}
	f.outs["ListSubscriptionsByTopic"] = &sns.ListSubscriptionsByTopicOutput{Subscriptions: []types.Subscription{{
		SubscriptionArn: aws.String(arn + ":sub"), Owner: aws.String("123456789012"), Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:eu-west-1:123456789012:q"), TopicArn: aws.String(arn)}}}
	f.outs["ListTagsForResource"] = &sns.ListTagsForResourceOutput{Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}
	f.errs["GetSubscriptionAttributes"] = &types.NotFoundException{Message: aws.String("Subscription does not exist")}

	var got map[string]any
	require.NoError(t, json.Unmarshal(python(t, "boto3", boto3Script, "SNS_URL="+srv.URL), &got))

	f.mu.Lock()
	calls := map[string]any{}
	for _, c := range f.calls {
		calls[c.op] = c.in
	}
	f.mu.Unlock()
	assert.Equal(t, &sns.CreateTopicInput{Name: aws.String("orders"), Attributes: map[string]string{"DisplayName": `Orders <&> "x"`},
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}, calls["CreateTopic"])
	assert.Equal(t, &sns.PublishInput{TopicArn: aws.String(arn), Message: aws.String("hé <&> \"x\"\n\ttab"), Subject: aws.String("s"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"bin": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 0xff}},
			"n":   {DataType: aws.String("Number"), StringValue: aws.String("1")},
		}}, calls["Publish"])
	assert.Equal(t, &sns.PublishBatchInput{TopicArn: aws.String(arn), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("1"), Message: aws.String("m1"), MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("String"), StringValue: aws.String("v")}}},
		{Id: aws.String("2"), Message: aws.String("m2"), MessageGroupId: aws.String("g")},
	}}, calls["PublishBatch"])
	assert.Equal(t, &sns.SubscribeInput{TopicArn: aws.String(arn), Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:eu-west-1:123456789012:q"),
		Attributes: map[string]string{"RawMessageDelivery": "true"}, ReturnSubscriptionArn: true}, calls["Subscribe"])
	assert.Equal(t, &sns.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a", "b"}}, calls["UntagResource"])
	assert.Equal(t, &sns.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}, calls["TagResource"])
	assert.Equal(t, &sns.DeleteTopicInput{TopicArn: aws.String(arn)}, calls["DeleteTopic"])

	want := map[string]any{
		"create":  arn,
		"publish": "m-1",
		"batch": map[string]any{
			"Successful": []any{map[string]any{"Id": "1", "MessageId": "m-2"}},
			"Failed":     []any{map[string]any{"Id": "2", "Code": "InvalidParameter", "Message": "Invalid parameter: MessageGroupId", "SenderFault": true}},
		},
		"subscribe": arn + ":sub",
		"attrs":     map[string]any{"Owner": "123456789012", "Policy": `{"a":"<&>"}`},
		"topics":    map[string]any{"Topics": []any{map[string]any{"TopicArn": arn}}, "NextToken": "next"},
		"subs": []any{map[string]any{"SubscriptionArn": arn + ":sub", "Owner": "123456789012", "Protocol": "sqs",
			"Endpoint": "arn:aws:sqs:eu-west-1:123456789012:q", "TopicArn": arn}},
		"tags":  []any{map[string]any{"Key": "k", "Value": "v"}},
		"error": map[string]any{"code": "NotFound", "message": "Subscription does not exist", "type": "Sender", "status": float64(404), "requestId": testRequestID},
	}
	assert.Equal(t, want, got)
}
