//! Claim validation: PyJWT's rules for the registered claims, then simplejwt's
//! rules for its own (`Token.verify`).
//!
//! Times are whole microseconds since the epoch, so "now" captured as a
//! Python datetime and a leeway given as a timedelta compare exactly.
//! `exp`, `nbf` and `iat` are NumericDates (RFC 7519 section 2): numbers,
//! integer or not. PyJWT compares `int(value)`, so a fraction is dropped
//! here too. A string, boolean, null, NaN, infinity or a number outside
//! what Python's datetime can hold is refused rather than coerced.

use crate::error::{Error, Result};
use crate::json::Value;

/// 9999-12-31T23:59:59Z, the last second Python's datetime can hold.
pub const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

const MICROS: i128 = 1_000_000;

/// Floats below this truncate to at most MAX_NUMERIC_DATE (exact in f64).
const LAST_SECOND_END: f64 = (MAX_NUMERIC_DATE + 1) as f64;

/// What the backend checks on every verified decode.
pub struct ClaimRules<'a> {
    pub now_us: i64,
    pub leeway_us: i64,
    /// When set, the token must carry an `aud` naming one of these.
    pub audience: Option<&'a [String]>,
    /// When set, the token's `iss` must be one of these.
    pub issuer: Option<&'a [String]>,
}

/// What `Token.verify` adds for a token class.
pub struct TokenRules<'a> {
    pub type_claim: Option<&'a str>,
    /// None for untyped tokens, which accept any type.
    pub expected_type: Option<&'a str>,
    pub jti_claim: Option<&'a str>,
}

/// PyJWT's order: iat, nbf, exp, iss, aud, sub, jti.
pub fn validate_registered(payload: &Value<'_>, rules: &ClaimRules<'_>) -> Result<()> {
    let now = i128::from(rules.now_us);
    let leeway = i128::from(rules.leeway_us);
    if let Some(iat) = payload.get("iat") {
        if micros(numeric_date(iat, "iat must be a number")?) > now + leeway {
            return Err(Error::Claim("the token was issued in the future (iat)"));
        }
    }
    if let Some(nbf) = payload.get("nbf") {
        if micros(numeric_date(nbf, "nbf must be a number")?) > now + leeway {
            return Err(Error::Claim("the token is not yet valid (nbf)"));
        }
    }
    if let Some(exp) = payload.get("exp") {
        if micros(numeric_date(exp, "exp must be a number")?) <= now - leeway {
            return Err(Error::Expired);
        }
    }
    if let Some(issuers) = rules.issuer {
        let iss = payload
            .get("iss")
            .ok_or(Error::Claim("the token has no iss claim"))?;
        let iss = iss.as_str().ok_or(Error::Claim("iss must be a string"))?;
        if !issuers.iter().any(|accepted| accepted == iss) {
            return Err(Error::Claim("the token is from another issuer"));
        }
    }
    if let Some(audiences) = rules.audience {
        check_audience(payload.get("aud"), audiences)?;
    }
    if let Some(sub) = payload.get("sub") {
        sub.as_str().ok_or(Error::Claim("sub must be a string"))?;
    }
    if let Some(jti) = payload.get("jti") {
        jti.as_str().ok_or(Error::Claim("jti must be a string"))?;
    }
    Ok(())
}

fn check_audience(aud: Option<&Value<'_>>, audiences: &[String]) -> Result<()> {
    let aud = match aud {
        Some(aud) if aud.is_truthy() => aud,
        _ => return Err(Error::Claim("the token has no aud claim")),
    };
    let claimed: Vec<&str> = match aud {
        Value::Str(_) => vec![aud.as_str().ok_or(Error::Claim("aud is not text"))?],
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().ok_or(Error::Claim("aud must hold strings")))
            .collect::<Result<_>>()?,
        _ => return Err(Error::Claim("aud must be a string or a list of strings")),
    };
    if audiences
        .iter()
        .any(|accepted| claimed.contains(&accepted.as_str()))
    {
        Ok(())
    } else {
        Err(Error::Claim("the token is for another audience"))
    }
}

/// `Token.verify`: an `exp` claim, the id claim, and the right type.
pub fn validate_token(payload: &Value<'_>, rules: &TokenRules<'_>) -> Result<()> {
    if payload.get("exp").is_none() {
        return Err(Error::MissingClaim("exp".to_owned()));
    }
    if let Some(jti_claim) = rules.jti_claim {
        if payload.get(jti_claim).is_none() {
            return Err(Error::NoId);
        }
    }
    if let (Some(type_claim), Some(expected)) = (rules.type_claim, rules.expected_type) {
        let found = payload.get(type_claim).ok_or(Error::NoType)?;
        if found.as_str() != Some(expected) {
            return Err(Error::WrongType);
        }
    }
    Ok(())
}

