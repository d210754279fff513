package rights

import "testing"

func TestAllows(t *testing.T) {
	tests := []struct {
		have, need Level
		want       bool
	}{
		{Root, Root, true},
		{Root, Admin, true},
		{Admin, Root, false},
		{Admin, Admin, true},
		{User, Admin, false},
		{User, User, true},
		{Guest, User, false},
		{Guest, Guest, true},
	}
	for _, tt := range tests {
		if got := Allows(tt.have, tt.need); got != tt.want {
			t.Errorf("Allows(%v, %v) = %v, want %v", tt.have, tt.need, got, tt.want)
		}
	}
}

func TestCanManage(t *testing.T) {
	tests := []struct {
		actor, target Level
		want          bool
	}{
		{Root, Root, true},
		{Root, Admin, true},
		{Admin, Admin, true},
		{Admin, User, true},
		{Admin, Root, false},
		{User, User, false},
	}
	for _, tt := range tests {
		if got := CanManage(tt.actor, tt.target); got != tt.want {
			t.Errorf("CanManage(%v, %v) = %v, want %v", tt.actor, tt.target, got, tt.want)
		}
	}
}

func TestLevelNames(t *testing.T) {
	for l, want := range map[Level]string{Root: "root", Admin: "admin", User: "user", Guest: "guest", 7: "7"} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q, want %q", int(l), got, want)
		}
	}
	if Level(7).Valid() || Guest.Valid() || !Admin.Valid() {
		t.Error("Valid() accepts a level no account can have, or refuses admin")
	}
}
