package main

import (
	"io"
	"testing"
	"time"

	"staffmgr/models"
)

func TestLockoutConfig(t *testing.T) {
	t.Parallel()
	parse := func(env map[string]string, args ...string) (Config, error) {
		cfg, _, err := parseConfig("serve", args, func(k string) string { return env[k] }, io.Discard)
		return cfg, err
	}
	cfg, err := parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.Lockout; l.LoginLimit != 10 || l.IPLimit != 30 || l.Window != 15*time.Minute || l.Duration != 15*time.Minute {
		t.Errorf("default lockout %+v", l)
	}
	cfg, err = parse(map[string]string{
		"STAFFMGR_LOCKOUT_LOGIN_FAILURES": "5",
		"STAFFMGR_LOCKOUT_IP_FAILURES":    "0",
		"STAFFMGR_LOCKOUT_WINDOW":         "1h",
	}, "-lockout-duration", "2h")
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.Lockout; l.LoginLimit != 5 || l.IPLimit != models.LockoutOff || l.Window != time.Hour || l.Duration != 2*time.Hour {
		t.Errorf("configured lockout %+v", l)
	}
	for name, value := range map[string]string{
		"STAFFMGR_LOCKOUT_LOGIN_FAILURES": "-1",
		"STAFFMGR_LOCKOUT_IP_FAILURES":    "many",
		"STAFFMGR_LOCKOUT_WINDOW":         "0s",
		"STAFFMGR_LOCKOUT_DURATION":       "soon",
	} {
		if _, err := parse(map[string]string{name: value}); err == nil {
			t.Errorf("%s=%s accepted", name, value)
		}
	}
}
