package models

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"staffmgr/models/errs"
)

// The Voximplant side of the staff: applications, ACD queues and skills are simple
// named records; a user is an employee with a row in vox_users, whose user name,
// display name, password, activity and mobile phone are the account's login,
// realname, password, enabled flag and mobile (docs/voximplant.md).

// The kinds of Voximplant record.
var (
	Applications = newRecordKind("application", "vox_applications", "name", 100, CheckApplicationName, "vox_users", "account_id", "application_id")
	ACDQueues    = newRecordKind("acd_queue", "acd_queues", "name", 100, nil, "vox_user_queues", "account_id", "queue_id")
	Skills       = newRecordKind("skill", "skills", "name", 100, nil, "vox_user_skills", "account_id", "skill_id")
)

var applicationPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,99}$`)

// CheckApplicationName refuses an application name that is not lower-case latin
// letters, digits, dots and hyphens, starting with a letter or digit.
func CheckApplicationName(v string) error {
	if !applicationPattern.MatchString(v) {
		return errs.Invalid("", v, "An application name is lower-case latin letters, digits, . and -, starting with a letter or digit")
	}
	return nil
}

var userNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{2,49}$`)

// CheckUserName refuses a Voximplant user name outside [a-z0-9][a-z0-9_-]{2,49}.
func CheckUserName(v string) error {
	if !userNamePattern.MatchString(v) {
		return errs.Invalid("", v, "A user name is 3 to 50 characters: lower-case latin letters, digits, _ and -, starting with a letter or digit")
	}
	return nil
}

// MaxCustomData bounds a user's custom data, in characters.
const MaxCustomData = 2000

