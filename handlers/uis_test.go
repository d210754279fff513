package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/rights"
)

// rpcResp is a Data API answer as a test reads it.
type rpcResp struct {
	t      *testing.T
	status int
	body   []byte
	ID     any            `json:"id"`
	Result map[string]any `json:"result"`
	Error  *struct {
		Code    int            `json:"code"`
		Message string         `json:"message"`
		Data    map[string]any `json:"data"`
	} `json:"error"`
}

// rpcRaw POSTs body to the Data API and reads the answer.
func (e *env) rpcRaw(path, body string) *rpcResp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	r := e.request(req)
	out := &rpcResp{t: e.t, status: r.status, body: r.body}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		e.t.Fatalf("Content-Type %q: %s", ct, r.body)
	}
	if r.status != http.StatusOK {
		e.t.Fatalf("HTTP %d for a JSON-RPC answer: %s", r.status, r.body)
	}
	if strings.HasPrefix(strings.TrimSpace(string(r.body)), "{") {
		if err := json.Unmarshal(r.body, out); err != nil {
			e.t.Fatalf("bad answer %s: %v", r.body, err)
		}
	}
	return out
}

// rpc calls method with params (a map, or anything that encodes as a JSON object).
func (e *env) rpc(method string, params any) *rpcResp {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": "t1", "method": method, "params": params})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.rpcRaw("/v2.0", string(body))
}

// call is rpc with the token given as access_token.
func (e *env) call(token, method string, params map[string]any) *rpcResp {
	e.t.Helper()
	p := map[string]any{"access_token": token}
	for k, v := range params {
		p[k] = v
	}
	return e.rpc(method, p)
}

// rpcLogin opens a session with login.user and returns its token.
func (e *env) rpcLogin(login string) string {
	e.t.Helper()
	r := e.rpc("login.user", map[string]any{"login": login, "password": Password}).ok()
	data, _ := r.Result["data"].(map[string]any)
	token, _ := data["access_token"].(string)
	if token == "" {
		e.t.Fatalf("no access_token: %s", r.body)
	}
	return token
}

// ok fails unless the answer is a result.
func (r *rpcResp) ok() *rpcResp {
	r.t.Helper()
	if r.Error != nil || r.Result == nil {
		r.t.Fatalf("want a result, got %s", r.body)
	}
	return r
}

// fails checks the error's code, mnemonic and field ("" matches none given).
func (r *rpcResp) fails(code int, mnemonic, field string) *rpcResp {
	r.t.Helper()
	if r.Error == nil {
		r.t.Fatalf("want error %d %s on %q, got %s", code, mnemonic, field, r.body)
	}
	got, _ := r.Error.Data["field"].(string)
	if r.Error.Code != code || r.Error.Data["mnemonic"] != mnemonic || got != field {
		r.t.Fatalf("want error %d %s on %q, got %s", code, mnemonic, field, r.body)
	}
	if r.Error.Message == "" {
		r.t.Fatalf("an error without a message: %s", r.body)
	}
	return r
}

// data is the result's data array.
func (r *rpcResp) data() []map[string]any {
	r.t.Helper()
	r.ok()
	items, ok := r.Result["data"].([]any)
	if !ok {
		r.t.Fatalf("no data array: %s", r.body)
	}
	out := make([]map[string]any, len(items))
	for i, item := range items {
		out[i], _ = item.(map[string]any)
	}
	return out
}

