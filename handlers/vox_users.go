package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/rights"
)

// The users of the Voximplant HTTP API are the staff: docs/voximplant.md has the
// mapping of their fields onto the employee's.

// The roles of the reference: managers change users, everyone reads them.
var (
	voxManagers = []string{"owner", "admin", "user_manager"}
	voxReaders  = []string{"owner", "admin", "developer", "supervisor", "user_manager"}
)

// voxMethodTable lists every method of the Voximplant HTTP API, the form-API funcs
// whose level and rights each needs, and the key roles that may call it.
func voxMethodTable() []*voxMethod {
	return []*voxMethod{
		{Name: "AddUser", Funcs: []string{"employee.edit", "employee.voximplant"}, Roles: voxManagers, Writes: true, Run: voxAddUser,
			Also: map[string][]string{"user_active": {"employee.suspend"}}},
		{Name: "DelUser", Funcs: []string{"employee.delete"}, Roles: voxManagers, Writes: true, Run: voxDelUser},
		{Name: "SetUserInfo", Funcs: []string{"employee.voximplant"}, Roles: voxManagers, Writes: true, Run: voxSetUserInfo,
			Also: map[string][]string{"new_user_name": {"employee.edit"}, "user_display_name": {"employee.edit"},
				"user_password": {"employee.edit"}, "mobile_phone": {"employee.edit"},
				"user_active": {"employee.suspend", "employee.resume"}}},
		{Name: "GetUsers", Funcs: []string{"employee", "employee.voximplant"}, Roles: voxReaders, Run: voxGetUsers},
		{Name: "TransferMoneyToUser", Funcs: []string{"employee.voximplant", "balance"}, Roles: voxManagers, Writes: true, Run: voxTransfer},
	}
}

// voxAddUser is AddUser: a new employee without rights or departments, who is a
// user of the application.
func voxAddUser(c *Ctx, p voxParams) (voxApply, error) {
	name, _, err := p.userName("user_name", true)
	if err != nil {
		return nil, err
	}
	f, err := readUserFields(p, true)
	if err != nil {
		return nil, err
	}
	if !p.has("application_id") && !p.has("application_name") {
		return nil, voxMissing("application_id (or application_name)")
	}
	hash, _, err := p.password(c, "user_password", true)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (map[string]any, error) {
		app, _, err := p.application(c, true)
		if err != nil {
			return nil, err
		}
		a := &models.Account{Level: rights.Admin, AllIPAccess: true, Login: name, Realname: f.display, Mobile: f.mobile, PasswordHash: hash}
		if err := models.SaveEmployee(c, c.DB, a, nil); err != nil {
			return nil, userNameTaken(err, name)
		}
		if !f.active {
			if err := suspendAccount(c, a.ID); err != nil {
				return nil, err
			}
		}
		u := &models.VoxUser{AccountID: a.ID, ApplicationID: app, CustomData: f.custom, ParentAccounting: f.parent}
		if err := models.SaveVoxUser(c, c.DB, u, true); err != nil {
			return nil, err
		}
		if err := c.dominate("user_name", a.ID, true); err != nil {
			return nil, err
		}
		return map[string]any{"user_id": a.ID}, nil
	}, nil
}

// userNameTaken turns a taken login into the exists error on the user name.
func userNameTaken(err error, name string) error {
	if errors.Is(err, errs.Exists) {
		return &voxError{Code: voxExists, Msg: fmt.Sprintf("user_name: the name %q is taken by another account", name)}
	}
	return err
}

// voxTargets reads which users a call names: user_id (ids or all) or user_name
// (names in the application, which is then required).
type voxTargets struct {
	ids   []int64
	all   bool
	names []string
}

