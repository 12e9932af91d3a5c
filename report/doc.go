// Package report formats an analyze.Result for people (terminal text) and
// for programs (JSON, JSON Lines). No analysis happens here.
package report
