package api

import (
	"reflect"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// schemas are the named JSON bodies the routes send and take. The OpenAPI
// document derives each from the Go type the handlers encode or decode, so
// the two cannot drift apart.
var schemas = map[string]reflect.Type{
	"Me":                    reflect.TypeFor[meResponse](),
	"ChannelList":           reflect.TypeFor[channelList](),
	"Article":               reflect.TypeFor[articleJSON](),
	"ArticleList":           reflect.TypeFor[articleList](),
	"ArticleDraft":          reflect.TypeFor[draftFields](),
	"ArticleReplace":        reflect.TypeFor[replaceRequest](),
	"ArticlePatch":          reflect.TypeFor[patchRequest](),
	"Transition":            reflect.TypeFor[transitionRequest](),
	"Problem":               reflect.TypeFor[problem](),
	"Media":                 reflect.TypeFor[mediaJSON](),
	"MediaList":             reflect.TypeFor[mediaList](),
	"MediaUpload":           reflect.TypeFor[mediaUpload](),
	"SearchResults":         reflect.TypeFor[searchResults](),
	"NewsroomSearchResults": reflect.TypeFor[newsroomResults](),
}

// enums are the value lists a field names with the tag enum:"NAME".
var enums = map[string]func() []string{
	"transitions": func() []string {
		out := make([]string, len(news.Transitions))
		for i, t := range news.Transitions {
			out[i] = string(t)
		}
		return out
	},
}

// schemaOf is the JSON Schema (as OpenAPI 3.1 uses it) of what
// encoding/json makes of t. Struct fields may carry doc:"..." (the
// description), format:"..." and enum:"NAME" tags.
func schemaOf(t reflect.Type) map[string]any {
	if t == reflect.TypeFor[time.Time]() {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Struct:
		props, required := map[string]any{}, []string{}
		addFields(t, props, &required)
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	return map[string]any{}
}

// addFields adds t's JSON fields to props, flattening embedded structs as
// encoding/json does. A field without omitempty is always present, so it is
// required; a pointer without omitempty may be null.
func addFields(t reflect.Type, props map[string]any, required *[]string) {
	for f := range t.Fields() {
		tag, hasTag := f.Tag.Lookup("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && !hasTag && f.Type.Kind() == reflect.Struct {
			addFields(f.Type, props, required)
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := schemaOf(f.Type)
		omit := strings.Contains(","+opts+",", ",omitempty,")
		if f.Type.Kind() == reflect.Pointer && !omit {
			s["type"] = []any{s["type"], "null"}
		}
		if d := f.Tag.Get("doc"); d != "" {
			s["description"] = d
		}
		if v := f.Tag.Get("format"); v != "" {
			s["format"] = v
		}
		if e := f.Tag.Get("enum"); e != "" {
			s["enum"] = enums[e]()
		}
		props[name] = s
		if !omit {
			*required = append(*required, name)
		}
	}
}
