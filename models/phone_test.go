package models_test

import (
	"strings"
	"testing"

	"staffmgr/models"
)

func TestParsePhone(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{
		"": "", "  ": "", "123": "123", "+79991234567": "+79991234567", "79991234567": "79991234567",
		"+79991234567x123": "+79991234567x123", "+79991234567 x123": "+79991234567x123", "555 ext. 12": "555x12",
		"555ext12": "555x12", "555 ext 123456": "555x123456", "555 EXT. 7": "555x7", "8 916 123-45-67 доб. 12": "89161234567x12",
		strings.Repeat("1", 20): strings.Repeat("1", 20),
		// As people write them.
		"+7 495 123-45-67": "+74951234567", "8 (916) 123-45-67": "89161234567", "+7 (495) 123 45 67": "+74951234567",
		" +1 202.555.0100 ": "+12025550100", "+44 (0)20 7946 0958": "+442079460958", "030/1234567": "0301234567",
		"(495)1234567": "4951234567", "+7\u00a0916\u00a0123\u201145\u201167": "+79161234567", "12-34": "1234",
		"+7 999 123": "+7999123", "(0)20 7946 0958": "02079460958",
	} {
		got, err := models.ParsePhone(v)
		if err != nil || got != want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", v, got, err, want)
		}
	}
	for _, v := range []string{
		"12", "1-2", "abc", "++7999", "7999+", "+", "+ 7999", "79991234567 x", "555 x1234567", "555 y12", "x12",
		strings.Repeat("1", 21), "(495) (123) 4567", "(495 1234567", "495) 1234567", "()4951234567", "-4951234567",
		"4951234567-", "+7 (0)", "555\tx12", "555\nx12", "+7 495 123\n4567", "+7 495 123_45_67", "+7 495 123,45,67", "тел. 4951234567",
	} {
		_, err := models.ParsePhone(v)
		checkValue(t, v, err, false, "", v)
	}
}

// FuzzParsePhone: whatever it is given, ParsePhone never panics, and a number it
// accepts comes back in a normal form made of +, digits and x that it keeps as it
// is.
func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"+7 495 123-45-67", "8 (916) 123-45-67", "+44 (0)20 7946 0958 ext. 12", "555 доб. 1", "(0)", "+", "x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := models.ParsePhone(v)
		if err != nil {
			return
		}
		if strings.Trim(got, "+0123456789x") != "" || strings.LastIndex(got, "+") > 0 {
			t.Fatalf("ParsePhone(%q) = %q", v, got)
		}
		if again, err := models.ParsePhone(got); err != nil || again != got {
			t.Fatalf("ParsePhone(%q) = %q, but ParsePhone(%q) = %q, %v", v, got, got, again, err)
		}
	})
}
