package hostfacts

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Windows prints its command outputs in the system's language. The parsers
// key on structure (columns, "label : value" lines, section headers) and
// recognise labels and values from these sets, English and Chinese (zh-CN).
var (
	lblWeakSend    = []string{"Weak Host Sends", "弱主机发送"}
	lblWeakRecv    = []string{"Weak Host Receives", "弱主机接收"}
	lblIfIndex     = []string{"IfIndex", "接口索引"}
	lblDescription = []string{"Description", "描述"}
	lblSubnetMask  = []string{"Subnet Mask", "子网掩码"}
	lblCertHash    = []string{"Certificate Hash", "证书哈希"}
	lblState       = []string{"State", "状态"}
	lblGateway     = []string{"Default Gateway", "默认网关"}
	lblMediaState  = []string{"Media State", "媒体状态"}

	valEnabled  = []string{"enabled", "已启用", "启用", "on", "true", "yes", "是"}
	valDisabled = []string{"disabled", "已禁用", "禁用", "off", "false", "no", "否"}
)

// setting reads an on/off value in either language.
func setting(v string) Setting {
	v = strings.TrimSpace(v)
	switch {
	case oneOf(v, valEnabled):
		return Enabled
	case oneOf(v, valDisabled):
		return Disabled
	}
	return Unknown
}

// oneOf reports whether s is one of set, ignoring case.
func oneOf(s string, set []string) bool {
	for _, x := range set {
		if equalFold(s, x) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// splitKV splits a "label : value" line. netsh pads the label with spaces,
// ipconfig with " . . ."; labels such as "IP:port" hold a colon of their
// own, so the separator is a colon with a space (or the line's end) after
// it that follows the label's padding. Chinese Windows sometimes prints a
// full-width colon.
func splitKV(line string) (label, value string, ok bool) {
	s := strings.TrimSpace(line)
	for i, r := range s {
		if r != ':' && r != '：' {
			continue
		}
		rest := s[i+len(string(r)):]
		if rest != "" && !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, "\t") {
			continue // a colon inside the label or the value: "IP:port", "0.0.0.0:443"
		}
		label = strings.TrimRightFunc(s[:i], func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
		return label, strings.TrimSpace(rest), label != ""
	}
	return "", "", false
}

// lines splits text into lines without their line ends (CRLF from
// Windows, a lone CR from old consoles).
func lines(text string) []string {
	text = strings.TrimPrefix(text, "\ufeff") // PowerShell's Out-File writes a BOM
	ls := strings.Split(text, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, "\r")
	}
	return ls
}

// isDashes reports whether a line is a rule of dashes (and spaces).
func isDashes(l string) bool {
	l = strings.TrimSpace(l)
	return l != "" && strings.Trim(l, "- ") == ""
}

// isPseudoLoopback recognises the software loopback interface that holds
// 127.0.0.1 on Windows ("Loopback Pseudo-Interface 1"): it cannot take a VIP
// from the network.
func isPseudoLoopback(name string) bool {
	return strings.HasPrefix(name, "Loopback Pseudo-Interface") || strings.HasPrefix(name, "环回伪接口")
}

// adapterKind tells, from a Windows interface's friendly name and
// ipconfig's description, whether it is a loopback adapter that can hold
// a VIP (the Microsoft KM-TEST Loopback Adapter, or Microsoft Loopback
// Adapter before Server 2012, in any language, whatever it was renamed
// to) or a software interface no packet from the network reaches (the
// Loopback Pseudo-Interface; the Npcap Loopback Adapter, which older
// Npcap built from a KM-TEST adapter it renamed). Without a description
// the name is the only hint: people name the adapter after what it is.
func adapterKind(name, desc string) (loopback, software bool) {
	n, d := strings.ToLower(name), strings.ToLower(desc)
	if isPseudoLoopback(name) || strings.Contains(n, "npcap") || strings.Contains(d, "npcap") ||
		strings.Contains(d, "software loopback") || strings.Contains(d, "pseudo-interface") {
		return false, true
	}
	if desc != "" {
		return strings.Contains(d, "km-test") ||
			(strings.Contains(d, "microsoft") && (strings.Contains(d, "loopback adapter") || strings.Contains(d, "环回适配器"))), false
	}
	return strings.Contains(n, "loopback") || strings.Contains(n, "环回"), false
}

// isDown recognises a disconnected interface: netsh's state column or
// ipconfig's media state, in either language.
func isDown(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return strings.Contains(v, "disconnected") || strings.Contains(v, "断开")
}

// knownKV reads "LABEL VALUE" where LABEL is one of set, whatever
// separates them (spaces, dots, a colon with or without spaces, a
// full-width colon): Chinese labels throw netsh's alignment off, and a
// console copy may squeeze the padding.
func knownKV(line string, set []string) (string, bool) {
	s := strings.TrimSpace(line)
	for _, lbl := range set {
		if len(s) > len(lbl) && strings.EqualFold(s[:len(lbl)], lbl) {
			rest := strings.TrimLeft(s[len(lbl):], " .\t")
			if r, ok := strings.CutPrefix(rest, ":"); ok {
				return strings.TrimSpace(r), true
			}
			if r, ok := strings.CutPrefix(rest, "："); ok {
				return strings.TrimSpace(r), true
			}
		}
	}
	return "", false
}

// displayWidth is how many console columns l takes: East Asian wide
// characters take two.
func displayWidth(l string) int {
	n := 0
	for _, r := range l {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
