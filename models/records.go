package models

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/errs"
	"staffmgr/models/list"
)

// Record is a simple named record that employees refer to: a position, a schedule
// or a site (whose name is its domain).
type Record struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// RecordKind is one table of simple named records.
type RecordKind struct {
	// Entity names the kind in errors: "position".
	Entity string
	Table  string
	// Column holds the name: name, or domain for sites.
	Column string
	// Max bounds a name, in characters.
	Max int
	// Check is a rule of the kind's own on a name, besides its length.
	Check func(name string) error
	// List is the list of the records: id, name and how many employees refer to them.
	List *list.Spec
	// Machine is the list as the Data API reads it: id and name, which filter, and
	// name, which sorts.
	Machine *list.Spec
	// users is where employees refer to a record: the table, its account column and
	// its column holding the record's id.
	users struct{ table, account, ref string }
}

// The kinds of record.
var (
	Positions = newRecordKind("position", "positions", "name", MaxPosition, nil, "accounts", "id", "position_id")
	Schedules = newRecordKind("schedule", "schedules", "name", 100, nil, "employee_telephony", "account_id", "schedule_id")
	Sites     = newRecordKind("site", "sites", "domain", 253, CheckDomain, "employee_sites", "account_id", "site_id")
)

func newRecordKind(entity, table, column string, max int, check func(string) error, users, account, ref string) *RecordKind {
	k := &RecordKind{Entity: entity, Table: table, Column: column, Max: max, Check: check}
	k.users.table, k.users.account, k.users.ref = users, account, ref
	usedBy := k.usedBy()
	k.List = &list.Spec{
		Columns: []list.Column{
			{Name: "id", Caption: "Id", Kind: list.Number, SQL: "r.id", Sort: true, Unique: true, Filter: list.Exact},
			{Name: "name", Caption: "Name", Kind: list.Text, SQL: "r." + column, Sort: true, Unique: true, Filter: list.Wildcard},
			{Name: "employees", Caption: "Employees", Kind: list.Number, SQL: usedBy, Sort: true},
		},
		DefaultSort:     "name",
		Key:             "r.id",
		DefaultPageSize: 30,
	}
	k.Machine = &list.Spec{
		Columns: []list.Column{
			{Name: "id", Caption: "Id", Kind: list.Number, SQL: "r.id", Filter: list.Exact},
			{Name: "name", Caption: "Name", Kind: list.Text, SQL: "r." + column, Sort: true, Unique: true, Filter: list.Exact},
		},
		DefaultSort:     "id",
		Key:             "r.id",
		DefaultPageSize: MachinePageSize,
		MaxPageSize:     MaxMachinePageSize,
	}
	return k
}

// MachineRecords reads one page of the kind's Data API list and the number of
// records its filter keeps.
func (k *RecordKind) MachineRecords(ctx context.Context, db *gorm.DB, q *list.Query) ([]Record, int64, error) {
	var rows []Record
	total, err := q.Fetch(k.query(ctx, db), "r.id, r."+k.Column+" AS name, r.created_at", &rows)
	return rows, total, err
}

var domainPattern = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

// CheckDomain refuses a site that is not a domain name without a protocol.
func CheckDomain(v string) error {
	if !domainPattern.MatchString(v) || len(v) > 253 {
		return errs.Invalid("", v, "A site is a domain name such as example.com, without http:// or https://")
	}
	return nil
}

// query is the kind's table as "r".
func (k *RecordKind) query(ctx context.Context, db *gorm.DB) *gorm.DB {
	return db.WithContext(ctx).Table(k.Table + " AS r")
}

// Validate checks a name for the kind: not empty, its length, its own rule.
func (k *RecordKind) Validate(name string) error {
	if strings.TrimSpace(name) == "" {
		return errs.Invalid("name", "", "Enter the %s's name", errs.Caption(k.Entity))
	}
	if err := CheckText(name, k.Max); err != nil {
		return errs.At("name", err)
	}
	if k.Check != nil {
		return errs.At("name", k.Check(name))
	}
	return nil
}

