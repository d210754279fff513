package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"staffmgr/handlers/form"
	"staffmgr/handlers/lang"
	"staffmgr/handlers/render"
	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/models/list"
	"staffmgr/rights"
	"staffmgr/session"
	"staffmgr/templates"
)

// The web panel is the HTML output of the same funcs: the dispatcher has run the
// request as it runs any other, and what follows only decides which page shows its
// answer, reading the func table for what the page declares (the menu, a list's
// columns and actions, a form's fields). A page may need another answer beside the
// request's own (the names of the rows a confirmation lists, the form a refused
// save returns to); it gets it by dispatching that read like any request, under the
// same checks.

// contentSecurity is the pages' Content-Security-Policy: scripts and styles come
// only from the binary's own assets, nothing inline, and no other site may frame
// a page.
const contentSecurity = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// panelHeaders are the security headers of every page.
func panelHeaders(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", "text/html; charset=UTF-8")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("Referrer-Policy", "same-origin")
}

// serveAsset serves a style sheet or script of the pages.
func (a *App) serveAsset(ec echo.Context) error {
	body, ct, ok := templates.Asset(ec.Param("name"))
	if !ok {
		return echo.ErrNotFound
	}
	h := ec.Response().Header()
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	return ec.Blob(http.StatusOK, ct, body)
}

// panelPage answers a browser: a redirect after a change that succeeded, or the
// page that shows the answer.
func (a *App) panelPage(ec echo.Context, c *Ctx, name string, res render.Result, appErr *errs.E) {
	fn := a.funcs[name]
	secure := a.cfg.SecureCookies || ec.Request().TLS != nil
	if appErr == nil && fn != nil {
		if to, ok := a.afterChange(ec, c, fn, res, secure); ok {
			ec.Redirect(http.StatusSeeOther, to)
			return
		}
	}
	if back := session.OpenerToken(ec.Request()); back != "" && c.Actor == nil && ec.Request().Method == http.MethodGet {
		// An su session that ended on its own (its time ran out): back to the
		// session that opened it, which is checked like any other on the next page.
		session.WriteCookie(ec.Response(), back, secure)
		session.ClearOpenerCookie(ec.Response(), secure)
		ec.Redirect(http.StatusSeeOther, safeNext(ec.Request().URL.RequestURI()))
		return
	}
	if fn == nil && c.Actor == nil && session.CookieToken(ec.Request()) != "" {
		// An unknown func is refused before the caller is known; its page still
		// shows who is logged in, and the menu, rather than a login form.
		c.Func = a.funcs["whoami"]
		if a.authenticate(c) != nil {
			c.Actor, c.Real = nil, nil
		}
	}
	p := &render.Panel{Func: name, Lang: c.Lang, Langs: langLinks(ec.Request(), c.Lang)}
	if fn != nil {
		p.Caption = fn.Caption
	} else if name != "" {
		p.Caption = p.Lang.T("Page not found")
	}
	doc := a.panelView(c, fn, p, res, appErr)
	if p.Up != nil {
		// The list the page leads back to is the current one of the menu.
		for i := range p.Menu {
			for k := range p.Menu[i].Items {
				item := &p.Menu[i].Items[k]
				item.Current = item.Current && !a.isTopList(p.Up.Func) || item.Func == p.Up.Func
			}
		}
	}
	var data []*render.Node
	if doc != nil {
		data = doc.Nodes()
	}
	if appErr != nil && p.Error == nil && p.Kind != "login" && p.Kind != "act" {
		p.Error = &render.ErrorView{Type: string(appErr.Kind), Object: appErr.Object, Value: appErr.Value, Msg: a.panelMessage(fn, appErr, p.Lang)}
	}
	panelHeaders(ec.Response().Header())
	ec.Response().WriteHeader(http.StatusOK)
	if err := render.Page(ec.Response(), render.Document(render.Meta{Func: name, Lang: string(p.Lang)}, data), p); err != nil {
		a.log.Error("render page", "error", err)
	}
}

