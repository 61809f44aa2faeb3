//! base64url as JWS uses it (RFC 7515 section 2): the URL-safe alphabet,
//! no padding.
//!
//! Decoding is strict, so one value has exactly one accepted spelling: `=`
//! anywhere, characters outside the alphabet, impossible lengths and stray
//! bits in the last symbol are refused.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Decodes one segment, or returns None when it is not canonical unpadded
/// base64url.
pub fn decode(segment: &[u8]) -> Option<Vec<u8>> {
    // URL_SAFE_NO_PAD requires the absence of padding and refuses
    // non-zero trailing bits.
    URL_SAFE_NO_PAD.decode(segment).ok()
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
    fn padding_is_refused() {
        assert_eq!(decode(b"Zg").as_deref(), Some(&b"f"[..]));
        assert_eq!(decode(b"Zm8").as_deref(), Some(&b"fo"[..]));
        for padded in [
            &b"Zg=="[..],
            b"Zm8=",
            b"Zg=",
            b"Zg===",
            b"Zm9v====",
            b"=",
            b"Z=g",
        ] {
            assert_eq!(decode(padded), None, "{padded:?}");
        }
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
        assert_eq!(decode(b"Zh"), None);
        assert_eq!(decode(b"A"), None);
    }
}
