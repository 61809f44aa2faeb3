//! Verifying keys from JSON Web Keys (RFC 7517), as a JWKS endpoint serves them.

use crate::algorithms::{Algorithm, Family};
use crate::base64url;
use crate::der::rsa_public_key_der;
use crate::error::{Error, Result};
use crate::keys::{check_rsa_bits, public_numbers, PublicNumbers, VerifyingKey};

/// The public JWK members (RFC 7517/7518) of `material`, a PEM key for
/// `alg`: `kty` then `crv`, `n`/`e` or `x`/`y`. Never a secret: HMAC keys
/// and private members are refused or left out.
pub fn public_jwk(alg: Algorithm, material: &[u8]) -> Result<Vec<(&'static str, String)>> {
    Ok(match public_numbers(alg, material)? {
        PublicNumbers::Rsa { n, e } => vec![
            ("kty", "RSA".to_owned()),
            ("n", base64url::encode(&n)),
            ("e", base64url::encode(&e)),
        ],
        PublicNumbers::Ec { curve, x, y } => vec![
            ("kty", "EC".to_owned()),
            ("crv", curve.name().to_owned()),
            ("x", base64url::encode(&x)),
            ("y", base64url::encode(&y)),
        ],
        PublicNumbers::Ed25519(x) => vec![
            ("kty", "OKP".to_owned()),
            ("crv", "Ed25519".to_owned()),
            ("x", base64url::encode(&x)),
        ],
    })
}

/// The members of a JWK that matter for verification, as text.
#[derive(Debug, Default, Clone)]
pub struct Jwk {
    pub kty: Option<String>,
    pub alg: Option<String>,
    pub use_: Option<String>,
    pub crv: Option<String>,
    pub n: Option<String>,
    pub e: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
    pub k: Option<String>,
}

impl Jwk {
    /// The verifying key for `alg`, refusing keys published for another
    /// algorithm, for encryption, or of the wrong type or curve.
    pub fn verifying_key(&self, alg: Algorithm) -> Result<VerifyingKey> {
        if let Some(declared) = &self.alg {
            if declared != alg.name() {
                return Err(Error::Key(format!(
                    "the JWK is for {declared}, but {} is configured",
                    alg.name()
                )));
            }
        }
        if let Some(usage) = &self.use_ {
            if usage != "sig" {
                return Err(Error::Key(format!("the JWK's use is '{usage}', not 'sig'")));
            }
        }
        let kty = self.kty.as_deref().unwrap_or("");
        match (alg.family(), kty) {
            (Family::Hmac, "oct") => VerifyingKey::hmac(alg, &self.member("k")?),
            (Family::Rsa | Family::RsaPss, "RSA") => {
                let modulus = self.member("n")?;
                let bytes = modulus.iter().skip_while(|&&b| b == 0).count();
                let bits = u32::try_from(bytes.saturating_mul(8)).unwrap_or(u32::MAX);
                check_rsa_bits(alg, bits)?;
                let der = rsa_public_key_der(&modulus, &self.member("e")?).ok_or_else(|| {
                    Error::Key("the JWK's 'n' and 'e' do not make an RSA key".to_owned())
                })?;
                VerifyingKey::from_public_bytes(alg, &der)
            }
            (Family::Ec(curve), "EC") => {
                let crv = self.crv.as_deref().unwrap_or("");
                if crv != curve.name() {
                    return Err(Error::Key(format!(
                        "{} needs an EC key on {}, but the JWK is on '{crv}'",
                        alg.name(),
                        curve.name()
                    )));
                }
                let (x, y) = (self.member("x")?, self.member("y")?);
                let size = curve.coordinate_len();
                if x.len() != size || y.len() != size {
                    return Err(Error::Key(format!(
                        "the JWK's coordinates are not {size} bytes long"
                    )));
                }
                let mut point = Vec::with_capacity(1 + 2 * size);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                VerifyingKey::from_public_bytes(alg, &point)
            }
            (Family::Ed25519, "OKP") => {
                let crv = self.crv.as_deref().unwrap_or("");
                if crv != "Ed25519" {
                    return Err(Error::Key(format!(
                        "EdDSA supports Ed25519 keys, but the JWK is on '{crv}'"
                    )));
                }
                let x = self.member("x")?;
                if x.len() != 32 {
                    return Err(Error::Key("an Ed25519 JWK's x is 32 bytes".to_owned()));
                }
                VerifyingKey::from_public_bytes(alg, &x)
            }
            (_, kty) => Err(Error::Key(format!(
                "{} cannot use a JWK of type '{kty}'",
                alg.name()
            ))),
        }
    }