/// A NumericDate as PyJWT compares it (`int(value)`: a fraction dropped),
/// within what Python's datetime can represent.
pub fn numeric_date(value: &Value<'_>, why: &'static str) -> Result<i64> {
    let seconds = match value {
        Value::Int(seconds) => *seconds,
        // Checked before the cast, which would saturate: NaN and the
        // infinities fail the range test.
        Value::Float(seconds) if (0.0..LAST_SECOND_END).contains(&seconds.trunc()) => {
            seconds.trunc() as i64
        }
        _ => return Err(Error::Claim(why)),
    };
    if (0..=MAX_NUMERIC_DATE).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(Error::Claim(why))
    }
}

/// `exp` and `iat` (whole seconds, rounded down as `datetime_to_epoch`
/// rounds) of a token minted at `now_us` whose lifetime counts from
/// `exp_from_us`. Fails, rather than saturating or wrapping, when `exp`
/// would fall outside the NumericDates `numeric_date` accepts: the engine
/// never mints a token it would then refuse.
pub fn minted_dates(now_us: i64, exp_from_us: i64, lifetime_us: i64) -> Result<(i64, i64)> {
    let in_range = |micros: i64| {
        let seconds = micros.div_euclid(1_000_000);
        if (0..=MAX_NUMERIC_DATE).contains(&seconds) {
            Ok(seconds)
        } else {
            Err(Error::DateOutOfRange)
        }
    };
    let exp_us = exp_from_us
        .checked_add(lifetime_us)
        .ok_or(Error::DateOutOfRange)?;
    Ok((in_range(exp_us)?, in_range(now_us)?))
}

