package models

import (
	"context"
	"fmt"
	"sort"

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

// HasRight decides whether the account holds the right, reading its personal
// setting and its departments' grants in one query. Nothing is cached: a change
// applies from the next call.
func HasRight(ctx context.Context, db *gorm.DB, a *Account, right string) (bool, error) {
	if a.Level >= rights.Root || a.DefaultAccessAllow {
		return true, nil
	}
	var row struct {
		Personal *bool
		Granted  bool
	}
	err := db.WithContext(ctx).Raw(`SELECT
		(SELECT allow FROM account_rights WHERE account_id = ? AND func = ?) AS personal,
		EXISTS (SELECT 1 FROM department_rights r
			JOIN department_members m ON m.department_id = r.department_id AND m.active
			WHERE m.account_id = ? AND r.func = ?) AS granted`,
		a.ID, right, a.ID, right).Scan(&row).Error
	if err != nil {
		return false, fmt.Errorf("rights of account %d: %w", a.ID, err)
	}
	if row.Personal != nil {
		return *row.Personal, nil
	}
	return row.Granted, nil
}

// AccountGrants returns what decides each right of the account: its personal
// settings and, per right, the names of its active departments that grant it.
func AccountGrants(ctx context.Context, db *gorm.DB, a *Account) (personal map[string]bool, granting map[string][]string, err error) {
	var own []AccountRight
	if err := db.WithContext(ctx).Where("account_id = ?", a.ID).Find(&own).Error; err != nil {
		return nil, nil, err
	}
	personal = map[string]bool{}
	for _, r := range own {
		personal[r.Func] = r.Allow
	}
	var rows []struct {
		Func string
		Name string
	}
	err = db.WithContext(ctx).Table("department_rights AS r").Select("r.func, d.name").
		Joins("JOIN department_members AS m ON m.department_id = r.department_id AND m.active").
		Joins("JOIN departments AS d ON d.id = r.department_id").
		Where("m.account_id = ?", a.ID).Scan(&rows).Error
	if err != nil {
		return nil, nil, err
	}
	granting = map[string][]string{}
	for _, r := range rows {
		granting[r.Func] = append(granting[r.Func], r.Name)
	}
	for _, names := range granting {
		sort.Strings(names)
	}
	return personal, granting, nil
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
// settings: what its active departments grant and it allows itself, less what it
// denies itself. Full access and root are not rights of this list; the caller looks at
// the account's level and flag.
func EffectiveRights(ctx context.Context, db *gorm.DB, account int64) (map[string]bool, error) {
	all, err := rightsOf(ctx, db, []int64{account})
	if err != nil {
		return nil, fmt.Errorf("effective rights of account %d: %w", account, err)
	}
	if all[account] == nil {
		return map[string]bool{}, nil
	}
	return all[account], nil
}

// MembersRights is EffectiveRights for every active member of a department at once,
// by account id.
func MembersRights(ctx context.Context, db *gorm.DB, department int64) (map[int64]map[string]bool, error) {
	members := db.Session(&gorm.Session{NewDB: true}).Table("department_members").
		Select("account_id").Where("department_id = ? AND active", department)
	all, err := rightsOf(ctx, db, members)
	if err != nil {
		return nil, fmt.Errorf("rights of the members of department %d: %w", department, err)
	}
	return all, nil
}

// rightsOf is the effective rights of the accounts that accounts (a list of ids or a
// query of them) names, by account id, in one query.
func rightsOf(ctx context.Context, db *gorm.DB, accounts any) (map[int64]map[string]bool, error) {
	var rows []struct {
		AccountID int64
		Func      string
	}
	err := db.WithContext(ctx).Raw(`SELECT m.account_id, r.func FROM department_rights r
			JOIN department_members m ON m.department_id = r.department_id AND m.active
			WHERE m.account_id IN (?)
		UNION
		SELECT account_id, func FROM account_rights WHERE allow AND account_id IN (?)
		EXCEPT
		SELECT account_id, func FROM account_rights WHERE NOT allow AND account_id IN (?)`,
		accounts, accounts, accounts).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := map[int64]map[string]bool{}
	for _, r := range rows {
		if out[r.AccountID] == nil {
			out[r.AccountID] = map[string]bool{}
		}
		out[r.AccountID][r.Func] = true
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
