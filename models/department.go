package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"staffmgr/models/errs"

	"gorm.io/gorm"
)

// Department is a group of employees.
type Department struct {
	ID          int64
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// ShowInSupport lets clients open tickets to the department.
	ShowInSupport bool
	// DefaultResponsible is the employee who takes the department's new tickets.
	DefaultResponsible *int64
}

// Membership is an employee's association with a department; only an active one
// makes the employee a member.
type Membership struct {
	AccountID    int64
	DepartmentID int64
	Active       bool
}

// TableName implements gorm's tabler.
func (Membership) TableName() string { return "department_members" }

// Department field limits.
const (
	MaxDepartmentName        = 100
	MaxDepartmentDescription = 1000
	// maxDepartmentNames bounds accounts.department_names, which is indexed.
	maxDepartmentNames = 1000
)

// CheckDepartmentName refuses a name with a comma, which lists of names separate.
func CheckDepartmentName(v string) error {
	if strings.Contains(v, ",") {
		return errs.Invalid("", v, "A department's name cannot contain a comma")
	}
	return nil
}

// Validate checks a department's fields.
func (d *Department) Validate() error {
	d.Name = strings.TrimSpace(d.Name)
	if d.Name == "" {
		return errs.Invalid("name", "", "Enter the department's name")
	}
	if err := CheckDepartmentName(d.Name); err != nil {
		return errs.At("name", err)
	}
	if err := CheckText(d.Name, MaxDepartmentName); err != nil {
		return errs.At("name", err)
	}
	if n := len([]rune(d.Description)); n > MaxDepartmentDescription {
		return errs.Invalid("description", "", "At most %d characters", MaxDepartmentDescription)
	}
	return nil
}

// FindDepartment returns the department with the given id (as the request spells it).
func FindDepartment(ctx context.Context, db *gorm.DB, id string) (*Department, error) {
	return findByID[Department](ctx, db, "department", id)
}

// AllDepartments returns every department by name.
func AllDepartments(ctx context.Context, db *gorm.DB) ([]Department, error) {
	var out []Department
	err := db.WithContext(ctx).Order("name, id").Find(&out).Error
	return out, err
}

// SaveDepartment creates d (id 0) or writes its fields; a taken name (in any case)
// is an exists error. A rename is carried into its members' department names.
func SaveDepartment(ctx context.Context, db *gorm.DB, d *Department) error {
	if err := d.Validate(); err != nil {
		return err
	}
	d.UpdatedAt = Now()
	var err error
	if d.ID == 0 {
		d.CreatedAt = d.UpdatedAt
		err = db.WithContext(ctx).Create(d).Error
	} else {
		err = db.WithContext(ctx).Select("name", "description", "show_in_support", "default_responsible", "updated_at").Updates(d).Error
	}
	if IsUniqueViolation(err) {
		return errs.New(errs.Exists, "name", d.Name, "A department named %q exists", d.Name)
	}
	if err != nil || d.ID == 0 {
		return err
	}
	return refreshNames(ctx, db, "id IN (SELECT account_id FROM department_members WHERE department_id = ?)", 0, d.ID)
}

// MemberCount is how many active members a department has.
func MemberCount(ctx context.Context, db *gorm.DB, id int64) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Model(&Membership{}).Where("department_id = ? AND active", id).Count(&n).Error
	return n, err
}

// DeleteDepartment deletes a department. With members it is refused unless force
// is set; then the members simply leave it.
func DeleteDepartment(ctx context.Context, db *gorm.DB, d *Department, force bool) error {
	n, err := MemberCount(ctx, db, d.ID)
	if err != nil {
		return err
	}
	var tickets int64
	if err := db.WithContext(ctx).Model(&Ticket{}).Where("department_id = ?", d.ID).Count(&tickets).Error; err != nil {
		return err
	}
	if tickets > 0 {
		return errs.Invalid("department", strconv.FormatInt(d.ID, 10),
			"The department %q has %d tickets: they keep it, so it cannot be deleted", d.Name, tickets)
	}
	if n > 0 && !force {
		return errs.Invalid("department", strconv.FormatInt(d.ID, 10),
			"The department %q has %d members: remove them first, or delete with force=on", d.Name, n)
	}
	if err := refreshNames(ctx, db, "id IN (SELECT account_id FROM department_members WHERE department_id = ?)", d.ID, d.ID); err != nil {
		return err
	}
	if err := db.WithContext(ctx).Delete(&Department{}, d.ID).Error; err != nil {
		return fmt.Errorf("delete department %d: %w", d.ID, err)
	}
	return nil
}

