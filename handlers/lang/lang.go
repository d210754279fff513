// Package lang is the one place every text a person reads passes through: the
// panel's pages, the captions of funcs, fields and columns, and error messages.
// Texts are written in English in the code, and the English text is the key of
// every other language's catalogue.
package lang

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Lang is a language the server speaks.
type Lang string

// The languages with a catalogue. English is the source: its catalogue is the
// code itself.
const (
	English Lang = "en"
	Russian Lang = "ru"
)

// Default is the language of a request that names none.
const Default = English

// catalogues holds each language's translations, keyed by the English text.
var catalogues = map[Lang]map[string]string{
	English: nil,
	Russian: ru,
}

// All lists the languages with a catalogue, English first.
func All() []Lang { return []Lang{English, Russian} }

// Name is the language's name in itself, as a language switch shows it.
func (l Lang) Name() string {
	switch l {
	case Russian:
		return "Русский"
	default:
		return "English"
	}
}

// Known reports whether l has a catalogue.
func Known(l Lang) bool {
	_, ok := catalogues[l]
	return ok
}

// Choose picks the language of a request: the lang parameter when it names a
// known language, else the first known language of the Accept-Language header
// by preference, else Default.
func Choose(param, acceptLanguage string) Lang {
	if l := Lang(strings.ToLower(strings.TrimSpace(param))); Known(l) {
		return l
	}
	best, bestQ := Default, 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, q := parseRange(part)
		if tag == "" || q <= bestQ {
			continue
		}
		primary, _, _ := strings.Cut(tag, "-")
		if l := Lang(primary); Known(l) {
			best, bestQ = l, q
		}
	}
	return best
}

// parseRange reads one language range of Accept-Language ("ru-RU;q=0.8").
func parseRange(s string) (string, float64) {
	tag, params, _ := strings.Cut(strings.TrimSpace(s), ";")
	q := 1.0
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				return "", 0
			}
			q = f
		}
	}
	return strings.ToLower(strings.TrimSpace(tag)), q
}

// T translates an English text into l, formatting it with args when there are
// any. A text missing from l's catalogue falls back to English; the catalogue
// test keeps that from happening to any text the code holds.
func (l Lang) T(english string, args ...any) string {
	s := english
	if tr, ok := catalogues[l][english]; ok {
		s = tr
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether l's catalogue holds a translation of english. English
// holds every text.
func (l Lang) Has(english string) bool {
	if l == English {
		return true
	}
	_, ok := catalogues[l][english]
	return ok
}

// Entries returns a copy of l's catalogue, English text to translation; English,
// whose texts are the code's own, has none.
func (l Lang) Entries() map[string]string {
	out := make(map[string]string, len(catalogues[l]))
	for k, v := range catalogues[l] {
		out[k] = v
	}
	return out
}

// Verbs are the format verbs of a text in order, without %%: a translation must
// keep its English text's verbs, or its arguments would land in the wrong places.
func Verbs(s string) []string {
	return verb.FindAllString(strings.ReplaceAll(s, "%%", ""), -1)
}

var verb = regexp.MustCompile(`%[-+# 0]*(?:\[\d+\])?(?:\d+|\*)?(?:\.(?:\d+|\*)?)?[a-zA-Z]`)
