package report

import (
	"fmt"
	"strings"
)

// allCompleted is the OK verdict's sentence: "all" only where there are
// more than two to speak of.
func allCompleted(judged int, l Lang) string {
	switch judged {
	case 1:
		return l.tr("the 1 judged handshake completed.", "已判定的 1 次握手已完成。")
	case 2:
		return l.tr("both judged handshakes completed.", "已判定的 2 次握手全部完成。")
	}
	return l.tr(fmt.Sprintf("all %d judged handshakes completed.", judged),
		fmt.Sprintf("已判定的 %d 次握手全部完成。", judged))
}

// fixHeading introduces a fix's steps: "Fix for Linux: the VIP on lo".
// A title is "who: what"; when the who starts with an article ("The
// load balancer") it is lowered, since it no longer opens a sentence.
func fixHeading(title string, l Lang) string {
	if l == Chinese {
		return "修复方案：" + title
	}
	if rest, ok := strings.CutPrefix(title, "The "); ok {
		title = "the " + rest
	}
	return "Fix for " + title
}
