package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/audit"
	"github.com/agritrace/agritrace/readmodel"
)

func init() {
	register("audit", "re-derive everything from the ledger's blocks and compare with the read model", runAudit)
}

func runAudit(ctx context.Context, args []string) error {
	fs := newFlags("audit", "audit [flags]", `Replays every block from block 0 through one org's own peer (as that org), rebuilds batches,
events and lineage from the chaincode events in them, and compares the result with that org's
gateway read model. Prints counts and every mismatch; exits 1 when there is any.`)
	state := fs.String("state", defaultState(), "state directory of the network")
	org := fs.String("org", "reg", "org whose peer and read model to audit")
	db := fs.String("db", "", "read model to audit: a SQLite file or a postgres:// URL (default: the org's gateway read model)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := existingNetwork(*state)
	if err != nil {
		return err
	}
	if *db == "" {
		o, ok := c.Org(*org)
		if !ok {
			return fmt.Errorf("no org %q in the network", *org)
		}
		*db = filepath.Join(c.OrgHome(o), "gateway", "readmodel.db")
	}
	if _, err := os.Stat(*db); err != nil && !readmodel.IsPostgres(*db) {
		return fmt.Errorf("read model %s: %w", *db, err)
	}
	store, err := readmodel.Open(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	cl, err := connectOrg(c, *org)
	if err != nil {
		return err
	}
	defer cl.Close()
	progress := os.Stderr
	rep, err := audit.Run(ctx, cl, c.Channel, c.Chaincode, wire.EventName, store, progress)
	if err != nil {
		return err
	}
	if *asJSON {
		_ = json.NewEncoder(os.Stdout).Encode(rep)
	} else {
		fmt.Printf("ledger: %d blocks, %d agritrace transactions → %d events, %d batches\n", rep.Height, rep.Transactions, rep.Events, rep.Batches)
		fmt.Printf("read model: %d events, %d batches, %d lineage edges, at block %d\n", rep.ReadModel.Events, rep.ReadModel.Batches, rep.ReadModel.Edges, rep.ReadModel.Block)
		for _, m := range rep.Mismatches {
			fmt.Println("MISMATCH", m)
		}
		fmt.Printf("%d mismatches (%.1fs)\n", len(rep.Mismatches), rep.Seconds)
	}
	slog.Debug("audit done", "mismatches", len(rep.Mismatches))
	if len(rep.Mismatches) > 0 {
		return exitError{1, fmt.Sprintf("audit found %d mismatches", len(rep.Mismatches))}
	}
	return nil
}
