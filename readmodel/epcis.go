package readmodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/gs1"
)

// The EPCIS view of the ledger (tables in migrations/*/00003_epcis.sql): every committed event,
// numbered in commit order (seq), with the columns and the EPC index the standard queries filter
// on; its EPCIS 2.0 JSON (captured events exactly as captured, native ones through the mapping) is
// rendered when read, from the events table (storedDoc). Written by Apply
// in the same SQL transaction as the rest, numbered in Go from the last seq: there is one writer.
var epcisWriteSQL = map[string]string{
	// the block's rows go in multi-row INSERTs (write.go), numbered on from here
	"epcisLastSeq": `SELECT COALESCE(MAX(seq), 0) FROM epcis_events`,
	"epcisSeq":     `SELECT seq FROM epcis_events WHERE id = ?`,
}

func init() {
	for k, q := range epcisWriteSQL {
		writeSQL[k] = q
	}
}

// EPC roles: the lists of an event an identifier can be in; the MATCH_ query parameters choose
// among them. Candidates come from batch_events (every EPC of a captured event is a batch of its
// projection), the role is checked on the event itself.
const (
	RoleEPC         = "epc"         // epcList
	RoleChild       = "child"       // childEPCs
	RoleParent      = "parent"      // parentID
	RoleInput       = "input"       // inputEPCList
	RoleOutput      = "output"      // outputEPCList
	RoleClass       = "class"       // quantityList
	RoleChildClass  = "childClass"  // childQuantityList
	RoleInputClass  = "inputClass"  // inputQuantityList
	RoleOutputClass = "outputClass" // outputQuantityList
)

// IndexKey is the form identifiers are compared in: the canonical Digital Link when the
// identifier is a GS1 key (or a platform-local code), else the identifier as written.
func IndexKey(s string) string {
	if n, err := gs1.Normalize(s); err == nil {
		return n
	}
	return s
}

type epcisQuantity struct {
	EPCClass string `json:"epcClass"`
}

// epcisFields are the identifiers of one event, by the list they are in (the roles MATCH_ asks of).
type epcisFields struct {
	EPCList            []string        `json:"epcList"`
	ChildEPCs          []string        `json:"childEPCs"`
	InputEPCList       []string        `json:"inputEPCList"`
	OutputEPCList      []string        `json:"outputEPCList"`
	QuantityList       []epcisQuantity `json:"quantityList"`
	ChildQuantityList  []epcisQuantity `json:"childQuantityList"`
	InputQuantityList  []epcisQuantity `json:"inputQuantityList"`
	OutputQuantityList []epcisQuantity `json:"outputQuantityList"`
	ParentID           string          `json:"parentID"`
}

// epcisRow renders one event's EPCIS view: its row (the first column, seq, is numbered when the
// block is written) and the packing edges it implies.
func epcisRow(e domain.Event, block uint64) (row []any, packing [][]any, err error) {
	if container, contents, ok := e.Packing(); ok {
		// packing is lineage: the impact of the container reaches its contents
		for _, c := range contents {
			if c != container {
				packing = append(packing, []any{container, c, e.ID, string(e.Type)})
			}
		}
	}
	e.Block = block
	// An event's EPCIS document is rendered when it is read (storedDoc), from the event the events
	// table keeps: stored, it was a second copy of every event (of a captured one, of its EPCIS
	// event), and rendering and writing a native one about a third of applying it. The row keeps
	// the columns queries filter on.
	f, err := epcis.HeadOf(e)
	if err != nil {
		return nil, nil, fmt.Errorf("EPCIS head: %w", err)
	}
	id := f.EventID // the rendering names it: spares reading the stored event once more
	if id == "" {
		id = epcis.EventID(e)
	}
	t, _ := domain.ParseEventTime(e.EventTime)
	rt, _ := time.Parse(time.RFC3339Nano, e.RecordTime)
	return []any{int64(0), e.ID, id, f.Type, f.Action,
		epcisevent.ShortName(f.BizStep, "bizstep"), epcisevent.ShortName(f.Disposition, "disp"), IndexKey(f.ReadPoint),
		IndexKey(f.BizLocation), TimeKey(t), TimeKey(rt), e.Platform, block, ""}, packing, nil
}

