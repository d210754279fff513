package handlers

import (
	"errors"
	"strconv"
	"strings"

	"staffmgr/models"
	"staffmgr/models/errs"
)

// The Data API's employee groups are departments, and its positions the position
// records: docs/uis.md has the mapping.

// groupFields are the fields of get.group_employees.
var groupFields = []string{"id", "name", "members", "phone_numbers", "group_phone_number", "queue_enabled", "channels_count"}

// groupAliases are the other spellings of group fields the reference uses.
var groupAliases = map[string]string{"phone_number": "phone_numbers"}

// groupParams are the params of create.group_employees and update.group_employees.
var groupParams = []string{"name", "members", "group_phone_number", "queue_enabled", "channels_count"}

// uisGetGroups is get.group_employees.
func uisGetGroups(c *Ctx, p *rpcParams) (uisApply, error) {
	q, err := p.listArgs(models.TelephonyGroupList, groupAliases)
	if err != nil {
		return nil, err
	}
	want, err := readFields(p, groupFields, groupAliases)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		rows, total, err := models.ListTelephonyGroups(c, c.DB, q)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		var members map[int64][]models.Member
		var numbers map[int64][]models.GroupNumber
		if want["members"] {
			if members, err = models.MembersOf(c, c.DB, ids); err != nil {
				return nil, err
			}
		}
		if want["phone_numbers"] {
			if numbers, err = models.GroupNumbersOf(c, c.DB, ids); err != nil {
				return nil, err
			}
		}
		out := make([]map[string]any, 0, len(rows))
		for _, r := range rows {
			var ext any
			if r.Extension != nil {
				n, _ := strconv.Atoi(*r.Extension)
				ext = n
			}
			all := map[string]any{"id": r.ID, "name": r.Name, "group_phone_number": ext,
				"queue_enabled": r.QueueEnabled, "channels_count": r.ChannelsCount}
			if want["members"] {
				list := []map[string]any{}
				for _, m := range members[r.ID] {
					list = append(list, map[string]any{"employee_id": m.AccountID, "employee_full_name": orNull(m.Realname)})
				}
				all["members"] = list
			}
			if want["phone_numbers"] {
				list := []map[string]any{}
				for _, n := range numbers[r.ID] {
					list = append(list, map[string]any{"employee_phone_number": n.Number, "employee_phone_number_id": n.EntryID,
						"employee_full_name": orNull(n.Realname), "employee_id": n.AccountID, "available": n.Available})
				}
				all["phone_numbers"] = list
			}
			row := map[string]any{}
			for name := range want {
				row[name] = all[name]
			}
			out = append(out, row)
		}
		return listResult(c, total, out), nil
	}, nil
}

// groupInput is what create.group_employees and update.group_employees read.
type groupInput struct {
	name      opt[string]
	members   opt[[]int64]
	extension opt[string] // "" takes it away
	queue     opt[bool]
	channels  opt[int]
}

func readGroupInput(p *rpcParams, creating bool) (*groupInput, error) {
	in := &groupInput{}
	if err := readText(p, "name", models.MaxDepartmentName, creating || p.has("name"), &in.name); err != nil {
		return nil, err
	}
	if in.name.set && models.CheckDepartmentName(in.name.v) != nil {
		return nil, paramInvalid("name", in.name.v, "A group's name cannot contain a comma")
	}
	var err error
	if in.members.v, in.members.set, err = p.ids("members", models.MaxIDs); err != nil {
		return nil, err
	}
	if in.extension.v, in.extension.set, err = p.extensionNumber("group_phone_number", false); err != nil {
		return nil, err
	}
	if strings.HasPrefix(in.extension.v, "0") {
		return nil, paramInvalid("group_phone_number", in.extension.v, "A group's number is a number: no leading zero")
	}
	if err := readBool(p, "queue_enabled", &in.queue); err != nil {
		return nil, err
	}
	n, given, err := p.number("channels_count", 1, models.MaxGroupChannels, false)
	in.channels = opt[int]{set: given, v: int(n)}
	return in, err
}