// panelMessage is an error as a person reads it on a page. The API says a row that
// is not there and a refused func in its own terms (elid "7" not found,
// Insufficient privileges to perform "employee"), which scripts match; a page says
// it of the thing: there is no such employee (7), you have no right to open Staff.
func (a *App) panelMessage(fn *Func, e *errs.E, l lang.Lang) string {
	if fn == nil && e.Kind == errs.Missed && e.Object == "func" {
		return l.T("There is no such page (%s)", e.Value)
	}
	if fn != nil {
		switch {
		case e.Kind == errs.Missed && e.Format == errs.NotFound && (e.Object == "elid" || e.Object == "plid"):
			if item := a.itemOf(fn, e.Object); item != "" {
				return l.T("There is no such %s (%s)", l.T(item), e.Value)
			}
		case e.Kind == errs.Access && e.Object == fn.Name:
			if _, ok := fn.Shape.(*List); ok {
				return l.T("You have no right to open %s", l.T(fn.Caption))
			}
			return l.T("You have no right to this: %s", l.T(fn.Caption))
		}
	}
	return render.Message(e, string(l))
}

// itemOf is what one element named by the func's elid or plid is ("employee"), as
// the list of such elements declares it, or "" when it declares none. A func's
// elid names a row of the list it acts on, or a list's parent row; a plid names
// the parent row of the list the func acts on.
func (a *App) itemOf(fn *Func, object string) string {
	steps := 1
	if _, list := fn.Shape.(*List); object == "plid" && !list {
		steps = 2
	}
	f := fn
	for ; steps > 0; steps-- {
		homes := a.homes(f)
		if len(homes) == 0 || a.funcs[homes[0]] == nil {
			return ""
		}
		f = a.funcs[homes[0]]
	}
	return f.Item
}

// upperFirst is s with its first letter in upper case, for a noun that starts a
// heading.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// afterChange is where a browser goes after a change that succeeded: back to the
// page asked for after a login, into the session an act-as opened, back to the
// opener's session after a return, or to the list the change was made from, which
// then says what was done. ok is false when the answer is itself the page (a new
// API key, shown once).
func (a *App) afterChange(ec echo.Context, c *Ctx, fn *Func, res render.Result, secure bool) (string, bool) {
	switch {
	case fn.Name == "auth" || fn.Name == "logout" || fn.Name == "logon":
		// A new login, or a logout, leaves no session to return to.
		if session.OpenerToken(ec.Request()) != "" {
			session.ClearOpenerCookie(ec.Response(), secure)
		}
		if fn.Name == "auth" {
			return safeNext(c.Params.Get("next")), a.sessions.Opened(c)
		}
		return render.Binary, true
	case fn.Name == "chlevel":
		if back := session.OpenerToken(ec.Request()); back != "" {
			session.WriteCookie(ec.Response(), back, secure)
		}
		session.ClearOpenerCookie(ec.Response(), secure)
		return render.Binary, true
	}
	if !fn.writes(c.Params.Sok()) || res == nil {
		return "", false
	}
	if token := sessionOpened(res); token != "" {
		// An act-as: the browser moves to the new session and keeps its own to
		// return to.
		if own := session.CookieToken(ec.Request()); own != "" && c.via == viaCookie {
			session.WriteOpenerCookie(ec.Response(), own, secure)
		}
		session.WriteCookie(ec.Response(), token, secure)
		return render.Binary, true
	}
	if ok, isOK := res.(*render.OK); isOK && len(ok.Extra) == 0 || strings.HasSuffix(fn.Name, ".filter") {
		to := safeBack(c.Params.Get("back"))
		if to == "" {
			to = a.homeURL(c, fn)
		}
		if strings.HasSuffix(fn.Name, ".filter") {
			// The list keeps the order and page size it was filtered with.
			for _, name := range []string{"p_col", "p_cnt"} {
				if v := c.Params.Get(name); v != "" {
					to += "&" + name + "=" + url.QueryEscape(v)
				}
			}
		} else {
			to += "&done=" + url.QueryEscape(fn.Name)
		}
		return to, true
	}
	return "", false
}

