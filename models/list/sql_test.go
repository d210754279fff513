package list_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/models/list"
)

// FuzzWildcard compares the wildcard filter as SQLite runs it with its definition:
// without regard to ASCII case, * matches any run of characters and every other
// character, % and _ included, matches itself. Values that are no text never reach
// a filter (the dispatcher refuses them) and are skipped.
func FuzzWildcard(f *testing.F) {
	db := dbtest.Open(f, models.SQLite)
	if err := db.Exec("CREATE TABLE fuzz_wild (s TEXT NOT NULL)").Error; err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][2]string{
		{"iv*", "Ivan"}, {"*an", "ivan"}, {"i*a*n", "ivan"}, {"*", ""}, {"ivan", "IVAN"},
		{"a%b", "a%b"}, {"a%b", "axxb"}, {"a_c", "abc"}, {`a\*`, `a\bc`}, {"**", "x"},
		{"Иван*", "иван"}, {"и*", "иван"}, {"z\U0010FFFF*", "z\U0010FFFFa"}, {"\uD7FF*", "\uE000"},
		{"a*", "a\U0010FFFF"}, {"*%*", "100%"}, {"[a]", "a"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, value, candidate string) {
		if !isText(value) || !isText(candidate) || len(value) > 200 || len(candidate) > 1000 {
			return
		}
		tx := db.Begin()
		defer tx.Rollback()
		if err := tx.Exec("INSERT INTO fuzz_wild (s) VALUES (?)", candidate).Error; err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := list.MatchWildcard(tx.Table("fuzz_wild"), "s", value).Count(&n).Error; err != nil {
			t.Fatalf("filter %q: %v", value, err)
		}
		if want := globMatch(asciiLower(value), asciiLower(candidate)); (n == 1) != want {
			t.Fatalf("filter %q on %q: matched %v, want %v", value, candidate, n == 1, want)
		}
	})
}

// isText reports whether s could be stored and shown anywhere: UTF-8 without NUL.
func isText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// asciiLower folds ASCII letters only, as SQLite's LOWER does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// globMatch is the wildcard filter's definition: * matches any run of characters.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
