// Package depgraph holds no code: its test is the module's import graph,
// every edge between the module's packages allowed once, in one list.
package depgraph