func TestUISEnvelope(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		for name, tc := range map[string]struct {
			body string
			code int
		}{
			"not JSON":          {`{"jsonrpc":`, -32700},
			"two values":        {`{} {}`, -32700},
			"not UTF-8":         {"{\"id\":\"\xff\"}", -32700},
			"a lone surrogate":  {`{"id":"\ud800"}`, -32700},
			"empty":             {``, -32700},
			"not an object":     {`"call"`, -32600},
			"no id":             {`{"jsonrpc":"2.0","method":"login.user","params":{}}`, -32600},
			"an object id":      {`{"jsonrpc":"2.0","id":{},"method":"login.user"}`, -32600},
			"no version":        {`{"id":1,"method":"login.user","params":{}}`, -32600},
			"version 1":         {`{"jsonrpc":"1.0","id":1,"method":"login.user"}`, -32600},
			"no method":         {`{"jsonrpc":"2.0","id":1,"params":{}}`, -32600},
			"a number method":   {`{"jsonrpc":"2.0","id":1,"method":5}`, -32600},
			"an empty batch":    {`[]`, -32600},
			"unknown method":    {`{"jsonrpc":"2.0","id":1,"method":"get.planets","params":{}}`, -32601},
			"params not object": {`{"jsonrpc":"2.0","id":1,"method":"login.user","params":[1]}`, -32602},
			"unknown param":     {`{"jsonrpc":"2.0","id":1,"method":"login.user","params":{"login":"a","password":"b","x":1}}`, -32602},
			"token on login":    {`{"jsonrpc":"2.0","id":1,"method":"login.user","params":{"login":"a","password":"b","access_token":"x"}}`, -32602},
			"no token":          {`{"jsonrpc":"2.0","id":1,"method":"logout.user","params":{}}`, -32602},
			"an unknown token":  {`{"jsonrpc":"2.0","id":1,"method":"logout.user","params":{"access_token":"nope"}}`, -32001},
			"a number as token": {`{"jsonrpc":"2.0","id":1,"method":"logout.user","params":{"access_token":5}}`, -32602},
			"an empty token":    {`{"jsonrpc":"2.0","id":1,"method":"logout.user","params":{"access_token":""}}`, -32602},
			"no params at all":  {`{"jsonrpc":"2.0","id":1,"method":"logout.user"}`, -32602},
			"a body over 1 MiB": {`{"jsonrpc":"2.0","id":1,"method":"x","params":{"p":"` + strings.Repeat("a", 1<<20) + `"}}`, -32600},
			"a batch too long":  {"[" + strings.TrimSuffix(strings.Repeat(`{"jsonrpc":"2.0","id":1,"method":"x"},`, 101), ",") + "]", -32600},
		} {
			r := e.rpcRaw("/v2.0", tc.body)
			if r.Error == nil || r.Error.Code != tc.code {
				t.Errorf("%s: want %d, got %s", name, tc.code, r.body)
			}
		}

		// Ids come back as they were sent; the second path answers alike.
		for _, id := range []string{`"abc"`, `7`, `7.5`, `null`, `-1`} {
			body := `{"jsonrpc":"2.0","id":` + id + `,"method":"get.planets","params":{}}`
			for _, path := range []string{"/v2.0", "/data-api/v2.0"} {
				r := e.rpcRaw(path, body)
				var raw struct{ ID json.RawMessage }
				json.Unmarshal(r.body, &raw)
				if string(raw.ID) != id || r.Error == nil || r.Error.Code != -32601 {
					t.Errorf("%s id %s: %s", path, id, r.body)
				}
			}
		}

		// A batch answers each call, in order.
		var answers []rpcResp
		r := e.rpcRaw("/v2.0", `[{"jsonrpc":"2.0","id":1,"method":"get.planets"},{"jsonrpc":"2.0","id":2,"method":"login.user","params":{"login":"root","password":"`+Password+`"}},5]`)
		if err := json.Unmarshal(r.body, &answers); err != nil || len(answers) != 3 {
			t.Fatalf("batch: %s", r.body)
		}
		if answers[0].Error == nil || answers[0].Error.Code != -32601 || answers[1].Result == nil || answers[2].Error == nil || answers[2].Error.Code != -32600 {
			t.Errorf("batch answers: %s", r.body)
		}

		if r := e.rpcRaw("/v2.0", `[1]`); !strings.HasPrefix(string(r.body), `[{"jsonrpc":"2.0","id":null,"error":{"code":-32600`) {
			t.Errorf("a batch of garbage: %s", r.body)
		}

		// Other HTTP methods get a JSON-RPC error, with 200.
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v2.0", nil)
		if got := e.request(req); got.status != 200 || !strings.Contains(string(got.body), "-32600") {
			t.Errorf("GET: %d %s", got.status, got.body)
		}

		// The fields of -32602.
		e.rpc("login.user", map[string]any{"password": "x"}).fails(-32602, "required_parameter_missed", "login")
		e.rpc("login.user", map[string]any{"login": "root"}).fails(-32602, "required_parameter_missed", "password")
		e.rpc("login.user", map[string]any{"login": 5, "password": "x"}).fails(-32602, "invalid_parameter_value", "login")
		e.rpc("login.user", map[string]any{"login": "root", "password": "x", "zeta": 1, "alpha": 2}).fails(-32602, "unknown_parameter", "alpha")
		r = e.rpc("login.user", map[string]any{"login": "root", "password": 12345})
		r.fails(-32602, "invalid_parameter_value", "password")
		if _, shown := r.Error.Data["value"]; shown {
			t.Errorf("a refused password is shown back: %s", r.body)
		}
	})
}

