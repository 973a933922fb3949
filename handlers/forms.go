package handlers

import (
	"context"
	"errors"
	"fmt"
	"github.com/wadesk/wadesk/i18n"
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
func (s *Server) check(ctx context.Context, form any) views.Errors {
	errs := views.Errors{}
	err := s.validate.Struct(form)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return errs
	}
	for _, fe := range verrs {
		name := fe.Field()
		if _, seen := errs[name]; !seen {
			errs[name] = describe(ctx, fe)
		}
	}
	return errs
}

// describe words a validator/v10 failure by its tag, in the reader's
// language (the catalog's validation area).
func describe(ctx context.Context, fe validator.FieldError) string {
	switch fe.Tag() {
	case "required", "email", "eqfield", "oneof":
		return i18n.T(ctx, "validation."+fe.Tag())
	case "min", "max":
		if n, err := strconv.Atoi(fe.Param()); err == nil {
			return i18n.T(ctx, "validation."+fe.Tag(), "Count", n)
		}
	case "printascii", "excludesall":
		return i18n.T(ctx, "validation.characters")
	}
	return i18n.T(ctx, "validation.invalid")
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
