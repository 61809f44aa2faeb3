//! The one conversion from engine errors to Python exceptions.
//!
//! Python never sees a Rust panic or a Rust type: an engine failure becomes
//! a `_native.JWTError` whose `args` are `(kind, detail)` (plus the claim
//! name for `no_claim`). The Python layer maps `kind` onto upstream's
//! exception classes and translated messages; `detail` is for logs and
//! developers, never shown to API clients. A date beyond what the engine
//! writes raises `OverflowError`, as upstream's datetime arithmetic does.

use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::PyErr;
use simplejwt_engine::Error;

pyo3::create_exception!(
    _native,
    JWTError,
    PyValueError,
    "Raised by the native engine. args are (kind, detail[, claim])."
);

/// The Python exception for an engine error.
pub fn to_py(err: Error) -> PyErr {
    let detail = err.to_string();
    match err {
        Error::MissingClaim(claim) => JWTError::new_err(("no_claim", detail, claim)),
        Error::DateOutOfRange => PyOverflowError::new_err(detail),
        other => JWTError::new_err((other.kind(), detail)),
    }
}

/// `?` for engine results in functions that return `PyResult` (the orphan
/// rule forbids `From<Error> for PyErr` outside pyo3 and the engine).
pub trait OrRaise<T> {
    fn or_raise(self) -> pyo3::PyResult<T>;
}

impl<T> OrRaise<T> for simplejwt_engine::Result<T> {
    fn or_raise(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::prelude::*;

    #[test]
    fn python_error_carries_kind_detail_and_claim() {
        Python::initialize();
        Python::attach(|py| {
            let err = to_py(Error::MissingClaim("exp".into()));
            let args: (String, String, String) =
                err.value(py).getattr("args").unwrap().extract().unwrap();
            assert_eq!(args.0, "no_claim");
            assert_eq!(args.2, "exp");
            let err = to_py(Error::Signature);
            assert!(err.is_instance_of::<JWTError>(py));
            assert!(err.is_instance_of::<PyValueError>(py));
            let args: (String, String) = err.value(py).getattr("args").unwrap().extract().unwrap();
            assert_eq!(args.0, "invalid");
            assert!(to_py(Error::DateOutOfRange).is_instance_of::<PyOverflowError>(py));
        });
    }
}
