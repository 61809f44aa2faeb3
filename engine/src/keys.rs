//! Signing and verifying keys, parsed once and kept.
//!
//! The algorithm is fixed before any key is read: a key is parsed for that
//! algorithm and must be of its kind (an HMAC secret for HS*, RSA for RS* and
//! PS*, EC on the algorithm's curve for ES*, Ed25519 for EdDSA). Nothing about
//! the key is ever taken from a token.

use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair, ParsedPublicKey,
    RsaEncoding, RsaKeyPair, VerificationAlgorithm,
};

use crate::algorithms::{Algorithm, Curve, Family};
use crate::der::{self, KeyKind};
use crate::error::{Error, Result};
use crate::pem::{self, Pem, PemError};

/// RSA keys below this size are refused, for signing and for verifying.
pub const MIN_RSA_BITS: u32 = 2048;
/// The largest RSA key aws-lc verifies with (`RSA_*_2048_8192_*`): a larger
/// one is refused when parsed, naming its size, rather than failing every
/// signature check later.
pub const MAX_RSA_BITS: u32 = 8192;

pub enum SigningKey {
    // Boxed: an HMAC key holds precomputed hash states and is large.
    Hmac(Box<hmac::Key>),
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

pub enum VerifyingKey {
    Hmac(Box<hmac::Key>),
    Public(ParsedPublicKey),
}

impl SigningKey {
    /// Parses the signing key for `alg`: a secret for HS*, a PEM private key
    /// otherwise.
    pub fn parse(alg: Algorithm, material: &[u8]) -> Result<SigningKey> {
        if alg.is_symmetric() {
            return Ok(SigningKey::Hmac(hmac_key(alg, material)?));
        }
        let pem = parse_pem(alg, material)?;
        if is_public_label(&pem.label) {
            return Err(Error::Key(format!(
                "{} signing needs a private key, but the key given is a public key",
                alg.name()
            )));
        }
        private_key(alg, &pem)
    }

    pub fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>> {
        match self {
            SigningKey::Hmac(key) => Ok(hmac::sign(key, message).as_ref().to_vec()),
            SigningKey::Rsa(key) => {
                let mut signature = vec![0; key.public_modulus_len()];
                key.sign(
                    rsa_encoding(alg)?,
                    &SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .map_err(|_| Error::Crypto("RSA signing failed"))?;
                Ok(signature)
            }
            SigningKey::Ec(key) => key
                .sign(&SystemRandom::new(), message)
                .map(|signature| signature.as_ref().to_vec())
                .map_err(|_| Error::Crypto("ECDSA signing failed")),
            SigningKey::Ed25519(key) => Ok(key.sign(message).as_ref().to_vec()),
        }
    }

    /// The public half, for verifying with a private key when no separate
    /// verifying key is configured.
    pub fn verifying_key(&self, alg: Algorithm) -> Result<VerifyingKey> {
        let public = |bytes: &[u8]| {
            ParsedPublicKey::new(verification_algorithm(alg)?, bytes)
                .map(VerifyingKey::Public)
                .map_err(|rejected| key_rejected(alg, rejected.description_()))
        };
        match self {
            SigningKey::Hmac(key) => Ok(VerifyingKey::Hmac(key.clone())),
            SigningKey::Rsa(key) => {
                let bits = key.public_modulus_len().saturating_mul(8);
                check_rsa_bits(alg, u32::try_from(bits).unwrap_or(u32::MAX))?;
                public(key.public_key().as_ref())
            }
            SigningKey::Ec(key) => public(key.public_key().as_ref()),
            SigningKey::Ed25519(key) => public(key.public_key().as_ref()),
        }
    }

    pub fn is_asymmetric(&self) -> bool {
        !matches!(self, SigningKey::Hmac(_))
    }
}

impl VerifyingKey {
    /// Parses a verifying key for `alg`: a secret for HS*; for the others a
    /// PEM public key, or a PEM private key whose public half is used.
    pub fn parse(alg: Algorithm, material: &[u8]) -> Result<VerifyingKey> {
        if alg.is_symmetric() {
            return Ok(VerifyingKey::Hmac(hmac_key(alg, material)?));
        }
        let pem = parse_pem(alg, material)?;
        if !is_public_label(&pem.label) {
            return private_key(alg, &pem)?.verifying_key(alg);
        }
        let kind = if pem.label == "RSA PUBLIC KEY" {
            KeyKind::Rsa
        } else {
            der::spki_kind(&pem.der)
        };
        check_kind(alg, kind)?;
        if matches!(kind, KeyKind::Rsa) {
            check_rsa_size(alg, &pem.der)?;
        }
        Self::from_public_bytes(alg, &pem.der)
    }

