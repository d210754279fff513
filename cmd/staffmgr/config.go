package main

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"staffmgr/handlers"
	"staffmgr/models"
)

// Config is the server's configuration, from flags and STAFFMGR_* variables; a flag
// wins over its variable.
type Config struct {
	Listen          string
	DB              string
	RootPassword    string
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	KeyLifetime     time.Duration
	SecureCookies   bool
	LogFormat       string
	PasswordPolicy  models.PasswordPolicy
	Passwords       models.PasswordParams
	TrustedProxies  []netip.Prefix
	Su              handlers.SuPolicy
	Lockout         models.Lockout
	SMSGateway      string
	MetricsListen   string
	PprofListen     string
	UISLimits       models.RequestLimits
}

// DefaultConfig is the configuration with nothing set.
func DefaultConfig() Config {
	return Config{
		Listen:          "127.0.0.1:1500",
		DB:              "./staffmgr.db",
		SessionIdle:     time.Hour,
		SessionLifetime: 10 * time.Hour,
		KeyLifetime:     time.Hour,
		LogFormat:       "text",
		PasswordPolicy:  models.DefaultPasswordPolicy,
		Passwords:       models.DefaultPasswordParams,
		Su:              handlers.SuPolicy{Lifetime: time.Hour},
		Lockout:         models.DefaultLockout,
	}
}

// envVars documents every variable; flags share their names, lower case, without the
// prefix and with - for _.
var envVars = []struct{ name, help string }{
	{"STAFFMGR_LISTEN", "address to listen on (default 127.0.0.1:1500)"},
	{"STAFFMGR_DB", "database: a file path or sqlite:PATH, or postgres://… (default ./staffmgr.db)"},
	{"STAFFMGR_ROOT_PASSWORD", "password of the root account created on first start (default: generated and printed once)"},
	{"STAFFMGR_SESSION_IDLE", "a session ends this long after its last request (default 1h)"},
	{"STAFFMGR_SESSION_LIFETIME", "a session ends this long after login, however active (default 10h)"},
	{"STAFFMGR_KEY_LIFETIME", "a one-time login key from session.newkey expires after this (default 1h)"},
	{"STAFFMGR_SECURE_COOKIES", "mark the session cookie Secure, behind HTTPS (default false)"},
	{"STAFFMGR_LOG_FORMAT", "text or json (default text)"},
	{"STAFFMGR_PASSWORD_MIN_LENGTH", "shortest password accepted (default 8)"},
	{"STAFFMGR_PASSWORD_CLASSES", "characters a password needs, a comma list of lower, upper, digit, symbol, or none (default all four)"},
	{"STAFFMGR_ARGON2", "argon2id cost of new password hashes as m=KiB,t=passes,p=threads (default m=19456,t=2,p=1)"},
	{"STAFFMGR_TRUSTED_PROXIES", "addresses or networks of proxies whose X-Forwarded-For names the client, comma-separated (default none)"},
	{"STAFFMGR_SU_LIFETIME", "an su session (employee.su) ends this long after it opened (default 1h)"},
	{"STAFFMGR_SU_NOT_ADMIN_TO_ADMIN", "only root may act as, or act on, a full-access employee (default true)"},
	{"STAFFMGR_SU_REASON_REQUIRED", "employee.su and su= need a reason parameter (default false)"},
	{"STAFFMGR_LOCKOUT_LOGIN_FAILURES", "failed logins of one login within the window that block it; 0 turns this off (default 10)"},
	{"STAFFMGR_LOCKOUT_IP_FAILURES", "failed logins from one address within the window that block it; 0 turns this off (default 30)"},
	{"STAFFMGR_LOCKOUT_WINDOW", "the window in which failed logins are counted (default 15m)"},
	{"STAFFMGR_LOCKOUT_DURATION", "how long a blocked login or address stays blocked (default 15m)"},
	{"STAFFMGR_SMS_GATEWAY", "where employee.sms sends: an http:// or https:// URL that takes a JSON POST, or file:PATH (default none)"},
	{"STAFFMGR_METRICS_LISTEN", "serve /metrics (and /healthz, /readyz) on this address instead of the API's (default: on the API's)"},
	{"STAFFMGR_PPROF_LISTEN", "serve Go's profiler (/debug/pprof/) on this address, for finding where time goes; keep it on loopback (default: off)"},
	{"STAFFMGR_UIS_LIMIT_PER_MINUTE", "Data API calls one token may make per minute; 0 is no limit (default 0)"},
	{"STAFFMGR_UIS_LIMIT_PER_DAY", "Data API calls one token may make per UTC day; 0 is no limit (default 0)"},
}

