package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agritrace/agritrace/gs1"
)

// FutureTolerance is how far ahead of the ledger clock an event time may be (clock skew).
const FutureTolerance = 10 * time.Minute

var (
	regionCode = regexp.MustCompile(`^[1-9][0-9]{5}$`)
	hexSHA256  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	eventIDRe  = regexp.MustCompile(`^[\x21-\x7e]{1,200}$`)
	dateRe     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	saltRe     = regexp.MustCompile(`^[0-9a-f]{32,128}$`)
	// privateHashRe is a hex sha-256
	privateHashRe = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ParseEventTime parses an RFC 3339 time that must carry its zone ("Z" or ±hh:mm).
func ParseEventTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time with a zone offset (e.g. 2026-10-08T09:30:00+08:00)", s)
	}
	if _, off := t.Zone(); off < -12*3600 || off > 14*3600 {
		return time.Time{}, fmt.Errorf("%q has zone offset outside -12:00..+14:00", s)
	}
	return t, nil
}

// NormalizeID returns the canonical form of a batch or location identifier.
func NormalizeID(s, pointer string) (string, error) {
	n, err := gs1.Normalize(s)
	if err != nil {
		return "", Invalid(pointer, "%v", err)
	}
	return n, nil
}

// Validate checks e against the rules that need no ledger state and normalises its identifiers in
// place. now is the reference clock (the transaction timestamp inside the chaincode). Every refused
// field is reported: the first as the error, the others in its Also, so a client fixes them in one
// round.
func Validate(e *Event, now time.Time) error {
	var errs []*Error
	add := func(err error) bool {
		if err == nil {
			return true
		}
		de, ok := AsError(err)
		if !ok {
			de = Invalid("", "%v", err)
		}
		errs = append(errs, de)
		return false
	}
	if !eventIDRe.MatchString(e.ID) {
		add(Invalid("/id", "event id is required: 1–200 printable ASCII characters without spaces"))
	}
	typeOK := add(validType(e.Type))
	t, err := ParseEventTime(e.EventTime)
	if err != nil {
		add(Invalid("/eventTime", "%v", err))
	} else if t.After(now.Add(FutureTolerance)) {
		add(Invalid("/eventTime", "event time %s is more than %s ahead of the ledger clock %s",
			e.EventTime, FutureTolerance, now.UTC().Format(time.RFC3339)))
	} else if t.Year() < 1990 {
		add(Invalid("/eventTime", "event time %s is before 1990", e.EventTime))
	} else {
		add(checkDates(e, t))
	}
	add(checkEventText(e))
	add(validParty(e.Actor, "/actor"))
	if e.To != nil {
		add(validParty(*e.To, "/to"))
	}
	if e.Location != nil {
		add(validLocation(e.Location, "/location"))
	}
	for i := range e.Batches {
		if n, err := NormalizeID(e.Batches[i], fmt.Sprintf("/batches/%d", i)); add(err) {
			e.Batches[i] = n
		}
	}
	for i := range e.Inputs {
		p := fmt.Sprintf("/inputs/%d", i)
		if n, err := NormalizeID(e.Inputs[i].Batch, p+"/batch"); add(err) {
			e.Inputs[i].Batch = n
		}
		if q := e.Inputs[i].Quantity; q != nil {
			add(ValidQuantity(*q, p+"/quantity"))
		}
	}
	for i := range e.Outputs {
		p := fmt.Sprintf("/outputs/%d", i)
		o := &e.Outputs[i]
		if n, err := NormalizeID(o.Batch, p+"/batch"); add(err) {
			o.Batch = n
		}
		add(validProduct(&o.Product, p+"/product"))
		add(ValidQuantity(o.Quantity, p+"/quantity"))
		if o.Origin != nil {
			add(validOrigin(o.Origin, p+"/origin"))
		}
	}
	if e.Loss != nil {
		add(ValidQuantity(*e.Loss, "/loss"))
	}
	for i, d := range e.Documents {
		p := fmt.Sprintf("/documents/%d", i)
		if strings.TrimSpace(d.Name) == "" {
			add(Invalid(p+"/name", "document name is required"))
		}
		if !hexSHA256.MatchString(d.SHA256) {
			add(Invalid(p+"/sha256", "sha256 must be 64 lowercase hex characters"))
		}
	}
	if e.Declaration != nil && e.Type != DeclareError {
		add(Invalid("/errorDeclaration", "an error declaration belongs to a declare-error event, not %s", e.Type))
	}
	if e.Registration != nil && e.Type != Register {
		add(Invalid("/registration", "a registration belongs to a register event, not %s", e.Type))
	}
	if e.Private != nil && e.Type != Purchase && e.Type != Sell && e.Type != Offer {
		add(Invalid("/private", "private terms belong to purchase, sell or offer events, not %s", e.Type))
	}
	if e.Private != nil {
		if err := ValidatePrivate(*e.Private); err != nil {
			add(err)
		}
	}
	// a privateHash from the caller commits to terms already put in the parties' collection (a
	// deal inside one platform); the ledger checks the collection holds terms with that hash
	if e.PrivateHash != "" && (e.Private != nil || !privateHashRe.MatchString(e.PrivateHash) || (e.Type != Purchase && e.Type != Sell && e.Type != Offer)) {
		add(Invalid("/privateHash", "privateHash (64 hex characters) commits to private terms already in the parties' collection, on a purchase, sell or offer without private"))
	}
	if e.TxID != "" || e.RecordTime != "" || e.Platform != "" || e.ContentHash != "" || e.Block != 0 || e.Yield != 0 || len(e.ExternalInputs) > 0 || e.Conservation != "" {
		add(Invalid("", "txId, recordTime, platform, contentHash, yield, externalInputs and block are set by the ledger, not by callers"))
	}
	for k, v := range e.Attributes {
		if !utf8.ValidString(k) || k == "" || len(k) > 100 {
			add(Invalid("/attributes", "attribute names must be 1–100 characters of valid UTF-8"))
		} else if s, ok := v.(string); ok && !utf8.ValidString(s) {
			add(Invalid("/attributes/"+k, "attribute value is not valid UTF-8"))
		}
	}
	if typeOK {
		add(validShape(e))
	}
	if len(errs) == 0 {
		return nil
	}
	first := *errs[0]
	first.Also = errs[1:]
	return &first
}

