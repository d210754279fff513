package models

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"staffmgr/models/errs"
)

// The values of an employee's telephony settings.
var (
	// Statuses are an employee's statuses.
	Statuses = []string{"available", "break", "do_not_disturb", "not_at_workplace", "not_at_work", "unknown"}
	// CallTypes are the kinds of call an employee may take or make.
	CallTypes = []string{"internal", "external"}
	// CallRecordings are which calls are recorded: all, incoming, outgoing, none.
	CallRecordings = []string{"all", "in", "out", "off"}
)

// The settings of an employee who has none stored.
const (
	DefaultStatus        = "available"
	DefaultCallTypes     = "internal,external"
	DefaultCallRecording = "all"
)

// Telephony is an employee's telephony settings. An employee without a stored row
// has those of DefaultTelephony.
type Telephony struct {
	AccountID           int64 `gorm:"primaryKey"`
	Status              string
	AllowedInCallTypes  string // a comma list of CallTypes
	AllowedOutCallTypes string
	CallRecording       string
	ScheduleID          *int64
	CoachID             *int64
	CoachAlwaysEnabled  bool
	// Operator says the employee is a chat operator; their operator login and
	// password are the account's.
	Operator                      bool
	OperatorDisplayName           string
	OperatorOfflineMessageEnabled bool
	OperatorInviteToChatEnabled   bool
	OperatorChatEnabled           bool
	OperatorChatsAvailable        bool
}

// TableName implements gorm's tabler.
func (Telephony) TableName() string { return "employee_telephony" }

// DefaultTelephony is the settings of an employee who has none stored.
func DefaultTelephony(account int64) *Telephony {
	return &Telephony{AccountID: account, Status: DefaultStatus, AllowedInCallTypes: DefaultCallTypes,
		AllowedOutCallTypes: DefaultCallTypes, CallRecording: DefaultCallRecording, OperatorChatEnabled: true}
}

// FindTelephony returns an employee's settings, the defaults when none are stored.
func FindTelephony(ctx context.Context, db *gorm.DB, account int64) (*Telephony, error) {
	var rows []Telephony
	if err := db.WithContext(ctx).Where("account_id = ?", account).Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("telephony of %d: %w", account, err)
	}
	if len(rows) == 0 {
		return DefaultTelephony(account), nil
	}
	return &rows[0], nil
}

// SaveTelephony stores an employee's settings.
func SaveTelephony(ctx context.Context, db *gorm.DB, t *Telephony) error {
	err := db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "account_id"}}, UpdateAll: true}).Create(t).Error
	if err != nil {
		return fmt.Errorf("save telephony of %d: %w", t.AccountID, err)
	}
	return nil
}

