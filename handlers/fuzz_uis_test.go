package handlers

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/session"
)

// FuzzUISBody posts arbitrary bodies to the Data API, "$T" standing for a root
// token: every answer is HTTP 200 and JSON-RPC (one answer, or an array of them),
// and none is an internal error, whatever the body asks.
func FuzzUISBody(f *testing.F) {
	db := dbtest.Open(f, models.SQLite)
	if _, err := models.EnsureRoot(f.Context(), db, dbtest.FastPasswords, Password); err != nil {
		f.Fatal(err)
	}
	root, err := models.FindAccountByLogin(f.Context(), db, "root")
	if err != nil {
		f.Fatal(err)
	}
	_, token, err := models.CreateAPIKey(f.Context(), db, "fuzz", models.UISToken, root.ID, 0)
	if err != nil {
		f.Fatal(err)
	}
	logs := &bytes.Buffer{}
	sessions := session.New(db, session.Config{IdleTimeout: time.Hour, Lifetime: 10 * time.Hour})
	app, err := New(db, sessions, Config{Passwords: dbtest.FastPasswords, PasswordPolicy: models.DefaultPasswordPolicy},
		slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		f.Fatal(err)
	}
	handler := app.Echo()
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"get.employees","params":{"access_token":"$T","filter":{"field":"last_name","operator":"like","value":"a%"}}}`,
		`{"jsonrpc":"2.0","id":1,"method":"get.employees","params":{"access_token":"$T","filter":{"condition":"or","filters":[{"field":"groups","operator":"in","value":[1,2]},{"field":"phone_numbers","operator":"not_like","value":"7%"}]},"sort":[{"field":"full_name","order":"desc"}],"limit":5,"offset":1,"fields":["id","operator"]}}`,
		`{"jsonrpc":"2.0","id":"x","method":"create.employees","params":{"access_token":"$T","last_name":"A","phone_numbers":[{"phone_number":"123","dial_time":5}],"extension":{"extension_phone_number":"12"},"coach":{"coach_id":1},"groups":[1]}}`,
		`{"jsonrpc":"2.0","id":2,"method":"update.employees","params":{"access_token":"$T","id":1,"first_name":null,"operator":{"operator_login":"root"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"create.group_employees","params":{"access_token":"$T","name":"G","members":[1],"group_phone_number":"7"}}`,
		`{"jsonrpc":"2.0","id":4,"method":"update.group_employees_numbers","params":{"access_token":"$T","id":1,"phone_numbers":[{"employe_phone_number_id":1,"available":true}]}}`,
		`{"jsonrpc":"2.0","id":5,"method":"get.group_employees","params":{"access_token":"$T","filter":{"field":"group_phone_number","operator":">","value":1.5}}}`,
		`[{"jsonrpc":"2.0","id":6,"method":"create.employee_positions","params":{"access_token":"$T","name":"P"}},{"jsonrpc":"2.0","id":7,"method":"get.employee_positions","params":{"access_token":"$T"}}]`,
		`{"jsonrpc":"2.0","id":8,"method":"login.user","params":{"login":"root","password":"x"}}`,
		`{"jsonrpc":"2.0","id":9,"method":"get.employees","params":{"access_token":"$T","user_id":"1"}}`,
		`{"jsonrpc":"2.0","id":1e400,"method":"delete.employees","params":{"access_token":"$T","id":-0}}`,
		`[[]]`, `null`, `{}`, `{"id":[]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/v2.0", strings.NewReader(strings.ReplaceAll(body, "$T", token)))
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=UTF-8" {
			t.Fatalf("%q: HTTP %d %s", body, rec.Code, rec.Header().Get("Content-Type"))
		}
		var answers []rpcAnswer
		raw := rec.Body.Bytes()
		if bytes.HasPrefix(raw, []byte("[")) {
			if err := json.Unmarshal(raw, &answers); err != nil {
				t.Fatalf("%q: %v: %s", body, err, raw)
			}
		} else {
			var one rpcAnswer
			if err := json.Unmarshal(raw, &one); err != nil {
				t.Fatalf("%q: %v: %s", body, err, raw)
			}
			answers = append(answers, one)
		}
		for _, a := range answers {
			if a.JSONRPC != "2.0" || (a.Result == nil) == (a.Error == nil) {
				t.Fatalf("%q: not a JSON-RPC answer: %s", body, raw)
			}
			if a.Error != nil && (a.Error.Code == rpcInternal || a.Error.Message == "") {
				t.Fatalf("%q: %s\n%s", body, raw, logs)
			}
		}
	})
}

// rpcAnswer is one answer as the fuzz target checks it.
type rpcAnswer struct {
	JSONRPC string          `json:"jsonrpc"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}
