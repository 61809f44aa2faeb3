//! The compact JWS form: `base64url(header).base64url(payload).base64url(signature)`.
//!
//! Parsing checks structure and headers the way PyJWT 2.x does, minus what
//! simplejwt never uses: a `crit` header or an unencoded (`b64: false`)
//! payload makes the token invalid.

use crate::algorithms::Algorithm;
use crate::base64url;
use crate::error::{Error, Result};
use crate::json::{self, ParseError, Value};

/// Longer tokens are refused before any decoding. Real tokens are a few
/// hundred bytes; this leaves room for tokens carrying large custom claims
/// while bounding the work an attacker can ask for.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

pub struct Compact<'a> {
    /// `header.payload` as it appeared in the token: what was signed.
    pub signing_input: &'a [u8],
    pub alg: AlgHeader,
    pub kid: Option<String>,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

/// The header's `alg` as far as the allow-list cares.
#[derive(Debug, PartialEq, Eq)]
pub enum AlgHeader {
    Missing,
    Named(String),
    /// Present but not a string.
    Other,
    /// The header is byte for byte the one this engine writes.
    Own(Algorithm),
}

impl Compact<'_> {
    /// The algorithm is pinned by configuration; the header must name it.
    pub fn check_algorithm(&self, expected: Algorithm) -> Result<()> {
        match &self.alg {
            AlgHeader::Named(name) if name == expected.name() => Ok(()),
            AlgHeader::Own(alg) if *alg == expected => Ok(()),
            AlgHeader::Missing => Err(Error::Algorithm("no alg header")),
            _ => Err(Error::Algorithm(
                "alg header differs from the configured algorithm",
            )),
        }
    }
}

/// Splits and decodes a token. `own_header` is the header segment the
/// caller's engine writes: a token carrying exactly that segment (almost
/// every token the engine sees) skips decoding and parsing its header.
pub fn parse<'a>(token: &'a [u8], own_header: Option<(&[u8], Algorithm)>) -> Result<Compact<'a>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::TooLarge);
    }
    let mut segments = token.splitn(4, |&b| b == b'.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(Error::Malformed("a token has three dot-separated segments"));
    };
    let signing_input = token
        .get(..header_b64.len() + 1 + payload_b64.len())
        .ok_or(Error::Malformed("a token has three dot-separated segments"))?;
    let (alg, kid) = match own_header {
        Some((own, alg)) if own == header_b64 => (AlgHeader::Own(alg), None),
        _ => parse_header(header_b64)?,
    };

    let payload =
        base64url::decode(payload_b64).ok_or(Error::Malformed("payload is not base64url"))?;
    let signature =
        base64url::decode(signature_b64).ok_or(Error::Malformed("signature is not base64url"))?;
    Ok(Compact {
        signing_input,
        alg,
        kid,
        payload,
        signature,
    })
}

fn parse_header(header_b64: &[u8]) -> Result<(AlgHeader, Option<String>)> {
    let header_json =
        base64url::decode(header_b64).ok_or(Error::Malformed("header is not base64url"))?;
    let header = json::parse(&header_json).map_err(|err| match err {
        ParseError::TooDeep => Error::Malformed("header nests too deeply"),
        _ => Error::Malformed("header is not JSON"),
    })?;
    if !matches!(header, Value::Object(_)) {
        return Err(Error::Malformed("header is not a JSON object"));
    }
    if header.get("b64") == Some(&Value::Bool(false)) {
        return Err(Error::Malformed(
            "unencoded (b64=false) payloads are not supported",
        ));
    }
    if header.get("crit").is_some() {
        return Err(Error::Malformed(
            "critical header extensions are not supported",
        ));
    }
    let kid = match header.get("kid") {
        None => None,
        Some(value) => Some(
            value
                .as_str()
                .ok_or(Error::Malformed("kid header must be a string"))?
                .to_owned(),
        ),
    };
    let alg = match header.get("alg") {
        None => AlgHeader::Missing,
        Some(value) => value
            .as_str()
            .map_or(AlgHeader::Other, |name| AlgHeader::Named(name.to_owned())),
    };
    Ok((alg, kid))
}

/// `base64url(header).base64url(payload)`, ready to be signed, with room
/// for `extra` more bytes (the signature the caller appends).
pub fn signing_input(header_b64: &str, payload_json: &[u8], extra: usize) -> String {
    let encoded_len = payload_json.len().div_ceil(3) * 4;
    let mut out = String::with_capacity(header_b64.len() + 1 + encoded_len + extra);
    out.push_str(header_b64);
    out.push('.');
    base64url::encode_into(payload_json, &mut out);
    out
}