// Find returns the record with the given id (as the request spells it); a missed
// error on the kind otherwise.
func (k *RecordKind) Find(ctx context.Context, db *gorm.DB, id string) (*Record, error) {
	n, err := parseID(k.Entity, id)
	if err != nil {
		return nil, err
	}
	var r Record
	err = k.query(ctx, db).Select("r.id, r."+k.Column+" AS name, r.created_at").Where("r.id = ?", n).Take(&r).Error
	if err != nil {
		return nil, MapDBError(err, k.Entity, id)
	}
	return &r, nil
}

// Existing returns which of ids are records of the kind.
func (k *RecordKind) Existing(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var found []int64
	if err := k.query(ctx, db).Where("r.id IN ?", ids).Pluck("r.id", &found).Error; err != nil {
		return nil, fmt.Errorf("find %ss: %w", k.Entity, err)
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// usedBy counts the employees that refer to a record: SQL with the alias r.
func (k *RecordKind) usedBy() string {
	return "(SELECT COUNT(*) FROM " + k.users.table + " AS u WHERE u." + k.users.ref + " = r.id)"
}

// Holders returns the employees that refer to the record, whose data a rename or a
// delete changes.
func (k *RecordKind) Holders(ctx context.Context, db *gorm.DB, id int64) ([]int64, error) {
	var ids []int64
	err := db.WithContext(ctx).Table(k.users.table).Where(k.users.ref+" = ?", id).
		Order(k.users.account).Pluck(k.users.account, &ids).Error
	return ids, err
}

// Save creates a record (id 0) or renames one. A name another record has, in any
// case, is an exists error on name.
func (k *RecordKind) Save(ctx context.Context, db *gorm.DB, r *Record) error {
	r.Name = strings.TrimSpace(r.Name)
	if err := k.Validate(r.Name); err != nil {
		return err
	}
	var err error
	if r.ID == 0 {
		r.CreatedAt = Now()
		row := map[string]any{k.Column: r.Name, "created_at": r.CreatedAt}
		if err = db.WithContext(ctx).Table(k.Table).Create(row).Error; err == nil {
			err = db.WithContext(ctx).Table(k.Table).Where("LOWER("+k.Column+") = LOWER(?)", r.Name).Pluck("id", &r.ID).Error
		}
	} else {
		res := db.WithContext(ctx).Table(k.Table).Where("id = ?", r.ID).Update(k.Column, r.Name)
		if err = res.Error; err == nil && res.RowsAffected == 0 {
			return errs.Missing(k.Entity, strconv.FormatInt(r.ID, 10))
		}
	}
	if IsUniqueViolation(err) {
		return errs.New(errs.Exists, "name", r.Name, "A %s named %q exists", errs.Caption(k.Entity), r.Name)
	}
	if err != nil {
		return fmt.Errorf("save %s %q: %w", k.Entity, r.Name, err)
	}
	if k == Positions {
		return db.WithContext(ctx).Exec("UPDATE accounts SET position = ? WHERE position_id = ?", r.Name, r.ID).Error
	}
	return nil
}

// Delete removes a record. Employees that referred to it lose the reference: a
// position's name stays their position, as text.
func (k *RecordKind) Delete(ctx context.Context, db *gorm.DB, id int64) error {
	res := db.WithContext(ctx).Exec("DELETE FROM "+k.Table+" WHERE id = ?", id)
	if res.Error != nil {
		return fmt.Errorf("delete %s %d: %w", k.Entity, id, res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.Missing(k.Entity, strconv.FormatInt(id, 10))
	}
	return nil
}

// RecordRow is a row of a record list.
type RecordRow struct {
	ID        int64
	Name      string
	Employees int64
}

// ListRecords reads one page of the kind's list and the number of records its
// filter keeps.
func (k *RecordKind) ListRecords(ctx context.Context, db *gorm.DB, q *list.Query) ([]RecordRow, int64, error) {
	var rows []RecordRow
	total, err := q.Fetch(k.query(ctx, db), "r.id, r."+k.Column+" AS name, "+k.usedBy()+" AS employees", &rows)
	return rows, total, err
}

// positionByName returns the id of the position whose name is name, in any case;
// nil when none is.
func positionByName(ctx context.Context, db *gorm.DB, name string) (*int64, error) {
	if name == "" {
		return nil, nil
	}
	var ids []int64
	if err := db.WithContext(ctx).Table("positions").Where("LOWER(name) = LOWER(?)", name).Limit(1).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("find position %q: %w", name, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return &ids[0], nil
}
