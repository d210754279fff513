package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"staffmgr/rights"
)

// clientCondition selects the accounts that are clients: user level. It is spelled
// as a literal so that the planners match the client_* partial indexes.
const clientCondition = "level = 16"

// Clients is the query of client accounts (user level) as "a".
func Clients(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("accounts AS a").Where("a." + clientCondition)
}

// FindClient returns the client account with the given id (as the request spells
// it); any other id, an employee's too, is a missed error.
func FindClient(ctx context.Context, db *gorm.DB, id string) (*Account, error) {
	return findByID[Account](ctx, db.Where(clientCondition), "client", id)
}

// clientColumns are the columns a user.edit writes.
var clientColumns = []string{"login", "realname", "email", "updated_at"}

// SaveClient creates a client (when a's id is 0; a.PasswordHash must be set) or
// writes its card. A taken login is an exists error on the field name.
func SaveClient(ctx context.Context, db *gorm.DB, a *Account) error {
	if a.ID == 0 {
		// Clients work from any address: allow-lists are for staff.
		a.AllIPAccess, a.Level = true, rights.User
	} else if a.Level != rights.User {
		return fmt.Errorf("client %d: level %d is not the client level", a.ID, a.Level)
	}
	return saveAccount(ctx, db, a, clientColumns)
}
