package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/readmodel"
)

// captureDoc is one capture document of perDoc commissioning ObjectEvents, a lot of 1,000 kg each;
// tag keeps the lots of different ops apart.
func captureDoc(e Env, tag string, w int, n int64, perDoc int) []byte {
	run := fmt.Sprintf("%x", sha256.Sum256([]byte(e.Run)))[:6] // lots are at most 20 characters
	events := make([]map[string]any, perDoc)
	for i := range events {
		events[i] = map[string]any{"type": "ObjectEvent", "eventID": fmt.Sprintf("urn:uuid:bench-%s-%s%d-%d-%d", e.Run, tag, w, n, i),
			"eventTime": "2026-10-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning",
			"quantityList": []map[string]any{{"epcClass": fmt.Sprintf("urn:epc:class:lgtin:6901234.050002.%s%s%x-%d-%d", tag, run, w, n, i), "quantity": 1000, "uom": "KGM"}},
			"bizLocation":  map[string]string{"id": "urn:epc:id:sgln:6901234.00001.0"}}
	}
	doc, _ := json.Marshal(map[string]any{"@context": []string{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"},
		"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-10-01T08:00:00Z", "epcisBody": map[string]any{"eventList": events}})
	return doc
}

// NativeTwinOp posts to the native bulk API (/v1/events) the same events EPCISCaptureOp captures:
// each document is decoded by the gateway's own EPCIS decoder and its events are sent in their
// native form, recorded for the same enterprise as the gateway records a capture's (its API key's
// name). Measured next to the capture, it isolates what the EPCIS interface costs over the native
// one for the same business events (the bulk phase's harvests carry no GS1 keys, so no
// registry checks: a different workload).
func NativeTwinOp(e Env, perDoc int) Op {
	return func(ctx context.Context, w int, n int64) (int, error) {
		events, err := epcisevent.Decode(captureDoc(e, "n", w, n, perDoc), domain.Party{Enterprise: e.KeyName})
		if err != nil {
			return 0, fmt.Errorf("decode the twin document: %w", err)
		}
		for i := range events {
			events[i].EPCIS = nil
		}
		return e.postBulk(ctx, events)
	}
}

// CapturePoll is how often EPCISCaptureOp asks whether its job has finished: a few times a second,
// as a platform would, not as fast as it can (each poll is a request the gateway serves, counted in
// the capture's CPU per event).
const CapturePoll = 200 * time.Millisecond

// EPCISCaptureOp posts an EPCIS document of perDoc commissioning ObjectEvents to /epcis/capture
// and waits for its capture job: the EPCIS counterpart of BulkOp, over the same network and
// gateway. behaviour is the GS1-Capture-Error-Behaviour (rollback: one transaction per document,
// as many events as fit Fabric's message limit; proceed: packed like native bulk ingest).
func EPCISCaptureOp(e Env, perDoc int, behaviour string) Op {
	return func(ctx context.Context, w int, n int64) (int, error) {
		doc := captureDoc(e, "c", w, n, perDoc)
		req, _ := http.NewRequestWithContext(ctx, "POST", e.URL+"/epcis/capture", bytes.NewReader(doc))
		req.Header.Set("Authorization", "Bearer "+e.Key)
		req.Header.Set("Content-Type", "application/ld+json")
		req.Header.Set("GS1-Capture-Error-Behaviour", behaviour)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return 0, fmt.Errorf("capture: %d %.300s", resp.StatusCode, body)
		}
		loc := resp.Header.Get("Location")
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+loc, nil)
			req.Header.Set("Authorization", "Bearer "+e.Key)
			r, err := client.Do(req)
			if err != nil {
				return 0, err
			}
			var job struct {
				Running, Success bool
				Errors           []json.RawMessage
			}
			err = json.NewDecoder(r.Body).Decode(&job)
			r.Body.Close()
			if err != nil {
				return 0, err
			}
			if !job.Running {
				if !job.Success {
					return 0, fmt.Errorf("capture job %s failed: %s", loc, job.Errors)
				}
				return perDoc, nil
			}
			time.Sleep(CapturePoll)
		}
		return 0, ctx.Err()
	}
}

// EPCISPaging reads every event through GET /epcis/events, perPage at a time in commit order,
// following the nextPageToken, as a platform pulling the whole ledger would. It returns the
// events read and the time taken.
func EPCISPaging(ctx context.Context, base, key string, perPage int) (int, time.Duration, error) {
	start := time.Now()
	total, token := 0, ""
	for {
		q := url.Values{"perPage": {fmt.Sprint(perPage)}}
		if token != "" {
			q.Set("nextPageToken", token)
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/epcis/events?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		if err != nil {
			return total, time.Since(start), err
		}
		var doc struct {
			EPCISBody struct {
				QueryResults struct {
					ResultsBody struct {
						EventList []json.RawMessage `json:"eventList"`
					} `json:"resultsBody"`
				} `json:"queryResults"`
			} `json:"epcisBody"`
		}
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return total, time.Since(start), fmt.Errorf("page after %d events: status %d: %v", total, resp.StatusCode, err)
		}
		total += len(doc.EPCISBody.QueryResults.ResultsBody.EventList)
		token = resp.Header.Get("GS1-Next-Page-Token")
		if token == "" {
			return total, time.Since(start), nil
		}
	}
}

// EPCISStorePaging reads every event straight from the read model, perPage at a time in commit
// order through the same query and cursor the handler uses, without HTTP or the query document:
// the baseline of EPCISPaging on the same rows.
func EPCISStorePaging(ctx context.Context, store *readmodel.Store, perPage int) (int, time.Duration, error) {
	start := time.Now()
	total, token := 0, ""
	for {
		page, err := store.QueryEPCIS(ctx, readmodel.EPCISQuery{Limit: perPage, Cursor: token})
		if err != nil {
			return total, time.Since(start), fmt.Errorf("page after %d events: %w", total, err)
		}
		total += len(page.Events)
		if token = page.Next; token == "" {
			return total, time.Since(start), nil
		}
	}
}

// Serve serves h on a loopback port until stop is called.
func Serve(h http.Handler) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