// sessionOpened is the session an answer opened (employee.su), or "".
func sessionOpened(res render.Result) string {
	for _, n := range res.Nodes() {
		if n.Name == "auth" {
			return n.Attr("id")
		}
	}
	return ""
}

// safeNext is the page a login returns to: one of this panel's own, never another
// site's, never a log-in or log-out.
func safeNext(next string) string {
	if b := safeBack(next); b != "" {
		if u, err := url.Parse(b); err == nil {
			switch u.Query().Get("func") {
			case "auth", "logout", "logon", "chlevel":
				return render.Binary
			}
		}
		return b
	}
	return render.Binary
}

// safeBack is a return address when it is a page of this panel ("/billmgr?…").
func safeBack(back string) string {
	if !strings.HasPrefix(back, render.Binary+"?") || strings.ContainsAny(back, "\\\r\n") {
		return ""
	}
	return back
}

// homeURL is the list a func's change returns to, with its parent.
func (a *App) homeURL(c *Ctx, fn *Func) string {
	q := url.Values{}
	homes := a.homes(fn)
	if len(homes) == 0 {
		return render.Binary + "?func=whoami"
	}
	q.Set("func", homes[0])
	if plid := c.Params.Get("plid"); plid != "" {
		q.Set("plid", plid)
	}
	return render.Binary + "?" + q.Encode()
}

// homes are the lists whose rows fn acts on: its Of, or else the list its name
// extends (the longest prefix of it that is a list).
func (a *App) homes(fn *Func) []string {
	if len(fn.Of) > 0 {
		return fn.Of
	}
	name := fn.Name
	for {
		i := strings.LastIndexByte(name, '.')
		if i < 0 {
			return nil
		}
		name = name[:i]
		if f := a.funcs[name]; f != nil {
			if _, ok := f.Shape.(*List); ok {
				return []string{name}
			}
		}
	}
}

// onList reports whether fn acts on the rows of the list named home.
func (a *App) onList(fn *Func, home string) bool {
	for _, h := range a.homes(fn) {
		if h == home {
			return true
		}
	}
	return false
}

// isTopList reports whether name is a list of the menu: one that hangs from no other.
func (a *App) isTopList(name string) bool {
	f := a.funcs[name]
	if f == nil {
		return false
	}
	_, ok := f.Shape.(*List)
	return ok && len(a.homes(f)) == 0
}

// allowed reports whether the caller may call fn, as the dispatcher decides.
func (a *App) allowed(c *Ctx, fn *Func) bool {
	return c.Actor != nil && c.readGrants() == nil && a.admit(c, fn, false) == nil
}

