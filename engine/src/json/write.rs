//! The pieces of JSON writing that need no Python: strings escaped as
//! `json.dumps(..., ensure_ascii=True)` escapes them, and integers.
//!
//! The binding layer walks Python values and writes them with these; a
//! float is written from Python's own `repr` there, so its digits are
//! exactly `json.dumps`'s.

/// Lowercase hex digits, as `json.dumps` writes `\uXXXX` escapes.
pub const HEX: &[u8; 16] = b"0123456789abcdef";

/// Bytes `json.dumps(..., ensure_ascii=True)` does not copy as they are:
/// control characters, `"`, `\\`, DEL and everything outside ASCII.
// Built at compile time: an index out of range fails the build, never panics.
#[allow(clippy::indexing_slicing)]
const NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b == b'"' as usize || b == b'\\' as usize || b >= 0x7f;
        b += 1;
    }
    table
};

fn needs_escape(b: u8) -> bool {
    NEEDS_ESCAPE.get(usize::from(b)).copied().unwrap_or(true)
}

fn hex_digit(nibble: u16) -> u8 {
    HEX.get(usize::from(nibble & 0xf)).copied().unwrap_or(b'0')
}

/// A JSON string as `json.dumps(..., ensure_ascii=True)` writes it.
pub fn write_str(text: &str, out: &mut Vec<u8>) {
    out.reserve(text.len().saturating_add(2));
    out.push(b'"');
    let mut rest = text;
    while let Some(at) = rest.bytes().position(needs_escape) {
        let (plain, tail) = rest.split_at(at);
        out.extend_from_slice(plain.as_bytes());
        let mut chars = tail.chars();
        let Some(ch) = chars.next() else { break };
        rest = chars.as_str();
        let short = match ch {
            '"' => Some(b'"'),
            '\\' => Some(b'\\'),
            '\n' => Some(b'n'),
            '\r' => Some(b'r'),
            '\t' => Some(b't'),
            '\u{8}' => Some(b'b'),
            '\u{c}' => Some(b'f'),
            _ => None,
        };
        if let Some(letter) = short {
            out.push(b'\\');
            out.push(letter);
            continue;
        }
        let mut units = [0u16; 2];
        for unit in ch.encode_utf16(&mut units).iter() {
            out.extend_from_slice(b"\\u");
            for shift in [12, 8, 4, 0] {
                out.push(hex_digit(unit >> shift));
            }
        }
    }
    out.extend_from_slice(rest.as_bytes());
    out.push(b'"');
}

/// An integer, as `json.dumps` writes one that fits in 64 bits.
pub fn write_i64(value: i64, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// `NaN`, `Infinity` and `-Infinity` as Python spells them; None for a
/// finite float, whose digits the caller takes from Python's `repr`.
pub fn non_finite(value: f64) -> Option<&'static [u8]> {
    if value.is_nan() {
        Some(b"NaN")
    } else if value == f64::INFINITY {
        Some(b"Infinity")
    } else if value == f64::NEG_INFINITY {
        Some(b"-Infinity")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        write_str(text, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_like_ensure_ascii() {
        assert_eq!(escaped("plain"), r#""plain""#);
        assert_eq!(escaped("q\"b\\"), r#""q\"b\\""#);
        assert_eq!(escaped("\n\r\t\u{8}\u{c}"), r#""\n\r\t\b\f""#);
        assert_eq!(escaped("\u{1}\u{1f}\u{7f}"), r#""\u0001\u001f\u007f""#);
        assert_eq!(escaped("caf\u{e9}"), r#""caf\u00e9""#);
        assert_eq!(escaped("\u{20ac}x"), r#""\u20acx""#);
        assert_eq!(escaped("\u{1f600}"), r#""\ud83d\ude00""#);
        assert_eq!(escaped("/"), r#""/""#);
    }

    #[test]
    fn numbers() {
        let mut out = Vec::new();
        write_i64(i64::MIN, &mut out);
        assert_eq!(out, b"-9223372036854775808");
        assert_eq!(non_finite(f64::NAN), Some(&b"NaN"[..]));
        assert_eq!(non_finite(f64::NEG_INFINITY), Some(&b"-Infinity"[..]));
        assert_eq!(non_finite(1.5), None);
    }
}
