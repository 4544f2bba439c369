package qr

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"
)

// writePNG writes rows (dark = true) as a 1-bit greyscale PNG, scale pixels per module.
//
// Why not image/png: it packs sub-byte pixels with one interface call (ColorIndexAt) per pixel,
// which was about 85% of a label's PNG time in a profile; here a module row is packed once and
// written scale times. The format is three chunks (IHDR, IDAT, IEND); the compression (zlib) and
// the checksums (CRC-32) are the standard library's. The tests decode the result with image/png
// and an independent QR decoder.
func writePNG(rows [][]bool, scale int) ([]byte, error) {
	side := len(rows) * scale
	stride := (side + 7) / 8
	var out bytes.Buffer
	out.Grow(64 + stride*len(rows))
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(side))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(side))
	ihdr[8] = 1 // bit depth
	ihdr[9] = 0 // greyscale: 0 is black, 1 is white
	writeChunk(&out, "IHDR", ihdr[:])

	z := zlibWriters.Get().(*zlibWriter)
	defer zlibWriters.Put(z)
	z.buf.Reset()
	z.w.Reset(&z.buf)
	line := make([]byte, 1+stride) // filter type 0 (none), then the packed pixels
	for _, row := range rows {
		clear(line)
		for x := 0; x < side; x++ {
			if !row[x/scale] {
				line[1+x/8] |= 0x80 >> (x % 8)
			}
		}
		for range scale {
			if _, err := z.w.Write(line); err != nil {
				return nil, fmt.Errorf("compress PNG: %w", err)
			}
		}
	}
	if err := z.w.Close(); err != nil {
		return nil, fmt.Errorf("compress PNG: %w", err)
	}
	writeChunk(&out, "IDAT", z.buf.Bytes())
	writeChunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

func writeChunk(out *bytes.Buffer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	out.WriteString(kind)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}

// A zlib writer holds over 600 KB of compressor state: allocating one per label cost more than
// compressing the label (8% of a 10,000-label run), so they are reused.
type zlibWriter struct {
	buf bytes.Buffer
	w   *zlib.Writer
}

var zlibWriters = sync.Pool{New: func() any {
	z := &zlibWriter{}
	// best speed: a label's rows repeat scale times and compress well at any level
	z.w, _ = zlib.NewWriterLevel(&z.buf, zlib.BestSpeed)
	return z
}}
