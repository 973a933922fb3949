package simulator

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// sampleVoiceNote is a voice note as WhatsApp records it: Ogg with Opus,
// mono, 48 kHz, here seconds of silence, so that a browser plays it and
// seeks in it.
func sampleVoiceNote(seconds int) []byte {
	const frame = 960 // 20 ms at 48 kHz
	const preSkip = 312
	var out bytes.Buffer
	head := []byte("OpusHead")
	head = append(head, 1, 1)                              // version, one channel
	head = binary.LittleEndian.AppendUint16(head, preSkip) // pre-skip
	head = binary.LittleEndian.AppendUint32(head, 48000)   // input sample rate
	head = append(head, 0, 0, 0)                           // gain, mapping family 0
	tags := []byte("OpusTags")
	vendor := "wadesk simulator"
	tags = binary.LittleEndian.AppendUint32(tags, uint32(len(vendor)))
	tags = append(tags, vendor...)
	tags = binary.LittleEndian.AppendUint32(tags, 0) // no comments
	const serial = 0x77616473
	seq := uint32(0)
	writeOggPage(&out, 0x02, 0, serial, seq, [][]byte{head})
	seq++
	writeOggPage(&out, 0, 0, serial, seq, [][]byte{tags})
	seq++
	// A CELT fullband 20 ms frame of silence.
	silence := []byte{0xF8, 0xFF, 0xFE}
	packets := seconds * 50
	granule := uint64(preSkip)
	for sent := 0; sent < packets; {
		n := min(50, packets-sent)
		page := make([][]byte, n)
		for i := range page {
			page[i] = silence
		}
		sent += n
		granule += uint64(n * frame)
		flags := byte(0)
		if sent == packets {
			flags = 0x04 // end of stream
		}
		writeOggPage(&out, flags, granule, serial, seq, page)
		seq++
	}
	return out.Bytes()
}

// writeOggPage writes one Ogg page holding whole packets shorter than 255
// bytes each.
func writeOggPage(w *bytes.Buffer, flags byte, granule uint64, serial, seq uint32, packets [][]byte) {
	var p []byte
	p = append(p, "OggS"...)
	p = append(p, 0, flags)
	p = binary.LittleEndian.AppendUint64(p, granule)
	p = binary.LittleEndian.AppendUint32(p, serial)
	p = binary.LittleEndian.AppendUint32(p, seq)
	p = append(p, 0, 0, 0, 0) // checksum, filled in below
	var lacing []byte
	var body []byte
	for _, pk := range packets {
		n := len(pk)
		for n >= 255 {
			lacing = append(lacing, 255)
			n -= 255
		}
		lacing = append(lacing, byte(n))
		body = append(body, pk...)
	}
	p = append(p, byte(len(lacing)))
	p = append(p, lacing...)
	p = append(p, body...)
	binary.LittleEndian.PutUint32(p[22:], oggCRC(p))
	w.Write(p)
}

var oggTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for range 8 {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04C11DB7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

// oggCRC is Ogg's page checksum (CRC-32, polynomial 0x04C11DB7, not
// reflected, initial value 0).
func oggCRC(p []byte) uint32 {
	var c uint32
	for _, b := range p {
		c = c<<8 ^ oggTable[byte(c>>24)^b]
	}
	return c
}

// samplePDF is a one-page PDF saying text, valid enough for a browser's
// viewer (its cross-reference table has the real offsets).
func samplePDF(text string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	stream := fmt.Sprintf("BT /F1 24 Tf 72 720 Td (%s) Tj ET", pdfEscape(text))
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

func pdfEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
