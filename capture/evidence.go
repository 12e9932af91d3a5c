package capture

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Pick is one frame to copy into an evidence file: its input (an index
// into the names given to WriteEvidence), its 1-based frame number there,
// and the comments that say what it shows.
type Pick struct {
	File     int
	Frame    int
	Comments []string
}

// WriteEvidence copies the picked frames from the named capture files into
// one pcapng written to w, each with its comments as pcapng packet
// comments (Wireshark shows them in the packet details and with
// frame.comment). Frames keep their timestamps; frames of several files
// are written file by file, in frame order. The files are read again, so
// they must be files, not stdin. app names the writer in the section
// header (shb_userappl, Wireshark's Capture File Properties), version
// included, so the file says which build chose its packets.
func WriteEvidence(w io.Writer, names []string, picks []Pick, app string) (int, error) {
	picks = slices.Clone(picks)
	slices.SortFunc(picks, func(a, b Pick) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Frame, b.Frame))
	})
	// One packet per frame, with the comments of every pick of it.
	merged := picks[:0]
	for _, p := range picks {
		if n := len(merged); n > 0 && merged[n-1].File == p.File && merged[n-1].Frame == p.Frame {
			merged[n-1].Comments = append(slices.Clip(merged[n-1].Comments), p.Comments...)
			continue
		}
		merged = append(merged, p)
	}
	picks = merged
	var ng *pcapgo.NgWriter
	ifaces := map[layers.LinkType]int{}
	written := 0
	for file := range names {
		var want []Pick
		for _, p := range picks {
			if p.File == file {
				want = append(want, p)
			}
		}
		if len(want) == 0 {
			continue
		}
		f, err := Open(names[file], nil)
		if err != nil {
			return written, err
		}
		n, err := copyPicks(f, want, func(lt layers.LinkType, ci gopacket.CaptureInfo, data []byte, comments []string) error {
			if ng == nil {
				intf := pcapgo.NgInterface{Name: lt.String(), LinkType: lt, TimestampResolution: 9}
				if ng, err = pcapgo.NewNgWriterInterface(w, intf, pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
					Application: app, Comment: "The packets behind slbdiag's findings; each packet's comment says what it shows."}}); err != nil {
					return err
				}
				ifaces[lt] = 0
			}
			id, ok := ifaces[lt]
			if !ok {
				if id, err = ng.AddInterface(pcapgo.NgInterface{Name: lt.String(), LinkType: lt, TimestampResolution: 9}); err != nil {
					return err
				}
				ifaces[lt] = id
			}
			ci.InterfaceIndex = id
			ci.AncillaryData = nil
			return ng.WritePacketWithOptions(ci, data, pcapgo.NgPacketOptions{Comments: comments})
		})
		f.Close()
		written += n
		if err != nil {
			return written, err
		}
	}
	if ng == nil {
		return 0, nil
	}
	return written, ng.Flush()
}

// copyPicks reads f to the last wanted frame and hands each wanted one to
// emit. Damage after the last wanted frame does not matter; damage before
// it means the file changed since it was analysed.
func copyPicks(f *File, want []Pick, emit func(layers.LinkType, gopacket.CaptureInfo, []byte, []string) error) (int, error) {
	n, frame := 0, 0
	for _, p := range want {
		for frame < p.Frame {
			data, ci, err := f.ZeroCopyReadPacketData()
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = fmt.Errorf("%s has no frame %d: it ends after frame %d", f.Name, p.Frame, frame)
				}
				return n, err
			}
			frame++
			if frame != p.Frame {
				continue
			}
			lt := f.LinkType()
			if err := emit(lt, ci, data, p.Comments); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
