package report

import (
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
)

// encapText says which tunnel or mirror framing an input's packets were
// unwrapped from, and from where: "mirrored via ERSPAN II from 10.1.1.1".
func encapText(r *analyze.Result, e analyze.Encapsulation, l Lang) string {
	name := fileName(r, e.File)
	from, fromZh := "", ""
	if e.Outer.IsValid() {
		from, fromZh = " from "+e.Outer.String(), "（来自 "+e.Outer.String()+"）"
	}
	how, howZh := "came inside "+e.Kind, "封装在 "+e.Kind+" 中"
	if e.Mirror {
		how, howZh = "were mirrored via "+e.Kind, "是经 "+e.Kind+" 镜像来的"
	}
	mac, macZh := " The packets inside carry their own Ethernet headers: the MACs judged are theirs.",
		" 内层包带有自己的以太网头：判断所用的 MAC 地址是内层的。"
	if !e.InnerEthernet {
		mac, macZh = " The packets inside carry no Ethernet header: which MAC they were delivered to cannot be judged.",
			" 内层包没有以太网头：无法判断它们被送到了哪个 MAC 地址。"
	}
	return l.tr(fmt.Sprintf("In %s, %s %s%s; slbdiag read the packets inside.%s", name, count(e.Frames, "frame"), how, from, mac),
		fmt.Sprintf("%s 中有 %d 帧%s%s；slbdiag 分析的是内层的包。%s", name, e.Frames, howZh, fromZh, macZh))
}

type jsonEncap struct {
	File          string `json:"file"`
	Kind          string `json:"kind"`
	Outer         string `json:"outer_src,omitempty"`
	Mirror        bool   `json:"mirror"`
	Frames        int    `json:"frames"`
	InnerEthernet bool   `json:"inner_ethernet"`
	Text          string `json:"text"`
}

func jsonEncaps(r *analyze.Result, l Lang) []jsonEncap {
	var out []jsonEncap
	for _, e := range r.Encapsulations {
		je := jsonEncap{File: fileName(r, e.File), Kind: e.Kind, Mirror: e.Mirror, Frames: e.Frames, InnerEthernet: e.InnerEthernet,
			Text: encapText(r, e, l)}
		if e.Outer.IsValid() {
			je.Outer = e.Outer.String()
		}
		out = append(out, je)
	}
	return out
}
