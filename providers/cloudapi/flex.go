package cloudapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Meta's payloads are not consistent about types: IDs and timestamps arrive
// as strings in one place and numbers in another. These types accept either
// and never fail, so one odd field cannot make a whole webhook unreadable.

// flexString accepts a string, number or boolean; an array of scalars is
// joined with ", "; objects are ignored.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if json.Unmarshal(b, &s) == nil {
			*f = flexString(s)
		}
	case '[':
		var parts []flexString
		if json.Unmarshal(b, &parts) == nil {
			ss := make([]string, 0, len(parts))
			for _, p := range parts {
				if p != "" {
					ss = append(ss, string(p))
				}
			}
			*f = flexString(strings.Join(ss, ", "))
		}
	case '{':
	default:
		*f = flexString(b)
	}
	return nil
}

// flexInt accepts a number or a numeric string; anything else reads as 0.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	_ = s.UnmarshalJSON(b)
	str := strings.TrimSpace(string(s))
	if n, err := strconv.ParseInt(str, 10, 64); err == nil {
		*f = flexInt(n)
		return nil
	}
	if x, err := strconv.ParseFloat(str, 64); err == nil && x >= -9.2e18 && x <= 9.2e18 {
		*f = flexInt(int64(x))
	}
	return nil
}

// flexFloat accepts a number or a numeric string; anything else reads as 0.
type flexFloat float64

func (f *flexFloat) UnmarshalJSON(b []byte) error {
	var s flexString
	_ = s.UnmarshalJSON(b)
	if x, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64); err == nil {
		*f = flexFloat(x)
	}
	return nil
}

// flexBool accepts true/false or the strings "true"/"false".
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var s flexString
	_ = s.UnmarshalJSON(b)
	if v, err := strconv.ParseBool(strings.TrimSpace(string(s))); err == nil {
		*f = flexBool(v)
	}
	return nil
}

// flexStrings accepts a string or an array of strings.
type flexStrings []string

func (f *flexStrings) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '[' {
		var parts []flexString
		if json.Unmarshal(b, &parts) == nil {
			out := make([]string, len(parts))
			for i, p := range parts {
				out[i] = string(p)
			}
			*f = out
		}
		return nil
	}
	var s flexString
	_ = s.UnmarshalJSON(b)
	if s != "" {
		*f = []string{string(s)}
	}
	return nil
}

// unixTime turns a Unix-seconds value into UTC time; 0 or garbage is the zero time.
func unixTime(v flexString) time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}
