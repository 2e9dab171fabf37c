package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/parquet-go/parquet-go"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://pbs.twimg.com/media/A.jpg", "https://pbs.twimg.com/media/A.jpg", true},
		{"  HTTPS://Example.ORG:443/a.png  ", "https://example.org/a.png", true},
		{"http://Example.org:80", "http://example.org/", true},
		{"http://example.org:8080/x", "http://example.org:8080/x", true},
		{"https://example.org/a.jpg#top", "https://example.org/a.jpg", true},
		{"https://example.org/a.jpg?name=orig&format=jpg", "https://example.org/a.jpg?name=orig&format=jpg", true},
		{"https://res.cloudinary.com/x/image/upload/w_100,h_50/p.jpg", "https://res.cloudinary.com/x/image/upload/w_100,h_50/p.jpg", true},
		{"//img.example.com/p/6.gif", "https://img.example.com/p/6.gif", true},
		{"<https://example.org/a.jpg>", "https://example.org/a.jpg", true},
		{"https://[2001:DB8::1]:443/a.jpg", "https://[2001:db8::1]/a.jpg", true},
		{"https://example.org/caf%C3%A9.jpg", "https://example.org/caf%C3%A9.jpg", true},
		{"https://example.org/café.jpg", "https://example.org/caf%C3%A9.jpg", true},
		{"ftp://example.org/x.jpg", "", false},
		{"javascript:alert(1)", "", false},
		{"data:image/png;base64,AAAA", "", false},
		{"file:///etc/passwd", "", false},
		{"example.org/a.jpg", "", false},
		{"https://user:pw@example.org/a.jpg", "", false},
		{"https:///a.jpg", "", false},
		{"http://exa mple.org/a.jpg", "", false},
		{"", "", false},
		{"https://example.org/" + strings.Repeat("a", MaxURLLength), "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeURL(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestExtractURLs(t *testing.T) {
	tests := []struct {
		name string
		cell string
		want []string
		bad  int
	}{
		{"single", "https://a.org/1.jpg", []string{"https://a.org/1.jpg"}, 0},
		{"spaces", "https://a.org/1.jpg  https://a.org/2.jpg\nhttps://a.org/3.jpg", []string{"https://a.org/1.jpg", "https://a.org/2.jpg", "https://a.org/3.jpg"}, 0},
		{"commas", "https://a.org/1.jpg,https://a.org/2.jpg, https://a.org/3.jpg", []string{"https://a.org/1.jpg", "https://a.org/2.jpg", "https://a.org/3.jpg"}, 0},
		{"comma inside URL kept", "https://c.org/w_1,h_2/p.jpg,https://a.org/2.jpg", []string{"https://c.org/w_1,h_2/p.jpg", "https://a.org/2.jpg"}, 0},
		{"pipes", "https://a.org/1.jpg|https://a.org/2.jpg", []string{"https://a.org/1.jpg", "https://a.org/2.jpg"}, 0},
		{"semicolons", "https://a.org/1.jpg;https://a.org/2.jpg", []string{"https://a.org/1.jpg", "https://a.org/2.jpg"}, 0},
		{"json array", `["https://a.org/1.jpg", "https://a.org/2.jpg"]`, []string{"https://a.org/1.jpg", "https://a.org/2.jpg"}, 0},
		{"json objects", `[{"type":"photo","media_url_https":"https://a.org/1.jpg","url":"https://t.co/x"},{"url":"https://a.org/2.jpg"}]`, []string{"https://a.org/1.jpg", "https://a.org/2.jpg"}, 0},
		{"python list", `['https://a.org/1.jpg', 'https://a.org/2.jpg']`, []string{"https://a.org/1.jpg", "https://a.org/2.jpg"}, 0},
		{"json string", `"https://a.org/1.jpg"`, []string{"https://a.org/1.jpg"}, 0},
		{"duplicates after normalising", "https://A.org/1.jpg https://a.org/1.jpg#x", []string{"https://a.org/1.jpg"}, 0},
		{"one bad", "https://a.org/1.jpg mailto:x@y.z", []string{"https://a.org/1.jpg"}, 1},
		{"empty", "   ", nil, 0},
		{"empty json", "[]", nil, 0},
		{"only bad", "not-a-url", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad := ExtractURLs(tt.cell)
			if !reflect.DeepEqual(got, tt.want) || len(bad) != tt.bad {
				t.Errorf("ExtractURLs(%q) = %q, %d bad (%v); want %q, %d bad", tt.cell, got, len(bad), bad, tt.want, tt.bad)
			}
		})
	}
}

type result struct {
	sum   Summary
	posts []Post
	rej   []Rejected
}

