package web

import (
	"errors"
	"log/slog"
	"net/http"
)

// HandlerFunc is an HTTP handler that returns its failure instead of writing
// an error page itself; ErrorHandler decides what the reader gets.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorHandler writes the response for a handler's error: a not-found page,
// a redirect, a 500 page. It is each surface's one place for error pages.
type ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

// Adapt turns h into an http.Handler that sends errors to onError.
func Adapt(h HandlerFunc, onError ErrorHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			onError(w, r, err)
		}
	})
}

// StatusError carries an HTTP status for errors that are not "not found" or
// internal, such as a bad request.
type StatusError struct {
	Status int
	Err    error
}

func (e *StatusError) Error() string { return e.Err.Error() }

// Unwrap exposes the cause.
func (e *StatusError) Unwrap() error { return e.Err }

// BadRequest wraps err as a 400.
func BadRequest(err error) error { return &StatusError{Status: http.StatusBadRequest, Err: err} }

// StatusOf returns the status carried by err, or 0.
func StatusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// LogServerError logs an unexpected failure once, with the request it broke.
func LogServerError(log *slog.Logger, r *http.Request, err error) {
	log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
}
