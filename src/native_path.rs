//! The check that lets one native call stand in for `Token.__init__`.
//!
//! `python/rest_framework_simplejwt/_native_path.py` states the rule and
//! lists every check; this is the same list, made here because it runs for
//! every token and costs a fraction of what the interpreter spends on it.
//! Nothing is cached between calls: each name is looked up again (in the
//! `tokens`, `utils`, `time` and `state` modules, on the token's class and
//! instance, on the backend) and compared by identity with the object it was
//! when the package was imported. When anything differs, `token_init`
//! returns None and the Python methods run, as upstream runs them.

use pyo3::exceptions::PyAttributeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyInt, PyString, PyTuple};

use crate::engine::Engine;
use simplejwt_engine::claims::TokenRules;

/// The objects as defined, from `_native_path._stock`.
struct TokenStock {
    aware_utcnow: Py<PyAny>,
    datetime: Py<PyAny>,
    time_ns: Py<PyAny>,
    timedelta: Py<PyAny>,
    datetime_to_epoch: Py<PyAny>,
    datetime_from_epoch: Py<PyAny>,
    uuid4: Py<PyAny>,
    import_string: Py<PyAny>,
    set_exp: Py<PyAny>,
    set_iat: Py<PyAny>,
    set_jti: Py<PyAny>,
    verify: Py<PyAny>,
    check_exp: Py<PyAny>,
    verify_token_type: Py<PyAny>,
    untyped_check: Py<PyAny>,
    get_token_backend: Py<PyAny>,
    token_backend: Py<PyAny>,
}

/// `TokenBackend`'s methods as defined, and the names its engine cache is
/// keyed on (`backends.SETTING_NAMES` and `backends._ENGINE_INPUTS`).
struct BackendStock {
    decode: Py<PyAny>,
    encode: Py<PyAny>,
    get_verifying_key: Py<PyAny>,
    get_leeway: Py<PyAny>,
    setting_names: Vec<Py<PyString>>,
    engine_inputs: Vec<Py<PyString>>,
}

#[pyclass(frozen, module = "rest_framework_simplejwt._native")]
pub struct NativePath {
    tokens: Py<PyDict>,
    utils: Py<PyDict>,
    time: Py<PyDict>,
    stock: TokenStock,
    backend: PyOnceLock<BackendStock>,
    state: PyOnceLock<Py<PyDict>>,
}

fn item<'py>(dict: &Bound<'py, PyDict>, key: &str) -> PyResult<Py<PyAny>> {
    dict.get_item(key)?
        .map(Bound::unbind)
        .ok_or_else(|| PyAttributeError::new_err(format!("no stock object '{key}'")))
}

/// Whether `dict[key]` is `expected`.
fn name_is(dict: &Bound<'_, PyDict>, key: &Bound<'_, PyString>, expected: &Py<PyAny>) -> bool {
    matches!(dict.get_item(key), Ok(Some(value)) if value.is(expected))
}

/// Whether `object.<name>` is `expected` (any failure to read it: no).
fn attr_is(object: &Bound<'_, PyAny>, name: &Bound<'_, PyString>, expected: &Py<PyAny>) -> bool {
    matches!(object.getattr(name), Ok(value) if value.is(expected))
}

