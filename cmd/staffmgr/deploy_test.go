package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"staffmgr/models"
	"staffmgr/models/dbtest"
)

// deployFile reads a file of deploy/.
func deployFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// deployEnv reads deploy/staffmgr.env as the variables it sets.
func deployEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range strings.Split(deployFile(t, "staffmgr.env"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("staffmgr.env: %q is no assignment", line)
		}
		env[name] = value
	}
	return env
}

// directives returns the values of each directive of a unit file.
func directives(unit string) map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(unit, "\n") {
		if name, value, ok := strings.Cut(strings.TrimSpace(line), "="); ok && !strings.HasPrefix(line, "#") {
			out[name] = append(out[name], value)
		}
	}
	return out
}

func TestDeployUnits(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"staffmgr.service", "staffmgr-backup.service"} {
		d := directives(deployFile(t, name))
		for key, want := range map[string]string{
			"User": "staffmgr", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
			"PrivateTmp": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "", "RestrictSUIDSGID": "yes",
			"EnvironmentFile": "/etc/staffmgr/staffmgr.env", "UMask": "0077",
		} {
			if got := d[key]; len(got) != 1 || got[0] != want {
				t.Errorf("%s: %s=%v, want %q", name, key, got, want)
			}
		}
		if rw := strings.Join(d["ReadWritePaths"], " "); !strings.Contains(rw, "/var/lib/staffmgr") {
			t.Errorf("%s: ReadWritePaths=%q leaves out the data directory", name, rw)
		}
	}
	env := deployEnv(t)
	if !strings.HasPrefix(env["STAFFMGR_DB"], "/var/lib/staffmgr/") {
		t.Errorf("STAFFMGR_DB=%s is outside the unit's data directory", env["STAFFMGR_DB"])
	}

	// systemd's own checks, where systemd is installed: the units load cleanly, and
	// the service's exposure stays low.
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze")
	}
	dir := t.TempDir()
	for _, name := range []string{"staffmgr.service", "staffmgr-backup.service", "staffmgr-backup.timer"} {
		// verify wants the binary to exist.
		unit := strings.ReplaceAll(deployFile(t, name), "/usr/local/bin/staffmgr", "/bin/true")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(analyze, "verify", "--man=no", filepath.Join(dir, "staffmgr.service"),
		filepath.Join(dir, "staffmgr-backup.service"), filepath.Join(dir, "staffmgr-backup.timer")).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err = exec.Command(analyze, "security", "--offline=yes", "--no-pager", filepath.Join(dir, "staffmgr.service")).CombinedOutput()
	m := regexp.MustCompile(`Overall exposure level for staffmgr.service: ([0-9.]+)`).FindSubmatch(out)
	if err != nil || m == nil {
		t.Skipf("systemd-analyze security: %v\n%s", err, out)
	}
	if score, _ := strconv.ParseFloat(string(m[1]), 64); score > 2 {
		t.Errorf("exposure %.1f, above 2:\n%s", score, out)
	}
}

// TestDeployEnv: the environment file is a valid configuration, and agrees with the
// nginx site on where staffmgr listens and whom it trusts.
func TestDeployEnv(t *testing.T) {
	t.Parallel()
	env := deployEnv(t)
	known := map[string]bool{"STAFFMGR_ROOT_PASSWORD": true}
	for _, v := range envVars {
		known[v.name] = true
	}
	for _, name := range []string{"staffmgr.env", "staffmgr.service", "staffmgr-backup.service", "nginx-staffmgr.conf"} {
		for _, v := range regexp.MustCompile(`STAFFMGR_[A-Z_]+`).FindAllString(deployFile(t, name), -1) {
			if !known[v] {
				t.Errorf("%s names %s, which staffmgr does not read", name, v)
			}
		}
	}
	cfg, _, err := parseConfig("serve", nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatalf("staffmgr.env: %v", err)
	}
	if !cfg.SecureCookies || cfg.MetricsListen == "" || cfg.MetricsListen == cfg.Listen {
		t.Errorf("staffmgr.env: secure cookies %v, metrics on %q", cfg.SecureCookies, cfg.MetricsListen)
	}
	site := deployFile(t, "nginx-staffmgr.conf")
	if !strings.Contains(site, "server "+cfg.Listen+";") {
		t.Errorf("nginx does not proxy to STAFFMGR_LISTEN=%s", cfg.Listen)
	}
	if !strings.Contains(site, "proxy_set_header X-Forwarded-For $remote_addr;") {
		t.Error("nginx does not set X-Forwarded-For to the client's address")
	}
	// nginx connects to a loopback upstream from the loopback address of its family.
	upstream, _, _ := net.SplitHostPort(cfg.Listen)
	from := "127.0.0.1"
	if strings.Contains(upstream, ":") {
		from = "::1"
	}
	trusted := false
	for _, p := range cfg.TrustedProxies {
		trusted = trusted || p.Contains(netip.MustParseAddr(from))
	}
	if !trusted {
		t.Errorf("STAFFMGR_TRUSTED_PROXIES=%v leaves out %s, where nginx connects from", cfg.TrustedProxies, from)
	}
}