// VoxUser is what an employee who is a Voximplant user holds beyond the account.
type VoxUser struct {
	AccountID        int64 `gorm:"primaryKey"`
	ApplicationID    int64
	CustomData       string
	ParentAccounting bool
	// Balance is the user's own money in minor units; see Money.
	Balance   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName implements gorm's tabler.
func (VoxUser) TableName() string { return "vox_users" }

// FindVoxUser returns the Voximplant identity of the account id; a missed error on
// user when the account has none.
func FindVoxUser(ctx context.Context, db *gorm.DB, id int64) (*VoxUser, error) {
	var u VoxUser
	if err := db.WithContext(ctx).Where("account_id = ?", id).Take(&u).Error; err != nil {
		return nil, MapDBError(err, "user", strconv.FormatInt(id, 10))
	}
	return &u, nil
}

// FindVoxUserByName returns the user of application whose name (login) is name.
func FindVoxUserByName(ctx context.Context, db *gorm.DB, application int64, name string) (*VoxUser, error) {
	var u VoxUser
	err := db.WithContext(ctx).Table("vox_users AS v").Select("v.*").Joins("JOIN accounts AS a ON a.id = v.account_id").
		Where("v.application_id = ? AND a.login = ?", application, name).Take(&u).Error
	if err != nil {
		return nil, MapDBError(err, "user", name)
	}
	return &u, nil
}

// VoxUserIDs returns the users of application (every user when it is 0), by id.
func VoxUserIDs(ctx context.Context, db *gorm.DB, application int64) ([]int64, error) {
	q := db.WithContext(ctx).Table("vox_users")
	if application != 0 {
		q = q.Where("application_id = ?", application)
	}
	var ids []int64
	if err := q.Order("account_id").Pluck("account_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return ids, nil
}

// SaveVoxUser creates the identity (when create) or writes its application, custom
// data and parent accounting.
func SaveVoxUser(ctx context.Context, db *gorm.DB, u *VoxUser, create bool) error {
	u.UpdatedAt = Now()
	var err error
	if create {
		u.CreatedAt = u.UpdatedAt
		err = db.WithContext(ctx).Create(u).Error
	} else {
		err = db.WithContext(ctx).Model(u).Select("application_id", "custom_data", "parent_accounting", "updated_at").Updates(u).Error
	}
	if err != nil {
		return fmt.Errorf("save user %d: %w", u.AccountID, err)
	}
	return nil
}

// SetUserQueues makes ids the ACD queues of the user; each must exist (a value
// error naming the first that does not).
func SetUserQueues(ctx context.Context, db *gorm.DB, user int64, ids []int64) error {
	found, err := ACDQueues.Existing(ctx, db, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !found[id] {
			return errs.Invalid("", strconv.FormatInt(id, 10), "There is no ACD queue %d", id)
		}
	}
	if err := db.WithContext(ctx).Exec("DELETE FROM vox_user_queues WHERE account_id = ?", user).Error; err != nil {
		return fmt.Errorf("clear queues of %d: %w", user, err)
	}
	for _, id := range ids {
		if err := db.WithContext(ctx).Exec("INSERT INTO vox_user_queues (account_id, queue_id) VALUES (?, ?)", user, id).Error; err != nil {
			return fmt.Errorf("add queue %d to %d: %w", id, user, err)
		}
	}
	return nil
}

// SkillLevel is a skill of a user with its level, 1 to 5.
type SkillLevel struct {
	ID    int64
	Level int
}

// SetUserSkills makes skills the skills of the user; each must exist.
func SetUserSkills(ctx context.Context, db *gorm.DB, user int64, skills []SkillLevel) error {
	ids := make([]int64, len(skills))
	for i, s := range skills {
		ids[i] = s.ID
	}
	found, err := Skills.Existing(ctx, db, ids)
	if err != nil {
		return err
	}
	for _, s := range skills {
		if !found[s.ID] {
			return errs.Invalid("", strconv.FormatInt(s.ID, 10), "There is no skill %d", s.ID)
		}
	}
	if err := db.WithContext(ctx).Exec("DELETE FROM vox_user_skills WHERE account_id = ?", user).Error; err != nil {
		return fmt.Errorf("clear skills of %d: %w", user, err)
	}
	for _, s := range skills {
		if err := db.WithContext(ctx).Exec("INSERT INTO vox_user_skills (account_id, skill_id, level) VALUES (?, ?, ?)", user, s.ID, s.Level).Error; err != nil {
			return fmt.Errorf("add skill %d to %d: %w", s.ID, user, err)
		}
	}
	return nil
}

// The ACD statuses of a user, which come from the UIS status of the employee:
// ACDStatusOf has the mapping. IN_SERVICE, AFTER_SERVICE and BANNED are states of
// calls in progress that staffmgr does not track: no user is in them.
var ACDStatuses = []string{"OFFLINE", "ONLINE", "READY", "BANNED", "IN_SERVICE", "AFTER_SERVICE", "TIMEOUT", "DND"}

var acdOfStatus = map[string]string{
	"available":        "READY",
	"break":            "TIMEOUT",
	"do_not_disturb":   "DND",
	"not_at_workplace": "ONLINE",
	"not_at_work":      "OFFLINE",
	"unknown":          "OFFLINE",
}

// ACDStatusOf is the ACD status of an employee whose UIS status is status.
func ACDStatusOf(status string) string {
	if s, ok := acdOfStatus[status]; ok {
		return s
	}
	return "OFFLINE"
}

// StatusesOfACD are the UIS statuses whose ACD status is one of acd, sorted.
func StatusesOfACD(acd []string) []string {
	want := map[string]bool{}
	for _, s := range acd {
		want[s] = true
	}
	out := []string{}
	for status, a := range acdOfStatus {
		if want[a] {
			out = append(out, status)
		}
	}
	sort.Strings(out)
	return out
}

// VoxFilter is what GetUsers selects, sorts and pages by; zero values select all.
type VoxFilter struct {
	ApplicationID   int64
	ApplicationName string // a part of the name, in any case
	UserID          int64
	UserName        string // a part, in any case
	UserDisplayName string // a part, in any case
	Active          *bool
	QueueID         int64
	ExcludedQueueID int64
	SkillID         int64
	ExcludedSkillID int64
	ACDStatuses     []string // nil: any
	OrderBy         string   // user_id, user_name or user_display_name
	Count, Offset   int
}

// VoxUserRow is a user as GetUsers answers it.
type VoxUserRow struct {
	ID               int64
	Login            string
	Realname         string
	Enabled          bool
	Mobile           string
	ApplicationID    int64
	ApplicationName  string
	CustomData       string
	ParentAccounting bool
	Balance          int64
	Status           string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// likePart is a LIKE pattern that matches s anywhere, s's wildcards taken literally.
func likePart(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(s))
	return "%" + s + "%"
}

var voxOrder = map[string]string{"user_id": "a.id", "user_name": "a.login", "user_display_name": "a.realname"}

// ListVoxUsers reads the users f selects, one page, and how many it selects.
func ListVoxUsers(ctx context.Context, db *gorm.DB, f VoxFilter) ([]VoxUserRow, int64, error) {
	q := db.WithContext(ctx).Table("vox_users AS v").
		Joins("JOIN accounts AS a ON a.id = v.account_id").
		Joins("JOIN vox_applications AS p ON p.id = v.application_id").
		Joins("LEFT JOIN employee_telephony AS t ON t.account_id = v.account_id").
		// Users are staff: the condition lets the staff indexes order the page.
		Where(staffCondition)
	if f.ApplicationID != 0 {
		q = q.Where("v.application_id = ?", f.ApplicationID)
	}
	if f.ApplicationName != "" {
		q = q.Where(`LOWER(p.name) LIKE ? ESCAPE '\'`, likePart(f.ApplicationName))
	}
	if f.UserID != 0 {
		q = q.Where("a.id = ?", f.UserID)
	}
	if f.UserName != "" {
		q = q.Where(`LOWER(a.login) LIKE ? ESCAPE '\'`, likePart(f.UserName))
	}
	if f.UserDisplayName != "" {
		q = q.Where(`LOWER(a.realname) LIKE ? ESCAPE '\'`, likePart(f.UserDisplayName))
	}
	if f.Active != nil {
		q = q.Where("a.enabled = ?", *f.Active)
	}
	if f.QueueID != 0 {
		q = q.Where("EXISTS (SELECT 1 FROM vox_user_queues AS uq WHERE uq.account_id = v.account_id AND uq.queue_id = ?)", f.QueueID)
	}
	if f.ExcludedQueueID != 0 {
		q = q.Where("NOT EXISTS (SELECT 1 FROM vox_user_queues AS uq WHERE uq.account_id = v.account_id AND uq.queue_id = ?)", f.ExcludedQueueID)
	}
	if f.SkillID != 0 {
		q = q.Where("EXISTS (SELECT 1 FROM vox_user_skills AS us WHERE us.account_id = v.account_id AND us.skill_id = ?)", f.SkillID)
	}
	if f.ExcludedSkillID != 0 {
		q = q.Where("NOT EXISTS (SELECT 1 FROM vox_user_skills AS us WHERE us.account_id = v.account_id AND us.skill_id = ?)", f.ExcludedSkillID)
	}
	if f.ACDStatuses != nil {
		statuses := StatusesOfACD(f.ACDStatuses)
		if len(statuses) == 0 {
			return []VoxUserRow{}, 0, nil
		}
		q = q.Where("COALESCE(t.status, ?) IN ?", DefaultStatus, statuses)
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	order, ok := voxOrder[f.OrderBy]
	if !ok {
		order = voxOrder["user_name"]
	}
	var rows []VoxUserRow
	err := q.Select("a.id, a.login, a.realname, a.enabled, a.mobile, v.application_id, p.name AS application_name, "+
		"v.custom_data, v.parent_accounting, v.balance, COALESCE(t.status, ?) AS status, v.created_at, a.updated_at", DefaultStatus).
		Order(order + ", a.id").Limit(f.Count).Offset(f.Offset).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return rows, total, nil
}

// QueuesOf returns the ACD queues of each user, by name.
func QueuesOf(ctx context.Context, db *gorm.DB, users []int64) (map[int64][]Named, error) {
	return namedOf(ctx, db, users, `SELECT m.account_id, q.id, q.name FROM vox_user_queues AS m
		JOIN acd_queues AS q ON q.id = m.queue_id WHERE m.account_id IN ? ORDER BY q.name, q.id`)
}

// UserSkill is a skill of a user as GetUsers answers it.
type UserSkill struct {
	AccountID int64
	ID        int64
	Name      string
	Level     int
}

// SkillsOf returns the skills of each user, by name; only the skill only when it is
// not 0.
func SkillsOf(ctx context.Context, db *gorm.DB, users []int64, only int64) (map[int64][]UserSkill, error) {
	out := map[int64][]UserSkill{}
	err := inChunks(users, func(ids []int64) error {
		q := db.WithContext(ctx).Table("vox_user_skills AS m").Joins("JOIN skills AS s ON s.id = m.skill_id").
			Select("m.account_id, s.id, s.name, m.level").Where("m.account_id IN ?", ids)
		if only != 0 {
			q = q.Where("s.id = ?", only)
		}
		var rows []UserSkill
		if err := q.Order("s.name, s.id").Scan(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			out[r.AccountID] = append(out[r.AccountID], r)
		}
		return nil
	})
	return out, err
}
