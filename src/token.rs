//! The token classes' native helpers: minting a payload and copying claims
//! into an access token, without Python-level loops.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use simplejwt_engine::claims::minted_dates;
use simplejwt_engine::jti::{self, JTI_LEN};
use simplejwt_engine::rng;

use crate::error::OrRaise;

/// Seeds the random generator on a background thread (the Python package
/// calls this at import and after fork; see `rng::warm`).
#[pyfunction]
pub fn warm_random() {
    rng::warm();
}

/// A new token's payload: type, `exp`, `iat` and id claims, in upstream's
/// order. `exp` is `lifetime_us` after `now_us`; a date beyond what the
/// engine accepts raises `OverflowError`.
#[pyfunction]
pub fn mint<'py>(
    py: Python<'py>,
    type_claim: &Bound<'py, PyAny>,
    token_type: &Bound<'py, PyAny>,
    lifetime_us: i64,
    jti_claim: &Bound<'py, PyAny>,
    now_us: i64,
) -> PyResult<Bound<'py, PyDict>> {
    new_payload(
        py,
        type_claim,
        token_type,
        jti_claim,
        minted_dates(now_us, now_us, lifetime_us).or_raise()?,
    )
}

fn new_payload<'py>(
    py: Python<'py>,
    type_claim: &Bound<'py, PyAny>,
    token_type: &Bound<'py, PyAny>,
    jti_claim: &Bound<'py, PyAny>,
    (exp, iat): (i64, i64),
) -> PyResult<Bound<'py, PyDict>> {
    let payload = PyDict::new(py);
    payload.set_item(type_claim, token_type)?;
    payload.set_item(pyo3::intern!(py, "exp"), exp)?;
    payload.set_item(pyo3::intern!(py, "iat"), iat)?;
    let mut buffer = [0u8; JTI_LEN];
    let jti = jti::write_jti(&mut buffer).or_raise()?;
    payload.set_item(jti_claim, PyString::new(py, jti))?;
    Ok(payload)
}

/// Copies every claim of `source` whose name is not in `skip` into `target`.
///
/// `skip.__contains__`, a key's `__eq__` or `__hash__` are user code that
/// may change `source` meanwhile. Upstream's loop then raises RuntimeError;
/// PyO3's dict iterator would panic. The items are read from a snapshot
/// instead, so the claims are copied as they were when the copy began.
#[pyfunction]
pub fn copy_claims(
    source: &Bound<'_, PyDict>,
    target: &Bound<'_, PyDict>,
    skip: &Bound<'_, PyAny>,
) -> PyResult<()> {
    for item in source.items().iter() {
        let (name, value) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
        if !skip.contains(&name)? {
            target.set_item(name, value)?;
        }
    }
    Ok(())
}
