package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"staffmgr/rights"
)

// voxBalances are the account's balance and each user's, in minor units.
func voxBalances(t *testing.T, e *env) (int64, map[string]int64) {
	t.Helper()
	var account int64
	if err := e.db.Raw("SELECT balance FROM vox_account WHERE id = 1").Scan(&account).Error; err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Login   string
		Balance int64
	}
	if err := e.db.Raw("SELECT a.login, v.balance FROM vox_users AS v JOIN accounts AS a ON a.id = v.account_id").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	users := map[string]int64{}
	for _, r := range rows {
		users[r.Login] = r.Balance
	}
	return account, users
}

// voxLedger is the ledger, oldest first: "user amount balance description" rows,
// user "-" for the account.
func voxLedger(t *testing.T, e *env) []string {
	t.Helper()
	var rows []struct {
		UserName    string
		Amount      int64
		Balance     int64
		Description string
	}
	if err := e.db.Raw("SELECT user_name, amount, balance, description FROM vox_ledger ORDER BY id").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		who := r.UserName
		if who == "" {
			who = "-"
		}
		out = append(out, fmt.Sprintf("%s %d %d %s", who, r.Amount, r.Balance, r.Description))
	}
	return out
}

// TestVoxTransfer: each parameter of TransferMoneyToUser and each of its errors;
// every movement is two ledger rows, money is exact, no balance goes below zero.
func TestVoxTransfer(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		key := e.voxKey(root, "user_manager", "root")
		anna := e.voxAddUser(key, app, "anna", "")
		boris := e.voxAddUser(key, app, "boris", "")
		parent := e.voxAddUser(key, app, "pavel", "parent_accounting=true")

		// Only root tops up, with an exact amount.
		MustCreateAccount(t, e.db, "admin", rights.Admin)
		e.get("func=balance.topup&amount=5&sok=ok&authinfo=admin:"+Password).fails("access", "")
		e.get("func=balance.topup&amount=0&sok=ok&auth="+root).fails("value", "amount")
		e.get("func=balance.topup&amount=1.234&sok=ok&auth="+root).fails("value", "amount")
		e.get("func=balance.topup&sok=ok&auth="+root).fails("value", "amount")
		if r := e.get("func=balance.topup&amount=20.01&description=Invoice+7&sok=ok&auth=" + root).ok(); r.text("balance") != "20.01" {
			t.Fatalf("top-up answers %s", r.body)
		}
		e.vox(key, "TransferMoneyToUser", "user_id="+anna+"&amount=0").fails(voxBadArgument, "amount")

		before := stateDigest(t, e)
		account0, _ := voxBalances(t, e)
		for _, tc := range []struct {
			params string
			code   int
			part   string
		}{
			{"user_id=" + anna, voxBadArgument, "amount is required"},
			{"user_id=" + anna + "&amount=0.001", voxBadArgument, "amount"},
			{"user_id=" + anna + "&amount=1e3", voxBadArgument, "amount"},
			{"user_id=" + anna + "&amount=abc", voxBadArgument, "amount"},
			{"user_id=" + anna + "&amount=-0.00", voxBadArgument, "amount"},
			{"amount=1", voxBadArgument, "user_id"},
			{"user_name=anna&amount=1", voxBadArgument, "application_id"},
			{"user_id=" + anna + "&amount=1&currency=EUR", voxBadArgument, "currency"},
			{"user_id=" + anna + "&amount=1&strict_mode=maybe", voxBadArgument, "strict_mode"},
			{"user_id=" + parent + "&amount=1", voxBadArgument, "parent_accounting"},
			{"user_id=999999&amount=1", voxNotFound, "user_id"},
			{"user_id=" + anna + ";" + boris + "&amount=10.01", voxInsufficient, "20.02"},
			{"user_id=" + anna + "&amount=-1", voxInsufficient, "anna"},
			{"user_id=" + anna + "&amount=" + strings.Repeat("9", 14), voxBadArgument, "amount"},
		} {
			e.vox(key, "TransferMoneyToUser", tc.params).fails(tc.code, tc.part)
		}
		if stateDigest(t, e) != before {
			t.Fatal("a refused transfer changed the database")
		}
		if account, _ := voxBalances(t, e); account != account0 {
			t.Fatal("a refused transfer moved money")
		}

		r := e.vox(key, "TransferMoneyToUser", "user_id="+anna+";"+boris+"&amount=5.67&currency=usd").ok()
		if r.num("balance") != "8.67" || r.num("result") != "1" {
			t.Fatalf("answer %s", r.body)
		}
		r = e.vox(key, "TransferMoneyToUser", "user_name=anna&application_name=callcenter&amount=-1.67"+
			"&account_transaction_description=Back+from+${user_name}+%23${user_id}&user_transaction_description=Refund").ok()
		if r.num("balance") != "10.34" {
			t.Fatalf("answer %s\n%s", r.body, strings.Join(voxLedger(t, e), "\n"))
		}
		// Not strict: each part moves what there is.
		r = e.vox(key, "TransferMoneyToUser", "user_id=all&amount=6&strict_mode=false").ok()
		if r.num("balance") != "0.00" {
			t.Fatalf("answer %s\n%s", r.body, strings.Join(voxLedger(t, e), "\n"))
		}
		r = e.vox(key, "TransferMoneyToUser", "user_id="+boris+"&amount=-100&strict_mode=0").ok()
		if r.num("balance") != "10.01" {
			t.Fatalf("answer %s", r.body)
		}
		account, users := voxBalances(t, e)
		if account != 1001 || users["anna"] != 1000 || users["boris"] != 0 || users["pavel"] != 0 {
			t.Errorf("balances %d %v", account, users)
		}
		want := []string{
			"- 2001 2001 Invoice 7",
			"- -567 1434 To user: anna", "anna 567 567 From account",
			"- -567 867 To user: boris", "boris 567 567 From account",
			"- 167 1034 Back from anna #" + anna, "anna -167 400 Refund",
			"- -600 434 To user: anna", "anna 600 1000 From account",
			"- -434 0 To user: boris", "boris 434 1001 From account",
			"- 1001 1001 From user: boris", "boris -1001 0 To account",
		}
		if got := voxLedger(t, e); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("ledger:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// The form API lists the ledger, exactly.
		rows := e.get("func=balance&auth=" + root).rows()
		if len(rows) != len(want) || rows[0]["amount"] != "-10.01" || rows[0]["user"] != "boris" || rows[0]["balance"] != "0.00" {
			t.Errorf("balance list %v", rows[0])
		}
		if rows := e.get("func=balance&filter=on&user=anna&auth=" + root).rows(); len(rows) != 3 {
			t.Errorf("filtered ledger %v", rows)
		}
		// Deleting a user through the form API returns their money too.
		e.get("func=employee.delete&elid=" + anna + "&sok=ok&auth=" + root).ok()
		if account, _ := voxBalances(t, e); account != 2001 {
			t.Errorf("account %d after anna's deletion", account)
		}
	})
}