func TestUISLogin(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		alice := MustCreateAccount(t, e.db, "alice", rights.Admin)
		r := e.rpc("login.user", map[string]any{"login": "alice", "password": Password}).ok()
		data := r.Result["data"].(map[string]any)
		token := data["access_token"].(string)
		expire, _ := data["expire_at"].(float64)
		if until := time.Unix(int64(expire), 0); until.Before(time.Now().Add(50*time.Minute)) || until.After(time.Now().Add(61*time.Minute)) {
			t.Errorf("expire_at %v is not an hour ahead", until)
		}
		// The token is a session: the session list shows it, and the form API takes it.
		root := e.login("root")
		if got := e.get("func=session&filter=on&account=alice&auth=" + root).rows(); len(got) != 1 {
			t.Errorf("alice's sessions: %v", got)
		}
		e.get("func=whoami&auth=" + token).ok()

		e.call(token, "logout.user", nil).ok()
		e.call(token, "logout.user", nil).fails(-32001, "access_token_invalid", "access_token")
		e.get("func=whoami&auth="+token).fails("access", "session")

		// A wrong password, an unknown login, a suspended account: one answer.
		e.rpc("login.user", map[string]any{"login": "alice", "password": "wrong"}).fails(-32002, "invalid_login_or_password", "")
		e.rpc("login.user", map[string]any{"login": "nobody", "password": "wrong"}).fails(-32002, "invalid_login_or_password", "")
		token = e.rpcLogin("alice")
		e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", alice.ID, root)).ok()
		e.rpc("login.user", map[string]any{"login": "alice", "password": Password}).fails(-32002, "invalid_login_or_password", "")
		e.call(token, "logout.user", nil).fails(-32001, "access_token_invalid", "access_token")
		e.get(fmt.Sprintf("func=employee.resume&elid=%d&sok=ok&auth=%s", alice.ID, root)).ok()

		// A new password set by someone else ends the token, as it ends sessions.
		token = e.rpcLogin("alice")
		e.setPassword(root, alice.ID, "Other-pass1!").ok()
		e.call(token, "logout.user", nil).fails(-32001, "access_token_invalid", "access_token")
		e.setPassword(root, alice.ID, Password).ok()

		// From an address the account may not use.
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&all_ip_access=off&ip_access=192.0.2.1&sok=ok&auth=%s", alice.ID, root)).ok()
		e.rpc("login.user", map[string]any{"login": "alice", "password": Password}).fails(-32003, "ip_not_allowed", "")
	})
}

func TestUISLoginLockout(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		MustCreateAccount(t, e.db, "alice", rights.Admin)
		for range 10 {
			e.rpc("login.user", map[string]any{"login": "alice", "password": "wrong"}).fails(-32002, "invalid_login_or_password", "")
		}
		r := e.rpc("login.user", map[string]any{"login": "alice", "password": Password}).fails(-32029, "limit_exceeded", "")
		if n, _ := r.Error.Data["retry_after"].(float64); n < 1 {
			t.Errorf("no retry_after: %s", r.body)
		}
		// The form API counts the same failures.
		e.get("func=auth&username=alice&password="+url.QueryEscape(Password)).fails("limit", "badpassword")
	})
}