    /// A public key in any encoding the crypto library reads for `alg`
    /// (SPKI or RFC 8017 DER for RSA, SPKI or an uncompressed point for EC,
    /// SPKI or 32 raw bytes for Ed25519).
    pub fn from_public_bytes(alg: Algorithm, bytes: &[u8]) -> Result<VerifyingKey> {
        ParsedPublicKey::new(verification_algorithm(alg)?, bytes)
            .map(VerifyingKey::Public)
            .map_err(|rejected| key_rejected(alg, rejected.description_()))
    }

    /// An HMAC secret taken as is (JWK `oct` keys arrive already decoded).
    pub fn hmac(alg: Algorithm, secret: &[u8]) -> Result<VerifyingKey> {
        Ok(VerifyingKey::Hmac(hmac_key(alg, secret)?))
    }

    /// Constant-time for HMAC; the asymmetric checks are in aws-lc.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            VerifyingKey::Hmac(key) => hmac::verify(key, message, signature).is_ok(),
            VerifyingKey::Public(key) => key.verify_sig(message, signature).is_ok(),
        }
    }

    pub fn is_asymmetric(&self) -> bool {
        !matches!(self, VerifyingKey::Hmac(_))
    }
}

/// The public numbers of an asymmetric key, to publish it as a JWK.
#[derive(Debug, PartialEq, Eq)]
pub enum PublicNumbers {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        curve: Curve,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    Ed25519(Vec<u8>),
}

/// The public numbers of `material` (a PEM private or public key) for
/// `alg`. HMAC secrets have none: they are never published.
pub fn public_numbers(alg: Algorithm, material: &[u8]) -> Result<PublicNumbers> {
    if alg.is_symmetric() {
        return Err(Error::Key(format!(
            "{} keys are secrets and have no public form",
            alg.name()
        )));
    }
    // Every check a verifying key gets (kind, curve, RSA size).
    VerifyingKey::parse(alg, material)?;
    let pem = parse_pem(alg, material)?;
    let unreadable = || Error::Key(format!("the {} public key cannot be read", alg.name()));
    if is_public_label(&pem.label) {
        let bits = if pem.label == "RSA PUBLIC KEY" {
            pem.der.as_slice()
        } else {
            der::spki_public_bits(&pem.der).ok_or_else(unreadable)?
        };
        return match alg.family() {
            Family::Rsa | Family::RsaPss => {
                let (n, e) = der::rsa_public_numbers(bits).ok_or_else(unreadable)?;
                Ok(PublicNumbers::Rsa { n, e })
            }
            Family::Ec(curve) => ec_numbers(curve, bits),
            Family::Ed25519 => Ok(PublicNumbers::Ed25519(bits.to_vec())),
            Family::Hmac => Err(unreadable()),
        };
    }
    match (private_key(alg, &pem)?, alg.family()) {
        (SigningKey::Rsa(pair), _) => {
            let public = pair.public_key();
            Ok(PublicNumbers::Rsa {
                n: public.modulus().big_endian_without_leading_zero().to_vec(),
                e: public.exponent().big_endian_without_leading_zero().to_vec(),
            })
        }
        (SigningKey::Ec(pair), Family::Ec(curve)) => ec_numbers(curve, pair.public_key().as_ref()),
        (SigningKey::Ed25519(pair), _) => {
            Ok(PublicNumbers::Ed25519(pair.public_key().as_ref().to_vec()))
        }
        _ => Err(unreadable()),
    }
}

