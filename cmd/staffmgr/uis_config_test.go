package main

import (
	"io"
	"testing"
)

func TestUISLimitsConfig(t *testing.T) {
	t.Parallel()
	parse := func(env map[string]string, args ...string) (Config, error) {
		cfg, _, err := parseConfig("serve", args, func(k string) string { return env[k] }, io.Discard)
		return cfg, err
	}
	cfg, err := parse(nil)
	if err != nil || !cfg.UISLimits.Off() {
		t.Fatalf("the limits are on by default: %+v, %v", cfg.UISLimits, err)
	}
	cfg, err = parse(map[string]string{"STAFFMGR_UIS_LIMIT_PER_MINUTE": "60"}, "-uis-limit-per-day", "5000")
	if err != nil || cfg.UISLimits.PerMinute != 60 || cfg.UISLimits.PerDay != 5000 {
		t.Errorf("limits: %+v, %v", cfg.UISLimits, err)
	}
	for _, bad := range []string{"-1", "many", "1.5"} {
		if _, err := parse(map[string]string{"STAFFMGR_UIS_LIMIT_PER_DAY": bad}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