// uisCreateGroup is create.group_employees: a new department with the members
// given, which the person behind the call must dominate.
func uisCreateGroup(c *Ctx, p *rpcParams) (uisApply, error) {
	in, err := readGroupInput(p, true)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		d := &models.Department{Name: in.name.v}
		if err := models.SaveDepartment(c, c.DB, d); err != nil {
			return nil, err
		}
		if err := saveGroup(c, d.ID, in); err != nil {
			return nil, err
		}
		return created{ID: d.ID}, nil
	}, nil
}

// uisUpdateGroup is update.group_employees: what it leaves out keeps its value;
// members replaces the active members.
func uisUpdateGroup(c *Ctx, p *rpcParams) (uisApply, error) {
	id, _, err := p.id("id", true)
	if err != nil {
		return nil, err
	}
	in, err := readGroupInput(p, false)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		d, err := models.FindDepartment(c, c.DB, strconv.FormatInt(id, 10))
		if err != nil {
			return nil, errs.At("id", err)
		}
		if in.name.set && in.name.v != d.Name {
			d.Name = in.name.v
			if err := models.SaveDepartment(c, c.DB, d); err != nil {
				return nil, err
			}
		}
		if err := saveGroup(c, d.ID, in); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}, nil
}

// saveGroup writes a group's settings, extension and members.
func saveGroup(c *Ctx, id int64, in *groupInput) error {
	if in.queue.set || in.channels.set {
		s, err := models.FindGroupSettings(c, c.DB, id)
		if err != nil {
			return err
		}
		if in.queue.set {
			s.QueueEnabled = in.queue.v
		}
		if in.channels.set {
			s.ChannelsCount = in.channels.v
		}
		if err := models.SetGroupSettings(c, c.DB, id, s); err != nil {
			return err
		}
	}
	if in.extension.set {
		var ext *models.Extension
		if in.extension.v != "" {
			ext = &models.Extension{Number: in.extension.v}
		}
		if err := models.SetExtension(c, c.DB, 0, id, ext); err != nil {
			return errs.At("group_phone_number", err)
		}
	}
	if in.members.set {
		return setMembers(c, id, in.members.v)
	}
	return nil
}

// setMembers makes members exactly the active members of a department, as
// employee.department.resume and .delete would one by one: each employee who joins
// or leaves must be the caller's to change (and not the caller's own account below
// root), and afterwards every member must be dominated as the department makes them.
func setMembers(c *Ctx, department int64, members []int64) error {
	current, err := models.ActiveMembers(c, c.DB, department)
	if err != nil {
		return err
	}
	was := map[int64]bool{}
	for _, a := range current {
		was[a.ID] = true
	}
	keep := map[int64]bool{}
	touch := func(id int64) error {
		if c.ownAccount(id) {
			return errs.New(errs.Access, "members", strconv.FormatInt(id, 10), "You cannot change your own groups: ask root or another admin")
		}
		return errs.At("members", c.dominate("members", id, false))
	}
	for _, id := range members {
		keep[id] = true
		if was[id] {
			continue
		}
		if _, err := models.FindEmployee(c, c.DB, strconv.FormatInt(id, 10)); errors.Is(err, errs.Missed) {
			return paramInvalid("members", id, "There is no employee %d", id)
		} else if err != nil {
			return err
		}
		if err := touch(id); err != nil {
			return err
		}
		if err := models.SetMembership(c, c.DB, id, department, true); err != nil {
			return err
		}
	}
	for _, a := range current {
		if keep[a.ID] {
			continue
		}
		if err := touch(a.ID); err != nil {
			return err
		}
		if err := models.DeleteMembership(c, c.DB, a.ID, department); err != nil {
			return err
		}
	}
	return c.dominateMembers("members", department, true)
}

// uisDeleteGroup is delete.group_employees: the department goes, its members with
// it leave it, which the person behind the call must be allowed to make them do.
func uisDeleteGroup(c *Ctx, p *rpcParams) (uisApply, error) {
	id, _, err := p.id("id", true)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		d, err := models.FindDepartment(c, c.DB, strconv.FormatInt(id, 10))
		if err != nil {
			return nil, errs.At("id", err)
		}
		if err := c.dominateMembers("id", d.ID, false); err != nil {
			return nil, err
		}
		if err := models.DeleteDepartment(c, c.DB, d, true); err != nil {
			return nil, errs.At("id", err)
		}
		return map[string]any{}, nil
	}, nil
}

