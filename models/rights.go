package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"staffmgr/rights"
)

// AccountRight is an employee's personal setting of one right.
type AccountRight struct {
	AccountID int64
	Func      string
	Allow     bool
}

// TableName implements gorm's tabler.
func (AccountRight) TableName() string { return "account_rights" }

// DepartmentRight is a right a department grants to its active members.
type DepartmentRight struct {
	DepartmentID int64
	Func         string
}

// TableName implements gorm's tabler.
func (DepartmentRight) TableName() string { return "department_rights" }

// HasRight decides whether the account holds the right by rights.Grants.Decide,
// reading its personal setting and the departments that grant the right in one query
// (none for root and full access). Nothing is cached: a change applies from the next
// call.
func HasRight(ctx context.Context, db *gorm.DB, a *Account, right string) (bool, error) {
	g, err := accountGrants(ctx, db, a, right)
	if err != nil {
		return false, err
	}
	return g.Decide(right).Allow, nil
}

// AccountGrants returns what decides each right of the account, for
// rights.Grants.Decide: its level and full access, its personal settings, and per
// right the names of its active departments that grant it.
func AccountGrants(ctx context.Context, db *gorm.DB, a *Account) (rights.Grants, error) {
	return accountGrants(ctx, db, a, "")
}

// accountGrants is AccountGrants of one right only, or of every right when right is
// "". Root and full-access accounts need nothing read.
func accountGrants(ctx context.Context, db *gorm.DB, a *Account, right string) (rights.Grants, error) {
	g := rights.Grants{Level: a.Level, FullAccess: a.DefaultAccessAllow}
	if rights.HoldsAll(g.Level, g.FullAccess) {
		return g, nil
	}
	all, err := grantsOf(ctx, db, []int64{a.ID}, right)
	if err != nil {
		return g, fmt.Errorf("rights of account %d: %w", a.ID, err)
	}
	if own := all[a.ID]; own != nil {
		g.Personal, g.Granting = own.Personal, own.Granting
	}
	return g, nil
}

// SetPersonalRight allows or denies one right to the account.
func SetPersonalRight(ctx context.Context, db *gorm.DB, account int64, right string, allow bool) error {
	err := db.WithContext(ctx).Exec(`INSERT INTO account_rights (account_id, func, allow) VALUES (?, ?, ?)
		ON CONFLICT (account_id, func) DO UPDATE SET allow = excluded.allow`, account, right, allow).Error
	if err != nil {
		return fmt.Errorf("set right %s of account %d: %w", right, account, err)
	}
	return nil
}

// DeletePersonalRight removes the account's own setting of a right, so that its
// departments decide again.
func DeletePersonalRight(ctx context.Context, db *gorm.DB, account int64, right string) error {
	return db.WithContext(ctx).Where("account_id = ? AND func = ?", account, right).Delete(&AccountRight{}).Error
}

