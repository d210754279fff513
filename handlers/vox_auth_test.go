package handlers

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"staffmgr/rights"
)

// TestVoxJWT walks the JWT path with a key created through the form API: a token
// signed with it works within the minute of skew, and every way a token can be
// wrong is an authentication error.
func TestVoxJWT(t *testing.T) {
	t.Parallel()
	foreign, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		admin := MustCreateAccount(t, e.db, "boss", rights.Admin)
		e.get(fmt.Sprintf("func=employee.edit&elid=%d&email=boss@example.com&sok=ok&auth=%s", admin.ID, root)).ok()
		creds := e.voxServiceKey(root, "admin", "boss")
		if creds.AccountID != admin.ID || creds.AccountEmail != "boss@example.com" || !strings.HasPrefix(creds.PrivateKey, "-----BEGIN RSA PRIVATE KEY-----") {
			t.Fatalf("credentials %+v", creds)
		}
		var stored struct {
			PublicKey  string
			SecretHash *string
			Role       string
		}
		if err := e.db.Raw("SELECT public_key, secret_hash, role FROM api_keys WHERE id = ?", creds.KeyID).Scan(&stored).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored.PublicKey, "-----BEGIN PUBLIC KEY-----") || strings.Contains(stored.PublicKey, "PRIVATE") ||
			stored.SecretHash != nil || stored.Role != "admin" {
			t.Fatalf("stored key %+v", stored)
		}
		// The credentials are answered once: the key's form shows no secret.
		if form := e.get("func=apikey.edit&elid=" + creds.KeyID + "&auth=" + root).ok(); strings.Contains(string(form.body), "PRIVATE") {
			t.Fatalf("the form shows the private key: %s", form.body)
		}
		e.vox(creds, "GetUsers", "application_id="+app).ok()

		now := time.Now()
		claims := func(iat, exp time.Time) map[string]any {
			return map[string]any{"iss": creds.AccountID, "iat": iat.Unix(), "exp": exp.Unix()}
		}
		call := func(token string) *voxResp { return e.vox(voxBearer(token), "GetUsers", "application_id="+app) }
		call(creds.token(nil, claims(now.Add(-10*time.Minute), now.Add(-30*time.Second)))).ok() // skew
		call(creds.token(nil, claims(now.Add(30*time.Second), now.Add(time.Hour)))).ok()        // skew
		call(creds.token(nil, map[string]any{"iss": fmt.Sprint(creds.AccountID), "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()})).ok()

		call(creds.token(nil, claims(now.Add(-time.Hour), now.Add(-2*time.Minute)))).fails(voxAuthFailed, "expired")
		call(creds.token(nil, claims(now, now.Add(2*time.Hour)))).fails(voxAuthFailed, "more than an hour")
		call(creds.token(nil, claims(now.Add(5*time.Minute), now.Add(10*time.Minute)))).fails(voxAuthFailed, "future")
		call(creds.token(nil, map[string]any{"iss": creds.AccountID, "iat": now.Unix()})).fails(voxAuthFailed, "iat and exp")
		call(creds.token(nil, map[string]any{"iss": 1, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()})).fails(voxAuthFailed, "iss")
		call(creds.token(foreign, claims(now, now.Add(time.Minute)))).fails(voxAuthFailed, "signature")
		good := creds.token(nil, claims(now, now.Add(time.Minute)))
		parts := strings.Split(good, ".")
		forged := strings.Split(creds.token(foreign, map[string]any{"iss": creds.AccountID, "iat": now.Unix(), "exp": now.Add(50 * time.Minute).Unix()}), ".")
		call(parts[0]+"."+forged[1]+"."+parts[2]).fails(voxAuthFailed, "signature")
		call(signToken(nil, creds.PrivateKey, map[string]any{"alg": "HS256", "kid": creds.KeyID}, claims(now, now.Add(time.Minute)))).fails(voxAuthFailed, "RS256")
		call(signToken(nil, creds.PrivateKey, map[string]any{"alg": "RS256", "kid": "999999"}, claims(now, now.Add(time.Minute)))).fails(voxAuthFailed, "unknown")
		call("not-a-jwt").fails(voxAuthFailed, "not a JWT")
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/platform_api/GetUsers?application_id="+app, nil)
		req.Header.Set("Authorization", "Basic cm9vdDpwYXNz")
		e.voxDo(req).fails(voxAuthFailed, "Bearer")

		// A key of the other Voximplant type is no service account key.
		apiKey := e.voxKey(root, "admin", "boss")
		var apiKeyID string
		if err := e.db.Raw("SELECT id FROM api_keys WHERE type = 'voximplant_api_key'").Scan(&apiKeyID).Error; err != nil {
			t.Fatal(err)
		}
		call(signToken(nil, creds.PrivateKey, map[string]any{"alg": "RS256", "kid": apiKeyID}, claims(now, now.Add(time.Minute)))).fails(voxAuthFailed, "unknown")
		e.vox(apiKey, "GetUsers", "application_id="+app).ok()

		// A suspended account's keys stop working; so do revoked keys.
		e.get(fmt.Sprintf("func=employee.suspend&elid=%d&sok=ok&auth=%s", admin.ID, root)).ok()
		call(good).fails(voxAuthFailed, "revoked")
		e.get(fmt.Sprintf("func=employee.resume&elid=%d&sok=ok&auth=%s", admin.ID, root)).ok()
		call(good).ok()
		e.get("func=apikey.delete&elid=" + creds.KeyID + "&sok=ok&auth=" + root).ok()
		call(good).fails(voxAuthFailed, "unknown or revoked")
	})
}

