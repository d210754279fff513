// Command staffmgr is the staff-management server that speaks the BILLmanager 6 API.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"staffmgr/models/errs"

	"golang.org/x/term"
	"gorm.io/gorm"

	"staffmgr/handlers"
	"staffmgr/models"
	"staffmgr/session"
)

// version is set at build time with -ldflags "-X main.version=…"; empty, the
// build info names the commit.
var version string

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// run carries out one command line and returns the exit code.
func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	command := "serve"
	switch {
	case len(args) > 0 && (args[0] == "--version" || args[0] == "-version"):
		command, args = "version", args[1:]
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		command, args = args[0], args[1:]
	}
	switch command {
	case "help":
		usage(stdout)
		return 0
	case "version":
		fmt.Fprintln(stdout, "staffmgr", versionString())
		return 0
	case "docs":
		return docsCommand(args, stdout, stderr)
	case "serve", "migrate", "passwd", "backup", "restore", "import", "export", "seed":
	default:
		fmt.Fprintf(stderr, "staffmgr: unknown command %q\n\n", command)
		usage(stderr)
		return 2
	}
	var importArgs []string
	switch command {
	case "import":
		args, importArgs = splitImportFlags(args)
	case "seed":
		args, importArgs = splitSeedFlags(args)
	}
	cfg, rest, err := parseConfig(command, args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "staffmgr:", err)
		return 2
	}
	log := newLogger(cfg.LogFormat, stderr)
	ctx := context.Background()
	switch command {
	case "migrate":
		err = migrateCommand(ctx, cfg, stdout)
	case "passwd":
		if len(rest) != 1 {
			fmt.Fprintln(stderr, "staffmgr: usage: staffmgr passwd LOGIN")
			return 2
		}
		err = passwdCommand(ctx, cfg, rest[0], stdin, stderr)
	case "import":
		err = importCommand(ctx, cfg, append(importArgs, rest...), getenv, stdin, stdout, stderr)
	case "export":
		err = exportCommand(ctx, cfg, rest, stdout)
	case "seed":
		err = seedCommand(ctx, cfg, append(importArgs, rest...), stdout, stderr)
	case "backup", "restore":
		if len(rest) != 1 {
			fmt.Fprintf(stderr, "staffmgr: usage: staffmgr %s FILE\n", command)
			return 2
		}
		if command == "backup" {
			err = backupCommand(ctx, cfg, rest[0], stdout)
		} else {
			err = restoreCommand(ctx, cfg, rest[0], stdout)
		}
	default:
		err = serve(ctx, cfg, log, stdout)
	}
	if e, ok := errs.As(err); ok {
		fmt.Fprintln(stderr, "staffmgr:", e.Message())
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "staffmgr:", err)
		return 1
	}
	return 0
}

// versionString is the version linked in, or else the commit the build info
// records (see versionOf).
func versionString() string {
	info, _ := debug.ReadBuildInfo()
	return versionOf(version, info)
}

// versionOf is linked when a version was linked in, or else the commit of info:
// its first 12 hex digits, and -dirty when the work tree had changes. make links
// the same string, so one commit has one version however staffmgr was built. A
// build without either (go run, or from a tree without git) is "devel".
func versionOf(linked string, info *debug.BuildInfo) string {
	if linked != "" {
		return linked
	}
	var rev string
	var dirty bool
	if info != nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// serve runs the server until SIGINT or SIGTERM, then lets requests in flight finish.
func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	m := &Main{Config: cfg, Log: log, Stdout: stdout}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	select {
	case sig := <-stop:
		log.Info("shutting down", "signal", sig.String())
	case err := <-m.Done():
		m.Close()
		return err
	}
	return m.Close()
}

