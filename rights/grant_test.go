package rights

import (
	"reflect"
	"testing"
)

func TestHoldsAll(t *testing.T) {
	tests := []struct {
		level      Level
		fullAccess bool
		want       bool
	}{
		{Root, false, true},
		{Root, true, true},
		{Admin, true, true},
		{Admin, false, false},
		{User, true, false},
		{Guest, true, false},
	}
	for _, tt := range tests {
		if got := HoldsAll(tt.level, tt.fullAccess); got != tt.want {
			t.Errorf("HoldsAll(%v, %v) = %v, want %v", tt.level, tt.fullAccess, got, tt.want)
		}
	}
}

func TestDecide(t *testing.T) {
	deny, allow := map[string]bool{"journal": false}, map[string]bool{"journal": true}
	sales := map[string][]string{"journal": {"Sales"}}
	two := map[string][]string{"journal": {"Support", "Billing", "Sales"}}
	tests := []struct {
		name string
		g    Grants
		want Decision
	}{
		{"root", Grants{Level: Root}, Decision{true, FromFull}},
		{"root denied personally", Grants{Level: Root, Personal: deny}, Decision{true, FromFull}},
		{"full access", Grants{Level: Admin, FullAccess: true}, Decision{true, FromFull}},
		{"full access denied personally", Grants{Level: Admin, FullAccess: true, Personal: deny}, Decision{true, FromFull}},
		{"nothing", Grants{Level: Admin}, Decision{false, FromNone}},
		{"a department", Grants{Level: Admin, Granting: sales}, Decision{true, "department Sales"}},
		{"the first department by name", Grants{Level: Admin, Granting: two}, Decision{true, "department Billing"}},
		{"a personal deny over a department", Grants{Level: Admin, Personal: deny, Granting: two}, Decision{false, FromPersonal}},
		{"a personal allow", Grants{Level: Admin, Personal: allow}, Decision{true, FromPersonal}},
		{"a personal allow and a department", Grants{Level: Admin, Personal: allow, Granting: sales}, Decision{true, FromPersonal}},
		{"a personal deny alone", Grants{Level: Admin, Personal: deny}, Decision{false, FromPersonal}},
		{"another right's setting", Grants{Level: Admin, Personal: map[string]bool{"employee": true}}, Decision{false, FromNone}},
		{"an empty list of departments", Grants{Level: Admin, Granting: map[string][]string{"journal": {}}}, Decision{false, FromNone}},
		{"a full-access flag below admin", Grants{Level: User, FullAccess: true, Granting: sales}, Decision{true, "department Sales"}},
		{"a full-access flag below admin, nothing else", Grants{Level: User, FullAccess: true}, Decision{false, FromNone}},
	}
	for _, tt := range tests {
		if got := tt.g.Decide("journal"); got != tt.want {
			t.Errorf("%s: Decide = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestHeld: the rights held one by one are those Decide allows without full access,
// so that dominance and enforcement agree on every right an account has settings for.
func TestHeld(t *testing.T) {
	g := Grants{
		Personal: map[string]bool{"journal": false, "department": true, "session": false},
		Granting: map[string][]string{"employee": {"Sales"}, "journal": {"Sales"}, "ticket": {}},
	}
	want := map[string]bool{"employee": true, "department": true}
	for _, level := range []Level{Admin, User} {
		g.Level = level
		if got := g.Held(); !reflect.DeepEqual(got, want) {
			t.Errorf("level %v: Held = %v, want %v", level, got, want)
		}
	}
	g.Level, g.FullAccess = Admin, true
	if got := g.Held(); !reflect.DeepEqual(got, want) {
		t.Errorf("full access: Held = %v, want %v: full access is no set of names", got, want)
	}
	for right := range want {
		if g.FullAccess = false; !g.Decide(right).Allow {
			t.Errorf("Held lists %s, which Decide refuses", right)
		}
	}
	for _, right := range []string{"journal", "session", "ticket", "other"} {
		if g.Decide(right).Allow {
			t.Errorf("Decide allows %s, which Held leaves out", right)
		}
	}
	if got := (Grants{}).Held(); got == nil || len(got) != 0 {
		t.Errorf("no grants: Held = %#v, want an empty set", got)
	}
}
