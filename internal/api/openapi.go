package api

import (
	"net/http"
	"regexp"
	"strings"
)

// openAPI describes the routes registered in New, in OpenAPI 3.1.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	paths := map[string]any{}
	for _, rt := range s.routes {
		responses := map[string]any{}
		for status, desc := range rt.responses {
			resp := map[string]any{"description": desc}
			switch {
			case status[0] != '2':
				resp["content"] = map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}
			case rt.response != "":
				resp["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.response)}}
			}
			if status == "201" {
				resp["headers"] = map[string]any{"Location": map[string]any{"description": "the new resource", "schema": map[string]any{"type": "string"}}}
			}
			responses[status] = resp
		}
		op := map[string]any{
			"summary":     rt.summary,
			"operationId": strings.ToLower(rt.method) + strings.NewReplacer("/", "_", "{", "", "}", "").Replace(strings.TrimPrefix(rt.path, "/api/v1")),
			"security":    []any{map[string]any{"bearer": []string{}}},
			"responses":   responses,
		}
		if rt.public {
			op["security"] = []any{} // no token needed
		}
		if params := parameters(rt); len(params) > 0 {
			op["parameters"] = params
		}
		if rt.request != "" {
			typ := rt.requestType
			if typ == "" {
				typ = "application/json"
			}
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{typ: map[string]any{"schema": ref(rt.request)}}}
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
	components := map[string]any{}
	for name, t := range schemas {
		components[name] = schemaOf(t)
	}
	for _, rt := range s.routes {
		if rt.request != "" {
			// Request bodies are decoded strictly: an unknown field is a 422.
			components[rt.request].(map[string]any)["additionalProperties"] = false
		}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Newsdesk API", "version": "1",
			"description": "Personal API tokens (made in the newsroom or with `newsdesk token add`) authenticate every call as `Authorization: Bearer nd_...`; cookies are never accepted. Errors are RFC 9457 problem details."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         components,
		},
	}
	writeJSON(w, http.StatusOK, doc)
}

func ref(schema string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + schema}
}

// pathParam finds the {name} wildcards of a route pattern.
var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// parameters documents a route's path wildcards (ids are integers) and its
// query parameters.
func parameters(rt route) []any {
	var out []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
		typ := "string"
		if m[1] == "id" {
			typ = "integer"
		}
		out = append(out, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": typ}})
	}
	for _, p := range rt.query {
		out = append(out, map[string]any{"name": p.name, "in": "query", "description": p.description, "schema": map[string]any{"type": p.typ}})
	}
	return out
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
