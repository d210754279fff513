package models

import (
	"context"
	"fmt"
	"net/mail"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"staffmgr/models/errs"

	"gorm.io/gorm"

	"staffmgr/rights"
)

// staffCondition selects the accounts that are staff: admin level and above. It is
// spelled as a literal so that the planners match the staff_* partial indexes.
const staffCondition = "level >= 28"

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{2,49}$`)

// Field length limits of the employee card, as the columns hold them.
const (
	MaxRealname = 100
	MaxPosition = 100
	MaxEmail    = 254
	MaxIPAccess = 100 // entries
)

// CheckLogin returns a value error unless login is a valid login.
func CheckLogin(login string) error {
	if !loginPattern.MatchString(login) {
		return errs.Invalid("", login, "A login is 3 to 50 characters: lower-case latin letters, digits, _ . and -, starting with a letter or digit")
	}
	return nil
}

// CheckEmail returns a value error unless v is a plain address (user@domain.tld).
func CheckEmail(v string) error {
	if v == "" {
		return nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" || len(v) > MaxEmail {
		return errs.Invalid("", v, "Enter an email address such as name@example.com")
	}
	_, domain, _ := strings.Cut(v, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return errs.Invalid("", v, "Enter an email address such as name@example.com")
	}
	return nil
}

// CheckText returns a value error when v is longer than max characters or holds
// control characters.
func CheckText(v string, max int) error {
	if n := len([]rune(v)); n > max {
		return errs.Invalid("", v, "At most %d characters", max)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return errs.Invalid("", v, "Control characters are not allowed")
	}
	return nil
}

// CheckLines is CheckText for text of several lines: line breaks and tabs are
// allowed, other control characters are not.
func CheckLines(v string, max int) error {
	if n := len([]rune(v)); n > max {
		return errs.Invalid("", v, "At most %d characters", max)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f }) {
		return errs.Invalid("", v, "Control characters other than line breaks and tabs are not allowed")
	}
	return nil
}

// ParseIPList reads an allow-list: IPv4 or IPv6 addresses and CIDR networks,
// separated by commas, spaces or new lines. It returns the entries in canonical
// form, without duplicates, comma-separated.
func ParseIPList(v string) (string, error) {
	entries := strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	if len(entries) > MaxIPAccess {
		return "", errs.Invalid("", "", "At most %d addresses and networks", MaxIPAccess)
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		var canon string
		if strings.Contains(e, "/") {
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return "", errs.Invalid("", e, "%q is not an IPv4 or IPv6 address or network (such as 192.0.2.0/24)", e)
			}
			canon = p.Masked().String()
		} else {
			a, err := netip.ParseAddr(e)
			if err != nil || a.Zone() != "" {
				return "", errs.Invalid("", e, "%q is not an IPv4 or IPv6 address or network (such as 192.0.2.0/24)", e)
			}
			canon = a.Unmap().String()
		}
		if !seen[canon] {
			seen[canon] = true
			out = append(out, canon)
		}
	}
	return strings.Join(out, ","), nil
}

// parseID reads an element id; anything else is a missed error for entity.
func parseID(entity, v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Missing(entity, v)
	}
	return id, nil
}

// findByID loads the row of T whose id the request spells as id; a malformed or
// unknown id is a missed error on entity.
func findByID[T any](ctx context.Context, db *gorm.DB, entity, id string) (*T, error) {
	n, err := parseID(entity, id)
	if err != nil {
		return nil, err
	}
	var row T
	if err := db.WithContext(ctx).First(&row, n).Error; err != nil {
		return nil, MapDBError(err, entity, id)
	}
	return &row, nil
}

// MaxIDs bounds how many ids one list in a request may name (the elements of a
// group operation, the departments of an employee): the ids of a list are bound as
// parameters of one statement, and PostgreSQL takes at most 65,535 of those.
const MaxIDs = 1000

// ParseIDs reads a comma-separated list of ids (spaces allowed), without duplicates.
// More than MaxIDs different ids are a value error.
func ParseIDs(v string) ([]int64, error) {
	var out []int64
	seen := map[int64]bool{}
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, errs.Invalid("", s, "%q is not an id", s)
		}
		if !seen[id] {
			if len(out) == MaxIDs {
				return nil, errs.Invalid("", Clamp(v, 100), "At most %d ids are allowed in one list", MaxIDs)
			}
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// FindEmployee returns the staff account with the given id (as the request spells
// it); any other id is a missed error.
func FindEmployee(ctx context.Context, db *gorm.DB, id string) (*Account, error) {
	return findByID[Account](ctx, db.Where(staffCondition), "employee", id)
}

// LockEmployee is FindEmployee that also locks the employee's row until the
// transaction ends, as a transfer does to the employee it hands a ticket to: their
// count of open tickets and whether they are enabled cannot change before it
// commits. Lock the employee before the tickets (see forUpdate).
func LockEmployee(ctx context.Context, db *gorm.DB, id string) (*Account, error) {
	return findByID[Account](ctx, db.Where(staffCondition).Clauses(forUpdate), "employee", id)
}

// employeeCardColumns are the columns an employee.edit writes.
var employeeCardColumns = []string{"login", "realname", "position", "email", "phone", "mobile",
	"default_access_allow", "all_ip_access", "ip_access", "updated_at",
	"first_name", "last_name", "patronymic", "position_id"}

// SaveEmployee creates a (when its id is 0) or writes its card. A taken login is an
// exists error on the field name. What other fields say again is kept in step with
// the card: the name parts with realname (a new realname is split into them), the
// position record with position (the one of that name, if any), and the numbers of
// the roles phone and mobile in the employee's list of numbers. was is the card as
// read before the change (nil when creating): when its phone and mobile are those of
// a, the list already holds them (every change of the list writes them back to the
// card), and it is left as it is.
func SaveEmployee(ctx context.Context, db *gorm.DB, a, was *Account) error {
	if !a.Level.Valid() || a.Level < rights.Admin {
		return fmt.Errorf("employee %s: level %d is not a staff level", a.Login, a.Level)
	}
	a.syncNameParts()
	var err error
	if a.PositionID, err = positionByName(ctx, db, a.Position); err != nil {
		return err
	}
	if err := saveAccount(ctx, db, a, employeeCardColumns); err != nil {
		return err
	}
	if was != nil && was.ID == a.ID && was.Phone == a.Phone && was.Mobile == a.Mobile {
		return nil
	}
	return syncCardNumbers(ctx, db, a.ID, a.Phone, a.Mobile)
}

// saveAccount creates a (when its id is 0, enabled, with its password hash set) or
// writes the given columns of its card. A taken login is an exists error on the
// field name.
func saveAccount(ctx context.Context, db *gorm.DB, a *Account, columns []string) error {
	a.UpdatedAt = Now()
	var err error
	if a.ID == 0 {
		if a.PasswordHash == "" {
			return fmt.Errorf("account %s: no password", a.Login)
		}
		a.CreatedAt, a.Enabled = a.UpdatedAt, true
		err = db.WithContext(ctx).Create(a).Error
	} else {
		err = db.WithContext(ctx).Select(columns).Updates(a).Error
	}
	if IsUniqueViolation(err) {
		return errs.New(errs.Exists, "login", a.Login, "The login %q is taken", a.Login)
	}
	if err != nil {
		return fmt.Errorf("save account %s: %w", a.Login, err)
	}
	return nil
}

// DeleteAccount deletes an account; its sessions, keys and memberships go with it.
func DeleteAccount(ctx context.Context, db *gorm.DB, id int64) error {
	res := db.WithContext(ctx).Delete(&Account{}, id)
	if res.Error != nil {
		return fmt.Errorf("delete account %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.Missing("account", strconv.FormatInt(id, 10))
	}
	return nil
}

// SetEnabled enables or disables an account.
func SetEnabled(ctx context.Context, db *gorm.DB, id int64, on bool) error {
	res := db.WithContext(ctx).Model(&Account{}).Where("id = ?", id).
		Updates(map[string]any{"enabled": on, "updated_at": Now()})
	if res.Error != nil {
		return fmt.Errorf("enable account %d: %w", id, res.Error)
	}
	return nil
}

// AllowsIP reports whether the account may work from the address ip: any address
// with all_ip_access, otherwise one its ip_access list holds.
func (a *Account) AllowsIP(ip string) bool {
	if a.AllIPAccess {
		return true
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, entry := range strings.Split(a.IPAccess, ",") {
		if strings.Contains(entry, "/") {
			if p, err := netip.ParsePrefix(entry); err == nil && p.Contains(addr) {
				return true
			}
		} else if e, err := netip.ParseAddr(entry); err == nil && e == addr {
			return true
		}
	}
	return false
}

// CheckEmployeeCard checks and normalises the card of an employee made outside the
// form API (an import) by the rules employee.edit applies to its fields: the login,
// the lengths of the texts, the email address, the phone numbers (kept in their
// normal form), the address list (kept canonical), and that an employee without
// all_ip_access has addresses to log in from. An error names its field.
func CheckEmployeeCard(a *Account) error {
	if err := CheckLogin(a.Login); err != nil {
		return errs.At("name", err)
	}
	for _, f := range []struct {
		name  string
		value string
		max   int
	}{{"realname", a.Realname, MaxRealname}, {"position", a.Position, MaxPosition}, {"email", a.Email, MaxEmail}} {
		if err := CheckText(f.value, f.max); err != nil {
			return errs.At(f.name, err)
		}
	}
	if err := CheckEmail(a.Email); err != nil {
		return errs.At("email", err)
	}
	var err error
	if a.Phone, err = ParsePhone(a.Phone); err != nil {
		return errs.At("phone", err)
	}
	if a.Mobile, err = ParsePhone(a.Mobile); err != nil {
		return errs.At("mobile", err)
	}
	if a.IPAccess, err = ParseIPList(a.IPAccess); err != nil {
		return errs.At("ip_access", err)
	}
	if !a.AllIPAccess && a.IPAccess == "" {
		return errs.Invalid("ip_access", "", "List the addresses the employee may log in from, or turn on all_ip_access")
	}
	return nil
}