func read(t *testing.T, path string, opts Options) (result, error) {
	t.Helper()
	var r result
	var err error
	r.sum, err = ReadFile(context.Background(), path, opts,
		func(p Post) error { r.posts = append(r.posts, p); return nil },
		func(x Rejected) error { r.rej = append(r.rej, x); return nil })
	return r, err
}

func mustRead(t *testing.T, path string, opts Options) result {
	t.Helper()
	r, err := read(t, path, opts)
	if err != nil {
		t.Fatalf("ReadFile(%s) error = %v", path, err)
	}
	return r
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestReadCSVFixture(t *testing.T) {
	r := mustRead(t, filepath.Join("testdata", "posts.csv"), Options{})
	wantMap := Mapping{ID: "tweet_id", URL: "media_url_https", Text: "full_text", Time: "created_at", Author: "user_screen_name"}
	if r.sum.Mapping != wantMap || r.sum.Delimiter != ';' {
		t.Errorf("ReadFile(posts.csv) mapping = %+v delimiter %q, want %+v ';'", r.sum.Mapping, r.sum.Delimiter, wantMap)
	}
	want := []Post{
		{Row: 1, ID: "1001", Text: "Une manifestation; deux photos", Author: "alice", Time: date("2018-10-10T20:19:24Z"),
			URLs: []string{"https://pbs.twimg.com/media/A.jpg", "https://pbs.twimg.com/media/B.jpg"}, Extra: map[string]string{"lang": "fr"}},
		{Row: 2, ID: "1002", Text: "Texte sur\ndeux lignes", Author: "bob", Time: date("2018-10-11T06:00:00Z"),
			URLs: []string{"https://pbs.twimg.com/media/C.jpg"}, Extra: map[string]string{"lang": "fr"}},
		{Row: 5, ID: "1005", Text: "mixte", Author: "erin",
			URLs: []string{"https://example.org/a.png"}, Extra: map[string]string{"lang": "fr", "created_at": "not a date"}},
	}
	if !reflect.DeepEqual(r.posts, want) {
		t.Errorf("ReadFile(posts.csv) posts =\n%+v\nwant\n%+v", r.posts, want)
	}
	wantRej := []struct {
		row    int
		url    string
		reason string
	}{
		{3, "", `no URL in column "media_url_https"`},
		{4, "", `no valid URL in column "media_url_https"`},
		{5, "javascript:alert(1)", `scheme "javascript"`},
		{6, "", `empty id in column "tweet_id"`},
		{7, "", "row has 7 fields, header has 6"},
	}
	if len(r.rej) != len(wantRej) {
		t.Fatalf("ReadFile(posts.csv) rejected = %+v, want %d entries", r.rej, len(wantRej))
	}
	for i, w := range wantRej {
		if g := r.rej[i]; g.Row != w.row || g.URL != w.url || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("rejected[%d] = %+v, want row %d url %q reason containing %q", i, g, w.row, w.url, w.reason)
		}
	}
	if s := r.sum; s.Rows != 7 || s.Posts != 3 || s.Rejected != 4 || s.BadURLs != 1 || s.URLs != 4 {
		t.Errorf("Summary = %+v, want 7 rows, 3 posts, 4 rejected, 1 bad URL, 4 URLs", s)
	}
}

