package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"staffmgr/models"
	"staffmgr/rights"
)

// seedOptions are the flags of staffmgr seed.
type seedOptions struct {
	Employees   int
	Departments int
	Password    string
	Force       bool
	Seed        uint64
}

// splitSeedFlags separates the flags of seed from the server's own.
func splitSeedFlags(args []string) (rest, own []string) {
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch {
		case !strings.HasPrefix(args[i], "-"):
			rest = append(rest, args[i])
		case name == "force":
			own = append(own, args[i])
		case (name == "employees" || name == "departments" || name == "password" || name == "seed") && !hasValue && i+1 < len(args):
			own = append(own, args[i], args[i+1])
			i++
		case name == "employees" || name == "departments" || name == "password" || name == "seed":
			own = append(own, args[i])
		default:
			rest = append(rest, args[i])
		}
	}
	return rest, own
}

func seedFlags(args []string, stderr io.Writer) (seedOptions, error) {
	var o seedOptions
	fs := flag.NewFlagSet("staffmgr seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Employees, "employees", 1000, "employees to create (1 to 10000000)")
	fs.IntVar(&o.Departments, "departments", 20, "departments to create (0 to 10000)")
	fs.StringVar(&o.Password, "password", "Seeded-Passw0rd", "the password every created employee gets")
	fs.BoolVar(&o.Force, "force", false, "add staff to a database that already holds some")
	fs.Uint64Var(&o.Seed, "seed", 1, "the random seed: the same seed makes the same staff")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.Employees < 1 || o.Employees > 10_000_000 {
		return o, errors.New("--employees must be from 1 to 10000000")
	}
	if o.Departments < 0 || o.Departments > 10_000 {
		return o, errors.New("--departments must be from 0 to 10000")
	}
	return o, nil
}

var (
	seedFirstNames = []string{"Ivan", "Pyotr", "Sergey", "Alexey", "Dmitry", "Andrey", "Mikhail", "Nikolai",
		"Olga", "Anna", "Elena", "Maria", "Natalia", "Irina", "Svetlana", "Tatiana", "Yuri", "Pavel",
		"Viktor", "Roman", "Ekaterina", "Daria", "Ksenia", "Vera", "Boris", "Oleg", "Igor", "Anton",
		"John", "Mary", "James", "Linda", "Robert", "Susan", "David", "Karen"}
	seedLastNames = []string{"Ivanov", "Petrov", "Sidorov", "Smirnov", "Kuznetsov", "Popov", "Vasiliev",
		"Sokolov", "Mikhailov", "Novikov", "Fedorov", "Morozov", "Volkov", "Alekseev", "Lebedev",
		"Semenov", "Egorov", "Pavlov", "Kozlov", "Stepanov", "Nikolaev", "Orlov", "Andreev", "Makarov",
		"Nikitin", "Zakharov", "Zaitsev", "Solovyov", "Borisov", "Yakovlev", "Grigoriev", "Romanov",
		"Vorobyov", "Sergeev", "Kuzmin", "Frolov", "Alexandrov", "Dmitriev", "Korolev", "Gusev",
		"Ivanenko", "Ivashov", "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller"}
	seedPatronymics = []string{"Ivanovich", "Petrovich", "Sergeevich", "Alexeevich", "Dmitrievich",
		"Andreevich", "Mikhailovich", "Nikolaevich", ""}
	seedPositions = []string{"Support engineer", "Senior support engineer", "Network engineer",
		"System administrator", "Sales manager", "Account manager", "Accountant", "Team lead",
		"Developer", "Duty engineer", "Billing specialist", ""}
	seedDepartmentNames = []string{"Technical support", "Sales department", "Network operations",
		"Billing", "Accounting", "Data centre", "Development", "Quality assurance", "Legal",
		"Marketing", "Abuse desk", "Security", "Partner relations", "Procurement", "Human resources"}
)

// seedCommand fills the database with realistic staff: departments, employees with
// names, emails and phones, their memberships (and the department names the staff
// list shows), a share of them suspended. For load runs and trying the panel out.
func seedCommand(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	o, err := seedFlags(args, stderr)
	if err != nil {
		return err
	}
	db, release, err := openMigrated(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer release()
	var existing int64
	if err := db.WithContext(ctx).Table("accounts").Where("level >= ? AND login <> ?", int(rights.Admin), models.RootLogin).
		Where("level < ?", int(rights.Root)).Count(&existing).Error; err != nil {
		return fmt.Errorf("count staff: %w", err)
	}
	if existing > 0 && !o.Force {
		return fmt.Errorf("the database already holds %d employees; pass --force to add more", existing)
	}
	if err := cfg.PasswordPolicy.Check(o.Password); err != nil {
		return fmt.Errorf("--password: %w", err)
	}
	// One hash for everyone: hashing a million passwords would take hours, and a load
	// run logs in as a few of them at most.
	hash, err := models.HashPassword(ctx, cfg.Passwords, o.Password)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(o.Seed, uint64(existing)))
	p := newProgress(stderr)
	p.Start("employees", o.Employees)

	depts, err := seedDepartments(ctx, db, o.Departments, stdout)
	if err != nil {
		return err
	}
	prefix := ""
	if existing > 0 {
		prefix = fmt.Sprintf("s%d.", time.Now().Unix()%100000)
	}
	start := time.Now()
	if err := seedEmployees(ctx, db, o, hash, prefix, depts, rng, p); err != nil {
		return err
	}
	p.Finish()
	// Fresh statistics, so that the planner knows the table is no longer small.
	if err := db.WithContext(ctx).Exec("ANALYZE").Error; err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	fmt.Fprintf(stdout, "seeded %d employees in %d departments in %s; their password is the one --password gave\n",
		o.Employees, len(depts), time.Since(start).Round(time.Millisecond))
	return nil
}

type seedDept struct {
	id   int64
	name string
}

// seedDepartments creates n departments (reusing those that already exist by name)
// and returns them.
func seedDepartments(ctx context.Context, db *gorm.DB, n int, stdout io.Writer) ([]seedDept, error) {
	var out []seedDept
	now := models.Now()
	for i := 0; i < n; i++ {
		name := seedDepartmentNames[i%len(seedDepartmentNames)]
		if i >= len(seedDepartmentNames) {
			name = fmt.Sprintf("%s %d", name, i/len(seedDepartmentNames)+1)
		}
		var id int64
		err := db.WithContext(ctx).Raw("SELECT id FROM departments WHERE LOWER(name) = LOWER(?)", name).Scan(&id).Error
		if err != nil {
			return nil, fmt.Errorf("find department: %w", err)
		}
		if id == 0 {
			err = db.WithContext(ctx).Raw("INSERT INTO departments (name, description, created_at, updated_at) VALUES (?, '', ?, ?) RETURNING id",
				name, now, now).Scan(&id).Error
			if err != nil {
				return nil, fmt.Errorf("create department %q: %w", name, err)
			}
		}
		out = append(out, seedDept{id: id, name: name})
	}
	fmt.Fprintf(stdout, "departments: %d\n", len(out))
	return out, nil
}

// seedBatch is how many employees one INSERT carries; seedTx how many one
// transaction holds, so that a million rows take minutes, not hours.
const (
	seedBatch = 500
	seedTx    = 50_000
)

// seedEmployees inserts the employees and their memberships in batches.
func seedEmployees(ctx context.Context, db *gorm.DB, o seedOptions, hash, prefix string, depts []seedDept, rng *rand.Rand, p *progress) error {
	now := models.Now()
	made := 0
	for made < o.Employees {
		inTx := min(seedTx, o.Employees-made)
		err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			for done := 0; done < inTx; {
				n := min(seedBatch, inTx-done)
				if err := seedInsert(ctx, tx, made+done, n, hash, prefix, depts, rng, now); err != nil {
					return err
				}
				done += n
				p.Add(n)
			}
			return nil
		})
		if err != nil {
			return err
		}
		made += inTx
	}
	return nil
}

