package rights

import "testing"

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func TestDominates(t *testing.T) {
	root := Holder{ID: 1, Level: Root}
	full := Holder{ID: 2, Level: Admin, FullAccess: true}
	full2 := Holder{ID: 3, Level: Admin, FullAccess: true}
	narrow := Holder{ID: 4, Level: Admin, Rights: set("employee", "employee.edit")}
	wider := Holder{ID: 5, Level: Admin, Rights: set("employee", "employee.edit", "journal")}
	same := Holder{ID: 6, Level: Admin, Rights: set("employee")}
	none := Holder{ID: 7, Level: Admin}
	client := Holder{ID: 8, Level: User}
	tests := []struct {
		name          string
		actor, target Holder
		adminToAdmin  bool
		want          string
	}{
		{"root over root", root, Holder{ID: 9, Level: Root}, false, ""},
		{"root over full access", root, full, false, ""},
		{"full access over root", full, root, true, LacksRoot},
		{"full access over full access", full, full2, false, LacksAdminToAdmin},
		{"full access over full access, allowed", full, full2, true, ""},
		{"full access over narrow", full, narrow, false, ""},
		{"full access over a client", full, client, false, ""},
		{"narrow over full access", narrow, full, true, LacksFullAccess},
		{"narrow over wider", narrow, wider, false, "journal"},
		{"narrow over a subset", narrow, same, false, ""},
		{"narrow over no rights", narrow, none, false, ""},
		{"narrow over a client", narrow, client, false, ""},
		{"no rights over a subset of nothing", none, Holder{ID: 10, Level: Admin}, false, ""},
		{"no rights over narrow", none, narrow, false, "employee"},
		{"a client over anyone", client, none, false, LacksLevel},
		{"oneself with full access", full, full, false, ""},
		{"a full-access flag below admin counts for nothing", narrow, Holder{ID: 11, Level: User, FullAccess: true}, false, ""},
		{"a denied right is no right", narrow, Holder{ID: 12, Level: Admin, Rights: map[string]bool{"journal": false}}, false, ""},
	}
	for _, tt := range tests {
		if got := Dominates(tt.actor, tt.target, tt.adminToAdmin); got != tt.want {
			t.Errorf("%s: Dominates = %q, want %q", tt.name, got, tt.want)
		}
	}
}
