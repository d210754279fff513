package handlers

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// voxResp is a Voximplant answer as a test reads it.
type voxResp struct {
	t    *testing.T
	body []byte
	m    map[string]any
}

// ok fails unless the answer is a success, and returns it.
func (r *voxResp) ok() *voxResp {
	r.t.Helper()
	if _, bad := r.m["error"]; bad || r.m["result"] == nil {
		r.t.Fatalf("want success, got %s", r.body)
	}
	return r
}

// fails checks that the answer is the error code whose message holds part.
func (r *voxResp) fails(code int, part string) *voxResp {
	r.t.Helper()
	e, _ := r.m["error"].(map[string]any)
	if e == nil {
		r.t.Fatalf("want error %d (%s), got %s", code, part, r.body)
	}
	msg, _ := e["msg"].(string)
	if n, _ := e["code"].(float64); int(n) != code || !strings.Contains(msg, part) {
		r.t.Fatalf("want error %d holding %q, got %s", code, part, r.body)
	}
	return r
}

// num is a numeric field of the answer as written, exactly.
func (r *voxResp) num(name string) string {
	r.t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &raw); err != nil {
		r.t.Fatal(err)
	}
	return string(raw[name])
}

// users are the result rows of GetUsers.
func (r *voxResp) users() []map[string]any {
	r.t.Helper()
	list, ok := r.m["result"].([]any)
	if !ok {
		r.t.Fatalf("no users in %s", r.body)
	}
	out := make([]map[string]any, len(list))
	for i, u := range list {
		out[i] = u.(map[string]any)
	}
	return out
}

// voxCaller authenticates a Voximplant call.
type voxCaller interface {
	sign(req *http.Request, params url.Values)
}

// voxAPIKey is the classic account_id and api_key.
type voxAPIKey struct{ account, key string }

func (k voxAPIKey) sign(_ *http.Request, p url.Values) {
	p.Set("account_id", k.account)
	p.Set("api_key", k.key)
}

// voxBearer sends a ready token.
type voxBearer string

func (b voxBearer) sign(req *http.Request, _ url.Values) {
	req.Header.Set("Authorization", "Bearer "+string(b))
}

// voxCreds are the credentials of a service account key as apikey.edit answers them.
type voxCreds struct {
	AccountID    int64  `json:"account_id"`
	KeyID        string `json:"key_id"`
	PrivateKey   string `json:"private_key"`
	AccountEmail string `json:"account_email"`
}

// sign signs a fresh token valid for ten minutes.
func (c *voxCreds) sign(req *http.Request, _ url.Values) {
	now := time.Now()
	req.Header.Set("Authorization", "Bearer "+c.token(nil, map[string]any{"iss": c.AccountID, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}))
}

// token signs claims RS256 with the credentials' key (or with key when not nil).
func (c *voxCreds) token(key *rsa.PrivateKey, claims map[string]any) string {
	return signToken(key, c.PrivateKey, map[string]any{"alg": "RS256", "typ": "JWT", "kid": c.KeyID}, claims)
}

func signToken(key *rsa.PrivateKey, pemKey string, header, claims map[string]any) string {
	if key == nil {
		b, _ := pem.Decode([]byte(pemKey))
		var err error
		if key, err = x509.ParsePKCS1PrivateKey(b.Bytes); err != nil {
			panic(err)
		}
	}
	h, _ := json.Marshal(header)
	cl, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(cl)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		panic(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// vox calls method with params, urlencoded in a POST body.
func (e *env) vox(who voxCaller, method string, params string) *voxResp {
	e.t.Helper()
	p, err := url.ParseQuery(strings.ReplaceAll(params, ";", "%3B"))
	if err != nil {
		e.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/platform_api/"+method, nil)
	if who != nil {
		who.sign(req, p)
	}
	req.Body = io.NopCloser(strings.NewReader(p.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.voxDo(req)
}

// voxGet calls method with params in the query string.
func (e *env) voxGet(who voxCaller, method string, params string) *voxResp {
	e.t.Helper()
	p, err := url.ParseQuery(strings.ReplaceAll(params, ";", "%3B"))
	if err != nil {
		e.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/platform_api/"+method, nil)
	if who != nil {
		who.sign(req, p)
	}
	req.URL.RawQuery = p.Encode()
	return e.voxDo(req)
}

// voxMultipart calls method with params as a multipart form, as the client
// libraries send them.
func (e *env) voxMultipart(who voxCaller, method string, params string) *voxResp {
	e.t.Helper()
	p, err := url.ParseQuery(strings.ReplaceAll(params, ";", "%3B"))
	if err != nil {
		e.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/platform_api/"+method, nil)
	if who != nil {
		who.sign(req, p)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for name, vals := range p {
		for _, v := range vals {
			w.WriteField(name, v)
		}
	}
	w.Close()
	req.Body = io.NopCloser(&body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return e.voxDo(req)
}

func (e *env) voxDo(req *http.Request) *voxResp {
	e.t.Helper()
	r := e.request(req)
	if r.status != http.StatusOK {
		e.t.Fatalf("HTTP %d: %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		e.t.Fatalf("Content-Type %q: %s", ct, r.body)
	}
	out := &voxResp{t: e.t, body: r.body}
	if err := json.Unmarshal(r.body, &out.m); err != nil {
		e.t.Fatalf("bad answer %s: %v", r.body, err)
	}
	return out
}

// voxKey creates a voximplant_api_key of role acting as account, as the session sid.
func (e *env) voxKey(sid, role, account string) voxAPIKey {
	e.t.Helper()
	r := e.get("func=apikey.edit&name=Vox&type=voximplant_api_key&role=" + role + "&account=" + account + "&sok=ok&auth=" + sid).ok()
	return voxAPIKey{account: r.text("account_id"), key: r.text("api_key")}
}

// voxServiceKey creates a voximplant_key of role acting as account, as the session
// sid, and returns its credentials.
func (e *env) voxServiceKey(sid, role, account string) *voxCreds {
	e.t.Helper()
	r := e.get("func=apikey.edit&name=Vox&type=voximplant_key&role=" + role + "&account=" + account + "&sok=ok&auth=" + sid).ok()
	var c voxCreds
	if err := json.Unmarshal([]byte(r.text("credentials")), &c); err != nil {
		e.t.Fatalf("credentials: %v: %s", err, r.body)
	}
	if c.KeyID != r.text("id") || c.PrivateKey == "" {
		e.t.Fatalf("credentials %+v for key %s", c, r.text("id"))
	}
	return &c
}

// voxApp creates an application as the session sid and returns its id.
func (e *env) voxApp(sid, name string) string {
	e.t.Helper()
	return e.get("func=application.edit&name=" + name + "&sok=ok&auth=" + sid).ok().text("id")
}

// voxAddUser adds a user to the application app and returns its id; extra adds
// or overrides parameters.
func (e *env) voxAddUser(who voxCaller, app, name string, extra string) string {
	e.t.Helper()
	p := url.Values{"application_id": {app}, "user_name": {name}, "user_display_name": {"User " + name}, "user_password": {"Str0ng!pass"}}
	more, err := url.ParseQuery(extra)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range more {
		p[k] = v
	}
	return e.vox(who, "AddUser", p.Encode()).ok().num("user_id")
}

func voxID(id int64) string { return strconv.FormatInt(id, 10) }
