package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
	"staffmgr/session"
)

func TestAuthPassword(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		sid := e.login("alice")
		if lvl := e.get("func=auth&username=alice&password=" + Password).obj("auth")["$level"]; lvl != "28" {
			t.Errorf("admin level %v, want 28", lvl)
		}
		if lvl := e.get("func=auth&username=root&password=" + Password).obj("auth")["$level"]; lvl != "31" {
			t.Errorf("root level %v, want 31", lvl)
		}
		user := e.get("func=whoami&auth=" + sid).ok().obj("user")
		if user["$"] != "alice" || user["$level"] != "28" {
			t.Errorf("whoami = %v", user)
		}
		if other := e.login("alice"); other == sid {
			t.Error("a second login reused the session id")
		}

		for _, q := range []string{
			"func=auth&username=alice&password=wrong",
			"func=auth&username=nobody&password=" + Password,
			"func=auth&username=alice",
		} {
			e.get(q).fails("auth", "badpassword")
		}
		e.get("func=auth&password=x").fails("value", "username")

		if err := e.db.Model(&models.Account{}).Where("login = ?", "alice").Update("enabled", false).Error; err != nil {
			t.Fatal(err)
		}
		e.get("func=auth&username=alice&password="+Password).fails("auth", "badpassword")
		e.get("func=whoami&auth="+sid).fails("access", "session")
		e.get("func=whoami&authinfo=alice:"+Password).fails("auth", "badpassword")
	})
}

func TestAuthinfo(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.get("func=whoami&authinfo=root:" + Password).ok()
		if r.obj("user")["$"] != "root" {
			t.Errorf("whoami = %s", r.body)
		}
		if r.cookie(session.CookieName) != nil {
			t.Error("authinfo set a session cookie")
		}
		if n := dbtest.MustCount(t, e.db.Model(&session.Row{})); n != 0 {
			t.Errorf("authinfo stored %d sessions", n)
		}
		e.get("func=whoami&authinfo=root:nope").fails("auth", "badpassword")
		e.get("func=whoami&authinfo=root").fails("auth", "badpassword")
		// a password holding a colon
		if _, err := models.CreateAccount(context.Background(), e.db, dbtest.FastPasswords, "colon", rights.Admin, "a:b-C1xyz"); err != nil {
			t.Fatal(err)
		}
		e.get("func=whoami&authinfo=" + url.QueryEscape("colon:a:b-C1xyz")).ok()
	})
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		sid := e.login("root")
		e.get("func=keepalive&auth=" + sid).ok()
		e.get("func=logout&auth=" + sid).ok()
		e.get("func=keepalive&auth="+sid).fails("access", "session")

		sid = e.login("root")
		e.get("func=logon&auth=" + sid).ok()
		e.get("func=whoami&auth="+sid).fails("access", "session")

		e.get("func=keepalive&auth=not-a-session").fails("access", "session")
		e.get("func=keepalive").fails("access", "session")

		// An expired session is refused however it is presented.
		sid = e.login("root")
		if err := e.db.Model(&session.Row{}).Where("id = ?", models.Digest(sid)).
			Update("expiry", models.Now().Add(-1)).Error; err != nil {
			t.Fatal(err)
		}
		e.get("func=keepalive&auth="+sid).fails("access", "session")
	})
}

func TestOneTimeKey(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		MustCreateAccount(t, e.db, "bob", rights.User)
		root := e.login("root")
		admin := e.login("alice")
		const key = "0123456789abcdef-key"

		e.get("func=session.newkey&username=alice&key=short&auth="+root).fails("value", "key")
		e.get("func=session.newkey&username=ghost&key="+key+"&auth="+root).fails("missed", "username")
		e.get("func=session.newkey&username=root&key="+key+"&auth="+admin).fails("access", "username")
		e.get("func=session.newkey&username=root&key="+key+"&auth="+e.login("bob")).fails("access", "session.newkey")

		e.get("func=session.newkey&username=alice&key=" + key + "&auth=" + root).ok()
		e.get("func=session.newkey&username=alice&key=" + key + "&auth=" + root).ok() // again: no oracle
		e.get("func=session.newkey&username=root&key=" + key + "&auth=" + root).ok()  // another account's
		e.get("func=session.newkey&username=alice&key="+strings.Repeat("k", 257)+"&auth="+root).fails("value", "key")
		e.get("func=auth&username=bob&key="+key).fails("auth", "badpassword")
		r := e.get("func=auth&username=alice&key=" + key).ok()
		sid, _ := r.obj("auth")["$id"].(string)
		if e.get("func=whoami&auth=" + sid).ok().obj("user")["$"] != "alice" {
			t.Error("the key session is not alice's")
		}
		e.get("func=auth&username=alice&key="+key).fails("auth", "badpassword")
		if strings.Contains(string(r.body), key) {
			t.Error("the key was echoed")
		}
	})
}

