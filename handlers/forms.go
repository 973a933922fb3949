package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/views"
)

// Forms are structs with a `form` tag naming the input and `validate` tags
// holding the rules; validation errors are turned into plain words keyed by
// the input's name, ready to show under the field.

// maxFormBytes bounds every form body.
const maxFormBytes = 64 << 10

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// parseForm reads a urlencoded form body with a size limit.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("parse form: %w", err)
	}
	return nil
}

// check validates a form struct and returns field errors in plain words.
func (s *Server) check(form any) views.Errors {
	errs := views.Errors{}
	err := s.validate.Struct(form)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return errs
	}
	for _, fe := range verrs {
		name := fe.Field()
		if _, seen := errs[name]; !seen {
			errs[name] = describe(fe)
		}
	}
	return errs
}

func describe(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "This field is required."
	case "email":
		return "Enter an email address like name@example.com."
	case "min":
		return "Use at least " + fe.Param() + " characters."
	case "max":
		return "Use at most " + fe.Param() + " characters."
	case "eqfield":
		return "The passwords do not match."
	case "oneof":
		return "Choose one of the options."
	case "printascii", "excludesall":
		return "This contains characters that are not allowed."
	}
	return "This value is not valid."
}

// checkPassword adds the password rules the validator cannot express.
func checkPassword(errs views.Errors, field, pw string) {
	if errs.Has(field) {
		return
	}
	if msg := auth.CheckPasswordRules(pw); msg != "" {
		errs[field] = msg
	}
}

// formIDs parses a multi-valued field of numeric IDs, ignoring junk.
func formIDs(r *http.Request, field string) []int64 {
	var ids []int64
	for _, v := range r.Form[field] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// pathID reads a numeric path parameter.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
