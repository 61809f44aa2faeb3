//! Key material, as settings (SIGNING_KEY, VERIFYING_KEY) and a JWKS
//! endpoint (JWK_URL) provide it, through every parser the engine has.
//!
//! Input layout: byte 0 picks the algorithm, byte 1 how the rest is read:
//!   0  as given: PEM text or an HMAC secret (SigningKey / VerifyingKey::parse)
//!   1  as DER, armoured as PEM under a label picked by byte 2 (so the fuzzer
//!      mutates DER directly instead of base64 text)
//!   2  as a JWK, a JSON object whose string members fill the Jwk
//!   3  as public key bytes (SPKI, RFC 8017 RSAPublicKey, EC point, raw
//!      Ed25519), and as the n and e of an RSA JWK (n is the first
//!      2 * byte 2 bytes after it)
//! Any key that parses must work: what it signs, its public half verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simplejwt_engine::algorithms::{Algorithm, ALL};
use simplejwt_engine::base64url;
use simplejwt_engine::json::{self as json_read, Value};
use simplejwt_engine::jwk::Jwk;
use simplejwt_engine::keys::{SigningKey, VerifyingKey};
use simplejwt_engine::{der, pem};

const MESSAGE: &[u8] = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30";
const LABELS: [&str; 6] = [
    "PUBLIC KEY",
    "RSA PUBLIC KEY",
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
];

fn armour(label: &str, der: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut text = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        text.push_str(std::str::from_utf8(line).unwrap_or_default());
        text.push('\n');
    }
    text.push_str(&format!("-----END {label}-----\n"));
    text.into_bytes()
}

fn exercise_material(alg: Algorithm, material: &[u8]) {
    let _ = pem::parse(material);
    let _ = pem::looks_like_pem(material);
    if let Ok(signer) = SigningKey::parse(alg, material) {
        let signature = match signer.sign(alg, MESSAGE) {
            Ok(signature) => signature,
            Err(e) => panic!("{alg:?}: a key that parsed cannot sign: {e}"),
        };
        let public = signer
            .verifying_key(alg)
            .unwrap_or_else(|e| panic!("{alg:?}: a parsed key has no public half: {e}"));
        assert!(
            public.verify(MESSAGE, &signature),
            "{alg:?}: a parsed key's public half refuses its signature"
        );
        assert!(!public.verify(b"another message", &signature));
        assert_eq!(signer.is_asymmetric(), !alg.is_symmetric());
    }
    if let Ok(verifier) = VerifyingKey::parse(alg, material) {
        exercise_verifier(&verifier);
    }
}

fn exercise_verifier(verifier: &VerifyingKey) {
    for signature in [&[][..], &[0u8; 64][..], &[0xffu8; 256][..], MESSAGE] {
        let _ = verifier.verify(MESSAGE, signature);
    }
}

fn jwk_from_json(doc: &[u8]) -> Option<Jwk> {
    let value = json_read::parse(doc).ok()?;
    let Value::Object(_) = value else {
        return None;
    };
    let member = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    Some(Jwk {
        kty: member("kty"),
        alg: member("alg"),
        use_: member("use"),
        crv: member("crv"),
        n: member("n"),
        e: member("e"),
        x: member("x"),
        y: member("y"),
        k: member("k"),
    })
}

fuzz_target!(|data: &[u8]| {
    let [alg_byte, mode, rest @ ..] = data else {
        return;
    };
    let alg = ALL[usize::from(*alg_byte) % ALL.len()];
    match mode % 4 {
        0 => exercise_material(alg, rest),
        1 => {
            let [label, der @ ..] = rest else {
                return;
            };
            let _ = der::spki_kind(der);
            let _ = der::pkcs8_kind(der);
            let _ = der::sec1_curve(der);
            let label = LABELS[usize::from(*label) % LABELS.len()];
            let text = armour(label, der);
            let parsed = pem::parse(&text).expect("armoured DER is PEM");
            assert_eq!(parsed.der, der);
            assert_eq!(parsed.label, label);
            exercise_material(alg, &text);
        }
        2 => {
            if let Some(jwk) = jwk_from_json(rest) {
                if let Ok(verifier) = jwk.verifying_key(alg) {
                    assert_eq!(verifier.is_asymmetric(), !alg.is_symmetric());
                    exercise_verifier(&verifier);
                }
            }
        }
        _ => {
            if let Ok(verifier) = VerifyingKey::from_public_bytes(alg, rest) {
                exercise_verifier(&verifier);
            }
            if let [split, bytes @ ..] = rest {
                let at = (2 * usize::from(*split)).min(bytes.len());
                let (n, e) = bytes.split_at(at);
                if let Some(der) = der::rsa_public_key_der(n, e) {
                    let _ = VerifyingKey::from_public_bytes(alg, &der);
                }
                let jwk = Jwk {
                    kty: Some("RSA".to_owned()),
                    n: Some(base64url::encode(n)),
                    e: Some(base64url::encode(e)),
                    ..Jwk::default()
                };
                if let Ok(verifier) = jwk.verifying_key(alg) {
                    exercise_verifier(&verifier);
                }
            }
        }
    }
});
