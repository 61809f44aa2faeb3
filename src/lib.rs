//! The token engine of djangorestframework-simplejwt-rs.
//!
//! This file only wires the Python module; each concern lives in its own
//! file. The Python package `rest_framework_simplejwt` is the public API.

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

// The engine's pure-Rust parts are public so that benchmarks (benches/) and
// fuzz targets (fuzz/) can drive them without Python; the Python module is
// the supported API.
pub mod algorithms;
pub mod base64url;
pub mod claims;
pub mod errors;
pub mod json_read;
pub mod jwk;
pub mod jws;
pub mod keys;
pub mod pem;
pub mod rng;
pub mod token;

mod backend;
mod json_py;
mod json_write;
mod native_path;

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The header of a token, without any verification (for choosing a key by
/// `kid`). Raises JWTError("invalid") on a malformed token.
#[pyfunction]
fn unverified_header<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let header = PyDict::new(py);
    // The size limit first: copying or encoding a huge token costs time
    // linear in its size (more code points than the limit means more bytes).
    if token.len().is_ok_and(|len| len > jws::MAX_TOKEN_BYTES) {
        return Err(errors::Error::TooLarge.into());
    }
    let raw = if let Ok(text) = token.cast::<pyo3::types::PyString>() {
        text.to_str()
            .map_err(|_| errors::Error::Malformed("token is not valid text"))?
            .as_bytes()
            .to_vec()
    } else if let Ok(bytes) = token.cast::<pyo3::types::PyBytes>() {
        bytes.as_bytes().to_vec()
    } else {
        return Err(errors::Error::Malformed("token must be str or bytes").into());
    };
    let compact = jws::parse(&raw, None)?;
    match &compact.alg {
        jws::AlgHeader::Named(alg) => header.set_item("alg", alg)?,
        jws::AlgHeader::Own(alg) => header.set_item("alg", alg.name())?,
        jws::AlgHeader::Missing | jws::AlgHeader::Other => {}
    }
    if let Some(kid) = &compact.kid {
        header.set_item("kid", kid)?;
    }
    Ok(header)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("JWTError", m.py().get_type::<errors::JWTError>())?;
    m.add("MAX_TOKEN_BYTES", jws::MAX_TOKEN_BYTES)?;
    m.add(
        "ALGORITHMS",
        algorithms::ALL
            .iter()
            .map(|alg| alg.name())
            .collect::<Vec<_>>(),
    )?;
    m.add_class::<backend::Engine>()?;
    m.add_class::<backend::Key>()?;
    m.add_class::<backend::TokenDecoder>()?;
    m.add_class::<backend::AttributeProxy>()?;
    m.add_class::<native_path::NativePath>()?;
    m.add_class::<native_path::SettingAttribute>()?;
    m.add_function(wrap_pyfunction!(unverified_header, m)?)?;
    m.add_function(wrap_pyfunction!(token::mint, m)?)?;
    m.add_function(wrap_pyfunction!(token::copy_claims, m)?)?;
    m.add_function(wrap_pyfunction!(token::new_token, m)?)?;
    m.add_function(wrap_pyfunction!(token::py_new_jti, m)?)?;
    m.add_function(wrap_pyfunction!(token::timedelta_us, m)?)?;
    m.add_function(wrap_pyfunction!(token::warm_random, m)?)?;
    Ok(())
}