// storedDoc renders an event's EPCIS document from its stored JSON, as epcisRow rendered it when
// documents were stored (read models written before keep theirs, and serve them as they are).
func storedDoc(stored string, block uint64) (json.RawMessage, error) {
	// a captured event renders from three of its members: its EPCIS event, recordTime and ID
	// (domain.MarshalEvent writes "epcis" only for a captured event); reading the whole event was
	// most of paging through captured ones
	if strings.Contains(stored, `"epcis":`) {
		c, err := capturedParts([]byte(stored))
		if err != nil {
			return nil, fmt.Errorf("stored event: %w", err)
		}
		if len(c.EPCIS) > 0 {
			return epcis.EventJSON(c)
		}
	}
	e, err := domain.UnmarshalEvent([]byte(stored))
	if err != nil {
		return nil, fmt.Errorf("stored event: %w", err)
	}
	e.Block = block
	return epcis.EventJSON(e)
}

var storedDecoders = sync.Pool{New: func() any { return jsontext.NewDecoder(bytes.NewReader(nil)) }}

// capturedParts reads, of a stored event, the members a captured event's EPCIS document is
// rendered from (id, recordTime, epcis), walking its top level without decoding the rest. Events
// are stored as domain.MarshalEvent writes them: exact member names, each once.
func capturedParts(stored []byte) (domain.Event, error) {
	var e domain.Event
	dec := storedDecoders.Get().(*jsontext.Decoder)
	defer storedDecoders.Put(dec)
	dec.Reset(bytes.NewReader(stored))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return e, fmt.Errorf("not a JSON object (%v)", err)
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return e, err
		}
		switch name := tok.String(); {
		case (name == "id" || name == "recordTime") && dec.PeekKind() == '"':
			v, err := dec.ReadToken()
			if err != nil {
				return e, err
			}
			if name == "id" {
				e.ID = v.String()
			} else {
				e.RecordTime = v.String()
			}
		case name == "epcis":
			v, err := dec.ReadValue()
			if err != nil {
				return e, err
			}
			if v.Kind() != 'n' {
				e.EPCIS = bytes.Clone(v)
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return e, err
			}
		}
	}
	return e, nil
}

// roles lists the identifiers of an event by role, in IndexKey form.
func (f epcisFields) roles() map[string][]string {
	out := map[string][]string{}
	add := func(role string, ids ...string) {
		for _, id := range ids {
			if id != "" {
				out[role] = append(out[role], IndexKey(id))
			}
		}
	}
	add(RoleParent, f.ParentID)
	add(RoleEPC, f.EPCList...)
	add(RoleChild, f.ChildEPCs...)
	add(RoleInput, f.InputEPCList...)
	add(RoleOutput, f.OutputEPCList...)
	for role, qs := range map[string][]epcisQuantity{RoleClass: f.QuantityList, RoleChildClass: f.ChildQuantityList,
		RoleInputClass: f.InputQuantityList, RoleOutputClass: f.OutputQuantityList} {
		for _, q := range qs {
			add(role, q.EPCClass)
		}
	}
	return out
}

// matchEPCs reports whether the event names, for every match, one of its values in one of its roles.
func matchEPCs(doc json.RawMessage, ms []EPCMatch) bool {
	var f epcisFields
	if json.Unmarshal(doc, &f) != nil {
		return false
	}
	byRole := f.roles()
	for _, m := range ms {
		want := map[string]bool{}
		for _, v := range m.Values {
			want[IndexKey(v)] = true
		}
		found := false
		for _, r := range m.Roles {
			for _, id := range byRole[r] {
				found = found || want[id]
			}
		}
		if !found {
			return false
		}
	}
	return true
}
