//! Tokens and keys arrive as `str` or `bytes`, as PyJWT accepts them; this
//! is the one place that reads either.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use simplejwt_engine::jws::MAX_TOKEN_BYTES;
use simplejwt_engine::Error;

use crate::error::to_py;

pub enum TextError {
    /// Longer than the caller's limit (counted before any encoding).
    TooLong,
    /// A `str` that is not valid text (a lone surrogate): the encoding error.
    NotUtf8(PyErr),
    /// Neither `str` nor `bytes`.
    WrongType,
}

/// The bytes of `value`: a `str` as UTF-8 (borrowed from Python's cache of
/// it), or a `bytes` object's contents. A `str` longer than `max_len` code
/// points is refused before it is encoded, which costs time linear in its
/// size: more code points than the limit means more bytes.
pub fn str_or_bytes<'a>(
    value: &'a Bound<'_, PyAny>,
    max_len: Option<usize>,
) -> Result<&'a [u8], TextError> {
    let too_long = |len: usize| max_len.is_some_and(|max| len > max);
    if let Ok(text) = value.cast::<PyString>() {
        if max_len.is_some() && text.len().map_or(true, too_long) {
            return Err(TextError::TooLong);
        }
        text.to_str().map(str::as_bytes).map_err(TextError::NotUtf8)
    } else if let Ok(bytes) = value.cast::<PyBytes>() {
        let bytes = bytes.as_bytes();
        if too_long(bytes.len()) {
            return Err(TextError::TooLong);
        }
        Ok(bytes)
    } else {
        Err(TextError::WrongType)
    }
}

/// A token's bytes; anything else is an invalid token, as in PyJWT.
pub fn token_bytes<'a>(token: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    str_or_bytes(token, Some(MAX_TOKEN_BYTES)).map_err(|err| {
        to_py(match err {
            TextError::TooLong => Error::TooLarge,
            TextError::NotUtf8(_) => Error::Malformed("token is not valid text"),
            TextError::WrongType => Error::Malformed("token must be str or bytes"),
        })
    })
}

/// Key material (a PEM text or an HMAC secret) as bytes; None for None.
pub fn key_material(key: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<u8>>> {
    let Some(key) = key.filter(|key| !key.is_none()) else {
        return Ok(None);
    };
    match str_or_bytes(key, None) {
        Ok(bytes) => Ok(Some(bytes.to_vec())),
        Err(TextError::NotUtf8(err)) => Err(err),
        Err(TextError::TooLong | TextError::WrongType) => Err(PyTypeError::new_err(format!(
            "a key must be str or bytes, not {}",
            key.get_type().name()?
        ))),
    }
}