// seedNumbers puts the phone and mobile of the cards of ids in their lists of
// numbers, phone first, as the card's own saves do; numbers are already in their
// normal form, which the lists share when there is no extension. It names every row
// it writes by value, so that no statement depends on the planner's view of tables
// that grow within the transaction.
func seedNumbers(ctx context.Context, tx *gorm.DB, ids []int64, phones, mobiles []string) error {
	seen := map[string]bool{}
	var numbers []string
	for i := range ids {
		for _, n := range []string{phones[i], mobiles[i]} {
			if n != "" && !seen[n] {
				seen[n] = true
				numbers = append(numbers, n)
			}
		}
	}
	if len(numbers) == 0 {
		return nil
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO phone_numbers (number) VALUES ")
	args := make([]any, 0, len(numbers))
	for i, n := range numbers {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?)")
		args = append(args, n)
	}
	sb.WriteString(" ON CONFLICT (number) DO NOTHING")
	if err := tx.WithContext(ctx).Exec(sb.String(), args...).Error; err != nil {
		return fmt.Errorf("insert the employees' numbers: %w", err)
	}
	var rows []struct {
		ID     int64
		Number string
	}
	if err := tx.WithContext(ctx).Raw("SELECT id, number FROM phone_numbers WHERE number IN ?", numbers).Scan(&rows).Error; err != nil {
		return fmt.Errorf("read the employees' numbers: %w", err)
	}
	idOf := make(map[string]int64, len(rows))
	for _, r := range rows {
		idOf[r.Number] = r.ID
	}
	sb.Reset()
	sb.WriteString("INSERT INTO employee_numbers (account_id, number_id, position, role) VALUES ")
	args = args[:0]
	add := func(account int64, number string, position int, role string) {
		if len(args) > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?)")
		args = append(args, account, idOf[number], position, role)
	}
	for i, id := range ids {
		if phones[i] != "" {
			add(id, phones[i], 0, "phone")
		}
		if mobiles[i] != "" && mobiles[i] != phones[i] {
			add(id, mobiles[i], 1, "mobile")
		}
	}
	if err := tx.WithContext(ctx).Exec(sb.String(), args...).Error; err != nil {
		return fmt.Errorf("insert the employees' lists of numbers: %w", err)
	}
	return nil
}

