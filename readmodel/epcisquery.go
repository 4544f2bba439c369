package readmodel

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TimeKey is the fixed-width UTC form times are stored and compared in (text order = time order).
func TimeKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// EPCMatch asks for events naming one of Values in one of Roles (a MATCH_ parameter).
type EPCMatch struct {
	Roles  []string
	Values []string
}

// EPCISQuery is a standard EPCIS query over the committed events. Lists are alternatives (any one
// matches); different fields must all match.
type EPCISQuery struct {
	EventTypes, EventIDs, Actions, BizSteps, Dispositions, ReadPoints, BizLocations []string
	EPCs                                                                            []EPCMatch
	Places                                                                          []string // bizLocation or readPoint
	GEEventTime, LTEventTime, GERecordTime, LTRecordTime                            time.Time
	AfterSeq                                                                        int64 // subscriptions: events committed after this one
	ByEventTime                                                                     bool  // order by eventTime; else commit order
	Desc                                                                            bool
	Limit                                                                           int
	Cursor                                                                          string
	// Match checks what the columns cannot (EQ_/EXISTS_ on other fields) on the rendered event.
	Match func(event json.RawMessage) bool
}

// EPCISEvent is one committed event as EPCIS JSON with its place in the commit order.
type EPCISEvent struct {
	Seq   int64
	Block uint64
	Event json.RawMessage
}

// EPCISPage is one page of results; Next resumes after it ("" when there is no more).
type EPCISPage struct {
	Events []EPCISEvent
	Next   string
	// LastSeq and LastBlock are the last row examined (matching or not): in commit order, every
	// event up to it has been considered, which is what a subscription's checkpoint needs.
	LastSeq   int64
	LastBlock uint64
}

// ErrBadCursor is a nextPageToken this service did not issue.
var ErrBadCursor = errors.New("nextPageToken is not one this service issued")

type epcisCursor struct {
	Seq  int64  `json:"s"`
	Time string `json:"t,omitempty"`
}

// maxScan bounds the rows one page examines when Match filters rows out, so a rare condition
// cannot make one request read the whole table; the page then ends early with a Next token.
const maxScan = 20000

// QueryEPCIS runs q.
func (s *Store) QueryEPCIS(ctx context.Context, q EPCISQuery) (EPCISPage, error) {
	where, args := []string{"1=1"}, []any{}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where = append(where, col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("event_type", q.EventTypes)
	in("event_id", q.EventIDs)
	in("action", q.Actions)
	in("biz_step", q.BizSteps)
	in("disposition", q.Dispositions)
	in("read_point", q.ReadPoints)
	in("biz_location", q.BizLocations)
	if len(q.Places) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(q.Places)), ",")
		where = append(where, "(biz_location IN ("+ph+") OR read_point IN ("+ph+"))")
		for range 2 {
			for _, v := range q.Places {
				args = append(args, IndexKey(v))
			}
		}
	}
	for _, m := range q.EPCs {
		where = append(where, "id IN (SELECT event FROM batch_events WHERE batch IN ("+strings.TrimSuffix(strings.Repeat("?,", len(m.Values)), ",")+"))")
		for _, v := range m.Values {
			args = append(args, IndexKey(v))
		}
	}
	bound := func(col, op string, t time.Time) {
		if !t.IsZero() {
			where = append(where, col+" "+op+" ?")
			args = append(args, TimeKey(t))
		}
	}
	bound("event_time", ">=", q.GEEventTime)
	bound("event_time", "<", q.LTEventTime)
	bound("record_time", ">=", q.GERecordTime)
	bound("record_time", "<", q.LTRecordTime)
	if q.AfterSeq > 0 {
		where = append(where, "seq > ?")
		args = append(args, q.AfterSeq)
	}
	dir, cmp := "ASC", ">"
	if q.Desc {
		dir, cmp = "DESC", "<"
	}
	if q.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		var c epcisCursor
		if err != nil || json.Unmarshal(raw, &c) != nil || c.Seq <= 0 {
			return EPCISPage{}, ErrBadCursor
		}
		if q.ByEventTime {
			where = append(where, fmt.Sprintf("(event_time %s ? OR (event_time = ? AND seq %s ?))", cmp, cmp))
			args = append(args, c.Time, c.Time, c.Seq)
		} else {
			where = append(where, "seq "+cmp+" ?")
			args = append(args, c.Seq)
		}
	}
	order := "seq " + dir
	if q.ByEventTime {
		order = "event_time " + dir + ", seq " + dir
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	// a row has no document (epcisRow, but for rows written before): its stored event comes with it
	// to be rendered
	rows, err := s.db.QueryContext(ctx, "SELECT seq, block, event_time, doc, "+
		"CASE WHEN doc = '' THEN (SELECT ev.doc FROM events ev WHERE ev.id = epcis_events.id) ELSE '' END FROM epcis_events WHERE "+
		strings.Join(where, " AND ")+" ORDER BY "+order+" LIMIT ?", append(args, maxScan)...)
	if err != nil {
		return EPCISPage{}, err
	}
	defer rows.Close()
	var page EPCISPage
	var last epcisCursor
	scanned, more := 0, false
	for rows.Next() {
		if len(page.Events) == limit || scanned == maxScan {
			more = true
			break
		}
		var ev EPCISEvent
		var when, doc string
		var stored sql.NullString
		if err := rows.Scan(&ev.Seq, &ev.Block, &when, &doc, &stored); err != nil {
			return EPCISPage{}, err
		}
		scanned++
		last = epcisCursor{Seq: ev.Seq, Time: when}
		page.LastSeq, page.LastBlock = ev.Seq, ev.Block
		ev.Event = json.RawMessage(doc)
		if doc == "" {
			if ev.Event, err = storedDoc(stored.String, ev.Block); err != nil {
				return EPCISPage{}, fmt.Errorf("EPCIS event %d: %w", ev.Seq, err)
			}
		}
		if (len(q.EPCs) == 0 || matchEPCs(ev.Event, q.EPCs)) && (q.Match == nil || q.Match(ev.Event)) {
			page.Events = append(page.Events, ev)
		}
	}
	if err := rows.Err(); err != nil {
		return EPCISPage{}, err
	}
	if scanned == maxScan && !more {
		more = true // the scan bound was hit: there may be more behind it
	}
	if more {
		b, _ := json.Marshal(last)
		page.Next = base64.RawURLEncoding.EncodeToString(b)
	}
	return page, nil
}

// EPCISSeq is the commit position of the last event at or before block (subscriptions start there).
func (s *Store) EPCISSeq(ctx context.Context, block uint64) (int64, error) {
	var seq sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(seq) FROM epcis_events WHERE block <= ?`, block).Scan(&seq)
	return seq.Int64, err
}

// EPCISSeqFrom is the commit position just before the first event recorded at or after t, so a
// subscription with an initialRecordTime starts there (the current end when there is none).
func (s *Store) EPCISSeqFrom(ctx context.Context, t time.Time) (int64, error) {
	var seq sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(seq) FROM epcis_events WHERE record_time >= ?`, TimeKey(t)).Scan(&seq); err != nil {
		return 0, err
	}
	if seq.Valid {
		return seq.Int64 - 1, nil
	}
	return s.EPCISSeq(ctx, ^uint64(0)>>1)
}

// Advanced is closed when the checkpoint next moves (for waiters outside the package).
func (s *Store) Advanced() <-chan struct{} { return s.waitAdvance() }
