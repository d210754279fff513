package handlers

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"staffmgr/models/errs"

	"staffmgr/models"
)

// fuzzBoundary is the multipart boundary of fuzzed multipart bodies.
const fuzzBoundary = "fuzzboundary"

// FuzzReadParams reads fuzzed query strings and bodies of every kind the protocol
// takes: nothing panics; what is read is what the query and the body say, the body
// winning; a JSON body is read only when it is one valid object; and the checks of
// the dispatcher either refuse the parameters with a clean value error or leave only
// text.
func FuzzReadParams(f *testing.F) {
	f.Add(uint8(0), "func=whoami&out=json", "")
	f.Add(uint8(1), "out=xml", "func=employee.edit&elid=1&name=ivan&sok=ok")
	f.Add(uint8(1), "", "name=a%00b&x%ff=1&elid=1,+2,+2")
	f.Add(uint8(2), "func=x", `{"func":"auth","username":"root","n":1,"b":true,"a":["x","y"],"z":null}`)
	f.Add(uint8(2), "", `{"name":"a\u0000b"} x`)
	f.Add(uint8(2), "", `{"a":{"b":1}}`)
	f.Add(uint8(3), "func=a", "--fuzzboundary\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nИван\r\n--fuzzboundary--\r\n")
	f.Add(uint8(4), "a=1", "a=2&b=%zz")
	f.Fuzz(func(t *testing.T, kind uint8, query, body string) {
		r := &http.Request{Method: http.MethodPost, URL: &url.URL{RawQuery: query}, Header: http.Header{},
			Body: io.NopCloser(strings.NewReader(body))}
		ct := ""
		switch kind % 5 {
		case 0:
			r.Method = http.MethodGet
		case 1:
			ct = "application/x-www-form-urlencoded"
		case 2:
			ct = "application/json"
		case 3:
			ct = "multipart/form-data; boundary=" + fuzzBoundary
		case 4:
			ct = "text/plain"
		}
		r.Header.Set("Content-Type", ct)
		p, err := ReadParams(r)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		q, qerr := url.ParseQuery(query)
		if qerr != nil {
			if err == nil {
				t.Fatalf("a query string that does not parse was read: %q", query)
			}
			return
		}
		if err != nil {
			return
		}
		if ct == "application/json" && strings.TrimSpace(body) != "" && !json.Valid([]byte(body)) {
			t.Fatalf("a JSON body that is no JSON was read: %q", body)
		}
		if ct == "application/x-www-form-urlencoded" || ct == "text/plain" {
			b, berr := url.ParseQuery(body)
			if berr != nil {
				t.Fatalf("a body that does not parse was read: %q", body)
			}
			for name, vals := range b {
				if !equal(p.Values(name), vals) {
					t.Fatalf("%q: %q, the body says %q", name, p.Values(name), vals)
				}
				delete(q, name)
			}
		}
		if ct == "application/json" {
			var obj map[string]any
			if json.Unmarshal([]byte(body), &obj) == nil {
				for name := range obj {
					delete(q, name)
				}
			}
		}
		if !strings.HasPrefix(ct, "multipart/") || r.Method == http.MethodGet {
			for name, vals := range q {
				if !equal(p.Values(name), vals) {
					t.Fatalf("%q: %q, the query says %q", name, p.Values(name), vals)
				}
			}
		}

		for _, param := range p.Echo() {
			if secret(param.Name) || !validElementName(param.Name) {
				t.Fatalf("%q echoed", param.Name)
			}
		}
		if err := p.check(); err != nil {
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.Value || !isText(e.Object) || !isText(e.Value) || !isText(e.Msg) {
				t.Fatalf("check: %#v", err)
			}
			return
		}
		for name, vals := range p.v {
			if !isText(name) {
				t.Fatalf("name %q passed the check", name)
			}
			for _, v := range vals {
				if !isText(v) {
					t.Fatalf("%s=%q passed the check", name, v)
				}
			}
		}
		if n := len(p.Elids()); n > models.MaxIDs {
			t.Fatalf("%d elids passed the check", n)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzIDLists splits fuzzed lists of ids the two ways the protocol knows: elid
// (Params.Elids, any element names) and ParseIDs (numeric ids such as department).
func FuzzIDLists(f *testing.F) {
	f.Add("1, 2, 3")
	f.Add("1,2,,3, ,1")
	f.Add(" 7 ")
	f.Add("-1,0,x")
	f.Add("9223372036854775807,9223372036854775808")
	f.Add("１,٢") // digits of other scripts are no ids
	f.Add(strings.Repeat("5,", models.MaxIDs) + "5")
	f.Add(idList(models.MaxIDs + 1))
	f.Fuzz(func(t *testing.T, v string) {
		p := NewParams(url.Values{"elid": {v}})
		elids := p.Elids()
		seen := map[string]bool{}
		for _, e := range elids {
			if e == "" || e != strings.TrimSpace(e) || strings.Contains(e, ",") || seen[e] {
				t.Fatalf("elid %q of %q", e, v)
			}
			seen[e] = true
		}
		if again := NewParams(url.Values{"elid": {strings.Join(elids, ", ")}}).Elids(); !equal(again, elids) {
			t.Fatalf("%q read back as %q", elids, again)
		}
		err := p.check()
		switch {
		case !isText(v) || len(elids) > models.MaxIDs:
			if e, ok := errs.As(err); !ok || e.Kind != errs.Value || !isText(e.Value) ||
				utf8.RuneCountInString(e.Value) > maxErrorValue+1 {
				t.Fatalf("check of %d elids: %v", len(elids), err)
			}
		case err != nil:
			t.Fatalf("check refused %d elids: %v", len(elids), err)
		}

		ids, err := models.ParseIDs(v)
		if err != nil {
			if e, ok := errs.As(err); !ok || e.Kind != errs.Value || e.Object != "" {
				t.Fatalf("ParseIDs(%q): %v", v, err)
			}
			return
		}
		if len(ids) > models.MaxIDs {
			t.Fatalf("ParseIDs read %d ids", len(ids))
		}
		spelled := map[int64]bool{} // the numbers the tokens spell, with a sign or leading zeros
		for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				spelled[n] = true
			}
		}
		got := map[int64]bool{}
		for _, id := range ids {
			if id <= 0 || got[id] || !spelled[id] {
				t.Fatalf("ParseIDs(%q) = %v", v, ids)
			}
			got[id] = true
		}
	})
}

// idList is n different ids joined with ", ".
func idList(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strconv.Itoa(i + 1)
	}
	return strings.Join(parts, ", ")
}
