package rights

import "sort"

// Holder is an account as the dominance rule sees it: its level, whether it has full
// access (default_access_allow), and the rights it holds without full access
// (Grants.Held).
type Holder struct {
	ID         int64
	Level      Level
	FullAccess bool
	Rights     map[string]bool
}

// Holds reports whether the holder holds a right: every right with full access.
func (h Holder) Holds(right string) bool { return h.full() || h.Rights[right] }

// full reports whether the holder holds every right (HoldsAll).
func (h Holder) full() bool { return HoldsAll(h.Level, h.FullAccess) }

// What an actor may lack to dominate an account, besides a right of the account's.
const (
	LacksRoot         = "root"                 // only root acts on root
	LacksFullAccess   = "default_access_allow" // the account has full access, the actor has not
	LacksAdminToAdmin = "not_admin_to_admin"   // full access over full access, which the policy forbids
	LacksLevel        = "level"                // the actor is no employee
)

// Dominates decides whether actor may create, change, suspend, delete, log out,
// impersonate or register a login key for target, as target is (or will be after the
// change). It returns "" when actor dominates target, or else what actor lacks: one of
// the Lacks constants or the name of a right target holds and actor does not.
//
// Root dominates everyone. A full-access employee dominates everyone but root and,
// unless adminToAdmin, other full-access employees. Anyone else dominates an account
// without full access whose rights are a subset of their own. Everyone dominates their
// own account; what they may change of it is decided elsewhere.
func Dominates(actor, target Holder, adminToAdmin bool) string {
	switch {
	case actor.ID != 0 && actor.ID == target.ID:
		return ""
	case actor.Level >= Root:
		return ""
	case target.Level >= Root:
		return LacksRoot
	case actor.Level < Admin:
		return LacksLevel
	case actor.full():
		if target.full() && !adminToAdmin {
			return LacksAdminToAdmin
		}
		return ""
	case target.full():
		return LacksFullAccess
	}
	return firstMissing(target.Rights, actor.Rights)
}

// firstMissing returns the first right, in name order, that have lacks of want.
func firstMissing(want, have map[string]bool) string {
	var missing []string
	for r, on := range want {
		if on && !have[r] {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	sort.Strings(missing)
	return missing[0]
}
