// Package decode turns captured frames of every link type slbdiag reads,
// through every tunnel and mirror framing it unwraps, into the fields
// analysis needs and a layout of every IP and transport header at every
// depth, which redaction and evidence selection walk.
//
// Each link type and each tunnel is one file that registers itself.
package decode
