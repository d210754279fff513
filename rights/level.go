// Package rights holds the access levels and the rules that decide who may call
// what. Everything here is a pure function of its arguments: no HTTP, no SQL.
package rights

import "strconv"

// Level is an account's access level, numbered as BILLmanager numbers them.
type Level int

// The access levels. Guest is the level of a request that carries no credentials.
const (
	Guest Level = 0
	User  Level = 16
	Admin Level = 28
	Root  Level = 31
)

// String returns the level's name: root, admin, user or guest.
func (l Level) String() string {
	switch l {
	case Root:
		return "root"
	case Admin:
		return "admin"
	case User:
		return "user"
	case Guest:
		return "guest"
	}
	return strconv.Itoa(int(l))
}

// Valid reports whether l is a level an account can have.
func (l Level) Valid() bool { return l == Root || l == Admin || l == User }

// Allows reports whether an account of level have may call a func that needs level need.
func Allows(have, need Level) bool { return have >= need }

// CanManage reports whether an account of level actor may act on (register keys for,
// end the sessions of) an account of level target: nobody acts above their own level.
func CanManage(actor, target Level) bool { return actor >= Admin && actor >= target }