fn micros(seconds: i64) -> i128 {
    // At most MAX_NUMERIC_DATE * 10^6, far inside i128.
    i128::from(seconds) * MICROS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    const NOW: i64 = 1_700_000_000;

    fn rules(leeway_s: i64) -> ClaimRules<'static> {
        ClaimRules {
            now_us: NOW * 1_000_000,
            leeway_us: leeway_s * 1_000_000,
            audience: None,
            issuer: None,
        }
    }

    fn check(doc: &str, rules: &ClaimRules<'_>) -> Result<()> {
        validate_registered(&parse(doc.as_bytes()).unwrap(), rules)
    }

    #[test]
    fn exp_boundary_is_inclusive_like_pyjwt() {
        assert_eq!(
            check(&format!(r#"{{"exp":{NOW}}}"#), &rules(0)),
            Err(Error::Expired)
        );
        assert_eq!(
            check(&format!(r#"{{"exp":{}}}"#, NOW + 1), &rules(0)),
            Ok(())
        );
        // With leeway, an expired token is accepted until exp + leeway.
        assert_eq!(
            check(&format!(r#"{{"exp":{}}}"#, NOW - 10), &rules(11)),
            Ok(())
        );
        assert_eq!(
            check(&format!(r#"{{"exp":{}}}"#, NOW - 10), &rules(10)),
            Err(Error::Expired)
        );
        // A microsecond matters.
        let mut almost = rules(0);
        almost.now_us -= 1;
        assert_eq!(check(&format!(r#"{{"exp":{NOW}}}"#), &almost), Ok(()));
    }

    #[test]
    fn iat_and_nbf_may_not_be_in_the_future() {
        assert!(check(&format!(r#"{{"iat":{NOW}}}"#), &rules(0)).is_ok());
        assert!(check(&format!(r#"{{"iat":{}}}"#, NOW + 1), &rules(0)).is_err());
        assert!(check(&format!(r#"{{"iat":{}}}"#, NOW + 1), &rules(1)).is_ok());
        assert!(check(&format!(r#"{{"nbf":{NOW}}}"#), &rules(0)).is_ok());
        assert!(check(&format!(r#"{{"nbf":{}}}"#, NOW + 5), &rules(4)).is_err());
    }

    #[test]
    fn fractional_numeric_dates_compare_as_pyjwt_int() {
        // int(NOW + 0.9) == NOW: expired at NOW, as PyJWT decides.
        assert_eq!(
            check(&format!(r#"{{"exp":{NOW}.9}}"#), &rules(0)),
            Err(Error::Expired)
        );
        assert_eq!(
            check(&format!(r#"{{"exp":{}.5}}"#, NOW + 1), &rules(0)),
            Ok(())
        );
        assert_eq!(
            check(&format!(r#"{{"exp":{}e0}}"#, NOW + 300), &rules(0)),
            Ok(())
        );
        assert!(check(&format!(r#"{{"iat":{NOW}.999}}"#), &rules(0)).is_ok());
        assert!(check(&format!(r#"{{"nbf":{}.1}}"#, NOW + 1), &rules(0)).is_err());
        assert_eq!(
            numeric_date(&Value::Float(253_402_300_799.9), "x"),
            Ok(MAX_NUMERIC_DATE)
        );
        assert!(numeric_date(&Value::Float(253_402_300_800.0), "x").is_err());
        assert_eq!(numeric_date(&Value::Float(-0.5), "x"), Ok(0));
    }

    #[test]
    fn minting_fails_rather_than_saturating() {
        let now = NOW * 1_000_000;
        assert_eq!(minted_dates(now, now, 300_000_000), Ok((NOW + 300, NOW)));
        assert_eq!(minted_dates(now + 999_999, now, 0), Ok((NOW, NOW)));
        let last = (MAX_NUMERIC_DATE + 1) * 1_000_000 - 1;
        assert_eq!(minted_dates(now, last, 0), Ok((MAX_NUMERIC_DATE, NOW)));
        assert_eq!(minted_dates(now, last, 1), Err(Error::DateOutOfRange));
        assert_eq!(minted_dates(now, now, i64::MAX), Err(Error::DateOutOfRange));
        assert_eq!(minted_dates(now, -1, 0), Err(Error::DateOutOfRange));
    }

    #[test]
    fn numeric_dates_must_be_numbers_in_range() {
        for value in [
            r#""1700000000""#,
            "true",
            "null",
            "-1",
            "1180591620717411303424",
            "253402300800",
            "253402300800.0",
            "1e300",
            "[1]",
            "NaN",
            "Infinity",
            "-Infinity",
        ] {
            for claim in ["exp", "iat", "nbf"] {
                let doc = format!(r#"{{"{claim}":{value}}}"#);
                assert_eq!(
                    check(&doc, &rules(0)).err().map(|e| e.kind()),
                    Some("invalid"),
                    "{doc}"
                );
            }
        }
    }

    #[test]
    fn issuer_is_matched_exactly() {
        let issuers = vec!["https://issuer".to_owned()];
        let mut with_issuer = rules(0);
        with_issuer.issuer = Some(&issuers);
        assert!(check(r#"{"iss":"https://issuer"}"#, &with_issuer).is_ok());
        assert!(check(r#"{"iss":"https://issuer/"}"#, &with_issuer).is_err());
        assert!(check(r#"{"iss":["https://issuer"]}"#, &with_issuer).is_err());
        assert!(check(r#"{}"#, &with_issuer).is_err());
        // Not configured: not checked.
        assert!(check(r#"{"iss":5}"#, &rules(0)).is_ok());
    }

    #[test]
    fn audience_follows_pyjwt() {
        let audiences = vec!["api".to_owned(), "web".to_owned()];
        let mut with_audience = rules(0);
        with_audience.audience = Some(&audiences);
        assert!(check(r#"{"aud":"web"}"#, &with_audience).is_ok());
        assert!(check(r#"{"aud":["other","api"]}"#, &with_audience).is_ok());
        for bad in [
            r#"{}"#,
            r#"{"aud":""}"#,
            r#"{"aud":[]}"#,
            r#"{"aud":"other"}"#,
            r#"{"aud":["api",1]}"#,
            r#"{"aud":{"api":1}}"#,
        ] {
            assert!(check(bad, &with_audience).is_err(), "{bad}");
        }
        // Not configured: an aud in the token is not looked at.
        assert!(check(r#"{"aud":"anything"}"#, &rules(0)).is_ok());
    }

    #[test]
    fn sub_and_jti_must_be_strings_when_present() {
        assert!(check(r#"{"sub":"1","jti":"x"}"#, &rules(0)).is_ok());
        assert!(check(r#"{"sub":1}"#, &rules(0)).is_err());
        assert!(check(r#"{"jti":null}"#, &rules(0)).is_err());
    }

    #[test]
    fn token_rules() {
        let access = TokenRules {
            type_claim: Some("token_type"),
            expected_type: Some("access"),
            jti_claim: Some("jti"),
        };
        let validate = |doc: &str, rules: &TokenRules<'_>| {
            validate_token(&parse(doc.as_bytes()).unwrap(), rules)
        };
        assert!(validate(r#"{"exp":1,"jti":"a","token_type":"access"}"#, &access).is_ok());
        assert_eq!(
            validate(r#"{"jti":"a","token_type":"access"}"#, &access),
            Err(Error::MissingClaim("exp".into()))
        );
        assert_eq!(
            validate(r#"{"exp":1,"token_type":"access"}"#, &access),
            Err(Error::NoId)
        );
        assert_eq!(
            validate(r#"{"exp":1,"jti":"a"}"#, &access),
            Err(Error::NoType)
        );
        assert_eq!(
            validate(r#"{"exp":1,"jti":"a","token_type":"refresh"}"#, &access),
            Err(Error::WrongType)
        );
        let untyped = TokenRules {
            expected_type: None,
            ..access
        };
        assert!(validate(r#"{"exp":1,"jti":"a"}"#, &untyped).is_ok());
        let no_jti = TokenRules {
            jti_claim: None,
            type_claim: None,
            expected_type: None,
        };
        assert!(validate(r#"{"exp":1}"#, &no_jti).is_ok());
    }
}
