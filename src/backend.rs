//! The Python-facing engine: one object per token backend configuration.
//!
//! An `Engine` holds the pinned algorithm, the key material (parsed on first
//! use, then kept), the audience and the issuer. Its methods do a whole token
//! operation per call. The GIL is released around asymmetric signing and
//! verification, where the time goes; HMAC is cheaper than the round trip.

use std::sync::{Arc, OnceLock};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::algorithms::Algorithm;
use crate::claims::{self, ClaimRules, TokenRules};
use crate::errors::{Error, Result};
use crate::json_py;
use crate::json_read::{self, ParseError, Value};
use crate::json_write;
use crate::jwk::Jwk;
use crate::jws;
use crate::keys::{SigningKey, VerifyingKey};

type Lazy<T> = OnceLock<Result<Arc<T>>>;

#[pyclass(frozen, module = "rest_framework_simplejwt._native")]
pub struct Engine {
    algorithm: Algorithm,
    signing_material: Option<Vec<u8>>,
    verifying_material: Option<Vec<u8>>,
    signing_key: Lazy<SigningKey>,
    verifying_key: Lazy<VerifyingKey>,
    /// As configured, written into tokens unchanged.
    audience_value: Option<Py<PyAny>>,
    issuer_value: Option<Py<PyAny>>,
    /// The same, as lists of accepted values for validation.
    audiences: Option<Vec<String>>,
    issuers: Option<Vec<String>>,
    header_b64: String,
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (algorithm, signing_key=None, verifying_key=None, audience=None, issuer=None))]
    fn new(
        algorithm: &str,
        signing_key: Option<&Bound<'_, PyAny>>,
        verifying_key: Option<&Bound<'_, PyAny>>,
        audience: Option<&Bound<'_, PyAny>>,
        issuer: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let algorithm = Algorithm::from_name(algorithm)?;
        let audience = audience.filter(|value| !value.is_none());
        let issuer = issuer.filter(|value| !value.is_none());
        Ok(Engine {
            algorithm,
            signing_material: key_material(signing_key)?,
            verifying_material: key_material(verifying_key)?.filter(|bytes| !bytes.is_empty()),
            signing_key: OnceLock::new(),
            verifying_key: OnceLock::new(),
            audiences: audience.map(string_list).transpose()?,
            issuers: issuer.map(string_list).transpose()?,
            audience_value: audience.map(|value| value.clone().unbind()),
            issuer_value: issuer.map(|value| value.clone().unbind()),
            header_b64: jws::header_b64(algorithm),
        })
    }

    #[getter]
    fn algorithm(&self) -> &'static str {
        self.algorithm.name()
    }

    /// Signs `payload` (a dict) with `aud` / `iss` added as configured.
    /// Raises JWTError("unencodable") when a value needs Python's json module.
    fn encode(&self, py: Python<'_>, payload: &Bound<'_, PyAny>) -> PyResult<String> {
        let payload = payload
            .cast_exact::<PyDict>()
            .map_err(|_| Error::Unencodable)?;
        let audience = self.audience_value.as_ref().map(|value| value.bind(py));
        let issuer = self.issuer_value.as_ref().map(|value| value.bind(py));
        let mut json = Vec::with_capacity(256);
        json_write::write_payload(payload, audience, issuer, &mut json)?;
        self.sign(py, &json, None)
    }

    /// Signs an already serialized payload, under the engine's own header
    /// or, given `header_json`, under that one (a custom JSON encoder
    /// writes the header too, as PyJWT has it write it).
    #[pyo3(signature = (payload_json, header_json=None))]
    fn sign(
        &self,
        py: Python<'_>,
        payload_json: &[u8],
        header_json: Option<&[u8]>,
    ) -> PyResult<String> {
        let key = self.signing_key_ref()?;
        let header_b64 = match header_json {
            Some(header) => crate::base64url::encode(header),
            None => self.header_b64.clone(),
        };
        let mut token = jws::signing_input(&header_b64, payload_json, 700);
        let signature = if key.is_asymmetric() {
            let input = token.as_bytes();
            let algorithm = self.algorithm;
            py.detach(|| key.sign(algorithm, input))?
        } else {
            key.sign(self.algorithm, token.as_bytes())?
        };
        token.push('.');
        crate::base64url::encode_into(&signature, &mut token);
        Ok(token)
    }

    /// PyJWT's `decode`: with `verify`, the algorithm, the signature and the
    /// registered claims are checked; without it, only the structure.
    #[pyo3(signature = (token, verify, now_us, leeway_us, key=None))]
    fn decode<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        verify: bool,
        now_us: i64,
        leeway_us: i64,
        key: Option<&Key>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let rules = verify.then(|| self.claim_rules(now_us, leeway_us));
        self.decode_with(py, token, rules, None, key)
    }

    /// `decode` followed by `Token.verify`'s checks, in one call.
    #[pyo3(signature = (token, now_us, leeway_us, type_claim, expected_type, jti_claim, key=None))]
    #[allow(clippy::too_many_arguments)]
    fn decode_token<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        now_us: i64,
        leeway_us: i64,
        type_claim: Option<&str>,
        expected_type: Option<&str>,
        jti_claim: Option<&str>,
        key: Option<&Key>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let token_rules = TokenRules {
            type_claim,
            expected_type,
            jti_claim,
        };
        let rules = Some(self.claim_rules(now_us, leeway_us));
        self.decode_with(py, token, rules, Some(&token_rules), key)
    }

    /// A callable `(token, now_us) -> payload` doing `decode_token` with the
    /// rest of the arguments fixed: what a token class calls per request.
    #[pyo3(signature = (leeway_us, type_claim, expected_type, jti_claim))]
    fn token_decoder(
        slf: Py<Engine>,
        leeway_us: i64,
        type_claim: Option<String>,
        expected_type: Option<String>,
        jti_claim: Option<String>,
    ) -> TokenDecoder {
        TokenDecoder {
            engine: slf,
            leeway_us,
            type_claim,
            expected_type,
            jti_claim,
        }
    }

    /// The signing key, parsed (raises JWTError("key") if it cannot be).
    fn signing_key(&self) -> PyResult<Key> {
        Ok(Key {
            algorithm: self.algorithm,
            verifying: None,
            signing: Some(self.signing_key_ref()?),
        })
    }

    /// The key tokens are verified with, parsed.
    fn verifying_key(&self) -> PyResult<Key> {
        Ok(Key {
            algorithm: self.algorithm,
            verifying: Some(self.verifying_key_ref()?),
            signing: None,
        })
    }
}

