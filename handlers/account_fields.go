package handlers

import (
	"staffmgr/handlers/form"
	"staffmgr/models/errs"

	"staffmgr/models"
	"staffmgr/session"
)

// The inputs every account card shares. employee.edit and user.edit declare them
// alike, so that a login or password one refuses the other refuses too, with the
// same error on the same field.
var (
	loginInput = form.Field{Name: "name", Caption: "Login", Need: form.Required, Check: models.CheckLogin,
		Help: "3 to 50 characters: lower-case latin letters, digits, _ . and -, starting with a letter or digit"}
	realnameInput = form.Field{Name: "realname", Caption: "Full name", Max: models.MaxRealname}
	emailInput    = form.Field{Name: "email", Caption: "Email", Type: form.Email, Max: models.MaxEmail, Check: models.CheckEmail}
	passwordInput = form.Field{Name: "passwd", Caption: "Password", Type: form.Password, Need: form.Required, Confirm: "confirm", Raw: true,
		Help: "Required for a new account; left empty on an edit, the password stays as it is"}
	confirmInput = form.Field{Name: "confirm", Caption: "Confirm the password", Type: form.Password, Raw: true}
)

// setLogin sets a.Login from name when the request gave it (always on a create).
func setLogin(in *form.Input, a *models.Account) error {
	name, given := in.Text("name")
	if !given {
		return nil
	}
	if a.Login == models.RootLogin && name != a.Login {
		return errs.Invalid("name", name, "The login of root cannot change")
	}
	a.Login = name
	return nil
}

// setText sets *dst to a text field the request gave: one it leaves out keeps its
// value, one it sends empty clears it.
func setText(in *form.Input, name string, dst *string) {
	if v, given := in.Text(name); given {
		*dst = v
	}
}

// text is a text field's value, "" when the request left it out.
func text(in *form.Input, name string) string {
	v, _ := in.Text(name)
	return v
}

// setFlag sets *dst to a flag the request gave; a flag sent empty is off.
func setFlag(in *form.Input, name string, dst *bool) {
	if on, given := in.Flag(name); given {
		*dst = on
	}
}

// changePassword replaces the password of a stored account with the one whose hash
// is given, and ends the sessions opened with the old one, and the su sessions they
// opened: every one of them when someone else sets it, all but the current one when
// a person changes their own.
func changePassword(c *Ctx, id int64, hash string) error {
	if err := models.SetPasswordHash(c, c.DB, id, hash); err != nil {
		return err
	}
	keep := ""
	if id == c.person().ID && c.App.sessions.Impersonator(c) == 0 {
		keep = c.App.sessions.ID(c) // one's own session, never an su session one opened
	}
	if _, err := session.EndPerson(c, c.DB, id, keep); err != nil {
		return err
	}
	return models.DeleteKeysOf(c, c.DB, id)
}

// suspendAccount disables an account and ends all of its sessions at once.
func suspendAccount(c *Ctx, id int64) error {
	if err := models.SetEnabled(c, c.DB, id, false); err != nil {
		return err
	}
	if _, err := session.EndAccount(c, c.DB, id); err != nil {
		return err
	}
	return models.DeleteKeysOf(c, c.DB, id)
}
