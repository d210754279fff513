// Package i18n is the one place the web panel's texts pass through. English is the
// source language: a text is its own key, and a catalogue of another language maps
// the English text to its translation. A text a catalogue lacks is shown in
// English, so that a new text never shows up blank.
package i18n

import "fmt"

// catalogues are the translations by language; English needs none.
var catalogues = map[string]map[string]string{}

// T is the text in lang.
func T(lang, text string) string {
	if tr, ok := catalogues[lang][text]; ok && tr != "" {
		return tr
	}
	return text
}

// F is the text in lang with its verbs filled in, as fmt.Sprintf does.
func F(lang, text string, args ...any) string {
	return fmt.Sprintf(T(lang, text), args...)
}

// Supported reports whether lang has a catalogue, English included.
func Supported(lang string) bool {
	_, ok := catalogues[lang]
	return ok || lang == "en"
}
