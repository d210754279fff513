package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"staffmgr/models"
	"staffmgr/models/errs"
)

// voxParams are a Voximplant call's parameters with typed getters. A parameter
// sent empty is sent; one sent twice is refused. Lists are separated by ";".
type voxParams struct{ p Params }

func voxMissing(name string) *voxError {
	return &voxError{Code: voxBadArgument, Msg: fmt.Sprintf("The parameter %s is required", name)}
}

func voxBad(name, format string, args ...any) *voxError {
	return &voxError{Code: voxBadArgument, Msg: name + ": " + fmt.Sprintf(format, args...)}
}

func (v voxParams) has(name string) bool { return v.p.Has(name) }

// raw is the one value of a parameter, and whether it was sent.
func (v voxParams) raw(name string) (string, bool, error) {
	vals := v.p.Values(name)
	switch {
	case len(vals) == 0:
		return "", false, nil
	case len(vals) > 1:
		return "", true, voxBad(name, "sent more than once")
	}
	if err := textError(name, vals[0], false); err != nil {
		return "", true, voxBad(name, "not UTF-8 text, or holds a NUL character")
	}
	return vals[0], true, nil
}

// text reads a text of at most max characters; required refuses it empty.
func (v voxParams) text(name string, max int, required bool) (string, bool, error) {
	s, given, err := v.raw(name)
	if err != nil {
		return "", given, err
	}
	if required && strings.TrimSpace(s) == "" {
		return "", given, voxMissing(name)
	}
	if n := len([]rune(s)); n > max {
		return "", given, voxBad(name, "at most %d characters", max)
	}
	return s, given, nil
}

// boolean reads true/false or 1/0; def when not sent.
func (v voxParams) boolean(name string, def bool) (bool, bool, error) {
	s, given, err := v.raw(name)
	if err != nil || !given {
		return def, given, err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true, nil
	case "false", "0":
		return false, true, nil
	}
	return def, true, voxBad(name, "true or false (1 or 0), not %q", models.Clamp(s, maxErrorValue))
}

// id reads a positive whole number.
func (v voxParams) id(name string, required bool) (int64, bool, error) {
	s, given, err := v.raw(name)
	if err != nil {
		return 0, given, err
	}
	if !given || s == "" {
		if required {
			return 0, given, voxMissing(name)
		}
		if given {
			return 0, given, voxBad(name, "a positive whole number")
		}
		return 0, false, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, true, voxBad(name, "a positive whole number, not %q", models.Clamp(s, maxErrorValue))
	}
	return n, true, nil
}

// number reads a whole number from min to max; def when not sent.
func (v voxParams) number(name string, min, max, def int) (int, error) {
	s, given, err := v.raw(name)
	if err != nil || !given {
		return def, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < min || n > max {
		return def, voxBad(name, "a whole number from %d to %d", min, max)
	}
	return n, nil
}

// splitSemi splits a ;-separated list, dropping blanks and repeats.
func splitSemi(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part != "" && !seen[part] {
			seen[part] = true
			out = append(out, part)
		}
	}
	return out
}

// ids reads an intlist: ids separated by ";", or all.
func (v voxParams) ids(name string) (ids []int64, all, given bool, err error) {
	s, given, err := v.raw(name)
	if err != nil || !given {
		return nil, false, given, err
	}
	if strings.EqualFold(strings.TrimSpace(s), "all") {
		return nil, true, true, nil
	}
	parts := splitSemi(s)
	if len(parts) == 0 {
		return nil, false, true, voxBad(name, "ids separated by ; or all")
	}
	if len(parts) > models.MaxIDs {
		return nil, false, true, voxBad(name, "at most %d ids", models.MaxIDs)
	}
	for _, part := range parts {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n <= 0 {
			return nil, false, true, voxBad(name, "ids separated by ; or all, not %q", models.Clamp(part, maxErrorValue))
		}
		ids = append(ids, n)
	}
	return ids, false, true, nil
}

// names reads a stringlist: names separated by ";".
func (v voxParams) names(name string) ([]string, bool, error) {
	s, given, err := v.raw(name)
	if err != nil || !given {
		return nil, given, err
	}
	parts := splitSemi(s)
	if len(parts) == 0 {
		return nil, true, voxBad(name, "names separated by ;")
	}
	if len(parts) > models.MaxIDs {
		return nil, true, voxBad(name, "at most %d names", models.MaxIDs)
	}
	return parts, true, nil
}

