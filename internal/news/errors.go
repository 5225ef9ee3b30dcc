package news

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is returned when a requested site object does not exist or is not
// visible to the caller. Surfaces turn it into a 404, never into an empty result.
var ErrNotFound = errors.New("not found")

// FieldError names one problem with one field of some input, by its JSON path
// (for example "channels[0].children[1].slug"), so that people fixing a file or a
// form are told exactly where to look.
type FieldError struct {
	Path    string
	Message string
}

func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// ValidationError collects every FieldError found in one input, so one run
// reports all problems rather than the first.
type ValidationError struct {
	Fields []FieldError
}

// Add records a problem at path; format and args are as for fmt.Sprintf.
func (v *ValidationError) Add(path, format string, args ...any) {
	v.Fields = append(v.Fields, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Err returns v when it holds problems and nil otherwise, so validators can end
// with `return v.Err()`.
func (v *ValidationError) Err() error {
	if v == nil || len(v.Fields) == 0 {
		return nil
	}
	return v
}

func (v *ValidationError) Error() string {
	parts := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}
