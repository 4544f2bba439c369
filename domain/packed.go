package domain

import (
	"encoding/json"
	"fmt"

	"github.com/golang/snappy"
)

// packed starts a compressed payload. JSON never starts with a zero byte, so plain JSON (what was
// written before packing) still reads.
const packed = 0x00

// MaxUnpackedBytes bounds what a packed payload may decode to: several times the JSON of the
// largest transaction's events (wire.MaxTxEventBytes) with their batches.
const MaxUnpackedBytes = 32 << 20

// PackJSON snappy-compresses JSON that goes into a block: a recording transaction's argument and
// its chaincode event. Every peer copies, hashes and stores each byte of a block several times
// over (protobuf decoding, validation, the block store); the JSON of a transaction's events — the
// same field names, transaction ID, time, platform and places in every event and batch — shrinks
// several times for about 2 µs of CPU per event.
func PackJSON(b []byte) []byte {
	out := make([]byte, 1+snappy.MaxEncodedLen(len(b)))
	out[0] = packed
	return out[:1+len(snappy.Encode(out[1:], b))]
}

// UnpackJSON returns the JSON of a payload written by PackJSON, or the payload itself when it is
// plain JSON.
func UnpackJSON(payload []byte) ([]byte, error) {
	if len(payload) == 0 || payload[0] != packed {
		return payload, nil
	}
	// a payload states its decoded length; a forged one must not make the reader allocate gigabytes
	if n, err := snappy.DecodedLen(payload[1:]); err != nil || n > MaxUnpackedBytes {
		return nil, fmt.Errorf("packed payload: decoded length %d over %d bytes, or unreadable (%v)", n, MaxUnpackedBytes, err)
	}
	b, err := snappy.Decode(nil, payload[1:])
	if err != nil {
		return nil, fmt.Errorf("decompress payload: %w", err)
	}
	return b, nil
}

// PackRecorded is the chaincode event payload of what a transaction recorded (PackJSON).
func PackRecorded(rec Recorded) ([]byte, error) {
	b, err := marshalRecorded(rec)
	if err != nil {
		return nil, fmt.Errorf("encode recorded: %w", err)
	}
	return PackJSON(b), nil
}

// UnpackRecorded decodes a chaincode event payload.
func UnpackRecorded(payload []byte) (Recorded, error) {
	var rec Recorded
	b, err := UnpackJSON(payload)
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("decode recorded payload: %w", err)
	}
	return rec, nil
}
