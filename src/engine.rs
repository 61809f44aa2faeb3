//! `_native.Engine`: one object per token backend configuration (the
//! backend's fast paths).
//!
//! An `Engine` holds the pinned algorithm, the key material (parsed on first
//! use, then kept), the audience and the issuer. Its methods do a whole token
//! operation per call. The GIL is released around asymmetric signing and
//! verification, where the time goes; HMAC is cheaper than the round trip.

use std::sync::{Arc, OnceLock};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use simplejwt_engine::algorithms::Algorithm;
use simplejwt_engine::claims::{self, ClaimRules, TokenRules};
use simplejwt_engine::json::{self, ParseError, Value};
use simplejwt_engine::keyring::{KeyMaterial, KeyRing};
use simplejwt_engine::keys::{SigningKey, VerifyingKey};
use simplejwt_engine::{base64url, jws, Error, Result};

use crate::error::OrRaise;
use crate::from_python;
use crate::key::{jwk_from_dict, Key};
use crate::text::{key_material, token_bytes};
use crate::to_python;

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
    /// `SIGNING_KEY_ID`, written into minted tokens' headers.
    key_id: Option<String>,
    /// The other verifying keys (`VERIFYING_KEYS`, fallbacks) as given,
    /// parsed on first use into `ring`; None when there are none.
    ring_material: Option<RingMaterial>,
    ring: Lazy<KeyRing>,
}

struct RingMaterial {
    named: Vec<(String, KeyMaterial)>,
    fallbacks: Vec<KeyMaterial>,
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (
        algorithm, signing_key=None, verifying_key=None, audience=None, issuer=None,
        *, key_id=None, verifying_keys=None, fallback_keys=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        algorithm: &str,
        signing_key: Option<&Bound<'_, PyAny>>,
        verifying_key: Option<&Bound<'_, PyAny>>,
        audience: Option<&Bound<'_, PyAny>>,
        issuer: Option<&Bound<'_, PyAny>>,
        key_id: Option<&Bound<'_, PyAny>>,
        verifying_keys: Option<&Bound<'_, PyAny>>,
        fallback_keys: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let algorithm = Algorithm::from_name(algorithm).or_raise()?;
        let audience = audience.filter(|value| !value.is_none());
        let issuer = issuer.filter(|value| !value.is_none());
        let key_id = match key_id.filter(|value| !value.is_none()) {
            None => None,
            Some(value) => Some(
                value
                    .extract::<String>()
                    .map_err(|_| Error::Key("SIGNING_KEY_ID must be a string".to_owned()))
                    .or_raise()?,
            ),
        };
        let named = match verifying_keys.filter(|value| !value.is_none()) {
            None => Vec::new(),
            Some(keys) => named_materials(keys)?,
        };
        let fallbacks = match fallback_keys.filter(|value| !value.is_none()) {
            None => Vec::new(),
            Some(keys) => keys
                .try_iter()?
                .map(|key| material(&key?, "a fallback key"))
                .collect::<PyResult<Vec<_>>>()?,
        };
        let header_b64 = match &key_id {
            Some(kid) => base64url::encode(&jws::header_json_with_kid(algorithm, kid)),
            None => jws::header_b64(algorithm),
        };
        let ring_material = (key_id.is_some() || !named.is_empty() || !fallbacks.is_empty())
            .then_some(RingMaterial { named, fallbacks });
        Ok(Engine {
            key_id,
            ring_material,
            ring: OnceLock::new(),
            algorithm,
            signing_material: key_material(signing_key)?,
            verifying_material: key_material(verifying_key)?.filter(|bytes| !bytes.is_empty()),
            signing_key: OnceLock::new(),
            verifying_key: OnceLock::new(),
            audiences: audience.map(string_list).transpose()?,
            issuers: issuer.map(string_list).transpose()?,
            audience_value: audience.map(|value| value.clone().unbind()),
            issuer_value: issuer.map(|value| value.clone().unbind()),
            header_b64,
        })
    }

    /// `SIGNING_KEY_ID`, as minted tokens carry it.
    #[getter]
    fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// Parses the other verifying keys now (raises JWTError("key") naming
    /// the first that cannot be), as verification would on first use.
    fn check_keys(&self) -> PyResult<()> {
        self.ring_ref().or_raise().map(|_| ())
    }

