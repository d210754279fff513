package handlers

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"staffmgr/models"
	"staffmgr/rights"
)

// msg is the message of an error answer in json.
func (r *resp) msg() string {
	r.t.Helper()
	e, _ := r.doc["error"].(map[string]any)
	m, _ := e["msg"].(map[string]any)
	s, _ := m["$"].(string)
	if s == "" {
		r.t.Fatalf("no error message in %s", r.body)
	}
	return s
}

// TestRussianMessages checks that lang=ru says the errors of the dispatcher, a
// form, the list engine and a model in Russian, in xml and json, and that without
// lang they stay as they were, whatever Accept-Language a script sends.
func TestRussianMessages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		english := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<doc lang="en" func="nosuch" binary="/billmgr"><error type="missed" object="func" lang="en">` +
			`<param name="object" type="msg">func</param><param name="value">nosuch</param>` +
			`<detail>Unknown function "nosuch"</detail><msg>Unknown function "nosuch"</msg></error>` +
			`<tparams><func>nosuch</func><out>xml</out></tparams></doc>` + "\n"
		if got := string(e.get("func=nosuch&out=xml").body); got != english {
			t.Errorf("the English error changed:\n%s\nwant\n%s", got, english)
		}
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/billmgr?func=nosuch&out=xml", nil)
		req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9")
		if got := string(e.request(req).body); got != english {
			t.Errorf("Accept-Language changed the API's answer:\n%s", got)
		}
		var doc struct {
			Lang  string `xml:"lang,attr"`
			Error struct {
				Lang   string `xml:"lang,attr"`
				Detail string `xml:"detail"`
				Msg    string `xml:"msg"`
			} `xml:"error"`
		}
		if err := xml.Unmarshal(e.get("func=nosuch&lang=ru&out=xml").body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Lang != "ru" || doc.Error.Lang != "ru" || doc.Error.Msg != `Неизвестная функция "nosuch"` || doc.Error.Detail != doc.Error.Msg {
			t.Errorf("xml in Russian: %+v", doc)
		}

		root := "&authinfo=root:" + url.QueryEscape(Password)
		for _, c := range []struct{ query, en, ru string }{
			// A form field's message names the field by its caption, in the same language.
			{"func=employee.edit&sok=ok" + root, "Login is required", "Заполните поле «Логин»"},
			// The missed message of a model's error, after the handler named its parameter.
			{"func=employee.edit&elid=999" + root, `elid "999" not found`, `Не найдено: elid "999"`},
			// The list engine's.
			{"func=employee&p_cnt=0" + root, "p_cnt must be a whole number from 1 to 1000", "p_cnt — целое число от 1 до 1000"},
			// A model's, with a list of captions.
			{"func=employee.edit&sok=ok&name=ivan&passwd=abcdefghij&confirm=abcdefghij" + root,
				"The password must contain an upper-case letter, a digit, a symbol",
				"Пароль должен содержать: заглавную букву, цифру, символ"},
			// Access.
			{"func=employee", "Log in first: the session is unknown or has expired", "Сначала войдите в систему: сессия неизвестна или истекла"},
		} {
			if got := e.get(c.query).msg(); got != c.en {
				t.Errorf("%s: %q, want %q", c.query, got, c.en)
			}
			if got := e.get(c.query + "&lang=ru").msg(); got != c.ru {
				t.Errorf("%s&lang=ru: %q, want %q", c.query, got, c.ru)
			}
			if got := e.get(c.query + "&lang=en").msg(); got != c.en {
				t.Errorf("%s&lang=en: %q, want %q", c.query, got, c.en)
			}
		}

		// An action said as part of a sentence, and a login inside one.
		if got := e.get("func=employee.suspend&sok=ok&elid=" + strconv.FormatInt(e.rootID(), 10) + root + "&lang=ru").msg(); got != "Нельзя приостановить собственную учётную запись" {
			t.Errorf("own account in Russian: %q", got)
		}
		MustCreateEmployee(t, e.db, "clerk", rights.Admin)
		if got := e.get("func=employee.suspend&sok=ok&elid=1&lang=ru&authinfo=clerk:" + url.QueryEscape(Password)).msg(); got != `У clerk нет права на "employee.suspend": попросите root или администратора выдать его` {
			t.Errorf("a missing right in Russian: %q", got)
		}
	})
}

// rootID is the id of the account root.
func (e *env) rootID() int64 {
	e.t.Helper()
	var a models.Account
	if err := e.db.Where("login = ?", "root").First(&a).Error; err != nil {
		e.t.Fatal(err)
	}
	return a.ID
}

// TestRussianHelp checks that func=help&lang=ru gives captions, headings, field
// captions, help and choice labels in Russian, with names as the API spells them,
// and that the panel's help page follows the browser's language.
func TestRussianHelp(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := "&authinfo=root:" + url.QueryEscape(Password)
		funcs := helpFuncs(e.get("func=help&elid=employee.edit&lang=ru" + root))
		if len(funcs) != 1 {
			t.Fatalf("employee.edit: %v", funcs)
		}
		f := funcs[0]
		text := func(m map[string]any, name string) string {
			v, _ := m[name].(map[string]any)
			s, _ := v["$"].(string)
			return s
		}
		if text(f, "caption") != "Создание или изменение сотрудника" || text(f, "section") != "Сотрудники" || text(f, "level") != "admin" {
			t.Errorf("employee.edit in Russian: %v", f)
		}
		fields := map[string]map[string]any{}
		for _, fld := range f["field"].([]any) {
			m := fld.(map[string]any)
			fields[m["$name"].(string)] = m
		}
		if p := fields["passwd"]; text(p, "caption") != "Пароль" || text(p, "help") != "Обязателен для новой учётной записи; если при изменении оставить пустым, пароль не изменится" ||
			text(p, "type") != "password" {
			t.Errorf("passwd in Russian: %v", p)
		}

		list := helpFuncs(e.get("func=help&elid=employee&lang=ru" + root))[0]
		for _, col := range list["column"].([]any) {
			m := col.(map[string]any)
			if m["$name"] == "name" && text(m, "caption") != "Логин" {
				t.Errorf("column name in Russian: %v", m)
			}
		}

		// A form's declared options are labelled in Russian too; their keys stay.
		for _, want := range []string{`<val key="disabled">Приостановлен</val>`, `<val key="has_session">Есть сессия</val>`} {
			if body := string(e.get("func=employee.filter&lang=ru&out=xml" + root).body); !strings.Contains(body, want) {
				t.Errorf("the filter form in Russian lacks %s: %s", want, body)
			}
		}
		if body := string(e.get("func=employee.filter&out=xml" + root).body); !strings.Contains(body, `<val key="disabled">Suspended</val>`) {
			t.Errorf("the filter form in English: %s", body)
		}

		// English stays as it was without lang.
		if c := text(helpFuncs(e.get("func=help&elid=employee.edit" + root))[0], "caption"); c != "Create or edit an employee" {
			t.Errorf("English caption: %q", c)
		}

		q := "/billmgr?func=help" + root
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+q, nil)
		req.Header.Set("Accept", "text/html")
		req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9,en;q=0.5")
		page := string(e.request(req).body)
		for _, s := range []string{`<html lang="ru"`, "<td><code>passwd</code></td><td>Пароль</td>", "<th>поле</th>", "Справочник API"} {
			if !strings.Contains(page, s) {
				t.Errorf("the Russian help page lacks %s", s)
			}
		}
		if page := string(e.browse("GET", q+"&lang=en").body); !strings.Contains(page, "<td><code>passwd</code></td><td>Password</td>") {
			t.Error("lang=en does not override the browser's language")
		}
	})
}

// TestRussianPanel checks that the web panel speaks the browser's language: the
// login page, an error on it, a list, and a form's error at its field; without
// Accept-Language the panel is English, and a language chosen with lang= stays
// with the browser over its Accept-Language.
func TestRussianPanel(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		ru := func(method, path string, v url.Values) *resp {
			t.Helper()
			var req *http.Request
			if v != nil {
				req, _ = http.NewRequest(method, e.srv.URL+path, strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			} else {
				req, _ = http.NewRequest(method, e.srv.URL+path, nil)
			}
			req.Header.Set("Accept-Language", "ru-RU,ru;q=0.9,en-US;q=0.8")
			return b.do(req)
		}
		ru("GET", "/billmgr", nil).has(`<html lang="ru"`, ">Вход<", ">Пароль<").lacks(">Log in<")
		b.get("/billmgr").has(`<html lang="en"`, ">Log in<")

		ru("POST", "/billmgr", url.Values{"func": {"auth"}, "username": {"root"}, "password": {"wrong"}}).
			has("Неверное имя пользователя или пароль")

		csrf := b.login("root")
		ru("GET", "/billmgr?func=employee", nil).has("<h1 id=\"title\">Сотрудники", ">Логин<", "Всего: 1")
		ru("POST", "/billmgr", url.Values{"func": {"employee.edit"}, "sok": {"ok"}, "csrf_token": {csrf}, "name": {"newbie"},
			"email": {"not-an-email"}, "passwd": {"Secret-pass-9"}, "confirm": {"Secret-pass-9"}}).
			has(`id="err-email"`, "Введите адрес электронной почты, например name@example.com")

		// A language chosen with lang= stays with the browser, over its Accept-Language.
		ru("GET", "/billmgr?func=employee&lang=en", nil).has(`<html lang="en"`, ">Staff")
		ru("GET", "/billmgr?func=employee", nil).has(`<html lang="en"`, ">Staff")
		b.get("/billmgr?func=employee&lang=ru").has(`<html lang="ru"`, "Сотрудники")
		b.get("/billmgr?func=employee").has(`<html lang="ru"`, "Сотрудники")
		// Each page links to itself in every language, keeping its parameters.
		b.get("/billmgr?func=employee&p_num=1").has(`<span aria-current="true" lang="ru">Русский</span>`,
			`href="/billmgr?func=employee&amp;lang=en&amp;p_num=1" hreflang="en"`)
		// The API does not read the cookie.
		b.get("/billmgr?func=employee&out=xml").has(`<doc lang="en"`)
	})
}