// uisGroupNumbers is update.group_employees_numbers: the dialling order of every
// number of the group's members, each with its availability; the list must name
// each of them once. The reference also spells the id employe_phone_number_id.
func uisGroupNumbers(c *Ctx, p *rpcParams) (uisApply, error) {
	id, _, err := p.id("id", true)
	if err != nil {
		return nil, err
	}
	items, given, err := p.array("phone_numbers", 10*models.MaxIDs)
	if err != nil {
		return nil, err
	}
	if !given {
		return nil, paramMissed("phone_numbers")
	}
	entries := make([]models.GroupEntry, len(items))
	for i, raw := range items {
		item, err := p.item("phone_numbers", i, raw, "employee_phone_number_id", "employe_phone_number_id", "available")
		if err != nil {
			return nil, err
		}
		name := "employee_phone_number_id"
		if !item.has(name) && item.has("employe_phone_number_id") {
			name = "employe_phone_number_id"
		}
		if entries[i].EntryID, _, err = item.id(name, true); err != nil {
			return nil, err
		}
		available, given, err := item.boolean("available")
		if err != nil {
			return nil, err
		}
		if !given {
			return nil, paramMissed(item.field("available"))
		}
		entries[i].Available = available
	}
	return func(c *Ctx) (any, error) {
		if _, err := models.FindDepartment(c, c.DB, strconv.FormatInt(id, 10)); err != nil {
			return nil, errs.At("id", err)
		}
		if err := setGroupNumbers(c, "id", id, entries); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}, nil
}

// setGroupNumbers makes entries the dialling order and availability of a
// department's member numbers, for update.group_employees_numbers and the
// department.number funcs. The order and availability of members' numbers are the
// members' to change: the caller must dominate every active member.
func setGroupNumbers(c *Ctx, object string, department int64, entries []models.GroupEntry) error {
	if err := c.dominateMembers(object, department, false); err != nil {
		return err
	}
	return models.SetGroupNumbers(c, c.DB, department, entries)
}

// uisGetPositions is get.employee_positions.
func uisGetPositions(c *Ctx, p *rpcParams) (uisApply, error) {
	q, err := p.listArgs(models.Positions.Machine, nil)
	if err != nil {
		return nil, err
	}
	want, err := readFields(p, []string{"id", "name"}, nil)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		rows, total, err := models.Positions.MachineRecords(c, c.DB, q)
		if err != nil {
			return nil, err
		}
		out := make([]map[string]any, 0, len(rows))
		for _, r := range rows {
			row := map[string]any{}
			if want["id"] {
				row["id"] = r.ID
			}
			if want["name"] {
				row["name"] = r.Name
			}
			out = append(out, row)
		}
		return listResult(c, total, out), nil
	}, nil
}

// uisSavePosition is create.employee_positions (creating) and
// update.employee_positions: a position's name, unique in any case.
func uisSavePosition(creating bool) func(c *Ctx, p *rpcParams) (uisApply, error) {
	return func(c *Ctx, p *rpcParams) (uisApply, error) {
		var id int64
		var err error
		if !creating {
			if id, _, err = p.id("id", true); err != nil {
				return nil, err
			}
		}
		name, _, err := p.str("name", models.MaxPosition, true)
		if err != nil {
			return nil, err
		}
		return func(c *Ctx) (any, error) {
			r := &models.Record{ID: id, Name: name}
			if err := saveRecord(c, "id", models.Positions, r); errors.Is(err, errs.Missed) {
				return nil, errs.At("id", err)
			} else if err != nil {
				return nil, err
			}
			if creating {
				return created{ID: r.ID}, nil
			}
			return map[string]any{}, nil
		}, nil
	}
}

// uisDeletePosition is delete.employee_positions: its employees keep the name as
// their position's text.
func uisDeletePosition(c *Ctx, p *rpcParams) (uisApply, error) {
	id, _, err := p.id("id", true)
	if err != nil {
		return nil, err
	}
	return func(c *Ctx) (any, error) {
		if err := dominateHolders(c, "id", models.Positions, id); err != nil {
			return nil, err
		}
		if err := models.Positions.Delete(c, c.DB, id); err != nil {
			return nil, errs.At("id", err)
		}
		return map[string]any{}, nil
	}, nil
}
