package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/audit"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/readmodel"
)

// TestE2ECrashSuite submits events through the gateway while, in turn, a peer, the Raft leader of
// a 3-orderer network, a chaincode server and the gateway itself (with its read-model listener)
// are killed with SIGKILL and restarted. Clients retry failed requests with the same event ID.
// Then: every acknowledged event is on the ledger exactly once, and the audit finds no mismatch.
// AGRITRACE_FAULT_SECONDS sets the load duration (make test: 20 s; make test-faults: 60 s).
func TestE2ECrashSuite(t *testing.T) {
	seconds := 20
	if v, err := strconv.Atoi(os.Getenv("AGRITRACE_FAULT_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	c := testnet.Start(t, 28050, "--orderers", "3")
	g := testnet.StartGateway(t, c, 18850)
	key := g.Env["AGRITRACE_PLATFORM_KEY"]

	var (
		mu      sync.Mutex
		acked   = map[string]string{} // event ID → tx ID
		sent    int
		retries int
		gaveUp  []string
	)
	post := func(e domain.Event) (int, string) {
		b, _ := json.Marshal(e)
		req, _ := http.NewRequest("POST", g.URL+"/v1/events", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		var r struct{ TxID string }
		_ = json.NewDecoder(resp.Body).Decode(&r)
		return resp.StatusCode, r.TxID
	}
	loadCtx, stopLoad := context.WithTimeout(context.Background(), time.Duration(seconds)*time.Second)
	defer stopLoad()
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; loadCtx.Err() == nil; n++ {
				id := fmt.Sprintf("crash-%d-%d", w, n)
				e := domain.Event{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "CRASH-COOP"},
					Outputs: []domain.Output{{Batch: "CRASH-" + id, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 10, Unit: "kg"}}}}
				mu.Lock()
				sent++
				mu.Unlock()
				deadline := time.Now().Add(90 * time.Second)
				for attempt := 0; ; attempt++ {
					status, tx := post(e)
					if status == http.StatusCreated || status == http.StatusOK {
						mu.Lock()
						acked[id] = tx
						mu.Unlock()
						break
					}
					if status >= 400 && status < 500 {
						t.Errorf("event %s refused with %d", id, status)
						break
					}
					if time.Now().After(deadline) {
						mu.Lock()
						gaveUp = append(gaveUp, id)
						mu.Unlock()
						break
					}
					mu.Lock()
					retries++
					mu.Unlock()
					time.Sleep(time.Duration(200*(attempt+1)) * time.Millisecond)
				}
			}
		}()
	}
	step := time.Duration(seconds) * time.Second / 5
	restart := func(what string) {
		if out, err := testnet.Run(t, "network", "up", "--state", c.StateDir); err != nil {
			t.Fatalf("restart after killing %s: %v\n%s", what, err, out)
		}
	}
	kill := func(name string) {
		pid, err := network.Kill(c, name)
		if err != nil {
			t.Fatalf("kill %s: %v", name, err)
		}
		t.Logf("killed %s (pid %d) with SIGKILL", name, pid)
	}
	time.Sleep(step)
	kill("peer0.ha")
	time.Sleep(2 * time.Second)
	restart("peer0.ha")
	time.Sleep(step / 2)
	leader, ok := c.Leader()
	if !ok {
		t.Fatal("no Raft leader")
	}
	kill(leader.Name)
	time.Sleep(2 * time.Second)
	restart(leader.Name)
	time.Sleep(step / 2)
	kill("chaincode.hlj")
	time.Sleep(2 * time.Second)
	restart("chaincode.hlj")
	time.Sleep(step / 2)
	g.Stop(true)
	t.Log("killed the gateway (and its read-model listener) with SIGKILL")
	time.Sleep(2 * time.Second)
	g.Start()
	<-loadCtx.Done()
	wg.Wait()

	// what is on the ledger: re-derived from every block, independently of the gateway, from the
	// peer the gateway waited on for its commits (another org's peer may be a block behind)
	reg := testnet.Connect(t, c, "hlj")
	ctx := context.Background()
	h, err := reg.Height(ctx, c.Channel)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := readmodel.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	// the events table's primary key makes an event recorded in two transactions an error here
	if _, err := audit.Rebuild(ctx, reg, c.Chaincode, wire.EventName, h, fresh, nil); err != nil {
		t.Fatalf("rebuild from blocks (a duplicate would fail here): %v", err)
	}
	var onLedger, lost, wrongTx int
	for id, tx := range acked {
		e, err := fresh.Event(ctx, id)
		if err != nil {
			lost++
			t.Errorf("acknowledged event %s is not on the ledger", id)
			continue
		}
		onLedger++
		if e.TxID != tx {
			wrongTx++
			t.Errorf("event %s acknowledged with tx %s but recorded in %s", id, tx, e.TxID)
		}
	}
	page, err := fresh.SearchEvents(ctx, readmodel.Filter{Enterprise: "CRASH-COOP", PageSize: 100000})
	if err != nil {
		t.Fatal(err)
	}
	duplicates := len(page.Events) - len(acked) - len(gaveUp)
	t.Logf("crash suite (%d s of load): sent %d, acknowledged %d, client retries %d, on ledger %d (of all %d crash events), duplicates %d, lost %d, gave up %d",
		seconds, sent, len(acked), retries, onLedger, len(page.Events), max(0, duplicates), lost, len(gaveUp))
	if lost > 0 || wrongTx > 0 || duplicates > 0 || len(gaveUp) > 0 {
		t.Fatalf("lost %d, wrong tx %d, duplicates %d, gave up %d", lost, wrongTx, duplicates, len(gaveUp))
	}
	if len(acked) < 50 {
		t.Fatalf("only %d events acknowledged: the load did not run", len(acked))
	}
	out, err := testnet.Run(t, "audit", "--state", c.StateDir, "--db", g.DB)
	if err != nil || !strings.Contains(out, "0 mismatches") {
		t.Fatalf("audit after the crashes: %v\n%s", err, out)
	}
}