func readTargets(p voxParams, single bool) (*voxTargets, error) {
	t := &voxTargets{}
	var given bool
	var err error
	if single {
		var id int64
		if id, given, err = p.id("user_id", false); given {
			t.ids = []int64{id}
		}
	} else {
		t.ids, t.all, given, err = p.ids("user_id")
	}
	if err != nil {
		return nil, err
	}
	if given {
		// user_name is the reference's other way to name the users, not a second
		// list: sent beside user_id, one of them would be quietly ignored.
		if p.has("user_name") {
			return nil, voxBad("user_name", "name the users by user_id or by user_name, not both")
		}
		return t, nil
	}
	if single {
		var name string
		if name, given, err = p.userName("user_name", false); given {
			t.names = []string{name}
		}
	} else {
		t.names, given, err = p.names("user_name")
	}
	if err != nil {
		return nil, err
	}
	if !given {
		return nil, voxMissing("user_id (or user_name)")
	}
	if !p.has("application_id") && !p.has("application_name") {
		return nil, voxMissing("application_id (or application_name), with user_name")
	}
	return t, nil
}

// resolve finds the users the targets name, in id order: each must be a user (of
// the application, when one is given).
func (t *voxTargets) resolve(c *Ctx, p voxParams) ([]*models.VoxUser, error) {
	app, _, err := p.application(c, false)
	if err != nil {
		return nil, err
	}
	var users []*models.VoxUser
	switch {
	case t.all:
		ids, err := models.VoxUserIDs(c, c.DB, app)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			// all is the users the account's keys manage, as Voximplant's all is the
			// account's users and never the account: the caller's own account and
			// root, which no call may act on as a user of the caller, are not among
			// them even when they are users too. Naming either by id is refused.
			a, err := models.FindAccount(c, c.DB, id)
			if err != nil {
				return nil, err
			}
			if a.ID == c.person().ID || a.Level == rights.Root {
				continue
			}
			u, err := models.FindVoxUser(c, c.DB, id)
			if err != nil {
				return nil, err
			}
			users = append(users, u)
		}
	case t.names != nil:
		for _, name := range t.names {
			u, err := models.FindVoxUserByName(c, c.DB, app, name)
			if errors.Is(err, errs.Missed) {
				return nil, &voxError{Code: voxNotFound, Msg: fmt.Sprintf("user_name: there is no user %q in the application", name)}
			} else if err != nil {
				return nil, err
			}
			users = append(users, u)
		}
	default:
		for _, id := range t.ids {
			u, err := models.FindVoxUser(c, c.DB, id)
			if err == nil && app != 0 && u.ApplicationID != app {
				err = errs.Missing("user", strconv.FormatInt(id, 10))
			}
			if errors.Is(err, errs.Missed) {
				return nil, &voxError{Code: voxNotFound, Msg: fmt.Sprintf("user_id: there is no user %d", id)}
			} else if err != nil {
				return nil, err
			}
			users = append(users, u)
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].AccountID < users[j].AccountID })
	return users, nil
}

// voxDelUser is DelUser: it deletes the employees, all or none, with the guards of
// employee.delete; a user's own money goes back to the account first.
func voxDelUser(c *Ctx, p voxParams) (voxApply, error) {
	t, err := readTargets(p, false)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (map[string]any, error) {
		users, err := t.resolve(c, p)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(users))
		for i, u := range users {
			ids[i] = u.AccountID
		}
		if err := c.foresee(ids); err != nil {
			return nil, err
		}
		for _, u := range users {
			if err := employeeDelete(c, strconv.FormatInt(u.AccountID, 10)); err != nil {
				return nil, errs.At("user_id", err)
			}
		}
		return map[string]any{}, nil
	}, nil
}

// voxUserFields are the fields of a user that AddUser and SetUserInfo both take;
// each set flag says whether the request sent the field.
type voxUserFields struct {
	display, custom, mobile                                string
	active, parent                                         bool
	setDisplay, setActive, setParent, setCustom, setMobile bool
}

// readUserFields reads them; a new user must have a display name.
func readUserFields(p voxParams, creating bool) (*voxUserFields, error) {
	f := &voxUserFields{}
	var err error
	if f.display, f.setDisplay, err = p.displayName("user_display_name", creating); err != nil {
		return nil, err
	}
	if f.active, f.setActive, err = p.boolean("user_active", true); err != nil {
		return nil, err
	}
	if f.parent, f.setParent, err = p.boolean("parent_accounting", false); err != nil {
		return nil, err
	}
	if f.custom, f.setCustom, err = p.text("user_custom_data", models.MaxCustomData, false); err != nil {
		return nil, err
	}
	if f.mobile, f.setMobile, err = p.phone("mobile_phone"); err != nil {
		return nil, err
	}
	return f, nil
}