// DepartmentGrants returns the rights a department grants.
func DepartmentGrants(ctx context.Context, db *gorm.DB, department int64) (map[string]bool, error) {
	var names []string
	if err := db.WithContext(ctx).Model(&DepartmentRight{}).Where("department_id = ?", department).Pluck("func", &names).Error; err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// SetDepartmentRight grants (on) or withdraws a right of a department.
func SetDepartmentRight(ctx context.Context, db *gorm.DB, department int64, right string, on bool) error {
	var err error
	if on {
		err = db.WithContext(ctx).Exec(`INSERT INTO department_rights (department_id, func) VALUES (?, ?)
			ON CONFLICT (department_id, func) DO NOTHING`, department, right).Error
	} else {
		err = db.WithContext(ctx).Where("department_id = ? AND func = ?", department, right).Delete(&DepartmentRight{}).Error
	}
	if err != nil {
		return fmt.Errorf("right %s of department %d: %w", right, department, err)
	}
	return nil
}

// EffectiveRights returns the rights an account holds by its departments and personal
// settings (rights.Grants.Held): what its active departments grant and it allows
// itself, less what it denies itself. Full access and root are not rights of this
// list; the caller looks at the account's level and flag.
func EffectiveRights(ctx context.Context, db *gorm.DB, account int64) (map[string]bool, error) {
	all, err := grantsOf(ctx, db, []int64{account}, "")
	if err != nil {
		return nil, fmt.Errorf("effective rights of account %d: %w", account, err)
	}
	if all[account] == nil {
		return map[string]bool{}, nil
	}
	return all[account].Held(), nil
}

// MembersRights is EffectiveRights for every active member of a department at once,
// by account id, in one query however many members it has. A member who holds no
// right one by one has no entry.
func MembersRights(ctx context.Context, db *gorm.DB, department int64) (map[int64]map[string]bool, error) {
	members := db.Session(&gorm.Session{NewDB: true}).Table("department_members").
		Select("account_id").Where("department_id = ? AND active", department)
	all, err := grantsOf(ctx, db, members, "")
	if err != nil {
		return nil, fmt.Errorf("rights of the members of department %d: %w", department, err)
	}
	out := map[int64]map[string]bool{}
	for id, g := range all {
		if held := g.Held(); len(held) > 0 {
			out[id] = held
		}
	}
	return out, nil
}

// AccountsRights is EffectiveRights for many accounts at once, by account id, in one
// query however many they are. An account that holds no right one by one has no entry.
func AccountsRights(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]map[string]bool, error) {
	out := map[int64]map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	all, err := grantsOf(ctx, db, ids, "")
	if err != nil {
		return nil, fmt.Errorf("rights of accounts %v: %w", ids, err)
	}
	for id, g := range all {
		if held := g.Held(); len(held) > 0 {
			out[id] = held
		}
	}
	return out, nil
}

// grantsOf reads the personal settings and the granting active departments of the
// accounts that accounts names (a list of ids or a query of them), by account id, in
// one query on the primary keys of account_rights and department_members; of one
// right only when right is not "". An account with neither has no entry. The level
// and full access are the caller's to fill in.
func grantsOf(ctx context.Context, db *gorm.DB, accounts any, right string) (map[int64]*rights.Grants, error) {
	personal := `SELECT account_id, func, allow, CAST(NULL AS VARCHAR(100)) AS department
		FROM account_rights WHERE account_id IN (?)`
	granting := `SELECT m.account_id, r.func, CAST(NULL AS BOOLEAN) AS allow, d.name AS department
		FROM department_members m
		JOIN department_rights r ON r.department_id = m.department_id
		JOIN departments d ON d.id = m.department_id
		WHERE m.active AND m.account_id IN (?)`
	args := []any{accounts, accounts}
	if right != "" {
		personal += " AND func = ?"
		granting += " AND r.func = ?"
		args = []any{accounts, right, accounts, right}
	}
	var rows []struct {
		AccountID  int64
		Func       string
		Allow      *bool
		Department *string
	}
	if err := db.WithContext(ctx).Raw(personal+"\nUNION ALL\n"+granting, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int64]*rights.Grants{}
	for _, r := range rows {
		g := out[r.AccountID]
		if g == nil {
			g = &rights.Grants{Personal: map[string]bool{}, Granting: map[string][]string{}}
			out[r.AccountID] = g
		}
		if r.Department != nil {
			g.Granting[r.Func] = append(g.Granting[r.Func], *r.Department)
		} else if r.Allow != nil {
			g.Personal[r.Func] = *r.Allow
		}
	}
	return out, nil
}

// ActiveMembers returns the accounts that are active members of a department.
func ActiveMembers(ctx context.Context, db *gorm.DB, department int64) ([]*Account, error) {
	var out []*Account
	err := db.WithContext(ctx).Table("accounts AS a").Select("a.*").
		Joins("JOIN department_members AS m ON m.account_id = a.id AND m.active").
		Where("m.department_id = ?", department).Order("a.id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("members of department %d: %w", department, err)
	}
	return out, nil
}
