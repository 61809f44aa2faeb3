//! A token as a client sends it, through everything the engine does with it
//! before Python sees a claim: the size limit, the split, base64url, the
//! header JSON, the algorithm check, the signature (RS256, PS256, ES256,
//! ES512, EdDSA and HS256 keys from tests/keys), the payload JSON, and the
//! registered-claim and token-type rules. The fuzzer cannot forge a
//! signature, so the payload checks run as if it had verified.
//!
//! Besides "no panic, no leak, no out-of-bounds", it checks that a token the
//! parser accepts is within the size limit, that its signed part is a prefix
//! of the token, and that the fast path for the engine's own header agrees
//! with the full header parse.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use simplejwt_engine::algorithms::Algorithm;
use simplejwt_engine::claims::{self, ClaimRules, TokenRules};
use simplejwt_engine::json::{self as json_read, Value};
use simplejwt_engine::jws::{self, AlgHeader};
use simplejwt_engine::keys::VerifyingKey;

const NOW_US: i64 = 1_900_000_000_000_000;
/// fuzz/seed_corpus.py signs its HS256 tokens with the same secret.
const HMAC_SECRET: &str = "fuzz-hmac-secret-0123456789abcdef0123456789abcdef0123456789abcde";

fn verifiers() -> &'static [(Algorithm, VerifyingKey)] {
    static KEYS: OnceLock<Vec<(Algorithm, VerifyingKey)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let rsa = include_str!("../../tests/keys/rsa_public_spki.pem");
        [
            (Algorithm::HS256, HMAC_SECRET),
            (Algorithm::RS256, rsa),
            (Algorithm::PS256, rsa),
            (
                Algorithm::ES256,
                include_str!("../../tests/keys/p256_public.pem"),
            ),
            (
                Algorithm::ES512,
                include_str!("../../tests/keys/p521_public.pem"),
            ),
            (
                Algorithm::EdDSA,
                include_str!("../../tests/keys/ed25519_public.pem"),
            ),
        ]
        .into_iter()
        .map(|(alg, material)| {
            let key = VerifyingKey::parse(alg, material.as_bytes())
                .unwrap_or_else(|e| panic!("test key for {alg:?}: {e}"));
            (alg, key)
        })
        .collect()
    })
}

fn own_headers() -> &'static [(String, Algorithm)] {
    static HEADERS: OnceLock<Vec<(String, Algorithm)>> = OnceLock::new();
    HEADERS.get_or_init(|| {
        verifiers()
            .iter()
            .map(|(alg, _)| (jws::header_b64(*alg), *alg))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let full = jws::parse(data, None);
    for (own, alg) in own_headers() {
        let fast = jws::parse(data, Some((own.as_bytes(), *alg)));
        match (&full, &fast) {
            (Ok(full), Ok(fast)) => {
                assert_eq!(full.signing_input, fast.signing_input);
                assert_eq!(full.payload, fast.payload);
                assert_eq!(full.signature, fast.signature);
                // Our own header, parsed in full, names the same algorithm.
                if let AlgHeader::Own(fast_alg) = fast.alg {
                    assert_eq!(fast_alg, *alg);
                    assert_eq!(full.alg, AlgHeader::Named(alg.name().to_owned()));
                    assert!(full.check_algorithm(*alg).is_ok());
                }
            }
            // The fast path only skips parsing a header known to be valid.
            (Err(e), Ok(_)) => panic!("own-header path accepted what parsing refused: {e}"),
            (Ok(_), Err(e)) => panic!("own-header path refused a valid token: {e}"),
            (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind()),
        }
    }
    let Ok(compact) = full else {
        return;
    };
    assert!(data.len() <= jws::MAX_TOKEN_BYTES);
    assert!(data.starts_with(compact.signing_input));
    assert_eq!(data.get(compact.signing_input.len()), Some(&b'.'));

    for (alg, key) in verifiers() {
        if compact.check_algorithm(*alg).is_ok()
            && key.verify(compact.signing_input, &compact.signature)
        {
            // A genuine token (the seed corpus has some): any change to the
            // signed part or to the signature must break it.
            let mut signature = compact.signature.clone();
            if let Some(last) = signature.last_mut() {
                *last ^= 1;
            }
            assert!(!key.verify(compact.signing_input, &signature), "{alg:?}");
            assert!(
                !key.verify(&compact.signing_input[1..], &compact.signature),
                "{alg:?}"
            );
            let truncated = &compact.signature[..compact.signature.len() - 1];
            assert!(!key.verify(compact.signing_input, truncated), "{alg:?}");
        }
    }

    let Ok(payload) = json_read::parse(&compact.payload) else {
        return;
    };
    if !matches!(payload, Value::Object(_)) {
        return;
    }
    let audience = ["api".to_owned(), "web".to_owned()];
    let issuer = ["https://issuer.example".to_owned()];
    for (now_us, leeway_us) in [
        (NOW_US, 0),
        (NOW_US, 60_000_000),
        (0, 0),
        (i64::MAX, i64::MAX),
        (i64::MIN, i64::MIN),
        (i64::MIN, i64::MAX),
    ] {
        for (audience, issuer) in [(None, None), (Some(&audience[..]), Some(&issuer[..]))] {
            let rules = ClaimRules {
                now_us,
                leeway_us,
                audience,
                issuer,
            };
            let _ = claims::validate_registered(&payload, &rules);
        }
    }
    for rules in [
        TokenRules {
            type_claim: Some("token_type"),
            expected_type: Some("access"),
            jti_claim: Some("jti"),
        },
        TokenRules {
            type_claim: None,
            expected_type: None,
            jti_claim: None,
        },
    ] {
        let _ = claims::validate_token(&payload, &rules);
    }
});