// panelView fills p for the page that shows the answer, and returns the document
// the page draws (the answer, or the read a refused change returns to).
func (a *App) panelView(c *Ctx, fn *Func, p *render.Panel, res render.Result, appErr *errs.E) render.Result {
	r := c.Request()
	if c.Actor == nil {
		p.Kind, p.Caption = "login", a.funcs["auth"].Caption
		if appErr != nil && !(appErr.Object == "session" && session.CookieToken(r) == "") {
			p.Error = &render.ErrorView{Type: string(appErr.Kind), Object: appErr.Object, Msg: render.Message(appErr, string(p.Lang))}
		}
		if fn != nil && fn.Name == "auth" {
			p.Next = safeBack(c.Params.Get("next"))
		} else if r.Method == http.MethodGet && fn != nil && fn.Name != "whoami" {
			// The panel answers on / too: a page asked for there returns to /billmgr.
			uri := r.URL.RequestURI()
			if rest, ok := strings.CutPrefix(uri, "/?"); ok {
				uri = render.Binary + "?" + rest
			}
			p.Next = safeBack(uri)
		}
		return nil
	}
	a.frame(c, fn, p)
	if fn == nil {
		return res
	}
	p.Elid, p.Plid = c.Params.Get("elid"), c.Params.Get("plid")
	p.Back = a.homeURL(c, fn)
	if b := safeBack(c.Params.Get("back")); b != "" {
		p.Back = b
	}
	if d := c.Params.Get("done"); d != "" && a.funcs[d] != nil {
		p.Done, p.DoneFunc = a.funcs[d].Caption, d
	}
	sok := c.Params.Sok()
	if appErr != nil {
		switch s := fn.Shape.(type) {
		case *Form, *Send:
			if sok && appErr.Kind != errs.Access {
				return a.refusedForm(c, fn, p, appErr)
			}
		case *Op:
			if s.Writes && r.Method == http.MethodGet && appErr.Object == "csrf" {
				return a.actPage(c, fn, p)
			}
		case *Group:
			if sok && appErr.Kind != errs.Access {
				p.Kind = "confirm"
				p.Items, p.Plname = a.rowNames(c, fn)
			}
		}
		return nil
	}
	if fn.writes(sok) && res != nil {
		// A change whose answer is itself to be read (a new API key's token, shown
		// once): its page shows what came back.
		p.Done, p.DoneFunc = fn.Caption, fn.Name
		return res
	}
	switch s := fn.Shape.(type) {
	case *List:
		p.Kind = "list"
		p.List = a.listMeta(c, fn, s)
		p.Back = ""
		if homes := a.homes(fn); len(homes) > 0 {
			p.Up = &render.UpLink{Func: homes[0], Caption: a.funcs[homes[0]].Caption, URL: render.Binary + "?func=" + url.QueryEscape(homes[0])}
		}
		if plid := resultPlid(res); plid != "" {
			p.Plid = plid
		}
	case *Form:
		a.formPage(c, fn, p, s.Input)
	case *Send:
		a.formPage(c, fn, p, s.Input)
		p.Form.Sends = true
	case *Group:
		p.Kind = "confirm"
		p.Items, p.Plname = a.rowNames(c, fn)
	case *Op:
		switch fn.Name {
		case "whoami":
			p.Kind, p.Caption = "home", ""
			return nil
		case "help":
			p.Back = ""
		}
	}
	return res
}

// resultPlid is the parent a nested list answered for.
func resultPlid(res render.Result) string {
	if l, ok := res.(*render.List); ok {
		return l.Plid
	}
	return ""
}

// frame fills what every page shows: the account, the su banner, the menu.
func (a *App) frame(c *Ctx, fn *Func, p *render.Panel) {
	p.Account, p.AccountID, p.Level = c.Actor.Login, strconv.FormatInt(c.Actor.ID, 10), levelName(c.Actor.Level)
	switch p.Level {
	case "root":
		p.LevelCaption = p.Lang.T("root")
	case "admin":
		p.LevelCaption = p.Lang.T("employee")
	default:
		p.LevelCaption = p.Lang.T("client")
	}
	if c.Real != nil {
		p.Real = c.Real.Login
	}
	if c.HasSession() {
		p.CSRF = a.sessions.CSRF(c)
	}
	current := map[string]bool{}
	if fn != nil {
		// The page's func, and the lists it hangs from, up to the menu's.
		for f, depth := fn, 0; f != nil && depth < 8; depth++ {
			current[f.Name] = true
			homes := a.homes(f)
			if len(homes) == 0 {
				break
			}
			f = a.funcs[homes[0]]
		}
	}
	for _, f := range a.ordered {
		if _, ok := f.Shape.(*List); !ok || len(a.homes(f)) > 0 || !a.allowed(c, f) {
			continue
		}
		if len(p.Menu) == 0 || p.Menu[len(p.Menu)-1].Title != f.Section {
			p.Menu = append(p.Menu, render.MenuSection{Title: f.Section})
		}
		s := &p.Menu[len(p.Menu)-1]
		s.Items = append(s.Items, render.MenuItem{Func: f.Name, Caption: f.Caption, Current: current[f.Name]})
	}
	// The caller's own account: the Own funcs that have a place in the menu.
	own := render.MenuSection{Title: "Your account"}
	for _, f := range a.ordered {
		if f.Mine == "" || c.Actor == nil || a.admit(c, f, true) != nil {
			continue
		}
		if len(p.Menu) == 0 || p.Menu[len(p.Menu)-1].Title != own.Title {
			p.Menu = append(p.Menu, own)
		}
		s := &p.Menu[len(p.Menu)-1]
		s.Items = append(s.Items, render.MenuItem{Func: f.Name, Caption: f.Mine, Current: current[f.Name] && c.Params.Get("elid") == ""})
	}
	for i := range p.Menu {
		s := &p.Menu[i]
		s.Untitled = len(s.Items) == 1 && strings.EqualFold(s.Items[0].Caption, s.Title)
	}
}

