//! Several verifying keys at once, for key rotation: the keys named by key
//! id (`VERIFYING_KEYS`) and earlier versions of the current key
//! (`SECRET_KEY_FALLBACKS`), chosen by a token's `kid` header.
//!
//! The algorithm stays pinned: every key here is parsed for the configured
//! algorithm, and the header only chooses among keys the configuration
//! lists. A `kid` naming a listed key selects that key alone; a `kid` naming
//! no key is refused without trying any. A token without `kid` is tried
//! against the current key, then its fallbacks, then the named keys, at
//! most [`MAX_KEY_TRIES`] signature checks in all.

use std::collections::HashMap;
use std::sync::Arc;

use crate::algorithms::Algorithm;
use crate::base64url;
use crate::error::{Error, Result};
use crate::jwk::Jwk;
use crate::jws;
use crate::keys::VerifyingKey;

/// The most signature checks one token without `kid` may cost.
pub const MAX_KEY_TRIES: usize = 8;

/// A key as configured: PEM text or an HMAC secret, or a JWK's members.
#[derive(Debug, Clone)]
pub enum KeyMaterial {
    Pem(Vec<u8>),
    Jwk(Jwk),
}

impl KeyMaterial {
    pub fn verifying_key(&self, alg: Algorithm) -> Result<VerifyingKey> {
        match self {
            KeyMaterial::Pem(material) => VerifyingKey::parse(alg, material),
            KeyMaterial::Jwk(jwk) => jwk.verifying_key(alg),
        }
    }
}

/// The parsed keys besides the current one.
pub struct KeyRing {
    /// The id minted tokens carry (`SIGNING_KEY_ID`).
    current_kid: Option<String>,
    named: HashMap<String, Arc<VerifyingKey>>,
    /// The named keys in configuration order, for tokens without `kid`.
    named_order: Vec<Arc<VerifyingKey>>,
    fallbacks: Vec<Arc<VerifyingKey>>,
    /// The header segment this engine's encoder would write for each named
    /// key (`{"alg":..,"kid":..,"typ":"JWT"}`, base64url): a token carrying
    /// one of them byte for byte names that key, without parsing its header.
    headers: HashMap<Vec<u8>, Arc<VerifyingKey>>,
}

impl KeyRing {
    /// Parses every key for `alg`; an error names the key that failed.
    pub fn parse(
        alg: Algorithm,
        current_kid: Option<String>,
        named: &[(String, KeyMaterial)],
        fallbacks: &[KeyMaterial],
    ) -> Result<KeyRing> {
        let mut ring = KeyRing {
            current_kid,
            named: HashMap::with_capacity(named.len()),
            named_order: Vec::with_capacity(named.len()),
            fallbacks: Vec::with_capacity(fallbacks.len()),
            headers: HashMap::with_capacity(named.len()),
        };
        for (kid, material) in named {
            if ring.current_kid.as_deref() == Some(kid.as_str()) {
                return Err(Error::Key(format!(
                    "VERIFYING_KEYS['{kid}']: the id is SIGNING_KEY_ID's; a key id names one key"
                )));
            }
            let key = Arc::new(
                material
                    .verifying_key(alg)
                    .map_err(|err| Error::Key(format!("VERIFYING_KEYS['{kid}']: {err}")))?,
            );
            ring.named.insert(kid.clone(), key.clone());
            let header = base64url::encode(&jws::header_json_with_kid(alg, kid));
            ring.headers.insert(header.into_bytes(), key.clone());
            ring.named_order.push(key);
        }
        for (index, material) in fallbacks.iter().enumerate() {
            let key = material
                .verifying_key(alg)
                .map_err(|err| Error::Key(format!("fallback key {index}: {err}")))?;
            ring.fallbacks.push(Arc::new(key));
        }
        Ok(ring)
    }

    /// Whether tokens' `kid` headers choose keys: only when the
    /// configuration names keys at all.
    pub fn uses_key_ids(&self) -> bool {
        self.current_kid.is_some() || !self.named.is_empty()
    }

    pub fn current_kid(&self) -> Option<&str> {
        self.current_kid.as_deref()
    }

    /// The named key whose standard header (as `jws::header_json_with_kid`
    /// writes it for the configured algorithm) is `header_b64`, byte for
    /// byte. Such a header names the configured algorithm and that key's id,
    /// so the token needs no header parsing.
    pub fn key_for_header(&self, header_b64: &[u8]) -> Option<&VerifyingKey> {
        if self.headers.is_empty() {
            return None;
        }
        self.headers.get(header_b64).map(|key| &**key)
    }

