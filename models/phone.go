package models

import (
	"regexp"
	"strings"

	"staffmgr/models/errs"
)

// Bounds of a phone number, in digits.
const (
	minPhoneDigits = 3
	maxPhoneDigits = 20
)

// phoneExtension is a number's extension at its end: ext, ext., x or the Russian
// доб., then 1 to 6 digits, with spaces around the word.
var phoneExtension = regexp.MustCompile(`(?i)^(.*?)[ \x{00a0}]*(?:ext\.?|x|доб\.?|\.\.\.)[ \x{00a0}]*([0-9]{1,6})$`)

// The card (accounts.phone, accounts.mobile) spells an extension x123, as ParsePhone
// writes it; a number of the telephony lists spells the digits dialled after it
// ...123, as the Data API does. cardNumber and listNumber turn one into the other.
func cardNumber(listed string) string { return strings.Replace(listed, "...", "x", 1) }

func listNumber(card string) string { return strings.Replace(card, "x", "...", 1) }

// ParsePhone reads a phone number as people write it and returns its normal form:
// a leading + when the number has one, its digits, and an extension as x and its
// digits. So +7 495 123-45-67 is +74951234567, 8 (916) 123-45-67 is 89161234567
// and +1 202.555.0100 ext. 12 is +12025550100x12.
//
// Spaces, hyphens and dashes, dots, slashes and one pair of parentheses may
// separate the digits. An international number's "(0)", the trunk prefix written
// for callers inside the country, is dropped (+44 (0)20 7946 0958 is
// +442079460958). The digits are otherwise kept as written: a number without + is
// given no country, since which one it belongs to cannot be told from the number.
// Empty is empty.
func ParsePhone(v string) (string, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return "", nil
	}
	bad := errs.Invalid("", v, "A phone number is %d to %d digits with an optional leading + and an optional extension (x123); "+
		"spaces, hyphens, dots, slashes and one pair of parentheses may separate the digits", minPhoneDigits, maxPhoneDigits)
	number, ext := s, ""
	if m := phoneExtension.FindStringSubmatch(s); m != nil {
		number, ext = m[1], m[2]
	}
	var b strings.Builder
	if rest, ok := strings.CutPrefix(number, "+"); ok {
		b.WriteByte('+')
		number = strings.Replace(rest, "(0)", "", 1)
	}
	digits, inParens, pairs, parenDigits := 0, false, 0, 0
	for i, r := range number {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
			parenDigits++
		case r == '(' && !inParens && pairs == 0:
			inParens, pairs, parenDigits = true, 1, 0
		case r == ')' && inParens && parenDigits > 0:
			inParens = false
		case i > 0 && phoneSeparator(r):
		default:
			return "", bad
		}
	}
	if inParens || digits < minPhoneDigits || digits > maxPhoneDigits ||
		!strings.ContainsAny(number[len(number)-1:], "0123456789)") {
		return "", bad
	}
	if ext != "" {
		b.WriteString("x" + ext)
	}
	return b.String(), nil
}

// phoneSeparator reports whether r may stand between a phone number's digits.
func phoneSeparator(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u202f', '-', '.', '/':
		return true
	}
	return r >= '\u2010' && r <= '\u2015' // hyphens and dashes
}