// levelName is a level as the panel names it.
func levelName(l rights.Level) string {
	switch {
	case l >= rights.Root:
		return "root"
	case l >= rights.Admin:
		return "admin"
	}
	return "client"
}

// listMeta is a list's declaration as its page needs it: the columns, and the
// funcs that act on its rows which the caller may call.
func (a *App) listMeta(c *Ctx, fn *Func, s *List) *render.ListMeta {
	m := &render.ListMeta{Key: s.Key, Rights: rightsPages[fn.Name]}
	_, m.MaxSize = s.Spec.PageSizes()
	if m.Key == "" {
		m.Key = "id"
		if s.Spec.Column("id") == nil {
			m.Key = "name"
		}
	}
	for _, col := range s.Spec.Answered() {
		cm := render.ColumnMeta{Name: col.Name, Caption: col.Caption, Kind: col.Kind.String(), Sort: col.Sort}
		for _, o := range col.Choices {
			cm.Choices = append(cm.Choices, render.Option{Key: o.Key, Label: o.Label})
		}
		m.Columns = append(m.Columns, cm)
	}
	for _, f := range a.ordered {
		if f == fn || !a.onList(f, fn.Name) || !a.allowed(c, f) {
			continue
		}
		act := render.Action{Func: f.Name, Caption: f.Caption}
		switch s := f.Shape.(type) {
		case *Group:
			act.Kind = "group"
			m.Actions = append(m.Actions, act)
			m.Links = append(m.Links, act)
		case *List:
			act.Kind = "list"
			if s.Spec.Memory {
				// A list computed whole, such as the rights, reads best on one page.
				_, act.Size = s.Spec.PageSizes()
			}
			m.Links = append(m.Links, act)
		case *Form:
			if f.Name == fn.Name+".filter" {
				m.Filter = formMeta(f.Name, s.Input, false)
				if c.HasSession() {
					m.Stored = a.sessions.ListState(c, fn.Name)
				}
				m.Filtered = len(m.Stored) > 0
				continue
			}
			if s.Whole {
				// A form on the list as a whole goes in the toolbar, under its caption.
				if m.Create == nil {
					m.Create = &render.Action{Func: f.Name, Caption: f.Caption, Kind: "form"}
				}
				continue
			}
			if s.Input != nil && s.Input.Creates && m.Create == nil {
				m.Create = &render.Action{Func: f.Name, Kind: "form"}
			}
			act.Kind = "form"
			m.Links = append(m.Links, act)
		case *Send:
			act.Kind = "form"
			m.Links = append(m.Links, act)
		case *Op:
			// An operation acts on a row only when the table says so (Of): most
			// take no element at all.
			if s.Writes && len(f.Of) > 0 {
				act.Kind = "act"
				m.Links = append(m.Links, act)
			}
		}
	}
	if !m.Rights {
		// A right off is "not granted" or "denied" by where it comes from, which
		// counts by the access column alone would not tell apart.
		m.Counts = a.statusCounts(c, fn, s.Spec)
	}
	if c.Params.On("filter") {
		m.Inline = url.Values{"filter": {"on"}}
		for _, col := range s.Spec.Columns {
			if v := c.Params.Get(col.Name); col.Filter != list.NoFilter && v != "" {
				m.Inline.Set(col.Name, v)
			}
		}
	}
	return m
}