/// A new private key for `alg`, as PKCS#8 PEM text (RSA keys of 2048
/// bits). HMAC secrets are not keys of this kind: the caller makes those.
pub fn generate_private_pem(alg: Algorithm) -> Result<String> {
    use aws_lc_rs::encoding::AsDer;
    let failed = || Error::Crypto("key generation failed");
    let der: Vec<u8> = match alg.family() {
        Family::Rsa | Family::RsaPss => {
            let pair =
                RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).map_err(|_| failed())?;
            let der = pair.as_der().map_err(|_| failed())?;
            der.as_ref().to_vec()
        }
        Family::Ec(curve) => EcdsaKeyPair::generate(ecdsa_signing(curve))
            .and_then(|pair| pair.to_pkcs8v1())
            .map_err(|_| failed())?
            .as_ref()
            .to_vec(),
        Family::Ed25519 => Ed25519KeyPair::generate()
            .and_then(|pair| pair.to_pkcs8v1())
            .map_err(|_| failed())?
            .as_ref()
            .to_vec(),
        Family::Hmac => {
            return Err(Error::Key(format!(
                "{} takes a random secret, not a key pair",
                alg.name()
            )))
        }
    };
    let block = ::pem::Pem::new("PRIVATE KEY", der);
    Ok(::pem::encode_config(
        &block,
        ::pem::EncodeConfig::new().set_line_ending(::pem::LineEnding::LF),
    ))
}

fn ec_numbers(curve: Curve, point: &[u8]) -> Result<PublicNumbers> {
    let size = curve.coordinate_len();
    match point.split_first() {
        Some((0x04, rest)) if rest.len() == 2 * size => {
            let (x, y) = rest.split_at(size);
            Ok(PublicNumbers::Ec {
                curve,
                x: x.to_vec(),
                y: y.to_vec(),
            })
        }
        _ => Err(Error::Key(
            "the EC public key is not an uncompressed point".to_owned(),
        )),
    }
}

fn hmac_key(alg: Algorithm, secret: &[u8]) -> Result<Box<hmac::Key>> {
    if secret.is_empty() {
        return Err(Error::Key(format!(
            "{} needs a non-empty secret key (SIGNING_KEY)",
            alg.name()
        )));
    }
    if pem::looks_like_pem(secret) || looks_like_ssh_key(secret) {
        // An asymmetric key used as an HMAC secret is the classic algorithm
        // confusion: whoever knows the public key could sign tokens.
        return Err(Error::Key(format!(
            "{} needs a secret key, but the key given is an asymmetric key in PEM or SSH form",
            alg.name()
        )));
    }
    let algorithm = match alg {
        Algorithm::HS256 => hmac::HMAC_SHA256,
        Algorithm::HS384 => hmac::HMAC_SHA384,
        Algorithm::HS512 => hmac::HMAC_SHA512,
        _ => {
            return Err(Error::Key(format!(
                "{} is not an HMAC algorithm",
                alg.name()
            )))
        }
    };
    Ok(Box::new(hmac::Key::new(algorithm, secret)))
}

fn looks_like_ssh_key(secret: &[u8]) -> bool {
    const PREFIXES: [&[u8]; 6] = [
        b"ssh-rsa",
        b"ssh-dss",
        b"ssh-ed25519",
        b"ecdsa-sha2-",
        b"sk-ecdsa-sha2-",
        b"sk-ssh-ed25519",
    ];
    PREFIXES.iter().any(|prefix| secret.starts_with(prefix))
}

fn parse_pem(alg: Algorithm, material: &[u8]) -> Result<Pem> {
    if material.is_empty() {
        return Err(Error::Key(format!(
            "{} needs a PEM-encoded key, but the key is empty",
            alg.name()
        )));
    }
    pem::parse(material).map_err(|err| {
        Error::Key(match err {
            PemError::NotPem if looks_like_ssh_key(material) => format!(
                "{}: SSH public keys are not supported; convert the key to PEM (ssh-keygen -e -m PKCS8)",
                alg.name()
            ),
            PemError::NotPem => format!(
                "{} needs a PEM-encoded key (-----BEGIN ...-----), but the key given is not PEM",
                alg.name()
            ),
            PemError::BadBody => format!("Could not deserialize key data: the PEM body of the {} key is not base64", alg.name()),
            PemError::Encrypted => format!(
                "{}: encrypted (passphrase-protected) PEM keys are not supported",
                alg.name()
            ),
        })
    })
}