// JoinName is the full name of the parts: last name, first name, patronymic, with
// the empty ones left out.
func JoinName(last, first, patronymic string) string {
	var parts []string
	for _, p := range []string{last, first, patronymic} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// SplitName splits a full name into its parts as JoinName orders them: the first
// word is the last name, the second the first name, the rest the patronymic.
func SplitName(full string) (last, first, patronymic string) {
	words := strings.Fields(full)
	switch len(words) {
	case 0:
		return "", "", ""
	case 1:
		return words[0], "", ""
	case 2:
		return words[0], words[1], ""
	}
	return words[0], words[1], strings.Join(words[2:], " ")
}

// syncNameParts keeps the name parts and the full name of an employee one: when the
// full name is not the parts joined, the parts are split from it.
func (a *Account) syncNameParts() {
	if JoinName(a.LastName, a.FirstName, a.Patronymic) != a.Realname {
		a.LastName, a.FirstName, a.Patronymic = SplitName(a.Realname)
	}
}

// Extension is an extension number: an employee's (AccountID) or a group's
// (DepartmentID). Employees and groups share one numbering plan.
type Extension struct {
	Number       string `gorm:"primaryKey"`
	AccountID    *int64
	DepartmentID *int64
	VoiceMail    bool
	Queue        bool
}

// TableName implements gorm's tabler.
func (Extension) TableName() string { return "extensions" }

var extensionPattern = regexp.MustCompile(`^[0-9]{1,5}$`)

// CheckExtension refuses an extension number that is not 1 to 5 digits.
func CheckExtension(v string) error {
	if !extensionPattern.MatchString(v) {
		return errs.Invalid("", v, "An extension number is 1 to 5 digits")
	}
	return nil
}

// ExtensionOf returns an employee's extension, or nil.
func ExtensionOf(ctx context.Context, db *gorm.DB, account int64) (*Extension, error) {
	var rows []Extension
	if err := db.WithContext(ctx).Where("account_id = ?", account).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("extension of %d: %w", account, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// SetExtension gives an employee (account) or a group (department) the extension e,
// or, e nil, takes theirs away. A number someone else has is an exists error whose
// object is "extension".
func SetExtension(ctx context.Context, db *gorm.DB, account, department int64, e *Extension) error {
	owner, id := "account_id", account
	if department != 0 {
		owner, id = "department_id", department
	}
	if err := db.WithContext(ctx).Where(owner+" = ?", id).Delete(&Extension{}).Error; err != nil {
		return fmt.Errorf("remove extension of %s %d: %w", owner, id, err)
	}
	if e == nil {
		return nil
	}
	e.AccountID, e.DepartmentID = nil, nil
	if department != 0 {
		e.DepartmentID = &department
	} else {
		e.AccountID = &account
	}
	err := db.WithContext(ctx).Create(e).Error
	if IsUniqueViolation(err) {
		return errs.New(errs.Exists, "extension", e.Number, "The extension number %s is taken", e.Number)
	}
	if err != nil {
		return fmt.Errorf("set extension %s: %w", e.Number, err)
	}
	return nil
}

// GroupExtensions returns the extension number of each of the departments that has one.
func GroupExtensions(ctx context.Context, db *gorm.DB, departments []int64) (map[int64]string, error) {
	out := map[int64]string{}
	err := inChunks(departments, func(ids []int64) error {
		var rows []Extension
		if err := db.WithContext(ctx).Where("department_id IN ?", ids).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			out[*r.DepartmentID] = r.Number
		}
		return nil
	})
	return out, err
}

// inChunks calls fn with ids a thousand at a time, the most a statement binds.
func inChunks(ids []int64, fn func([]int64) error) error {
	for start := 0; start < len(ids); start += MaxIDs {
		if err := fn(ids[start:min(start+MaxIDs, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// Named is a record an employee refers to, by the employee.
type Named struct {
	AccountID int64
	ID        int64
	Name      string
}

// GroupsOf returns the departments each account is an active member of, by name.
func GroupsOf(ctx context.Context, db *gorm.DB, accounts []int64) (map[int64][]Named, error) {
	return namedOf(ctx, db, accounts, `SELECT m.account_id, d.id, d.name FROM department_members AS m
		JOIN departments AS d ON d.id = m.department_id WHERE m.active AND m.account_id IN ? ORDER BY d.name, d.id`)
}

// SitesOf returns the sites each account operates on, by domain.
func SitesOf(ctx context.Context, db *gorm.DB, accounts []int64) (map[int64][]Named, error) {
	return namedOf(ctx, db, accounts, `SELECT e.account_id, s.id, s.domain AS name FROM employee_sites AS e
		JOIN sites AS s ON s.id = e.site_id WHERE e.account_id IN ? ORDER BY s.domain, s.id`)
}

func namedOf(ctx context.Context, db *gorm.DB, accounts []int64, query string) (map[int64][]Named, error) {
	out := map[int64][]Named{}
	err := inChunks(accounts, func(ids []int64) error {
		var rows []Named
		if err := db.WithContext(ctx).Raw(query, ids).Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			out[r.AccountID] = append(out[r.AccountID], r)
		}
		return nil
	})
	return out, err
}

// SetSites makes sites exactly the sites an employee operates on; each must exist.
func SetSites(ctx context.Context, db *gorm.DB, account int64, sites []int64) error {
	if err := db.WithContext(ctx).Exec("DELETE FROM employee_sites WHERE account_id = ?", account).Error; err != nil {
		return fmt.Errorf("sites of %d: %w", account, err)
	}
	for _, s := range sites {
		if err := db.WithContext(ctx).Exec("INSERT INTO employee_sites (account_id, site_id) VALUES (?, ?)", account, s).Error; err != nil {
			return fmt.Errorf("sites of %d: %w", account, err)
		}
	}
	return nil
}

// The roles a number of an employee may have: the form API's phone and mobile.
const (
	RolePhone  = "phone"
	RoleMobile = "mobile"
)

// MaxNumber bounds a phone number, in characters, and MaxNumbers how many numbers
// an employee's list holds.
const (
	MaxNumber  = 40
	MaxNumbers = 10
)

var numberPattern = regexp.MustCompile(`^\+?[0-9]{1,20}(?:\.+[0-9]{1,10})?$`)

// CheckNumber refuses a phone number that is not digits, with an optional leading
// + and an optional extension to dial after dots (74955140578...2345).
func CheckNumber(v string) error {
	if !numberPattern.MatchString(v) || len(v) > MaxNumber {
		return errs.Invalid("", v, "A phone number is digits with an optional leading + and optional digits dialled after dots (74955140578...2345)")
	}
	return nil
}

// EmployeeNumber is one number of an employee's list, with the number's settings.
type EmployeeNumber struct {
	// ID is the number's place in the employee's list, which groups order.
	ID            int64
	AccountID     int64
	NumberID      int64
	Number        string
	ChannelsCount int
	DialTime      int
	Active        bool
	Position      int
	Role          string
}

// NumberInput is a number as a request sets it; a setting left nil keeps the
// number's (or, for a new number, takes the default).
type NumberInput struct {
	Number        string
	ChannelsCount *int
	DialTime      *int
	Active        *bool
}

// The defaults of a new number.
const (
	DefaultChannels = 1
	DefaultDialTime = 60
)

const numbersQuery = `SELECT e.id, e.account_id, e.number_id, p.number, p.channels_count, p.dial_time, p.active, e.position, e.role
	FROM employee_numbers AS e JOIN phone_numbers AS p ON p.id = e.number_id`

// NumbersOf returns each account's numbers in dialling order.
func NumbersOf(ctx context.Context, db *gorm.DB, accounts []int64) (map[int64][]EmployeeNumber, error) {
	out := map[int64][]EmployeeNumber{}
	err := inChunks(accounts, func(ids []int64) error {
		var rows []EmployeeNumber
		if err := db.WithContext(ctx).Raw(numbersQuery+" WHERE e.account_id IN ? ORDER BY e.account_id, e.position, e.id", ids).Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			out[r.AccountID] = append(out[r.AccountID], r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("numbers: %w", err)
	}
	return out, nil
}

// upsertNumber returns the id of the number, stored with the given settings: a
// number another employee has keeps its settings unless the input sets them, and
// then they change for both.
func upsertNumber(ctx context.Context, db *gorm.DB, in NumberInput) (int64, error) {
	var ids []int64
	if err := db.WithContext(ctx).Table("phone_numbers").Where("number = ?", in.Number).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	set := map[string]any{}
	if in.ChannelsCount != nil {
		set["channels_count"] = *in.ChannelsCount
	}
	if in.DialTime != nil {
		set["dial_time"] = *in.DialTime
	}
	if in.Active != nil {
		set["active"] = *in.Active
	}
	if len(ids) > 0 {
		if len(set) > 0 {
			if err := db.WithContext(ctx).Table("phone_numbers").Where("id = ?", ids[0]).Updates(set).Error; err != nil {
				return 0, err
			}
		}
		return ids[0], nil
	}
	row := phoneNumberRow{Number: in.Number, ChannelsCount: DefaultChannels, DialTime: DefaultDialTime, Active: true}
	if in.ChannelsCount != nil {
		row.ChannelsCount = *in.ChannelsCount
	}
	if in.DialTime != nil {
		row.DialTime = *in.DialTime
	}
	if in.Active != nil {
		row.Active = *in.Active
	}
	if err := db.WithContext(ctx).Create(&row).Error; err != nil {
		return 0, err
	}
	return row.ID, nil
}

// phoneNumberRow is a row of phone_numbers.
type phoneNumberRow struct {
	ID            int64
	Number        string
	ChannelsCount int
	DialTime      int
	Active        bool
}

func (phoneNumberRow) TableName() string { return "phone_numbers" }

// entryRow is a row of employee_numbers.
type entryRow struct {
	ID        int64
	AccountID int64
	NumberID  int64
	Position  int
	Role      string
}

func (entryRow) TableName() string { return "employee_numbers" }

// addEntry puts a number in an employee's list.
func addEntry(ctx context.Context, db *gorm.DB, account, number int64, position int, role string) (int64, error) {
	row := entryRow{AccountID: account, NumberID: number, Position: position, Role: role}
	err := db.WithContext(ctx).Create(&row).Error
	return row.ID, err
}

// SharedChanges returns the other accounts that hold a number whose stored settings
// in would change for account's list: a number's settings are shared by all who
// hold it, so changing them changes theirs too.
func SharedChanges(ctx context.Context, db *gorm.DB, account int64, in []NumberInput) ([]int64, error) {
	var numbers []string
	for _, n := range in {
		if n.ChannelsCount != nil || n.DialTime != nil || n.Active != nil {
			numbers = append(numbers, n.Number)
		}
	}
	if len(numbers) == 0 {
		return nil, nil
	}
	var stored []phoneNumberRow
	if err := db.WithContext(ctx).Where("number IN ?", numbers).Find(&stored).Error; err != nil {
		return nil, err
	}
	byNumber := map[string]phoneNumberRow{}
	for _, r := range stored {
		byNumber[r.Number] = r
	}
	var changed []int64
	for _, n := range in {
		r, ok := byNumber[n.Number]
		if !ok {
			continue // a new number: nobody holds it yet
		}
		if n.ChannelsCount != nil && *n.ChannelsCount != r.ChannelsCount || n.DialTime != nil && *n.DialTime != r.DialTime ||
			n.Active != nil && *n.Active != r.Active {
			changed = append(changed, r.ID)
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	var holders []int64
	err := db.WithContext(ctx).Table("employee_numbers").Distinct("account_id").
		Where("number_id IN ? AND account_id <> ?", changed, account).Order("account_id").Pluck("account_id", &holders).Error
	return holders, err
}

// SetNumbers makes in, in order, the employee's list of numbers. A number that stays
// keeps its place id and its role; a role whose number left the list (or had none)
// goes to the first number without one, phone before mobile; accounts.phone and
// accounts.mobile then hold the numbers of the roles.
func SetNumbers(ctx context.Context, db *gorm.DB, account int64, in []NumberInput) error {
	all, err := NumbersOf(ctx, db, []int64{account})
	if err != nil {
		return err
	}
	had := map[string]EmployeeNumber{}
	for _, e := range all[account] {
		had[e.Number] = e
	}
	list := make([]EmployeeNumber, 0, len(in))
	for i, n := range in {
		id, err := upsertNumber(ctx, db, n)
		if err != nil {
			return fmt.Errorf("number %s: %w", n.Number, err)
		}
		e, kept := had[n.Number]
		delete(had, n.Number)
		if kept {
			if e.Position != i {
				if err := db.WithContext(ctx).Exec("UPDATE employee_numbers SET position = ? WHERE id = ?", i, e.ID).Error; err != nil {
					return err
				}
			}
		} else {
			e = EmployeeNumber{AccountID: account, NumberID: id, Number: n.Number}
			if e.ID, err = addEntry(ctx, db, account, id, i, ""); err != nil {
				return fmt.Errorf("number %s of %d: %w", n.Number, account, err)
			}
		}
		e.Position = i
		list = append(list, e)
	}
	for _, gone := range had {
		if err := db.WithContext(ctx).Exec("DELETE FROM employee_numbers WHERE id = ?", gone.ID).Error; err != nil {
			return err
		}
	}
	card := map[string]string{}
	for _, e := range list {
		if e.Role != "" {
			card[e.Role] = e.Number
		}
	}
	for _, role := range []string{RolePhone, RoleMobile} {
		if _, held := card[role]; held {
			continue
		}
		for i := range list {
			if list[i].Role == "" {
				list[i].Role, card[role] = role, list[i].Number
				if err := db.WithContext(ctx).Exec("UPDATE employee_numbers SET role = ? WHERE id = ?", role, list[i].ID).Error; err != nil {
					return err
				}
				break
			}
		}
	}
	err = db.WithContext(ctx).Exec("UPDATE accounts SET phone = ?, mobile = ? WHERE id = ?",
		cardNumber(card[RolePhone]), cardNumber(card[RoleMobile]), account).Error
	if err != nil {
		return fmt.Errorf("card numbers of %d: %w", account, err)
	}
	return deleteUnusedNumbers(ctx, db)
}

// syncCardNumbers makes the numbers of the roles phone and mobile in an employee's
// list those of the card, as the form API set them: a role's old number leaves the
// list, a new one joins it, phone first and mobile after it.
func syncCardNumbers(ctx context.Context, db *gorm.DB, account int64, phone, mobile string) error {
	phone, mobile = listNumber(phone), listNumber(mobile)
	all, err := NumbersOf(ctx, db, []int64{account})
	if err != nil {
		return err
	}
	list := all[account]
	changed := false
	for _, want := range []struct{ role, number string }{{RolePhone, phone}, {RoleMobile, mobile}} {
		at := slices.IndexFunc(list, func(e EmployeeNumber) bool { return e.Role == want.role })
		if at >= 0 && list[at].Number == want.number {
			continue
		}
		changed = true
		if at >= 0 {
			if err := db.WithContext(ctx).Exec("DELETE FROM employee_numbers WHERE id = ?", list[at].ID).Error; err != nil {
				return err
			}
			list = slices.Delete(list, at, at+1)
		}
		if want.number == "" {
			continue
		}
		if same := slices.IndexFunc(list, func(e EmployeeNumber) bool { return e.Number == want.number }); same >= 0 {
			if list[same].Role == "" {
				list[same].Role = want.role
				if err := db.WithContext(ctx).Exec("UPDATE employee_numbers SET role = ? WHERE id = ?", want.role, list[same].ID).Error; err != nil {
					return err
				}
			}
			continue
		}
		id, err := upsertNumber(ctx, db, NumberInput{Number: want.number})
		if err != nil {
			return fmt.Errorf("number %s: %w", want.number, err)
		}
		e := EmployeeNumber{AccountID: account, NumberID: id, Number: want.number, Role: want.role, Position: -1}
		if e.ID, err = addEntry(ctx, db, account, id, -1, want.role); err != nil {
			return fmt.Errorf("number %s of %d: %w", want.number, account, err)
		}
		place := 0
		if want.role == RoleMobile {
			place = slices.IndexFunc(list, func(e EmployeeNumber) bool { return e.Role == RolePhone }) + 1
		}
		list = slices.Insert(list, place, e)
	}
	if !changed {
		return nil
	}
	for i, e := range list {
		if e.Position != i {
			if err := db.WithContext(ctx).Exec("UPDATE employee_numbers SET position = ? WHERE id = ?", i, e.ID).Error; err != nil {
				return err
			}
		}
	}
	return deleteUnusedNumbers(ctx, db)
}

// deleteUnusedNumbers forgets the numbers no employee has any more.
func deleteUnusedNumbers(ctx context.Context, db *gorm.DB) error {
	err := db.WithContext(ctx).Exec(`DELETE FROM phone_numbers
		WHERE NOT EXISTS (SELECT 1 FROM employee_numbers AS e WHERE e.number_id = phone_numbers.id)`).Error
	if err != nil {
		return fmt.Errorf("forget unused numbers: %w", err)
	}
	return nil
}
