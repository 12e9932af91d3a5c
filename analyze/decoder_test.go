package analyze

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/slbdiag/slbdiag/decode"
)

// TestPacketTakesEveryField: every field the decoder fills reaches the
// tracker's packet, with its value, for every frame of the bundled
// captures; a field added to decode.Packet and not copied fails here.
func TestPacketTakesEveryField(t *testing.T) {
	names := map[string]string{"IPID": "ipID", "IPLen": "ipLen", "TTL": "ttl", "TSval": "tsval", "ARPIP": "arpIP", "ARPMAC": "arpMAC",
		"HasMAC": "hasMAC", "SrcMAC": "srcMAC", "DstMAC": "dstMAC", "IsTCP": "isTCP", "IsARP": "isARP", "IsICMPErr": "isICMPErr",
		"SumChecked": "sumChecked", "SumBad": "sumBad"}
	ft := reflect.TypeFor[decode.Packet]()
	pt := reflect.TypeFor[packet]()
	field := func(name string) string {
		if n, ok := names[name]; ok {
			return n
		}
		return strings.ToLower(name[:1]) + name[1:]
	}
	for i := range ft.NumField() {
		if _, ok := pt.FieldByName(field(ft.Field(i).Name)); !ok {
			t.Fatalf("packet has no field for decode.Packet.%s", ft.Field(i).Name)
		}
	}
	d := newDecoder()
	frames := 0
	for _, path := range bundledCaptures(t) {
		for lt, all := range readFrames(t, path) {
			for _, data := range all {
				var p packet
				d.decode(lt, data, &p)
				frames++
				fv, pv := reflect.ValueOf(d.f), reflect.ValueOf(&p).Elem()
				for i := range ft.NumField() {
					// The tracker's fields are unexported: read them through
					// their address.
					pf := pv.FieldByName(field(ft.Field(i).Name))
					want, got := fv.Field(i).Interface(), reflect.NewAt(pf.Type(), unsafe.Pointer(pf.UnsafeAddr())).Elem().Interface()
					if !reflect.DeepEqual(want, got) {
						t.Fatalf("%s: %s is %s, the tracker's packet has %s", path, ft.Field(i).Name, want, got)
					}
				}
			}
		}
	}
	if frames == 0 {
		t.Fatal("no frames")
	}
}