    fn member(&self, name: &str) -> Result<Vec<u8>> {
        let value = match name {
            "n" => &self.n,
            "e" => &self.e,
            "x" => &self.x,
            "y" => &self.y,
            "k" => &self.k,
            _ => &None,
        };
        let text = value
            .as_deref()
            .ok_or_else(|| Error::Key(format!("the JWK has no '{name}'")))?;
        base64url::decode(text.as_bytes())
            .filter(|bytes| !bytes.is_empty())
            .ok_or_else(|| Error::Key(format!("the JWK's '{name}' is not base64url")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_keys::*;
    use crate::keys::SigningKey;

    fn jwk(pairs: &[(&str, &str)]) -> Jwk {
        let mut jwk = Jwk::default();
        for (name, value) in pairs {
            let slot = match *name {
                "kty" => &mut jwk.kty,
                "alg" => &mut jwk.alg,
                "use" => &mut jwk.use_,
                "crv" => &mut jwk.crv,
                "n" => &mut jwk.n,
                "e" => &mut jwk.e,
                "x" => &mut jwk.x,
                "y" => &mut jwk.y,
                "k" => &mut jwk.k,
                other => panic!("{other}"),
            };
            *slot = Some((*value).to_owned());
        }
        jwk
    }

    fn from_members(members: &[(&'static str, String)]) -> Jwk {
        let pairs: Vec<(&str, &str)> = members.iter().map(|(k, v)| (*k, v.as_str())).collect();
        jwk(&pairs)
    }

    #[test]
    fn exported_public_jwks_verify_the_private_keys_signatures() {
        for (alg, private, public) in [
            (Algorithm::RS256, RSA_PKCS1_PRIVATE, RSA_SPKI_PUBLIC),
            (Algorithm::PS384, RSA_PKCS8_PRIVATE, RSA_PKCS1_PUBLIC),
            (Algorithm::ES256, P256_SEC1_PRIVATE, P256_PUBLIC),
            (Algorithm::ES384, P384_SEC1_PRIVATE, P384_PUBLIC),
            (Algorithm::ES512, P521_SEC1_PRIVATE, P521_PUBLIC),
            (Algorithm::ES256K, SECP256K1_SEC1_PRIVATE, SECP256K1_PUBLIC),
            (Algorithm::EdDSA, ED25519_PRIVATE, ED25519_PUBLIC),
        ] {
            let from_private = public_jwk(alg, private.as_bytes()).unwrap();
            let from_public = public_jwk(alg, public.as_bytes()).unwrap();
            assert_eq!(from_private, from_public, "{alg:?}");
            assert!(from_private.iter().all(|(name, _)| *name != "d"));
            let key = from_members(&from_private).verifying_key(alg).unwrap();
            let signature = SigningKey::parse(alg, private.as_bytes())
                .unwrap()
                .sign(alg, b"m")
                .unwrap();
            assert!(key.verify(b"m", &signature), "{alg:?}");
        }
        assert_eq!(
            public_jwk(Algorithm::RS256, RSA_SPKI_PUBLIC.as_bytes()).unwrap()[2],
            ("e", "AQAB".to_owned())
        );
    }

    #[test]
    fn secrets_and_bad_keys_are_not_exported() {
        assert_eq!(
            public_jwk(Algorithm::HS256, b"secret").unwrap_err().kind(),
            "key"
        );
        assert!(public_jwk(Algorithm::ES256, RSA_SPKI_PUBLIC.as_bytes()).is_err());
        assert!(public_jwk(Algorithm::RS256, RSA_1024_PUBLIC.as_bytes()).is_err());
        assert!(public_jwk(Algorithm::EdDSA, b"junk").is_err());
    }

    #[test]
    fn oct_keys_verify_hmac() {
        let key = jwk(&[("kty", "oct"), ("k", &base64url::encode(b"secret"))])
            .verifying_key(Algorithm::HS256)
            .unwrap();
        let signature = SigningKey::parse(Algorithm::HS256, b"secret")
            .unwrap()
            .sign(Algorithm::HS256, b"m")
            .unwrap();
        assert!(key.verify(b"m", &signature));
    }

    #[test]
    fn ed25519_key_from_raw_public_bytes() {
        let signer = SigningKey::parse(Algorithm::EdDSA, ED25519_PRIVATE.as_bytes()).unwrap();
        let SigningKey::Ed25519(pair) = &signer else {
            panic!("not Ed25519");
        };
        use aws_lc_rs::signature::KeyPair;
        let x = base64url::encode(pair.public_key().as_ref());
        let key = jwk(&[
            ("kty", "OKP"),
            ("crv", "Ed25519"),
            ("x", &x),
            ("use", "sig"),
        ])
        .verifying_key(Algorithm::EdDSA)
        .unwrap();
        let signature = signer.sign(Algorithm::EdDSA, b"m").unwrap();
        assert!(key.verify(b"m", &signature));
    }

    #[test]
    fn mismatches_are_refused() {
        let k = base64url::encode(b"secret");
        assert!(jwk(&[("kty", "oct"), ("k", &k), ("alg", "HS512")])
            .verifying_key(Algorithm::HS256)
            .is_err());
        assert!(jwk(&[("kty", "oct"), ("k", &k), ("use", "enc")])
            .verifying_key(Algorithm::HS256)
            .is_err());
        assert!(jwk(&[("kty", "oct"), ("k", &k)])
            .verifying_key(Algorithm::RS256)
            .is_err());
        assert!(
            jwk(&[("kty", "EC"), ("crv", "P-256"), ("x", "AA"), ("y", "AA")])
                .verifying_key(Algorithm::ES384)
                .is_err()
        );
        assert!(
            jwk(&[("kty", "EC"), ("crv", "P-256"), ("x", "AA"), ("y", "AA")])
                .verifying_key(Algorithm::ES256)
                .is_err()
        );
        assert!(jwk(&[("kty", "RSA"), ("n", "AQAB"), ("e", "AQAB")])
            .verifying_key(Algorithm::RS256)
            .is_err());
        assert!(jwk(&[("kty", "RSA")])
            .verifying_key(Algorithm::RS256)
            .is_err());
        assert!(jwk(&[]).verifying_key(Algorithm::RS256).is_err());
    }
}
