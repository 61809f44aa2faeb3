//! `rest_framework_simplejwt._native`: the Python binding of the token
//! engine (the `simplejwt-engine` crate, engine/).
//!
//! This file only wires the module. Each other file has one concern:
//! `engine` and `key` (the backend's objects), `token` (the token classes'
//! fast paths), `header`, `to_python` / `from_python` (JSON values between
//! the engine and Python), `text` (str or bytes in), `error` (the one
//! mapping from engine errors to Python exceptions). The Python package
//! `rest_framework_simplejwt` is the public API.

// Nothing outside tests may panic on what Python hands in (clippy runs with
// -D warnings).
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

mod engine;
mod error;
mod from_python;
mod header;
mod key;
mod native_path;
mod text;
mod to_python;
mod token;

use pyo3::prelude::*;
use simplejwt_engine::algorithms;
use simplejwt_engine::jws::MAX_TOKEN_BYTES;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("JWTError", m.py().get_type::<error::JWTError>())?;
    m.add("MAX_TOKEN_BYTES", MAX_TOKEN_BYTES)?;
    m.add(
        "ALGORITHMS",
        algorithms::ALL
            .iter()
            .map(|alg| alg.name())
            .collect::<Vec<_>>(),
    )?;
    m.add_class::<engine::Engine>()?;
    m.add_class::<key::Key>()?;
    m.add_function(wrap_pyfunction!(header::unverified_header, m)?)?;
    m.add_function(wrap_pyfunction!(key::public_jwk, m)?)?;
    m.add_function(wrap_pyfunction!(key::generate_private_key, m)?)?;
    m.add_class::<native_path::NativePath>()?;
    m.add_class::<native_path::SettingAttribute>()?;
    m.add_function(wrap_pyfunction!(token::mint, m)?)?;
    m.add_function(wrap_pyfunction!(token::copy_claims, m)?)?;
    m.add_function(wrap_pyfunction!(token::warm_random, m)?)?;
    Ok(())
}
