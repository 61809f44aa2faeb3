//! The token engine of djangorestframework-simplejwt-rs, in pure Rust.
//!
//! It knows nothing of Python: it parses keys (PEM, JWK), signs and verifies
//! compact JWS tokens, reads and writes JSON with the semantics of Python's
//! `json` module, validates claims as PyJWT does and makes token ids. The
//! `_native` Python module (the binding crate, `src/` at the repository root)
//! converts Python values to and from these types; this crate builds, tests,
//! fuzzes (`fuzz/`) and benchmarks (`benches/floor.rs`) without Python.
//!
//! Times are whole microseconds since the epoch (`i64`), given by the caller:
//! the engine never reads a clock.
//!
//! # Crates, and why not others (measured; do not redo the experiments)
//!
//! - aws-lc-rs does all the cryptography. Keys are parsed once and kept
//!   (`keys`): parsing an RSA key costs about 150 us, signing with a kept
//!   key pair about 240 us.
//! - jsonwebtoken is not used. It re-parses RSA and EC keys on every sign
//!   and verify (RS256 sign about 1.8x slower than a kept aws-lc key pair:
//!   634 us against 240 us), has no ES512 (P-521), no ES256K and no SEC1
//!   keys, and its validation defaults are not PyJWT's (60 s leeway, `exp`
//!   required, float `exp` rounded).
//! - serde_json is not used to read tokens. Through a `DeserializeSeed` it
//!   ties with `json::read` on speed, but refuses `NaN`, `Infinity` and lone
//!   surrogates, which `json.loads` (and so PyJWT and upstream simplejwt)
//!   accept; jiter refuses lone surrogates too. The hand-written reader is
//!   checked against `json.loads` by tests/test_json_differential.py.
//! - pem (the PEM crate pyca/cryptography, and so PyJWT, reads keys with)
//!   finds the PEM blocks; base64 does base64url; uuid formats token ids.
//! - chrono is not needed: NumericDates are numbers; Python owns datetimes.

// Input comes from attackers: nothing outside tests may panic on it. These
// lints refuse the constructs that can (clippy runs with -D warnings).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod algorithms;
pub mod base64url;
pub mod claims;
pub mod der;
pub mod error;
pub mod json;
pub mod jti;
pub mod jwk;
pub mod jws;
pub mod keyring;
pub mod keys;
pub mod pem;
pub mod rng;

pub use error::{Error, Result};
