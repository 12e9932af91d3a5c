package analyze

import (
	"reflect"
	"testing"

	"github.com/slbdiag/slbdiag/decode"
)

// TestPacketIsTheDecodersAndNoMore: for every frame of the bundled
// captures, the tracker's packet holds exactly what decode gives for it,
// and nothing the previous frame's payload left in the fields
// settlePayload fills.
func TestPacketIsTheDecodersAndNoMore(t *testing.T) {
	d, ref := newDecoder(), decode.New()
	frames := 0
	for _, path := range bundledCaptures(t) {
		for lt, all := range readFrames(t, path) {
			for _, data := range all {
				p := packet{payloadLen: 9, hello: true, sni: "stale", alert: true, alertDesc: 112}
				ip := d.decode(lt, data, &p)
				var want decode.Packet
				wantIP := ref.Decode(lt, data, &want)
				frames++
				if ip != wantIP || !reflect.DeepEqual(p.Packet, want) {
					t.Fatalf("%s frame %d: packet %+v (ip %v), decode gives %+v (ip %v)", path, frames, p.Packet, ip, want, wantIP)
				}
				if p.payloadLen != 0 || p.hello || p.sni != "" || p.alert || p.alertDesc != 0 {
					t.Fatalf("%s frame %d: the last frame's payload summary stays: %+v", path, frames, p)
				}
			}
		}
	}
	if frames == 0 {
		t.Fatal("no frames")
	}
}
