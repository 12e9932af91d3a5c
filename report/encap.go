package report

import (
	"fmt"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// maxEncapSources is how many outer sources a sentence names before it
// counts the rest.
const maxEncapSources = 3

// encapGroup is one input's frames of one encapsulation, all sources.
type encapGroup struct {
	file    int
	kind    string
	mirror  bool
	frames  int
	mac     bool
	sources []analyze.Encapsulation // those with an outer source, in order of first appearance
}

// encapGroups gathers the encapsulations by input and kind, in order of
// first appearance.
func encapGroups(r *analyze.Result) []*encapGroup {
	var out []*encapGroup
	index := map[[2]string]*encapGroup{}
	for _, e := range r.Encapsulations {
		k := [2]string{fmt.Sprint(e.File), e.Kind}
		g := index[k]
		if g == nil {
			g = &encapGroup{file: e.File, kind: e.Kind, mirror: e.Mirror}
			index[k] = g
			out = append(out, g)
		}
		g.frames += e.Frames
		g.mac = g.mac || e.InnerEthernet
		if e.Outer.IsValid() {
			g.sources = append(g.sources, e)
		}
	}
	return out
}

// encapTexts say which tunnels or mirror framings each input's packets
// were unwrapped from, and from where: "mirrored via ERSPAN II from
// 10.1.1.1", and whether their MACs can be judged.
func encapTexts(r *analyze.Result, l Lang) []string {
	var out []string
	for _, g := range encapGroups(r) {
		out = append(out, g.text(r, l))
	}
	return out
}

func (g *encapGroup) text(r *analyze.Result, l Lang) string {
	name := fileName(r, g.file)
	var from, fromZh string
	if len(g.sources) > 0 {
		var en, zh []string
		for i, s := range g.sources {
			if i == maxEncapSources {
				en = append(en, fmt.Sprintf("%d more", len(g.sources)-i))
				zh = append(zh, fmt.Sprintf("另外 %d 个地址", len(g.sources)-i))
				break
			}
			en = append(en, fmt.Sprintf("%s (%s)", s.Outer, count(s.Frames, "frame")))
			zh = append(zh, fmt.Sprintf("%s（%d 帧）", s.Outer, s.Frames))
		}
		from = " from " + strings.Join(en, ", ")
		fromZh = "，来自 " + strings.Join(zh, "、")
	}
	how, howZh := "came inside "+g.kind, "封装在 "+g.kind+" 中"
	if g.mirror {
		verb := "were"
		if g.frames == 1 {
			verb = "was"
		}
		how, howZh = verb+" mirrored via "+g.kind, "是经 "+g.kind+" 镜像来的"
	}
	mac, macZh := " The packets inside carry their own Ethernet headers: the MACs judged are theirs.",
		"内层包带有自己的以太网头：判断所用的 MAC 地址是内层的。"
	if !g.mac {
		mac, macZh = " The packets inside carry no Ethernet header: which MAC they were delivered to cannot be judged.",
			"内层包没有以太网头：无法判断它们被送到了哪个 MAC 地址。"
	}
	return l.tr(fmt.Sprintf("In %s, %s %s%s; slbdiag read the packets inside.%s", name, count(g.frames, "frame"), how, from, mac),
		fmt.Sprintf("%s 中有 %d 帧%s%s；slbdiag 分析的是内层的包。%s", name, g.frames, howZh, fromZh, macZh))
}

type jsonEncap struct {
	File          string `json:"file"`
	Kind          string `json:"kind"`
	Outer         string `json:"outer_src,omitempty"`
	Mirror        bool   `json:"mirror"`
	Frames        int    `json:"frames"`
	InnerEthernet bool   `json:"inner_ethernet"`
}

// jsonEncaps lists every input, kind and outer source apart, for tools.
func jsonEncaps(r *analyze.Result) []jsonEncap {
	var out []jsonEncap
	for _, e := range r.Encapsulations {
		je := jsonEncap{File: fileName(r, e.File), Kind: e.Kind, Mirror: e.Mirror, Frames: e.Frames, InnerEthernet: e.InnerEthernet}
		if e.Outer.IsValid() {
			je.Outer = e.Outer.String()
		}
		out = append(out, je)
	}
	return out
}
