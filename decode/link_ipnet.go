package decode

// Solaris ipnet: a 24-byte header.
var _ = registerLink(226, "IPNET", func(b []byte) (inner, bool) { return byVersion(after(b, 24), EncapNone) })
