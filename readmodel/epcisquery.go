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
	// CountLimit bounds the whole result (every page together) to its first CountLimit events
	// (eventCountLimit); the count returned so far travels in the cursor.
	CountLimit int
	// MaxCount refuses (ErrQueryTooLarge) a query matching more than MaxCount events
	// (maxEventCount); it is checked when the query starts, not on the pages after.
	MaxCount int
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

// ErrQueryTooLarge is a query matching more events than its MaxCount (QueryTooLargeException).
var ErrQueryTooLarge = errors.New("query matches more events than maxEventCount")

// ErrQueryTooComplex is a MaxCount that cannot be checked within maxScan rows (the matching is
// done on the documents, not the columns, and too few of the rows examined matched).
var ErrQueryTooComplex = errors.New("query cannot be counted within the rows one request may examine")

type epcisCursor struct {
	Seq  int64  `json:"s"`
	Time string `json:"t,omitempty"`
	N    int    `json:"n,omitempty"` // events returned before this page, when CountLimit bounds the result
}

// maxScan bounds the rows one page examines when Match filters rows out, so a rare condition
// cannot make one request read the whole table; the page then ends early with a Next token. A
// variable so that tests reach it with a few rows.
var maxScan = 20000

// QueryEPCIS runs q.
func (s *Store) QueryEPCIS(ctx context.Context, q EPCISQuery) (EPCISPage, error) {
	where, args := q.where()
	dir, cmp := "ASC", ">"
	if q.Desc {
		dir, cmp = "DESC", "<"
	}
	var from epcisCursor
	if q.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		if err != nil || json.Unmarshal(raw, &from) != nil || from.Seq <= 0 || from.N < 0 {
			return EPCISPage{}, ErrBadCursor
		}
		if q.ByEventTime {
			where = append(where, fmt.Sprintf("(event_time %s ? OR (event_time = ? AND seq %s ?))", cmp, cmp))
			args = append(args, from.Time, from.Time, from.Seq)
		} else {
			where = append(where, "seq "+cmp+" ?")
			args = append(args, from.Seq)
		}
	} else if q.MaxCount > 0 {
		if err := s.checkMaxCount(ctx, q, where, args); err != nil {
			return EPCISPage{}, err
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
	if q.CountLimit > 0 {
		if from.N >= q.CountLimit {
			return EPCISPage{}, nil
		}
		limit = min(limit, q.CountLimit-from.N)
	}
	var page EPCISPage
	var last epcisCursor
	scanned, more := 0, false
	err := s.eachEPCISRow(ctx, q, where, args, order, maxScan, func(ev EPCISEvent, when string, matched bool) bool {
		if len(page.Events) == limit || scanned == maxScan {
			more = true
			return false
		}
		scanned++
		last = epcisCursor{Seq: ev.Seq, Time: when}
		page.LastSeq, page.LastBlock = ev.Seq, ev.Block
		if matched {
			page.Events = append(page.Events, ev)
		}
		return true
	})
	if err != nil {
		return EPCISPage{}, err
	}
	if scanned == maxScan && !more {
		more = true // the scan bound was hit: there may be more behind it
	}
	if q.CountLimit > 0 {
		last.N = from.N + len(page.Events)
		if last.N >= q.CountLimit {
			more = false // the result ends at its limit, whatever matches after it
		}
	}
	if more {
		b, _ := json.Marshal(last)
		page.Next = base64.RawURLEncoding.EncodeToString(b)
	}
	return page, nil
}

// where is q's conditions on the columns, the cursor aside.
func (q EPCISQuery) where() ([]string, []any) {
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
	return where, args
}

// filtersDocs reports whether q matches on the rendered documents as well as the columns.
func (q EPCISQuery) filtersDocs() bool { return len(q.EPCs) > 0 || q.Match != nil }

// eachEPCISRow reads at most limit rows in order, each with its document and whether it matches
// q beyond the columns, until fn returns false.
func (s *Store) eachEPCISRow(ctx context.Context, q EPCISQuery, where []string, args []any, order string, limit int,
	fn func(ev EPCISEvent, when string, matched bool) bool) error {
	// a row has no document (epcisRow, but for rows written before): its stored event comes with it
	// to be rendered
	rows, err := s.db.QueryContext(ctx, "SELECT seq, block, event_time, doc, "+
		"CASE WHEN doc = '' THEN (SELECT ev.doc FROM events ev WHERE ev.id = epcis_events.id) ELSE '' END FROM epcis_events WHERE "+
		strings.Join(where, " AND ")+" ORDER BY "+order+" LIMIT ?", append(args, limit)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ev EPCISEvent
		var when, doc string
		var stored sql.NullString
		if err := rows.Scan(&ev.Seq, &ev.Block, &when, &doc, &stored); err != nil {
			return err
		}
		ev.Event = json.RawMessage(doc)
		if doc == "" {
			if ev.Event, err = storedDoc(stored.String, ev.Block); err != nil {
				return fmt.Errorf("EPCIS event %d: %w", ev.Seq, err)
			}
		}
		matched := (len(q.EPCs) == 0 || matchEPCs(ev.Event, q.EPCs)) && (q.Match == nil || q.Match(ev.Event))
		if !fn(ev, when, matched) {
			break
		}
	}
	return rows.Err()
}

// checkMaxCount refuses q when more than q.MaxCount events match, reading at most MaxCount+1
// matching rows: counted by the database when the columns decide, else examined one by one,
// at most maxScan of them.
func (s *Store) checkMaxCount(ctx context.Context, q EPCISQuery, where []string, args []any) error {
	if !q.filtersDocs() {
		var n int
		err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM epcis_events WHERE "+
			strings.Join(where, " AND ")+" LIMIT ?) AS matching", append(args, q.MaxCount+1)...).Scan(&n)
		if err != nil {
			return fmt.Errorf("count EPCIS events: %w", err)
		}
		if n > q.MaxCount {
			return ErrQueryTooLarge
		}
		return nil
	}
	matched, scanned := 0, 0
	err := s.eachEPCISRow(ctx, q, where, args, "seq ASC", maxScan+1, func(_ EPCISEvent, _ string, ok bool) bool {
		scanned++
		if ok {
			matched++
		}
		return matched <= q.MaxCount && scanned <= maxScan
	})
	switch {
	case err != nil:
		return fmt.Errorf("count EPCIS events: %w", err)
	case matched > q.MaxCount:
		return ErrQueryTooLarge
	case scanned > maxScan:
		return ErrQueryTooComplex
	}
	return nil
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
