package rights

// Where an answer about one right comes from.
const (
	FromFull       = "full access"
	FromDepartment = "department"
	FromPersonal   = "personal"
	FromNone       = "none"
)

// Grants is what is known of one account and one right.
type Grants struct {
	Level      Level
	FullAccess bool     // the account's default_access_allow
	Personal   *bool    // the personal setting: allow, deny, or nil when none
	Granting   []string // names of the account's active departments that grant the right
}

// Decision is whether the right is held and why.
type Decision struct {
	Allow  bool
	Source string // FromFull, FromPersonal, FromNone, or "department NAME"
}

// Decide applies the rules: root and full-access accounts hold every right; a
// personal deny wins over the departments and a personal allow adds to them;
// otherwise a right is held when an active department grants it.
func Decide(g Grants) Decision {
	switch {
	case g.Level >= Root || g.FullAccess:
		return Decision{Allow: true, Source: FromFull}
	case g.Personal != nil:
		return Decision{Allow: *g.Personal, Source: FromPersonal}
	case len(g.Granting) > 0:
		return Decision{Allow: true, Source: FromDepartment + " " + g.Granting[0]}
	}
	return Decision{Allow: false, Source: FromNone}
}
