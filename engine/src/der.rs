//! What a key is, read from its DER with RustCrypto's types (spki, pkcs8,
//! sec1), and an RSA public key built from a JWK's numbers (pkcs1).
//!
//! The crypto library parses the keys; this module reads only the algorithm
//! identifier, so that a key of the wrong kind or curve is reported as such
//! ("ES384 needs a P-384 key, this one is on P-256") instead of as an opaque
//! parse failure.

use der::asn1::{ObjectIdentifier, UintRef};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierRef;

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

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const OID_X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");

fn curve_from_oid(oid: ObjectIdentifier) -> Option<Curve> {
    match oid {
        OID_P256 => Some(Curve::P256),
        OID_P384 => Some(Curve::P384),
        OID_P521 => Some(Curve::P521),
        OID_SECP256K1 => Some(Curve::Secp256k1),
        _ => None,
    }
}

fn algorithm_kind(algorithm: &AlgorithmIdentifierRef<'_>) -> KeyKind {
    match algorithm.oid {
        OID_RSA => KeyKind::Rsa,
        OID_RSA_PSS => KeyKind::RsaPss,
        OID_EC_PUBLIC_KEY => KeyKind::Ec(algorithm.parameters_oid().ok().and_then(curve_from_oid)),
        OID_ED25519 => KeyKind::Ed25519,
        OID_ED448 => KeyKind::Ed448,
        OID_X25519 => KeyKind::X25519,
        _ => KeyKind::Unknown,
    }
}

/// The kind of a PKCS#8 PrivateKeyInfo.
pub fn pkcs8_kind(der: &[u8]) -> KeyKind {
    pkcs8::PrivateKeyInfo::from_der(der)
        .map_or(KeyKind::Unknown, |info| algorithm_kind(&info.algorithm))
}

/// The kind of a SubjectPublicKeyInfo.
pub fn spki_kind(der: &[u8]) -> KeyKind {
    spki::SubjectPublicKeyInfoRef::from_der(der)
        .map_or(KeyKind::Unknown, |info| algorithm_kind(&info.algorithm))
}

/// The public key bits of a SubjectPublicKeyInfo (an EC point, Ed25519's
/// 32 bytes, an RSAPublicKey's DER).
pub fn spki_public_bits(der: &[u8]) -> Option<&[u8]> {
    spki::SubjectPublicKeyInfoRef::from_der(der)
        .ok()?
        .subject_public_key
        .as_bytes()
}

/// n and e of an RSAPublicKey (RFC 8017) DER, big-endian without leading zeros.
pub fn rsa_public_numbers(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let key = pkcs1::RsaPublicKey::from_der(der).ok()?;
    Some((
        key.modulus.as_bytes().to_vec(),
        key.public_exponent.as_bytes().to_vec(),
    ))
}

/// The curve of a SEC 1 ECPrivateKey; None when it cannot be read or names
/// no curve.
pub fn sec1_curve(der: &[u8]) -> Option<KeyKind> {
    let key = sec1::EcPrivateKey::from_der(der).ok()?;
    let curve = key.parameters?.named_curve()?;
    Some(KeyKind::Ec(curve_from_oid(curve)))
}

/// DER of an RSAPublicKey (RFC 8017) built from big-endian n and e, as JWKs
/// carry them (leading zeros dropped, a sign byte added where needed).
pub fn rsa_public_key_der(modulus: &[u8], exponent: &[u8]) -> Option<Vec<u8>> {
    let key = pkcs1::RsaPublicKey {
        modulus: UintRef::new(modulus).ok()?,
        public_exponent: UintRef::new(exponent).ok()?,
    };
    key.to_der().ok()
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

    fn der_of(pem: &str) -> Vec<u8> {
        crate::pem::parse(pem.as_bytes()).unwrap().der
    }

    #[test]
    fn kinds_and_curves_are_read() {
        use crate::keys::test_keys::*;
        assert_eq!(spki_kind(&spki_p256()), KeyKind::Ec(Some(Curve::P256)));
        assert_eq!(spki_kind(&der_of(RSA_SPKI_PUBLIC)), KeyKind::Rsa);
        assert_eq!(spki_kind(&der_of(ED25519_PUBLIC)), KeyKind::Ed25519);
        assert_eq!(pkcs8_kind(&der_of(RSA_PKCS8_PRIVATE)), KeyKind::Rsa);
        assert_eq!(pkcs8_kind(&der_of(ED25519_PRIVATE)), KeyKind::Ed25519);
        assert_eq!(pkcs8_kind(&der_of(ED448_PRIVATE)), KeyKind::Ed448);
        assert_eq!(
            pkcs8_kind(&der_of(P256_PKCS8_PRIVATE)),
            KeyKind::Ec(Some(Curve::P256))
        );
        assert_eq!(
            sec1_curve(&der_of(P521_SEC1_PRIVATE)),
            Some(KeyKind::Ec(Some(Curve::P521)))
        );
        assert_eq!(
            sec1_curve(&der_of(SECP256K1_SEC1_PRIVATE)),
            Some(KeyKind::Ec(Some(Curve::Secp256k1)))
        );
        assert_eq!(spki_kind(&der_of(RSA_PKCS1_PUBLIC)), KeyKind::Unknown);
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
        let der = rsa_public_key_der(&[0x00, 0x80], &[0x01, 0x00, 0x01]).unwrap();
        assert_eq!(
            der,
            vec![0x30, 0x09, 0x02, 0x02, 0x00, 0x80, 0x02, 0x03, 0x01, 0x00, 0x01]
        );
        let long = rsa_public_key_der(&[0x7f; 300], &[0x03]).unwrap();
        assert_eq!(&long[..4], &[0x30, 0x82, 0x01, 0x33]);
    }
}