// voxSetUserInfo is SetUserInfo: what is sent changes, the rest stays.
func voxSetUserInfo(c *Ctx, p voxParams) (voxApply, error) {
	t, err := readTargets(p, true)
	if err != nil {
		return nil, err
	}
	newName, renaming, err := p.userName("new_user_name", false)
	if err != nil {
		return nil, err
	}
	f, err := readUserFields(p, false)
	if err != nil {
		return nil, err
	}
	hash, setPassword, err := p.password(c, "user_password", false)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (map[string]any, error) {
		users, err := t.resolve(c, p)
		if err != nil {
			return nil, err
		}
		u := users[0]
		elid := strconv.FormatInt(u.AccountID, 10)
		a, err := manageable(c, elid)
		if err != nil {
			return nil, errs.At("user_id", err)
		}
		if err := c.dominate("user_id", a.ID, false); err != nil {
			return nil, err
		}
		if renaming || f.setDisplay || f.setMobile {
			if renaming && a.Login == models.RootLogin && newName != a.Login {
				return nil, voxBad("new_user_name", "the login of root cannot change")
			}
			if renaming {
				a.Login = newName
			}
			if f.setDisplay {
				a.Realname = f.display
			}
			if f.setMobile {
				a.Mobile = f.mobile
			}
			if err := models.SaveEmployee(c, c.DB, a, nil); err != nil {
				return nil, userNameTaken(err, newName)
			}
		}
		if setPassword {
			if err := changePassword(c, a.ID, hash); err != nil {
				return nil, err
			}
		}
		if f.setActive && f.active != a.Enabled {
			change := employeeSuspend
			if f.active {
				change = employeeResume
			}
			if err := change(c, elid); err != nil {
				return nil, errs.At("user_active", err)
			}
		}
		if f.setCustom || f.setParent {
			if f.setParent && f.parent && !u.ParentAccounting {
				if err := models.ReturnUserMoney(c, c.DB, models.TransferTarget{ID: a.ID, Name: a.Login},
					"To account: the user uses the account's money", c.Actor.Login); err != nil {
					return nil, err
				}
			}
			if f.setCustom {
				u.CustomData = f.custom
			}
			if f.setParent {
				u.ParentAccounting = f.parent
			}
			if err := models.SaveVoxUser(c, c.DB, u, false); err != nil {
				return nil, err
			}
		}
		return map[string]any{}, nil
	}, nil
}

// voxTime is a time as the reference writes it, in UTC.
const voxTime = "2006-01-02 15:04:05"

// money is an amount as a JSON number written exactly from minor units.
func money(n int64) json.RawMessage { return json.RawMessage(models.FormatMoney(n)) }

