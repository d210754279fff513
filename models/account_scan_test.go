package models_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"staffmgr/models"
	"staffmgr/models/dbtest"
	"staffmgr/rights"
)

// TestAccountFields: AccountSelect and Fields name every column of Account, in one
// order, and a row read through them equals the row the ORM reads, on each database.
func TestAccountFields(t *testing.T) {
	sch, err := schema.Parse(&models.Account{}, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		t.Fatal(err)
	}
	// Column i is field i of the struct, and pointer i of Fields points at it.
	var a models.Account
	fields := a.Fields()
	if got, want := len(fields), len(sch.Fields); got != want {
		t.Fatalf("Fields has %d pointers; Account has %d columns", got, want)
	}
	cols := make([]string, len(sch.Fields))
	base := reflect.ValueOf(&a).Pointer()
	for i, f := range sch.Fields {
		cols[i] = "a." + f.DBName
		if off := reflect.ValueOf(fields[i]).Pointer() - base; off != f.StructField.Offset {
			t.Errorf("Fields()[%d] points at offset %d; column %s is the field at %d", i, off, f.DBName, f.StructField.Offset)
		}
	}
	if got, want := models.AccountSelect("a"), strings.Join(cols, ", "); got != want {
		t.Fatalf("AccountSelect = %s\nwant %s", got, want)
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		pos := int64(0)
		made, err := models.CreateAccount(ctx, db, dbtest.FastPasswords, "scan.me", rights.Admin, "Test-pass1")
		if err != nil {
			t.Fatal(err)
		}
		upd := map[string]any{"realname": "Иванов Иван", "position": "Engineer", "email": "e@example.com",
			"phone": "+74950000000", "mobile": "+79000000000", "default_access_allow": true, "all_ip_access": false,
			"ip_access": "10.0.0.0/8", "department_names": "A, B", "first_name": "Иван", "last_name": "Иванов",
			"patronymic": "Иванович"}
		if err := db.Model(&models.Account{}).Where("id = ?", made.ID).Updates(upd).Error; err != nil {
			t.Fatal(err)
		}
		for _, withPosition := range []bool{false, true} {
			if withPosition {
				if err := db.Exec("INSERT INTO positions (name, created_at) VALUES ('Engineer', ?)", models.Now()).Error; err != nil {
					t.Fatal(err)
				}
				if err := db.Raw("SELECT id FROM positions WHERE name = 'Engineer'").Scan(&pos).Error; err != nil {
					t.Fatal(err)
				}
				if err := db.Model(&models.Account{}).Where("id = ?", made.ID).Update("position_id", pos).Error; err != nil {
					t.Fatal(err)
				}
			}
			want, err := models.FindAccount(ctx, db, made.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got models.Account
			scanOne(t, db, got.Fields(), "SELECT "+models.AccountSelect("a")+" FROM accounts AS a WHERE a.id = ?", made.ID)
			if !reflect.DeepEqual(&got, want) {
				t.Fatalf("position %v: scanned\n%#v\nORM read\n%#v", withPosition, got, *want)
			}
			// The same row through an outer join, then a join that finds nothing.
			for _, id := range []int64{made.ID, -1} {
				q := "SELECT " + models.AccountSelect("a") + " FROM accounts AS o LEFT JOIN accounts AS a ON a.id = ? WHERE o.id = ?"
				var got models.Account
				scanOne(t, db, got.NullableFields(), q, id, made.ID)
				if id == made.ID && !reflect.DeepEqual(&got, want) {
					t.Fatalf("nullable: scanned\n%#v\nORM read\n%#v", got, *want)
				}
				if id == -1 && !reflect.DeepEqual(got, models.Account{}) {
					t.Fatalf("nullable: a row of NULLs scanned as %#v", got)
				}
			}
		}
	})
}

// scanOne reads the one row of query into dest.
func scanOne(t *testing.T, db *gorm.DB, dest []any, query string, args ...any) {
	t.Helper()
	rows, err := db.Raw(query, args...).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	if err := rows.Scan(dest...); err != nil {
		t.Fatalf("Scan: %v", err)
	}
}
