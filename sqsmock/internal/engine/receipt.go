package engine

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/maphash"
)

// Receipt handles are opaque, as SQS's are: "AQEB" and standard base64 (A-Z, a-z, 0-9, + and /),
// 324 to 432 characters long (SQS's handles seen in the wild are 324, 388 and 432 characters).
// What the engine needs to resolve one (its queue, the message id and the receive it came from)
// is sealed with a key of the engine's own, so a test can neither read it nor forge a handle:
//
//	"AQEB" | base64(tag | C0 | C1) | filler
//
// The plaintext is two AES blocks, P0 = receive nonce | queue tag and P1 = the message id's 16
// bytes. It is sealed deterministically (SIV: the tag, a CBC-MAC of the plaintext under one key,
// is the counter of a CTR encryption under another), so a receive retried with the same
// ReceiveRequestAttemptId answers the same handles without storing them. The filler brings the
// handle to SQS's length: a window of a random base64 text of the engine's, placed and sized by
// the tag, checked when the handle comes back. Sealing costs four AES block operations and a
// 64-character base64 encoding per receive; a handle coming back is usually found in the queue's
// cache of issued handles (findReceipt) without opening it.
const (
	receiptPrefix  = "AQEB"
	receiptCoreLen = 48                                                                  // tag, C0, C1
	receiptCoreB64 = 64                                                                  // base64 of the core
	receiptMinLen  = 324                                                                 // shortest handle
	receiptSizes   = 28                                                                  // lengths from receiptMinLen in steps of 4
	receiptMaxLen  = receiptMinLen + 4*(receiptSizes-1)                                  // 432
	fillerLen      = 1024                                                                // the random text windows are taken from
	fillerStarts   = (fillerLen-(receiptMaxLen-len(receiptPrefix)-receiptCoreB64))/4 + 1 // window positions, 4 apart
)

// receiptCodec seals and opens one engine's receipt handles.
type receiptCodec struct {
	mac, enc cipher.Block // AES-128, random keys of the engine
	tagSeed  maphash.Seed // queue tags
	filler   string       // random base64 text
}

func newReceiptCodec() *receiptCodec {
	var keys [32]byte
	rand.Read(keys[:])
	mac, err := aes.NewCipher(keys[:16])
	if err != nil {
		panic(err) // 16-byte keys never fail
	}
	enc, err := aes.NewCipher(keys[16:])
	if err != nil {
		panic(err)
	}
	raw := make([]byte, fillerLen/4*3)
	rand.Read(raw)
	return &receiptCodec{mac: mac, enc: enc, tagSeed: maphash.MakeSeed(), filler: base64.StdEncoding.EncodeToString(raw)}
}

// queueTag is what a handle carries of its queue: a keyed hash of its name, so that a handle of a
// queue deleted and made again under the same name still names it (its messages are gone).
func (c *receiptCodec) queueTag(name string) uint64 { return maphash.String(c.tagSeed, name) }

// receiptScratch is the memory the cipher works in: the blocks passed to cipher.Block's methods
// (an interface) would escape to the heap if they were on the stack. One per queue, under q.mu.
type receiptScratch struct {
	p, t, ks [32]byte
}

// seal writes the core of the handle of (queue tag, nonce, id) to core. Caller holds the lock of
// the queue s belongs to.
func (c *receiptCodec) seal(s *receiptScratch, core *[receiptCoreLen]byte, tag, nonce uint64, id [16]byte) {
	binary.BigEndian.PutUint64(s.p[0:8], nonce)
	binary.BigEndian.PutUint64(s.p[8:16], tag)
	copy(s.p[16:], id[:])
	c.mac16(s)
	c.keystream(s)
	copy(core[:16], s.t[:16])
	subtle.XORBytes(core[16:], s.p[:], s.ks[:])
}

// open reverses seal; ok is false when core was not sealed by this codec.
func (c *receiptCodec) open(s *receiptScratch, core *[receiptCoreLen]byte) (tag, nonce uint64, id [16]byte, ok bool) {
	copy(s.t[:16], core[:16])
	c.keystream(s)
	subtle.XORBytes(s.p[:], core[16:], s.ks[:])
	var want [16]byte
	copy(want[:], core[:16])
	c.mac16(s)
	if subtle.ConstantTimeCompare(want[:], s.t[:16]) != 1 {
		return 0, 0, id, false
	}
	copy(id[:], s.p[16:])
	return binary.BigEndian.Uint64(s.p[8:16]), binary.BigEndian.Uint64(s.p[0:8]), id, true
}

// mac16 sets s.t[:16] to the CBC-MAC of the two blocks of s.p (a PRF on inputs of this fixed length).
func (c *receiptCodec) mac16(s *receiptScratch) {
	c.mac.Encrypt(s.t[:16], s.p[:16])
	subtle.XORBytes(s.t[:16], s.t[:16], s.p[16:])
	c.mac.Encrypt(s.t[:16], s.t[:16])
}

// keystream sets s.ks to the two CTR blocks for the counter s.t[:16] (the SIV tag).
func (c *receiptCodec) keystream(s *receiptScratch) {
	copy(s.t[16:], s.t[:16])
	s.t[31] ^= 1
	c.enc.Encrypt(s.ks[:16], s.t[:16])
	c.enc.Encrypt(s.ks[16:], s.t[16:])
}

// fillerOf is the window of filler a handle with this core ends with.
func (c *receiptCodec) fillerOf(core *[receiptCoreLen]byte) string {
	n := receiptMinLen + 4*(int(core[0])%receiptSizes) - len(receiptPrefix) - receiptCoreB64
	start := 4 * (int(binary.BigEndian.Uint16(core[1:3])) % fillerStarts)
	return c.filler[start : start+n]
}

// handleLen is the length of the handle with this core.
func handleLen(core *[receiptCoreLen]byte) int { return receiptMinLen + 4*(int(core[0])%receiptSizes) }

// appendHandle appends the handle with this core to dst.
func (c *receiptCodec) appendHandle(dst []byte, core *[receiptCoreLen]byte) []byte {
	dst = append(dst, receiptPrefix...)
	dst = base64.StdEncoding.AppendEncode(dst, core[:])
	return append(dst, c.fillerOf(core)...)
}

// readCore decodes the core of a handle, checking its shape and its filler (not its seal).
func (c *receiptCodec) readCore(h string, core *[receiptCoreLen]byte) bool {
	if len(h) < receiptMinLen || len(h) > receiptMaxLen || len(h)%4 != 0 || h[:len(receiptPrefix)] != receiptPrefix {
		return false
	}
	var src [receiptCoreB64]byte
	copy(src[:], h[len(receiptPrefix):])
	if n, err := base64.StdEncoding.Decode(core[:], src[:]); err != nil || n != receiptCoreLen {
		return false
	}
	return len(h) == handleLen(core) && h[len(receiptPrefix)+receiptCoreB64:] == c.fillerOf(core)
}

// uuidBytes parses a message id (the 8-4-4-4-12 hex form the engine gives every message).
func uuidBytes(id string) (b [16]byte, ok bool) {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return b, false
	}
	var digits [32]byte
	n := copy(digits[:], id[:8])
	n += copy(digits[n:], id[9:13])
	n += copy(digits[n:], id[14:18])
	n += copy(digits[n:], id[19:23])
	copy(digits[n:], id[24:])
	_, err := hex.Decode(b[:], digits[:])
	return b, err == nil
}