    #[getter]
    fn algorithm(&self) -> &'static str {
        self.algorithm.name()
    }

    /// Signs `payload` (a dict) with `aud` / `iss` added as configured.
    /// Raises JWTError("unencodable") when a value needs Python's json module.
    pub(crate) fn encode(&self, py: Python<'_>, payload: &Bound<'_, PyAny>) -> PyResult<String> {
        let payload = payload
            .cast_exact::<PyDict>()
            .map_err(|_| Error::Unencodable)
            .or_raise()?;
        let audience = self.audience_value.as_ref().map(|value| value.bind(py));
        let issuer = self.issuer_value.as_ref().map(|value| value.bind(py));
        let mut json = Vec::with_capacity(256);
        from_python::write_payload(payload, audience, issuer, &mut json).or_raise()?;
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
        let key = self.signing_key_ref().or_raise()?;
        let header_b64 = match header_json {
            Some(header) => base64url::encode(header),
            None => self.header_b64.clone(),
        };
        let mut token = jws::signing_input(&header_b64, payload_json, 700);
        let signature = if key.is_asymmetric() {
            let input = token.as_bytes();
            let algorithm = self.algorithm;
            py.detach(|| key.sign(algorithm, input))
        } else {
            key.sign(self.algorithm, token.as_bytes())
        }
        .or_raise()?;
        token.push('.');
        base64url::encode_into(&signature, &mut token);
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

    /// The signing key, parsed (raises JWTError("key") if it cannot be).
    fn signing_key(&self) -> PyResult<Key> {
        Ok(Key::signing(
            self.algorithm,
            self.signing_key_ref().or_raise()?,
        ))
    }

    /// The key tokens are verified with, parsed.
    fn verifying_key(&self) -> PyResult<Key> {
        Ok(Key::verifying(
            self.algorithm,
            self.verifying_key_ref().or_raise()?,
        ))
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
        // With several keys, the key ring; a token whose header is the one
        // this engine would write for a listed key names that key, and its
        // header needs no parsing.
        let ring = match (&rules, key, &self.ring_material) {
            (Some(_), None, Some(_)) => Some(self.ring_ref().or_raise()?),
            _ => None,
        };
        let (listed, own_header) = match ring.as_deref() {
            Some(ring) => {
                let segment = raw.split(|&b| b == b'.').next().unwrap_or_default();
                match ring.key_for_header(segment) {
                    Some(key) => (Some(key), segment),
                    None => (None, self.header_b64.as_bytes()),
                }
            }
            None => (None, self.header_b64.as_bytes()),
        };
        let compact = jws::parse(raw, Some((own_header, self.algorithm))).or_raise()?;
        if rules.is_some() {
            // Authenticate before reading the payload.
            compact.check_algorithm(self.algorithm).or_raise()?;
            let (input, signature) = (compact.signing_input, compact.signature.as_slice());
            let valid = match (listed, ring.as_deref()) {
                // The header names a listed key: that key only.
                (Some(listed), _) => {
                    if listed.is_asymmetric() {
                        py.detach(|| listed.verify(input, signature))
                    } else {
                        listed.verify(input, signature)
                    }
                }
                (None, Some(ring)) => {
                    let current = self.verifying_key_ref().or_raise()?;
                    // The header byte for byte the engine's own names the
                    // current key's id (or none, as the current key writes none).
                    let kid = match compact.alg {
                        jws::AlgHeader::Own(_) => self.key_id.as_deref(),
                        _ => compact.kid.as_deref(),
                    };
                    if current.is_asymmetric() {
                        py.detach(|| ring.verify(&current, kid, input, signature))
                    } else {
                        ring.verify(&current, kid, input, signature)
                    }
                }
                (None, None) => {
                    let key = match key {
                        Some(key) => key.verifying_for(self.algorithm),
                        None => self.verifying_key_ref(),
                    }
                    .or_raise()?;
                    if key.is_asymmetric() {
                        py.detach(|| key.verify(input, signature))
                    } else {
                        key.verify(input, signature)
                    }
                }
            };
            if !valid {
                return Err(Error::Signature).or_raise();
            }
        }
        let payload = read_payload(&compact.payload, rules.as_ref(), token_rules).or_raise()?;
        let Value::Object(members) = &payload else {
            return Err(Error::Malformed("payload is not a JSON object")).or_raise();
        };
        to_python::object(py, members)
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

    fn ring_ref(&self) -> Result<Arc<KeyRing>> {
        self.ring
            .get_or_init(|| {
                let (named, fallbacks) = match &self.ring_material {
                    Some(material) => (material.named.as_slice(), material.fallbacks.as_slice()),
                    None => (&[][..], &[][..]),
                };
                KeyRing::parse(self.algorithm, self.key_id.clone(), named, fallbacks).map(Arc::new)
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

/// The payload parsed and, when rules are given, validated.
fn read_payload<'a>(
    payload: &'a [u8],
    rules: Option<&ClaimRules<'_>>,
    token_rules: Option<&TokenRules<'_>>,
) -> Result<Value<'a>> {
    let payload = json::parse(payload).map_err(|err| match err {
        ParseError::TooDeep => Error::Malformed("payload nests too deeply"),
        _ => Error::Malformed("payload is not JSON"),
    })?;
    if !matches!(payload, Value::Object(_)) {
        return Err(Error::Malformed("payload is not a JSON object"));
    }
    if let Some(rules) = rules {
        claims::validate_registered(&payload, rules)?;
        if let Some(token_rules) = token_rules {
            claims::validate_token(&payload, token_rules)?;
        }
    }
    Ok(payload)
}

/// `VERIFYING_KEYS`: a mapping of key id to key, in its order.
fn named_materials(keys: &Bound<'_, PyAny>) -> PyResult<Vec<(String, KeyMaterial)>> {
    let keys = keys
        .cast::<PyDict>()
        .map_err(|_| Error::Key("VERIFYING_KEYS must be a dict of key id to key".to_owned()))
        .or_raise()?;
    keys.iter()
        .map(|(kid, key)| {
            let kid = kid
                .extract::<String>()
                .map_err(|_| Error::Key("VERIFYING_KEYS' key ids must be strings".to_owned()))
                .or_raise()?;
            let key = material(&key, &format!("VERIFYING_KEYS['{kid}']"))?;
            Ok((kid, key))
        })
        .collect()
}

/// A configured key: PEM text or an HMAC secret (str or bytes), or a JWK dict.
fn material(key: &Bound<'_, PyAny>, name: &str) -> PyResult<KeyMaterial> {
    if let Ok(jwk) = key.cast::<PyDict>() {
        return Ok(KeyMaterial::Jwk(jwk_from_dict(jwk)?));
    }
    if key.cast::<PyString>().is_ok() || key.cast::<PyBytes>().is_ok() {
        return Ok(KeyMaterial::Pem(
            key_material(Some(key))?.unwrap_or_default(),
        ));
    }
    Err(Error::Key(format!(
        "{name} must be a str or bytes key, or a JWK dict, not {}",
        key.get_type().name()?
    )))
    .or_raise()
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
