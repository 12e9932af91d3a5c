package capture

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/slbdiag/slbdiag/decode"
	"github.com/slbdiag/slbdiag/etl"
)

// ErrNotETL means an .etl was expected and the file is another capture.
var ErrNotETL = errors.New("not an .etl trace")

// ConvertETL writes the frames of an .etl file as a pcapng: the frames
// analyze numbers, in its order, so a report's frame numbers open the same
// packets in Wireshark. Each component (pktmon) or interface index (netsh)
// with each link type gets its own interface block, named and described as
// the trace does; each packet carries its direction and a comment with the
// path it took (component, edge, direction) and where the OS dropped it,
// and why. 802.11 frames whose payload is plaintext have their Protected
// bit cleared, so Wireshark decodes them. Packets and the addresses of
// interface blocks are redacted as red says. It returns the frames
// written; damage stops it with the frames before it written and a
// *ReadError.
func ConvertETL(w io.Writer, f *File, app string, red Redaction) (int, error) {
	e, ok := f.rd.(*etlReader)
	if !ok {
		return 0, fmt.Errorf("%s: %w", f.Name, ErrNotETL)
	}
	if err := e.load(); err != nil {
		return 0, &ReadError{Name: f.Name, Err: err}
	}
	c := &etlConverter{trace: e.rd.Trace(), ifaces: map[ifaceKey]int{}, red: red, dec: decode.New()}
	n := 0
	var damage error
	for {
		fr, err := e.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			damage = &ReadError{Name: f.Name, Frames: n, Offset: f.damageOffset(err), Gzip: f.Gzip, Err: err}
			break
		}
		if err := c.write(w, app, fr); err != nil {
			return n, err
		}
		n++
	}
	if c.ng == nil {
		if err := c.start(w, app, ifaceKey{}, pcapgo.NgInterface{Name: "none", LinkType: layers.LinkTypeEthernet}); err != nil {
			return 0, err
		}
	}
	if err := c.ng.Flush(); err != nil {
		return n, err
	}
	return n, damage
}

// ifaceKey is one interface block: a component or an interface index, and
// a link type.
type ifaceKey struct {
	component uint16
	ifIndex   uint32
	lt        layers.LinkType
}

type etlConverter struct {
	trace  *etl.Trace
	ng     *pcapgo.NgWriter
	ifaces map[ifaceKey]int
	red    Redaction
	dec    *decode.Decoder
}

func (c *etlConverter) start(w io.Writer, app string, k ifaceKey, intf pcapgo.NgInterface) error {
	var err error
	c.ng, err = pcapgo.NewNgWriterInterface(w, intf, pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Application: app, OS: fmt.Sprintf("Windows build %d", c.trace.Header.OSBuild)}})
	c.ifaces[k] = 0
	return err
}

func (c *etlConverter) write(w io.Writer, app string, fr *etl.Frame) error {
	data, lt := fr.Data, etlLinkType(fr.Content, fr)
	if p, ok := fr.Plaintext80211(); ok {
		data = p
	}
	if !c.red.empty() {
		data = append([]byte(nil), data...)
		c.red.redact(c.dec, lt, data)
	}
	best := fr.Copies[fr.Best]
	k := ifaceKey{component: best.Component, ifIndex: fr.IfIndex, lt: lt}
	id, ok := c.ifaces[k]
	if !ok {
		intf := c.iface(k)
		if c.ng == nil {
			if err := c.start(w, app, k, intf); err != nil {
				return err
			}
		} else {
			var err error
			if id, err = c.ng.AddInterface(intf); err != nil {
				return err
			}
			c.ifaces[k] = id
		}
	}
	ci := gopacket.CaptureInfo{Timestamp: fr.Time, CaptureLength: len(data), Length: max(fr.Length, len(data)), InterfaceIndex: id}
	flags := pcapgo.NgEpbFlags{Direction: epbDirection(fr.Dir)}
	return c.ng.WritePacketWithOptions(ci, data, pcapgo.NgPacketOptions{Flags: &flags, Comments: []string{c.comment(fr)}})
}

func epbDirection(d etl.Direction) pcapgo.NgEpbFlag {
	switch d {
	case etl.DirIn:
		return pcapgo.NgEpbFlagDirectionInbound
	case etl.DirOut:
		return pcapgo.NgEpbFlagDirectionOutbound
	}
	return pcapgo.NgEpbFlagDirectionUnknown
}

// iface describes an interface block from what the trace says of the
// component: name, description, index, MAC and addresses.
func (c *etlConverter) iface(k ifaceKey) pcapgo.NgInterface {
	intf := pcapgo.NgInterface{LinkType: k.lt, TimestampResolution: 6, OS: "Windows"}
	comp := c.trace.Components[k.component]
	switch {
	case comp != nil:
		intf.Name = fmt.Sprintf("%d %s", comp.ID, printable(comp.Name))
		intf.Description = printable(comp.Description)
		var facts []string
		if comp.IfIndex != 0 {
			facts = append(facts, fmt.Sprintf("ifIndex %d", comp.IfIndex))
		}
		if len(comp.MAC) > 0 {
			facts = append(facts, "MAC "+net.HardwareAddr(comp.MAC).String())
		}
		for _, a := range comp.Addresses {
			if s, ok := c.red.standIn(a); ok {
				a = s
			}
			facts = append(facts, a.String())
		}
		intf.Comment = strings.Join(facts, ", ")
	case k.ifIndex != 0:
		intf.Name = fmt.Sprintf("ifIndex %d", k.ifIndex)
	default:
		intf.Name = fmt.Sprintf("component %d", k.component)
	}
	if k.lt != layers.LinkTypeEthernet {
		intf.Name += " (" + k.lt.String() + ")"
	}
	return intf
}

// comment says the path a packet took and where it was dropped.
func (c *etlConverter) comment(fr *etl.Frame) string {
	var path []string
	for _, cp := range fr.Copies {
		if cp.Component == 0 && fr.IfIndex != 0 {
			path = append(path, fmt.Sprintf("ifIndex %d %s", fr.IfIndex, cp.Dir))
			continue
		}
		path = append(path, fmt.Sprintf("%s edge %d %s", componentName(c.trace, cp.Component), cp.Edge, cp.Dir))
	}
	s := "seen at " + strings.Join(path, "; ")
	if d, ok := fr.Drop(); ok {
		s += fmt.Sprintf("; dropped at %s: %s, location %#x", componentName(c.trace, d.Component), dropReason(c.trace, d.DropReason), d.DropLocation)
	}
	return s
}

// dropReason is a DropReason with its name from the trace's value map.
func dropReason(t *etl.Trace, v uint32) string {
	s := fmt.Sprintf("reason %d", v)
	if name, ok := t.MapName("DropReason", v); ok {
		s += " (" + printable(name) + ")"
	}
	return s
}
