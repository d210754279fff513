package models

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"staffmgr/rights"
)

// accountColumns are Account's columns, in the order of Account.Fields.
var accountColumns = []string{
	"id", "login", "level", "password_hash", "enabled", "created_at", "updated_at",
	"realname", "position", "email", "phone", "mobile", "default_access_allow", "all_ip_access", "ip_access",
	"department_names", "first_name", "last_name", "patronymic", "position_id",
}

// AccountSelect returns the select list of an account's row in a query where the
// accounts table has the given alias, in the order of Account.Fields: for a read
// on a path hot enough to skip the ORM's scan, such as resuming a session.
func AccountSelect(alias string) string {
	cols := make([]string, len(accountColumns))
	for i, c := range accountColumns {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// Fields returns pointers to the account's fields in the order of AccountSelect's
// columns, to pass to Rows.Scan.
func (a *Account) Fields() []any {
	return []any{
		&a.ID, &a.Login, &a.Level, &a.PasswordHash, &a.Enabled, &a.CreatedAt, &a.UpdatedAt,
		&a.Realname, &a.Position, &a.Email, &a.Phone, &a.Mobile, &a.DefaultAccessAllow, &a.AllIPAccess, &a.IPAccess,
		&a.DepartmentNames, &a.FirstName, &a.LastName, &a.Patronymic, &a.PositionID,
	}
}

// NullableFields is Fields for a row that may be all NULL, as an outer join gives
// when there is nothing to join: a NULL leaves its field at its zero value.
func (a *Account) NullableFields() []any {
	fields := a.Fields()
	for i, p := range fields {
		switch p := p.(type) {
		case *int64:
			fields[i] = orZero[int64]{p}
		case *string:
			fields[i] = orZero[string]{p}
		case *bool:
			fields[i] = orZero[bool]{p}
		case *time.Time:
			fields[i] = orZero[time.Time]{p}
		case *rights.Level:
			fields[i] = orZero[rights.Level]{p}
		case **int64:
			fields[i] = orZero[*int64]{p}
		default:
			panic(fmt.Sprintf("NullableFields: no case for %T", p))
		}
	}
	return fields
}

// orZero scans a value into p, or the zero value for NULL.
type orZero[T any] struct{ p *T }

func (o orZero[T]) Scan(src any) error {
	var n sql.Null[T]
	if err := n.Scan(src); err != nil {
		return err
	}
	*o.p = n.V
	return nil
}
