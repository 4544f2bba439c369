package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agritrace/agritrace/network"
)

func init() {
	register("org", "add a province to the running network (create, propose, sign, submit, join)", runOrg)
}

const orgHelp = `A province joins the running network. Each step is what one party does with its own keys:

  create   the new org generates its own MSP and TLS material in its home (run/network/orgs/KEY);
           its private keys never leave that directory
  propose  an existing org fetches the channel config and writes the update adding the new org
  sign     an existing org's admin signs the update (a majority of org admins must sign)
  submit   an existing org's admin signs and submits it to the ordering service
  join     the new org's peer and chaincode server start and join the channel; every org approves the
           chaincode definition with the new org's private-data collections; its gateway starts
  add      all of the above in order on this machine (the demo of a province joining)

Example:
  agritrace org add --key sd --name 山东省粮食追溯平台 --msp ShandongMSP`

func runOrg(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(os.Stderr, "Usage: agritrace org add|create|propose|sign|submit|join [flags]\n\n%s\n", orgHelp)
		return errors.New("missing subcommand")
	}
	sub, args := args[0], args[1:]
	fs := newFlags("org "+sub, "org "+sub+" [flags]", orgHelp)
	state := fs.String("state", defaultState(), "state directory of the network")
	cache := fs.String("fabric-cache", network.DefaultCacheDir(), "where Fabric binaries are built and cached")
	key := fs.String("key", "", "the new org's short key, e.g. sd")
	name := fs.String("name", "", "the new org's name, e.g. 山东省粮食追溯平台")
	msp := fs.String("msp", "", "the new org's MSP ID, e.g. ShandongMSP")
	domain := fs.String("domain", "", "the new org's domain (default KEY.agritrace.local)")
	as := fs.String("as", "", "the existing org acting in this step (propose, sign, submit)")
	signers := fs.String("signers", "", "add: existing orgs that sign (default: a majority of the existing orgs)")
	file := fs.String("file", "", "the config update envelope (default <state>/orgs/KEY/channel-update.pb)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := existingNetwork(*state)
	if err != nil {
		return err
	}
	bins, err := network.EnsureBinaries(ctx, *cache, os.Stdout)
	if err != nil {
		return err
	}
	if *key == "" {
		return errors.New("--key is required")
	}
	newOrg := network.Org{Key: *key, MSPID: *msp, Label: *name, Role: "platform", Domain: *domain}
	if newOrg.Domain == "" {
		newOrg.Domain = *key + ".agritrace.local"
	}
	if existing, ok := c.Org(*key); ok {
		newOrg = existing
	}
	if *file == "" {
		*file = filepath.Join(c.StateDir, "orgs", *key, "channel-update.pb")
	}
	start := time.Now()
	step := func(who, format string, a ...any) {
		fmt.Printf("[%5.1fs] %-6s %s\n", time.Since(start).Seconds(), who, fmt.Sprintf(format, a...))
	}
	switch sub {
	case "create":
		return orgCreate(ctx, &c, bins, newOrg, step)
	case "propose":
		return orgPropose(ctx, c, bins, newOrg, *as, *file, step)
	case "sign":
		step(*as, "signs %s", *file)
		return network.SignUpdate(ctx, c, bins, *file, *as)
	case "submit":
		step(*as, "signs and submits %s", *file)
		return network.SubmitUpdate(ctx, c, bins, *file, *as)
	case "join":
		return orgJoin(ctx, &c, bins, newOrg, step)
	case "add":
		if _, ok := c.Org(*key); ok {
			return fmt.Errorf("org %q is already part of the network", *key)
		}
		existingOrgs := c.Orgs
		if err := orgCreate(ctx, &c, bins, newOrg, step); err != nil {
			return err
		}
		parties := majority(existingOrgs)
		if *signers != "" {
			parties = strings.Split(*signers, ",")
		}
		if err := orgPropose(ctx, c, bins, newOrg, parties[0], *file, step); err != nil {
			return err
		}
		for _, s := range parties[:len(parties)-1] {
			step(s, "signs the update with its admin key")
			if err := network.SignUpdate(ctx, c, bins, *file, s); err != nil {
				return err
			}
		}
		last := parties[len(parties)-1]
		step(last, "signs and submits the update to the ordering service")
		if err := network.SubmitUpdate(ctx, c, bins, *file, last); err != nil {
			return err
		}
		return orgJoin(ctx, &c, bins, newOrg, step)
	}
	return fmt.Errorf("unknown subcommand %q", sub)
}

func orgCreate(ctx context.Context, c *network.Config, b network.Binaries, o network.Org, step func(string, string, ...any)) error {
	step(o.Key, "generates its own crypto material in %s", c.OrgHome(o))
	return network.CreateOrg(ctx, c, b, o)
}

func orgPropose(ctx context.Context, c network.Config, b network.Binaries, o network.Org, as, file string, step func(string, string, ...any)) error {
	if as == "" {
		return errors.New("--as is required: the existing org that proposes the update")
	}
	step(as, "fetches the channel config and proposes adding %s → %s", o.MSPID, file)
	return network.ProposeOrg(ctx, c, b, o, as, file)
}

func orgJoin(ctx context.Context, c *network.Config, b network.Binaries, o network.Org, step func(string, string, ...any)) error {
	pkg, err := c.CurrentPackageID()
	if err != nil {
		return err
	}
	step(o.Key, "starts its peer and chaincode server and joins channel %q", c.Channel)
	if err := network.JoinPeer(ctx, *c, b, o, pkg, os.Stdout); err != nil {
		return err
	}
	step("all", "approve chaincode definition sequence %d with %s's private-data collections; commit", max(c.ChaincodeSequence, 1)+1, o.MSPID)
	if err := network.UpgradeChaincode(ctx, c, b, pkg); err != nil {
		return err
	}
	if err := network.WaitReady(ctx, *c, b, pkg, os.Stdout); err != nil {
		return err
	}
	step(o.Key, "is a member: %d orgs on channel %q", len(c.Orgs), c.Channel)
	return nil
}

// majority lists the first ⌊n/2⌋+1 orgs: enough admins for the channel's MAJORITY Admins policy.
func majority(orgs []network.Org) []string {
	n := len(orgs)/2 + 1
	out := make([]string, 0, n)
	for _, o := range orgs[:n] {
		out = append(out, o.Key)
	}
	return out
}
