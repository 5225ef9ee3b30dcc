package mail_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"newsdesk/internal/mail"
)

// fakeSMTP is a minimal SMTP server that records one message per session.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	rcpt []string
}

func startSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(conn)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { conn.Write([]byte(s + "\r\n")) }
	say("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake")
			say("250 AUTH PLAIN")
		case strings.HasPrefix(cmd, "AUTH"):
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT"):
			f.mu.Lock()
			f.rcpt = append(f.rcpt, strings.TrimSpace(line[8:]))
			f.mu.Unlock()
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			f.mu.Lock()
			f.msgs = append(f.msgs, b.String())
			f.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestSend(t *testing.T) {
	f := startSMTP(t)
	m, err := mail.Parse("smtp://newsroom:secret@" + f.ln.Addr().String() + "?from=newsroom@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), "ada@example.org", "Newsdesk: 设置密码", "Set your password:\nhttps://x/admin/invite?token=abc\n"); err != nil {
		t.Fatal(err)
	}
	if len(f.msgs) != 1 || !strings.Contains(f.msgs[0], "https://x/admin/invite?token=abc") || !strings.Contains(f.msgs[0], "=?utf-8?q?") ||
		!strings.Contains(f.rcpt[0], "ada@example.org") {
		t.Errorf("message %q to %q", f.msgs, f.rcpt)
	}
	if err := m.Send(context.Background(), "x@example.org\r\nBcc: y@example.org", "s", "b"); err == nil {
		t.Error("header injection accepted")
	}
}

func TestParse(t *testing.T) {
	for _, bad := range []string{"http://host?from=a@b", "smtp://?from=a@b", "smtp://host", "smtp://host?from=nobody", "::"} {
		if _, err := mail.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, err := mail.Parse("smtps://u:p@mail.example.org?from=newsroom@example.org"); err != nil {
		t.Errorf("smtps: %v", err)
	}
}
