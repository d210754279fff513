// Command staffbench is a load run against a staffmgr on this machine: it logs in,
// drives the workloads of the performance targets one after another at the highest
// rate the server sustains with a fixed number of connections, and prints requests
// per second and latency percentiles for each, and the server's resident memory.
// docs/performance.md says what each figure is and how to repeat a run.
//
//	staffbench -url http://127.0.0.1:1500/billmgr -password PW -pid PID -duration 10s
//
// Each figure:
//
//	P0  func=whoami on a session
//	P1  the staff list's page 251 of 20 sorted by login, with its total, on a session
//	P2  the same filtered by realname=ivan*
//	P3  func=whoami with authinfo on every request (its ratio to P0 is the target)
//	P4  employee.edit sok=ok on random employees
//	P5  the server's resident memory (VmRSS, and its peak VmHWM) after P1
//
// It talks to loopback addresses only.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"staffmgr/cmd/internal/loadrun"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type options struct {
	base        string
	login       string
	password    string
	duration    time.Duration
	connections int
	pid         int
	figures     string
	label       string
}

func main() {
	var o options
	flag.StringVar(&o.base, "url", "http://127.0.0.1:1500/billmgr", "the server's API address, on loopback")
	flag.StringVar(&o.login, "login", "root", "the account to log in as (it needs the staff list and employee.edit)")
	flag.StringVar(&o.password, "password", os.Getenv("STAFFBENCH_PASSWORD"), "its password (default $STAFFBENCH_PASSWORD)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long each figure runs")
	flag.IntVar(&o.connections, "c", 16, "connections (and workers) at once")
	flag.IntVar(&o.pid, "pid", 0, "the server's process id, to read its memory from /proc (P5)")
	flag.StringVar(&o.figures, "figures", "P0,P1,P2,P3,P4", "the figures to run, comma-separated")
	flag.StringVar(&o.label, "label", "", "a name for this run, printed with each row")
	flag.Parse()
	u, err := url.Parse(o.base)
	if err != nil || u.Scheme != "http" || !loadrun.Loopback(u.Hostname()) {
		fatal("-url must be an http:// address on loopback")
	}
	if o.password == "" {
		fatal("-password (or STAFFBENCH_PASSWORD) is needed to log in")
	}
	if o.connections < 1 || o.connections > 1024 {
		fatal("-c must be from 1 to 1024")
	}
	if err := run(o, os.Stdout); err != nil {
		fatal(err.Error())
	}
}

// figure is one workload: the targets it sends, in turn.
type figure struct {
	name    string
	targets vegeta.Targeter
}

func run(o options, w io.Writer) error {
	sid, err := login(o)
	if err != nil {
		return err
	}
	get := func(q url.Values) vegeta.Target {
		return vegeta.Target{Method: "GET", URL: o.base + "?" + q.Encode()}
	}
	session := func(kv ...string) url.Values {
		q := url.Values{"out": {"json"}, "auth": {sid}}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return q
	}
	deep := session("func", "employee", "p_num", "251", "p_cnt", "20", "p_col", "name")
	filtered := session("func", "employee", "p_num", "1", "p_cnt", "20", "p_col", "name", "filter", "on", "realname", "ivan*")
	authinfo := url.Values{"out": {"json"}, "func": {"whoami"}, "authinfo": {o.login + ":" + o.password}}
	ids, err := employeeIDs(o, sid)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	edit := func(t *vegeta.Target) error {
		id := ids[rng.IntN(len(ids))]
		q := session("func", "employee.edit", "elid", strconv.FormatInt(id, 10), "sok", "ok",
			"position", fmt.Sprintf("Engineer %d", rng.IntN(1000)))
		*t = get(q)
		return nil
	}
	figures := map[string]figure{
		"P0": {"P0 whoami, session", vegeta.NewStaticTargeter(get(session("func", "whoami")))},
		"P1": {"P1 deep page 251x20 by name + total", vegeta.NewStaticTargeter(get(deep))},
		"P2": {"P2 realname=ivan* + total", vegeta.NewStaticTargeter(get(filtered))},
		"P3": {"P3 whoami, authinfo", vegeta.NewStaticTargeter(get(authinfo))},
		"P4": {"P4 employee.edit sok=ok", edit},
	}
	fmt.Fprintf(w, "%-8s %-38s %10s %10s %10s %8s\n", "run", "figure", "req/s", "p50", "p99", "errors")
	for _, name := range strings.Split(o.figures, ",") {
		name = strings.TrimSpace(name)
		if name == "P5" {
			continue // read after P1
		}
		f, ok := figures[name]
		if !ok {
			return fmt.Errorf("unknown figure %q", name)
		}
		// One request first, timed apart: what a figure measures is the steady
		// state, and what the server does once (filling a cache) shows here.
		first := time.Now()
		warm := f.targets
		var t vegeta.Target
		if err := warm(&t); err != nil {
			return err
		}
		if _, err := fetch(t.URL); err != nil {
			return err
		}
		fmt.Fprintf(w, "%-8s %-38s first request %s\n", o.label, f.name, round(time.Since(first)))
		rate, p50, p99, errs := attack(o, f)
		fmt.Fprintf(w, "%-8s %-38s %10.0f %10s %10s %7.1f%%\n", o.label, f.name, rate, round(p50), round(p99), errs*100)
		if name == "P1" && o.pid != 0 {
			fmt.Fprintf(w, "%-8s %-38s %s\n", o.label, "P5 memory after P1", memory(o.pid))
		}
	}
	return nil
}

