package accounts

import (
	"context"
	"fmt"
)

// Sender delivers a plain-text email; mail.Mailer is one.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// mailLink emails an invitation or reset link when the site has an SMTP
// server. Failure is logged, not fatal: the administrator still sees the
// link and can hand it over.
func (s *Service) mailLink(ctx context.Context, to, name, path, token string, reset bool) {
	if s.Mail == nil || s.BaseURL == "" {
		return
	}
	link := s.BaseURL + path + "?token=" + token
	subject := fmt.Sprintf("%s: set your newsroom password / 设置采编系统密码", s.Issuer)
	intro := "You have been invited to the newsroom. Set your password here (the link works once, for 72 hours):"
	introZH := "您已受邀使用采编系统。请通过以下链接设置密码（仅可使用一次，72 小时内有效）："
	if reset {
		subject = fmt.Sprintf("%s: reset your newsroom password / 重置采编系统密码", s.Issuer)
		intro = "A password reset was requested for your newsroom account. Set a new password here (the link works once, for 72 hours):"
		introZH = "您的采编系统账户申请了重置密码。请通过以下链接设置新密码（仅可使用一次，72 小时内有效）："
	}
	body := fmt.Sprintf("%s,\n\n%s\n%s\n\n%s\n%s\n", name, intro, link, introZH, link)
	if err := s.Mail.Send(ctx, to, subject, body); err != nil {
		s.Log.Warn("could not mail the link; hand it over yourself", "to", to, "err", err)
	}
}
