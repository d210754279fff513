package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"staffmgr/models/errs"

	"staffmgr/handlers/render"
	"staffmgr/models"
)

// authLogin opens a session: func=auth&username=U&password=P, or &key=K for a
// one-time key registered by session.newkey.
func authLogin(c *Ctx) (render.Result, error) {
	login := c.Params.Get("username")
	if login == "" {
		return nil, errs.Invalid("username", "", "Enter a login")
	}
	if err := checkLoginOrigin(c.Request(), c.Params.Has("key")); err != nil {
		return nil, err
	}
	acc, err := c.App.guardLogin(c, login, func() (*models.Account, error) {
		if c.Params.Has("key") {
			acc, by, err := models.ConsumeKey(c, c.DB, login, c.Params.Get("key"))
			if err != nil || by == 0 {
				return acc, err
			}
			return acc, keyStillGranted(c, by, acc)
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
	if !c.HasSession() {
		return &render.OK{}, nil
	}
	if err := c.App.checkCSRF(c); err != nil {
		return nil, err
	}
	if err := endThisSession(c); err != nil {
		return nil, err
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

// keyStillGranted refuses a key whose registrar no longer dominates the account it
// logs in to, so that a key registered for an account that has since been given more
// rights, or by someone since suspended, cannot become a way into it.
func keyStillGranted(c *Ctx, registrar int64, acc *models.Account) error {
	reg, err := models.FindAccount(c, c.DB, registrar)
	if errors.Is(err, errs.Missed) {
		return models.BadKey()
	}
	if err != nil {
		return err
	}
	lacks, err := c.lacks(reg, acc)
	if err != nil {
		return err
	}
	if !reg.Enabled || lacks != "" {
		return models.BadKey()
	}
	return nil
}

// checkLoginOrigin refuses a login that a page of another site made a browser send,
// which would log the browser in to an account of that site's choosing. Browsers name
// the page's origin (Origin) or at least whether it is another site's
// (Sec-Fetch-Site); scripts send neither and are not concerned. A one-time key link
// is meant to be followed from a mail or a chat, so a key login may arrive by a plain
// navigation from another site, but never by another site's form POST.
func checkLoginOrigin(r *http.Request, key bool) error {
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
			return errs.Denied("origin", "A login must come from this server's own pages, not from another site")
		}
		return nil
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return nil
	}
	if key && r.Method == http.MethodGet && r.Header.Get("Sec-Fetch-Mode") == "navigate" {
		return nil
	}
	return errs.Denied("origin", "A login must come from this server's own pages, not from another site")
}