impl Engine {
    pub(crate) fn claim_rules(&self, now_us: i64, leeway_us: i64) -> ClaimRules<'_> {
        ClaimRules {
            now_us,
            leeway_us,
            audience: self.audiences.as_deref(),
            issuer: self.issuers.as_deref(),
        }
    }

    pub(crate) fn decode_with<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        rules: Option<ClaimRules<'_>>,
        token_rules: Option<&TokenRules<'_>>,
        key: Option<&Key>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let raw = token_bytes(token)?;
        let compact = jws::parse(raw, Some((self.header_b64.as_bytes(), self.algorithm)))?;
        if rules.is_some() {
            // Authenticate before reading the payload.
            compact.check_algorithm(self.algorithm)?;
            let key = match key {
                Some(key) => key.verifying_for(self.algorithm)?,
                None => self.verifying_key_ref()?,
            };
            let (input, signature) = (compact.signing_input, compact.signature.as_slice());
            let valid = if key.is_asymmetric() {
                py.detach(|| key.verify(input, signature))
            } else {
                key.verify(input, signature)
            };
            if !valid {
                return Err(Error::Signature.into());
            }
        }
        let payload = json_read::parse(&compact.payload).map_err(|err| match err {
            ParseError::TooDeep => Error::Malformed("payload nests too deeply"),
            _ => Error::Malformed("payload is not JSON"),
        })?;
        let Value::Object(members) = &payload else {
            return Err(Error::Malformed("payload is not a JSON object").into());
        };
        if let Some(rules) = &rules {
            claims::validate_registered(&payload, rules)?;
            if let Some(token_rules) = token_rules {
                claims::validate_token(&payload, token_rules)?;
            }
        }
        json_py::object(py, members)
            .map_err(|_| Error::Malformed("payload holds a value Python cannot represent").into())
    }

    fn signing_key_ref(&self) -> Result<Arc<SigningKey>> {
        self.signing_key
            .get_or_init(|| {
                let material = self.signing_material.as_deref().ok_or_else(|| {
                    Error::Key(format!(
                        "{} needs a signing key, and none is set",
                        self.algorithm.name()
                    ))
                })?;
                SigningKey::parse(self.algorithm, material).map(Arc::new)
            })
            .clone()
    }

    fn verifying_key_ref(&self) -> Result<Arc<VerifyingKey>> {
        self.verifying_key
            .get_or_init(|| {
                // HMAC verifies with the signing secret; the other algorithms
                // with the configured public key, or the signing key's public half.
                match (&self.verifying_material, self.algorithm.is_symmetric()) {
                    (Some(material), false) => {
                        VerifyingKey::parse(self.algorithm, material).map(Arc::new)
                    }
                    _ => self
                        .signing_key_ref()
                        .and_then(|key| key.verifying_key(self.algorithm))
                        .map(Arc::new),
                }
            })
            .clone()
    }
}

/// `Engine.decode_token` with everything but the token and the time bound.
#[pyclass(frozen, module = "rest_framework_simplejwt._native")]
pub struct TokenDecoder {
    engine: Py<Engine>,
    leeway_us: i64,
    type_claim: Option<String>,
    expected_type: Option<String>,
    jti_claim: Option<String>,
}