func validType(t EventType) error {
	if !t.Valid() {
		return Invalid("/type", "unknown event type %q; one of %v", t, EventTypes)
	}
	return nil
}

// validShape checks what each event type needs.
func validShape(e *Event) error {
	need := func(ok bool, pointer, format string, a ...any) error {
		if ok {
			return nil
		}
		return Invalid(pointer, format, a...)
	}
	switch e.Type {
	case Produce:
		return need(len(e.Outputs) > 0, "/outputs", "produce creates batches: give at least one output")
	case Process:
		if err := need(len(e.Inputs) > 0, "/inputs", "process consumes inputs: give at least one"); err != nil {
			return err
		}
		return need(len(e.Outputs) > 0, "/outputs", "process creates outputs: give at least one")
	case Split:
		if err := need(len(e.Inputs) == 1, "/inputs", "split takes exactly one input batch, got %d", len(e.Inputs)); err != nil {
			return err
		}
		return need(len(e.Outputs) >= 2, "/outputs", "split creates at least two outputs, got %d", len(e.Outputs))
	case Merge:
		if err := need(len(e.Inputs) >= 2, "/inputs", "merge takes at least two inputs, got %d", len(e.Inputs)); err != nil {
			return err
		}
		return need(len(e.Outputs) == 1, "/outputs", "merge creates exactly one output, got %d", len(e.Outputs))
	case Purchase, Offer:
		if err := need(len(e.Batches) > 0, "/batches", "%s needs the batches it concerns", e.Type); err != nil {
			return err
		}
		return need(e.To != nil, "/to", "%s needs the receiving party in \"to\"", e.Type)
	case Inspect:
		if err := need(len(e.Batches) > 0, "/batches", "inspect needs the batches tested"); err != nil {
			return err
		}
		if err := need(e.Inspection != nil, "/inspection", "inspect needs an inspection result"); err != nil {
			return err
		}
		if err := need(e.Inspection.Item != "", "/inspection/item", "inspection item is required"); err != nil {
			return err
		}
		return need(e.Inspection.Result == "pass" || e.Inspection.Result == "fail", "/inspection/result",
			"inspection result must be pass or fail, got %q", e.Inspection.Result)
	case Certify:
		if err := validCertificate(e); err != nil {
			return err
		}
		return need(len(e.Batches) > 0 || len(e.Certificate.Scope) > 0, "/batches", "certify needs the batches or the GTINs (certificate scope) it covers")
	case Revoke, Suspend, Reinstate:
		if err := validCertificate(e); err != nil {
			return err
		}
		return need(e.Type == Reinstate || strings.TrimSpace(e.Reason) != "", "/reason", "%s needs a reason", e.Type)
	case Register:
		return validRegistration(e)
	case DeclareError:
		return validDeclaration(e)
	case Recall:
		if err := need(len(e.Batches) > 0, "/batches", "recall needs the batches recalled"); err != nil {
			return err
		}
		return need(strings.TrimSpace(e.Reason) != "", "/reason", "recall needs a reason")
	case Observe:
		// an EPCIS observation may name no object at all (sensor readings of a place)
		return need(len(e.Batches) > 0 || len(e.EPCIS) > 0, "/batches", "observe needs the batches it concerns")
	default:
		return need(len(e.Batches) > 0, "/batches", "%s needs the batches it concerns", e.Type)
	}
}

