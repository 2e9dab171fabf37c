// Command motif clusters the images of social-media posts into visual
// motifs: it imports or computes image embeddings, lays them out with UMAP,
// groups them with HDBSCAN and exports or serves the result.
//
// Exit codes:
//
//	0  success
//	1  the command failed (bad input, I/O error, …); the message says why
//	2  usage error: unknown command or flag, missing argument
//	3  the project is from a newer motif, or is not a motif project
//	130 interrupted (Ctrl-C); work finished so far is kept
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"

	"motif/internal/catalog"
	"motif/internal/pipeline"
)

// Exit codes, documented in the package comment and `motif help`.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitProject     = 3
	exitInterrupted = 130
)

// command is one subcommand: its flags are registered on a FlagSet of its
// own by setup, and run gets the arguments left after the flags.
type command struct {
	name  string
	args  string // synopsis of the positional arguments
	short string // one line for `motif help`
	long  string // a paragraph for `motif help CMD`
	setup func(fs *flag.FlagSet, g *globals) func(ctx context.Context, args []string) error
}

// commands is every subcommand in the order `motif help` lists them.
var commands []*command

func register(c *command) { commands = append(commands, c) }

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageError is a mistake in how motif was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printHelp(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			if c := lookup(rest[0]); c != nil {
				printCommandHelp(stdout, c)
				return exitOK
			}
			fmt.Fprintf(stderr, "motif: unknown command %q; run `motif help` for the list\n", rest[0])
			return exitUsage
		}
		printHelp(stdout)
		return exitOK
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "motif", version())
		return exitOK
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(stderr, "motif: unknown command %q; run `motif help` for the list\n", name)
		return exitUsage
	}
	fs := flag.NewFlagSet("motif "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g := &globals{stdout: stdout, stderr: stderr}
	g.register(fs)
	runFn := c.setup(fs, g)
	if err := fs.Parse(reorder(fs, rest)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(stdout, c)
			return exitOK
		}
		fmt.Fprintf(stderr, "motif %s: %v\nrun `motif %s -h` for its flags\n", c.name, err, c.name)
		return exitUsage
	}
	if err := g.setup(); err != nil {
		fmt.Fprintf(stderr, "motif %s: %v\n", c.name, err)
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// A second Ctrl-C while the first is being honoured ends motif at once.
		<-ctx.Done()
		stop()
	}()
	err := runFn(ctx, fs.Args())
	g.progress.finish()
	if err == nil {
		return exitOK
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "motif %s: %v\nrun `motif %s -h` for its flags\n", c.name, err, c.name)
		return exitUsage
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintf(stderr, "motif %s: interrupted; finished work is kept\n", c.name)
		return exitInterrupted
	case errors.Is(err, catalog.ErrNewerSchema) || errors.Is(err, pipeline.ErrNoProject):
		fmt.Fprintf(stderr, "motif %s: %v\n", c.name, err)
		return exitProject
	}
	fmt.Fprintf(stderr, "motif %s: %v\n", c.name, err)
	return exitError
}

// reorder moves flags after positional arguments to the front, so that
// `motif import data.parquet --name x` works as users expect.
func reorder(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			f := fs.Lookup(name)
			if f == nil {
				continue
			}
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `motif finds the recurring visual motifs in a collection of images: it
embeds them, lays them out with UMAP, groups them with HDBSCAN and lets you
explore and export the result.

Usage: motif COMMAND [flags] [arguments]

Commands:
`)
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range ordered() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.short)
	}
	fmt.Fprintf(w, `
Every command takes --project DIR (default ./motif-project, or $MOTIF_PROJECT),
--quiet and --log-format text|json. Run "motif help COMMAND" or
"motif COMMAND -h" for a command's flags and their defaults.

Exit codes: 0 success, 1 failure, 2 usage error, 3 not a project or a
project from a newer motif, 130 interrupted (finished work is kept).
`)
}

// helpOrder lists the commands in the order of the pipeline, as `motif
// help` shows them; commands not named here follow in name order.
var helpOrder = []string{
	"demo", "run", "ingest", "fetch", "urls", "check", "embed", "doctor", "import",
	"map", "cluster", "sweep", "export", "serve", "runs",
}

func ordered() []*command {
	out := make([]*command, 0, len(commands))
	for _, name := range helpOrder {
		if c := lookup(name); c != nil {
			out = append(out, c)
		}
	}
	rest := slices.DeleteFunc(slices.Clone(commands), func(c *command) bool { return slices.Contains(helpOrder, c.name) })
	sort.Slice(rest, func(i, j int) bool { return rest[i].name < rest[j].name })
	return append(out, rest...)
}

func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: motif %s [flags] %s\n\n%s\n", c.name, c.args, c.short)
	if c.long != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.long))
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	g := &globals{}
	g.register(fs)
	c.setup(fs, g)
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		} else if f.DefValue == "0" {
			fmt.Fprint(w, " (default 0)")
		}
		fmt.Fprintln(w)
	})
}

// globals are the flags every command has, and what they set up.
type globals struct {
	project   string
	quiet     bool
	logFormat string
	logLevel  string

	stdout, stderr io.Writer
	log            *slog.Logger
	progress       *progress
}

func (g *globals) register(fs *flag.FlagSet) {
	def := os.Getenv("MOTIF_PROJECT")
	if def == "" {
		def = "motif-project"
	}
	fs.StringVar(&g.project, "project", def, "project `directory` (also $MOTIF_PROJECT)")
	fs.BoolVar(&g.quiet, "quiet", false, "print only errors and the final result; no progress bars")
	fs.StringVar(&g.logFormat, "log-format", "text", "log `format` on stderr: text or json")
	fs.StringVar(&g.logLevel, "log-level", "info", "log `level`: debug, info, warn or error")
}

func (g *globals) setup() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: use debug, info, warn or error", g.logLevel)
	}
	if g.quiet && level < slog.LevelWarn {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	switch g.logFormat {
	case "text":
		g.log = slog.New(slog.NewTextHandler(g.stderr, opts))
	case "json":
		g.log = slog.New(slog.NewJSONHandler(g.stderr, opts))
	default:
		return fmt.Errorf("--log-format %q: use text or json", g.logFormat)
	}
	g.progress = newProgress(g.stderr, !g.quiet && g.logFormat == "text")
	return nil
}

// openProject opens the existing project named by --project.
func (g *globals) openProject(ctx context.Context) (*pipeline.Project, error) {
	return pipeline.OpenExisting(ctx, g.project)
}

// createProject opens the project named by --project, creating it if needed.
func (g *globals) createProject(ctx context.Context) (*pipeline.Project, error) {
	return pipeline.Create(ctx, g.project)
}