// TestVoxTransferConcurrent: transfers from one account run in parallel never
// overdraw it, and the ledger adds up.
func TestVoxTransferConcurrent(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		key := e.voxKey(root, "admin", "root")
		var ids []string
		for i := range 4 {
			ids = append(ids, e.voxAddUser(key, app, fmt.Sprintf("op-%d", i), ""))
		}
		e.get("func=balance.topup&amount=10&sok=ok&auth=" + root).ok()

		const calls = 24
		var wg sync.WaitGroup
		codes := make([]string, calls)
		for i := range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				params := fmt.Sprintf("user_id=%s&amount=1.00", ids[i%len(ids)])
				switch i % 3 {
				case 1:
					params = fmt.Sprintf("user_id=%s;%s&amount=0.75&strict_mode=false", ids[i%len(ids)], ids[(i+1)%len(ids)])
				case 2:
					params = fmt.Sprintf("user_id=%s&amount=-0.50&strict_mode=false", ids[i%len(ids)])
				}
				r := e.vox(key, "TransferMoneyToUser", params)
				if errObj, bad := r.m["error"].(map[string]any); bad {
					codes[i] = fmt.Sprint(errObj["code"])
				} else {
					codes[i] = "ok"
				}
			}()
		}
		wg.Wait()
		for i, c := range codes {
			if c != "ok" && c != fmt.Sprint(voxInsufficient) {
				t.Errorf("call %d: %s", i, c)
			}
		}
		account, users := voxBalances(t, e)
		total := account
		for _, b := range users {
			if b < 0 {
				t.Errorf("a balance below zero: %v", users)
			}
			total += b
		}
		if account < 0 || total != 1000 {
			t.Errorf("account %d, users %v: the money does not add up to 10.00", account, users)
		}
		// Each balance's last ledger row holds it, and its rows add up to it.
		var sums []struct {
			UserID *int64
			Sum    int64
		}
		if err := e.db.Raw("SELECT user_id, SUM(amount) AS sum FROM vox_ledger GROUP BY user_id").Scan(&sums).Error; err != nil {
			t.Fatal(err)
		}
		for _, s := range sums {
			if s.UserID == nil && s.Sum != account {
				t.Errorf("the account's ledger sums to %d, its balance is %d", s.Sum, account)
			}
		}
		var pairs int64
		if err := e.db.Raw("SELECT COUNT(*) FROM vox_ledger WHERE user_id IS NOT NULL").Scan(&pairs).Error; err != nil {
			t.Fatal(err)
		}
		var accountRows int64
		if err := e.db.Raw("SELECT COUNT(*) FROM vox_ledger WHERE user_id IS NULL").Scan(&accountRows).Error; err != nil {
			t.Fatal(err)
		}
		if accountRows != pairs+1 { // every movement has its two rows; one top-up
			t.Errorf("%d account rows for %d user rows", accountRows, pairs)
		}
	})
}

