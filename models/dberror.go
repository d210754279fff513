package models

import (
	"errors"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"staffmgr/models/errs"
)

// MapDBError turns the driver errors a client can cause into protocol errors: a
// missing row becomes missed (object, value) and a unique violation becomes exists.
// Any other error is returned unchanged (it is internal).
func MapDBError(err error, object, value string) error {
	if err == nil {
		return nil
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		e := errs.Missing(object, value)
		e.Err = err
		return e
	}
	if IsUniqueViolation(err) {
		e := errs.New(errs.Exists, object, value, "%s %q already exists", object, value)
		e.Err = err
		return e
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