// Main is the running server: a test starts it on :0 with Run and stops it with Close.
type Main struct {
	Config Config
	Log    *slog.Logger
	Stdout io.Writer // where a generated root password is printed, once

	DB       *gorm.DB
	App      *handlers.App
	server   *http.Server
	listener net.Listener
	// ops serves the metrics and health checks when STAFFMGR_METRICS_LISTEN names
	// an address of their own.
	ops         *http.Server
	opsListener net.Listener
	// pprof serves the profiler when STAFFMGR_PPROF_LISTEN names an address.
	pprof         *http.Server
	pprofListener net.Listener
	release       func() error // lifts the hold on an SQLite database
	done          chan error
	stop          chan struct{}
	wg            sync.WaitGroup
}

// Run opens and migrates the database, creates root on first start, and starts
// serving in the background.
func (m *Main) Run(ctx context.Context) error {
	if m.Log == nil {
		m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	// The hold comes first: a restore may not replace the file under an open pool.
	var err error
	if m.release, err = holdDatabase(m.Config.DB); err != nil {
		return err
	}
	db, err := models.Open(m.Config.DB)
	if err != nil {
		return err
	}
	m.DB = db
	applied, err := models.Migrate(ctx, db)
	if err != nil {
		return err
	}
	for _, name := range applied {
		m.Log.Info("migration applied", "migration", name)
	}
	if err := m.ensureRoot(ctx); err != nil {
		return err
	}

	sessions := session.New(db, session.Config{IdleTimeout: m.Config.SessionIdle, Lifetime: m.Config.SessionLifetime})
	m.App, err = handlers.New(db, sessions, handlers.Config{
		Passwords:       m.Config.Passwords,
		PasswordPolicy:  m.Config.PasswordPolicy,
		KeyLifetime:     m.Config.KeyLifetime,
		SecureCookies:   m.Config.SecureCookies,
		TrustedProxies:  m.Config.TrustedProxies,
		Su:              m.Config.Su,
		Lockout:         m.Config.Lockout,
		SMSGateway:      m.Config.SMSGateway,
		SeparateMetrics: m.Config.MetricsListen != "",
		UISLimits:       m.Config.UISLimits,
	}, m.Log)
	if err != nil {
		return err
	}
	m.listener, err = net.Listen("tcp", m.Config.Listen)
	if err != nil {
		return err
	}
	if m.Config.MetricsListen != "" {
		if m.opsListener, err = net.Listen("tcp", m.Config.MetricsListen); err != nil {
			m.listener.Close()
			return fmt.Errorf("STAFFMGR_METRICS_LISTEN: %w", err)
		}
		m.ops = m.httpServer(m.App.OpsHandler())
	}
	if m.Config.PprofListen != "" {
		if m.pprofListener, err = net.Listen("tcp", m.Config.PprofListen); err != nil {
			m.listener.Close()
			if m.opsListener != nil {
				m.opsListener.Close()
			}
			return fmt.Errorf("STAFFMGR_PPROF_LISTEN: %w", err)
		}
		m.pprof = m.httpServer(profiler())
		m.pprof.WriteTimeout = 0 // a CPU profile takes as long as it was asked to
	}
	m.server = m.httpServer(m.App.Echo())
	m.done = make(chan error, 2)
	m.stop = make(chan struct{})
	m.serve(m.server, m.listener)
	if m.ops != nil {
		m.serve(m.ops, m.opsListener)
		m.Log.Info("metrics listening", "address", m.MetricsAddr())
	}
	if m.pprof != nil {
		m.serve(m.pprof, m.pprofListener)
		m.Log.Info("profiler listening", "address", m.pprofListener.Addr().String())
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.cleanup()
	}()
	m.Log.Info("staffmgr listening", "address", m.Addr(), "database", models.Kind(db), "version", versionString())
	return nil
}

// httpServer is an HTTP server of h with the server's timeouts and log.
func (m *Main) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
}

// serve runs s on l in the background; Done reports its failure.
func (m *Main) serve(s *http.Server, l net.Listener) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := s.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.done <- err
		}
	}()
}