/// The header PyJWT writes: keys sorted, so `alg` comes before `typ`.
pub fn header_b64(alg: Algorithm) -> String {
    base64url::encode(format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.name()).as_bytes())
}

/// The header PyJWT writes given `headers={"kid": kid}`: keys sorted
/// (`alg`, `kid`, `typ`), the id escaped as `json.dumps` escapes it.
pub fn header_json_with_kid(alg: Algorithm, kid: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(40 + kid.len());
    out.extend_from_slice(br#"{"alg":""#);
    out.extend_from_slice(alg.name().as_bytes());
    out.extend_from_slice(br#"","kid":"#);
    json::write::write_str(kid, &mut out);
    out.extend_from_slice(br#","typ":"JWT"}"#);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.c2ln",
            base64url::encode(header.as_bytes()),
            base64url::encode(payload.as_bytes())
        )
    }

    #[test]
    fn header_matches_pyjwt() {
        assert_eq!(
            header_b64(Algorithm::HS256),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        );
    }

    #[test]
    fn kid_header_matches_pyjwt() {
        // jwt.encode(..., headers={"kid": "k1\u00e9\""}) writes this header.
        assert_eq!(
            header_json_with_kid(Algorithm::RS256, "k1\u{e9}\""),
            br#"{"alg":"RS256","kid":"k1\u00e9\"","typ":"JWT"}"#
        );
    }

    #[test]
    fn parses_segments_and_headers() {
        let raw = token(r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#, r#"{"a":1}"#);
        let compact = parse(raw.as_bytes(), None).unwrap();
        assert_eq!(compact.alg, AlgHeader::Named("HS256".into()));
        assert_eq!(compact.kid.as_deref(), Some("k1"));
        assert_eq!(compact.payload, br#"{"a":1}"#);
        assert_eq!(compact.signature, b"sig");
        assert!(raw.as_bytes().starts_with(compact.signing_input));
        assert!(compact.check_algorithm(Algorithm::HS256).is_ok());
        assert_eq!(
            compact
                .check_algorithm(Algorithm::RS256)
                .unwrap_err()
                .kind(),
            "algorithm"
        );
    }

    #[test]
    fn algorithm_header_must_name_the_configured_algorithm() {
        for header in [
            r#"{"typ":"JWT"}"#,
            r#"{"alg":"none"}"#,
            r#"{"alg":null}"#,
            r#"{"alg":["HS256"]}"#,
            r#"{"alg":"hs256"}"#,
        ] {
            let raw = token(header, "{}");
            let compact = parse(raw.as_bytes(), None).unwrap();
            assert_eq!(
                compact.check_algorithm(Algorithm::HS256),
                Err(Error::Algorithm(match compact.alg {
                    AlgHeader::Missing => "no alg header",
                    _ => "alg header differs from the configured algorithm",
                }))
            );
        }
    }

    #[test]
    fn own_header_skips_parsing_but_not_checks() {
        let own = header_b64(Algorithm::HS256);
        let raw = format!("{own}.e30.c2ln");
        let compact = parse(raw.as_bytes(), Some((own.as_bytes(), Algorithm::HS256))).unwrap();
        assert_eq!(compact.alg, AlgHeader::Own(Algorithm::HS256));
        assert!(compact.check_algorithm(Algorithm::HS256).is_ok());
        assert!(compact.check_algorithm(Algorithm::HS384).is_err());
        // Any other header, even one meaning the same, takes the full path.
        let other = base64url::encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let raw = format!("{other}.e30.c2ln");
        let compact = parse(raw.as_bytes(), Some((own.as_bytes(), Algorithm::HS256))).unwrap();
        assert_eq!(compact.alg, AlgHeader::Named("HS256".into()));
        // The payload and signature are still checked.
        let raw = format!("{own}.e30.c2l");
        assert!(parse(raw.as_bytes(), Some((own.as_bytes(), Algorithm::HS256))).is_err());
    }

    #[test]
    fn structure_is_enforced() {
        for bad in [
            "",
            "a",
            "a.b",
            "a.b.c.d",
            "..",
            "e30.e30.!!",
            "e30.e30.c2ln=",
        ] {
            assert_eq!(
                parse(bad.as_bytes(), None).err().map(|e| e.kind()),
                Some("invalid"),
                "{bad}"
            );
        }
        for header in [
            r#"[1]"#,
            r#""x""#,
            r#"{"alg":"HS256","crit":["exp"]}"#,
            r#"{"alg":"HS256","b64":false}"#,
            r#"{"kid":5}"#,
            "{",
        ] {
            assert!(
                parse(token(header, "{}").as_bytes(), None).is_err(),
                "{header}"
            );
        }
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(parse(long.as_bytes(), None).err(), Some(Error::TooLarge));
    }
}
