package models

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ErrorType is one of the protocol's error types (the type attribute of <error>).
type ErrorType string

// The protocol's error types.
const (
	ErrAuth          ErrorType = "auth"          // bad credentials or a blocked login
	ErrAccess        ErrorType = "access"        // not allowed, or no valid session
	ErrMissed        ErrorType = "missed"        // the element does not exist
	ErrValue         ErrorType = "value"         // an invalid value
	ErrExists        ErrorType = "exists"        // a duplicate
	ErrLimit         ErrorType = "limit"         // a bound was reached
	ErrNotConfigured ErrorType = "notconfigured" // a needed component is not set up
	ErrGateway       ErrorType = "gateway"       // an outside service (the SMS gateway) failed
	ErrInternal      ErrorType = "xml"           // an internal error; details stay in the server log
)

// Error is the application error: every failure a client may see is one of these.
// Object names what the error is about (a field, "func", "badpassword"), Value the
// offending input, Msg the readable text.
type Error struct {
	Type   ErrorType
	Object string
	Value  string
	Msg    string
	// Params are extra named parameters rendered as <param name="K">V</param>.
	Params []ErrorParam
}

// ErrorParam is one extra named parameter of an error.
type ErrorParam struct {
	Name  string
	Value string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Type))
	if e.Object != "" {
		b.WriteString(" " + e.Object)
	}
	if e.Value != "" {
		b.WriteString(" (" + e.Value + ")")
	}
	if e.Msg != "" {
		b.WriteString(": " + e.Msg)
	}
	return b.String()
}

// WithValue returns a copy of e whose value is v.
func (e *Error) WithValue(v string) *Error {
	c := *e
	c.Value = v
	return &c
}

// NewError builds an application error with a formatted message.
func NewError(t ErrorType, object, value, format string, args ...any) *Error {
	return &Error{Type: t, Object: object, Value: value, Msg: fmt.Sprintf(format, args...)}
}

// Invalid is a value error for field with the given input.
func Invalid(field, value, format string, args ...any) *Error {
	return NewError(ErrValue, field, value, format, args...)
}

// Missing is a missed error: the element object=value does not exist.
func Missing(object, value string) *Error {
	return NewError(ErrMissed, object, value, "%s %q not found", object, value)
}

// Denied is an access error about object.
func Denied(object, format string, args ...any) *Error {
	return NewError(ErrAccess, object, "", format, args...)
}

// AsError reports whether err is (or wraps) an application error and returns it.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// MapDBError turns the driver errors a client can cause into application errors:
// a missing row becomes missed (object, value) and a unique violation becomes exists.
// Any other error is returned unchanged (it is internal).
func MapDBError(err error, object, value string) error {
	if err == nil {
		return nil
	}
	if _, ok := AsError(err); ok {
		return err
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Missing(object, value)
	}
	if IsUniqueViolation(err) {
		return NewError(ErrExists, object, value, "%s %q already exists", object, value)
	}
	return err
}

// IsUniqueViolation reports whether err is a unique constraint violation on either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 23505") || // PostgreSQL unique_violation
		strings.Contains(msg, "UNIQUE constraint failed") // SQLite
}

// Clamp cuts s to at most n characters (not bytes), marking a cut with an ellipsis:
// enough of a value to recognise it, however long it came.
func Clamp(s string, n int) string {
	if len(s) <= n { // n bytes are at most n characters
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	if i == len(s) {
		return s
	}
	return s[:i] + "…"
}
