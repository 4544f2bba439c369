package chaincode_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/internal/authz"
	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/seeds"
)

func connect(t *testing.T, c network.Config, org string) *fabric.Client {
	t.Helper()
	return testnet.Connect(t, c, org)
}

// record submits events as the client's org; private terms travel in the transient map and the
// parties' orgs endorse.
func record(t *testing.T, cl *fabric.Client, events ...domain.Event) ([]domain.RecordResult, error) {
	t.Helper()
	priv := map[string]domain.Private{}
	endorsers := map[string]bool{}
	pub := make([]domain.Event, len(events))
	for i, e := range events {
		if e.Private != nil {
			p := *e.Private
			if p.Salt == "" {
				p.Salt = fmt.Sprintf("%064x", sha256.Sum256([]byte("e2e salt "+e.ID)))
			}
			priv[e.ID] = p
			endorsers[cl.Profile.MSPID] = true
			if e.To != nil && e.To.Platform != "" {
				endorsers[e.To.Platform] = true
			} else {
				endorsers["RegulatorMSP"] = true // MAJORITY needs two orgs
			}
		}
		e.Private = nil
		pub[i] = e
	}
	args, _ := json.Marshal(pub)
	var transient map[string][]byte
	var orgs []string
	if len(priv) > 0 {
		b, _ := json.Marshal(priv)
		transient = map[string][]byte{wire.TransientPrivate: b}
		for o := range endorsers {
			orgs = append(orgs, o)
		}
	}
	res, err := cl.Submit(context.Background(), wire.RecordEvents, []string{string(args)}, transient, orgs...)
	if err != nil {
		return nil, err
	}
	var out []domain.RecordResult
	return out, json.Unmarshal(res.Result, &out)
}

// TestE2ERiceChain records the 五常 rice chain 产→购→储→加(→split)→销 by two platforms on a real
// network, hands the bags over across provinces, and reads everything from the regulator's peer;
// then a recall on corn reaches every bag made from it.
func TestE2ERiceChain(t *testing.T) {
	c := testnet.Start(t, 27250)
	clients := map[string]*fabric.Client{"hlj": connect(t, c, "hlj"), "ha": connect(t, c, "ha"), "reg": connect(t, c, "reg")}
	rice := seeds.WuchangRice()
	// the registry first: the enterprises and the certification body the chain names
	for _, step := range append(seeds.Registry([]seeds.Chain{rice}), rice.Steps...) {
		// one event per transaction where private terms need their parties' endorsement
		var batch []domain.Event
		flush := func() {
			if len(batch) > 0 {
				if _, err := record(t, clients[step.Org], batch...); err != nil {
					t.Fatalf("%s: %v", batch[0].ID, err)
				}
				batch = nil
			}
		}
		for _, e := range step.Events {
			if e.Private != nil {
				flush()
				batch = []domain.Event{e}
				flush()
				continue
			}
			batch = append(batch, e)
		}
		flush()
	}
	ctx := context.Background()
	// every event of the chain is on the regulator's peer (the trail itself is the read model's job)
	stages := map[string]bool{}
	for _, step := range rice.Steps {
		for _, e := range step.Events {
			raw, err := clients["reg"].Evaluate(ctx, wire.GetEvent, e.ID)
			if err != nil {
				t.Fatalf("event %s from the regulator's peer: %v", e.ID, err)
			}
			var got domain.Event
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			stages[got.Type.Stage()] = true
		}
	}
	for _, s := range []string{"produce", "purchase", "store", "process", "sell"} {
		if !stages[s] {
			t.Errorf("events read from the regulator's peer lack stage %s", s)
		}
	}
	raw, _ := clients["reg"].Evaluate(ctx, wire.GetBatch, rice.Consumer)
	var bags domain.Batch
	json.Unmarshal(raw, &bags)
	if bags.Custodian.Platform != "HenanMSP" || bags.Owner.Platform != "HenanMSP" || bags.Status != domain.Sold {
		t.Fatalf("bags after cross-province hand-over: %+v", bags)
	}
	// the private terms of the cross-province sale: readable by the parties only
	coll := domain.CollectionName("HeilongjiangMSP", "HenanMSP")
	terms, err := clients["ha"].Evaluate(ctx, wire.GetPrivateTerms, coll, "seed-rice-10-sale-to-henan")
	if err != nil || !strings.Contains(string(terms), "30天账期") {
		t.Fatalf("buyer reading private terms: %s %v", terms, err)
	}
	if _, err := clients["reg"].Evaluate(ctx, wire.GetPrivateTerms, coll, "seed-rice-10-sale-to-henan"); err == nil {
		t.Fatal("a non-party read the private terms")
	}
	raw, _ = clients["reg"].Evaluate(ctx, wire.GetEvent, "seed-rice-10-sale-to-henan")
	if strings.Contains(string(raw), "30天账期") || !strings.Contains(string(raw), "privateHash") {
		t.Fatalf("public event: %s", raw)
	}
	// the hand-over cannot be accepted by a third org, and a platform cannot recall
	corn := seeds.RecalledCorn()
	if _, err := record(t, clients["hlj"], corn.Steps[0].Events...); err != nil {
		t.Fatal(err)
	}
	recall := domain.Event{ID: "e2e-recall-corn", Type: domain.Recall, EventTime: "2026-11-13T09:00:00+08:00",
		Actor: domain.Party{Enterprise: "SAMR"}, Batches: []string{corn.Steps[1].Recall.Batch}, Reason: "黄曲霉毒素超标"}
	_, err = record(t, clients["hlj"], recall)
	if de, ok := domain.AsError(err); !ok || de.Rule != "regulator-only" {
		t.Fatalf("platform recall: %v", err)
	}
	if _, err := record(t, clients["reg"], recall); err != nil {
		t.Fatal(err)
	}
	raw, _ = clients["ha"].Evaluate(ctx, wire.GetBatch, corn.Consumer)
	var bag domain.Batch
	json.Unmarshal(raw, &bag)
	if bag.Status != domain.Recalled || bag.RecalledBy != "e2e-recall-corn" {
		t.Fatalf("descendant bag after recall: %+v", bag)
	}
	// replaying the same events is idempotent on the real ledger
	res, err := record(t, clients["hlj"], corn.Steps[0].Events[0])
	if err != nil || !res[0].Duplicate {
		t.Fatalf("replay: %+v %v", res, err)
	}
}

