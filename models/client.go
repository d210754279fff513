package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"staffmgr/models/list"
	"staffmgr/rights"
)

// clientCondition selects the accounts that are clients: user level. It is spelled
// as a literal so that the planners match the client_* partial indexes.
const clientCondition = "level = 16"

// Clients is the query of client accounts (user level) as "a".
func Clients(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table("accounts AS a").Where("a." + clientCondition)
}

// ClientList is the client list: accounts of user level, never staff. has_session
// comes from the session store.
var ClientList = &list.Spec{
	Columns: []list.Column{
		{Name: "id", Caption: "Id", Kind: list.Number, SQL: "a.id", Sort: true},
		{Name: "name", Caption: "Login", Kind: list.Text, SQL: "a.login", Sort: true, Unique: true, Filter: list.Wildcard},
		{Name: "realname", Caption: "Full name", Kind: list.Text, Optional: true, SQL: "a.realname", Sort: true, Filter: list.Wildcard},
		{Name: "email", Caption: "Email", Kind: list.Text, Optional: true, SQL: "a.email", Sort: true, Filter: list.Wildcard},
		{Name: "enabled", Caption: "Enabled", Kind: list.Flag, SQL: "a.enabled"},
		{Name: "has_session", Caption: "Has a session", Kind: list.Flag},
		{Name: "status", Caption: "Status", Kind: list.Status, FilterOnly: true, Filter: list.Choice, Where: clientStatus, Choices: []list.Option{
			{Key: "enabled", Label: "Enabled"}, {Key: "disabled", Label: "Suspended"}}},
	},
	DefaultSort: "id",
	Key:         "a.id",
}

// clientStatus keeps enabled or suspended clients.
func clientStatus(db *gorm.DB, v string) *gorm.DB {
	if v == "enabled" {
		return db.Where("a.enabled")
	}
	return db.Where("NOT a.enabled")
}

// ClientRow is a row of the client list as the query reads it.
type ClientRow struct {
	ID       int64
	Login    string
	Realname string
	Email    string
	Enabled  bool
}

// ListClients reads one page of the client list and the number of clients the
// query's filter keeps.
func ListClients(ctx context.Context, db *gorm.DB, q *list.Query) ([]ClientRow, int64, error) {
	var rows []ClientRow
	total, err := q.Fetch(Clients(ctx, db), "a.id, a.login, a.realname, a.email, a.enabled", &rows)
	return rows, total, err
}

// FindClient returns the client account with the given id (as the request spells
// it); any other id, an employee's too, is a missed error.
func FindClient(ctx context.Context, db *gorm.DB, id string) (*Account, error) {
	return findByID[Account](ctx, db.Where(clientCondition), "client", id)
}

// clientCardColumns are the columns a user.edit writes.
var clientCardColumns = []string{"login", "realname", "email", "updated_at"}

// SaveClient creates a client (when a's id is 0; a.PasswordHash must be set) or
// writes its card. A taken login is an exists error on the field name.
func SaveClient(ctx context.Context, db *gorm.DB, a *Account) error {
	if a.ID == 0 {
		// Clients work from any address: allow-lists are for staff.
		a.AllIPAccess, a.Level = true, rights.User
	} else if a.Level != rights.User {
		return fmt.Errorf("client %d: level %d is not the client level", a.ID, a.Level)
	}
	return saveAccount(ctx, db, a, clientCardColumns)
}