func TestReadJSONLFixture(t *testing.T) {
	r := mustRead(t, filepath.Join("testdata", "posts.jsonl"), Options{})
	wantMap := Mapping{ID: "id", URL: "media", Text: "text", Time: "created_at", Author: "user.screen_name"}
	if r.sum.Mapping != wantMap {
		t.Errorf("ReadFile(posts.jsonl) mapping = %+v, want %+v", r.sum.Mapping, wantMap)
	}
	want := []Post{
		{Row: 1, ID: "2001", Text: "first", Author: "ann", Time: date("2024-03-01T10:00:00Z"),
			URLs: []string{"https://img.example.com/p/1.jpg"}, Extra: map[string]string{"user.followers": "10"}},
		{Row: 3, ID: "2002", Text: "second", Author: "ben", Time: date("2024-03-02T10:00:00Z"),
			URLs: []string{"https://img.example.com/p/2.webp", "https://img.example.com/p/3.png"}},
		{Row: 7, ID: "2006", Text: "tags", Author: "di", Time: date("2024-03-05T10:10:00Z"),
			URLs: []string{"https://img.example.com/p/6.gif"}, Extra: map[string]string{"tags": `["a","b"]`}},
	}
	if !reflect.DeepEqual(r.posts, want) {
		t.Errorf("ReadFile(posts.jsonl) posts =\n%+v\nwant\n%+v", r.posts, want)
	}
	var rows []int
	for _, x := range r.rej {
		rows = append(rows, x.Row)
	}
	if !reflect.DeepEqual(rows, []int{4, 5, 6}) {
		t.Errorf("ReadFile(posts.jsonl) rejected rows = %v (%+v), want [4 5 6]", rows, r.rej)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadFormats(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		opts    Options
		ids     []string
		urls    int
	}{
		{"comma csv", "a.csv", "id,url\n1,https://a.org/1.jpg\n2,https://a.org/2.jpg\n", Options{}, []string{"1", "2"}, 2},
		{"tab csv", "a.tsv", "id\turl\n1\thttps://a.org/1.jpg\n", Options{}, []string{"1"}, 1},
		{"tab sniffed", "a.txt", "id\timage\n1\thttps://a.org/1.jpg\n", Options{}, []string{"1"}, 1},
		{"pipe csv", "a.csv", "id|image_url\n1|https://a.org/1.jpg\n", Options{}, []string{"1"}, 1},
		{"crlf", "a.csv", "id,url\r\n1,https://a.org/1.jpg\r\n\r\n2,https://a.org/2.jpg\r\n", Options{}, []string{"1", "2"}, 2},
		{"explicit format", "posts.dat", "id,url\n1,https://a.org/1.jpg\n", Options{Format: "csv"}, []string{"1"}, 1},
		{"json array", "a.json", `[{"id": 1, "image": "https://a.org/1.jpg"}, {"id": 2, "image": ["https://a.org/2.jpg", "https://a.org/3.jpg"]}]`, Options{}, []string{"1", "2"}, 3},
		{"big ids stay exact", "a.jsonl", `{"id": 1849302948573920123, "url": "https://a.org/1.jpg"}` + "\n", Options{}, []string{"1849302948573920123"}, 1},
		{"twitter v1 nested", "t.jsonl", `{"id_str": "99", "full_text": "x", "user": {"screen_name": "u"}, "entities": {"urls": [{"expanded_url": "https://news.example/a"}]}, "extended_entities": {"media": [{"media_url_https": "https://pbs.twimg.com/media/Q.jpg"}, {"media_url_https": "https://pbs.twimg.com/media/R.jpg"}]}}` + "\n", Options{}, []string{"99"}, 2},
		{"explicit mapping", "a.csv", "post,pic,body\n7,https://a.org/7.jpg,hi\n", Options{Mapping: Mapping{ID: "post", URL: "pic", Text: "body"}}, []string{"7"}, 1},
		{"url column by content", "a.csv", "id,permalink,stuff\n1,https://site.org/post/1,https://cdn.org/1.jpg\n2,https://site.org/post/2,https://cdn.org/2.png\n", Options{}, []string{"1", "2"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRead(t, writeFile(t, tt.file, tt.content), tt.opts)
			var ids []string
			for _, p := range r.posts {
				ids = append(ids, p.ID)
			}
			if !reflect.DeepEqual(ids, tt.ids) || r.sum.URLs != tt.urls || len(r.rej) != 0 {
				t.Errorf("ReadFile(%s) ids = %v, %d URLs, rejected %+v; want %v, %d, none", tt.name, ids, r.sum.URLs, r.rej, tt.ids, tt.urls)
			}
		})
	}
}

func TestReadURLColumnByContent(t *testing.T) {
	p := writeFile(t, "a.csv", "ref,permalink,stuff\n1,https://site.org/post/1,https://cdn.org/1.jpg\n")
	r := mustRead(t, p, Options{})
	if r.sum.Mapping.URL != "stuff" {
		t.Errorf("ReadFile mapping URL = %q, want %q (the column of image URLs)", r.sum.Mapping.URL, "stuff")
	}
}

func TestMappingErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		opts    Options
		want    string
	}{
		{"missing explicit", "id,text,url\n1,a,https://a.org/1.jpg\n", Options{Mapping: Mapping{URL: "media_url"}},
			`column "media_url" not found; columns are: id, text, url — use --url-column`},
		{"missing explicit id", "id,text,url\n1,a,https://a.org/1.jpg\n", Options{Mapping: Mapping{ID: "tweet"}},
			`column "tweet" not found; columns are: id, text, url — use --id-column`},
		{"no url column", "id,text,score\n1,hello,3\n", Options{},
			"no column of image URLs found; columns are: id, text, score — use --url-column"},
		{"ambiguous", "a,b\nhttps://x.org/1,https://y.org/2\n", Options{},
			"no column of image URLs found; columns are: a, b — use --url-column"},
		{"empty file", "", Options{}, "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(t, writeFile(t, "a.csv", tt.content), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadFile() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestContentIDStable(t *testing.T) {
	content := "text,url\nhello,https://a.org/1.jpg\nworld,https://a.org/2.jpg\nhello,https://a.org/1.jpg\n"
	a := mustRead(t, writeFile(t, "a.csv", content), Options{})
	b := mustRead(t, writeFile(t, "b.csv", content), Options{})
	if len(a.posts) != 3 || a.posts[0].ID != b.posts[0].ID || a.posts[1].ID != b.posts[1].ID {
		t.Fatalf("content ids differ between reads: %+v vs %+v", a.posts, b.posts)
	}
	if a.posts[0].ID == a.posts[1].ID || a.posts[0].ID != a.posts[2].ID || !strings.HasPrefix(a.posts[0].ID, "h") || len(a.posts[0].ID) != 17 {
		t.Errorf("content ids = %q, %q, %q; want distinct for different rows, equal for equal rows, h+16 hex", a.posts[0].ID, a.posts[1].ID, a.posts[2].ID)
	}
}

func TestReadGzipAndUTF16(t *testing.T) {
	content := "id,url,text\n1,https://a.org/1.jpg,été\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(content))
	zw.Close()
	var u16 bytes.Buffer
	u16.Write([]byte{0xFF, 0xFE})
	for _, c := range utf16.Encode([]rune(strings.ReplaceAll(content, ",", "\t"))) {
		u16.Write([]byte{byte(c), byte(c >> 8)})
	}
	for name, data := range map[string][]byte{"a.csv.gz": gz.Bytes(), "a.txt": u16.Bytes()} {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, data, 0o644)
		r := mustRead(t, p, Options{})
		if len(r.posts) != 1 || r.posts[0].Text != "été" || r.posts[0].URLs[0] != "https://a.org/1.jpg" {
			t.Errorf("ReadFile(%s) posts = %+v, want one post with text été", name, r.posts)
		}
	}
}