// maxCounts is the most values of a status column that a list counts rows by.
const maxCounts = 6

// statusCounts are the rows of a list by the values of its status column (the
// first column of status kind that filters by choice), each counted by the list
// itself, filtered inline, so that the count obeys the same access and scope.
func (a *App) statusCounts(c *Ctx, fn *Func, spec *list.Spec) []render.Count {
	var col *list.Column
	for i := range spec.Columns {
		if cc := &spec.Columns[i]; cc.Kind == list.Status && cc.Filter == list.Choice && !cc.FilterOnly {
			col = cc
			break
		}
	}
	// Each count is a query of its own: a status of a few values only (tickets),
	// not a journal's ten results over its whole history.
	if col == nil || len(col.Choices) > maxCounts {
		return nil
	}
	var out []render.Count
	for _, o := range col.Choices {
		q := url.Values{"filter": {"on"}, col.Name: {o.Key}}
		if plid := c.Params.Get("plid"); plid != "" {
			q.Set("plid", plid)
		}
		link := url.Values{"func": {fn.Name}}
		for k, v := range q {
			link[k] = v
		}
		q.Set("pagesize", "1")
		res, err := a.readOnly(c, fn.Name, q)
		if err != nil {
			return nil
		}
		l, ok := res.(*render.List)
		if !ok {
			return nil
		}
		out = append(out, render.Count{Column: col.Name, Key: o.Key, Label: o.Label, N: l.Total,
			URL: render.Binary + "?" + link.Encode(), Current: c.Params.On("filter") && c.Params.Get(col.Name) == o.Key})
	}
	return out
}

// formMeta is a form's declaration as a page draws it: the fields it shows, each
// required one marked. An edit (no create) leaves out the fields only a create reads.
func formMeta(name string, def *form.Def, creating bool) *render.FormMeta {
	m := &render.FormMeta{Func: name}
	if def == nil {
		return m
	}
	m.Creates = def.Creates
	confirms := map[string]string{}
	for _, f := range def.Fields {
		if f.Confirm != "" {
			confirms[f.Confirm] = f.Name
		}
	}
	for _, f := range def.Fields {
		if f.Unshown || f.Need == form.CreateOnly && !creating {
			continue
		}
		fm := render.FieldMeta{Name: f.Name, Caption: f.Caption, Type: string(f.Type), Help: f.Help,
			Max: f.Max, Min: f.Min, Pattern: f.Pattern, Options: f.Choices, Confirm: f.Confirm, Confirms: confirms[f.Name],
			Required: f.Need == form.Always || creating && (f.Need == form.Required || f.Need == form.CreateOnly)}
		if fm.Caption == "" {
			fm.Caption = f.Name
		}
		m.Fields = append(m.Fields, fm)
	}
	return m
}

// rightsPages are the lists of rights: their page says each right's state in
// words and where it comes from.
var rightsPages = map[string]bool{rightsUserFunc: true, "rights2.group": true}

// ticketPages are the forms whose element is a ticket: their page is the thread.
var ticketPages = map[string]bool{"ticket.edit": true, "clientticket.edit": true}

