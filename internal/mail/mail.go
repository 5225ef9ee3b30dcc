// Package mail sends the newsroom's few emails (invitations and password
// resets) through an SMTP server the web office names. Without one, links
// are shown to the administrator to hand over, and nothing is sent.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Mailer sends plain-text messages through one SMTP server.
type Mailer struct {
	addr     string // host:port
	host     string
	from     string
	user     string
	password string
	implicit bool // TLS from the first byte (smtps://, port 465)
	Timeout  time.Duration
}

// Parse reads an SMTP URL: smtp://[user:password@]host[:587]?from=ADDRESS
// (STARTTLS when the server offers it) or smtps://…:465 (implicit TLS).
func Parse(raw string) (*Mailer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("smtp URL: %w", err)
	}
	m := &Mailer{Timeout: 20 * time.Second}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		m.implicit = true
	default:
		return nil, fmt.Errorf("smtp URL %q: scheme must be smtp or smtps", u.Redacted())
	}
	m.host = u.Hostname()
	if m.host == "" {
		return nil, fmt.Errorf("smtp URL %q: no host", u.Redacted())
	}
	port := u.Port()
	if port == "" {
		port = map[bool]string{false: "587", true: "465"}[m.implicit]
	}
	m.addr = net.JoinHostPort(m.host, port)
	m.from = u.Query().Get("from")
	if m.from == "" || !strings.Contains(m.from, "@") {
		return nil, fmt.Errorf("smtp URL %q: add ?from=ADDRESS, the sender of the newsroom's mail", u.Redacted())
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.password, _ = u.User.Password()
	}
	return m, nil
}

// Send delivers one plain-text message.
func (m *Mailer) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to, "\r\n") || strings.ContainsAny(subject, "\r\n") {
		return errors.New("mail: header values must not contain line breaks")
	}
	deadline := time.Now().Add(m.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dialer := &net.Dialer{Deadline: deadline}
	var conn net.Conn
	var err error
	if m.implicit {
		conn, err = tls.DialWithDialer(dialer, "tcp", m.addr, &tls.Config{ServerName: m.host})
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", m.addr)
	}
	if err != nil {
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, m.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && !m.implicit {
		if err := c.StartTLS(&tls.Config{ServerName: m.host}); err != nil {
			return fmt.Errorf("mail to %s: starttls: %w", to, err)
		}
	}
	if m.user != "" {
		if err := c.Auth(smtp.PlainAuth("", m.user, m.password, m.host)); err != nil {
			return fmt.Errorf("mail to %s: auth: %w", to, err)
		}
	}
	if err := c.Mail(m.from); err != nil {
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	msg := "From: " + m.from + "\r\nTo: " + to + "\r\nSubject: " + mime.QEncoding.Encode("utf-8", subject) +
		"\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := w.Write([]byte(msg)); err != nil {
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail to %s: %w", to, err)
	}
	return c.Quit()
}
