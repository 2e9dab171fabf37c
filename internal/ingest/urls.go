package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// MaxURLLength is the longest URL accepted, in bytes.
const MaxURLLength = 8192

// NormalizeURL validates one URL and returns its canonical form: the scheme
// must be http or https (a protocol-relative "//host/…" becomes https), a
// host is required, user credentials are refused; the scheme and host are
// lower-cased, a default port (:80, :443) and the fragment are dropped, an
// empty path becomes "/". Path and query are kept byte for byte (signed CDN
// URLs depend on them), except that characters which must be escaped are
// escaped.
func NormalizeURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	s = strings.TrimPrefix(s, "<")
	s = strings.TrimSuffix(s, ">")
	if s == "" {
		return "", errors.New("empty URL")
	}
	if len(s) > MaxURLLength {
		return "", fmt.Errorf("URL longer than %d bytes", MaxURLLength)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "", errors.New("URL contains spaces or control characters")
	}
	if strings.HasPrefix(s, "//") {
		s = "https:" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("unparsable URL: %w", err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch u.Scheme {
	case "http", "https":
	case "":
		return "", errors.New("not an absolute URL (no http:// or https://)")
	default:
		return "", fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.Opaque != "" {
		return "", errors.New("not a hierarchical URL (want scheme://host/path)")
	}
	if u.User != nil {
		return "", errors.New("URL carries user credentials")
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", errors.New("URL has no host")
	}
	if strings.ContainsAny(host, "%") && !strings.Contains(u.Host, "[") {
		return "", errors.New("URL host is percent-encoded")
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" { // an empty port ("host:") is dropped like a default one
		host += ":" + port
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" && u.RawPath == "" {
		u.Path = "/"
	}
	out := u.String()
	if len(out) > MaxURLLength {
		return "", fmt.Errorf("URL longer than %d bytes once escaped", MaxURLLength)
	}
	return out, nil
}

// BadURL is a URL found in a cell that NormalizeURL refused.
type BadURL struct {
	URL    string
	Reason string
}

// ExtractURLs finds the URLs in one cell and normalises them, in order of
// appearance and without duplicates. A cell may hold a JSON array of strings
// (or of objects, whose media_url_https, media_url, url, src or href field is
// taken), a Python-style list ("['a', 'b']", as pandas writes list columns),
// or URLs separated by whitespace, "|", or by commas and semicolons that are
// followed by a URL (so commas inside a URL, as image CDNs use, are kept).
func ExtractURLs(cell string) (urls []string, bad []BadURL) {
	seen := map[string]bool{}
	for _, c := range splitCell(cell) {
		n, err := NormalizeURL(c)
		if err != nil {
			bad = append(bad, BadURL{URL: c, Reason: err.Error()})
			continue
		}
		if !seen[n] {
			seen[n] = true
			urls = append(urls, n)
		}
	}
	return urls, bad
}

// urlKeys are the fields of a JSON object, in order of preference, that hold
// a media URL (Twitter's media entities, generic exports).
var urlKeys = []string{"media_url_https", "media_url", "url", "src", "href", "image_url", "link"}

// splitCell returns the candidate URL strings in a cell.
func splitCell(cell string) []string {
	s := strings.TrimSpace(cell)
	if s == "" {
		return nil
	}
	if s[0] == '[' || s[0] == '{' || s[0] == '"' {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err == nil {
			return fromJSON(v)
		}
		if s[0] == '[' && strings.HasSuffix(s, "]") {
			return splitPythonList(s[1 : len(s)-1])
		}
	}
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '|' }) {
		out = append(out, splitBeforeURL(f)...)
	}
	return out
}

// fromJSON collects URL strings from a decoded JSON cell.
func fromJSON(v any) []string {
	switch v := v.(type) {
	case string:
		return splitCell(v)
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, fromJSON(e)...)
		}
		return out
	case map[string]any:
		for _, k := range urlKeys {
			if s, ok := v[k].(string); ok && s != "" {
				return []string{s}
			}
		}
	}
	return nil
}

// splitPythonList splits the inside of "['a', 'b']" or "[a, b]".
func splitPythonList(s string) []string {
	var out []string
	for _, p := range splitBeforeURL(s) {
		p = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), ","))
		if len(p) >= 2 && (p[0] == '\'' || p[0] == '"') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// splitBeforeURL splits s at every comma or semicolon (with optional spaces
// and quotes) that is followed by http:// or https://.
func splitBeforeURL(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ',' && s[i] != ';' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == ' ' || s[j] == '\'' || s[j] == '"' || s[j] == '\t') {
			j++
		}
		rest := strings.ToLower(s[j:min(len(s), j+8)])
		if strings.HasPrefix(rest, "http://") || strings.HasPrefix(rest, "https://") || strings.HasPrefix(rest, "//") {
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	out = append(out, strings.TrimSpace(s[start:]))
	res := out[:0]
	for _, p := range out {
		if p = strings.TrimRight(p, ",;"); p != "" {
			res = append(res, p)
		}
	}
	return res
}
