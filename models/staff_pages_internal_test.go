package models

import (
	"testing"
	"time"
)

// TestDBTimeText: a time SQLite gives as text is read as its digits in UTC, the way
// its SQL compares it with times staffmgr writes in UTC, whatever zone follows.
func TestDBTimeText(t *testing.T) {
	want := time.Date(2026, 12, 6, 10, 0, 0, 500000000, time.UTC)
	for _, text := range []string{
		"2026-12-06 10:00:00.5+00:00", "2026-12-06 10:00:00.5-05:00", "2026-12-06 10:00:00.5+05:30",
		"2026-12-06T10:00:00.5Z", "2026-12-06 10:00:00.500000000",
	} {
		var got dbTime
		if err := got.Scan(text); err != nil || !got.T.Equal(want) || !got.Valid {
			t.Errorf("%q: %v %v, want %v", text, got.T, err, want)
		}
	}
	var got dbTime
	if err := got.Scan("2026-12-06 10:00:00"); err != nil || !got.T.Equal(want.Truncate(time.Second)) {
		t.Errorf("whole seconds: %v %v", got.T, err)
	}
	if err := got.Scan(nil); err != nil || got.Valid {
		t.Errorf("NULL: %+v %v", got, err)
	}
	if err := got.Scan("not a time"); err == nil {
		t.Errorf("text that is no time was read as %v", got.T)
	}
}