// CheckDepartments returns a value error unless every id names a department.
func CheckDepartments(ctx context.Context, db *gorm.DB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var found []int64
	if err := db.WithContext(ctx).Model(&Department{}).Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, id := range found {
		have[id] = true
	}
	for _, id := range ids {
		if !have[id] {
			return errs.Invalid("department", strconv.FormatInt(id, 10), "There is no department %d", id)
		}
	}
	return nil
}

// Memberships returns an account's associations by department id.
func Memberships(ctx context.Context, db *gorm.DB, account int64) (map[int64]bool, error) {
	var ms []Membership
	if err := db.WithContext(ctx).Where("account_id = ?", account).Find(&ms).Error; err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, m := range ms {
		out[m.DepartmentID] = m.Active
	}
	return out, nil
}

// SetDepartments makes the account an active member of exactly the given
// departments: others it was active in are left, inactive associations stay.
func SetDepartments(ctx context.Context, db *gorm.DB, account int64, ids []int64) error {
	q := db.WithContext(ctx).Where("account_id = ? AND active", account)
	if len(ids) > 0 {
		q = q.Where("department_id NOT IN ?", ids)
	}
	if err := q.Delete(&Membership{}).Error; err != nil {
		return fmt.Errorf("leave departments: %w", err)
	}
	for _, id := range ids {
		if err := upsertMembership(ctx, db, account, id, true); err != nil {
			return err
		}
	}
	return refreshNames(ctx, db, "id = ?", 0, account)
}

// SetMembership includes the account in the department (active) or excludes it
// (the association stays, inactive).
func SetMembership(ctx context.Context, db *gorm.DB, account, department int64, active bool) error {
	if err := upsertMembership(ctx, db, account, department, active); err != nil {
		return err
	}
	return refreshNames(ctx, db, "id = ?", 0, account)
}

func upsertMembership(ctx context.Context, db *gorm.DB, account, department int64, active bool) error {
	err := db.WithContext(ctx).Exec(`INSERT INTO department_members (account_id, department_id, active)
		VALUES (?, ?, ?) ON CONFLICT (account_id, department_id) DO UPDATE SET active = excluded.active`,
		account, department, active).Error
	if err != nil {
		return fmt.Errorf("membership of account %d in department %d: %w", account, department, err)
	}
	return nil
}

// DeleteMembership removes the association record; without one it is a missed error.
func DeleteMembership(ctx context.Context, db *gorm.DB, account, department int64) error {
	res := db.WithContext(ctx).Where("account_id = ? AND department_id = ?", account, department).Delete(&Membership{})
	if res.Error != nil {
		return fmt.Errorf("delete membership: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.Missed, "department", strconv.FormatInt(department, 10),
			"The employee has no association with department %d", department)
	}
	return refreshNames(ctx, db, "id = ?", 0, account)
}

// refreshNames recomputes department_names of the accounts that where selects,
// leaving out the department except (0: none) which is about to go.
func refreshNames(ctx context.Context, db *gorm.DB, where string, except int64, args ...any) error {
	from := `FROM department_members m JOIN departments d ON d.id = m.department_id
		WHERE m.account_id = accounts.id AND m.active AND d.id <> ?`
	agg := `(SELECT group_concat(name, ', ') FROM (SELECT d.name ` + from + ` ORDER BY d.name) AS n)`
	if Kind(db) == Postgres {
		agg = `(SELECT string_agg(d.name, ', ' ORDER BY d.name) ` + from + `)`
	}
	err := db.WithContext(ctx).Exec(fmt.Sprintf(`UPDATE accounts SET department_names = SUBSTR(COALESCE(%s, ''), 1, %d) WHERE %s`,
		agg, maxDepartmentNames, where), append([]any{except}, args...)...).Error
	if err != nil {
		return fmt.Errorf("refresh department names: %w", err)
	}
	return nil
}

// FindDepartmentByName returns the department of that name in any case, as names
// are unique; none is a missed error.
func FindDepartmentByName(ctx context.Context, db *gorm.DB, name string) (*Department, error) {
	var d Department
	if err := db.WithContext(ctx).Where("LOWER(name) = LOWER(?)", strings.TrimSpace(name)).First(&d).Error; err != nil {
		return nil, MapDBError(err, "department", name)
	}
	return &d, nil
}
