//! The algorithms the engine implements, and nothing else.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    ES256K,
    EdDSA,
}

/// What kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Hmac,
    Rsa,
    RsaPss,
    Ec(Curve),
    Ed25519,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

impl Curve {
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }

    /// Bytes of one coordinate (and of r and s in a signature).
    pub fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 | Curve::Secp256k1 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

pub const ALL: [Algorithm; 14] = [
    Algorithm::HS256,
    Algorithm::HS384,
    Algorithm::HS512,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::ES512,
    Algorithm::ES256K,
    Algorithm::EdDSA,
];

impl Algorithm {
    pub fn from_name(name: &str) -> Result<Algorithm> {
        ALL.iter()
            .copied()
            .find(|alg| alg.name() == name)
            .ok_or_else(|| Error::UnknownAlgorithm(name.to_owned()))
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::ES256K => "ES256K",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    pub fn family(self) -> Family {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => Family::Rsa,
            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => Family::RsaPss,
            Algorithm::ES256 => Family::Ec(Curve::P256),
            Algorithm::ES384 => Family::Ec(Curve::P384),
            Algorithm::ES512 => Family::Ec(Curve::P521),
            Algorithm::ES256K => Family::Ec(Curve::Secp256k1),
            Algorithm::EdDSA => Family::Ed25519,
        }
    }

    pub fn is_symmetric(self) -> bool {
        self.family() == Family::Hmac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for alg in ALL {
            assert_eq!(Algorithm::from_name(alg.name()), Ok(alg));
        }
    }

    #[test]
    fn unknown_and_differently_cased_names_are_refused() {
        for name in ["none", "None", "hs256", "ES521", "Ed25519", "", "RS256 "] {
            assert_eq!(
                Algorithm::from_name(name),
                Err(Error::UnknownAlgorithm(name.to_owned()))
            );
        }
    }

    #[test]
    fn curves_follow_rfc_7518() {
        assert_eq!(Algorithm::ES256.family(), Family::Ec(Curve::P256));
        assert_eq!(Algorithm::ES384.family(), Family::Ec(Curve::P384));
        assert_eq!(Algorithm::ES512.family(), Family::Ec(Curve::P521));
        assert_eq!(Curve::P521.coordinate_len(), 66);
    }
}