// attack runs one figure for the duration at the highest rate the connections
// sustain and returns the answered requests per second, the median and 99th
// percentile latency and the share of requests that failed (an HTTP error or a
// document with an error in it).
func attack(o options, f figure) (rate float64, p50, p99 time.Duration, errShare float64) {
	a := vegeta.NewAttacker(vegeta.Workers(uint64(o.connections)), vegeta.MaxWorkers(uint64(o.connections)),
		vegeta.Connections(o.connections), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	var m vegeta.Metrics
	var failed, total int
	start := time.Now()
	for res := range a.Attack(f.targets, vegeta.Rate{Freq: 0}, o.duration, f.name) {
		total++
		if res.Code != http.StatusOK || res.Error != "" || bytes.Contains(res.Body, []byte(`"error"`)) {
			failed++
			if failed == 1 {
				fmt.Fprintf(os.Stderr, "%s: first failure: %d %s %.300s\n", f.name, res.Code, res.Error, res.Body)
			}
		}
		m.Add(res)
	}
	m.Close()
	took := time.Since(start).Seconds()
	if total == 0 {
		return 0, 0, 0, 1
	}
	return float64(total-failed) / took, m.Latencies.P50, m.Latencies.P99, float64(failed) / float64(total)
}

func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}

// login opens a session and returns its id.
func login(o options) (string, error) {
	q := url.Values{"func": {"auth"}, "username": {o.login}, "password": {o.password}, "out": {"json"}}
	var doc struct {
		Doc struct {
			Auth struct {
				ID string `json:"$id"`
			} `json:"auth"`
			Error any `json:"error"`
		} `json:"doc"`
	}
	body, err := fetch(o.base + "?" + q.Encode())
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Doc.Auth.ID == "" {
		return "", fmt.Errorf("log in as %s: %.300s", o.login, body)
	}
	return doc.Doc.Auth.ID, nil
}

// employeeIDs reads the ids of up to 10,000 employees for the edits of P4, root
// and the account the run logs in as left out.
func employeeIDs(o options, sid string) ([]int64, error) {
	var ids []int64
	for page := 1; page <= 10 && len(ids) < 10_000; page++ {
		q := url.Values{"func": {"employee"}, "out": {"json"}, "auth": {sid}, "pagesize": {"1000"},
			"p_num": {strconv.Itoa(page)}, "p_col": {"id"}}
		body, err := fetch(o.base + "?" + q.Encode())
		if err != nil {
			return nil, err
		}
		var doc struct {
			Doc struct {
				Elem []struct {
					ID   map[string]string `json:"id"`
					Name map[string]string `json:"name"`
				} `json:"elem"`
			} `json:"doc"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			return nil, fmt.Errorf("read the staff list: %v: %.300s", err, body)
		}
		if len(doc.Doc.Elem) == 0 {
			break
		}
		for _, e := range doc.Doc.Elem {
			if e.Name["$"] == o.login || e.Name["$"] == "root" {
				continue
			}
			if id, err := strconv.ParseInt(e.ID["$"], 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("the staff list has no employee to edit: seed the database first (staffmgr seed)")
	}
	return ids, nil
}

func fetch(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// memory is the resident set of a process, now and at its peak.
func memory(pid int) string {
	now, peak, err := loadrun.Memory(pid)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return fmt.Sprintf("VmRSS %s, peak VmHWM %s", now, peak)
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "staffbench:", msg)
	os.Exit(2)
}
