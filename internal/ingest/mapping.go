package ingest

import (
	"fmt"
	"strings"
)

// Column names recognised for each field, compared after lower-casing and
// removing "_", "-", " " and ".". Earlier names win.
var (
	idNames = []string{"id", "postid", "tweetid", "statusid", "messageid", "mediaid", "idstr",
		"uuid", "guid", "uid", "key", "postkey", "platformid", "contentid"}
	textNames = []string{"text", "fulltext", "tweettext", "body", "content", "message", "caption",
		"description", "title", "posttext", "tweet", "rawcontent"}
	timeNames = []string{"createdat", "createdtime", "timestamp", "time", "date", "datetime",
		"publishedat", "postedat", "created", "published", "takenat", "posttime", "creationtime",
		"createdutc", "dateutc", "timestamputc"}
	authorNames = []string{"author", "username", "screenname", "userscreenname", "userusername",
		"user", "authorname", "authorusername", "authorhandle", "handle", "account", "accountname",
		"accounthandle", "channel", "owner", "ownerusername", "name", "username"}
	// strong URL names say "image"; weak ones only "link".
	strongURLNames = []string{"mediaurl", "mediaurls", "mediaurlhttps", "imageurl", "imageurls",
		"imgurl", "imgurls", "photourl", "photourls", "pictureurl", "thumbnailurl", "displayurl",
		"images", "image", "img", "photos", "photo", "media", "picture", "pictures", "thumbnail",
		"attachments", "attachment", "mediaurlsjson", "extendedentitiesmedia", "entitiesmedia",
		"attachmentsmedia", "includesmedia"}
	weakURLNames = []string{"urls", "url", "links", "link", "href", "src", "source"}
)

func fold(name string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', ' ', '.':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(name)))
}

// findByName returns the index of the first column whose folded name is in
// names (earlier names first), or -1.
func findByName(cols []string, names []string, taken map[int]bool) int {
	for _, n := range names {
		for i, c := range cols {
			if !taken[i] && fold(c) == n {
				return i
			}
		}
	}
	return -1
}

// resolve fills in the mapping: explicit names must exist; the URL column is
// guessed by name, then by content (the sample rows); other fields by name.
func resolve(m Mapping, cols []string, sample [][]cell) (Mapping, colIndex, error) {
	idx := colIndex{-1, -1, -1, -1, -1}
	taken := map[int]bool{}
	explicit := []struct {
		name string
		flag string
		dst  *int
	}{
		{m.URL, "--url-column", &idx.url}, {m.ID, "--id-column", &idx.id},
		{m.Text, "--text-column", &idx.text}, {m.Time, "--time-column", &idx.time},
		{m.Author, "--author-column", &idx.author},
	}
	for _, e := range explicit {
		if e.name == "" {
			continue
		}
		i := indexOf(cols, e.name)
		if i < 0 {
			return m, idx, fmt.Errorf("column %q not found; columns are: %s — use %s", e.name, list(cols), e.flag)
		}
		*e.dst = i
		taken[i] = true
	}
	if idx.url < 0 {
		idx.url = guessURL(cols, sample, taken)
		if idx.url < 0 {
			return m, idx, fmt.Errorf("no column of image URLs found; columns are: %s — use --url-column", list(cols))
		}
		taken[idx.url] = true
	}
	guess := func(dst *int, names []string) {
		if *dst < 0 {
			if i := findByName(cols, names, taken); i >= 0 {
				*dst = i
				taken[i] = true
			}
		}
	}
	guess(&idx.id, idNames)
	guess(&idx.time, timeNames)
	guess(&idx.text, textNames)
	guess(&idx.author, authorNames)
	name := func(i int) string {
		if i < 0 {
			return ""
		}
		return cols[i]
	}
	return Mapping{ID: name(idx.id), URL: name(idx.url), Text: name(idx.text), Time: name(idx.time),
		Author: name(idx.author)}, idx, nil
}

func indexOf(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	for i, c := range cols { // then case-insensitively
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

func list(cols []string) string {
	if len(cols) == 0 {
		return "(none)"
	}
	return strings.Join(cols, ", ")
}

// guessURL picks the URL column: a column named like an image column; else
// the column whose sample cells most often hold URLs that look like images;
// else a column named like a link; else the only column holding URLs.
func guessURL(cols []string, sample [][]cell, taken map[int]bool) int {
	if i := findByName(cols, strongURLNames, taken); i >= 0 {
		return i
	}
	type score struct{ urls, images int }
	scores := make([]score, len(cols))
	for _, row := range sample {
		for i, c := range row {
			if i >= len(cols) || taken[i] {
				continue
			}
			var raw []string
			switch c.kind {
			case textCell:
				if !strings.Contains(c.s, "http") && !strings.Contains(c.s, "//") {
					continue
				}
				raw = []string{c.s}
			case listCell:
				raw = c.list
			}
			n, img := 0, 0
			for _, r := range raw {
				us, _ := ExtractURLs(r)
				n += len(us)
				for _, u := range us {
					if looksLikeImage(u) {
						img++
					}
				}
			}
			if n > 0 {
				scores[i].urls++
			}
			if img > 0 {
				scores[i].images++
			}
		}
	}
	best := -1
	for i, s := range scores {
		if s.images > 0 && s.images*2 >= s.urls && (best < 0 || s.images > scores[best].images) {
			best = i
		}
	}
	if best >= 0 {
		return best
	}
	if i := findByName(cols, weakURLNames, taken); i >= 0 {
		return i
	}
	only := -1
	for i, s := range scores {
		if s.urls > 0 {
			if only >= 0 {
				return -1 // ambiguous
			}
			only = i
		}
	}
	return only
}

// looksLikeImage reports whether a URL names an image file or format.
func looksLikeImage(u string) bool {
	l := strings.ToLower(u)
	path, query, _ := strings.Cut(l, "?")
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".heic"} {
		if strings.HasSuffix(path, ext) || strings.Contains(path, ext+":") {
			return true
		}
	}
	for _, f := range []string{"format=jpg", "format=jpeg", "format=png", "format=webp", "fm=jpg", "fm=webp"} {
		if strings.Contains(query, f) {
			return true
		}
	}
	return false
}
