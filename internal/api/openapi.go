package api

import (
	"net/http"
	"strings"
)

// openAPI describes the routes registered in New, in OpenAPI 3.1.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	paths := map[string]any{}
	for _, rt := range s.routes {
		responses := map[string]any{}
		for status, desc := range rt.responses {
			resp := map[string]any{"description": desc}
			if status != "200" {
				resp["content"] = map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
			}
			responses[status] = resp
		}
		op := map[string]any{
			"summary":     rt.summary,
			"operationId": strings.ToLower(rt.method) + strings.ReplaceAll(strings.TrimPrefix(rt.path, "/api/v1"), "/", "_"),
			"security":    []any{map[string]any{"bearer": []string{}}},
			"responses":   responses,
		}
		if rt.scope != "" {
			op["description"] = "Needs a token with the `" + rt.scope + "` scope (or `admin`)."
		}
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Newsdesk API", "version": "1",
			"description": "Personal API tokens (made in the newsroom or with `newsdesk token add`) authenticate every call as `Authorization: Bearer nd_...`; cookies are never accepted. Errors are RFC 9457 problem details."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{"Problem": map[string]any{"type": "object", "properties": map[string]any{
				"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
				"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"}}}},
		},
	}
	writeJSON(w, http.StatusOK, doc)
}

// Routes lists "METHOD path" of every documented operation, for the test
// that compares the document with the mux.
func (s *Server) Routes() []string {
	out := make([]string, len(s.routes))
	for i, rt := range s.routes {
		out[i] = rt.method + " " + rt.path
	}
	return out
}
