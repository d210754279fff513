package session

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// TestCodecRoundTrip: the values a session holds come back as they went in, with
// their types, and the same data always encodes to the same bytes.
func TestCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 12, 6, 7, 30, 0, 123456789, time.UTC)
	values := map[string]any{
		keyAccount:                int64(42),
		keyReal:                   int64(-7),
		keyIP:                     "2001:db8::1",
		keyCSRF:                   "tok\x00en",
		keyStarted:                int64(1<<62 + 5),
		keyFilter + "employee":    map[string]string{"realname": "ivan*", "": "empty key", "level": ""},
		keyFilter + "department":  map[string]string{},
		keyParent + "employee.dm": int64(0),
		"":                        "",
	}
	var c codec
	b, err := c.Encode(deadline, values)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if b[0] != codecMagic {
		t.Fatalf("Encode wrote gob for values of known types: % x", b[:8])
	}
	again, _ := c.Encode(deadline, values)
	if !bytes.Equal(b, again) {
		t.Fatalf("the same data encoded to different bytes")
	}
	gotDeadline, got, err := c.Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !gotDeadline.Equal(deadline) {
		t.Errorf("deadline %v, want %v", gotDeadline, deadline)
	}
	if !reflect.DeepEqual(got, values) {
		t.Errorf("decoded %#v, want %#v", got, values)
	}
}

// TestCodecReadsGob: session rows written before this form (gob) still load, and
// data holding a type the form does not know is written as gob, so nothing a session
// holds is ever lost.
func TestCodecReadsGob(t *testing.T) {
	deadline := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	values := map[string]any{keyAccount: int64(3), keyIP: "10.0.0.1", keyFilter + "x": map[string]string{"a": "b"}}
	old, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	var c codec
	d, got, err := c.Decode(old)
	if err != nil || !d.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Fatalf("Decode(gob) = %v, %#v, %v", d, got, err)
	}

	odd := map[string]any{keyAccount: int64(3), "flag": true}
	b, err := c.Encode(deadline, odd)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] == codecMagic {
		t.Fatalf("a bool was encoded in the compact form, which cannot hold it")
	}
	if _, got, err := c.Decode(b); err != nil || !reflect.DeepEqual(got, odd) {
		t.Fatalf("Decode(gob fallback) = %#v, %v", got, err)
	}
}

// TestCodecRefusesDamage: every truncation of valid data, and trailing bytes, are
// errors, not sessions with values missing.
func TestCodecRefusesDamage(t *testing.T) {
	var c codec
	b, err := c.Encode(time.Now(), map[string]any{keyAccount: int64(9), keyIP: "127.0.0.1",
		keyFilter + "l": map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n < len(b); n++ {
		if _, v, err := c.Decode(b[:n]); err == nil {
			t.Fatalf("Decode of the first %d of %d bytes gave %#v and no error", n, len(b), v)
		}
	}
	if _, _, err := c.Decode(append(append([]byte{}, b...), 0)); err == nil {
		t.Fatalf("Decode accepted a trailing byte")
	}
	if _, _, err := c.Decode([]byte{codecMagic, 0x7f}); err == nil {
		t.Fatalf("Decode accepted an unknown format")
	}
}

// FuzzCodec: no input makes Decode panic or allocate beyond its size, and whatever
// it accepts encodes back to data that decodes to the same values.
func FuzzCodec(f *testing.F) {
	var c codec
	seed, _ := c.Encode(time.Unix(1, 2), map[string]any{keyAccount: int64(1), keyIP: "x",
		keyFilter + "l": map[string]string{"a": "b"}})
	f.Add(seed)
	f.Add([]byte{codecMagic, codecFormat, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != codecMagic {
			return // gob's own
		}
		d, v, err := c.Decode(b)
		if err != nil {
			return
		}
		again, err := c.Encode(d, v)
		if err != nil {
			t.Fatalf("Encode of decoded values: %v", err)
		}
		d2, v2, err := c.Decode(again)
		if err != nil || !d2.Equal(d) || !reflect.DeepEqual(v, v2) {
			t.Fatalf("round trip changed the values: %#v -> %#v (%v)", v, v2, err)
		}
	})
}
