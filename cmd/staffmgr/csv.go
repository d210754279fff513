package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gorm.io/gorm"

	"staffmgr/models"
)

// csvHeader is the one header row of staffmgr export and import csv: the kind of
// the row, then the form API's field names of department.edit and employee.edit,
// and the staff list's enabled. An employee's department is the names of the
// departments they are an active member of, comma-separated.
var csvHeader = []string{"object", "name", "description", "show_in_support", "realname", "position", "email", "phone", "mobile",
	"department", "default_access_allow", "all_ip_access", "ip_access", "enabled"}

// exportCommand writes the departments, then the employees, to stdout or a file.
func exportCommand(ctx context.Context, cfg Config, args []string, stdout io.Writer) (err error) {
	if len(args) > 1 {
		return errors.New("usage: staffmgr export [FILE]")
	}
	db, release, err := openHeld(cfg.DB)
	if err != nil {
		return err
	}
	defer release()
	w := stdout
	if len(args) == 1 {
		f, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		w = f
	}
	return writeCSV(ctx, db, w)
}

// writeCSV writes the header, every department and every staff account.
func writeCSV(ctx context.Context, db *gorm.DB, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	deps, err := models.AllDepartments(ctx, db)
	if err != nil {
		return err
	}
	for _, d := range deps {
		if err := cw.Write(csvRow(map[string]string{"object": "department", "name": d.Name, "description": d.Description,
			"show_in_support": onOffText(d.ShowInSupport)})); err != nil {
			return err
		}
	}
	var staff []models.Account
	if err := models.Staff(ctx, db).Select("a.*").Order("a.id").Find(&staff).Error; err != nil {
		return err
	}
	for _, a := range staff {
		names := strings.Split(a.DepartmentNames, ", ")
		if a.DepartmentNames == "" {
			names = nil
		}
		err := cw.Write(csvRow(map[string]string{"object": "employee", "name": a.Login, "realname": a.Realname,
			"position": a.Position, "email": a.Email, "phone": a.Phone, "mobile": a.Mobile,
			"department": strings.Join(names, ","), "default_access_allow": onOffText(a.DefaultAccessAllow),
			"all_ip_access": onOffText(a.AllIPAccess), "ip_access": a.IPAccess, "enabled": onOffText(a.Enabled)}))
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(v map[string]string) []string {
	out := make([]string, len(csvHeader))
	for i, name := range csvHeader {
		out[i] = v[name]
	}
	return out
}

func onOffText(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// readCSV reads a file staffmgr export wrote (or one written alike): a header row
// naming columns of csvHeader, in any order, then department and employee rows.
func readCSV(r io.Reader, prog *progress) (*staffSet, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("the header row: %w", err)
	}
	col := map[string]int{}
	allowed := map[string]bool{}
	for _, h := range csvHeader {
		allowed[h] = true
	}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !allowed[h] {
			return nil, fmt.Errorf("the header names %q, which is none of %s", h, strings.Join(csvHeader, ", "))
		}
		col[h] = i
	}
	for _, need := range []string{"object", "name"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("the header row has no column %s", need)
		}
	}
	records, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	prog.Start("read", len(records))
	set := &staffSet{}
	for i, rec := range records {
		line := i + 2
		get := func(name string) string {
			if c, ok := col[name]; ok {
				return rec[c]
			}
			return ""
		}
		switch get("object") {
		case "department":
			support, err := onOff("csv", "show_in_support", get("show_in_support"), false)
			if err != nil {
				return nil, fmt.Errorf("line %d: show_in_support is %q, neither on nor off", line, get("show_in_support"))
			}
			set.Departments = append(set.Departments, importDepartment{Name: get("name"), Description: get("description"), ShowInSupport: support})
		case "employee":
			e := importEmployee{Card: models.Account{Login: get("name"), Realname: get("realname"), Position: get("position"),
				Email: get("email"), Phone: get("phone"), Mobile: get("mobile"), IPAccess: get("ip_access")},
				Departments: map[string]bool{}}
			for _, f := range []struct {
				name    string
				dst     *bool
				missing bool
			}{{"default_access_allow", &e.Card.DefaultAccessAllow, false}, {"all_ip_access", &e.Card.AllIPAccess, true}, {"enabled", &e.Card.Enabled, true}} {
				v, err := onOff("csv", f.name, get(f.name), f.missing)
				if err != nil {
					return nil, fmt.Errorf("line %d: %s is %q, neither on nor off", line, f.name, get(f.name))
				}
				*f.dst = v
			}
			for _, name := range strings.Split(get("department"), ",") {
				if name = strings.TrimSpace(name); name != "" {
					e.Departments[name] = true
				}
			}
			set.Employees = append(set.Employees, e)
		default:
			return nil, fmt.Errorf("line %d: object is %q, neither department nor employee", line, get("object"))
		}
		prog.Add(1)
	}
	prog.Finish()
	return set, nil
}
