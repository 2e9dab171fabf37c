package imagestore

import (
	"bytes"
	"errors"
)

// Format names an image encoding as stored in the catalog.
const (
	JPEG = "jpeg"
	PNG  = "png"
	GIF  = "gif"
	WebP = "webp"
)

// Reasons for refusing bytes. Every error returned by [Inspect], [Decode] and
// [Store.Put] for bad input wraps one of these, so callers classify with
// errors.Is; the *Error wrapper also reports a short status name through its
// Status method (not_image, unsupported_format, decode_error, too_many_pixels).
var (
	ErrNotImage          = errors.New("not an image")
	ErrUnsupportedFormat = errors.New("unsupported image format")
	ErrDecode            = errors.New("image does not decode")
	ErrTooManyPixels     = errors.New("image has too many pixels")
)

// Error is a refusal of some bytes, with the reason and the detail.
type Error struct {
	Reason error  // one of ErrNotImage, ErrUnsupportedFormat, ErrDecode, ErrTooManyPixels
	Format string // the sniffed format ("avif", "bmp", "html", ...), if known
	Err    error  // the underlying decoder error, if any
}

func (e *Error) Error() string {
	msg := e.Reason.Error()
	if e.Format != "" {
		msg += " (" + e.Format + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the reason and the underlying error.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Reason}
	}
	return []error{e.Reason, e.Err}
}

// Status returns the outcome name the fetch log records for this refusal.
func (e *Error) Status() string {
	switch e.Reason {
	case ErrNotImage:
		return "not_image"
	case ErrUnsupportedFormat:
		return "unsupported_format"
	case ErrTooManyPixels:
		return "too_many_pixels"
	default:
		return "decode_error"
	}
}

func refuse(reason error, format string, err error) *Error {
	return &Error{Reason: reason, Format: format, Err: err}
}

// Sniff names the encoding of data from its leading bytes, ignoring any
// Content-Type a server claimed. It returns one of JPEG, PNG, GIF, WebP for
// the supported formats, another lowercase name ("avif", "heic", "bmp",
// "tiff", "svg", "ico", "jxl", "html", "pdf", ...) for recognised
// unsupported content, and "" when the bytes are not recognised.
// Supported reports whether the name is one Decode can decode.
func Sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF
	case len(data) >= 12 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		switch brand := string(data[8:12]); brand {
		case "avif", "avis":
			return "avif"
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return "heic"
		default:
			return "video" // mp4, mov and other ISO base media files
		}
	case bytes.HasPrefix(data, []byte("BM")) && len(data) >= 26:
		return "bmp"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "tiff"
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0x01, 0x00}):
		return "ico"
	case bytes.HasPrefix(data, []byte{0xFF, 0x0A}), bytes.HasPrefix(data, []byte("\x00\x00\x00\x0cJXL \r\n\x87\n")):
		return "jxl"
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "pdf"
	}
	head := bytes.ToLower(bytes.TrimLeft(trimBOM(data[:min(len(data), 512)]), " \t\r\n"))
	switch {
	case bytes.HasPrefix(head, []byte("<svg")), bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<svg")):
		return "svg"
	case bytes.HasPrefix(head, []byte("<!doctype html")), bytes.HasPrefix(head, []byte("<html")),
		bytes.HasPrefix(head, []byte("<head")), bytes.HasPrefix(head, []byte("<body")):
		return "html"
	case bytes.HasPrefix(head, []byte("{")), bytes.HasPrefix(head, []byte("[")):
		return "json"
	}
	return ""
}

// Supported reports whether format (as returned by Sniff) can be decoded.
func Supported(format string) bool {
	switch format {
	case JPEG, PNG, GIF, WebP:
		return true
	}
	return false
}

// imageLike lists the recognised formats that are pictures motif cannot
// decode: they are reported as unsupported_format rather than not_image.
func imageLike(format string) bool {
	switch format {
	case "avif", "heic", "bmp", "tiff", "ico", "jxl", "svg":
		return true
	}
	return false
}

// Ext returns the file extension (without dot) of a supported format.
func Ext(format string) string {
	if format == JPEG {
		return "jpg"
	}
	return format
}

func trimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
}
