//! The engine's one error type.
//!
//! Every failure is a value of `Error`; `kind` is the stable code the
//! Python layer dispatches on (the binding layer turns an `Error` into
//! `_native.JWTError(kind, detail[, claim])` in one place, src/error.rs).
//! `Display` is the detail, for logs and developers, never shown to API
//! clients.

use std::fmt;

#[derive(Debug, PartialEq, Eq, Clone)]
pub enum Error {
    /// The token is not a well-formed JWS/JWT (segments, base64, JSON, headers).
    Malformed(&'static str),
    /// The signature does not match.
    Signature,
    /// The header names no algorithm, or another one than the configured one.
    Algorithm(&'static str),
    /// A registered claim fails validation (other than expiry).
    Claim(&'static str),
    /// `exp` is in the past (leeway included).
    Expired,
    /// A claim the token class requires is absent (`Token has no '{}' claim`).
    MissingClaim(String),
    /// The configured jti claim is absent.
    NoId,
    /// The configured token type claim is absent.
    NoType,
    /// The token type claim holds another type.
    WrongType,
    /// The token is larger than the engine accepts.
    TooLarge,
    /// A key could not be parsed or does not fit the algorithm.
    Key(String),
    /// The algorithm name is not one the engine implements.
    UnknownAlgorithm(String),
    /// A payload value cannot be written as JSON by the engine (the caller
    /// falls back to Python's json module, which knows custom encoders).
    Unencodable,
    /// The crypto library refused an operation that should not fail.
    Crypto(&'static str),
    /// A NumericDate to be written lies beyond `claims::MAX_NUMERIC_DATE`
    /// (a token the engine would then refuse); the binding raises
    /// `OverflowError`, as upstream's datetime arithmetic does.
    DateOutOfRange,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The stable code the Python layer dispatches on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Malformed(_) | Error::Signature | Error::Claim(_) | Error::TooLarge => "invalid",
            Error::Algorithm(_) => "algorithm",
            Error::Expired => "expired",
            Error::MissingClaim(_) => "no_claim",
            Error::NoId => "no_id",
            Error::NoType => "no_type",
            Error::WrongType => "wrong_type",
            Error::Key(_) => "key",
            Error::UnknownAlgorithm(_) => "unknown_algorithm",
            Error::Unencodable => "unencodable",
            Error::Crypto(_) => "crypto",
            Error::DateOutOfRange => "overflow",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed(why) => write!(f, "malformed token: {why}"),
            Error::Signature => f.write_str("signature verification failed"),
            Error::Algorithm(why) => write!(f, "algorithm refused: {why}"),
            Error::Claim(why) => write!(f, "claim refused: {why}"),
            Error::Expired => f.write_str("token has expired"),
            Error::MissingClaim(claim) => write!(f, "token has no '{claim}' claim"),
            Error::NoId => f.write_str("token has no id"),
            Error::NoType => f.write_str("token has no type"),
            Error::WrongType => f.write_str("token has wrong type"),
            Error::TooLarge => write!(
                f,
                "token is longer than {} bytes",
                crate::jws::MAX_TOKEN_BYTES
            ),
            Error::Key(why) => f.write_str(why),
            Error::UnknownAlgorithm(name) => write!(f, "unrecognized algorithm type '{name}'"),
            Error::Unencodable => f.write_str("payload needs Python's json encoder"),
            Error::Crypto(why) => write!(f, "crypto operation failed: {why}"),
            Error::DateOutOfRange => f.write_str("date value out of range"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_group_token_failures_as_upstream_does() {
        // Upstream reports every structural or signature problem as the same
        // "Token is invalid"; only expiry and the algorithm are told apart.
        for err in [
            Error::Malformed("x"),
            Error::Signature,
            Error::Claim("x"),
            Error::TooLarge,
        ] {
            assert_eq!(err.kind(), "invalid");
        }
        assert_eq!(Error::Expired.kind(), "expired");
        assert_eq!(Error::Algorithm("x").kind(), "algorithm");
        assert_eq!(Error::MissingClaim("exp".into()).kind(), "no_claim");
    }
}
