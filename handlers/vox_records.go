package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
)

// Applications, ACD queues and skills are records like positions (records.go): a
// list, a filter, an edit that creates or renames, and a delete. An employee's
// Voximplant identity (application, custom data, accounting, queues, skills) is
// employee.voximplant.

// applicationDelete is application.delete: an application that still has users is
// kept, since deleting it would take their identities and their money.
var applicationDelete = &Group{Each: func(c *Ctx, elid string) error {
	r, err := models.Applications.Find(c, c.DB, elid)
	if err != nil {
		return errs.At("elid", err)
	}
	users, err := models.Applications.Holders(c, c.DB, r.ID)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return errs.Invalid("elid", elid, "The application %s has %d users: delete them (DelUser) first", r.Name, len(users))
	}
	return errs.At("elid", models.Applications.Delete(c, c.DB, r.ID))
}}

// employeeVoximplantInput is what employee.voximplant reads.
var employeeVoximplantInput = form.New(
	form.Field{Name: "application", Caption: "Application", Type: form.Select, ChoicesFrom: "application",
		Help: "The application the employee is a Voximplant user of; needed to make them one"},
	form.Field{Name: "user_custom_data", Caption: "Custom data", Type: form.TextArea, Max: models.MaxCustomData},
	form.Field{Name: "parent_accounting", Caption: "Uses the account's money", Type: form.Flag,
		Help: "Off: the user has a balance of their own. Turning it on returns that balance to the account"},
	form.Field{Name: "acd_queue", Caption: "ACD queues", Type: form.Multi, ChoicesFrom: "acd_queue"},
	form.Field{Name: "skill", Caption: "Skills", Check: checkSkillLevels,
		Help: "Skill ids with an optional level from 1 to 5, comma-separated: 3:5, 4 (level 1 when left out)"},
)

// parseSkillLevels reads "id[:level], …".
func parseSkillLevels(v string) ([]models.SkillLevel, error) {
	var out []models.SkillLevel
	seen := map[int64]bool{}
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		idText, levelText, hasLevel := strings.Cut(part, ":")
		id, err := strconv.ParseInt(strings.TrimSpace(idText), 10, 64)
		level := 1
		if err == nil && hasLevel {
			level, err = strconv.Atoi(strings.TrimSpace(levelText))
		}
		if err != nil || id <= 0 || level < 1 || level > 5 {
			return nil, errs.Invalid("", part, "A skill is its id with an optional level from 1 to 5: 3:5")
		}
		if seen[id] {
			return nil, errs.Invalid("", part, "The skill %d is named twice", id)
		}
		seen[id] = true
		out = append(out, models.SkillLevel{ID: id, Level: level})
	}
	if len(out) > models.MaxIDs {
		return nil, errs.Invalid("", "", "At most %d skills", models.MaxIDs)
	}
	return out, nil
}

func checkSkillLevels(v string) error {
	_, err := parseSkillLevels(v)
	return err
}

// employeeVoximplantForm is employee.voximplant without sok: the employee's
// Voximplant identity, as GetUsers reads it, with the choices of its selects.
func employeeVoximplantForm(c *Ctx) (render.Result, error) {
	a, err := manageable(c, c.Params.Get("elid"))
	if err != nil {
		return nil, err
	}
	u, err := models.FindVoxUser(c, c.DB, a.ID)
	if err != nil && !errors.Is(err, errs.Missed) {
		return nil, err
	}
	if u == nil {
		u = &models.VoxUser{}
	}
	queues, err := models.QueuesOf(c, c.DB, []int64{a.ID})
	if err != nil {
		return nil, err
	}
	skills, err := models.SkillsOf(c, c.DB, []int64{a.ID}, 0)
	if err != nil {
		return nil, err
	}
	t, err := models.FindTelephony(c, c.DB, a.ID)
	if err != nil {
		return nil, err
	}
	var queueIDs, skillText []string
	for _, q := range queues[a.ID] {
		queueIDs = append(queueIDs, strconv.FormatInt(q.ID, 10))
	}
	for _, s := range skills[a.ID] {
		skillText = append(skillText, fmt.Sprintf("%d:%d", s.ID, s.Level))
	}
	apps, err := recordOptions(c, models.Applications)
	if err != nil {
		return nil, err
	}
	queueOptions, err := recordOptions(c, models.ACDQueues)
	if err != nil {
		return nil, err
	}
	app := ""
	if u.ApplicationID != 0 {
		app = strconv.FormatInt(u.ApplicationID, 10)
	}
	return &render.Form{Fields: []*render.Node{
		render.Text("elid", strconv.FormatInt(a.ID, 10)),
		render.Text("user_name", a.Login),
		render.Text("user_display_name", a.Realname),
		render.Text("user_active", render.OnOff(a.Enabled)),
		render.Text("acd_status", models.ACDStatusOf(t.Status)),
		render.Text("balance", models.FormatMoney(u.Balance)),
		render.Text("application", app),
		render.Text("user_custom_data", u.CustomData),
		render.Text("parent_accounting", render.OnOff(u.ParentAccounting)),
		render.Text("acd_queue", strings.Join(queueIDs, ",")),
		render.Text("skill", strings.Join(skillText, ", ")),
		render.Select("application", apps...),
		render.Select("acd_queue", queueOptions...),
	}}, nil
}

// employeeVoximplantSave is employee.voximplant&sok=ok: it makes the employee a
// user of an application, or changes what the identity holds.
func employeeVoximplantSave(c *Ctx, in *form.Input) (render.Result, error) {
	a, err := manageable(c, c.Params.Get("elid"))
	if err != nil {
		return nil, err
	}
	if err := c.dominate("elid", a.ID, false); err != nil {
		return nil, err
	}
	u, err := models.FindVoxUser(c, c.DB, a.ID)
	create := errors.Is(err, errs.Missed)
	if err != nil && !create {
		return nil, err
	}
	if create {
		u = &models.VoxUser{AccountID: a.ID}
	}
	if app, given := in.Text("application"); given || create {
		if app == "" {
			return nil, errs.Invalid("application", "", "Choose the application the employee is a user of")
		}
		r, err := models.Applications.Find(c, c.DB, app)
		if err != nil {
			return nil, errs.At("application", err)
		}
		u.ApplicationID = r.ID
	}
	setText(in, "user_custom_data", &u.CustomData)
	wasParent := u.ParentAccounting
	setFlag(in, "parent_accounting", &u.ParentAccounting)
	if !create && u.ParentAccounting && !wasParent {
		if err := models.ReturnUserMoney(c, c.DB, models.TransferTarget{ID: a.ID, Name: a.Login},
			"To account: the user uses the account's money", c.Actor.Login); err != nil {
			return nil, err
		}
	}
	if err := models.SaveVoxUser(c, c.DB, u, create); err != nil {
		return nil, err
	}
	if ids, given := in.IDs("acd_queue"); given {
		if err := models.SetUserQueues(c, c.DB, a.ID, ids); err != nil {
			return nil, errs.At("acd_queue", err)
		}
	}
	if v, given := in.Text("skill"); given {
		skills, err := parseSkillLevels(v)
		if err != nil {
			return nil, errs.At("skill", err)
		}
		if err := models.SetUserSkills(c, c.DB, a.ID, skills); err != nil {
			return nil, errs.At("skill", err)
		}
	}
	return &render.OK{}, nil
}
