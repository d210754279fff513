package session

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/alexedwards/scs/v2"
)

// codec encodes a session's data in a compact binary form that decodes without
// reflection: every request that resumes a session decodes its data, and gob builds
// a decoder for the types it meets anew each time. It knows the types a session
// holds (int64, string, map[string]string); data with any other value, and data
// written by earlier versions, go through gob as before.
//
// The form: a zero byte (a gob stream never starts with one: its first byte is the
// length of a message), a format byte, the deadline in Unix nanoseconds, the number
// of values, then each value as its key, a type byte and the value, keys sorted so
// that the same data always encodes to the same bytes. Integers are varints,
// strings a uvarint length and their bytes.
type codec struct{ gob scs.GobCodec }

const (
	codecMagic  = 0x00
	codecFormat = 0x01

	tagInt64 = 'i'
	tagStr   = 's'
	tagMap   = 'm'
)

var errCodec = errors.New("session data: malformed")

// Encode implements scs.Codec.
func (c codec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(values))
	for k, v := range values {
		switch v.(type) {
		case int64, string, map[string]string:
		default:
			return c.gob.Encode(deadline, values)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := make([]byte, 0, 64+32*len(keys))
	b = append(b, codecMagic, codecFormat)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		switch v := values[k].(type) {
		case int64:
			b = append(b, tagInt64)
			b = binary.AppendVarint(b, v)
		case string:
			b = append(b, tagStr)
			b = appendString(b, v)
		case map[string]string:
			b = append(b, tagMap)
			mk := make([]string, 0, len(v))
			for k := range v {
				mk = append(mk, k)
			}
			sort.Strings(mk)
			b = binary.AppendUvarint(b, uint64(len(mk)))
			for _, k := range mk {
				b = appendString(b, k)
				b = appendString(b, v[k])
			}
		}
	}
	return b, nil
}

// Decode implements scs.Codec.
func (c codec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != codecMagic {
		return c.gob.Decode(b)
	}
	if len(b) < 2 || b[1] != codecFormat {
		return time.Time{}, nil, fmt.Errorf("session data: unknown format")
	}
	d := decoder{b: b[2:]}
	deadline := time.Unix(0, d.varint()).UTC()
	n := d.count()
	values := make(map[string]any, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.string()
		switch d.byte() {
		case tagInt64:
			values[k] = d.varint()
		case tagStr:
			values[k] = d.string()
		case tagMap:
			m := d.count()
			v := make(map[string]string, m)
			for j := 0; j < m && d.err == nil; j++ {
				mk := d.string()
				v[mk] = d.string()
			}
			values[k] = v
		default:
			d.err = errCodec
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errCodec
	}
	if d.err != nil {
		return time.Time{}, nil, d.err
	}
	return deadline, values, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads the parts of the form; after the first error every read yields
// zero values and err stays set.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items, each at least one byte long, so that a corrupt
// count cannot ask for more memory than the data could fill.
func (d *decoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCodec
	}
	d.b = nil
}