#[pymethods]
impl TokenDecoder {
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        now_us: i64,
    ) -> PyResult<Bound<'py, PyDict>> {
        let engine = self.engine.get();
        let token_rules = TokenRules {
            type_claim: self.type_claim.as_deref(),
            expected_type: self.expected_type.as_deref(),
            jti_claim: self.jti_claim.as_deref(),
        };
        let rules = Some(engine.claim_rules(now_us, self.leeway_us));
        engine.decode_with(py, token, rules, Some(&token_rules), None)
    }
}

/// A class attribute that reads `name` from `target` on every access, so a
/// class can expose a setting that may change while the process runs
/// (`AccessToken.lifetime` is `api_settings.ACCESS_TOKEN_LIFETIME`).
/// Assigning the attribute on a subclass replaces it, as with any class
/// attribute.
#[pyclass(frozen, module = "rest_framework_simplejwt._native")]
pub struct AttributeProxy {
    target: Py<PyAny>,
    name: Py<PyString>,
}

#[pymethods]
impl AttributeProxy {
    #[new]
    fn new(target: Py<PyAny>, name: Py<PyString>) -> Self {
        AttributeProxy { target, name }
    }

    fn __get__<'py>(
        &self,
        py: Python<'py>,
        _instance: Option<&Bound<'py, PyAny>>,
        _owner: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.target.bind(py).getattr(self.name.bind(py))
    }

    #[getter]
    fn name(&self, py: Python<'_>) -> Py<PyString> {
        self.name.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("<AttributeProxy {}>", self.name.bind(py))
    }
}

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
        let algorithm = Algorithm::from_name(algorithm)?;
        let member = |name: &str| -> PyResult<Option<String>> {
            match jwk.get_item(name)? {
                Some(value) if !value.is_none() => {
                    Ok(Some(value.extract::<String>().map_err(|_| {
                        Error::Key(format!("the JWK's '{name}' is not a string"))
                    })?))
                }
                _ => Ok(None),
            }
        };
        let parsed = Jwk {
            kty: member("kty")?,
            alg: member("alg")?,
            use_: member("use")?,
            crv: member("crv")?,
            n: member("n")?,
            e: member("e")?,
            x: member("x")?,
            y: member("y")?,
            k: member("k")?,
        };
        Ok(Key {
            algorithm,
            verifying: Some(Arc::new(parsed.verifying_key(algorithm)?)),
            signing: None,
        })
    }

    /// A verifying key from PEM text (or an HMAC secret) for `algorithm`.
    #[staticmethod]
    fn from_pem(algorithm: &str, material: &Bound<'_, PyAny>) -> PyResult<Key> {
        let algorithm = Algorithm::from_name(algorithm)?;
        let material = key_material(Some(material))?.unwrap_or_default();
        Ok(Key {
            algorithm,
            verifying: Some(Arc::new(VerifyingKey::parse(algorithm, &material)?)),
            signing: None,
        })
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

impl Key {
    fn verifying_for(&self, algorithm: Algorithm) -> Result<Arc<VerifyingKey>> {
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

/// The bytes of a token given as str or bytes, as PyJWT accepts.
fn token_bytes<'a>(token: &'a Bound<'_, PyAny>) -> Result<&'a [u8]> {
    if let Ok(text) = token.cast::<PyString>() {
        // Refused before encoding, which costs time linear in the size for a
        // non-ASCII str: more code points than the limit means more bytes.
        if text.len().map_or(true, |len| len > jws::MAX_TOKEN_BYTES) {
            return Err(Error::TooLarge);
        }
        text.to_str()
            .map(str::as_bytes)
            .map_err(|_| Error::Malformed("token is not valid text"))
    } else if let Ok(bytes) = token.cast::<PyBytes>() {
        Ok(bytes.as_bytes())
    } else {
        Err(Error::Malformed("token must be str or bytes"))
    }
}

fn key_material(key: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<u8>>> {
    let Some(key) = key.filter(|key| !key.is_none()) else {
        return Ok(None);
    };
    if let Ok(text) = key.cast::<PyString>() {
        Ok(Some(text.to_str()?.as_bytes().to_vec()))
    } else if let Ok(bytes) = key.cast::<PyBytes>() {
        Ok(Some(bytes.as_bytes().to_vec()))
    } else {
        Err(PyTypeError::new_err(format!(
            "a key must be str or bytes, not {}",
            key.get_type().name()?
        )))
    }
}

/// A string, or any iterable of strings, as a list.
fn string_list(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(vec![text.to_str()?.to_owned()]);
    }
    value
        .try_iter()?
        .map(|item| {
            item?.extract::<String>().map_err(|_| {
                PyTypeError::new_err(
                    "AUDIENCE and ISSUER must be strings or collections of strings",
                )
            })
        })
        .collect()
}