// TestVoxAPIKey walks the account_id and api_key path.
func TestVoxAPIKey(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		key := e.voxKey(root, "owner", "root")
		var digest string
		if err := e.db.Raw("SELECT secret_hash FROM api_keys WHERE type = 'voximplant_api_key'").Scan(&digest).Error; err != nil {
			t.Fatal(err)
		}
		if digest == "" || digest == key.key {
			t.Fatalf("the api_key is stored as %q", digest)
		}
		e.vox(key, "GetUsers", "application_id="+app).ok()
		e.voxGet(key, "GetUsers", "application_id="+app).ok()
		e.voxMultipart(key, "GetUsers", "application_id="+app).ok()
		e.vox(voxAPIKey{account: "999", key: key.key}, "GetUsers", "application_id="+app).fails(voxAuthFailed, "Invalid account_id or api_key")
		e.vox(voxAPIKey{account: key.account, key: key.key + "0"}, "GetUsers", "application_id="+app).fails(voxAuthFailed, "Invalid")
		e.vox(nil, "GetUsers", "account_id="+key.account+"&application_id="+app).fails(voxAuthFailed, "go together")
		e.vox(nil, "GetUsers", "application_id="+app).fails(voxAuthFailed, "Authenticate")
		uis := e.get("func=apikey.edit&name=Uis&type=uis_token&sok=ok&auth=" + root).ok().text("token")
		e.vox(voxAPIKey{account: key.account, key: uis}, "GetUsers", "application_id="+app).fails(voxAuthFailed, "Invalid")

		// The key list shows the role; revoking the key ends it.
		rows := e.get("func=apikey&auth=" + root).rows()
		roles := map[string]string{}
		for _, r := range rows {
			roles[r["type"]] = r["role"]
		}
		if roles["voximplant_api_key"] != "owner" || roles["uis_token"] != "" {
			t.Fatalf("key list roles %v", roles)
		}
		var id string
		if err := e.db.Raw("SELECT id FROM api_keys WHERE type = 'voximplant_api_key'").Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		e.get("func=apikey.delete&elid=" + id + "&sok=ok&auth=" + root).ok()
		e.vox(key, "GetUsers", "application_id="+app).fails(voxAuthFailed, "revoked")

		// The role goes with the Voximplant types only, and is set once.
		e.get("func=apikey.edit&name=V&type=voximplant_api_key&sok=ok&auth="+root).fails("value", "role")
		e.get("func=apikey.edit&name=V&type=uis_token&role=admin&sok=ok&auth="+root).fails("value", "role")
		e.get("func=apikey.edit&name=V&type=voximplant_key&role=boss&sok=ok&auth="+root).fails("value", "role")
		other := e.voxKey(root, "developer", "root")
		_ = other
		var otherID string
		if err := e.db.Raw("SELECT id FROM api_keys WHERE role = 'developer'").Scan(&otherID).Error; err != nil {
			t.Fatal(err)
		}
		e.get("func=apikey.edit&elid="+otherID+"&role=owner&sok=ok&auth="+root).fails("value", "role")
	})
}

