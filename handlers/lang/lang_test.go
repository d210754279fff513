package lang

import "testing"

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		param, accept string
		want          Lang
	}{
		{"", "", English},
		{"ru", "", Russian},
		{"RU", "en", Russian},
		{"en", "ru", English},
		{"de", "", English},
		{"", "ru-RU,ru;q=0.9,en;q=0.8", Russian},
		{"", "de-DE, en;q=0.5, ru;q=0.7", Russian},
		{"", "fr, de", English},
		{"", "en-GB;q=0.9, ru;q=0.1", English},
		{"", "ru;q=bad", English},
		{"", "ru;q=0", English},
	} {
		if got := Choose(tc.param, tc.accept); got != tc.want {
			t.Errorf("Choose(%q, %q) = %q, want %q", tc.param, tc.accept, got, tc.want)
		}
	}
}

func TestT(t *testing.T) {
	saved := ru["%d in all"]
	ru["%d in all"] = "всего %d"
	defer func() {
		if saved == "" {
			delete(ru, "%d in all")
		} else {
			ru["%d in all"] = saved
		}
	}()
	if got := Russian.T("%d in all", 5); got != "всего 5" {
		t.Errorf("ru: %q", got)
	}
	if got := English.T("%d in all", 5); got != "5 in all" {
		t.Errorf("en: %q", got)
	}
	if got := Russian.T("no such text"); got != "no such text" {
		t.Errorf("fallback: %q", got)
	}
	if got := English.T("100%"); got != "100%" {
		t.Errorf("a text without args is not formatted: %q", got)
	}
}
