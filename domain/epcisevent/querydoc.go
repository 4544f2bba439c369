package epcisevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// Where each kind of capture body carries its events.
const (
	DocumentList = "/epcisBody/eventList"
	QueryList    = "/epcisBody/queryResults/resultsBody/eventList"
)

// DecodeCapture reads what the binding's capture takes: an EPCISDocument, or an
// EPCISQueryDocument — what another repository's query or subscription answered, so a platform
// can pass on what it pulled. list is the JSON pointer of the body's array of events, which error
// pointers (and the caller's, for the events it refuses) start with.
func DecodeCapture(data []byte, actor domain.Party) (events []domain.Event, list string, err error) {
	if !isQueryDocument(data) {
		events, err := Decode(data, actor)
		return events, DocumentList, err
	}
	doc, err := captureDocumentOf(data)
	if err != nil {
		return nil, QueryList, err
	}
	events, err = Decode(doc, actor)
	var e *Error
	if errors.As(err, &e) && strings.HasPrefix(e.Pointer, DocumentList) {
		e.Pointer = QueryList + strings.TrimPrefix(e.Pointer, DocumentList)
	}
	return events, QueryList, err
}

// isQueryDocument tells an EPCISQueryDocument; an EPCISDocument, the common case, pays one scan
// for the type's name.
func isQueryDocument(data []byte) bool {
	if !bytes.Contains(data, []byte(`"EPCISQueryDocument"`)) {
		return false
	}
	var head struct {
		Type string `json:"type"`
	}
	return json.Unmarshal(data, &head) == nil && head.Type == "EPCISQueryDocument"
}

// captureDocumentOf is the EPCISDocument of a query document's events, with its context, schema
// version and creation date: the query's name and subscription are the other repository's.
func captureDocumentOf(data []byte) ([]byte, error) {
	// the strict reading every capture gets, before encoding/json (which lets a repeated member by)
	if err := Strict(data); err != nil {
		return nil, err
	}
	var q struct {
		Context       json.RawMessage `json:"@context,omitempty"`
		SchemaVersion json.RawMessage `json:"schemaVersion,omitempty"`
		CreationDate  json.RawMessage `json:"creationDate,omitempty"`
		EPCISBody     struct {
			QueryResults struct {
				ResultsBody struct {
					EventList json.RawMessage `json:"eventList"`
				} `json:"resultsBody"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(data, &q); err != nil {
		return nil, errAt("/epcisBody", "an EPCISQueryDocument carries its events in epcisBody.queryResults.resultsBody.eventList: %v", err)
	}
	var events []json.RawMessage
	if err := json.Unmarshal(q.EPCISBody.QueryResults.ResultsBody.EventList, &events); err != nil || events == nil {
		return nil, errAt(QueryList, "missing or not an array of events")
	}
	for i, raw := range events {
		events[i] = withoutRecordTime(raw)
	}
	list, err := marshalAsSent(events)
	if err != nil {
		return nil, errAt(QueryList, "%v", err)
	}
	doc := struct {
		Context       json.RawMessage `json:"@context,omitempty"`
		Type          string          `json:"type"`
		SchemaVersion json.RawMessage `json:"schemaVersion,omitempty"`
		CreationDate  json.RawMessage `json:"creationDate,omitempty"`
		EPCISBody     struct {
			EventList json.RawMessage `json:"eventList"`
		} `json:"epcisBody"`
	}{Context: q.Context, Type: "EPCISDocument", SchemaVersion: q.SchemaVersion, CreationDate: q.CreationDate}
	doc.EPCISBody.EventList = list
	out, err := marshalAsSent(doc)
	if err != nil {
		return nil, errAt(QueryList, "%v", err)
	}
	return out, nil
}

// withoutRecordTime is an event of a query answer without the time the other repository recorded
// it: this repository records its own, and the same event passed on twice is the same event.
// Anything but an object is left for the decoder to refuse.
func withoutRecordTime(raw json.RawMessage) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return raw
	}
	if _, ok := m["recordTime"]; !ok {
		return raw
	}
	delete(m, "recordTime")
	out, err := marshalAsSent(m)
	if err != nil {
		return raw
	}
	return out
}

// marshalAsSent is json.Marshal without the escaping of <, > and & that encoding/json adds to
// strings, raw ones included: the events' strings stay as they were sent.
func marshalAsSent(v any) (json.RawMessage, error) {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}