func validParty(p Party, pointer string) error {
	if strings.TrimSpace(p.Enterprise) == "" {
		return Invalid(pointer+"/enterprise", "enterprise (unified social credit code or platform-local ID) is required")
	}
	if len(p.Enterprise) == 18 && IsUSCCShape(p.Enterprise) && !ValidUSCC(p.Enterprise) {
		return Invalid(pointer+"/enterprise", "unified social credit code %q has a wrong check character", p.Enterprise)
	}
	if len(p.Enterprise) > 64 || !utf8.ValidString(p.Enterprise) || !utf8.ValidString(p.Name) {
		return Invalid(pointer+"/enterprise", "enterprise ID must be valid UTF-8 of at most 64 bytes")
	}
	return nil
}

func validLocation(l *Location, pointer string) error {
	if l.ID != "" {
		id, err := gs1.NormalizeLocation(l.ID)
		if err != nil {
			return Invalid(pointer+"/id", "%v", err)
		}
		l.ID = id
	}
	if l.Region != "" && !regionCode.MatchString(l.Region) {
		return Invalid(pointer+"/region", "region must be a 6-digit GB/T 2260 code, got %q", l.Region)
	}
	return nil
}

func validProduct(p *Product, pointer string) error {
	if strings.TrimSpace(p.Name) == "" {
		return Invalid(pointer+"/name", "product name is required")
	}
	if p.GTIN != "" {
		g, err := gs1.NormalizeGTIN(p.GTIN)
		if err != nil {
			return Invalid(pointer+"/gtin", "%v", err)
		}
		p.GTIN = g
	}
	if p.Category != "" && p.Category != "grain" && p.Category != "produce" {
		return Invalid(pointer+"/category", "category must be grain or produce, got %q", p.Category)
	}
	return nil
}

func validOrigin(o *Origin, pointer string) error {
	if o.Region != "" && !regionCode.MatchString(o.Region) {
		return Invalid(pointer+"/region", "region must be a 6-digit GB/T 2260 code, got %q", o.Region)
	}
	if o.HarvestDate != "" {
		if _, err := time.Parse("2006-01-02", o.HarvestDate); err != nil || !dateRe.MatchString(o.HarvestDate) {
			return Invalid(pointer+"/harvestDate", "harvest date must be YYYY-MM-DD, got %q", o.HarvestDate)
		}
	}
	if o.Producer != "" && len(o.Producer) == 18 && IsUSCCShape(o.Producer) && !ValidUSCC(o.Producer) {
		return Invalid(pointer+"/producer", "unified social credit code %q has a wrong check character", o.Producer)
	}
	return nil
}

// Fingerprint is the hash of an event's submitted content: what idempotency compares. Private
// terms count through their hash, ledger-set fields not at all.
func Fingerprint(e Event) string {
	e.RecordTime, e.Platform, e.TxID, e.ContentHash, e.Yield, e.ExternalInputs, e.Block, e.Conservation = "", "", "", "", 0, nil, 0, ""
	if e.Private != nil {
		e.PrivateHash = PrivateHash(*e.Private)
		e.Private = nil
	}
	// struct field order and sorted map keys make json.Marshal's output canonical; appendEvent
	// writes the same bytes without having encoding/json check a captured event's EPCIS again
	b, _ := appendEvent(nil, e)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ValidatePrivate checks private terms on their own (they may travel apart from their event).
func ValidatePrivate(p Private) error {
	if !saltRe.MatchString(p.Salt) {
		return Invalid("/private/salt", "private terms need a random salt of at least 128 bits (32–128 hex characters), so their public hash cannot be guessed")
	}
	return nil
}

// PrivateHash is the public commitment to private terms.
func PrivateHash(p Private) string {
	b, _ := json.Marshal(p)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// SortEvents orders events by event time, then ID.
func SortEvents(es []Event) {
	sort.SliceStable(es, func(i, j int) bool {
		ti, _ := ParseEventTime(es[i].EventTime)
		tj, _ := ParseEventTime(es[j].EventTime)
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return es[i].ID < es[j].ID
	})
}
