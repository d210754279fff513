package handlers

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
	"staffmgr/models"
)

// An error's texts are cut to these many characters, so that a refused value of
// megabytes is not sent back whole (and twice: in the error and in tparams). A
// message is allowed more than a value: it embeds one and says what is wrong with it.
const (
	maxErrorValue   = 200
	maxErrorMessage = 300
)

// maxJournalElid bounds the elid column of a journal row; a list within
// models.MaxIDs fits whole.
const maxJournalElid = 100_000

// cleanText replaces every byte that is not UTF-8 text, and every NUL, with U+FFFD:
// what is left can be stored, logged and rendered anywhere.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// safeError is e as a client may see it: its texts are clean and short, whatever
// value a handler put into it.
func safeError(e *errs.E) *errs.E {
	c := *e
	c.Object = models.Clamp(cleanText(e.Object), maxErrorValue)
	c.Value = models.Clamp(cleanText(e.Value), maxErrorValue)
	c.Msg = models.Clamp(cleanText(e.Message()), maxErrorMessage)
	// The arguments are said again in another language: those that carry input
	// are cleaned and cut like the value.
	format, args := e.Parts()
	c.Format, c.Args = format, make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case errs.Caption, errs.Captions:
		case error:
			a = models.Clamp(cleanText(v.Error()), maxErrorValue)
		case fmt.Stringer:
			a = models.Clamp(cleanText(v.String()), maxErrorValue)
		case []byte:
			a = models.Clamp(cleanText(string(v)), maxErrorValue)
		default:
			if r := reflect.ValueOf(a); r.Kind() == reflect.String {
				a = models.Clamp(cleanText(r.String()), maxErrorValue)
			}
		}
		c.Args[i] = a
	}
	c.Params = make([]errs.Param, len(e.Params))
	for i, p := range e.Params {
		c.Params[i] = errs.Param{Name: models.Clamp(cleanText(p.Name), maxErrorValue),
			Value: models.Clamp(cleanText(p.Value), maxErrorValue)}
	}
	return &c
}

// errorMeta is what an error document says of its request: the func and echoed
// parameters, cleaned and cut like the error, since the request may be what was
// refused for its size. Successful answers echo their parameters whole.
func errorMeta(m render.Meta) render.Meta {
	m.Func = models.Clamp(cleanText(m.Func), maxErrorValue)
	params := make([]render.Param, len(m.Params))
	for i, p := range m.Params {
		params[i] = render.Param{Name: p.Name, Value: models.Clamp(cleanText(p.Value), maxErrorValue)}
	}
	m.Params = params
	return m
}
