package handlers

import (
	"strings"

	"staffmgr/models/errs"

	"staffmgr/models"
	"staffmgr/session"
)

// The fields that every account card shares. employee.edit and user.edit read and
// check them here alike, so that a login or password one refuses the other refuses
// too, with the same error on the same field.

// readLogin sets a.Login from name when the request names it (always on a create).
// who names the kind of account in messages: "employee", "client".
func readLogin(p Params, a *models.Account, creating bool, who string) error {
	if !creating && !p.Has("name") {
		return nil
	}
	name := strings.TrimSpace(p.Get("name"))
	if name == "" {
		return errs.Invalid("name", "", "Enter the %s's login", who)
	}
	if a.Login == models.RootLogin && name != a.Login {
		return errs.Invalid("name", name, "The login of root cannot change")
	}
	if err := models.CheckLogin(name); err != nil {
		return errs.At("name", err)
	}
	a.Login = name
	return nil
}

// cardField is an optional text field of an account card: a request that leaves it
// out keeps its value; one that sends it empty clears it.
type cardField struct {
	name  string
	dst   *string
	check func(v string) error
}

func realnameField(dst *string) cardField {
	return cardField{"realname", dst, func(v string) error { return models.CheckText(v, models.MaxRealname) }}
}

func emailField(dst *string) cardField { return cardField{"email", dst, models.CheckEmail} }

// readCardFields checks and sets the fields the request names, in order; the first
// failing one is the error.
func readCardFields(p Params, fields ...cardField) error {
	for _, f := range fields {
		if !p.Has(f.name) {
			continue
		}
		v := strings.TrimSpace(p.Get(f.name))
		if err := f.check(v); err != nil {
			return errs.At(f.name, err)
		}
		*f.dst = v
	}
	return nil
}

// readPassword returns the new password of passwd, checked against the policy and
// confirm; "" keeps the current one, which a create cannot.
func readPassword(c *Ctx, creating bool, who string) (string, error) {
	password := c.Params.Get("passwd")
	switch {
	case password == "" && creating:
		return "", errs.Invalid("passwd", "", "Enter a password for the new %s", who)
	case password != "":
		if err := c.App.cfg.PasswordPolicy.Check(password); err != nil {
			return "", errs.At("passwd", err)
		}
		if c.Params.Get("confirm") != password {
			return "", errs.Invalid("confirm", "", "The password and its confirmation differ")
		}
	}
	return password, nil
}

// hashNewPassword hashes the password a NewPassword func sets, before the change's
// transaction opens. One that readPassword refuses is left for the form to refuse.
func (a *App) hashNewPassword(c *Ctx) error {
	if !c.Func.NewPassword {
		return nil
	}
	password, err := readPassword(c, false, "")
	if err != nil || password == "" {
		return nil
	}
	hash, err := models.HashPassword(c, a.cfg.Passwords, password)
	if err != nil {
		return err
	}
	c.newPassword, c.newHash = password, hash
	return nil
}

// hashPassword returns the hash of a new password: the one made before the
// transaction opened when it is of this password, or else a new one.
func (c *Ctx) hashPassword(password string) (string, error) {
	if c.newHash != "" && c.newPassword == password {
		return c.newHash, nil
	}
	return models.HashPassword(c, c.App.cfg.Passwords, password)
}

// changePassword replaces the password of a stored account and ends the sessions
// opened with the old one, and the su sessions they opened: every one of them when
// someone else sets it, all but the current one when a person changes their own.
func changePassword(c *Ctx, id int64, password string) error {
	hash, err := c.hashPassword(password)
	if err != nil {
		return err
	}
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
