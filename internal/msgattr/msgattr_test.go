package msgattr

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
)

func TestStrings(t *testing.T) {
	assert.Nil(t, Strings(nil))
	assert.Equal(t, map[string]string{
		"s": "text", "n": "-1.5e3", "custom": "v", "b": "AP9zaWeA", "empty": "",
	}, Strings(map[string]types.MessageAttributeValue{
		"s":      {DataType: aws.String("String"), StringValue: aws.String("text")},
		"n":      {DataType: aws.String("Number"), StringValue: aws.String("-1.5e3")},
		"custom": {DataType: aws.String("String.x"), StringValue: aws.String("v")},
		"b":      {DataType: aws.String("Binary"), BinaryValue: []byte{0x00, 0xff, 's', 'i', 'g', 0x80}},
		"empty":  {DataType: aws.String("Binary"), BinaryValue: []byte{}},
		"none":   {DataType: aws.String("String")},
	}))
}

func TestSNSStrings(t *testing.T) {
	assert.Nil(t, SNSStrings(nil))
	assert.Equal(t, map[string]string{"s": "text", "b": "AP8="}, SNSStrings(map[string]snstypes.MessageAttributeValue{
		"s":    {DataType: aws.String("String"), StringValue: aws.String("text")},
		"b":    {DataType: aws.String("Binary"), BinaryValue: []byte{0x00, 0xff}},
		"none": {DataType: aws.String("String")},
	}))
}
