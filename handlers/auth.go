package handlers

import (
	"strconv"

	"staffmgr/handlers/render"
	"staffmgr/models"
)

// authLogin opens a session: func=auth&username=U&password=P, or &key=K for a
// one-time key registered by session.newkey.
func authLogin(c *Ctx) (render.Result, error) {
	login := c.Params.Get("username")
	if login == "" {
		return nil, models.Invalid("username", "", "Enter a login")
	}
	acc, err := c.App.guardLogin(c, login, func() (*models.Account, error) {
		if c.Params.Has("key") {
			return models.ConsumeKey(c, c.DB, login, c.Params.Get("key"))
		}
		return c.App.cfg.checkPassword(c, c.DB, login, c.Params.Get("password"))
	})
	if err != nil {
		return nil, err
	}
	if !acc.AllowsIP(c.IP) {
		return nil, addressRefused(acc, c.IP)
	}
	token, err := c.Login(acc)
	if err != nil {
		return nil, err
	}
	return &render.Auth{ID: token, Level: int(acc.Level)}, nil
}

// authLogout ends the caller's session (func=logon or func=logout). Without a
// session there is nothing to end, which is not an error.
func authLogout(c *Ctx) (render.Result, error) {
	if c.HasSession() {
		if err := c.App.sessions.Destroy(c); err != nil {
			return nil, err
		}
		c.ended = true
	}
	return &render.OK{}, nil
}

// keepalive extends the session; the dispatcher has already done so by loading it.
func keepalive(c *Ctx) (render.Result, error) { return &render.OK{}, nil }

// whoami answers the current account: <user id level name>login</user>. A browser
// session also learns the CSRF token its changes must carry.
func whoami(c *Ctx) (render.Result, error) {
	a := c.Actor
	doc := render.Doc{render.Text("user", a.Login).
		With("id", strconv.FormatInt(a.ID, 10)).
		With("level", strconv.Itoa(int(a.Level))).
		With("name", a.Login)}
	if c.via == viaCookie {
		doc = append(doc, render.Text("csrf_token", c.App.sessions.CSRF(c)))
	}
	return doc, nil
}
