package models

import "strings"

// ParseOnOff reads a checkbox as requests spell it, without regard to case: on, yes,
// true or 1 is on; off, no, false, 0 or nothing is off. ok is false for anything else,
// which a caller that only asks whether a box is ticked takes as off.
func ParseOnOff(v string) (on, ok bool) {
	switch strings.ToLower(v) {
	case "on", "yes", "true", "1":
		return true, true
	case "off", "no", "false", "0", "":
		return false, true
	}
	return false, false
}
