// Command loginflood is a load run against a staffmgr on this machine: it sends many
// failing logins at once and reports how they were answered and, on Linux, the
// server's resident memory before and after. It measures the login lockout and the
// bound on password hashing; see the README.
//
//	loginflood -url http://127.0.0.1:1500/billmgr -n 500 -pid PID
//	loginflood -url http://127.0.0.1:1500/billmgr -n 100 -login root
//
// Without -login every request names a login of its own (the address lockout is then
// what stops them, unless STAFFMGR_LOCKOUT_IP_FAILURES=0); with it they all guess the
// password of one login. It talks to loopback addresses only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"

	"staffmgr/cmd/internal/loadrun"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:1500/billmgr", "the server's API address, on loopback")
	n := flag.Int("n", 500, "logins sent at once (1 to 5000)")
	login := flag.String("login", "", "one login for every request; empty: a login each")
	pid := flag.Int("pid", 0, "the server's process id, to read its memory from /proc")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil || u.Scheme != "http" || !loadrun.Loopback(u.Hostname()) {
		fatal("-url must be an http:// address on loopback")
	}
	if *n < 1 || *n > 5000 {
		fatal("-n must be from 1 to 5000")
	}
	if *pid != 0 {
		fmt.Printf("before: %s\n", memory(*pid))
	}
	answers, took := flood(*base, *n, *login)
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%-22s %d\n", k, answers[k])
	}
	fmt.Printf("took %s\n", took.Round(time.Millisecond))
	if *pid != 0 {
		fmt.Printf("after: %s\n", memory(*pid))
	}
}

// flood sends n failing logins at once and counts the answers by error type/object.
func flood(base string, n int, login string) (map[string]int, time.Duration) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}, Timeout: time.Minute}
	var (
		mu      sync.Mutex
		answers = map[string]int{}
		wg      sync.WaitGroup
		start   = make(chan struct{})
	)
	for i := 0; i < n; i++ {
		name := login
		if name == "" {
			name = fmt.Sprintf("flood%04d", i)
		}
		q := url.Values{"func": {"auth"}, "username": {name}, "password": {fmt.Sprintf("wrong-%d", i)}, "out": {"json"}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			key := answer(client, base+"?"+q.Encode())
			mu.Lock()
			answers[key]++
			mu.Unlock()
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	return answers, time.Since(t0)
}

// answer is how one login was answered: ok, or the error's type/object.
func answer(client *http.Client, u string) string {
	resp, err := client.Get(u)
	if err != nil {
		return "transport error"
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "transport error"
	}
	var doc struct {
		Doc struct {
			Error *struct {
				Type   string `json:"$type"`
				Object string `json:"$object"`
			} `json:"error"`
		} `json:"doc"`
	}
	switch {
	case json.Unmarshal(body, &doc) != nil:
		return "unreadable answer"
	case doc.Doc.Error != nil:
		return doc.Doc.Error.Type + "/" + doc.Doc.Error.Object
	}
	return "ok"
}

// memory is the process's resident memory now and at its peak.
func memory(pid int) string {
	now, peak, err := loadrun.Memory(pid)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return "resident " + now + ", peak " + peak
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "loginflood: "+msg)
	os.Exit(2)
}
