package handlers

import (
	"strconv"
	"time"

	"staffmgr/handlers/form"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/models/list"
	"staffmgr/session"
)

// userSpec is the client list, declared with its query in models.
var userSpec = models.ClientList

// userList is func=user: one page of clients, with has_session from the session
// store in one more query for the whole page.
func userList(c *Ctx, q *list.Query) (*render.List, error) {
	rows, total, err := models.ListClients(c, c.DB, q)
	if err != nil {
		return nil, err
	}
	out := listPage(q, total)
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	activity, err := session.ActivityOf(c, c.DB, ids, time.Now())
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		_, live := activity[r.ID]
		out.Rows = append(out.Rows, render.Row(
			render.Text("id", strconv.FormatInt(r.ID, 10)),
			render.Text("name", r.Login),
			render.Cell("realname", r.Realname),
			render.Cell("email", r.Email),
			render.FlagIf("enabled", r.Enabled),
			render.FlagIf("has_session", live),
		))
	}
	return out, nil
}

// userForm is user.edit without sok: the client's card, or the empty card of a new
// one. Passwords are never shown.
func userForm(c *Ctx) (render.Result, error) {
	a := &models.Account{}
	f := &render.Form{}
	if elid := c.Params.Get("elid"); elid != "" {
		var err error
		if a, err = models.FindClient(c, c.DB, elid); err != nil {
			return nil, errs.At("elid", err)
		}
		f.Fields = append(f.Fields, render.Text("elid", strconv.FormatInt(a.ID, 10)))
	}
	f.Fields = append(f.Fields,
		render.Text("name", a.Login),
		render.Text("realname", a.Realname),
		render.Text("email", a.Email),
		render.Text("passwd", ""),
		render.Text("confirm", ""),
	)
	return f, nil
}

// userInput is what user.edit reads.
var userInput = form.Creating(loginInput, realnameInput, emailInput, passwordInput, confirmInput)

// userSave is user.edit&sok=ok: without elid it creates a client, with elid it edits
// one. Its fields are employee.edit's; a field the request leaves out keeps its
// value, and every field was checked before anything is written.
func userSave(c *Ctx, in *form.Input) (render.Result, error) {
	creating := in.Creating()
	a := &models.Account{}
	if !creating {
		var err error
		if a, err = models.FindClient(c, c.DB, c.Params.Get("elid")); err != nil {
			return nil, errs.At("elid", err)
		}
		if err := c.dominate("elid", a.ID, false); err != nil {
			return nil, err
		}
	}
	if err := setLogin(in, a); err != nil {
		return nil, err
	}
	setText(in, "realname", &a.Realname)
	setText(in, "email", &a.Email)
	password, hash := in.Password("passwd")
	if creating {
		a.PasswordHash = hash
	}
	if err := models.SaveClient(c, c.DB, a); err != nil {
		return nil, errs.At("name", err)
	}
	if creating {
		return &render.OK{ID: strconv.FormatInt(a.ID, 10)}, nil
	}
	if password != "" {
		if err := changePassword(c, a.ID, hash); err != nil {
			return nil, err
		}
	}
	return &render.OK{}, nil
}

// userDelete deletes a client; their sessions, keys and tickets go with the account.
func userDelete(c *Ctx, elid string) error {
	a, err := models.FindClient(c, c.DB, elid)
	if err != nil {
		return errs.At("elid", err)
	}
	if err := c.dominate("elid", a.ID, false); err != nil {
		return err
	}
	return errs.At("elid", models.DeleteAccount(c, c.DB, a.ID))
}

// userSuspend disables a client and ends all of their sessions at once.
func userSuspend(c *Ctx, elid string) error {
	a, err := models.FindClient(c, c.DB, elid)
	if err != nil {
		return errs.At("elid", err)
	}
	if err := c.dominate("elid", a.ID, false); err != nil {
		return err
	}
	return suspendAccount(c, a.ID)
}

// userResume enables a client.
func userResume(c *Ctx, elid string) error {
	a, err := models.FindClient(c, c.DB, elid)
	if err != nil {
		return errs.At("elid", err)
	}
	if err := c.dominate("elid", a.ID, false); err != nil {
		return err
	}
	return models.SetEnabled(c, c.DB, a.ID, true)
}
