//! Writes Python values as JSON, byte for byte as PyJWT does.
//!
//! PyJWT encodes with `json.dumps(payload, separators=(",", ":"))`: compact,
//! keys in insertion order, every non-ASCII character escaped as `\uXXXX`
//! (lowercase hex, surrogate pairs beyond the BMP), floats as `repr()`, and
//! `NaN` / `Infinity` spelled as Python spells them. Only the exact built-in
//! types are written here; anything else (a subclass, a UUID, a Decimal, a
//! datetime) returns `Error::Unencodable` so the caller can hand the payload
//! to `json.dumps` with the configured encoder and stay identical to PyJWT.
//!
//! No user code runs while a dict is walked (only exact built-in types are
//! read, and nothing the garbage collector tracks is allocated), so the
//! dict cannot change under the iterator.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use simplejwt_engine::json::write::{non_finite, write_i64, write_str};
use simplejwt_engine::json::MAX_DEPTH;
use simplejwt_engine::{Error, Result};

#[cfg(test)]
pub fn write_value(value: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> Result<()> {
    write(value, out, 0)
}

fn write(value: &Bound<'_, PyAny>, out: &mut Vec<u8>, depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::Unencodable);
    }
    if let Ok(text) = value.cast_exact::<PyString>() {
        write_str(text.to_str().map_err(|_| Error::Unencodable)?, out);
    } else if value.is_none() {
        out.extend_from_slice(b"null");
    } else if let Ok(flag) = value.cast_exact::<PyBool>() {
        out.extend_from_slice(if flag.is_true() { b"true" } else { b"false" });
    } else if let Ok(int) = value.cast_exact::<PyInt>() {
        write_int(int, out)?;
    } else if let Ok(float) = value.cast_exact::<PyFloat>() {
        write_float(float, out)?;
    } else if let Ok(dict) = value.cast_exact::<PyDict>() {
        write_dict(dict, out, depth)?;
    } else if let Ok(list) = value.cast_exact::<PyList>() {
        write_array(list.iter(), out, depth)?;
    } else if let Ok(tuple) = value.cast_exact::<PyTuple>() {
        write_array(tuple.iter(), out, depth)?;
    } else {
        return Err(Error::Unencodable);
    }
    Ok(())
}

/// A list or tuple, as a JSON array.
fn write_array<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<()> {
    out.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(&item, out, depth + 1)?;
    }
    out.push(b']');
    Ok(())
}

/// Writes a token payload as PyJWT would after adding the backend's claims:
/// `aud` and `iss` (when configured) replace the payload's own in place or
/// are appended, in that order. An `iss` that is not a string is refused
/// (`Unencodable`, so the caller's json-module path raises PyJWT's TypeError).
pub fn write_payload(
    dict: &Bound<'_, PyDict>,
    audience: Option<&Bound<'_, PyAny>>,
    issuer: Option<&Bound<'_, PyAny>>,
    out: &mut Vec<u8>,
) -> Result<()> {
    if issuer.is_some_and(|iss| !iss.is_exact_instance_of::<PyString>()) {
        return Err(Error::Unencodable);
    }
    out.push(b'{');
    let (mut wrote_aud, mut wrote_iss) = (false, false);
    for (i, (key, value)) in dict.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let name = match key.cast_exact::<PyString>() {
            Ok(text) => Some(text.to_str().map_err(|_| Error::Unencodable)?),
            Err(_) => None,
        };
        match name {
            Some(text) => write_str(text, out),
            None => write_key(&key, out)?,
        }
        out.push(b':');
        match (name, audience, issuer) {
            (Some("aud"), Some(aud), _) => {
                wrote_aud = true;
                write(aud, out, 1)?;
            }
            (Some("iss"), _, Some(iss)) => {
                wrote_iss = true;
                write(iss, out, 1)?;
            }
            (Some("iss"), _, None) if !value.is_exact_instance_of::<PyString>() => {
                return Err(Error::Unencodable);
            }
            _ => write(&value, out, 1)?,
        }
    }
    let mut first = dict.is_empty();
    for (name, value, written) in [("aud", audience, wrote_aud), ("iss", issuer, wrote_iss)] {
        if let (Some(value), false) = (value, written) {
            if !first {
                out.push(b',');
            }
            first = false;
            write_str(name, out);
            out.push(b':');
            write(value, out, 1)?;
        }
    }
    out.push(b'}');
    Ok(())
}

