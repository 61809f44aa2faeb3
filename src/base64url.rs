//! base64url as JWS uses it.
//!
//! Encoding never pads. Decoding follows PyJWT 2.x: the alphabet is strict,
//! up to two trailing `=` are tolerated when they make a multiple of four,
//! and the encoding must be canonical (no stray bits in the last symbol), so
//! one value has exactly one accepted spelling.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Decodes one segment, or returns None when it is not canonical base64url.
pub fn decode(segment: &[u8]) -> Option<Vec<u8>> {
    let mut body = segment;
    let mut padding = 0;
    while let [rest @ .., b'='] = body {
        body = rest;
        padding += 1;
    }
    if padding > 2 || (padding > 0 && segment.len() % 4 != 0) {
        return None;
    }
    // URL_SAFE_NO_PAD refuses '=' inside, characters outside the alphabet,
    // impossible lengths and non-zero trailing bits.
    URL_SAFE_NO_PAD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"\xff\xfe\x00"] {
            assert_eq!(decode(encode(data).as_bytes()).as_deref(), Some(data));
        }
    }

    #[test]
    fn padding_is_tolerated_only_when_well_formed() {
        assert_eq!(decode(b"Zg==").as_deref(), Some(&b"f"[..]));
        assert_eq!(decode(b"Zm8=").as_deref(), Some(&b"fo"[..]));
        assert_eq!(decode(b"Zg="), None);
        assert_eq!(decode(b"Zg==="), None);
        assert_eq!(decode(b"Zm9v===="), None);
    }

    #[test]
    fn standard_alphabet_and_junk_are_refused() {
        assert_eq!(decode(b"+/+/"), None);
        assert_eq!(decode(b"ab!d"), None);
        assert_eq!(decode(b"ab d"), None);
        assert_eq!(decode(b"ab.d"), None);
    }

    #[test]
    fn non_canonical_trailing_bits_are_refused() {
        // "Zh" decodes to the same byte as "Zg" in lax decoders.
        assert_eq!(decode(b"Zg").as_deref(), Some(&b"f"[..]));
        assert_eq!(decode(b"Zh"), None);
        assert_eq!(decode(b"A"), None);
    }
}