// formPage fills a form's page: its fields, or, for a ticket, the thread with the
// reply and, when the caller may, the transfer.
func (a *App) formPage(c *Ctx, fn *Func, p *render.Panel, def *form.Def) {
	creating := def != nil && def.Creates && p.Elid == ""
	p.Kind = "form"
	p.Form = formMeta(fn.Name, def, creating)
	if item := a.itemOf(fn, "elid"); item != "" && def != nil && def.Creates {
		// A create-or-edit form is headed by the element it makes or edits, which
		// the list it belongs to names: "New employee", "Employee sam".
		if creating {
			p.Caption, p.Titled = p.Lang.T("New %s", p.Lang.T(item)), true
		} else {
			p.Caption = upperFirst(p.Lang.T(item))
		}
	}
	if !ticketPages[fn.Name] || p.Elid == "" {
		return
	}
	p.Kind = "ticket"
	p.StatusChoices = ticketStatusOptions
	if homes := a.homes(fn); len(homes) > 0 {
		home := homes[0]
		if b := safeBack(c.Params.Get("back")); b != "" {
			if u, err := url.Parse(b); err == nil && a.funcs[u.Query().Get("func")] != nil {
				home = u.Query().Get("func")
			}
		}
		p.Up = &render.UpLink{Func: home, Caption: a.funcs[home].Caption, URL: p.Back}
		if !strings.Contains(p.Up.URL, "func="+home) {
			p.Up.URL = render.Binary + "?func=" + url.QueryEscape(home)
		}
	}
	// The ticket's forms come back to the ticket, which keeps its way up.
	p.Back = render.Binary + "?" + url.Values{"func": {fn.Name}, "elid": {p.Elid}, "back": {p.Up.URL}}.Encode()
	transfer := a.funcs["support_tool_responsible"]
	if fn.Name != "ticket.edit" || transfer == nil || !a.allowed(c, transfer) {
		return
	}
	res, err := a.read(c, transfer.Name, url.Values{"elid": {p.Elid}})
	if err != nil {
		return
	}
	for _, n := range res.Nodes() {
		if n.Name == "slist" && n.Attr("name") == "set_responsible" {
			for _, v := range n.Children {
				p.TransferTo = append(p.TransferTo, render.Option{Key: v.Attr("key"), Label: v.Text})
			}
		}
	}
}

// refusedForm is the page of a refused save: the form again, as shown before,
// with what was sent (no password) and the error beside its field.
func (a *App) refusedForm(c *Ctx, fn *Func, p *render.Panel, appErr *errs.E) render.Result {
	var def *form.Def
	switch s := fn.Shape.(type) {
	case *Form:
		def = s.Input
	case *Send:
		def = s.Input
	}
	a.formPage(c, fn, p, def)
	if def.Field(appErr.Object) != nil {
		p.FieldErrors = map[string]string{appErr.Object: render.Message(appErr, string(p.Lang))}
		p.Error = &render.ErrorView{Type: string(appErr.Kind), Object: appErr.Object, Msg: render.Message(appErr, string(p.Lang))}
	}
	p.Typed = map[string][]string{}
	for _, f := range def.Fields {
		if f.Type == form.Password || secret(f.Name) || !c.Params.Has(f.Name) {
			continue
		}
		p.Typed[f.Name] = c.Params.Values(f.Name)
	}
	if b := safeBack(c.Params.Get("back")); b != "" {
		p.Back = b
	}
	res, err := a.read(c, fn.Name, nil, "sok")
	if err != nil {
		return nil
	}
	return res
}

// actPage asks to confirm a change that is an operation of its own (acting as an
// employee): a page with its POST form, and the reason when acting as another
// account needs one.
func (a *App) actPage(c *Ctx, fn *Func, p *render.Panel) render.Result {
	p.Kind = "act"
	label := p.Elid
	if id, err := strconv.ParseInt(p.Elid, 10, 64); err == nil {
		if acc, err := models.FindAccount(c, a.db, id); err == nil {
			label = acc.Login
		}
	}
	p.Items = []render.Option{{Key: p.Elid, Label: label}}
	if fn.right() == "employee.su" {
		p.Form = &render.FormMeta{Func: fn.Name, Fields: []render.FieldMeta{{Name: "reason", Caption: "Reason",
			Type: "text", Max: maxReason, Required: a.cfg.Su.ReasonRequired}}}
	}
	p.Error = nil
	return nil
}

