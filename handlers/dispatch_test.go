package handlers

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRequestEncodings(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		// A JSON body, as some clients send every call.
		r := e.do(http.MethodPost, "/billmgr", "application/json",
			strings.NewReader(`{"func":"auth","username":"root","password":"`+Password+`","out":"json"}`), nil).ok()
		sid, _ := r.obj("auth")["$id"].(string)

		// The body wins over the query string.
		form := url.Values{"func": {"whoami"}, "auth": {sid}, "out": {"json"}}
		e.do(http.MethodPost, "/billmgr?func=nosuch&out=xml", "application/x-www-form-urlencoded",
			strings.NewReader(form.Encode()), nil).ok()

		// multipart/form-data, as uploads come.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("func", "whoami")
		mw.WriteField("auth", sid)
		mw.WriteField("out", "json")
		fw, _ := mw.CreateFormFile("file_1", "a.txt")
		fw.Write([]byte("attachment"))
		mw.Close()
		e.do(http.MethodPost, "/billmgr", mw.FormDataContentType(), &buf, nil).ok()

		// The / alias, and a GET's body is ignored.
		e.do(http.MethodGet, "/?func=whoami&out=json&auth="+sid, "application/x-www-form-urlencoded",
			strings.NewReader("func=nosuch"), nil).ok()

		// Unreadable parameters are a value error, not a transport failure.
		e.do(http.MethodPost, "/billmgr?out=json", "application/json", strings.NewReader(`{"func":`), nil).fails("value", "request")
		e.do(http.MethodPost, "/billmgr?out=json", "application/json", strings.NewReader(`{"func":{"a":1}}`), nil).fails("value", "request")
		e.get("func=whoami&bad=%zz&out=json").fails("value", "request")
	})
}

func TestOutputFormats(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		bad := e.get("func=whoami&out=yaml")
		if bad.status != http.StatusOK || !strings.Contains(string(bad.body), `<error type="value" object="out"`) {
			t.Errorf("an unknown out: %d %s", bad.status, bad.body)
		}
		if r := e.get("func=whoami&out=JSONDATA&authinfo=root:" + Password); !strings.HasPrefix(string(r.body), `{"user":`) {
			t.Errorf("out names are matched without case: %s", r.body)
		}
		txt := e.get("func=whoami&out=text&authinfo=root:" + Password)
		if !strings.Contains(string(txt.body), "user=root\n") || !strings.Contains(string(txt.body), "user.level=31\n") {
			t.Errorf("text whoami: %s", txt.body)
		}
	})
}

// TestCredentialsNeverEchoed: no answer carries a password, key or the caller's
// session id, except the auth answer that hands the id out.
func TestCredentialsNeverEchoed(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		sid := e.login("root")
		for _, out := range []string{"xml", "json", "sjson", "JSONdata", "text", ""} {
			for _, q := range []string{
				"func=whoami&auth=" + sid + "&passwd=" + Password + "&confirm=" + Password,
				"func=whoami&authinfo=root:" + Password,
				"func=session.newkey&auth=" + sid + "&username=root&key=KEY-0123456789abcdef",
				"func=auth&username=root&password=" + Password + "-wrong",
			} {
				r := e.send(http.MethodGet, "/billmgr?"+q+"&out="+out, "", nil, nil, "text/html")
				body := string(r.body)
				for _, secret := range []string{Password, sid, "KEY-0123456789abcdef"} {
					if strings.Contains(body, secret) {
						t.Errorf("out=%s %s: the answer holds a secret:\n%s", out, strings.SplitN(q, "&", 2)[0], body)
					}
				}
			}
		}
		if strings.Contains(e.logs.String(), Password) || strings.Contains(e.logs.String(), sid) {
			t.Error("the log holds a secret")
		}
	})
}