    /// The keys to try, in order, for a token whose header names `kid`.
    pub fn candidates<'a>(
        &'a self,
        current: &'a VerifyingKey,
        kid: Option<&str>,
    ) -> impl Iterator<Item = &'a VerifyingKey> + 'a {
        let none: &[Arc<VerifyingKey>] = &[];
        let (head, fallbacks, named) = match kid {
            Some(kid) if self.uses_key_ids() => {
                if self.current_kid.as_deref() == Some(kid) {
                    (Some(current), self.fallbacks.as_slice(), none)
                } else {
                    match self.named.get(kid) {
                        Some(key) => (Some(&**key), none, none),
                        None => (None, none, none),
                    }
                }
            }
            _ => (
                Some(current),
                self.fallbacks.as_slice(),
                self.named_order.as_slice(),
            ),
        };
        head.into_iter()
            .chain(fallbacks.iter().map(|key| &**key))
            .chain(named.iter().map(|key| &**key))
            .take(MAX_KEY_TRIES)
    }

    /// Whether `signature` over `message` verifies with one of the keys
    /// `kid` selects.
    pub fn verify(
        &self,
        current: &VerifyingKey,
        kid: Option<&str>,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        self.candidates(current, kid)
            .any(|key| key.verify(message, signature))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::*;
    use crate::keys::SigningKey;

    fn hmac(secret: &str) -> KeyMaterial {
        KeyMaterial::Pem(secret.as_bytes().to_vec())
    }

    fn signed(secret: &str) -> Vec<u8> {
        SigningKey::parse(Algorithm::HS256, secret.as_bytes())
            .unwrap()
            .sign(Algorithm::HS256, b"m")
            .unwrap()
    }

    fn current() -> VerifyingKey {
        VerifyingKey::parse(Algorithm::HS256, b"current").unwrap()
    }

    #[test]
    fn kid_selects_one_key_only() {
        let ring = KeyRing::parse(
            Algorithm::HS256,
            Some("new".into()),
            &[("old".into(), hmac("old")), ("other".into(), hmac("other"))],
            &[hmac("previous")],
        )
        .unwrap();
        let current = current();
        assert!(ring.verify(&current, Some("old"), b"m", &signed("old")));
        assert!(!ring.verify(&current, Some("other"), b"m", &signed("old")));
        assert!(!ring.verify(&current, Some("old"), b"m", &signed("current")));
        assert!(ring.verify(&current, Some("new"), b"m", &signed("current")));
        // The current id covers the current key's fallbacks, not named keys.
        assert!(ring.verify(&current, Some("new"), b"m", &signed("previous")));
        assert!(!ring.verify(&current, Some("new"), b"m", &signed("old")));
        // An unknown id tries nothing.
        assert_eq!(ring.candidates(&current, Some("nope")).count(), 0);
        assert!(!ring.verify(&current, Some("nope"), b"m", &signed("current")));
    }

    #[test]
    fn standard_headers_name_their_key() {
        let ring =
            KeyRing::parse(Algorithm::HS256, None, &[("old".into(), hmac("old"))], &[]).unwrap();
        let header = base64url::encode(&jws::header_json_with_kid(Algorithm::HS256, "old"));
        let key = ring.key_for_header(header.as_bytes()).unwrap();
        assert!(key.verify(b"m", &signed("old")));
        let other = base64url::encode(&jws::header_json_with_kid(Algorithm::HS384, "old"));
        assert!(ring.key_for_header(other.as_bytes()).is_none());
        assert!(ring
            .key_for_header(jws::header_b64(Algorithm::HS256).as_bytes())
            .is_none());
    }

    #[test]
    fn no_kid_tries_current_fallbacks_then_named_bounded() {
        let named: Vec<(String, KeyMaterial)> = (0..20)
            .map(|i| (format!("k{i}"), hmac(&format!("s{i}"))))
            .collect();
        let ring = KeyRing::parse(Algorithm::HS256, None, &named, &[hmac("previous")]).unwrap();
        let current = current();
        assert!(ring.verify(&current, None, b"m", &signed("current")));
        assert!(ring.verify(&current, None, b"m", &signed("previous")));
        assert!(ring.verify(&current, None, b"m", &signed("s0")));
        assert_eq!(ring.candidates(&current, None).count(), MAX_KEY_TRIES);
        // Beyond the bound, a key id is needed.
        assert!(!ring.verify(&current, None, b"m", &signed("s19")));
        assert!(ring.verify(&current, Some("k19"), b"m", &signed("s19")));
    }

    #[test]
    fn without_key_ids_a_kid_header_is_ignored() {
        let ring = KeyRing::parse(Algorithm::HS256, None, &[], &[hmac("previous")]).unwrap();
        assert!(!ring.uses_key_ids());
        let current = current();
        assert!(ring.verify(&current, Some("anything"), b"m", &signed("previous")));
        assert!(ring.verify(&current, Some("anything"), b"m", &signed("current")));
    }

    #[test]
    fn bad_keys_are_named() {
        let err = KeyRing::parse(
            Algorithm::RS256,
            None,
            &[("k1".into(), KeyMaterial::Pem(b"not a key".to_vec()))],
            &[],
        )
        .err()
        .unwrap();
        assert_eq!(err.kind(), "key");
        assert!(err.to_string().contains("VERIFYING_KEYS['k1']"), "{err}");
        let err = KeyRing::parse(
            Algorithm::ES256,
            None,
            &[("rsa".into(), KeyMaterial::Pem(RSA_SPKI_PUBLIC.into()))],
            &[],
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("EC key"), "{err}");
        assert!(KeyRing::parse(
            Algorithm::HS256,
            Some("a".into()),
            &[("a".into(), hmac("x"))],
            &[]
        )
        .is_err());
        assert!(KeyRing::parse(Algorithm::HS256, None, &[], &[hmac("")]).is_err());
    }

    #[test]
    fn asymmetric_named_keys() {
        let signer = SigningKey::parse(Algorithm::ES256, P256_PKCS8_PRIVATE.as_bytes()).unwrap();
        let ring = KeyRing::parse(
            Algorithm::ES256,
            Some("new".into()),
            &[("old".into(), KeyMaterial::Pem(P256_PUBLIC.into()))],
            &[],
        )
        .unwrap();
        use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
        let other = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let current =
            VerifyingKey::from_public_bytes(Algorithm::ES256, other.public_key().as_ref()).unwrap();
        let signature = signer.sign(Algorithm::ES256, b"m").unwrap();
        assert!(ring.verify(&current, Some("old"), b"m", &signature));
        assert!(ring.verify(&current, None, b"m", &signature));
        assert!(!ring.verify(&current, Some("new"), b"m", &signature));
    }
}
