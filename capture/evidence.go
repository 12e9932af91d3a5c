package capture

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/slbdiag/slbdiag/decode"
)

// Pick is one frame to copy into an evidence file: its input (an index
// into the names given to WriteEvidence), its 1-based frame number there,
// and the comments that say what it shows.
type Pick struct {
	File     int
	Frame    int
	Comments []string
}

// Flow is one handshake attempt an evidence file keeps whole: every packet
// between its client and its server, or the address that answered for the
// server, in both directions, and the ICMP errors quoting them, from its
// first SYN to its last packet. Its last packet is known by time (To) or
// by frame (packets of input File up to frame Last belong to it too).
type Flow struct {
	Client, Server netip.AddrPort
	ReplySrc       netip.Addr // the address that answered, when not Server's
	From, To       time.Time
	File, Last     int
	Comment        string // for the flow's packets no pick comments
}

// Evidence is what an evidence file holds.
type Evidence struct {
	Flows   []Flow
	Picks   []Pick // frames that must be there, with their comments
	Comment string // the file's (section's) comment
	Redact  Redaction
	// All copies every frame of the inputs, the picks and flows giving
	// their comments: an incident's window, kept whole.
	All bool
	// App names the writer in the section header (shb_userappl,
	// Wireshark's Capture File Properties), version included, so the
	// file says which build chose its packets; "slbdiag" when empty.
	App string
}

// WriteEvidence copies the frames of ev from the named capture files into
// one pcapng written to w: every frame of its flows and every picked one,
// each pick with its comments as pcapng packet comments (Wireshark shows
// them in the packet details and with frame.comment), redacted as ev
// asks. Frames keep their timestamps; frames of several files are written
// file by file, in frame order. The files are read again, so they must be
// files, not stdin. With nothing to copy it still writes a valid pcapng:
// a section with ev's comment and no packets.
func WriteEvidence(w io.Writer, names []string, ev Evidence) (int, error) {
	e := &evidenceWriter{w: w, ev: ev, ifaces: map[layers.LinkType]int{}}
	picks := mergePicks(ev.Picks)
	written := 0
	for file := range names {
		sel := newSelection(file, ev.Flows, picks)
		sel.all = ev.All
		if sel.empty() {
			continue
		}
		f, err := Open(names[file], nil)
		if err != nil {
			return written, err
		}
		n, err := sel.copy(f, e.write)
		f.Close()
		written += n
		if err != nil {
			return written, err
		}
	}
	if e.ng == nil {
		// Nothing to show: a section with its comment and one interface
		// is still a pcapng every reader opens.
		if err := e.start(layers.LinkTypeEthernet); err != nil {
			return 0, err
		}
	}
	return written, e.ng.Flush()
}

// mergePicks sorts picks by file and frame and merges the picks of one
// frame into one, with the comments of every pick.
func mergePicks(picks []Pick) []Pick {
	picks = slices.Clone(picks)
	slices.SortStableFunc(picks, func(a, b Pick) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Frame, b.Frame))
	})
	merged := picks[:0]
	for _, p := range picks {
		if n := len(merged); n > 0 && merged[n-1].File == p.File && merged[n-1].Frame == p.Frame {
			merged[n-1].Comments = append(slices.Clip(merged[n-1].Comments), p.Comments...)
			continue
		}
		merged = append(merged, p)
	}
	return merged
}

// evidenceWriter is the pcapng being written: one interface per link type.
type evidenceWriter struct {
	w      io.Writer
	ev     Evidence
	ng     *pcapgo.NgWriter
	ifaces map[layers.LinkType]int
	buf    []byte
	dec    *decode.Decoder
}

func (e *evidenceWriter) start(lt layers.LinkType) error {
	intf := pcapgo.NgInterface{Name: lt.String(), LinkType: lt, TimestampResolution: 9}
	var err error
	e.ng, err = pcapgo.NewNgWriterInterface(e.w, intf, pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Application: cmp.Or(e.ev.App, "slbdiag"), Comment: e.ev.Comment}})
	e.ifaces[lt] = 0
	return err
}

func (e *evidenceWriter) write(lt layers.LinkType, ci gopacket.CaptureInfo, data []byte, comments []string) error {
	if e.ng == nil {
		if err := e.start(lt); err != nil {
			return err
		}
	}
	id, ok := e.ifaces[lt]
	if !ok {
		var err error
		if id, err = e.ng.AddInterface(pcapgo.NgInterface{Name: lt.String(), LinkType: lt, TimestampResolution: 9}); err != nil {
			return err
		}
		e.ifaces[lt] = id
	}
	if !e.ev.Redact.empty() {
		e.buf = append(e.buf[:0], data...)
		data = e.buf
		if e.dec == nil {
			e.dec = decode.New()
		}
		e.ev.Redact.redact(e.dec, lt, data)
	}
	ci.InterfaceIndex = id
	ci.AncillaryData = nil
	return e.ng.WritePacketWithOptions(ci, data, pcapgo.NgPacketOptions{Comments: comments})
}

// selection is what to copy out of one input.
type selection struct {
	file  int
	picks []Pick // this file's, in frame order
	// flows by connection: both addresses and ports, the lower first.
	flows     map[connKey][]*Flow
	lastFrame int       // no wanted frame lies past this one…
	lastTime  time.Time // …nor past this time (plus a margin for disorder)
	all       bool      // every frame is wanted
	dec       *decode.Decoder
}