// voxGetUsers is GetUsers.
func voxGetUsers(c *Ctx, p voxParams) (voxApply, error) {
	var f models.VoxFilter
	var err error
	if !p.has("application_id") && !p.has("application_name") {
		return nil, voxMissing("application_id (or application_name)")
	}
	if f.ApplicationID, _, err = p.id("application_id", false); err != nil {
		return nil, err
	}
	texts := []struct {
		name string
		dst  *string
	}{{"application_name", &f.ApplicationName}, {"user_name", &f.UserName}, {"user_display_name", &f.UserDisplayName}}
	for _, t := range texts {
		if *t.dst, _, err = p.text(t.name, 255, false); err != nil {
			return nil, err
		}
	}
	ids := []struct {
		name string
		dst  *int64
	}{{"user_id", &f.UserID}, {"acd_queue_id", &f.QueueID}, {"excluded_acd_queue_id", &f.ExcludedQueueID},
		{"skill_id", &f.SkillID}, {"excluded_skill_id", &f.ExcludedSkillID}}
	for _, t := range ids {
		if *t.dst, _, err = p.id(t.name, false); err != nil {
			return nil, err
		}
	}
	if active, given, err := p.boolean("user_active", false); err != nil {
		return nil, err
	} else if given {
		f.Active = &active
	}
	if statuses, given, err := p.names("acd_status"); err != nil {
		return nil, err
	} else if given {
		for _, s := range statuses {
			if !contains(models.ACDStatuses, s) {
				return nil, voxBad("acd_status", "%q is none of OFFLINE, ONLINE, READY, BANNED, IN_SERVICE, AFTER_SERVICE, TIMEOUT, DND", models.Clamp(s, maxErrorValue))
			}
		}
		f.ACDStatuses = statuses
	}
	if f.Count, err = p.number("count", 1, 1000, 20); err != nil {
		return nil, err
	}
	if f.Offset, err = p.number("offset", 0, 1<<30, 0); err != nil {
		return nil, err
	}
	if order, given, err := p.text("order_by", 40, false); err != nil {
		return nil, err
	} else if given {
		if order != "user_id" && order != "user_name" && order != "user_display_name" {
			return nil, voxBad("order_by", "user_id, user_name or user_display_name")
		}
		f.OrderBy = order
	}
	withQueues, _, err := p.boolean("with_queues", false)
	if err != nil {
		return nil, err
	}
	withSkills, _, err := p.boolean("with_skills", false)
	if err != nil {
		return nil, err
	}
	showSkill, _, err := p.id("showing_skill_id", false)
	if err != nil {
		return nil, err
	}
	live, _, err := p.boolean("return_live_balance", true)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (map[string]any, error) {
		if f.ApplicationID != 0 {
			_, err := models.Applications.Find(c, c.DB, strconv.FormatInt(f.ApplicationID, 10))
			if errors.Is(err, errs.Missed) {
				return nil, &voxError{Code: voxNotFound, Msg: fmt.Sprintf("application_id: there is no application %d", f.ApplicationID)}
			} else if err != nil {
				return nil, err
			}
		}
		rows, total, err := models.ListVoxUsers(c, c.DB, f)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		var queues map[int64][]models.Named
		var skills map[int64][]models.UserSkill
		if withQueues {
			if queues, err = models.QueuesOf(c, c.DB, ids); err != nil {
				return nil, err
			}
		}
		if withSkills || showSkill != 0 {
			if skills, err = models.SkillsOf(c, c.DB, ids, showSkill); err != nil {
				return nil, err
			}
		}
		acc, err := models.FindVoxAccount(c, c.DB)
		if err != nil {
			return nil, err
		}
		out := make([]map[string]any, 0, len(rows))
		for _, r := range rows {
			u := map[string]any{
				"user_id":           r.ID,
				"user_name":         r.Login,
				"user_display_name": r.Realname,
				"user_active":       r.Enabled,
				"parent_accounting": r.ParentAccounting,
				"frozen":            false,
				"balance":           money(r.Balance),
				"user_custom_data":  r.CustomData,
				"acd_status":        models.ACDStatusOf(r.Status),
				"applications":      []map[string]any{{"application_id": r.ApplicationID, "application_name": r.ApplicationName}},
				"created":           r.CreatedAt.UTC().Format(voxTime),
				"modified":          r.UpdatedAt.UTC().Format(voxTime),
			}
			if r.Mobile != "" {
				u["mobile_phone"] = r.Mobile
			}
			if live {
				u["live_balance"] = money(r.Balance)
				if r.ParentAccounting {
					u["live_balance"] = money(acc.Balance)
				}
			}
			if withQueues {
				list := []map[string]any{}
				for _, q := range queues[r.ID] {
					list = append(list, map[string]any{"acd_queue_id": q.ID, "acd_queue_name": q.Name})
				}
				u["acd_queues"] = list
			}
			if withSkills || showSkill != 0 {
				list := []map[string]any{}
				for _, s := range skills[r.ID] {
					list = append(list, map[string]any{"skill_id": s.ID, "skill_name": s.Name, "skill_level": s.Level})
				}
				u["skills"] = list
			}
			out = append(out, u)
		}
		return map[string]any{"result": out, "count": len(out), "total_count": total}, nil
	}, nil
}
