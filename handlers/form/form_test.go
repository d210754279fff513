package form_test

import (
	"errors"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"staffmgr/handlers/form"
	"staffmgr/models/errs"
)

type source url.Values

func (s source) Has(name string) bool        { _, ok := s[name]; return ok }
func (s source) Get(name string) string      { return url.Values(s).Get(name) }
func (s source) Values(name string) []string { return s[name] }
func query(t *testing.T, q string) source {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return source(v)
}

var card = form.Creating(
	form.Field{Name: "name", Need: form.Required, Max: 10},
	form.Field{Name: "code", Pattern: "[A-Z]{3}"},
	form.Field{Name: "email", Type: form.Email},
	form.Field{Name: "note", Type: form.TextArea, Raw: true, Max: 20},
	form.Field{Name: "on", Type: form.Flag},
	form.Field{Name: "kind", Type: form.Select, Choices: []form.Option{{Key: "a", Label: "A"}, {Key: "b", Label: "B"}}},
	form.Field{Name: "ids", Type: form.Multi},
	form.Field{Name: "limit", Type: form.Number, Min: 1, Max: 5},
	form.Field{Name: "ips", Type: form.Addresses},
	form.Field{Name: "passwd", Type: form.Password, Need: form.Required, Confirm: "confirm", Raw: true},
	form.Field{Name: "confirm", Type: form.Password, Raw: true},
)

func read(t *testing.T, q string, creating bool) (*form.Input, error) {
	t.Helper()
	return card.Read(query(t, q), form.Options{Creating: creating, CheckPassword: func(p string) error {
		if len(p) < 4 {
			return errs.Invalid("", "", "too short")
		}
		return nil
	}})
}

func TestReadRefuses(t *testing.T) {
	for q, object := range map[string]string{
		"passwd=pass&confirm=pass":                  "name", // required to create
		"name=&passwd=pass&confirm=pass":            "name", // nor empty
		"name=abcdefghijk&passwd=pass&confirm=pass": "name", // too long
		"name=a%01b&passwd=pass&confirm=pass":       "name", // control character
		"name=a&passwd=pass&confirm=pass&code=ABCD": "code", // pattern
		"name=a&passwd=pass&confirm=pass&email=x@":  "email",
		"name=a&passwd=pass&confirm=pass&kind=c":    "kind",
		"name=a&passwd=pass&confirm=pass&ids=1,x":   "ids",
		"name=a&passwd=pass&confirm=pass&limit=6":   "limit",
		"name=a&passwd=pass&confirm=pass&limit=x":   "limit",
		"name=a&passwd=pass&confirm=pass&ips=1.2.3": "ips",
		"name=a":                          "passwd",  // required to create
		"name=a&passwd=abc&confirm=abc":   "passwd",  // the policy
		"name=a&passwd=pass&confirm=pasS": "confirm", // differs
	} {
		_, err := read(t, q, true)
		e, ok := errs.As(err)
		if !ok || !errors.Is(err, errs.Value) || e.Object != object {
			t.Errorf("%s: %v, want a value error on %s", q, err, object)
		}
	}
}

func TestReadKeepsWhatIsLeftOut(t *testing.T) {
	in, err := read(t, "note=++two+lines%0A&ids=3,1,3&on=&limit=2&ips=10.0.0.1+10.0.0.0/8&kind=b&passwd=", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, given := in.Text("name"); given {
		t.Error("name was left out and reads as given")
	}
	if v, _ := in.Text("note"); v != "  two lines\n" {
		t.Errorf("raw note %q", v)
	}
	if ids, _ := in.IDs("ids"); !reflect.DeepEqual(ids, []int64{3, 1}) {
		t.Errorf("ids %v", ids)
	}
	if on, given := in.Flag("on"); on || !given {
		t.Errorf("flag sent empty: on %v given %v", on, given)
	}
	if n, given := in.Number("limit"); n != 2 || !given {
		t.Errorf("limit %d %v", n, given)
	}
	if v, _ := in.Text("ips"); v != "10.0.0.1,10.0.0.0/8" {
		t.Errorf("ips %q", v)
	}
	if pw, _ := in.Password("passwd"); pw != "" || len(in.NewPasswords()) != 0 {
		t.Errorf("an empty password on an edit is no new password: %q %v", pw, in.NewPasswords())
	}
	in.Text("kind")
	if got := in.Unread(); !slices.Equal(got, []string{"code", "email"}) {
		t.Errorf("unread %v", got)
	}
}

func TestNewPasswordIsHashedOnce(t *testing.T) {
	in, err := read(t, "name=a&passwd=pass&confirm=pass", true)
	if err != nil {
		t.Fatal(err)
	}
	if got := in.NewPasswords(); !slices.Equal(got, []string{"passwd"}) {
		t.Fatalf("new passwords %v: the confirmation is none", got)
	}
	in.SetHash("passwd", "hash")
	if pw, hash := in.Password("passwd"); pw != "pass" || hash != "hash" {
		t.Errorf("password %q hash %q", pw, hash)
	}
}

func TestUndeclaredFieldPanics(t *testing.T) {
	in, err := read(t, "name=a&passwd=pass&confirm=pass", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, ask := range []func(){
		func() { in.Text("nope") },
		func() { in.Flag("name") },
		func() { in.IDs("kind") },
	} {
		func() {
			defer func() {
				if p := recover(); p == nil || !strings.Contains(p.(string), "form:") {
					t.Errorf("no panic, or not the form's: %v", p)
				}
			}()
			ask()
		}()
	}
}

func TestNewRefusesAFieldTwice(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a field declared twice is accepted")
		}
	}()
	form.New(form.Field{Name: "a"}, form.Field{Name: "a"})
}