// parseConfig reads the configuration of a command from its arguments and environment.
func parseConfig(command string, args []string, getenv func(string) string, stderr io.Writer) (Config, []string, error) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("staffmgr "+command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := map[string]*string{}
	for _, v := range envVars {
		if v.name == "STAFFMGR_ROOT_PASSWORD" {
			continue // a secret has no flag: flags show in process lists
		}
		name := strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(v.name, "STAFFMGR_")), "_", "-")
		values[v.name] = fs.String(name, getenv(v.name), v.help)
	}
	fs.Usage = func() { usage(stderr) }
	if err := fs.Parse(args); err != nil {
		return cfg, nil, err
	}
	get := func(name string) string { return strings.TrimSpace(*values[name]) }
	var err error
	set := func(name string, apply func(string) error) {
		if v := get(name); v != "" && err == nil {
			if e := apply(v); e != nil {
				err = fmt.Errorf("%s: %w", name, e)
			}
		}
	}
	duration := func(dst *time.Duration) func(string) error {
		return func(v string) error {
			d, e := time.ParseDuration(v)
			if e != nil || d <= 0 {
				return fmt.Errorf("%q is not a positive duration such as 30m or 2h", v)
			}
			*dst = d
			return nil
		}
	}
	set("STAFFMGR_LISTEN", func(v string) error { cfg.Listen = v; return nil })
	set("STAFFMGR_DB", func(v string) error { cfg.DB = v; return nil })
	set("STAFFMGR_PPROF_LISTEN", func(v string) error { cfg.PprofListen = v; return nil })
	set("STAFFMGR_SESSION_IDLE", duration(&cfg.SessionIdle))
	set("STAFFMGR_SESSION_LIFETIME", duration(&cfg.SessionLifetime))
	set("STAFFMGR_KEY_LIFETIME", duration(&cfg.KeyLifetime))
	set("STAFFMGR_SECURE_COOKIES", func(v string) error {
		b, e := strconv.ParseBool(v)
		cfg.SecureCookies = b
		return e
	})
	set("STAFFMGR_LOG_FORMAT", func(v string) error {
		if v != "text" && v != "json" {
			return fmt.Errorf("%q is neither text nor json", v)
		}
		cfg.LogFormat = v
		return nil
	})
	set("STAFFMGR_PASSWORD_MIN_LENGTH", func(v string) error {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 || n > 128 {
			return fmt.Errorf("%q is not a length from 1 to 128", v)
		}
		cfg.PasswordPolicy.MinLength = n
		return nil
	})
	set("STAFFMGR_PASSWORD_CLASSES", func(v string) error {
		cfg.PasswordPolicy.Classes = nil
		if v == "none" {
			return nil
		}
		for _, c := range strings.Split(v, ",") {
			c = strings.TrimSpace(c)
			if _, ok := models.PasswordClasses[c]; !ok {
				return fmt.Errorf("%q is not one of lower, upper, digit, symbol", c)
			}
			cfg.PasswordPolicy.Classes = append(cfg.PasswordPolicy.Classes, c)
		}
		return nil
	})
	set("STAFFMGR_ARGON2", func(v string) error {
		var p models.PasswordParams
		if _, e := fmt.Sscanf(v, "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); e != nil || p.Memory < 8 || p.Time < 1 || p.Threads < 1 {
			return fmt.Errorf("%q is not m=KiB,t=passes,p=threads", v)
		}
		cfg.Passwords = p
		return nil
	})
	set("STAFFMGR_TRUSTED_PROXIES", func(v string) error {
		list, e := models.ParseIPList(v)
		if e != nil {
			return e
		}
		for _, entry := range strings.Split(list, ",") {
			p, e := netip.ParsePrefix(entry)
			if e != nil {
				a, _ := netip.ParseAddr(entry)
				p = netip.PrefixFrom(a, a.BitLen())
			}
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
		return nil
	})
	set("STAFFMGR_SU_LIFETIME", duration(&cfg.Su.Lifetime))
	set("STAFFMGR_SU_NOT_ADMIN_TO_ADMIN", func(v string) error {
		b, e := strconv.ParseBool(v)
		cfg.Su.AdminToAdmin = !b
		return e
	})
	set("STAFFMGR_SU_REASON_REQUIRED", func(v string) error {
		b, e := strconv.ParseBool(v)
		cfg.Su.ReasonRequired = b
		return e
	})
	failures := func(dst *int) func(string) error {
		return func(v string) error {
			n, e := strconv.Atoi(v)
			if e != nil || n < 0 {
				return fmt.Errorf("%q is not a number of failures (0 turns the counter off)", v)
			}
			if n == 0 {
				n = models.LockoutOff
			}
			*dst = n
			return nil
		}
	}
	set("STAFFMGR_LOCKOUT_LOGIN_FAILURES", failures(&cfg.Lockout.LoginLimit))
	set("STAFFMGR_LOCKOUT_IP_FAILURES", failures(&cfg.Lockout.IPLimit))
	set("STAFFMGR_LOCKOUT_WINDOW", duration(&cfg.Lockout.Window))
	set("STAFFMGR_LOCKOUT_DURATION", duration(&cfg.Lockout.Duration))
	set("STAFFMGR_METRICS_LISTEN", func(v string) error { cfg.MetricsListen = v; return nil })
	set("STAFFMGR_SMS_GATEWAY", func(v string) error {
		cfg.SMSGateway = v
		return handlers.CheckSMSGateway(v)
	})
	calls := func(dst *int) func(string) error {
		return func(v string) error {
			n, e := strconv.Atoi(v)
			if e != nil || n < 0 {
				return fmt.Errorf("%q is not a number of calls (0 for no limit)", v)
			}
			*dst = n
			return nil
		}
	}
	set("STAFFMGR_UIS_LIMIT_PER_MINUTE", calls(&cfg.UISLimits.PerMinute))
	set("STAFFMGR_UIS_LIMIT_PER_DAY", calls(&cfg.UISLimits.PerDay))
	if err != nil {
		return cfg, nil, err
	}
	if cfg.MetricsListen != "" && cfg.MetricsListen == cfg.Listen {
		return cfg, nil, fmt.Errorf("STAFFMGR_METRICS_LISTEN is the API's own address; leave it unset to serve /metrics there")
	}
	if cfg.SessionIdle > cfg.SessionLifetime {
		return cfg, nil, fmt.Errorf("the session idle time (%s) is longer than its lifetime (%s)", cfg.SessionIdle, cfg.SessionLifetime)
	}
	cfg.RootPassword = getenv("STAFFMGR_ROOT_PASSWORD")
	return cfg, fs.Args(), nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `staffmgr: the staff-management server that speaks the BILLmanager 6 API.

Usage:
  staffmgr [serve] [flags]     run the server (the default)
  staffmgr migrate [flags]     apply schema migrations and exit
  staffmgr passwd LOGIN        set LOGIN's password, read from standard input or a prompt
  staffmgr backup FILE         write a consistent copy of the running SQLite database to FILE
  staffmgr restore FILE        put the copy FILE in place of the SQLite database (servers stopped)
  staffmgr import billmanager [--dry-run] [--no-keys] [--keys FILE] URL
                               copy departments, employees and their rights from a
                               BILLmanager 6 (authinfo from STAFFMGR_IMPORT_AUTHINFO or a prompt)
  staffmgr import csv [--dry-run] [--no-keys] [--keys FILE] FILE
                               the same from a file staffmgr export wrote
  staffmgr export [FILE]       write departments and employees as CSV to FILE or stdout
  staffmgr seed --employees N --departments M [--password P] [--force]
                               fill the database with realistic staff for load runs
  staffmgr docs [FILE]         write the API reference (docs/api.md) to FILE or stdout
  staffmgr version             print the version (also --version)
  staffmgr help                print this help

Every setting is a flag or an environment variable; a flag wins:
`)
	for _, v := range envVars {
		flagName := "-" + strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(v.name, "STAFFMGR_")), "_", "-")
		if v.name == "STAFFMGR_ROOT_PASSWORD" {
			flagName = "(no flag)"
		}
		fmt.Fprintf(w, "  %-32s %-24s %s\n", v.name, flagName, v.help)
	}
}
