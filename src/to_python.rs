//! Builds the Python objects `json.loads` would return for a parsed document.
//!
//! The one failure that is about the token (an integer with more digits
//! than Python's `int()` accepts, which `json.loads` refuses too) becomes an
//! invalid-token error; any other Python error (`MemoryError`, ...)
//! propagates as it is.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString};
use pyo3::IntoPyObjectExt;
use simplejwt_engine::json::{JsonStr, Value};
use simplejwt_engine::Error;

use crate::error::to_py;

pub fn to_python<'py>(py: Python<'py>, value: &Value<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => flag.into_bound_py_any(py)?,
        Value::Int(int) => int.into_bound_py_any(py)?,
        Value::BigInt(digits) => big_int(py, digits)?,
        Value::Float(float) => PyFloat::new(py, *float).into_any(),
        Value::Str(text) => string(py, text)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(members) => object(py, members)?.into_any(),
    })
}

pub fn object<'py>(
    py: Python<'py>,
    members: &[(JsonStr<'_>, Value<'_>)],
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in members {
        let key = match key.as_str().and_then(|text| known_claim(py, text)) {
            Some(interned) => interned,
            None => string(py, key)?,
        };
        dict.set_item(key, to_python(py, value)?)?;
    }
    Ok(dict)
}

/// Claim names simplejwt and its users read on every request. Reusing one
/// interned string per name saves an allocation and a hash per claim, and
/// makes later lookups with the same literal compare by identity.
const KNOWN_CLAIMS: [&str; 14] = [
    "token_type",
    "exp",
    "iat",
    "jti",
    "user_id",
    "nbf",
    "iss",
    "aud",
    "sub",
    "refresh_exp",
    "hash_password",
    "username",
    "is_staff",
    "is_superuser",
];

fn known_claim<'py>(py: Python<'py>, name: &str) -> Option<Bound<'py, PyString>> {
    static INTERNED: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
    let position = KNOWN_CLAIMS.iter().position(|known| *known == name)?;
    let interned = INTERNED.get_or_init(py, || {
        KNOWN_CLAIMS
            .iter()
            .map(|known| PyString::intern(py, known).unbind())
            .collect()
    });
    interned.get(position).map(|s| s.bind(py).clone())
}

fn string<'py>(py: Python<'py>, text: &JsonStr<'_>) -> PyResult<Bound<'py, PyString>> {
    match text {
        JsonStr::Text(text) => Ok(PyString::new(py, text)),
        JsonStr::Utf16(units) => {
            let bytes: Vec<u8> = units.iter().flat_map(|unit| unit.to_le_bytes()).collect();
            PyString::from_encoded_object(
                &PyBytes::new(py, &bytes),
                Some(pyo3::ffi::c_str!("utf-16-le")),
                Some(pyo3::ffi::c_str!("surrogatepass")),
            )
        }
    }
}

/// Integers beyond i64 go through `int()`, which also enforces Python's
/// limit on the number of digits, as `json.loads` does.
fn big_int<'py>(py: Python<'py>, digits: &str) -> PyResult<Bound<'py, PyAny>> {
    static INT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let int = INT.get_or_try_init(py, || {
        py.import("builtins")?.getattr("int").map(Bound::unbind)
    })?;
    int.bind(py).call1((digits,)).map_err(|err| {
        if err.is_instance_of::<PyValueError>(py) {
            to_py(Error::Malformed("payload holds an integer Python refuses"))
        } else {
            err
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::ffi::c_str;
    use simplejwt_engine::json::parse;

    #[test]
    fn matches_json_loads() {
        Python::initialize();
        Python::attach(|py| {
            let json = py.import("json").unwrap();
            for doc in [
                r#"{"a":1,"b":[1.5,true,null,"x\u00e9"],"c":{"d":-1180591620717411303424}}"#,
                r#"{"a":1,"b":2,"a":3}"#,
                r#"{"s":"\ud83d\ude00 \ud800","n":[NaN,Infinity,-Infinity,1e400]}"#,
                r#"[[], {}, "", 0, -0, 0.0, -0.0]"#,
            ] {
                let ours = to_python(py, &parse(doc.as_bytes()).unwrap()).unwrap();
                let theirs = json.call_method1("loads", (doc,)).unwrap();
                let ours_repr = ours.repr().unwrap().to_string();
                let theirs_repr = theirs.repr().unwrap().to_string();
                assert_eq!(ours_repr, theirs_repr, "{doc}");
            }
            // repr shows dict order: a repeated key keeps its first position.
            let ours = to_python(py, &parse(br#"{"a":1,"b":2,"a":3}"#).unwrap()).unwrap();
            let expected = py.eval(c_str!("{'a': 3, 'b': 2}"), None, None).unwrap();
            assert!(ours.eq(expected).unwrap());
        });
    }

    #[test]
    fn digit_limit_is_an_error_not_a_crash() {
        Python::initialize();
        Python::attach(|py| {
            let huge = "9".repeat(5000);
            let err = to_python(py, &parse(huge.as_bytes()).unwrap()).unwrap_err();
            assert!(err.is_instance_of::<crate::error::JWTError>(py));
        });
    }
}