/// `a == b` as a tuple compares items: identity first.
fn same(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> bool {
    a.is(b) || a.eq(b).unwrap_or(false)
}

/// A claim name the engine can take: a str, or None for "no such claim".
fn claim_name(value: &Bound<'_, PyAny>) -> Option<Option<String>> {
    if value.is_none() {
        return Some(None);
    }
    let text = value.cast_exact::<PyString>().ok()?;
    text.to_str().ok().map(|name| Some(name.to_owned()))
}

#[pymethods]
impl NativePath {
    #[new]
    fn new(
        tokens: Bound<'_, PyDict>,
        utils: Bound<'_, PyDict>,
        time: Bound<'_, PyDict>,
        stock: &Bound<'_, PyDict>,
    ) -> PyResult<Self> {
        let stock = TokenStock {
            aware_utcnow: item(stock, "aware_utcnow")?,
            datetime: item(stock, "datetime")?,
            time_ns: item(stock, "time_ns")?,
            timedelta: item(stock, "timedelta")?,
            datetime_to_epoch: item(stock, "datetime_to_epoch")?,
            datetime_from_epoch: item(stock, "datetime_from_epoch")?,
            uuid4: item(stock, "uuid4")?,
            import_string: item(stock, "import_string")?,
            set_exp: item(stock, "set_exp")?,
            set_iat: item(stock, "set_iat")?,
            set_jti: item(stock, "set_jti")?,
            verify: item(stock, "verify")?,
            check_exp: item(stock, "check_exp")?,
            verify_token_type: item(stock, "verify_token_type")?,
            untyped_check: item(stock, "untyped_check")?,
            get_token_backend: item(stock, "get_token_backend")?,
            token_backend: item(stock, "token_backend")?,
        };
        Ok(NativePath {
            tokens: tokens.unbind(),
            utils: utils.unbind(),
            time: time.unbind(),
            stock,
            backend: PyOnceLock::new(),
            state: PyOnceLock::new(),
        })
    }

    /// Records `TokenBackend`'s methods (backends.py calls it once defined).
    fn capture_backend(
        &self,
        py: Python<'_>,
        stock: &Bound<'_, PyDict>,
        setting_names: Vec<Py<PyString>>,
        engine_inputs: Vec<Py<PyString>>,
    ) -> PyResult<()> {
        let backend = BackendStock {
            decode: item(stock, "backend.decode")?,
            encode: item(stock, "backend.encode")?,
            get_verifying_key: item(stock, "backend.get_verifying_key")?,
            get_leeway: item(stock, "backend.get_leeway")?,
            setting_names,
            engine_inputs,
        };
        // A second call (a reloaded backends module) keeps the first.
        let _ = self.backend.set(py, backend);
        Ok(())
    }

    /// `str(token)` (`get_token_backend().encode(payload)`) when the backend
    /// lookup and `TokenBackend.encode` are stock and the engine writes the
    /// payload itself; else None, and the Python methods run.
    fn token_str(&self, py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        let Some(backend_stock) = self.backend.get(py) else {
            return Ok(None);
        };
        let cls = token.get_type();
        let Ok(own) = token.getattr(intern!(py, "__dict__")) else {
            return Ok(None);
        };
        let no_instance_backend = matches!(
            token.getattr(intern!(py, "_token_backend")), Ok(value) if value.is_none()
        );
        if !(no_instance_backend
            && !own.contains(intern!(py, "get_token_backend"))?
            && self.stock_backend_lookup(py, &cls))
        {
            return Ok(None);
        }
        let Some((backend, backend_own)) = self.settings_backend(py)? else {
            return Ok(None);
        };
        let no_encoder = backend_own
            .get_item(intern!(py, "json_encoder"))?
            .is_none_or(|encoder| encoder.is_none());
        if !(no_encoder
            && attr_is(
                &backend.get_type(),
                intern!(py, "encode"),
                &backend_stock.encode,
            )
            && !backend_own.contains(intern!(py, "encode"))?)
        {
            return Ok(None);
        }
        let engine = self.current_engine(py, &backend, &backend_own, backend_stock)?;
        let Ok(engine) = engine.cast::<Engine>() else {
            return Ok(None);
        };
        let payload = token.getattr(intern!(py, "payload"))?;
        match engine.get().encode(py, &payload) {
            Ok(encoded) => Ok(Some(encoded)),
            // Values for Python's json module, or a key problem: the Python
            // path writes or reports them as upstream's does.
            Err(err) if err.is_instance_of::<crate::error::JWTError>(py) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// `Token.__init__`'s work for `token`: `(payload, now_us)` when one
    /// native call is certain to give what the Python methods would, else
    /// None. Token problems raise `JWTError`; a configuration the engine
    /// cannot be built from raises what `TokenBackend._engine` raises.
    fn token_init<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        raw: &Bound<'py, PyAny>,
        verify: bool,
        lifetime: &Bound<'py, PyAny>,
    ) -> PyResult<Option<(Bound<'py, PyDict>, i64)>> {
        // No instance dict (__slots__), or a subclass __init__ set attributes
        // before Token.__init__ ran: the Python methods decide.
        let Ok(own) = token.getattr(intern!(py, "__dict__")) else {
            return Ok(None);
        };
        if own.len().map_or(true, |len| len != 0) {
            return Ok(None);
        }
        let tokens = self.tokens.bind(py);
        let stock = &self.stock;
        if !(name_is(tokens, intern!(py, "aware_utcnow"), &stock.aware_utcnow)
            && name_is(
                self.utils.bind(py),
                intern!(py, "datetime"),
                &stock.datetime,
            )
            && name_is(self.time.bind(py), intern!(py, "time_ns"), &stock.time_ns))
        {
            return Ok(None);
        }
        let cls = token.get_type();
        if raw.is_none() {
            return self.mint(py, token, &cls, lifetime);
        }
        self.decode(py, token, &cls, raw, verify)
    }
}

impl NativePath {
    fn now_us(&self, py: Python<'_>) -> PyResult<i64> {
        let nanos: i64 = self.stock.time_ns.bind(py).call0()?.extract()?;
        Ok(nanos.div_euclid(1000))
    }

    fn api_settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.tokens
            .bind(py)
            .get_item(intern!(py, "api_settings"))?
            .ok_or_else(|| PyAttributeError::new_err("tokens.api_settings"))
    }

    fn mint<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        cls: &Bound<'py, pyo3::types::PyType>,
        lifetime: &Bound<'py, PyAny>,
    ) -> PyResult<Option<(Bound<'py, PyDict>, i64)>> {
        let stock = &self.stock;
        let tokens = self.tokens.bind(py);
        if !(name_is(
            tokens,
            intern!(py, "datetime_to_epoch"),
            &stock.datetime_to_epoch,
        ) && name_is(tokens, intern!(py, "uuid4"), &stock.uuid4)
            && attr_is(cls, intern!(py, "set_exp"), &stock.set_exp)
            && attr_is(cls, intern!(py, "set_iat"), &stock.set_iat)
            && attr_is(cls, intern!(py, "set_jti"), &stock.set_jti)
            && lifetime.is_instance(stock.timedelta.bind(py))?)
        {
            return Ok(None);
        }
        let Some(lifetime_us) = timedelta_us(lifetime) else {
            return Ok(None);
        };
        let settings = self.api_settings(py)?;
        let type_claim = settings.getattr(intern!(py, "TOKEN_TYPE_CLAIM"))?;
        let jti_claim = settings.getattr(intern!(py, "JTI_CLAIM"))?;
        let token_type = token.getattr(intern!(py, "token_type"))?;
        let now = self.now_us(py)?;
        let payload =
            crate::token::mint(py, &type_claim, &token_type, lifetime_us, &jti_claim, now)?;
        Ok(Some((payload, now)))
    }

    fn decode<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        cls: &Bound<'py, pyo3::types::PyType>,
        raw: &Bound<'py, PyAny>,
        verify: bool,
    ) -> PyResult<Option<(Bound<'py, PyDict>, i64)>> {
        let stock = &self.stock;
        let Some(backend_stock) = self.backend.get(py) else {
            return Ok(None);
        };
        let tokens = self.tokens.bind(py);
        let no_instance_backend = matches!(
            cls.getattr(intern!(py, "_token_backend")), Ok(value) if value.is_none()
        );
        if !(no_instance_backend && self.stock_backend_lookup(py, cls)) {
            return Ok(None);
        }
        let Some((backend, own)) = self.settings_backend(py)? else {
            return Ok(None);
        };
        let backend_type = backend.get_type();
        let no_jwks = own
            .get_item(intern!(py, "jwks_client"))?
            .is_none_or(|client| client.is_none());
        if !(attr_is(&backend_type, intern!(py, "decode"), &backend_stock.decode)
            && attr_is(
                &backend_type,
                intern!(py, "get_verifying_key"),
                &backend_stock.get_verifying_key,
            )
            && no_jwks
            && !own.contains(intern!(py, "decode"))?
            && !own.contains(intern!(py, "get_verifying_key"))?)
        {
            return Ok(None);
        }
        let engine = self.current_engine(py, &backend, &own, backend_stock)?;
        let Ok(engine) = engine.cast::<Engine>() else {
            return Ok(None);
        };
        let engine = engine.get();
        let now = self.now_us(py)?;
        if !verify {
            let payload = engine.decode_with(py, raw, None, None, None)?;
            return Ok(Some((payload, now)));
        }

        if !(attr_is(cls, intern!(py, "verify"), &stock.verify)
            && attr_is(cls, intern!(py, "check_exp"), &stock.check_exp)
            && name_is(
                tokens,
                intern!(py, "datetime_from_epoch"),
                &stock.datetime_from_epoch,
            ))
        {
            return Ok(None);
        }
        let settings = self.api_settings(py)?;
        let type_claim = settings.getattr(intern!(py, "TOKEN_TYPE_CLAIM"))?;
        let jti_claim = settings.getattr(intern!(py, "JTI_CLAIM"))?;
        let (Some(type_claim), Some(jti_claim)) = (claim_name(&type_claim), claim_name(&jti_claim))
        else {
            return Ok(None);
        };
        let check_type = cls.getattr(intern!(py, "verify_token_type"))?;
        let expected = if check_type.is(&stock.untyped_check) || type_claim.is_none() {
            None
        } else if check_type.is(&stock.verify_token_type) {
            let token_type = token.getattr(intern!(py, "token_type"))?;
            match token_type.cast_exact::<PyString>() {
                Ok(text) => Some(text.to_str()?.to_owned()),
                Err(_) => return Ok(None),
            }
        } else {
            return Ok(None);
        };
        let Some(leeway_us) = self.leeway_us(py, &backend, &backend_type, &own, backend_stock)?
        else {
            return Ok(None);
        };
        let rules = TokenRules {
            type_claim: type_claim.as_deref(),
            expected_type: expected.as_deref(),
            jti_claim: jti_claim.as_deref(),
        };
        let claim_rules = engine.claim_rules(now, leeway_us);
        let payload = engine.decode_with(py, raw, Some(claim_rules), Some(&rules), None)?;
        Ok(Some((payload, now)))
    }

    /// Whether `get_token_backend()` is the stock lookup, which returns
    /// `import_string("rest_framework_simplejwt.state.token_backend")`.
    fn stock_backend_lookup(&self, py: Python<'_>, cls: &Bound<'_, pyo3::types::PyType>) -> bool {
        let stock = &self.stock;
        name_is(
            self.tokens.bind(py),
            intern!(py, "import_string"),
            &stock.import_string,
        ) && attr_is(
            cls,
            intern!(py, "get_token_backend"),
            &stock.get_token_backend,
        ) && attr_is(cls, intern!(py, "token_backend"), &stock.token_backend)
    }

    /// `state.token_backend` as it is now (what the stock lookup returns),
    /// with its instance dict.
    fn settings_backend<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Option<(Bound<'py, PyAny>, Bound<'py, PyDict>)>> {
        let state = self
            .state
            .get_or_try_init(py, || -> PyResult<Py<PyDict>> {
                let module = py.import(intern!(py, "rest_framework_simplejwt.state"))?;
                Ok(module.dict().unbind())
            })?
            .bind(py);
        let Some(backend) = state.get_item(intern!(py, "token_backend"))? else {
            return Ok(None);
        };
        let Ok(own) = backend.getattr(intern!(py, "__dict__")) else {
            return Ok(None);
        };
        match own.cast_into::<PyDict>() {
            Ok(own) => Ok(Some((backend, own))),
            Err(_) => Ok(None),
        }
    }

    /// `backend._engine`, read without calling the property when its cached
    /// engine is current (the property's own checks, made here).
    fn current_engine<'py>(
        &self,
        py: Python<'py>,
        backend: &Bound<'py, PyAny>,
        own: &Bound<'py, PyDict>,
        stock: &BackendStock,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(cached) = own.get_item(intern!(py, "_engine_cache"))? {
            if self
                .engine_is_current(py, own, &cached, stock)
                .unwrap_or(false)
            {
                if let Ok(cached) = cached.cast::<PyTuple>() {
                    return cached.get_item(1);
                }
            }
        }
        backend.getattr(intern!(py, "_engine"))
    }

    fn engine_is_current(
        &self,
        py: Python<'_>,
        own: &Bound<'_, PyDict>,
        cached: &Bound<'_, PyAny>,
        stock: &BackendStock,
    ) -> PyResult<bool> {
        if let Some(settings) = own.get_item(intern!(py, "_settings"))? {
            if !settings.is_none() {
                let values = settings.getattr(intern!(py, "__dict__"))?;
                let values = values.cast::<PyDict>()?;
                let seen = own.get_item(intern!(py, "_settings_seen"))?;
                let Some(seen) = seen else { return Ok(false) };
                let seen = seen.cast::<PyTuple>()?;
                for (index, name) in stock.setting_names.iter().enumerate() {
                    let Some(value) = values.get_item(name.bind(py))? else {
                        return Ok(false);
                    };
                    if !same(&value, &seen.get_item(index)?) {
                        return Ok(false);
                    }
                }
            }
        }
        let inputs = cached.cast::<PyTuple>()?.get_item(0)?;
        let inputs = inputs.cast::<PyTuple>()?;
        for (index, name) in stock.engine_inputs.iter().enumerate() {
            let Some(value) = own.get_item(name.bind(py))? else {
                return Ok(false);
            };
            if !same(&value, &inputs.get_item(index)?) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `get_leeway()` in microseconds: read here for the stock method and an
    /// int leeway; else from the backend's `_leeway_us()`; None if that fails
    /// (the Python path then reports it as upstream does).
    fn leeway_us(
        &self,
        py: Python<'_>,
        backend: &Bound<'_, PyAny>,
        backend_type: &Bound<'_, pyo3::types::PyType>,
        own: &Bound<'_, PyDict>,
        stock: &BackendStock,
    ) -> PyResult<Option<i64>> {
        let leeway = own.get_item(intern!(py, "leeway"))?;
        if let Some(leeway) = &leeway {
            if leeway.is_exact_instance_of::<PyInt>()
                && attr_is(backend_type, intern!(py, "get_leeway"), &stock.get_leeway)
                && !own.contains(intern!(py, "get_leeway"))?
            {
                if let Ok(seconds) = leeway.extract::<i64>() {
                    return Ok(seconds.checked_mul(1_000_000));
                }
            }
        }
        match backend.call_method0(intern!(py, "_leeway_us")) {
            Ok(value) => Ok(value.extract::<i64>().ok()),
            Err(_) => Ok(None),
        }
    }
}

/// Whole microseconds in a `datetime.timedelta` (`lifetime // ONE_MICROSECOND`).
fn timedelta_us(delta: &Bound<'_, PyAny>) -> Option<i64> {
    let py = delta.py();
    let part =
        |name: &Bound<'_, PyString>| -> Option<i64> { delta.getattr(name).ok()?.extract().ok() };
    let days = part(intern!(py, "days"))?;
    let seconds = part(intern!(py, "seconds"))?;
    let micros = part(intern!(py, "microseconds"))?;
    days.checked_mul(86_400)?
        .checked_add(seconds)?
        .checked_mul(1_000_000)?
        .checked_add(micros)
}

/// A class attribute holding a setting as it is now: `api_settings.<name>`,
/// where `api_settings` is looked up in the given module namespace at each
/// access (so a patched `tokens.api_settings` is read too). What makes
/// `AccessToken.lifetime` follow `override_settings`; a subclass overrides it
/// by assigning a value, as with upstream's plain class attributes. Native
/// because `Token.__init__` reads it for every token.
#[pyclass(frozen, module = "rest_framework_simplejwt._native")]
pub struct SettingAttribute {
    namespace: Py<PyDict>,
    name: Py<PyString>,
}

#[pymethods]
impl SettingAttribute {
    #[new]
    fn new(namespace: Py<PyDict>, name: Py<PyString>) -> Self {
        SettingAttribute { namespace, name }
    }

    fn __get__<'py>(
        &self,
        py: Python<'py>,
        _instance: Option<&Bound<'py, PyAny>>,
        _owner: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let settings = self
            .namespace
            .bind(py)
            .get_item(intern!(py, "api_settings"))?
            .ok_or_else(|| PyAttributeError::new_err("api_settings"))?;
        settings.getattr(self.name.bind(py))
    }

    #[getter]
    fn name(&self, py: Python<'_>) -> Py<PyString> {
        self.name.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("<setting {}>", self.name.bind(py))
    }
}
