//! The token classes' fast paths: minting a payload and deriving an access
//! token from a refresh token, without Python-level loops.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyType};

/// A random UUID4 as 32 lowercase hex digits, like `uuid4().hex`.
///
/// The bytes come from aws-lc's generator (seeded from the OS, reseeded
/// after fork), drawn in blocks (`rng`): a system call per token, as
/// `os.urandom` would make, costs more than the rest of minting. The
/// generator's one-time seeding is done ahead of time by `warm_random`.
pub fn new_jti() -> String {
    let mut hex = [0u8; 32];
    write_jti(&mut hex);
    hex.iter().map(|&b| char::from(b)).collect()
}

/// `new_jti` into a buffer, without allocating.
fn write_jti(hex: &mut [u8; 32]) {
    let mut bytes = [0u8; 16];
    if !crate::rng::fill(&mut bytes) && getrandom::fill(&mut bytes).is_err() {
        bytes = fallback_random();
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    for (pair, byte) in hex.chunks_exact_mut(2).zip(bytes) {
        if let [high, low] = pair {
            *high = hex_digit(byte >> 4);
            *low = hex_digit(byte & 0x0f);
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_digit(nibble: u8) -> u8 {
    HEX.get(usize::from(nibble & 0x0f)).copied().unwrap_or(b'0')
}

fn fallback_random() -> [u8; 16] {
    // std's HashMap seeds come from the OS too; two of them give 128 bits.
    use std::collections::hash_map::RandomState;
    use std::hash::BuildHasher;
    let mut bytes = [0u8; 16];
    let (first, second) = bytes.split_at_mut(8);
    first.copy_from_slice(&RandomState::new().hash_one(0u8).to_le_bytes());
    second.copy_from_slice(&RandomState::new().hash_one(1u8).to_le_bytes());
    bytes
}

/// Seeds aws-lc's random generator on a background thread. Its first use in
/// a process (and again in each forked child) gathers entropy for tens of
/// milliseconds; done here, at import and after fork, the first token a
/// server worker issues does not wait for it.
#[pyfunction]
pub fn warm_random() {
    // If the thread cannot start, the first token pays the seeding instead.
    let _ = std::thread::Builder::new()
        .name("simplejwt-rng-seed".into())
        .spawn(|| {
            let mut byte = [0u8; 1];
            let _ = aws_lc_rs::rand::fill(&mut byte);
        });
}

/// Whole microseconds in a `datetime.timedelta`.
#[pyfunction]
pub fn timedelta_us(delta: &Bound<'_, PyAny>) -> PyResult<i64> {
    let part = |name: &str| -> PyResult<i64> {
        delta
            .getattr(name)
            .and_then(|value| value.extract::<i64>())
            .map_err(|_| PyTypeError::new_err("a lifetime must be a datetime.timedelta"))
    };
    let (days, seconds, micros) = (part("days")?, part("seconds")?, part("microseconds")?);
    Ok((days * 86_400 + seconds) * 1_000_000 + micros)
}

/// `uuid4().hex`, from the engine's generator.
#[pyfunction(name = "new_jti")]
pub fn py_new_jti() -> String {
    new_jti()
}

/// A new token's payload: type, `exp`, `iat` and id claims, in upstream's
/// order. `exp` is `lifetime_us` after `now_us`.
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
        now_us.saturating_add(lifetime_us),
        now_us,
    )
}

/// A token instance built without running `__init__`, for classes whose
/// `__init__` is the stock one (the caller checks): what `cls()` would make,
/// with `token`, `_now_us` and `payload` set in `__init__`'s order.
///
/// The payload is `mint`'s, except that `exp` counts from `exp_from_us`
/// when given (`RefreshToken.access_token`: the pair expires relative to the
/// refresh token's creation) and the claims of `source` not named in `skip`
/// follow.
#[pyfunction]
#[pyo3(signature = (cls, type_claim, token_type, lifetime_us, jti_claim, now_us, exp_from_us=None, source=None, skip=None))]
#[allow(clippy::too_many_arguments)]
pub fn new_token<'py>(
    py: Python<'py>,
    cls: &Bound<'py, PyType>,
    type_claim: &Bound<'py, PyAny>,
    token_type: &Bound<'py, PyAny>,
    lifetime_us: i64,
    jti_claim: &Bound<'py, PyAny>,
    now_us: i64,
    exp_from_us: Option<i64>,
    source: Option<&Bound<'py, PyDict>>,
    skip: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    static OBJECT_NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let object_new = OBJECT_NEW.get_or_try_init(py, || {
        py.get_type::<PyAny>()
            .getattr(pyo3::intern!(py, "__new__"))
            .map(Bound::unbind)
    })?;
    let payload = new_payload(
        py,
        type_claim,
        token_type,
        jti_claim,
        exp_from_us.unwrap_or(now_us).saturating_add(lifetime_us),
        now_us,
    )?;
    if let (Some(source), Some(skip)) = (source, skip) {
        copy_claims(source, &payload, skip)?;
    }
    let token = object_new.bind(py).call1((cls,))?;
    token.setattr(pyo3::intern!(py, "token"), py.None())?;
    token.setattr(pyo3::intern!(py, "_now_us"), now_us)?;
    token.setattr(pyo3::intern!(py, "payload"), payload)?;
    Ok(token)
}

fn new_payload<'py>(
    py: Python<'py>,
    type_claim: &Bound<'py, PyAny>,
    token_type: &Bound<'py, PyAny>,
    jti_claim: &Bound<'py, PyAny>,
    exp_us: i64,
    now_us: i64,
) -> PyResult<Bound<'py, PyDict>> {
    let payload = PyDict::new(py);
    payload.set_item(type_claim, token_type)?;
    payload.set_item(pyo3::intern!(py, "exp"), epoch_seconds(exp_us))?;
    payload.set_item(pyo3::intern!(py, "iat"), epoch_seconds(now_us))?;
    let mut hex = [0u8; 32];
    write_jti(&mut hex);
    // Hex digits are ASCII, so this never takes the empty fallback.
    let jti = std::str::from_utf8(&hex).unwrap_or_default();
    payload.set_item(jti_claim, PyString::new(py, jti))?;
    Ok(payload)
}

/// Copies every claim of `source` whose name is not in `skip` into `target`.
#[pyfunction]
pub fn copy_claims(
    source: &Bound<'_, PyDict>,
    target: &Bound<'_, PyDict>,
    skip: &Bound<'_, PyAny>,
) -> PyResult<()> {
    for (name, value) in source.iter() {
        if !skip.contains(&name)? {
            target.set_item(name, value)?;
        }
    }
    Ok(())
}

/// `datetime_to_epoch`: whole seconds, rounded down.
pub fn epoch_seconds(micros: i64) -> i64 {
    micros.div_euclid(1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jti_is_a_uuid4_hex() {
        let jti = new_jti();
        assert_eq!(jti.len(), 32);
        assert!(jti.bytes().all(|b| HEX.contains(&b)));
        assert_eq!(&jti[12..13], "4");
        assert!(matches!(&jti[16..17], "8" | "9" | "a" | "b"));
        assert_ne!(new_jti(), jti);
    }

    #[test]
    fn epoch_seconds_round_down() {
        assert_eq!(epoch_seconds(1_999_999), 1);
        assert_eq!(epoch_seconds(-1), -1);
        assert_eq!(epoch_seconds(0), 0);
    }

    #[test]
    fn fallback_randomness_differs() {
        assert_ne!(fallback_random(), fallback_random());
    }
}
