package embed

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LibraryEnv is the environment variable that names the ONNX Runtime shared library.
const LibraryEnv = "MOTIF_ORT_LIB"

// GetLibrary tells a user how to obtain the ONNX Runtime library.
const GetLibrary = `get ONNX Runtime 1.30 (CPU) from npm:
    npm pack onnxruntime-node@1.30.0 && tar xzf onnxruntime-node-1.30.0.tgz
then pass --ort-lib package/bin/napi-v6/linux/x64/libonnxruntime.so.1 (or set ` + LibraryEnv + `),
or copy that file to /usr/local/lib; internal/embed/testdata/get-ort.sh DIR does the same`

// libraryNames are the file names of the library on this kind of system.
var libraryNames = []string{"libonnxruntime.so", "libonnxruntime.so.1"}

// LibraryCandidates lists where FindLibrary looks when neither an explicit path nor
// $MOTIF_ORT_LIB is given: beside the motif executable, then the system library directories.
func LibraryCandidates() []string {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe), filepath.Join(filepath.Dir(exe), "..", "lib"))
	}
	dirs = append(dirs, "/usr/local/lib", "/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/opt/onnxruntime/lib")
	var out []string
	for _, d := range dirs {
		for _, n := range libraryNames {
			out = append(out, filepath.Join(d, n))
		}
	}
	return out
}

// ErrNoLibrary is returned (wrapped) when the ONNX Runtime library cannot be found.
var ErrNoLibrary = errors.New("ONNX Runtime library not found")

// FindLibrary returns the ONNX Runtime shared library to load: explicit when not empty, else
// $MOTIF_ORT_LIB, else the first of LibraryCandidates that exists. The error says how to
// get the library.
func FindLibrary(explicit string) (string, error) {
	check := func(p, from string) (string, error) {
		st, err := os.Stat(p)
		if err != nil {
			return "", fmt.Errorf("%w: %s %s: %v\n%s", ErrNoLibrary, from, p, err, GetLibrary)
		}
		if st.IsDir() {
			return "", fmt.Errorf("%w: %s %s is a directory; name the libonnxruntime.so file in it\n%s", ErrNoLibrary, from, p, GetLibrary)
		}
		return p, nil
	}
	if explicit != "" {
		return check(explicit, "--ort-lib")
	}
	if env := os.Getenv(LibraryEnv); env != "" {
		return check(env, "$"+LibraryEnv)
	}
	cands := LibraryCandidates()
	for _, p := range cands {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w (no --ort-lib, $%s unset, none of %s)\n%s", ErrNoLibrary, LibraryEnv, strings.Join(cands, ", "), GetLibrary)
}