// TestVoxTransferDescription: a description is kept whole in the ledger, macros
// replaced; one that its macros make longer than a ledger row holds is refused, and
// the transfer with it.
func TestVoxTransferDescription(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		key := e.voxKey(root, "admin", "root")
		long := strings.Repeat("l", 50)
		id := e.voxAddUser(key, app, long, "")
		e.get("func=balance.topup&amount=10&sok=ok&auth=" + root).ok()
		macros := strings.Repeat("${user_name}", 41) // 492 characters, 2050 replaced
		before := stateDigest(t, e)
		for _, name := range []string{"account_transaction_description", "user_transaction_description"} {
			e.vox(key, "TransferMoneyToUser", "user_id="+id+"&amount=1&"+name+"="+url.QueryEscape(macros)).
				fails(voxBadArgument, name+": with ${user_id} and ${user_name} replaced for the user "+long+", it is 2050 characters")
		}
		if stateDigest(t, e) != before {
			t.Fatal("a refused transfer changed the database")
		}
		fits := strings.Repeat("${user_name}", 20) // exactly 1000 replaced
		e.vox(key, "TransferMoneyToUser", "user_id="+id+"&amount=1&user_transaction_description="+url.QueryEscape(fits+"x")).
			fails(voxBadArgument, "it is 1001 characters")
		e.vox(key, "TransferMoneyToUser", "user_id="+id+"&amount=1&user_transaction_description="+url.QueryEscape(fits)).ok()
		var got string
		if err := e.db.Raw("SELECT description FROM vox_ledger WHERE user_id = ?", id).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != strings.Repeat(long, 20) {
			t.Errorf("the ledger keeps %d characters: %q", len(got), got)
		}
	})
}
