package decode

// OpenBSD's IPsec enc device: a 12-byte header.
var _ = registerLink(109, "ENC", func(b []byte) (inner, bool) { return byVersion(after(b, 12), EncapNone) })
