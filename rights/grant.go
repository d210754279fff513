package rights

import "slices"

// Where an answer about one right comes from.
const (
	FromFull       = "full access"
	FromDepartment = "department"
	FromPersonal   = "personal"
	FromNone       = "none"
)

// HoldsAll reports whether an account of level holds every right whatever else is
// known of it: root, or an employee with full access (default_access_allow). The flag
// counts for nothing below admin, where no right applies.
func HoldsAll(level Level, fullAccess bool) bool {
	return level >= Root || level >= Admin && fullAccess
}

// Grants is what decides the rights of one account.
type Grants struct {
	Level      Level
	FullAccess bool                // the account's default_access_allow
	Personal   map[string]bool     // the account's own settings: allow (true) or deny (false)
	Granting   map[string][]string // per right, the names of the account's active departments that grant it
}

// Decision is whether a right is held and why.
type Decision struct {
	Allow  bool
	Source string // FromFull, FromPersonal, FromNone, or "department NAME"
}

// Decide is the rule for every right, both to enforce it and to show where it comes
// from: root and full-access employees hold every right; otherwise a personal deny
// wins over the departments and a personal allow adds to them; without a personal
// setting a right is held when an active department grants it. The source names the
// first such department by name.
func (g Grants) Decide(right string) Decision {
	if HoldsAll(g.Level, g.FullAccess) {
		return Decision{Allow: true, Source: FromFull}
	}
	if allow, ok := g.Personal[right]; ok {
		return Decision{Allow: allow, Source: FromPersonal}
	}
	if names := g.Granting[right]; len(names) > 0 {
		return Decision{Allow: true, Source: FromDepartment + " " + slices.Min(names)}
	}
	return Decision{Allow: false, Source: FromNone}
}

// Held returns the rights the account holds one by one, by its personal settings and
// its departments as Decide weighs them, full access aside: the Rights of its Holder.
// A full-access account holds every right, which no set of names can list.
func (g Grants) Held() map[string]bool {
	one := Grants{Personal: g.Personal, Granting: g.Granting}
	held := map[string]bool{}
	for right := range g.Personal {
		if one.Decide(right).Allow {
			held[right] = true
		}
	}
	for right := range g.Granting {
		if one.Decide(right).Allow {
			held[right] = true
		}
	}
	return held
}
