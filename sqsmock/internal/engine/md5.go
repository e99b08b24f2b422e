package engine

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"strings"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// md5Hex is the hex MD5 of s, as in MD5OfMessageBody.
func md5Hex(s string) string {
	var out [2 * md5.Size]byte
	md5HexTo(out[:], s)
	return string(out[:])
}

// md5HexTo writes the hex MD5 of s to out[:32].
func md5HexTo(out []byte, s string) {
	// md5.Sum only reads its argument: it may see s's bytes without a copy.
	sum := md5.Sum(unsafe.Slice(unsafe.StringData(s), len(s)))
	hex.Encode(out[:2*md5.Size], sum[:])
}

// md5OfAttributes digests message attributes as SQS does: sorted by name; for each the name,
// the data type and the value, each prefixed by its length as 4 bytes big-endian, with one
// transport byte (1 for String and Number, 2 for Binary) before the value. "" for no attributes.
func md5OfAttributes(attrs map[string]types.MessageAttributeValue) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	h := md5.New()
	var n4 [4]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint32(n4[:], uint32(len(b)))
		h.Write(n4[:])
		h.Write(b)
	}
	for _, name := range names {
		v := attrs[name]
		dt := ""
		if v.DataType != nil {
			dt = *v.DataType
		}
		put([]byte(name))
		put([]byte(dt))
		if strings.HasPrefix(dt, "Binary") {
			h.Write([]byte{2})
			put(v.BinaryValue)
		} else {
			h.Write([]byte{1})
			s := ""
			if v.StringValue != nil {
				s = *v.StringValue
			}
			put([]byte(s))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// md5OfTraceHeader digests the AWSTraceHeader system attribute like message attributes.
func md5OfTraceHeader(trace string) string {
	if trace == "" {
		return ""
	}
	dt, v := "String", trace
	return md5OfAttributes(map[string]types.MessageAttributeValue{
		"AWSTraceHeader": {DataType: &dt, StringValue: &v},
	})
}