// TestE2EAuthorizationMatrix runs the whole authorization matrix against the chaincode on a real
// network, each case submitted with the calling org's own Fabric identity (no gateway in between).
func TestE2EAuthorizationMatrix(t *testing.T) {
	c := testnet.Start(t, 27850)
	byMSP := map[string]*fabric.Client{}
	for _, o := range c.Orgs {
		byMSP[o.MSPID] = connect(t, c, o.Key)
	}
	cases := authz.Cases()
	if _, err := record(t, byMSP["RegulatorMSP"], authz.Bootstrap()...); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	// set every case up in a few transactions per holding platform, then the regulator's certificates
	setups := map[string][]domain.Event{}
	var regSetup []domain.Event
	for i, cs := range cases {
		setups[cs.Owner] = append(setups[cs.Owner], authz.Setup(cs, fmt.Sprintf("AZE-%d", i))...)
		regSetup = append(regSetup, authz.RegulatorSetup(cs, fmt.Sprintf("AZE-%d", i))...)
	}
	for owner, evs := range setups {
		for start := 0; start < len(evs); start += 150 {
			if _, err := record(t, byMSP[owner], evs[start:min(len(evs), start+150)]...); err != nil {
				t.Fatalf("setup for %s: %v", owner, err)
			}
		}
	}
	if _, err := record(t, byMSP["RegulatorMSP"], regSetup...); err != nil {
		t.Fatalf("regulator setup: %v", err)
	}
	type outcome struct {
		i   int
		err error
	}
	results := make(chan outcome, len(cases))
	sem := make(chan struct{}, 12)
	for i, cs := range cases {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			_, err := record(t, byMSP[cs.Caller], authz.Attempt(cs, fmt.Sprintf("AZE-%d", i)))
			results <- outcome{i, err}
		}()
	}
	got := make([]error, len(cases))
	for range cases {
		o := <-results
		got[o.i] = o.err
	}
	for i, cs := range cases {
		err := got[i]
		switch de, ok := domain.AsError(err); {
		case cs.Allowed && err != nil:
			t.Errorf("%s: refused on the real network, want allowed: %v", cs.Name(), err)
		case !cs.Allowed && (!ok || de.Status != 403):
			t.Errorf("%s: got %v, want a 403 from the chaincode", cs.Name(), err)
		case !cs.Allowed:
			t.Logf("%s: refused by rule %q", cs.Name(), de.Rule)
		default:
			t.Logf("%s: allowed", cs.Name())
		}
	}
}
