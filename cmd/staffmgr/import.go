package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"
	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/models/errs"
	"staffmgr/rights"
)

// staffSet is what an import brings: departments, and employees with their
// departments (by name) and personal rights.
type staffSet struct {
	Departments []importDepartment
	Employees   []importEmployee
}

type importDepartment struct {
	Name, Description string
	ShowInSupport     bool
}

type importEmployee struct {
	Card        models.Account  // the card, and Enabled
	Departments map[string]bool // by department name: active or excluded
	Rights      map[string]bool // personal settings: allow or deny
}

// importOptions are the flags of staffmgr import.
type importOptions struct {
	Source      string // what the journal row names: "billmanager URL" or "csv FILE"
	DryRun      bool
	NoKeys      bool
	KeysFile    string
	KeyLifetime time.Duration
	Passwords   models.PasswordParams
}

// importReport counts what an import did, or would do.
type importReport struct {
	DepartmentsCreated, DepartmentsPresent int
	EmployeesCreated, EmployeesPresent     int
	Memberships, Rights                    int
	KeysFile                               string
}

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("dry run")

// importFlags reads the flags of staffmgr import, before or after its arguments.
func importFlags(args []string, stderr io.Writer) (importOptions, []string, error) {
	opts := importOptions{KeyLifetime: 7 * 24 * time.Hour}
	fs := flag.NewFlagSet("staffmgr import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&opts.DryRun, "dry-run", false, "say what the import would do, and change nothing")
	fs.BoolVar(&opts.NoKeys, "no-keys", false, "register no login keys: the employees set a password with staffmgr passwd")
	fs.StringVar(&opts.KeysFile, "keys", "", "the file the one-time login keys are written to (default staffmgr-keys-TIME.txt)")
	fs.DurationVar(&opts.KeyLifetime, "key-lifetime", opts.KeyLifetime, "how long the login keys stay good")
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return opts, nil, err
		}
		if fs.NArg() == 0 {
			return opts, rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// splitImportFlags takes the import's own flags out of args, wherever they stand,
// so that the rest holds the settings every command reads and the arguments.
func splitImportFlags(args []string) (rest, own []string) {
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch {
		case !strings.HasPrefix(args[i], "-"):
			rest = append(rest, args[i])
		case name == "dry-run" || name == "no-keys":
			own = append(own, args[i])
		case (name == "keys" || name == "key-lifetime") && !hasValue && i+1 < len(args):
			own = append(own, args[i], args[i+1])
			i++
		case name == "keys" || name == "key-lifetime":
			own = append(own, args[i])
		default:
			rest = append(rest, args[i])
		}
	}
	return rest, own
}

// importCommand is staffmgr import billmanager URL and staffmgr import csv FILE.
func importCommand(ctx context.Context, cfg Config, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	opts, rest, err := importFlags(args, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 2 || (rest[0] != "billmanager" && rest[0] != "csv") {
		return errors.New("usage: staffmgr import [--dry-run] [--no-keys] [--keys FILE] billmanager URL | csv FILE")
	}
	opts.Passwords = cfg.Passwords
	opts.Source = rest[0] + " " + rest[1]
	prog := newProgress(stderr)
	var set *staffSet
	if rest[0] == "billmanager" {
		u, err := url.Parse(rest[1])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is no http:// or https:// address of the form API, such as https://billing.example.com/billmgr", rest[1])
		}
		opts.Source = rest[0] + " " + u.Redacted()
		authinfo, err := readAuthinfo(getenv, stdin, stderr)
		if err != nil {
			return err
		}
		set, err = readBillmanager(ctx, &billmanager{url: rest[1], authinfo: authinfo, client: httpClient}, prog)
		if err != nil {
			return fmt.Errorf("import from %s: %w", u.Redacted(), err)
		}
	} else {
		f, err := os.Open(rest[1])
		if err != nil {
			return err
		}
		set, err = readCSV(f, prog)
		f.Close()
		if err != nil {
			return fmt.Errorf("import %s: %w", rest[1], err)
		}
	}
	db, release, err := openMigrated(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer release()
	rep, err := applyStaff(ctx, db, set, opts, prog)
	if err != nil {
		return err
	}
	rep.print(stdout, opts)
	return nil
}

// readAuthinfo is login:password of the source's account: STAFFMGR_IMPORT_AUTHINFO,
// or else asked for on the terminal (the password without echo), or else the first
// line of standard input.
func readAuthinfo(getenv func(string) string, stdin io.Reader, stderr io.Writer) (string, error) {
	if v := getenv("STAFFMGR_IMPORT_AUTHINFO"); v != "" {
		return checkAuthinfo(v)
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Login of a root or admin account of the source: ")
		login, err := bufio.NewReader(f).ReadString('\n')
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Password: ")
		password, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		return checkAuthinfo(strings.TrimSpace(login) + ":" + string(password))
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return checkAuthinfo(strings.TrimRight(line, "\r\n"))
}

func checkAuthinfo(v string) (string, error) {
	if login, password, ok := strings.Cut(v, ":"); !ok || login == "" || password == "" {
		return "", errors.New("authinfo is login:password of a root or admin account of the source " +
			"(STAFFMGR_IMPORT_AUTHINFO, the prompt, or the first line of standard input)")
	}
	return v, nil
}

// applyStaff creates what set holds and the database lacks, in one transaction:
// departments matched by name and employees by login are left as they are. A dry
// run does the same and rolls it back. The keys file is written before the commit,
// and removed if the commit fails.
func applyStaff(ctx context.Context, db *gorm.DB, set *staffSet, opts importOptions, prog *progress) (*importReport, error) {
	if err := checkUnique(set); err != nil {
		return nil, err
	}
	rep := &importReport{}
	unusable, err := models.HashPassword(ctx, opts.Passwords, models.RandomToken(32))
	if err != nil {
		return nil, err
	}
	var keys []string
	prog.Start("write", len(set.Departments)+len(set.Employees))
	err = db.Transaction(func(tx *gorm.DB) error {
		depIDs := map[string]int64{}
		for _, d := range set.Departments {
			found, err := models.FindDepartmentByName(ctx, tx, d.Name)
			switch {
			case err == nil:
				rep.DepartmentsPresent++
			case errors.Is(err, errs.Missed):
				found = &models.Department{Name: d.Name, Description: d.Description, ShowInSupport: d.ShowInSupport}
				if err := models.SaveDepartment(ctx, tx, found); err != nil {
					return fmt.Errorf("department %q: %w", d.Name, err)
				}
				rep.DepartmentsCreated++
			default:
				return err
			}
			depIDs[strings.ToLower(found.Name)] = found.ID
			prog.Add(1)
		}
		for _, e := range set.Employees {
			if e.Card.Login == models.RootLogin {
				prog.Add(1)
				continue // every staffmgr has its own root, made on first start
			}
			key, err := importEmployeeTx(ctx, tx, e, depIDs, unusable, opts, rep)
			if err != nil {
				return fmt.Errorf("employee %q: %w", e.Card.Login, err)
			}
			if key != "" {
				keys = append(keys, e.Card.Login+" "+key)
			}
			prog.Add(1)
		}
		prog.Finish()
		if opts.DryRun {
			return errDryRun
		}
		if rep.DepartmentsCreated+rep.EmployeesCreated > 0 {
			if err := journalImport(ctx, tx, opts.Source, rep); err != nil {
				return err
			}
		}
		if len(keys) > 0 {
			if rep.KeysFile, err = writeKeys(opts.KeysFile, keys); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return rep, nil
	}
	if err != nil {
		if rep.KeysFile != "" {
			os.Remove(rep.KeysFile)
			rep.KeysFile = ""
		}
		if e, ok := errs.As(err); ok {
			return nil, fmt.Errorf("%s (%s %q): nothing was changed", err, e.Object, e.Value)
		}
		return nil, fmt.Errorf("%w: nothing was changed", err)
	}
	return rep, nil
}

// journalImport writes the import's row of the audit journal: func "import", by
// no account, with what it read from and what it created.
func journalImport(ctx context.Context, tx *gorm.DB, source string, rep *importReport) error {
	params, err := json.Marshal(map[string]string{"source": source,
		"departments": strconv.Itoa(rep.DepartmentsCreated), "employees": strconv.Itoa(rep.EmployeesCreated),
		"memberships": strconv.Itoa(rep.Memberships), "rights": strconv.Itoa(rep.Rights)})
	if err != nil {
		return err
	}
	return models.WriteJournal(ctx, tx, &models.JournalEntry{Func: "import", Params: string(params)})
}

// checkUnique refuses a source that names a department or an employee twice, which
// staffmgr's unique names could only take as one.
func checkUnique(set *staffSet) error {
	seen := map[string]bool{}
	for _, d := range set.Departments {
		key := strings.ToLower(strings.TrimSpace(d.Name))
		if seen[key] {
			return fmt.Errorf("the department %q is named twice: nothing was changed", d.Name)
		}
		seen[key] = true
	}
	seen = map[string]bool{}
	for _, e := range set.Employees {
		if seen[e.Card.Login] {
			return fmt.Errorf("the employee %q is named twice: nothing was changed", e.Card.Login)
		}
		seen[e.Card.Login] = true
	}
	return nil
}

// importEmployeeTx creates one employee unless their login exists, with their
// departments, personal rights and (unless NoKeys) a one-time login key, which it
// returns.
func importEmployeeTx(ctx context.Context, tx *gorm.DB, e importEmployee, depIDs map[string]int64, unusable string, opts importOptions, rep *importReport) (string, error) {
	found, err := models.FindAccountByLogin(ctx, tx, e.Card.Login)
	switch {
	case err == nil && found.Level < rights.Admin:
		return "", fmt.Errorf("the login belongs to a client of staffmgr")
	case err == nil:
		rep.EmployeesPresent++
		return "", nil
	case !errors.Is(err, errs.Missed):
		return "", err
	}
	a := e.Card
	a.ID, a.Level, a.PasswordHash = 0, rights.Admin, unusable
	if err := models.CheckEmployeeCard(&a); err != nil {
		return "", err
	}
	if err := models.SaveEmployee(ctx, tx, &a, nil); err != nil {
		return "", err
	}
	rep.EmployeesCreated++
	if !e.Card.Enabled {
		if err := models.SetEnabled(ctx, tx, a.ID, false); err != nil {
			return "", err
		}
	}
	for _, name := range sortedKeys(e.Departments) {
		id, ok := depIDs[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			d, err := models.FindDepartmentByName(ctx, tx, name)
			if errors.Is(err, errs.Missed) {
				return "", fmt.Errorf("department %q is neither imported nor in staffmgr", name)
			}
			if err != nil {
				return "", err
			}
			id = d.ID
		}
		if err := models.SetMembership(ctx, tx, a.ID, id, e.Departments[name]); err != nil {
			return "", err
		}
		rep.Memberships++
	}
	if len(e.Rights) > 0 && rights.HoldsAll(a.Level, a.DefaultAccessAllow) {
		return "", errors.New("full access holds every right: it has no personal rights to set")
	}
	for _, name := range sortedKeys(e.Rights) {
		if err := models.SetPersonalRight(ctx, tx, a.ID, name, e.Rights[name]); err != nil {
			return "", err
		}
		rep.Rights++
	}
	if opts.NoKeys || !e.Card.Enabled {
		return "", nil
	}
	key := models.RandomToken(24)
	if err := models.RegisterKey(ctx, tx, a.ID, 0, key, opts.KeyLifetime); err != nil {
		return "", err
	}
	return key, nil
}

// writeKeys writes the login keys, a "LOGIN KEY" line each, to a new file only its
// owner may read, and returns its absolute path.
func writeKeys(path string, keys []string) (string, error) {
	if path == "" {
		path = "staffmgr-keys-" + time.Now().UTC().Format("20060102-150405") + ".txt"
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("keys file: %w", err)
	}
	_, err = io.WriteString(f, strings.Join(keys, "\n")+"\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("keys file: %w", err)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path, nil
}

// print says what the import did, or would do, and how the employees log in.
func (r *importReport) print(w io.Writer, opts importOptions) {
	verb := "created"
	if opts.DryRun {
		verb = "would create"
		fmt.Fprintln(w, "dry run: nothing was changed")
	}
	if r.DepartmentsCreated == 0 && r.EmployeesCreated == 0 {
		fmt.Fprintf(w, "nothing to import: the %s and %s are all here already\n",
			count(r.DepartmentsPresent, "department"), count(r.EmployeesPresent, "employee"))
		return
	}
	fmt.Fprintf(w, "%s %s (%d here already) and %s (%d here already), with %s and %s\n",
		verb, count(r.DepartmentsCreated, "department"), r.DepartmentsPresent, count(r.EmployeesCreated, "employee"),
		r.EmployeesPresent, count(r.Memberships, "department association"), count(r.Rights, "personal right"))
	switch {
	case r.EmployeesCreated == 0:
	case opts.NoKeys:
		fmt.Fprintln(w, "passwords cannot be imported: set each new employee's with staffmgr passwd LOGIN")
	case opts.DryRun:
		fmt.Fprintln(w, "each new employee would get a one-time login key in a keys file")
	case r.KeysFile != "":
		fmt.Fprintf(w, "passwords cannot be imported: each new employee logs in once with the key in %s (func=auth&username=LOGIN&key=KEY, good for %s), then sets a password; suspended employees got none\n",
			r.KeysFile, lifetime(opts.KeyLifetime))
	default:
		fmt.Fprintln(w, "the new employees are suspended: they got no login key; set a password with staffmgr passwd LOGIN")
	}
}

// lifetime spells a duration of whole days in days.
func lifetime(d time.Duration) string {
	const day = 24 * time.Hour
	if d >= day && d%day == 0 {
		return count(int(d/day), "day")
	}
	return d.String()
}

// count is "1 thing" or "N things".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// progress shows how far a phase is: a bar on a terminal, or else a line per
// 1,000 records.
type progress struct {
	w           io.Writer
	tty         bool
	phase       string
	done, total int
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

// Start begins a phase of total records.
func (p *progress) Start(phase string, total int) {
	p.phase, p.done, p.total = phase, 0, total
	p.draw()
}

// Add counts n records done.
func (p *progress) Add(n int) {
	before := p.done
	p.done += n
	if p.tty || p.done/1000 > before/1000 {
		p.draw()
	}
}

// Finish ends the phase's bar.
func (p *progress) Finish() {
	if p.tty {
		p.draw()
		fmt.Fprintln(p.w)
	}
}

func (p *progress) draw() {
	if !p.tty {
		if p.done > 0 {
			fmt.Fprintf(p.w, "%s: %d of %d records\n", p.phase, p.done, p.total)
		}
		return
	}
	const width = 40
	filled := width
	if p.total > 0 {
		filled = width * p.done / p.total
	}
	fmt.Fprintf(p.w, "\r%-5s [%s%s] %d/%d", p.phase, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), p.done, p.total)
}
