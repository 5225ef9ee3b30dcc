package admin

import (
	"net/http"

	"newsdesk/internal/web"
)

// manageRoutes registers the site-administration pages: users, channels,
// footer pages, settings and the audit log.
func (s *Server) manageRoutes(mux *http.ServeMux, h, post func(web.HandlerFunc) http.Handler) {
}