// userName reads a user name in the reference's format.
func (v voxParams) userName(name string, required bool) (string, bool, error) {
	s, given, err := v.text(name, 64, required)
	if err != nil || !given {
		return s, given, err
	}
	if models.CheckUserName(s) != nil {
		return "", true, voxBad(name, "a user name is [a-z0-9][a-z0-9_-]{2,49}: 3 to 50 lower-case latin letters, digits, _ and -")
	}
	return s, true, nil
}

// displayName reads a user display name: the employee's realname.
func (v voxParams) displayName(name string, required bool) (string, bool, error) {
	s, given, err := v.text(name, 255, required)
	if err != nil || !given {
		return s, given, err
	}
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n > models.MaxRealname {
		return "", true, voxBad(name, "at most %d characters: it is the employee's full name", models.MaxRealname)
	}
	if s == "" {
		return "", true, voxMissing(name)
	}
	return s, true, nil
}

// password reads a new user password, checks it against the reference's policy
// (at least 8 characters with an upper-case and a lower-case letter, a digit and
// another character) and the server's, and hashes it, before any transaction.
func (v voxParams) password(c *Ctx, name string, required bool) (string, bool, error) {
	vals := v.p.Values(name)
	if len(vals) == 0 || vals[0] == "" {
		if required || len(vals) > 0 {
			return "", len(vals) > 0, voxMissing(name)
		}
		return "", false, nil
	}
	if len(vals) > 1 {
		return "", true, voxBad(name, "sent more than once")
	}
	pw := vals[0]
	if textError(name, pw, false) != nil || len(pw) > maxPassword {
		return "", true, voxBad(name, "text of at most %d bytes", maxPassword)
	}
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	if len([]rune(pw)) < 8 || !upper || !lower || !digit || !other {
		return "", true, voxBad(name, "at least 8 characters with an upper-case and a lower-case letter, a digit and a special character")
	}
	if err := c.App.cfg.PasswordPolicy.Check(pw); err != nil {
		msg := "the password is too weak"
		if e, ok := errs.As(err); ok {
			msg = e.Message()
		}
		return "", true, voxBad(name, "%s", msg)
	}
	hash, err := models.HashPassword(c, c.App.cfg.Passwords, pw)
	if err != nil {
		return "", true, err
	}
	return hash, true, nil
}

// application resolves application_id or application_name (the exact name, in
// any case) to an application's id; required refuses neither being sent.
func (v voxParams) application(c *Ctx, required bool) (int64, bool, error) {
	id, byID, err := v.id("application_id", false)
	if err != nil {
		return 0, true, err
	}
	name, byName, err := v.text("application_name", 100, false)
	if err != nil {
		return 0, true, err
	}
	switch {
	case byID:
		r, err := models.Applications.Find(c, c.DB, strconv.FormatInt(id, 10))
		if errors.Is(err, errs.Missed) {
			return 0, true, &voxError{Code: voxNotFound, Msg: fmt.Sprintf("application_id: there is no application %d", id)}
		} else if err != nil {
			return 0, true, err
		}
		if byName && !strings.EqualFold(r.Name, name) {
			return 0, true, voxBad("application_name", "the application %d is %s, not %q", id, r.Name, models.Clamp(name, maxErrorValue))
		}
		return id, true, nil
	case byName && name != "":
		var ids []int64
		if err := c.DB.WithContext(c).Table("vox_applications").Where("LOWER(name) = LOWER(?)", name).Pluck("id", &ids).Error; err != nil {
			return 0, true, err
		}
		if len(ids) == 0 {
			return 0, true, &voxError{Code: voxNotFound, Msg: fmt.Sprintf("application_name: there is no application %q", models.Clamp(name, maxErrorValue))}
		}
		return ids[0], true, nil
	}
	if required {
		return 0, false, voxMissing("application_id (or application_name)")
	}
	return 0, false, nil
}

// money reads a decimal amount into minor units.
func (v voxParams) money(name string) (int64, error) {
	s, given, err := v.raw(name)
	if err != nil {
		return 0, err
	}
	if !given || strings.TrimSpace(s) == "" {
		return 0, voxMissing(name)
	}
	n, err := models.ParseMoney(s)
	if err != nil {
		e, _ := errs.As(err)
		return 0, voxBad(name, "%s", e.Message())
	}
	return n, nil
}

// phone reads a phone number as the form API's phone fields do (models.ParsePhone),
// in its normal form; empty clears it.
func (v voxParams) phone(name string) (string, bool, error) {
	s, given, err := v.text(name, 100, false)
	if err != nil || !given {
		return "", given, err
	}
	n, err := models.ParsePhone(s)
	if err != nil {
		e, _ := errs.As(err)
		return "", true, voxBad(name, "%s", e.Message())
	}
	return n, true, nil
}