type pqPost struct {
	PostID  string    `parquet:"post_id"`
	Images  []string  `parquet:"image_urls,list"`
	Created time.Time `parquet:"published_at,timestamp(millisecond)"`
	Handle  string    `parquet:"handle,optional"`
	Caption string    `parquet:"caption,optional"`
	Likes   int64     `parquet:"likes"`
}

func TestReadParquet(t *testing.T) {
	in := []pqPost{
		{"p1", []string{"https://a.org/1.jpg", "https://a.org/2.jpg"}, date("2023-05-01T12:00:00Z"), "ann", "one", 5},
		{"p2", nil, date("2023-05-02T12:00:00Z"), "ben", "none", 0},
		{"p3", []string{"HTTPS://A.ORG/3.jpg#x", "ftp://a.org/x"}, date("2023-05-03T12:00:00Z"), "", "three", 7},
	}
	p := filepath.Join(t.TempDir(), "posts.parquet")
	var buf bytes.Buffer
	if err := parquet.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, buf.Bytes(), 0o644)
	r := mustRead(t, p, Options{})
	wantMap := Mapping{ID: "post_id", URL: "image_urls", Text: "caption", Time: "published_at", Author: "handle"}
	if r.sum.Mapping != wantMap {
		t.Errorf("ReadFile(parquet) mapping = %+v, want %+v", r.sum.Mapping, wantMap)
	}
	want := []Post{
		{Row: 1, ID: "p1", Text: "one", Author: "ann", Time: date("2023-05-01T12:00:00Z"),
			URLs: []string{"https://a.org/1.jpg", "https://a.org/2.jpg"}, Extra: map[string]string{"likes": "5"}},
		{Row: 3, ID: "p3", Text: "three", Time: date("2023-05-03T12:00:00Z"),
			URLs: []string{"https://a.org/3.jpg"}, Extra: map[string]string{"likes": "7"}},
	}
	if !reflect.DeepEqual(r.posts, want) {
		t.Errorf("ReadFile(parquet) posts =\n%+v\nwant\n%+v", r.posts, want)
	}
	if len(r.rej) != 2 || r.rej[0].Row != 2 || r.rej[1].URL != "ftp://a.org/x" {
		t.Errorf("ReadFile(parquet) rejected = %+v, want row 2 and the ftp URL of row 3", r.rej)
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"2018-10-10T20:19:24Z", "2018-10-10T20:19:24Z"},
		{"2018-10-10T20:19:24.123+02:00", "2018-10-10T18:19:24.123Z"},
		{"2018-10-10 20:19:24", "2018-10-10T20:19:24Z"},
		{"2018-10-10", "2018-10-10T00:00:00Z"},
		{"Wed Oct 10 20:19:24 +0000 2018", "2018-10-10T20:19:24Z"},
		{"1539202764", "2018-10-10T20:19:24Z"},
		{"1539202764000", "2018-10-10T20:19:24Z"},
		{"1539202764.5", "2018-10-10T20:19:24.5Z"},
		{"10/10/2018", "2018-10-10T00:00:00Z"},
		{"yesterday", ""},
		{"42", ""},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("parseTime(%q) = %v, want failure", tt.in, got)
			}
			continue
		}
		if !ok || !got.Equal(date(tt.want)) {
			t.Errorf("parseTime(%q) = %v, %v; want %s", tt.in, got, ok, tt.want)
		}
	}
}

