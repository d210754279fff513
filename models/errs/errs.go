// Package errs is the protocol's error: every failure a client may see is an *E of
// one Kind. It imports nothing of the module, so that the models, the handlers and
// the renderer all speak it.
//
// Models name what an error is about in their own terms (the department, the
// ticket) and leave the parameter out; a handler that passes a model's error on
// names the parameter it read with At.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is one of the protocol's error types (the type attribute of <error>). A Kind
// is itself an error, so that errors.Is(err, errs.Missed) asks for the kind.
type Kind string

// The protocol's error kinds.
const (
	Auth          Kind = "auth"          // bad credentials or a blocked login
	Access        Kind = "access"        // not allowed, or no valid session
	Missed        Kind = "missed"        // the element does not exist
	Value         Kind = "value"         // an invalid value
	Exists        Kind = "exists"        // a duplicate
	Limit         Kind = "limit"         // a bound was reached
	NotConfigured Kind = "notconfigured" // a needed component is not set up
	Gateway       Kind = "gateway"       // an outside service (the SMS gateway) failed
	Internal      Kind = "xml"           // an internal error; details stay in the server log
)

func (k Kind) Error() string { return string(k) }

// E is an error a client may see. Object names what it is about (a parameter,
// "func", "badpassword"), Value the offending input, Msg the readable text.
type E struct {
	Kind   Kind
	Object string
	Value  string
	Msg    string
	// Format and Args are Msg before it was formatted, in English, which is the
	// key of every other language's catalogue: a renderer says the message in the
	// reader's language with Text. An error built without them says only Msg.
	Format string
	Args   []any
	// Params are extra named parameters rendered as <param name="K">V</param>.
	Params []Param
	// Err is the cause, for the server's log; the client never sees it.
	Err error
}

// Param is one extra named parameter of an error.
type Param struct {
	Name  string
	Value string
}

func (e *E) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Kind))
	if e.Object != "" {
		b.WriteString(" " + e.Object)
	}
	if e.Value != "" {
		b.WriteString(" (" + e.Value + ")")
	}
	if m := e.Message(); m != "" {
		b.WriteString(": " + m)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// NotFound is the message of a missed error without one of its own: its object
// (as it is now, after At) and value.
const NotFound = "%s %q not found"

// Message is the readable text, in English. A missed error without one of its own
// says that its object was not found.
func (e *E) Message() string {
	if e.Msg == "" && e.Kind == Missed && e.Object != "" {
		return fmt.Sprintf(NotFound, e.Object, e.Value)
	}
	return e.Msg
}

// Caption is an argument of a message that is itself a text to translate, such as
// a field's caption; it formats as the string it is.
type Caption string

// Captions are an argument of a message that lists texts to translate; it
// formats as the texts joined with commas.
type Captions []Caption

func (c Captions) String() string {
	parts := make([]string, len(c))
	for i, s := range c {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// Translator says an English format, with its arguments, in a reader's language.
type Translator func(format string, args ...any) string

// Text is the readable text as t says it; with a nil t, the English Message. A
// Caption among the arguments is said by t too.
func (e *E) Text(t Translator) string {
	format, args := e.Parts()
	if t == nil || format == "" {
		return e.Message()
	}
	said := make([]any, len(args))
	for i, a := range args {
		switch c := a.(type) {
		case Caption:
			a = Caption(t(string(c)))
		case Captions:
			cs := make(Captions, len(c))
			for j, s := range c {
				cs[j] = Caption(t(string(s)))
			}
			a = cs
		}
		said[i] = a
	}
	return t(format, said...)
}

// Parts are the English format of the readable text and its arguments: those it
// was built with, or the missed message's for a missed error without one of its
// own; no format for a text written whole.
func (e *E) Parts() (string, []any) {
	switch {
	case e.Format != "":
		return e.Format, e.Args
	case e.Msg == "" && e.Kind == Missed && e.Object != "":
		return NotFound, []any{e.Object, e.Value}
	}
	return "", nil
}

// Unwrap returns the cause.
func (e *E) Unwrap() error { return e.Err }

// Is reports whether target is e's kind.
func (e *E) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// WithValue returns a copy of e whose value is v.
func (e *E) WithValue(v string) *E {
	c := *e
	c.Value = v
	return &c
}

// New builds an error of kind with a formatted message.
func New(kind Kind, object, value, format string, args ...any) *E {
	return &E{Kind: kind, Object: object, Value: value, Msg: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Invalid is a value error about object with the given input.
func Invalid(object, value, format string, args ...any) *E {
	return New(Value, object, value, format, args...)
}

// Missing is a missed error: the element object=value does not exist.
func Missing(object, value string) *E {
	return &E{Kind: Missed, Object: object, Value: value}
}

// Denied is an access error about object.
func Denied(object, format string, args ...any) *E {
	return New(Access, object, "", format, args...)
}

// As reports whether err is (or wraps) an *E and returns it.
func As(err error) (*E, bool) {
	var e *E
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// At names the request parameter an error is about: the handler read param and
// passed its value to the code that failed. Errors that are not an *E (internal
// ones) pass unchanged, as does nil.
func At(param string, err error) error {
	e, ok := As(err)
	if !ok {
		return err
	}
	c := *e
	c.Object = param
	return &c
}
