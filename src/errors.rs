//! One error type for the whole engine and its single conversion to Python.
//!
//! Python never sees a Rust panic or a Rust type: every failure becomes a
//! `_native.JWTError` whose `args` are `(kind, detail)` (plus the claim name
//! for claim-specific kinds). The Python layer maps `kind` onto upstream's
//! exception classes and translated messages; `detail` is for logs and
//! developers, never shown to API clients.

use std::fmt;

use pyo3::exceptions::PyValueError;
use pyo3::PyErr;

pyo3::create_exception!(
    _native,
    JWTError,
    PyValueError,
    "Raised by the native engine. args are (kind, detail[, claim])."
);

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
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        let detail = err.to_string();
        match err {
            Error::MissingClaim(claim) => JWTError::new_err(("no_claim", detail, claim)),
            other => JWTError::new_err((other.kind(), detail)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::prelude::*;

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

    #[test]
    fn python_error_carries_kind_detail_and_claim() {
        Python::initialize();
        Python::attach(|py| {
            let err: PyErr = Error::MissingClaim("exp".into()).into();
            let args = err.value(py).getattr("args").unwrap();
            let args: (String, String, String) = args.extract().unwrap();
            assert_eq!(args.0, "no_claim");
            assert_eq!(args.2, "exp");
            let err: PyErr = Error::Signature.into();
            assert!(err.is_instance_of::<PyValueError>(py));
        });
    }
}