// seedInsert writes employees number from to from+n-1 and their memberships.
func seedInsert(ctx context.Context, tx *gorm.DB, from, n int, hash, prefix string, depts []seedDept, rng *rand.Rand, now time.Time) error {
	var sb strings.Builder
	sb.WriteString("INSERT INTO accounts (login, level, password_hash, enabled, created_at, updated_at, realname, position, email, phone, mobile, " +
		"default_access_allow, all_ip_access, ip_access, department_names, first_name, last_name, patronymic) VALUES ")
	args := make([]any, 0, n*18)
	logins := make([]string, n)
	phones, mobiles := make([]string, n), make([]string, n)
	members := make([][]seedDept, n)
	for i := 0; i < n; i++ {
		num := from + i + 1
		first := seedFirstNames[rng.IntN(len(seedFirstNames))]
		last := seedLastNames[rng.IntN(len(seedLastNames))]
		patr := seedPatronymics[rng.IntN(len(seedPatronymics))]
		if strings.HasSuffix(first, "a") && !strings.HasSuffix(last, "h") && !strings.HasSuffix(last, "s") && !strings.HasSuffix(last, "r") {
			last += "a" // a Russian surname agrees with a woman's first name
		}
		login := fmt.Sprintf("%s%s.%s%d", prefix, strings.ToLower(first[:1]), strings.ToLower(last), num)
		logins[i] = login
		var names []string
		if len(depts) > 0 {
			k := 1 + rng.IntN(3)
			if rng.IntN(10) == 0 {
				k = 0
			}
			seen := map[int]bool{}
			for j := 0; j < k; j++ {
				d := rng.IntN(len(depts))
				if !seen[d] {
					seen[d] = true
					members[i] = append(members[i], depts[d])
					names = append(names, depts[d].name)
				}
			}
		}
		sort.Strings(names)
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		ipAll := rng.IntN(20) != 0
		ipList := ""
		if !ipAll {
			ipList = fmt.Sprintf("10.%d.%d.0/24", rng.IntN(256), rng.IntN(256))
		}
		phones[i] = fmt.Sprintf("+7495%03d%02d%02d", rng.IntN(1000), rng.IntN(100), rng.IntN(100))
		mobiles[i] = fmt.Sprintf("+79%02d%03d%02d%02d", rng.IntN(100), rng.IntN(1000), rng.IntN(100), rng.IntN(100))
		args = append(args, login, int(rights.Admin), hash, rng.IntN(25) != 0, now, now,
			models.JoinName(last, first, patr), seedPositions[rng.IntN(len(seedPositions))],
			login+"@example.com", phones[i], mobiles[i],
			rng.IntN(50) == 0, ipAll, ipList, strings.Join(names, ", "), first, last, patr)
	}
	sb.WriteString(" RETURNING id, login")
	var made []struct {
		ID    int64
		Login string
	}
	if err := tx.WithContext(ctx).Raw(sb.String(), args...).Scan(&made).Error; err != nil {
		return fmt.Errorf("insert employees: %w", err)
	}
	byLogin := make(map[string]int64, len(made))
	for _, r := range made {
		byLogin[r.Login] = r.ID
	}
	ids := make([]int64, n)
	for i, login := range logins {
		if ids[i] = byLogin[login]; ids[i] == 0 {
			return fmt.Errorf("insert employees: %s was not written", login)
		}
	}
	if err := seedNumbers(ctx, tx, ids, phones, mobiles); err != nil {
		return err
	}
	if len(depts) == 0 {
		return nil
	}
	sb.Reset()
	sb.WriteString("INSERT INTO department_members (account_id, department_id, active) VALUES ")
	args = args[:0]
	for i, ms := range members {
		for _, d := range ms {
			if len(args) > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?)")
			args = append(args, ids[i], d.id, true)
		}
	}
	if len(args) == 0 {
		return nil
	}
	if err := tx.WithContext(ctx).Exec(sb.String(), args...).Error; err != nil {
		return fmt.Errorf("insert memberships: %w", err)
	}
	return nil
}