// profiler is Go's profiler, on a mux of its own so that it is served only where
// STAFFMGR_PPROF_LISTEN says, never with the API.
func profiler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// ensureRoot creates the root account on first start, with STAFFMGR_ROOT_PASSWORD or
// a generated password printed once.
func (m *Main) ensureRoot(ctx context.Context) error {
	password := m.Config.RootPassword
	generated := password == ""
	if generated {
		password = models.GeneratePassword()
	} else if err := m.Config.PasswordPolicy.Check(password); err != nil {
		if _, findErr := models.FindAccountByLogin(ctx, m.DB, models.RootLogin); findErr == nil {
			password = "" // root exists: the variable is not used, so its strength does not matter
		} else {
			e, _ := errs.As(err)
			return fmt.Errorf("STAFFMGR_ROOT_PASSWORD: %s", e.Message())
		}
	}
	if password == "" {
		return nil
	}
	created, err := models.EnsureRoot(ctx, m.DB, m.Config.Passwords, password)
	if err != nil {
		return fmt.Errorf("create root: %w", err)
	}
	if created {
		m.Log.Info("root account created", "login", models.RootLogin)
		if generated {
			fmt.Fprintf(m.Stdout, "staffmgr: created the account root with password %s\n"+
				"staffmgr: it is shown only now; change it with: staffmgr passwd root\n", password)
		}
	}
	return nil
}

// cleanup removes expired sessions and keys every few minutes until Close.
func (m *Main) cleanup() {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			if err := m.App.Cleanup(ctx); err != nil {
				m.Log.Warn("cleanup", "error", err)
			}
			cancel()
		}
	}
}

// Addr is the address the server listens on.
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

// MetricsAddr is the address of the metrics listener, or "" when the metrics are
// served with the API.
func (m *Main) MetricsAddr() string {
	if m.opsListener == nil {
		return ""
	}
	return m.opsListener.Addr().String()
}

// Done reports a server that stopped by itself.
func (m *Main) Done() <-chan error { return m.done }

// Close stops accepting requests, waits up to 30 seconds for those in flight, and
// closes the database.
func (m *Main) Close() error {
	var err error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = m.server.Shutdown(ctx)
		if m.ops != nil {
			m.ops.Shutdown(ctx)
			m.ops = nil
		}
		if m.pprof != nil {
			m.pprof.Close()
			m.pprof = nil
		}
		cancel()
		close(m.stop)
		m.wg.Wait()
		m.server = nil
	}
	if m.DB != nil {
		if cerr := models.Close(m.DB); err == nil {
			err = cerr
		}
		m.DB = nil
	}
	if m.release != nil {
		if rerr := m.release(); err == nil {
			err = rerr
		}
		m.release = nil
	}
	return err
}

// migrateCommand applies pending migrations.
func migrateCommand(ctx context.Context, cfg Config, stdout io.Writer) error {
	db, release, err := openHeld(cfg.DB)
	if err != nil {
		return err
	}
	defer release()
	applied, err := models.Migrate(ctx, db)
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	if err == nil && len(applied) == 0 {
		fmt.Fprintln(stdout, "the schema is up to date")
	}
	return err
}

// passwdCommand sets an account's password, read from a terminal prompt (twice,
// without echo) or from the first line of standard input.
func passwdCommand(ctx context.Context, cfg Config, login string, stdin io.Reader, stderr io.Writer) error {
	db, release, err := openMigrated(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer release()
	acc, err := models.FindAccountByLogin(ctx, db, login)
	if err != nil {
		return err
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := cfg.PasswordPolicy.Check(password); err != nil {
		return err
	}
	if err := models.SetPassword(ctx, db, cfg.Passwords, acc.ID, password); err != nil {
		return err
	}
	n, err := session.EndPerson(ctx, db, acc.ID, "")
	if err != nil {
		return err
	}
	if err := models.DeleteKeysOf(ctx, db, acc.ID); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "password of %s changed; %d session(s) ended\n", login, n)
	return nil
}

func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "New password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Repeat it: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}
