package models_test

import (
	"testing"

	"staffmgr/models"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"5.67": 567, "-5.67": -567, "+1": 100, "0.01": 1, "-0.5": -50, "12": 1200, "0": 0, " 3.1 ": 310,
		"10000000000": models.MaxMoney, "0.10": 10, ".5": 50,
	} {
		got, err := models.ParseMoney(in)
		if err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-", ".", "1.", "1.234", "1e3", "abc", "1,5", "--1", "10000000000.01", "99999999999999", "0x10", "1 000"} {
		if got, err := models.ParseMoney(in); err == nil {
			t.Errorf("ParseMoney(%q) = %d, want an error", in, got)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	t.Parallel()
	for in, want := range map[int64]string{0: "0.00", 1: "0.01", -1: "-0.01", 567: "5.67", -1234: "-12.34", 100: "1.00", models.MaxMoney: "10000000000.00"} {
		if got := models.FormatMoney(in); got != want {
			t.Errorf("FormatMoney(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestACDStatus(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]string{"available": "READY", "break": "TIMEOUT", "do_not_disturb": "DND",
		"not_at_workplace": "ONLINE", "not_at_work": "OFFLINE", "unknown": "OFFLINE", "other": "OFFLINE"} {
		if got := models.ACDStatusOf(status); got != want {
			t.Errorf("ACDStatusOf(%q) = %q, want %q", status, got, want)
		}
	}
	for _, s := range models.Statuses {
		if !contains(models.StatusesOfACD([]string{models.ACDStatusOf(s)}), s) {
			t.Errorf("StatusesOfACD does not invert ACDStatusOf for %q", s)
		}
	}
	if got := models.StatusesOfACD([]string{"IN_SERVICE", "BANNED"}); len(got) != 0 {
		t.Errorf("call states map to %v", got)
	}
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
