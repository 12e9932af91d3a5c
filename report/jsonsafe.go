package report

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"
)

// encoding/json escapes the C0 controls and U+2028/U+2029 but writes the
// C1 controls (U+0080–U+009F, which include CSI) and the bidirectional
// formatting characters (U+200E/F, U+202A–E, U+2066–9) raw: a file or
// interface name holding them reaches whoever cats or jq's the JSON. Every
// JSON slbdiag writes passes through escapeJSON, which writes those (every
// rune unsafeRune names that encoding/json leaves, DEL included) as
// \u00XX / \u20XX. Outside strings JSON text is ASCII, so the rewrite
// touches only strings, and a decoder reads back the same string.

// escapeJSON returns b, text encoding/json wrote, with the characters
// above escaped. b is returned as is when it holds none, the usual case;
// it is not modified.
func escapeJSON(b []byte) []byte {
	i := firstUnsafeJSON(b)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i >= 0 {
		r, n := utf8.DecodeRune(b[i:])
		out = append(out, b[:i]...)
		out = appendUnicodeEscape(out, r)
		b = b[i+n:]
		i = firstUnsafeJSON(b)
	}
	return append(out, b...)
}

// firstUnsafeJSON is the offset of the first rune in b that escapeJSON
// escapes, or -1.
func firstUnsafeJSON(b []byte) int {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if unsafeRune(r) {
			return i
		}
		i += n
	}
	return -1
}

func appendUnicodeEscape(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}

// jsonString is s as a JSON string: what encoding/json writes for it,
// escaped as escapeJSON does.
func jsonString(s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return escapeJSON(q)
}

// writeJSON writes v as an indented JSON document, escaped as escapeJSON
// does; as json.Encoder writes it, with a final newline.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeJSON(buf.Bytes()))
	return err
}

// WriteJSON is writeJSON for the JSON the command line writes outside a
// report (the interface list, the watch's incident lines go through
// JSONLine): the same escaping for every JSON slbdiag writes.
func WriteJSON(w io.Writer, v any) error { return writeJSON(w, v) }

// JSONLine is v as one line of JSONL, escaped as escapeJSON does, without
// the line feed.
func JSONLine(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return escapeJSON(b), nil
}
