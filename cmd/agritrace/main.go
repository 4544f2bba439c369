// Command agritrace runs every part of agritrace: the Fabric network, the chaincode server, the
// gateway, the audit, QR labels and demo seeds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, args []string) error) {
	commands[name] = command{summary, run}
}

func usage() {
	fmt.Fprintf(os.Stderr, "agritrace — grain and produce traceability on Hyperledger Fabric\n\nUsage: agritrace <command> [flags]\n\nCommands:\n")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(os.Stderr, "\nRun 'agritrace <command> -h' for the flags of a command.\n")
}

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "agritrace: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		var ee exitError
		if errors.As(err, &ee) {
			fmt.Fprintln(os.Stderr, "agritrace:", err)
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "agritrace:", err)
		os.Exit(1)
	}
}

// exitError carries a specific exit code (e.g. audit mismatches).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func newFlags(name, usageLine, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: agritrace %s\n\n%s\n\nFlags:\n", usageLine, help)
		fs.PrintDefaults()
	}
	return fs
}