// TestVoxRoles: each method admits the roles the reference lists and refuses the
// others with code 104 before reading its parameters.
func TestVoxRoles(t *testing.T) {
	t.Parallel()
	allowed := map[string][]string{
		"AddUser":             {"owner", "admin", "user_manager"},
		"DelUser":             {"owner", "admin", "user_manager"},
		"SetUserInfo":         {"owner", "admin", "user_manager"},
		"TransferMoneyToUser": {"owner", "admin", "user_manager"},
		"GetUsers":            {"owner", "admin", "developer", "supervisor", "user_manager"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		for _, role := range []string{"owner", "admin", "developer", "supervisor", "user_manager"} {
			key := e.voxKey(root, role, "root")
			for method, roles := range allowed {
				r := e.vox(key, method, "")
				if contains(roles, role) {
					r.fails(voxBadArgument, "required")
				} else {
					r.fails(voxForbidden, "role "+role)
				}
			}
		}
		if len(voxMethods) != len(allowed) {
			t.Errorf("the table has %d methods; the test knows %d", len(voxMethods), len(allowed))
		}
		key := e.voxKey(root, "owner", "root")
		e.vox(key, "GetUser", "").fails(voxUnknown, "GetUser")
		req, _ := http.NewRequest(http.MethodPut, e.srv.URL+"/platform_api/GetUsers", nil)
		e.voxDo(req).fails(voxBadArgument, "GET or a POST")
		e.vox(key, "GetUsers", "application_id=1&application_id=2").fails(voxBadArgument, "application_id: sent more than once")

		// A parameter in the query string and in the body: the same value is one
		// parameter; another value is refused, and nothing changes.
		app := e.voxApp(root, "callcenter")
		anna := e.voxAddUser(key, app, "anna", "")
		boris := e.voxAddUser(key, app, "boris", "")
		both := func(method, query, body string) *voxResp {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/platform_api/"+method+"?"+query,
				strings.NewReader(body+"&account_id="+key.account+"&api_key="+key.key))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return e.voxDo(req)
		}
		before := stateDigest(t, e)
		both("DelUser", "user_id="+anna, "user_id="+boris).fails(voxBadArgument, "user_id: sent more than once")
		both("DelUser", "user_id="+anna+"%3B"+boris, "user_id="+boris).fails(voxBadArgument, "user_id: sent more than once")
		both("DelUser", "cmd=GetUsers", "cmd=DelUser&user_id="+boris).fails(voxBadArgument, "cmd: sent more than once")
		if stateDigest(t, e) != before {
			t.Fatal("a refused call changed the database")
		}
		both("DelUser", "user_id="+boris, "user_id="+boris).ok()
		if got := voxNames(e.vox(key, "GetUsers", "application_id="+app)); got != "anna" {
			t.Errorf("after DelUser: %s", got)
		}
	})
}

// TestVoxRights: a key acts with its account's rights, as the form API's funcs
// need them, and touching an employee needs dominance over them.
func TestVoxRights(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		rootKey := e.voxKey(root, "owner", "root")
		strong := e.voxAddUser(rootKey, app, "strong", "")
		var strongID int64
		fmt.Sscan(strong, &strongID)
		e.grant(root, strongID, "journal")
		e.vox(rootKey, "TransferMoneyToUser", "").fails(voxBadArgument, "amount")

		clerk := MustCreateEmployee(t, e.db, "clerk", rights.Admin)
		key := e.voxKey(root, "owner", "clerk")
		e.vox(key, "GetUsers", "application_id="+app).fails(voxForbidden, "employee")
		e.grant(root, clerk.ID, "employee")
		e.vox(key, "GetUsers", "application_id="+app).fails(voxForbidden, "employee.voximplant")
		e.grant(root, clerk.ID, "employee.voximplant")
		e.vox(key, "GetUsers", "application_id="+app).ok()
		e.vox(key, "SetUserInfo", "user_id="+strong+"&mobile_phone=%2B15550101").fails(voxForbidden, "employee.edit")
		e.vox(key, "AddUser", "application_id="+app).fails(voxForbidden, "employee.edit")
		e.grant(root, clerk.ID, "employee.edit")
		e.vox(key, "AddUser", "application_id="+app+"&user_active=false").fails(voxForbidden, "employee.suspend")
		mine := e.voxAddUser(key, app, "fresh", "")
		e.vox(key, "SetUserInfo", "user_id="+mine+"&user_active=true").fails(voxForbidden, "employee.suspend")
		e.vox(key, "SetUserInfo", "user_id="+mine+"&user_custom_data=x").ok()
		e.vox(key, "DelUser", "user_id="+mine).fails(voxForbidden, "employee.delete")
		e.vox(key, "TransferMoneyToUser", "user_id="+mine+"&amount=1").fails(voxForbidden, "balance")

		// Dominance: strong holds journal, which clerk does not.
		for _, right := range []string{"employee.delete", "balance"} {
			e.grant(root, clerk.ID, right)
		}
		before := stateDigest(t, e)
		e.vox(key, "SetUserInfo", "user_id="+strong+"&user_custom_data=x").fails(voxForbidden, "journal")
		e.vox(key, "SetUserInfo", "user_id="+strong+"&user_display_name=Other").fails(voxForbidden, "journal")
		e.vox(key, "DelUser", "user_id="+mine+";"+strong).fails(voxForbidden, "journal")
		e.get("func=balance.topup&amount=10&sok=ok&auth=" + root).ok()
		e.vox(key, "TransferMoneyToUser", "user_id="+strong+"&amount=1").fails(voxForbidden, "journal")
		if stateDigest(t, e) != before {
			t.Error("a refused call changed the database")
		}
		e.vox(key, "GetUsers", "application_id="+app).ok() // reading needs no dominance
		e.grant(root, clerk.ID, "journal")
		e.vox(key, "TransferMoneyToUser", "user_id="+strong+"&amount=1").ok()
		e.vox(key, "DelUser", "user_id="+mine+";"+strong).ok()
	})
}