fn write_dict(dict: &Bound<'_, PyDict>, out: &mut Vec<u8>, depth: usize) -> Result<()> {
    out.push(b'{');
    for (i, (key, value)) in dict.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_key(&key, out)?;
        out.push(b':');
        write(&value, out, depth + 1)?;
    }
    out.push(b'}');
    Ok(())
}

/// `json.dumps` also accepts int, float, bool and None keys, written as strings.
fn write_key(key: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> Result<()> {
    if let Ok(text) = key.cast_exact::<PyString>() {
        write_str(text.to_str().map_err(|_| Error::Unencodable)?, out);
        return Ok(());
    }
    let mut scalar = Vec::new();
    if key.is_none()
        || key.is_exact_instance_of::<PyBool>()
        || key.is_exact_instance_of::<PyInt>()
        || key.is_exact_instance_of::<PyFloat>()
    {
        write(key, &mut scalar, MAX_DEPTH)?;
    } else {
        return Err(Error::Unencodable);
    }
    out.push(b'"');
    out.extend_from_slice(&scalar);
    out.push(b'"');
    Ok(())
}

fn write_int(int: &Bound<'_, PyInt>, out: &mut Vec<u8>) -> Result<()> {
    if let Ok(small) = int.extract::<i64>() {
        write_i64(small, out);
    } else {
        let text = int.str().map_err(|_| Error::Unencodable)?;
        out.extend_from_slice(text.to_str().map_err(|_| Error::Unencodable)?.as_bytes());
    }
    Ok(())
}

fn write_float(float: &Bound<'_, PyFloat>, out: &mut Vec<u8>) -> Result<()> {
    if let Some(spelling) = non_finite(float.value()) {
        out.extend_from_slice(spelling);
    } else {
        // Python's own repr, so the digits are exactly json.dumps's.
        let text = float.repr().map_err(|_| Error::Unencodable)?;
        out.extend_from_slice(text.to_str().map_err(|_| Error::Unencodable)?.as_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::ffi::c_str;

    #[test]
    fn values_match_json_dumps() {
        Python::initialize();
        Python::attach(|py| {
            let json = py.import("json").unwrap();
            let samples = py
                .eval(
                    c_str!(
                        "[{'a': 1, 'b': [1.5, True, None, 'x\\u00e9'], 'c': {'d': -2**70}, 'e': (1, 2)},\
                          {1: 'int key', 2.5: 'float key', None: 'n', True: 't'},\
                          {'f': [float('nan'), float('inf'), -float('inf'), 1e16, 1e-7, 0.1, -0.0]},\
                          {}, [], '\\U0001f600']"
                    ),
                    None,
                    None,
                )
                .unwrap();
            for sample in samples.try_iter().unwrap() {
                let sample = sample.unwrap();
                let mut out = Vec::new();
                write_value(&sample, &mut out).unwrap();
                let kwargs = PyDict::new(py);
                kwargs.set_item("separators", (",", ":")).unwrap();
                let expected: String = json
                    .call_method("dumps", (&sample,), Some(&kwargs))
                    .unwrap()
                    .extract()
                    .unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), expected);
            }
        });
    }

    #[test]
    fn foreign_types_are_left_to_python() {
        Python::initialize();
        Python::attach(|py| {
            for code in [
                c_str!("__import__('uuid').uuid4()"),
                c_str!("__import__('decimal').Decimal('1.5')"),
                c_str!("{'k': {1, 2}}"),
                c_str!("{(1, 2): 'tuple key'}"),
                c_str!("'lone \\ud800 surrogate'"),
                c_str!("__import__('collections').OrderedDict(a=1)"),
            ] {
                let value = py.eval(code, None, None).unwrap();
                let mut out = Vec::new();
                assert_eq!(write_value(&value, &mut out), Err(Error::Unencodable));
            }
        });
    }

    #[test]
    fn overrides_replace_in_place_or_append() {
        Python::initialize();
        Python::attach(|py| {
            let dict = py
                .eval(c_str!("{'exp': 1, 'aud': 'old'}"), None, None)
                .unwrap()
                .cast_into::<PyDict>()
                .unwrap();
            let aud = PyString::new(py, "new").into_any();
            let iss = PyString::new(py, "me").into_any();
            let mut out = Vec::new();
            write_payload(&dict, Some(&aud), Some(&iss), &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                r#"{"exp":1,"aud":"new","iss":"me"}"#
            );
        });
    }
}
