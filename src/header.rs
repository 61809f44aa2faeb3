//! `_native.unverified_header`: a token's header read without verifying
//! anything, for choosing a key by `kid`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use simplejwt_engine::jws::{self, AlgHeader};

use crate::error::OrRaise;
use crate::text::token_bytes;

/// The header's `alg` (when a string) and `kid`. Raises
/// JWTError("invalid") on a malformed token.
#[pyfunction]
pub fn unverified_header<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let compact = jws::parse(token_bytes(token)?, None).or_raise()?;
    let header = PyDict::new(py);
    if let AlgHeader::Named(alg) = &compact.alg {
        header.set_item("alg", alg)?;
    }
    if let Some(kid) = &compact.kid {
        header.set_item("kid", kid)?;
    }
    Ok(header)
}