// TestUISPermanentToken: an API key of type uis_token is an access_token that acts
// as its account while the account is enabled and its creator may still give it.
func TestUISPermanentToken(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		maker := MustCreateEmployee(t, e.db, "maker", rights.Admin)
		for _, right := range []string{"apikey.edit", "apikey"} {
			e.grant(root, maker.ID, right)
		}
		worker := MustCreateEmployee(t, e.db, "worker", rights.Admin)
		id, token := e.newToken(e.login("maker"), "worker")

		e.call(token, "logout.user", nil).fails(-32602, "invalid_parameter_value", "access_token")
		if got := e.get("func=apikey&auth=" + root).rows(); got[0]["last_used"] == "" {
			t.Errorf("a used key has no last_used: %v", got)
		}
		// The worker is given a right the maker lacks: the key stops, and works again
		// once the right is taken back.
		e.grant(root, worker.ID, "journal")
		e.call(token, "logout.user", nil).fails(-32001, "access_token_invalid", "access_token")
		e.get(fmt.Sprintf("func=rights2.user.delete&plid=%d&elid=journal&sok=ok&auth=%s", worker.ID, root)).ok()
		e.call(token, "logout.user", nil).fails(-32602, "invalid_parameter_value", "access_token")

		// Suspending the worker or the maker stops it.
		for _, who := range []int64{worker.ID, maker.ID} {
			e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", who, root)).ok()
			e.call(token, "logout.user", nil).fails(-32001, "access_token_invalid", "access_token")
			e.get(fmt.Sprintf("func=employee.resume&elid=%d&sok=ok&auth=%s", who, root)).ok()
		}
		// Revoked, it is unknown.
		e.get("func=apikey.delete&elid=" + id + "&sok=ok&auth=" + root).ok()
		e.call(token, "logout.user", nil).fails(-32001, "access_token_invalid", "access_token")
		// A login.user token is no permanent token, nor the other way round.
		if r := e.get("func=whoami&auth=" + token); r.doc["error"] == nil {
			t.Errorf("a permanent token opened a form-API session: %s", r.body)
		}
	})
}

// jsonUnmarshal reads a JSON text a test writes out.
func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// TestUISRequestLimits: a token's calls past a limit are refused with -32029 and
// change nothing; api_limits reports where the token stands.
func TestUISRequestLimits(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 1, 10, 0, 30, 0, time.UTC)
	eachEnvConfig(t, func(c *Config) {
		c.UISLimits = models.RequestLimits{PerMinute: 2, PerDay: 100, Now: func() time.Time { return at }}
	}, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		_, other := e.newToken(root, "")
		limits := func(r *rpcResp) map[string]any {
			return r.ok().Result["metadata"].(map[string]any)["api_limits"].(map[string]any)
		}
		got := limits(e.call(token, "get.employees", nil))
		if got["minute_limit"] != float64(2) || got["minute_remaining"] != float64(1) || got["day_limit"] != float64(100) ||
			got["day_remaining"] != float64(99) || got["minute_reset"] != float64(30) || got["day_reset"] != float64(50370) {
			t.Errorf("api_limits: %v", got)
		}
		if got := limits(e.call(token, "get.employees", nil)); got["minute_remaining"] != float64(0) {
			t.Errorf("api_limits: %v", got)
		}
		before := uisDigest(t, e)
		r := e.call(token, "create.employees", map[string]any{"last_name": "Late", "phone_numbers": []any{number("1")}})
		r.fails(-32029, "limit_exceeded", "")
		if r.Error.Data["retry_after"] != float64(30) || r.Error.Data["period"] != "minute" {
			t.Errorf("the refusal: %s", r.body)
		}
		if uisDigest(t, e) != before {
			t.Error("a call past the limit changed the database")
		}
		e.call(other, "get.employees", nil).ok()
		// login.user is no token's call: the lockout bounds it.
		e.rpc("login.user", map[string]any{"login": "root", "password": Password}).ok()
	})
	eachEnv(t, func(t *testing.T, e *env) {
		_, token := e.newToken(e.login("root"), "")
		got := e.call(token, "get.employees", nil).ok().Result["metadata"].(map[string]any)["api_limits"].(map[string]any)
		if len(got) != 6 || got["minute_limit"] != nil || got["day_remaining"] != nil {
			t.Errorf("api_limits without limits: %v", got)
		}
	})
}