func TestBrowserSession(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		r := e.post(url.Values{"func": {"auth"}, "username": {"root"}, "password": {Password}})
		c := r.cookie(session.CookieName)
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Value != r.obj("auth")["$id"] {
			t.Fatalf("session cookie %+v", c)
		}
		who := e.do(http.MethodGet, "/billmgr?func=whoami&out=json", "", nil, []*http.Cookie{c}).ok()
		csrf := who.text("csrf_token")
		if csrf == "" {
			t.Fatal("whoami gave a browser no CSRF token")
		}

		other := e.login("alice")
		target := models.Digest(other)
		del := url.Values{"func": {"session.delete"}, "elid": {target}, "sok": {"ok"}}
		// A change through the cookie needs a POST with the token.
		e.do(http.MethodGet, "/billmgr?out=json&"+del.Encode(), "", nil, []*http.Cookie{c}).fails("access", "csrf")
		e.post(del, c).fails("access", "csrf")
		bad := url.Values{"csrf_token": {"forged"}}
		for k, v := range del {
			bad[k] = v
		}
		e.post(bad, c).fails("access", "csrf")
		e.get("func=whoami&auth=" + other).ok()
		del.Set("csrf_token", csrf)
		e.post(del, c).ok()
		e.get("func=whoami&auth="+other).fails("access", "session")

		// The same change with explicit credentials needs no token.
		third := e.login("alice")
		e.get("func=session.delete&sok=ok&elid=" + models.Digest(third) + "&authinfo=root:" + Password).ok()

		// Logging out clears the cookie; the stale cookie is then a guest's.
		out := e.post(url.Values{"func": {"logout"}, "csrf_token": {csrf}}, c).ok()
		if cl := out.cookie(session.CookieName); cl == nil || cl.MaxAge >= 0 {
			t.Errorf("logout left the cookie: %+v", cl)
		}
		e.do(http.MethodGet, "/billmgr?func=whoami&out=json", "", nil, []*http.Cookie{c}).fails("access", "session")

		// A change that ends the request's own session clears its cookie too, though
		// the session's row was written moments before and needs no write of its own.
		c = e.post(url.Values{"func": {"auth"}, "username": {"root"}, "password": {Password}}).cookie(session.CookieName)
		csrf = e.do(http.MethodGet, "/billmgr?func=whoami&out=json", "", nil, []*http.Cookie{c}).ok().text("csrf_token")
		e.post(url.Values{"func": {"employee.edit"}, "elid": {"1"}, "position": {"Boss"}, "sok": {"ok"}, "csrf_token": {csrf}}, c).ok()
		ended := e.post(url.Values{"func": {"session.delete"}, "elid": {models.Digest(c.Value)}, "sok": {"ok"}, "csrf_token": {csrf}}, c).ok()
		if cl := ended.cookie(session.CookieName); cl == nil || cl.MaxAge >= 0 {
			t.Errorf("ending one's own session left the cookie: %+v", cl)
		}
		e.do(http.MethodGet, "/billmgr?func=whoami&out=json", "", nil, []*http.Cookie{c}).fails("access", "session")
	})
}

func TestBrowserPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if x := e.do(http.MethodGet, "/?func=whoami", "", nil, nil); !strings.HasPrefix(string(x.body), "<?xml") {
			t.Errorf("a script without out did not get xml: %s", x.body)
		}
		page := e.browse(http.MethodGet, "/")
		if page.status != 200 || !strings.Contains(page.header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(page.body), `name="password"`) {
			t.Fatalf("the panel without a session is not the login form: %d %s", page.status, page.body)
		}
		form := url.Values{"func": {"auth"}, "username": {"root"}, "password": {Password}}
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/billmgr", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		hr, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		hr.Body.Close()
		if hr.StatusCode != http.StatusSeeOther || len(hr.Cookies()) == 0 {
			t.Fatalf("a browser login answered %d with cookies %v", hr.StatusCode, hr.Cookies())
		}
		home := e.browse(http.MethodGet, "/billmgr", hr.Cookies()...)
		if !strings.Contains(string(home.body), "root") || strings.Contains(string(home.body), `name="password"`) {
			t.Errorf("the panel after login: %s", home.body)
		}
	})
}
