package suite

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Input validation of message attribute values. The developer guide's "Message attribute
// components and data types": "Numbers are positive or negative integers or floating-point
// numbers. [...] A number can have up to 38 digits of precision, and it can be between 10^-128
// and 10^+126. Leading and trailing zeroes are trimmed." SQS parses a Number as a decimal, so
// forms of other number syntaxes (hexadecimal, digit separators, surrounding spaces) are not
// numbers. IDs 101 and up keep clear of the SEND tests numbered in order.

var numberDoc = guideDoc("sqs-message-metadata.html#sqs-message-attributes")

// sendNumber sends one message whose Number attribute "n" has value v.
func (c *C) sendNumber(q, v string) error {
	_, err := c.send(q, "n", func(in *sqs.SendMessageInput) {
		in.MessageAttributes = map[string]types.MessageAttributeValue{"n": num(v)}
	})
	return err
}

// rejectsNumbers requires each value to fail as a Number attribute with InvalidParameterValue.
func (c *C) rejectsNumbers(q string, values ...string) {
	for _, v := range values {
		c.Logf("Number value %q", v)
		c.Err(c.sendNumber(q, v), "InvalidParameterValue", 400, "")
	}
}

// acceptsNumbers requires each value to be accepted as a Number attribute and received unchanged.
func (c *C) acceptsNumbers(q string, values ...string) {
	for _, v := range values {
		c.OK(c.sendNumber(q, v), "Number value "+v)
		c.AssertMessageAttributes(c.one(q, 5*time.Second), map[string]types.MessageAttributeValue{"n": num(v)})
	}
}

func inputTests() (tests []Test) {
	digits38 := "12345678901234567890123456789012345678"
	tests = append(tests,
		Test{ID: "SQS-SEND-101", Title: "A Number attribute in another number syntax (hexadecimal, digit separators, surrounding spaces) fails with InvalidParameterValue",
			Doc: numberDoc, Run: func(c *C) {
				q := c.Queue("numsyntax", nil)
				c.rejectsNumbers(q, "0x10", "1_000", " 5 ")
			}},
		Test{ID: "SQS-SEND-102", Title: "A Number attribute of 38 significant digits is accepted (trailing zeros trimmed); of 39 fails with InvalidParameterValue",
			Doc: numberDoc, Run: func(c *C) {
				q := c.Queue("numdigits", nil)
				c.acceptsNumbers(q, digits38, digits38+"000")
				c.rejectsNumbers(q, digits38+"9")
			}},
		Test{ID: "SQS-SEND-103", Title: "A Number attribute of magnitude 10^126 or 10^-128 is accepted; 10^127 or 10^-129 fails with InvalidParameterValue",
			Doc: numberDoc, Run: func(c *C) {
				q := c.Queue("numrange", nil)
				c.acceptsNumbers(q, "1"+strings.Repeat("0", 126), "-1e-128")
				c.rejectsNumbers(q, "1"+strings.Repeat("0", 127), "1e-129")
			}},
		Test{ID: "SQS-SEND-104", Title: "Number attributes in decimal forms (sign, leading or trailing point, exponent) are accepted and received unchanged",
			Doc: numberDoc, Run: func(c *C) {
				q := c.Queue("numforms", nil)
				c.acceptsNumbers(q, "+5", "-.5", "5.", "1.5E3", "-2e-7")
			}},
		Test{ID: "SQS-SEND-105", Title: "A String attribute value with a character outside the allowed set fails with InvalidParameterValue",
			Doc: apiDoc("MessageAttributeValue"), Run: func(c *C) {
				// AWS-validated in LocalStack's test_invalid_string_attributes_cause_invalid_parameter_value_error.
				q := c.Queue("attrchars", nil)
				_, err := c.send(q, "test", func(in *sqs.SendMessageInput) {
					in.MessageAttributes = map[string]types.MessageAttributeValue{"attr1": str("Invalid-\b,\v")}
				})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
	)
	return
}
