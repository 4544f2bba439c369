// Package epcisdocs gives tests the events of the repository's EPCIS test documents (the gateway's,
// gateway/testdata/epcis, by default): every event type and identifier shape, decoded as a capture
// decodes them.
package epcisdocs

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// Events decodes every test document for actor, in file order; the test fails when there are none.
func Events(t testing.TB, actor domain.Party) []domain.Event {
	t.Helper()
	return EventsIn(t, actor, filepath.Join("gateway", "testdata", "epcis"))
}

// EventsIn decodes, for actor, every EPCIS document (*.jsonld) in dir, a directory given from the
// repository's root, in file order; the test fails when there are none.
func EventsIn(t testing.TB, actor domain.Party, dir string) []domain.Event {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(here), "..", "..", dir, "*.jsonld"))
	if len(files) == 0 {
		t.Fatalf("no EPCIS test documents in %s", dir)
	}
	var events []domain.Event
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := epcisevent.Decode(doc, actor)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		events = append(events, evs...)
	}
	return events
}