fn is_public_label(label: &str) -> bool {
    label == "PUBLIC KEY" || label == "RSA PUBLIC KEY"
}

fn private_key(alg: Algorithm, pem: &Pem) -> Result<SigningKey> {
    let kind = match pem.label.as_str() {
        "RSA PRIVATE KEY" => KeyKind::Rsa,
        "PRIVATE KEY" => der::pkcs8_kind(&pem.der),
        "EC PRIVATE KEY" => der::sec1_curve(&pem.der).unwrap_or(KeyKind::Ec(None)),
        "ENCRYPTED PRIVATE KEY" => {
            return Err(Error::Key(format!(
                "{}: encrypted (passphrase-protected) PEM keys are not supported",
                alg.name()
            )))
        }
        other => {
            return Err(Error::Key(format!(
                "{} needs a private or public key, but the PEM block is a '{other}'",
                alg.name()
            )))
        }
    };
    check_kind(alg, kind)?;
    let rejected = |err: aws_lc_rs::error::KeyRejected| key_rejected(alg, err.description_());
    match (alg.family(), pem.label.as_str()) {
        (Family::Rsa | Family::RsaPss, "RSA PRIVATE KEY") => RsaKeyPair::from_der(&pem.der)
            .map(SigningKey::Rsa)
            .map_err(rejected),
        (Family::Rsa | Family::RsaPss, _) => RsaKeyPair::from_pkcs8(&pem.der)
            .map(SigningKey::Rsa)
            .map_err(rejected),
        (Family::Ec(curve), _) => {
            EcdsaKeyPair::from_private_key_der(ecdsa_signing(curve), &pem.der)
                .map(SigningKey::Ec)
                .map_err(rejected)
        }
        (Family::Ed25519, _) => Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pem.der)
            .map(SigningKey::Ed25519)
            .map_err(rejected),
        (Family::Hmac, _) => Err(Error::Key(format!(
            "{} takes a secret, not a PEM key",
            alg.name()
        ))),
    }
}

/// Refuses a key whose kind or curve does not fit the algorithm, naming both.
fn check_kind(alg: Algorithm, kind: KeyKind) -> Result<()> {
    let fits = match alg.family() {
        Family::Rsa | Family::RsaPss => kind == KeyKind::Rsa,
        Family::Ec(curve) => kind == KeyKind::Ec(Some(curve)),
        Family::Ed25519 => kind == KeyKind::Ed25519,
        Family::Hmac => false,
    };
    if fits {
        return Ok(());
    }
    let wanted = match alg.family() {
        Family::Rsa | Family::RsaPss => "an RSA key".to_owned(),
        Family::Ec(curve) => format!("an EC key on {}", curve.name()),
        Family::Ed25519 => "an Ed25519 key".to_owned(),
        Family::Hmac => "a secret".to_owned(),
    };
    Err(Error::Key(format!(
        "{} needs {wanted}, but the key given is {}",
        alg.name(),
        kind.describe()
    )))
}

fn check_rsa_size(alg: Algorithm, der: &[u8]) -> Result<()> {
    // The verification parameters below refuse small keys too, but with a
    // less helpful message; this says what is wrong.
    let public = signature::RsaSubjectPublicKey::from_der(der)
        .map_err(|rejected| key_rejected(alg, rejected.description_()))?;
    let bits = signature::RsaParameters::public_modulus_len(public.as_ref()).unwrap_or(0);
    check_rsa_bits(alg, bits)
}

/// Refuses an RSA modulus of `bits` outside what the engine signs and
/// verifies with, naming the size.
pub fn check_rsa_bits(alg: Algorithm, bits: u32) -> Result<()> {
    if bits < MIN_RSA_BITS {
        return Err(Error::Key(format!(
            "{} needs an RSA key of at least {MIN_RSA_BITS} bits, but the key given has {bits}",
            alg.name()
        )));
    }
    if bits > MAX_RSA_BITS {
        return Err(Error::Key(format!(
            "{} verifies with RSA keys of at most {MAX_RSA_BITS} bits, but the key given has {bits}",
            alg.name()
        )));
    }
    Ok(())
}

