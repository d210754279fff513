package i18n

import "testing"

func TestT(t *testing.T) {
	catalogues["xx"] = map[string]string{"Log out": "Sortir", "Empty": ""}
	defer delete(catalogues, "xx")
	for _, c := range []struct{ lang, in, want string }{
		{"en", "Log out", "Log out"},
		{"xx", "Log out", "Sortir"},
		{"xx", "Empty", "Empty"},
		{"xx", "Missing", "Missing"},
		{"", "Log out", "Log out"},
	} {
		if got := T(c.lang, c.in); got != c.want {
			t.Errorf("T(%q, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
	if got := F("en", "%d selected", 3); got != "3 selected" {
		t.Errorf("F = %q", got)
	}
	if !Supported("en") || Supported("zz") {
		t.Error("Supported is wrong")
	}
}
