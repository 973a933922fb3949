package api

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Stable codes of problem documents: a developer switches on "code".
const (
	codeUnauthorized    = "unauthorized"
	codeForbidden       = "forbidden"
	codeRateLimited     = "rate_limited"
	codeNotFound        = "not_found"
	codeInvalidJSON     = "invalid_json"
	codeValidation      = "validation_failed"
	codeInvalidNumber   = "invalid_number"
	codeNoChannel       = "no_channel"
	codeTemplateMissing = "template_not_found"
	codeWindowClosed    = "window_closed"
	codeIdemReused      = "idempotency_key_reused"
	codeInProgress      = "request_in_progress"
	codeRefused         = "refused"
	codeInternal        = "internal_error"
)

// Problem is an RFC 9457 problem document with wadesk's code.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Code   string         `json:"code"`
	Errors []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem is what is wrong with one field of the request.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail string, fields []FieldProblem) {
	p := Problem{Type: "/api/v1/problems/" + code, Title: http.StatusText(status), Status: status, Detail: detail, Code: code, Errors: fields}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
