//! Just enough DER to tell what a key is, and to build an RSA public key
//! from a JWK's numbers.
//!
//! The crypto library parses the keys; this module reads only the algorithm
//! identifier, so that a key of the wrong kind or curve is reported as such
//! ("ES384 needs a P-384 key, this one is on P-256") instead of as an opaque
//! parse failure.

use crate::algorithms::Curve;

/// What an algorithm identifier or key structure says the key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Rsa,
    RsaPss,
    /// An EC key; None when the curve is not one we know.
    Ec(Option<Curve>),
    Ed25519,
    Ed448,
    X25519,
    Unknown,
}

impl KeyKind {
    pub fn describe(self) -> String {
        match self {
            KeyKind::Rsa => "an RSA key".into(),
            KeyKind::RsaPss => "an RSASSA-PSS-only RSA key".into(),
            KeyKind::Ec(Some(curve)) => format!("an EC key on {}", curve.name()),
            KeyKind::Ec(None) => "an EC key on an unsupported curve".into(),
            KeyKind::Ed25519 => "an Ed25519 key".into(),
            KeyKind::Ed448 => "an Ed448 key".into(),
            KeyKind::X25519 => "an X25519 key-agreement key".into(),
            KeyKind::Unknown => "a key of an unknown type".into(),
        }
    }
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_SECP256K1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x0a];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];
const OID_X25519: &[u8] = &[0x2b, 0x65, 0x6e];

const TAG_INTEGER: u8 = 0x02;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;
const TAG_CONTEXT_0: u8 = 0xa0;

/// One DER element: its tag, its contents, and what follows it.
fn read_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first_len, mut rest) = rest.split_first()?;
    let len = if first_len < 0x80 {
        usize::from(first_len)
    } else {
        let count = usize::from(first_len & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (len_bytes, after) = rest.split_at_checked(count)?;
        rest = after;
        len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    let (contents, after) = rest.split_at_checked(len)?;
    Some((tag, contents, after))
}

fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    match read_element(input)? {
        (found, contents, rest) if found == tag => Some((contents, rest)),
        _ => None,
    }
}

fn curve_from_oid(oid: &[u8]) -> Option<Curve> {
    match oid {
        OID_P256 => Some(Curve::P256),
        OID_P384 => Some(Curve::P384),
        OID_P521 => Some(Curve::P521),
        OID_SECP256K1 => Some(Curve::Secp256k1),
        _ => None,
    }
}

/// Reads an AlgorithmIdentifier: SEQUENCE { OID, parameters }.
fn algorithm_identifier(contents: &[u8]) -> KeyKind {
    let Some((oid, params)) = expect(contents, TAG_OID) else {
        return KeyKind::Unknown;
    };
    match oid {
        OID_RSA => KeyKind::Rsa,
        OID_RSA_PSS => KeyKind::RsaPss,
        OID_EC_PUBLIC_KEY => {
            KeyKind::Ec(expect(params, TAG_OID).and_then(|(curve, _)| curve_from_oid(curve)))
        }
        OID_ED25519 => KeyKind::Ed25519,
        OID_ED448 => KeyKind::Ed448,
        OID_X25519 => KeyKind::X25519,
        _ => KeyKind::Unknown,
    }
}

/// PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING, ... }.
pub fn pkcs8_kind(der: &[u8]) -> KeyKind {
    let kind = || {
        let (info, _) = expect(der, TAG_SEQUENCE)?;
        let (_, rest) = expect(info, TAG_INTEGER)?;
        let (alg, _) = expect(rest, TAG_SEQUENCE)?;
        Some(algorithm_identifier(alg))
    };
    kind().unwrap_or(KeyKind::Unknown)
}

/// SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }.
pub fn spki_kind(der: &[u8]) -> KeyKind {
    let kind = || {
        let (info, _) = expect(der, TAG_SEQUENCE)?;
        let (alg, _) = expect(info, TAG_SEQUENCE)?;
        Some(algorithm_identifier(alg))
    };
    kind().unwrap_or(KeyKind::Unknown)
}

/// SEC 1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING, [0] OID curve, ... }.
/// Returns None when the curve parameter is absent.
pub fn sec1_curve(der: &[u8]) -> Option<KeyKind> {
    let (key, _) = expect(der, TAG_SEQUENCE)?;
    let (_, rest) = expect(key, TAG_INTEGER)?;
    let (_, rest) = expect(rest, TAG_OCTET_STRING)?;
    let (params, _) = expect(rest, TAG_CONTEXT_0)?;
    let (oid, _) = expect(params, TAG_OID)?;
    Some(KeyKind::Ec(curve_from_oid(oid)))
}

/// DER of an RSAPublicKey (RFC 8017) built from big-endian n and e, as JWKs
/// carry them.
pub fn rsa_public_key_der(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(modulus.len() + exponent.len() + 16);
    write_unsigned_integer(modulus, &mut body);
    write_unsigned_integer(exponent, &mut body);
    let mut der = Vec::with_capacity(body.len() + 4);
    write_header(TAG_SEQUENCE, body.len(), &mut der);
    der.extend_from_slice(&body);
    der
}

fn write_unsigned_integer(value: &[u8], out: &mut Vec<u8>) {
    let first = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    let trimmed = value.get(first..).unwrap_or_default();
    let needs_zero = trimmed.first().is_none_or(|&b| b & 0x80 != 0);
    write_header(TAG_INTEGER, trimmed.len() + usize::from(needs_zero), out);
    if needs_zero {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
}

fn write_header(tag: u8, len: usize, out: &mut Vec<u8>) {
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A P-256 public key (SubjectPublicKeyInfo).
    const SPKI_P256: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsVfnOBS2B8T0lXyTPrbE0/zAvIK/\
rJx/eaWtwdlAFhJhg7k5Hwt9Er5sl0oC+lGqc5Nv2YnCN4CQFdFkwhUjcg==";

    fn spki_p256() -> Vec<u8> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(SPKI_P256)
            .unwrap()
    }

    #[test]
    fn spki_names_the_curve() {
        assert_eq!(spki_kind(&spki_p256()), KeyKind::Ec(Some(Curve::P256)));
    }

    #[test]
    fn truncated_der_is_unknown_not_a_panic() {
        let der = spki_p256();
        for cut in 0..der.len() {
            let _ = spki_kind(&der[..cut]);
            let _ = pkcs8_kind(&der[..cut]);
            let _ = sec1_curve(&der[..cut]);
        }
        assert_eq!(
            spki_kind(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            KeyKind::Unknown
        );
    }

    #[test]
    fn rsa_public_key_der_is_minimal() {
        // n = 0x00 0x80 (leading zero dropped, sign byte added), e = 65537.
        let der = rsa_public_key_der(&[0x00, 0x80], &[0x01, 0x00, 0x01]);
        assert_eq!(
            der,
            vec![0x30, 0x09, 0x02, 0x02, 0x00, 0x80, 0x02, 0x03, 0x01, 0x00, 0x01]
        );
        let long = rsa_public_key_der(&[0x7f; 300], &[0x03]);
        assert_eq!(&long[..4], &[0x30, 0x82, 0x01, 0x33]);
    }
}
