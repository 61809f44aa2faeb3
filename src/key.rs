//! `_native.Key`: a parsed key, for keys that do not come from the
//! settings (a JWKS endpoint's) and for showing that the configured ones
//! parse (the system checks).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use simplejwt_engine::algorithms::Algorithm;
use simplejwt_engine::jwk::Jwk;
use simplejwt_engine::keys::{SigningKey, VerifyingKey};
use simplejwt_engine::{Error, Result};

use crate::error::OrRaise;
use crate::text::key_material;

/// A parsed key, for keys that do not come from the settings (a JWKS
/// endpoint's) and for showing that the configured ones parse.
#[pyclass(frozen, module = "rest_framework_simplejwt._native")]
pub struct Key {
    algorithm: Algorithm,
    verifying: Option<Arc<VerifyingKey>>,
    signing: Option<Arc<SigningKey>>,
}

#[pymethods]
impl Key {
    /// A verifying key from a JWK (a dict of its members) for `algorithm`.
    #[staticmethod]
    fn from_jwk(jwk: &Bound<'_, PyDict>, algorithm: &str) -> PyResult<Key> {
        let algorithm = Algorithm::from_name(algorithm).or_raise()?;
        let parsed = jwk_from_dict(jwk)?;
        let verifying = parsed.verifying_key(algorithm).or_raise()?;
        Ok(Key::verifying(algorithm, Arc::new(verifying)))
    }

    /// A verifying key from PEM text (or an HMAC secret) for `algorithm`.
    #[staticmethod]
    fn from_pem(algorithm: &str, material: &Bound<'_, PyAny>) -> PyResult<Key> {
        let algorithm = Algorithm::from_name(algorithm).or_raise()?;
        let material = key_material(Some(material))?.unwrap_or_default();
        let verifying = VerifyingKey::parse(algorithm, &material).or_raise()?;
        Ok(Key::verifying(algorithm, Arc::new(verifying)))
    }

    #[getter]
    fn algorithm(&self) -> &'static str {
        self.algorithm.name()
    }

    #[getter]
    fn is_private(&self) -> bool {
        self.signing.is_some()
    }

    fn __repr__(&self) -> String {
        let kind = if self.signing.is_some() {
            "signing"
        } else {
            "verifying"
        };
        format!("<Key {} {kind}>", self.algorithm.name())
    }
}

/// The members of a JWK given as a dict (each a string when present).
pub fn jwk_from_dict(jwk: &Bound<'_, PyDict>) -> PyResult<Jwk> {
    let member = |name: &str| -> PyResult<Option<String>> {
        match jwk.get_item(name)? {
            Some(value) if !value.is_none() => value
                .extract::<String>()
                .map(Some)
                .map_err(|_| Error::Key(format!("the JWK's '{name}' is not a string")))
                .or_raise(),
            _ => Ok(None),
        }
    };
    Ok(Jwk {
        kty: member("kty")?,
        alg: member("alg")?,
        use_: member("use")?,
        crv: member("crv")?,
        n: member("n")?,
        e: member("e")?,
        x: member("x")?,
        y: member("y")?,
        k: member("k")?,
    })
}

impl Key {
    pub fn signing(algorithm: Algorithm, key: Arc<SigningKey>) -> Key {
        Key {
            algorithm,
            verifying: None,
            signing: Some(key),
        }
    }

    pub fn verifying(algorithm: Algorithm, key: Arc<VerifyingKey>) -> Key {
        Key {
            algorithm,
            verifying: Some(key),
            signing: None,
        }
    }

    /// The key to verify `algorithm`'s signatures with.
    pub fn verifying_for(&self, algorithm: Algorithm) -> Result<Arc<VerifyingKey>> {
        if self.algorithm != algorithm {
            return Err(Error::Algorithm("the key is for another algorithm"));
        }
        match (&self.verifying, &self.signing) {
            (Some(key), _) => Ok(key.clone()),
            (None, Some(key)) => key.verifying_key(algorithm).map(Arc::new),
            (None, None) => Err(Error::Key("empty key".to_owned())),
        }
    }
}

/// The public JWK members (`kty`, `crv`, `n`/`e` or `x`/`y`) of a PEM key
/// for `algorithm`. Raises JWTError("key") for HMAC secrets, which are never
/// published, and for keys that do not fit the algorithm.
#[pyfunction]
pub fn public_jwk<'py>(
    py: Python<'py>,
    algorithm: &str,
    material: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let algorithm = Algorithm::from_name(algorithm).or_raise()?;
    let material = key_material(Some(material))?.unwrap_or_default();
    let members = simplejwt_engine::jwk::public_jwk(algorithm, &material).or_raise()?;
    let jwk = PyDict::new(py);
    for (name, value) in members {
        jwk.set_item(name, value)?;
    }
    Ok(jwk)
}

/// A new private key for `algorithm` as PKCS#8 PEM (RSA: 2048 bits).
/// Raises JWTError("key") for HMAC algorithms, whose keys are secrets.
#[pyfunction]
pub fn generate_private_key(py: Python<'_>, algorithm: &str) -> PyResult<String> {
    let algorithm = Algorithm::from_name(algorithm).or_raise()?;
    py.detach(|| simplejwt_engine::keys::generate_private_pem(algorithm))
        .or_raise()
}