fn key_rejected(alg: Algorithm, why: &str) -> Error {
    let hint = match why {
        "TooSmall" => format!("RSA keys must have at least {MIN_RSA_BITS} bits"),
        "WrongAlgorithm" => "the key is not of the kind the algorithm needs".to_owned(),
        "InvalidEncoding" => "the key data is malformed".to_owned(),
        other => other.to_owned(),
    };
    Error::Key(format!(
        "Could not deserialize key data for {}: {hint}",
        alg.name()
    ))
}

fn ecdsa_signing(curve: Curve) -> &'static EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        Curve::P521 => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
        Curve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED_SIGNING,
    }
}

fn rsa_encoding(alg: Algorithm) -> Result<&'static dyn RsaEncoding> {
    Ok(match alg {
        Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
        Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
        Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
        Algorithm::PS256 => &signature::RSA_PSS_SHA256,
        Algorithm::PS384 => &signature::RSA_PSS_SHA384,
        Algorithm::PS512 => &signature::RSA_PSS_SHA512,
        _ => {
            return Err(Error::Key(format!(
                "{} is not an RSA algorithm",
                alg.name()
            )))
        }
    })
}

fn verification_algorithm(alg: Algorithm) -> Result<&'static dyn VerificationAlgorithm> {
    Ok(match alg {
        Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
        Algorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
        Algorithm::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
        Algorithm::ES512 => &signature::ECDSA_P521_SHA512_FIXED,
        Algorithm::ES256K => &signature::ECDSA_P256K1_SHA256_FIXED,
        Algorithm::EdDSA => &signature::ED25519,
        _ => return Err(Error::Key(format!("{} has no public key", alg.name()))),
    })
}

#[cfg(test)]
pub(crate) mod test_keys {
    //! Keys generated for these tests only (openssl 3, never used elsewhere).
    include!("../../tests/keys/keys.rs.inc");
}

#[cfg(test)]
mod tests {
    use super::test_keys::*;
    use super::*;

    #[test]
    fn generated_keys_sign_and_verify() {
        for alg in &crate::algorithms::ALL {
            if alg.is_symmetric() {
                assert!(generate_private_pem(*alg).is_err());
                continue;
            }
            let pem = generate_private_pem(*alg).unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{alg:?}");
            let signer = SigningKey::parse(*alg, pem.as_bytes()).unwrap();
            let verifier = VerifyingKey::parse(*alg, pem.as_bytes()).unwrap();
            let signature = signer.sign(*alg, b"m").unwrap();
            assert!(verifier.verify(b"m", &signature), "{alg:?}");
            assert_ne!(pem, generate_private_pem(*alg).unwrap());
        }
    }

    fn sign_then_verify(alg: Algorithm, private: &str, public: &str) {
        let signer = SigningKey::parse(alg, private.as_bytes()).unwrap();
        let verifier = VerifyingKey::parse(alg, public.as_bytes()).unwrap();
        let signature = signer.sign(alg, b"header.payload").unwrap();
        assert!(verifier.verify(b"header.payload", &signature), "{alg:?}");
        assert!(!verifier.verify(b"header.payload!", &signature), "{alg:?}");
        let derived = signer.verifying_key(alg).unwrap();
        assert!(derived.verify(b"header.payload", &signature), "{alg:?}");
    }

    #[test]
    fn every_asymmetric_algorithm_signs_and_verifies() {
        for alg in [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512] {
            sign_then_verify(alg, RSA_PKCS1_PRIVATE, RSA_SPKI_PUBLIC);
            sign_then_verify(alg, RSA_PKCS8_PRIVATE, RSA_PKCS1_PUBLIC);
        }
        for alg in [Algorithm::PS256, Algorithm::PS384, Algorithm::PS512] {
            sign_then_verify(alg, RSA_PKCS8_PRIVATE, RSA_SPKI_PUBLIC);
        }
        sign_then_verify(Algorithm::ES256, P256_SEC1_PRIVATE, P256_PUBLIC);
        sign_then_verify(Algorithm::ES256, P256_PKCS8_PRIVATE, P256_PUBLIC);
        sign_then_verify(Algorithm::ES384, P384_SEC1_PRIVATE, P384_PUBLIC);
        sign_then_verify(Algorithm::ES512, P521_SEC1_PRIVATE, P521_PUBLIC);
        sign_then_verify(Algorithm::ES256K, SECP256K1_SEC1_PRIVATE, SECP256K1_PUBLIC);
        sign_then_verify(Algorithm::EdDSA, ED25519_PRIVATE, ED25519_PUBLIC);
    }

