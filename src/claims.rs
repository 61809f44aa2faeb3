//! Claim validation: PyJWT's rules for the registered claims, then simplejwt's
//! rules for its own (`Token.verify`).
//!
//! Times are whole microseconds since the epoch, so "now" captured as a
//! Python datetime and a leeway given as a timedelta compare exactly.
//! `exp`, `nbf` and `iat` must be integer NumericDates: simplejwt and PyJWT
//! always write integers, and a string, float, boolean, null or out-of-range
//! number in a signed token is refused rather than coerced.

use crate::errors::{Error, Result};
use crate::json_read::Value;

/// 9999-12-31T23:59:59Z, the last second Python's datetime can hold.
pub const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

const MICROS: i128 = 1_000_000;

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
        if micros(numeric_date(iat, "iat must be an integer timestamp")?) > now + leeway {
            return Err(Error::Claim("the token was issued in the future (iat)"));
        }
    }
    if let Some(nbf) = payload.get("nbf") {
        if micros(numeric_date(nbf, "nbf must be an integer timestamp")?) > now + leeway {
            return Err(Error::Claim("the token is not yet valid (nbf)"));
        }
    }
    if let Some(exp) = payload.get("exp") {
        if micros(numeric_date(exp, "exp must be an integer timestamp")?) <= now - leeway {
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

/// An integer NumericDate Python's datetime can represent.
pub fn numeric_date(value: &Value<'_>, why: &'static str) -> Result<i64> {
    match value {
        Value::Int(seconds) if (0..=MAX_NUMERIC_DATE).contains(seconds) => Ok(*seconds),
        _ => Err(Error::Claim(why)),
    }
}

fn micros(seconds: i64) -> i128 {
    i128::from(seconds) * MICROS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_read::parse;

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
    fn numeric_dates_must_be_integers_in_range() {
        for value in [
            r#""1700000000""#,
            "1700000000.5",
            "true",
            "null",
            "-1",
            "1180591620717411303424",
            "253402300800",
            "[1]",
            "NaN",
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