func TestEmitErrorStops(t *testing.T) {
	p := writeFile(t, "a.csv", "id,url\n1,https://a.org/1.jpg\n2,https://a.org/2.jpg\n")
	stop := os.ErrClosed
	n := 0
	_, err := ReadFile(context.Background(), p, Options{}, func(Post) error { n++; return stop }, func(Rejected) error { return nil })
	if err != stop || n != 1 {
		t.Errorf("ReadFile with failing emit = %v after %d posts, want %v after 1", err, n, stop)
	}
}

func FuzzExtractURLs(f *testing.F) {
	for _, s := range []string{"https://a.org/1.jpg", `["https://a.org/1.jpg","//b.org/x"]`, "['http://a/b', 'http://c/d']",
		"https://c.org/w_1,h_2/p.jpg,https://a.org/2.jpg", "HTTP://X.ORG:80/#f|https://[::1]:443/a", `[{"url":"https://a.org"}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		urls, _ := ExtractURLs(cell)
		seen := map[string]bool{}
		for _, u := range urls {
			if seen[u] {
				t.Fatalf("ExtractURLs(%q) repeats %q", cell, u)
			}
			seen[u] = true
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") || strings.Contains(u, "#") {
				t.Fatalf("ExtractURLs(%q) gave %q, not a normalised http(s) URL", cell, u)
			}
			again, err := NormalizeURL(u)
			if err != nil || again != u {
				t.Fatalf("NormalizeURL(%q) = %q, %v; want it unchanged (from cell %q)", u, again, err, cell)
			}
		}
	})
}

func fuzzRead(t *testing.T, name string, data []byte) {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rows := map[int]bool{}
	sum, err := ReadFile(context.Background(), p, Options{},
		func(p Post) error {
			if len(p.URLs) == 0 || p.ID == "" {
				t.Fatalf("post %+v has no URL or no id", p)
			}
			rows[p.Row] = true
			return nil
		},
		func(r Rejected) error {
			if r.Reason == "" {
				t.Fatalf("rejection %+v without reason", r)
			}
			return nil
		})
	if err != nil {
		return
	}
	if sum.Posts+sum.Rejected != sum.Rows || len(rows) != sum.Posts {
		t.Fatalf("summary %+v: posts + rejected != rows", sum)
	}
}

func FuzzReadCSV(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "posts.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("id,url\n1,https://a.org/1.jpg\n\"2\",\"https://a.org/2.jpg https://a.org/3.jpg\"\n"))
	f.Add([]byte("a;b\n\"x;\"\"y\";https://q.org/\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.csv", data) })
}

func FuzzReadJSONL(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "posts.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`[{"id":1,"url":"https://a.org/1.jpg"},{"id":2}]`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "f.jsonl", data) })
}

func BenchmarkReadCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,created_at,author,text,media_url\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "%d,2024-03-01T10:%02d:00Z,user%d,\"post number %d, with a comma\",https://pbs.twimg.com/media/F%dAbc.jpg?format=jpg&name=large\n", i, i%60, i%97, i, i)
	}
	p := filepath.Join(b.TempDir(), "posts.csv")
	os.WriteFile(p, []byte(sb.String()), 0o644)
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		sum, err := ReadFile(context.Background(), p, Options{}, func(Post) error { return nil }, func(Rejected) error { return nil })
		if err != nil || sum.Posts != 10000 {
			b.Fatalf("ReadFile = %+v, %v", sum, err)
		}
	}
}

func BenchmarkExtractURLs(b *testing.B) {
	cell := `["https://pbs.twimg.com/media/A.jpg?format=jpg", "https://pbs.twimg.com/media/B.png", "https://example.org/c.webp#x"]`
	for b.Loop() {
		if u, _ := ExtractURLs(cell); len(u) != 3 {
			b.Fatal(u)
		}
	}
}
