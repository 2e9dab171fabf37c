package ingest

import (
	"strconv"
	"strings"
	"time"
)

// timeLayouts are tried in order on a time cell; values without a zone are UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999 MST",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
	time.RubyDate, // Twitter API v1.1: "Wed Oct 10 20:19:24 +0000 2018"
	time.RFC1123Z, // RSS
	time.RFC1123,
	time.RFC850,
	time.UnixDate,
	"2006/01/02 15:04:05",
	"2006/01/02",
	"02/01/2006 15:04:05", // day first, as European spreadsheets write it
	"02/01/2006 15:04",
	"02/01/2006",
}

// parseTime parses a time cell: one of timeLayouts, or Unix time in seconds,
// milliseconds or microseconds (told apart by magnitude, for dates after
// 1973). The result is in UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		switch a := f; {
		case a >= 1e8 && a < 1e11:
			return time.Unix(0, int64(f*1e9)).UTC(), true
		case a >= 1e11 && a < 1e14:
			return time.UnixMilli(int64(f)).UTC(), true
		case a >= 1e14 && a < 1e17:
			return time.UnixMicro(int64(f)).UTC(), true
		}
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