    #[test]
    fn hmac_signatures_are_checked() {
        let key = SigningKey::parse(Algorithm::HS256, b"secret").unwrap();
        let signature = key.sign(Algorithm::HS256, b"message").unwrap();
        assert_eq!(signature.len(), 32);
        let verifier = VerifyingKey::parse(Algorithm::HS256, b"secret").unwrap();
        assert!(verifier.verify(b"message", &signature));
        assert!(!verifier.verify(b"message", &signature[..31]));
        let other = VerifyingKey::parse(Algorithm::HS256, b"Secret").unwrap();
        assert!(!other.verify(b"message", &signature));
    }

    fn key_error(result: Result<impl Sized>) -> String {
        match result {
            Err(Error::Key(message)) => message,
            Err(other) => panic!("expected a key error, got {other:?}"),
            Ok(_) => panic!("expected a key error, got a key"),
        }
    }

    #[test]
    fn curve_mismatch_names_both_curves() {
        let message = key_error(SigningKey::parse(
            Algorithm::ES384,
            P256_SEC1_PRIVATE.as_bytes(),
        ));
        assert!(
            message.contains("P-384") && message.contains("P-256"),
            "{message}"
        );
        let message = key_error(VerifyingKey::parse(
            Algorithm::ES512,
            P256_PUBLIC.as_bytes(),
        ));
        assert!(
            message.contains("P-521") && message.contains("P-256"),
            "{message}"
        );
    }

    #[test]
    fn wrong_key_kinds_are_named() {
        let message = key_error(SigningKey::parse(
            Algorithm::RS256,
            P256_SEC1_PRIVATE.as_bytes(),
        ));
        assert!(
            message.contains("RSA") && message.contains("EC key on P-256"),
            "{message}"
        );
        let message = key_error(VerifyingKey::parse(
            Algorithm::EdDSA,
            RSA_SPKI_PUBLIC.as_bytes(),
        ));
        assert!(
            message.contains("Ed25519") && message.contains("RSA"),
            "{message}"
        );
        let message = key_error(SigningKey::parse(
            Algorithm::RS256,
            RSA_SPKI_PUBLIC.as_bytes(),
        ));
        assert!(message.contains("private key"), "{message}");
        let message = key_error(SigningKey::parse(
            Algorithm::EdDSA,
            ED448_PRIVATE.as_bytes(),
        ));
        assert!(message.contains("Ed448"), "{message}");
    }

    #[test]
    fn asymmetric_keys_are_refused_as_hmac_secrets() {
        for material in [
            RSA_SPKI_PUBLIC,
            P256_PUBLIC,
            "ssh-rsa AAAAB3NzaC1yc2E user@host",
        ] {
            let message = key_error(SigningKey::parse(Algorithm::HS256, material.as_bytes()));
            assert!(message.contains("asymmetric"), "{message}");
        }
        key_error(SigningKey::parse(Algorithm::HS256, b""));
    }

    #[test]
    fn garbage_and_small_keys_are_errors() {
        key_error(SigningKey::parse(Algorithm::RS256, b"not a key"));
        key_error(VerifyingKey::parse(Algorithm::RS256, b""));
        key_error(VerifyingKey::parse(
            Algorithm::RS256,
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        ));
        let message = key_error(VerifyingKey::parse(
            Algorithm::RS256,
            RSA_1024_PUBLIC.as_bytes(),
        ));
        assert!(message.contains("2048"), "{message}");
        key_error(SigningKey::parse(
            Algorithm::RS256,
            RSA_1024_PRIVATE.as_bytes(),
        ));
    }
}
