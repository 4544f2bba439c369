package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/readmodel"
)

const epcisSection = "EPCIS 2.0"

// phaseEPCIS: EPCIS 2.0 capture of 1,000-event documents against native bulk ingest of the very
// same events, measured on both sides of it on the same network, ledger and clients. The bulk phase's
// figure is not the baseline: its harvests carry no GS1 keys (no registry checks), and it ran on
// a ledger several phases younger (the peers' state database compacts more as it grows).
func phaseEPCIS(r *benchRun) error {
	o := r.o
	if o.window < 10*time.Second {
		// a 1,000-event capture job takes seconds to finish: a shorter window would count none
		r.rep.Skipped = append(r.rep.Skipped, fmt.Sprintf("epcis capture: the %s window is shorter than a capture job of %d events", o.window, o.bulkPer))
		return nil
	}
	// the native baseline runs half its window before the capture and half after, so the ledger's
	// growth over the phase (the peers' state database compacts more as it grows) falls on both
	var twTxs int64
	twin := func() (bench.Result, bench.Span, error) {
		c := &txCounter{env: r.env}
		res, span, err := r.measureFor(o.window/2, o.bulkClients, bench.NativeTwinOp(r.env, o.bulkPer), r.procs(true), c.recorded, "")
		twTxs += c.txs()
		return res, span, err
	}
	tw, twSpan, err := twin()
	if err != nil {
		return fmt.Errorf("native bulk of the capture's events: %w", err)
	}
	ecTxs := &txCounter{env: r.env}
	ec, ecSpan, err := r.measure(o.bulkClients, bench.EPCISCaptureOp(r.env, o.bulkPer, "proceed"), r.procs(true), ecTxs.recorded, "gateway-epcis-capture.pprof")
	if err != nil {
		return fmt.Errorf("EPCIS capture: %w", err)
	}
	tw2, twSpan2, err := twin()
	if err != nil {
		return fmt.Errorf("native bulk of the capture's events, after: %w", err)
	}
	tw, twSpan = tw.Plus(tw2), twSpan.Plus(twSpan2)
	r.rep.CPU = append(r.rep.CPU, bench.CPURow{Phase: "same events, native", Per: "event", Committed: twSpan.Committed, Seconds: twSpan.Seconds(), Use: twSpan.CPU, Machine: twSpan.Machine, Load: twSpan.Load})
	twRate := float64(twSpan.Committed) / twSpan.Seconds()
	r.rep.CPU = append(r.rep.CPU, bench.CPURow{Phase: "EPCIS capture", Per: "event", Committed: ecSpan.Committed, Seconds: ecSpan.Seconds(), Use: ecSpan.CPU, Machine: ecSpan.Machine, Load: ecSpan.Load})
	rate := float64(ecSpan.Committed) / ecSpan.Seconds()
	r.rep.Add(bench.Row{Section: epcisSection, Name: fmt.Sprintf("EPCIS capture (GS1-Capture-Error-Behaviour: proceed), %d-event documents, %d clients", o.bulkPer, o.bulkClients),
		Value: rate, Unit: "events/s", Baseline: twRate, BaseUnit: "events/s, the same events native", Target: "≥ native bulk ingest", Met: bench.Met(rate >= twRate),
		Note: fmt.Sprintf("request→capture job seen finished (polled every %s) p50 %.0f ms, p99 %.0f ms; %d failed documents; %s%s", bench.CapturePoll, ec.P(.5), ec.P(.99), ec.Failures, ecTxs.perTx(ecSpan.Committed), bulkAside(r.bulkRate))})
	r.rep.Add(bench.Row{Section: epcisSection, Name: fmt.Sprintf("baseline: the same events through the native bulk API, %d-event requests, %d clients, half just before the capture and half just after", o.bulkPer, o.bulkClients),
		Value: twRate, Unit: "events/s", Note: fmt.Sprintf("each capture document decoded by the gateway's EPCIS decoder in the bench process and posted to /v1/events; request→all committed p50 %.0f ms, p99 %.0f ms; %d failed requests; %s", tw.P(.5), tw.P(.99), tw.Failures, perTx(twSpan.Committed, twTxs))})
	if twSpan.Committed > 0 {
		cpu, twCPU := ecSpan.CPUPer(), twSpan.CPUPer()
		r.rep.Add(bench.Row{Section: epcisSection, Name: "EPCIS capture: CPU per committed event, all network processes + gateway", Value: cpu, Unit: "ms",
			Baseline: twCPU, BaseUnit: "ms per event, the same events native", Target: "≤ native bulk", Met: bench.Met(cpu <= twCPU),
			Note: fmt.Sprintf("the gateway alone %.3f ms per event (native %.3f ms), the chaincode servers %.3f ms (native %.3f ms)",
				ecSpan.CPUPer("gateway"), twSpan.CPUPer("gateway"), chaincodeCPU(ecSpan), chaincodeCPU(twSpan))})
	}
	return nil
}

