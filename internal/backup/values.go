package backup

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// timeLayouts are how SQLite may hold a timestamp it hands back as text.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

// encode turns a scanned value of a column of portable type typ into its
// JSON form: NULL null, times RFC 3339 UTC to the microsecond (what both
// databases keep; SQLite may hold nanoseconds PostgreSQL cannot), bytes
// base64, bools true/false.
func encode(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "time":
		switch t := v.(type) {
		case time.Time:
			return formatTime(t), nil
		case string:
			tt, err := parseTime(t)
			if err != nil {
				return nil, err
			}
			return formatTime(tt), nil
		case []byte:
			tt, err := parseTime(string(t))
			if err != nil {
				return nil, err
			}
			return formatTime(tt), nil
		case int64: // Unix seconds
			return formatTime(time.Unix(t, 0)), nil
		}
	case "bytes":
		switch b := v.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(b), nil
		case string:
			return base64.StdEncoding.EncodeToString([]byte(b)), nil
		}
	case "bool":
		switch b := v.(type) {
		case bool:
			return b, nil
		case int64:
			return b != 0, nil
		}
	case "integer":
		switch n := v.(type) {
		case int64:
			return n, nil
		case int32:
			return int64(n), nil
		case bool:
			if n {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case "real":
		switch n := v.(type) {
		case float64:
			return n, nil
		case float32:
			return float64(n), nil
		case int64:
			return float64(n), nil
		}
	case "text":
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		case int64:
			return strconv.FormatInt(s, 10), nil
		case time.Time:
			return s.UTC().Format(time.RFC3339Nano), nil
		}
	}
	return nil, fmt.Errorf("a %T value in a %s column", v, typ)
}

func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", s)
}

// decode turns a JSON value written by encode for a column of type typ
// back into a value for a target column of type target.
func decode(v any, typ, target string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "integer", "bool":
		var n int64
		switch x := v.(type) {
		case json.Number:
			i, err := x.Int64()
			if err != nil {
				return nil, fmt.Errorf("%q is not an integer", x)
			}
			n = i
		case bool:
			if x {
				n = 1
			}
		default:
			return nil, fmt.Errorf("%v is not a %s", v, typ)
		}
		if target == "bool" {
			return n != 0, nil
		}
		return n, nil
	case "real":
		x, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%v is not a number", v)
		}
		return x.Float64()
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%v is not a string for a %s column", v, typ)
	}
	switch typ {
	case "time":
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an RFC 3339 time", s)
		}
		return t.UTC(), nil
	case "bytes":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("bytes are not base64: %w", err)
		}
		return b, nil
	}
	return s, nil
}