// TestDeployNginx runs the nginx site, as deploy/ has it but for its ports and
// certificate, in front of the real server configured by deploy/staffmgr.env: the
// server sees the address the client connected from, not one the client claims.
// It needs nginx; without it, it is skipped.
func TestDeployNginx(t *testing.T) {
	t.Parallel()
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if nginx, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Skip("no nginx")
		}
	}
	env := deployEnv(t)
	m := startConfigured(t, dbtest.NewDSN(t, models.SQLite), func(c *Config) {
		cfg, _, err := parseConfig("serve", nil, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		c.TrustedProxies, c.SecureCookies = cfg.TrustedProxies, cfg.SecureCookies
	})

	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	httpPort, httpsPort := freePort(t), freePort(t)
	site := deployFile(t, "nginx-staffmgr.conf")
	for old, new := range map[string]string{
		"server 127.0.0.1:1500;":     "server " + m.Addr() + ";",
		"listen 80;":                 "listen 127.0.0.1:" + httpPort + ";",
		"listen 443 ssl http2;":      "listen 127.0.0.1:" + httpsPort + " ssl http2;",
		"listen [::]:80;":            "",
		"listen [::]:443 ssl http2;": "",
		"/etc/letsencrypt/live/staff.example.com/fullchain.pem": cert,
		"/etc/letsencrypt/live/staff.example.com/privkey.pem":   key,
	} {
		if !strings.Contains(site, old) {
			t.Fatalf("the site has no %q", old)
		}
		site = strings.ReplaceAll(site, old, new)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	%[3]s
}
`, user, dir, site)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confPath}
	if out, err := exec.Command(nginx, append(args, "-t")...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	cmd := exec.Command(nginx, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	waitListening(t, "127.0.0.1:"+httpsPort)

	// A client on 127.0.0.2 that claims to be 203.0.113.7.
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 5 * time.Second}
	client := &http.Client{
		Transport:     &http.Transport{DialContext: dialer.DialContext, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
	get := func(u string, header ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	base := "https://127.0.0.1:" + httpsPort
	if resp, _ := get("http://127.0.0.1:" + httpPort + "/billmgr"); resp.StatusCode != http.StatusMovedPermanently ||
		!strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Errorf("plain HTTP: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := get(base + "/readyz"); resp.StatusCode != 200 || body != "ready\n" {
		t.Errorf("/readyz through nginx: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(base + "/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics through nginx: %d", resp.StatusCode)
	}
	login := func(base string) string {
		t.Helper()
		_, body := get(base+"/billmgr?out=json&func=auth&username=root&password=Ops-pass1", "X-Forwarded-For", "203.0.113.7")
		var doc struct {
			Doc struct {
				Auth struct {
					ID string `json:"$id"`
				} `json:"auth"`
			} `json:"doc"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.Doc.Auth.ID == "" {
			t.Fatalf("login at %s: %v %s", base, err, body)
		}
		return doc.Doc.Auth.ID
	}
	sid := login(base)
	// Straight to staffmgr, the claim of a client that is no proxy is ignored too.
	login("http://" + m.Addr())
	_, list := get(base + "/billmgr?out=json&func=session&auth=" + url.QueryEscape(sid))
	if strings.Count(list, `"ip":{"$":"127.0.0.2"}`) != 2 || strings.Contains(list, "203.0.113.7") {
		t.Errorf("the sessions' addresses: %s", list)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "staff.example.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"staff.example.com"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

// freePort returns a port of the loopback that nothing listens on just now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// waitListening waits up to 10 seconds for addr to accept connections.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s does not listen: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
