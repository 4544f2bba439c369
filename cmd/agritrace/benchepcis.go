package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/readmodel"
)

const epcisSection = "EPCIS 2.0"

// phaseEPCIS: EPCIS 2.0 capture of 1,000-event documents next to native bulk ingest (same
// clients, same network, CPU per event of the same processes).
func phaseEPCIS(r *benchRun) error {
	o := r.o
	if o.window < 10*time.Second {
		// a 1,000-event capture job takes seconds to finish: a shorter window would count none
		r.rep.Skipped = append(r.rep.Skipped, fmt.Sprintf("epcis capture: the %s window is shorter than a capture job of %d events", o.window, o.bulkPer))
		return nil
	}
	ec, ecSpan, err := r.measure(o.bulkClients, bench.EPCISCaptureOp(r.env, o.bulkPer, "proceed"), r.procs(true), r.env.Recorded, "gateway-epcis-capture.pprof")
	if err != nil {
		return fmt.Errorf("EPCIS capture: %w", err)
	}
	r.rep.CPU = append(r.rep.CPU, bench.CPURow{Phase: "EPCIS capture", Per: "event", Committed: ecSpan.Committed, Seconds: ecSpan.Seconds(), Use: ecSpan.CPU, Machine: ecSpan.Machine, Load: ecSpan.Load})
	rate := float64(ecSpan.Committed) / ecSpan.Seconds()
	r.rep.Add(bench.Row{Section: epcisSection, Name: fmt.Sprintf("EPCIS capture (GS1-Capture-Error-Behaviour: proceed), %d-event documents, %d clients", o.bulkPer, o.bulkClients),
		Value: rate, Unit: "events/s", Baseline: r.bulkRate, BaseUnit: "native bulk events/s", Target: "≥ native bulk ingest", Met: bench.Met(rate >= r.bulkRate),
		Note: fmt.Sprintf("request→capture job finished p50 %.0f ms, p99 %.0f ms; %d failed documents", ec.P(.5), ec.P(.99), ec.Failures)})
	if bulk, ok := cpuRow(r.rep, "bulk"); ok && bulk.Committed > 0 {
		cpu, bulkCPU := ecSpan.CPUPer(), ms(bulk.Use.Total())/float64(bulk.Committed)
		r.rep.Add(bench.Row{Section: epcisSection, Name: "EPCIS capture: CPU per committed event, all network processes + gateway", Value: cpu, Unit: "ms",
			Baseline: bulkCPU, BaseUnit: "ms per native bulk event", Target: "≤ native bulk", Met: bench.Met(cpu <= bulkCPU),
			Note: fmt.Sprintf("the gateway alone %.3f ms per event (native bulk %.3f ms)", ecSpan.CPUPer("gateway"), ms(bulk.Use.Total("gateway"))/float64(bulk.Committed))})
	}
	return nil
}

// cpuRow is the CPU row an earlier phase of this run measured.
func cpuRow(rep *bench.Report, phase string) (bench.CPURow, bool) {
	for _, c := range rep.CPU {
		if c.Phase == phase {
			return c, true
		}
	}
	return bench.CPURow{}, false
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

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