type connKey struct{ a, b netip.AddrPort }

func keyOf(x, y netip.AddrPort) connKey {
	if x.Compare(y) > 0 {
		x, y = y, x
	}
	return connKey{x, y}
}

// reorderMargin is how far frames of a file may be out of time order and
// still be found: captures merged from several interfaces are.
const reorderMargin = time.Minute

func newSelection(file int, flows []Flow, picks []Pick) *selection {
	s := &selection{file: file, flows: map[connKey][]*Flow{}, dec: decode.New()}
	for _, p := range picks {
		if p.File == file {
			s.picks = append(s.picks, p)
			s.lastFrame = max(s.lastFrame, p.Frame)
		}
	}
	for i := range flows {
		fl := &flows[i]
		s.flows[keyOf(fl.Client, fl.Server)] = append(s.flows[keyOf(fl.Client, fl.Server)], fl)
		if fl.ReplySrc.IsValid() && fl.ReplySrc != fl.Server.Addr() {
			k := keyOf(fl.Client, netip.AddrPortFrom(fl.ReplySrc, fl.Server.Port()))
			s.flows[k] = append(s.flows[k], fl)
		}
		if fl.File == file {
			s.lastFrame = max(s.lastFrame, fl.Last)
		}
		if fl.To.After(s.lastTime) {
			s.lastTime = fl.To
		}
	}
	return s
}

func (s *selection) empty() bool { return !s.all && len(s.picks) == 0 && len(s.flows) == 0 }

// flowOf returns the flow frame number frame, at ts, belongs to, if any.
func (s *selection) flowOf(lt layers.LinkType, frame int, ts time.Time, data []byte) *Flow {
	if len(s.flows) == 0 {
		return nil
	}
	src, dst, ok := tcpFlow(s.dec, lt, data)
	if !ok {
		return nil
	}
	for _, fl := range s.flows[keyOf(src, dst)] {
		inTime := !ts.Before(fl.From) && !ts.After(fl.To)
		inFrames := fl.File == s.file && frame <= fl.Last && !ts.Before(fl.From)
		if inTime || inFrames {
			return fl
		}
	}
	return nil
}

// copy reads f and hands each wanted frame to emit, stopping once no more
// can be wanted. Damage after the last picked frame does not matter;
// damage before it means the file changed since it was analysed.
func (s *selection) copy(f *File, emit func(layers.LinkType, gopacket.CaptureInfo, []byte, []string) error) (int, error) {
	n, frame := 0, 0
	picks := s.picks
	for {
		data, ci, err := f.ZeroCopyReadPacketData()
		if err != nil {
			if len(picks) == 0 {
				return n, nil // the end, or damage past everything picked
			}
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("%s has no frame %d: it ends after frame %d", f.Name, picks[0].Frame, frame)
			}
			return n, err
		}
		frame++
		lt := f.LinkType()
		var comments []string
		picked := len(picks) > 0 && picks[0].Frame == frame
		if picked {
			comments, picks = picks[0].Comments, picks[1:]
		}
		fl := s.flowOf(lt, frame, ci.Timestamp, data)
		if fl != nil && !picked && fl.Comment != "" {
			comments = []string{fl.Comment}
		}
		if picked || fl != nil || s.all {
			if err := emit(lt, ci, data, comments); err != nil {
				return n, err
			}
			n++
		}
		if !s.all && len(picks) == 0 && frame >= s.lastFrame && ci.Timestamp.After(s.lastTime.Add(reorderMargin)) {
			return n, nil
		}
	}
}

// FrameWriter writes frames to a pcapng as they come, one interface per
// link type: an incident's window while it is still open.
type FrameWriter struct{ e evidenceWriter }

// NewFrameWriter writes to w; app names the writer in the section header.
func NewFrameWriter(w io.Writer, app string) *FrameWriter {
	return &FrameWriter{e: evidenceWriter{w: w, ev: Evidence{App: app}, ifaces: map[layers.LinkType]int{}}}
}

// Write adds one frame.
func (f *FrameWriter) Write(ci gopacket.CaptureInfo, lt layers.LinkType, data []byte) error {
	return f.e.write(lt, ci, data, nil)
}

// Flush writes what is buffered; a writer that got no frame writes a
// valid empty pcapng.
func (f *FrameWriter) Flush() error {
	if f.e.ng == nil {
		if err := f.e.start(layers.LinkTypeEthernet); err != nil {
			return err
		}
	}
	return f.e.ng.Flush()
}

// RedactCopy copies every frame of the capture file name to w as pcapng,
// redacted as r asks: a live capture's packets are written as they come,
// before the report knows which addresses to hide.
func RedactCopy(w io.Writer, name string, r Redaction) error {
	f, err := Open(name, nil)
	if err != nil {
		return err
	}
	defer f.Close()
	e := &evidenceWriter{w: w, ev: Evidence{Redact: r, Comment: "Captured by slbdiag; client addresses and server names replaced by the report's stand-ins."}, ifaces: map[layers.LinkType]int{}}
	for {
		data, ci, err := f.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := e.write(f.LinkType(), ci, data, nil); err != nil {
			return err
		}
	}
	if e.ng == nil {
		if err := e.start(layers.LinkTypeEthernet); err != nil {
			return err
		}
	}
	return e.ng.Flush()
}
