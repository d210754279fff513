package main

import (
	"io"
	"testing"
)

func TestSMSGatewayConfig(t *testing.T) {
	t.Parallel()
	parse := func(env map[string]string, args ...string) (Config, error) {
		cfg, _, err := parseConfig("serve", args, func(k string) string { return env[k] }, io.Discard)
		return cfg, err
	}
	cfg, err := parse(nil)
	if err != nil || cfg.SMSGateway != "" {
		t.Fatalf("default gateway %q, %v", cfg.SMSGateway, err)
	}
	for _, good := range []string{"https://sms.example.com/send?key=x", "http://127.0.0.1:9000/", "file:/tmp/sms.jsonl"} {
		cfg, err := parse(map[string]string{"STAFFMGR_SMS_GATEWAY": good})
		if err != nil || cfg.SMSGateway != good {
			t.Errorf("%s: got %q, %v", good, cfg.SMSGateway, err)
		}
	}
	if cfg, err := parse(nil, "-sms-gateway", "file:sms.jsonl"); err != nil || cfg.SMSGateway != "file:sms.jsonl" {
		t.Errorf("flag: got %q, %v", cfg.SMSGateway, err)
	}
	for _, bad := range []string{"ftp://sms.example.com", "sms.example.com", "https://", "file:", "smtp:x"} {
		if _, err := parse(map[string]string{"STAFFMGR_SMS_GATEWAY": bad}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