// bulkAside names the bulk phase's rate beside the capture, when this run measured one.
func bulkAside(rate float64) string {
	if rate == 0 {
		return ""
	}
	return fmt.Sprintf("; the bulk phase's harvests (no GS1 keys, younger ledger) ran at %.0f events/s", rate)
}

// chaincodeCPU is the CPU per committed event of every chaincode server of a span.
func chaincodeCPU(s bench.Span) float64 {
	var names []string
	for name := range s.CPU {
		if strings.HasPrefix(name, "chaincode.") {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return 0 // CPUPer of no names is every process's
	}
	return s.CPUPer(names...)
}

// phaseEPCISPaging: a platform pulling every event of a read model of o.epcisEvents captured
// EPCIS events through GET /epcis/events, 1,000 per page in commit order with nextPageToken,
// served by the gateway's own handler over loopback HTTP, next to reading the same pages straight
// from the read model. No network: the read model is synthetic (bench.SyntheticEPCIS).
func phaseEPCISPaging(r *benchRun) error {
	const perPage = 1000
	store, err := readmodel.Open(filepath.Join(r.tmp, "epcis-paging.db"))
	if err != nil {
		return err
	}
	defer store.Close()
	tb := time.Now()
	if err := bench.SyntheticEPCIS(r.ctx, store, r.o.epcisEvents); err != nil {
		return fmt.Errorf("synthetic EPCIS read model: %w", err)
	}
	built := time.Since(tb)
	keys := &gateway.Keys{}
	key, err := keys.NewKey("bench", domain.Org{Key: "hlj", MSPID: "HeilongjiangMSP", Role: domain.RolePlatform}, nil)
	if err != nil {
		return err
	}
	s := gateway.New(keys, store, nil, nil, gateway.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer s.Close()
	base, stop, err := bench.Serve(s)
	if err != nil {
		return err
	}
	defer stop()

	direct, directTook, err := bench.EPCISStorePaging(r.ctx, store, perPage)
	if err != nil {
		return fmt.Errorf("EPCIS paging from the store: %w", err)
	}
	cpu0, err := bench.ProcCPU(os.Getpid())
	if err != nil {
		return err
	}
	n, took, err := bench.EPCISPaging(r.ctx, base, key, perPage)
	if err != nil {
		return fmt.Errorf("EPCIS paging: %w", err)
	}
	cpu1, err := bench.ProcCPU(os.Getpid())
	if err != nil {
		return err
	}
	if n != direct {
		return fmt.Errorf("EPCIS paging: %d events through GET /epcis/events, %d in the read model", n, direct)
	}
	rate, baseRate := float64(n)/took.Seconds(), float64(direct)/directTook.Seconds()
	r.rep.Add(bench.Row{Section: epcisSection, Name: fmt.Sprintf("GET /epcis/events paging through %d captured events, %d per page (nextPageToken), gateway handler over loopback HTTP", n, perPage),
		Value: rate, Unit: "events/s", Baseline: baseRate, BaseUnit: "events/s from the read model", Target: "≥ 20,000 events/s", Met: bench.Met(rate >= 20000),
		Note: fmt.Sprintf("%s in all (store alone %s); CPU of this process (client and gateway) %.1f µs per event; synthetic read model (4 shapes of captured event, 1,000-event documents through the capture decoder and ApplyBlock) built in %s",
			took.Round(time.Millisecond), directTook.Round(time.Millisecond), float64((cpu1-cpu0).Microseconds())/float64(n), built.Round(time.Second))})
	return nil
}
