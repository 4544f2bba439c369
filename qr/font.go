package qr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// CJKFontPaths are where Debian's CJK fonts live (fonts-wqy-zenhei, `make tools` installs it).
var CJKFontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
}

// ErrNoCJKFont means no TrueType CJK font was found: a PDF then prints Chinese text as gaps.
var ErrNoCJKFont = errors.New("no CJK TrueType font found (apt-get install fonts-wqy-zenhei)")

// CJKFont returns the first CJK TrueType font found, as a single TrueType font (the first face
// of a .ttc collection) that a PDF can embed, and its path.
func CJKFont() ([]byte, string, error) {
	for _, p := range CJKFontPaths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		ttf, err := firstFace(b)
		if err != nil {
			return nil, p, fmt.Errorf("font %s: %w", p, err)
		}
		return ttf, p, nil
	}
	return nil, "", ErrNoCJKFont
}

// firstFace turns a TrueType collection into its first font; a plain TrueType font is returned
// as is. PDF writers embed single fonts only, and Debian ships WenQuanYi as a collection.
func firstFace(b []byte) ([]byte, error) {
	if len(b) < 12 || string(b[:4]) != "ttcf" {
		return b, nil
	}
	if binary.BigEndian.Uint32(b[8:12]) == 0 || len(b) < 16 {
		return nil, errors.New("empty font collection")
	}
	off := int(binary.BigEndian.Uint32(b[12:16]))
	if off+12 > len(b) {
		return nil, errors.New("truncated font collection")
	}
	n := int(binary.BigEndian.Uint16(b[off+4 : off+6]))
	dir := 12 + 16*n
	if off+dir > len(b) {
		return nil, errors.New("truncated font directory")
	}
	out := make([]byte, dir, len(b)/2)
	copy(out, b[off:off+dir])
	for i := 0; i < n; i++ {
		rec := out[12+16*i : 12+16*(i+1)]
		start := int(binary.BigEndian.Uint32(rec[8:12]))
		length := int(binary.BigEndian.Uint32(rec[12:16]))
		if start < 0 || length < 0 || start+length > len(b) {
			return nil, fmt.Errorf("table %q lies outside the file", rec[:4])
		}
		binary.BigEndian.PutUint32(rec[8:12], uint32(len(out)))
		out = append(out, b[start:start+length]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out, nil
}
