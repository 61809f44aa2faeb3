//! The JSON reader against serde_json, a strict RFC 8259 parser.
//!
//! Our reader follows Python's `json.loads`, which accepts more than RFC 8259
//! (NaN, Infinity, -Infinity, lone surrogates, integers of any size). So:
//! - what serde_json accepts, we accept, with the same value;
//! - what we accept, serde_json accepts too, unless it holds one of those
//!   Python extensions or a number serde_json cannot hold.
//! Both ways also mean: no document is accepted that `json.loads` refuses
//! for its syntax (trailing commas, single quotes, leading zeros, control
//! characters in strings, junk after the value...).
//! The depth limit is checked against a direct count of the nesting.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value as Reference;
use simplejwt_engine::json::{self as json_read, JsonStr, ParseError, Value, MAX_DEPTH};

/// Whether the value holds something only Python's dialect has.
fn python_only(value: &Value<'_>) -> bool {
    match value {
        Value::Float(f) => !f.is_finite(),
        // serde_json reads large integers as f64 and refuses those beyond it.
        Value::BigInt(digits) => digits.trim_start_matches('-').len() > 300,
        Value::Str(JsonStr::Utf16(_)) => true,
        Value::Array(items) => items.iter().any(python_only),
        Value::Object(members) => members
            .iter()
            .any(|(key, value)| matches!(key, JsonStr::Utf16(_)) || python_only(value)),
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Str(_) => false,
    }
}

fn depth(value: &Value<'_>) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.iter().map(|(_, v)| depth(v)).max().unwrap_or(0),
        _ => 0,
    }
}

fn same(ours: &Value<'_>, reference: &Reference) -> bool {
    match (ours, reference) {
        (Value::Null, Reference::Null) => true,
        (Value::Bool(a), Reference::Bool(b)) => a == b,
        (Value::Int(a), Reference::Number(b)) => {
            b.as_i64() == Some(*a) || (b.is_f64() && b.as_f64() == Some(*a as f64))
        }
        (Value::BigInt(digits), Reference::Number(b)) => {
            // Beyond i64: serde_json holds u64 exactly, the rest as f64.
            match b.as_u64() {
                Some(u) => digits.parse::<u64>() == Ok(u),
                None => digits.parse::<f64>().ok() == b.as_f64(),
            }
        }
        (Value::Float(a), Reference::Number(b)) => match b.as_f64() {
            // serde_json reads "-0.0"-like literals exactly; ints as ints.
            Some(b) => a.to_bits() == b.to_bits() || (*a == 0.0 && b == 0.0),
            None => false,
        },
        (Value::Str(a), Reference::String(b)) => a.as_str() == Some(b.as_str()),
        (Value::Array(a), Reference::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(members), Reference::Object(map)) => {
            // serde_json keeps the last of repeated keys, as a Python dict
            // does; `get` must agree.
            map.iter()
                .all(|(key, expected)| ours.get(key).is_some_and(|v| same(v, expected)))
                && members
                    .iter()
                    .all(|(key, _)| key.as_str().is_some_and(|k| map.contains_key(k)))
        }
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let ours = json_read::parse(data);
    let reference = serde_json::from_slice::<Reference>(data);
    match (&ours, &reference) {
        (Ok(value), Ok(expected)) => {
            assert!(same(value, expected), "{value:?} != {expected:?}");
        }
        (Err(err), Ok(expected)) => {
            panic!("refused ({err:?}) what serde_json reads as {expected:?}")
        }
        (Ok(value), Err(err)) => {
            // serde_json stops at 128 levels; we allow MAX_DEPTH.
            assert!(
                python_only(value) || depth(value) > 127,
                "accepted {value:?}, which serde_json refuses: {err}"
            );
        }
        (Err(_), Err(_)) => {}
    }
    match &ours {
        Ok(value) => assert!(depth(value) <= MAX_DEPTH),
        Err(ParseError::TooDeep) => {
            let opened = data.iter().filter(|&&b| b == b'[' || b == b'{').count();
            assert!(opened > MAX_DEPTH);
        }
        Err(_) => {}
    }
});