// rowNames names the elements a group operation is confirmed for, as the list of
// its rows names them, on the page the request came from.
func (a *App) rowNames(c *Ctx, fn *Func) (items []render.Option, parent string) {
	elids := c.Params.Elids()
	names := map[string]string{}
	if homes := a.homes(fn); len(homes) > 0 {
		home := a.funcs[homes[0]]
		key := "id"
		if l, ok := home.Shape.(*List); ok {
			key = l.Key
			if key == "" && l.Spec.Column("id") == nil {
				key = "name"
			} else if key == "" {
				key = "id"
			}
		}
		keep := url.Values{}
		for _, name := range []string{"plid", "p_num", "p_cnt", "p_col"} {
			if v := c.Params.Get(name); v != "" {
				keep.Set(name, v)
			}
		}
		read := func(q url.Values) {
			res, err := a.readOnly(c, home.Name, q)
			if err != nil {
				return
			}
			if l, ok := res.(*render.List); ok {
				parent = l.Plname
			}
			for _, row := range res.Nodes() {
				if row.Name != "elem" {
					continue
				}
				var parts []string
				for _, n := range []string{"name", "caption"} {
					if t := childText(row, n); t != "" {
						parts = append(parts, t)
					}
				}
				names[childText(row, key)] = strings.Join(parts, " — ")
			}
		}
		read(keep)
		for _, id := range elids {
			if names[id] == "" {
				// Not on the page the request came from: the whole list, once.
				if l, ok := home.Shape.(*List); ok {
					_, max := l.Spec.PageSizes()
					all := url.Values{"pagesize": {strconv.Itoa(max)}}
					if plid := keep.Get("plid"); plid != "" {
						all.Set("plid", plid)
					}
					read(all)
				}
				break
			}
		}
	}
	items = make([]render.Option, len(elids))
	for i, id := range elids {
		items[i] = render.Option{Key: id, Label: id}
		if n := names[id]; n != "" {
			items[i].Label = n
			if !strings.HasPrefix(n, id) {
				items[i].Label += " (" + id + ")"
			}
		}
	}
	return items, parent
}

func childText(n *render.Node, name string) string {
	if c := n.Child(name); c != nil {
		return c.Text
	}
	return ""
}

// read dispatches a read of name for the page: the request's parameters, less
// drop, with set, as any request under the same checks. It changes nothing: no
// sok, and the answer is only shown.
func (a *App) read(c *Ctx, name string, set url.Values, drop ...string) (render.Result, error) {
	v := url.Values{}
	for k, vs := range c.Params.v {
		v[k] = append([]string(nil), vs...)
	}
	for _, k := range drop {
		v.Del(k)
	}
	for k, vs := range set {
		v[k] = vs
	}
	v.Del("sok")
	v.Set("func", name)
	return a.dispatchRead(c, name, v)
}

// readOnly dispatches a read of name with exactly the parameters given.
func (a *App) readOnly(c *Ctx, name string, v url.Values) (render.Result, error) {
	v = url.Values(v)
	v.Set("func", name)
	return a.dispatchRead(c, name, v)
}

func (a *App) dispatchRead(c *Ctx, name string, v url.Values) (render.Result, error) {
	fn := a.funcs[name]
	if fn == nil {
		return nil, errs.New(errs.Missed, "func", name, "Unknown function %q", name)
	}
	if _, isOp := fn.Shape.(*Op); isOp {
		return nil, errors.New("a page reads no operation")
	}
	rc := &Ctx{base: c.base, sess: c.base, req: c.req, App: a, DB: a.db, Params: NewParams(v), IP: c.IP, Log: c.Log, reqID: c.reqID}
	return a.dispatchSafely(rc, name)
}

// langLinks are the addresses of the page in each language: the same address
// with another lang for a page that was read, less its secrets (a password or key
// in the address is never written into the page) and its confirmation; the home
// page for the answer to a change, which must not be sent again.
func langLinks(r *http.Request, current lang.Lang) []render.LangLink {
	var links []render.LangLink
	for _, l := range lang.All() {
		q := url.Values{}
		if r.Method == http.MethodGet {
			q = r.URL.Query()
			for name := range q {
				if secret(name) || name == "sok" || name == "func" && (q.Get(name) == "auth" || q.Get(name) == "logon") {
					q.Del(name)
				}
			}
		}
		q.Set("lang", string(l))
		links = append(links, render.LangLink{Lang: l, URL: "/billmgr?" + q.Encode(), Current: l == current})
	}
	return links
}
