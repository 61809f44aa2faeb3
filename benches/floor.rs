//! The floor: what the token engine alone costs for each operation that
//! bench/micro.py measures through the Python API, with no Python objects.
//!
//! Each operation does, in Rust, the engine's share of the Python operation of
//! the same name: decoding a token is split, base64, algorithm check,
//! signature, payload JSON and claim checks; minting one is a new jti, the
//! payload JSON (claims in simplejwt's order) and the signature. What the
//! Python side adds (dicts, Django, DRF, the ORM) is what `ours - floor`
//! shows. The database query of `db_auth` and of the refresh serializers is
//! not part of any floor.
//!
//!     cargo bench --bench floor                      # default batches
//!     cargo bench --bench floor -- --batches 9 --batch-ms 40 --json out.json
//!     target/release/deps/floor-* --serve            # what bench/run.py uses
//!
//! With `--serve` it reads `ALGORITHM OPERATION BATCH_MS BATCHES` lines on
//! stdin and answers each with the median nanoseconds per call, so run.py
//! can measure the floor between the two Python packages, operation by
//! operation.
//!
//! Timing: each operation runs in batches long enough for `Instant` to be
//! precise (calibrated first); the result is the median over batches, in
//! nanoseconds per operation. JSON goes to stdout (and to `--json PATH`), a
//! readable table to stderr.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use simplejwt_engine::algorithms::Algorithm;
use simplejwt_engine::base64url;
use simplejwt_engine::claims::{self, ClaimRules, TokenRules};
use simplejwt_engine::json::write::{write_i64, write_str};
use simplejwt_engine::json::{self as json_read, Value};
use simplejwt_engine::jti;
use simplejwt_engine::jws;
use simplejwt_engine::keys::{SigningKey, VerifyingKey};

/// 64 bytes, the same secret bench/_django.py configures for HS256.
const HS256_SECRET: &[u8; 64] = b"bench-hs256-secret-000000000000000000000000000000000000000000064";

/// The lifetimes bench/_django.py configures: the fixture tokens, minted at
/// start-up, must stay valid through the longest run (make bench FULL=1).
const ACCESS_LIFETIME_S: i64 = 2 * 60 * 60;
const REFRESH_LIFETIME_S: i64 = 24 * 60 * 60;
const SLIDING_LIFETIME_S: i64 = 2 * 60 * 60;
const SLIDING_REFRESH_LIFETIME_S: i64 = 24 * 60 * 60;
const USER_ID: &str = "1";

/// (name, private key file, public key file) under tests/keys/.
const ASYMMETRIC: [(&str, &str, &str); 3] = [
    (
        "RS256",
        include_str!("../tests/keys/rsa_private_pkcs8.pem"),
        include_str!("../tests/keys/rsa_public_spki.pem"),
    ),
    (
        "ES256",
        include_str!("../tests/keys/p256_private_pkcs8.pem"),
        include_str!("../tests/keys/p256_public.pem"),
    ),
    (
        "EdDSA",
        include_str!("../tests/keys/ed25519_private.pem"),
        include_str!("../tests/keys/ed25519_public.pem"),
    ),
];

/// The operations, in the order of the results table (ids shared with
/// bench/micro.py).
const OPERATIONS: [&str; 9] = [
    "access_token",
    "untyped_token",
    "stateless_auth",
    "db_auth",
    "login",
    "access_from_refresh",
    "refresh",
    "refresh_rotate",
    "sliding_refresh",
];

struct Options {
    batches: usize,
    batch: Duration,
    json_path: Option<String>,
    only: Option<String>,
    serve: bool,
}

fn options() -> Options {
    let mut opts = Options {
        batches: 7,
        batch: Duration::from_millis(20),
        json_path: None,
        only: None,
        serve: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| panic!("{name} needs a value"))
        };
        match arg.as_str() {
            "--batches" => opts.batches = value("--batches").parse().expect("--batches N"),
            "--batch-ms" => {
                opts.batch =
                    Duration::from_millis(value("--batch-ms").parse().expect("--batch-ms N"))
            }
            "--json" => opts.json_path = Some(value("--json")),
            "--only" => opts.only = Some(value("--only")),
            "--serve" => opts.serve = true,
            // `cargo bench` passes --bench; libtest-style filters are ignored.
            _ => {}
        }
    }
    opts.batches = opts.batches.max(1);
    opts
}

/// Median nanoseconds per call of `op`, over batches of a calibrated size.
fn measure(batch: Duration, batches: usize, mut op: impl FnMut()) -> (f64, u64) {
    let mut number: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..number {
            op();
        }
        let elapsed = start.elapsed();
        if elapsed >= batch / 5 {
            let scale = batch.as_secs_f64() / elapsed.as_secs_f64();
            number = ((number as f64 * scale).ceil() as u64).max(1);
            break;
        }
        number *= 2;
    }
    let mut per_op: Vec<f64> = (0..batches.max(1))
        .map(|_| {
            let start = Instant::now();
            for _ in 0..number {
                op();
            }
            start.elapsed().as_nanos() as f64 / number as f64
        })
        .collect();
    per_op.sort_by(f64::total_cmp);
    (per_op[per_op.len() / 2], number)
}

/// One algorithm's keys and tokens, made once.
struct Fixture {
    alg: Algorithm,
    signer: SigningKey,
    verifier: VerifyingKey,
    header_b64: String,
    access: String,
    refresh: String,
    sliding: String,
    authorization: Vec<u8>,
}

enum Claim<'a> {
    Str(&'a str),
    Int(i64),
}

impl Fixture {
    fn new(alg: Algorithm, private: &[u8], public: &[u8]) -> Fixture {
        let signer = SigningKey::parse(alg, private).expect("signing key");
        let verifier = VerifyingKey::parse(alg, public).expect("verifying key");
        let mut fixture = Fixture {
            alg,
            signer,
            verifier,
            header_b64: jws::header_b64(alg),
            access: String::new(),
            refresh: String::new(),
            sliding: String::new(),
            authorization: Vec::new(),
        };
        let now = now_us() / 1_000_000;
        fixture.refresh = fixture.mint("refresh", now, REFRESH_LIFETIME_S, &new_jti(), None);
        fixture.access = fixture.mint("access", now, ACCESS_LIFETIME_S, &new_jti(), None);
        fixture.sliding = fixture.mint(
            "sliding",
            now,
            SLIDING_LIFETIME_S,
            &new_jti(),
            Some(now + SLIDING_REFRESH_LIFETIME_S),
        );
        fixture.authorization = format!("Bearer {}", fixture.access).into_bytes();
        fixture
    }

    /// A token with simplejwt's claims, in its order: type, exp, iat, jti,
    /// (refresh_exp for sliding tokens), then the user id.
    fn mint(
        &self,
        token_type: &str,
        now_s: i64,
        lifetime_s: i64,
        jti: &str,
        refresh_exp: Option<i64>,
    ) -> String {
        let mut members = vec![
            ("token_type", Claim::Str(token_type)),
            ("exp", Claim::Int(now_s + lifetime_s)),
            ("iat", Claim::Int(now_s)),
            ("jti", Claim::Str(jti)),
        ];
        if let Some(refresh_exp) = refresh_exp {
            members.push(("refresh_exp", Claim::Int(refresh_exp)));
        }
        members.push(("user_id", Claim::Str(USER_ID)));
        let mut json = Vec::with_capacity(160);
        write_payload(&members, &mut json);
        self.sign(&json)
    }

    fn sign(&self, payload_json: &[u8]) -> String {
        let mut token = jws::signing_input(&self.header_b64, payload_json, 700);
        let signature = self
            .signer
            .sign(self.alg, token.as_bytes())
            .expect("signing");
        token.push('.');
        base64url::encode_into(&signature, &mut token);
        token
    }

    /// Decodes and verifies `token` as the engine does for a token class,
    /// then hands the payload to `then`.
    fn verified<R>(
        &self,
        token: &[u8],
        expected_type: Option<&str>,
        then: impl FnOnce(&Value<'_>) -> R,
    ) -> R {
        // The engine passes the header it writes, which skips parsing it.
        let own_header = Some((self.header_b64.as_bytes(), self.alg));
        let compact = jws::parse(token, own_header).expect("well-formed token");
        compact.check_algorithm(self.alg).expect("algorithm");
        assert!(
            self.verifier
                .verify(compact.signing_input, &compact.signature),
            "signature"
        );
        let payload = json_read::parse(&compact.payload).expect("payload JSON");
        assert!(matches!(payload, Value::Object(_)));
        let rules = ClaimRules {
            now_us: now_us(),
            leeway_us: 0,
            audience: None,
            issuer: None,
        };
        claims::validate_registered(&payload, &rules).expect("registered claims");
        let token_rules = TokenRules {
            type_claim: Some("token_type"),
            expected_type,
            jti_claim: Some("jti"),
        };
        claims::validate_token(&payload, &token_rules).expect("token claims");
        then(&payload)
    }

    fn run(&self, operation: &str) {
        match operation {
            "access_token" => self.verified(self.access.as_bytes(), Some("access"), |_| ()),
            "untyped_token" => self.verified(self.access.as_bytes(), None, |_| ()),
            // The database query of db_auth is not the engine's: same floor.
            "stateless_auth" | "db_auth" => {
                let mut parts = self
                    .authorization
                    .split(u8::is_ascii_whitespace)
                    .filter(|part| !part.is_empty());
                let (Some(b"Bearer"), Some(raw), None) = (parts.next(), parts.next(), parts.next())
                else {
                    panic!("authorization header");
                };
                self.verified(raw, Some("access"), |payload| {
                    assert!(payload.get("user_id").is_some());
                });
            }
            "login" => {
                let now = now_us() / 1_000_000;
                black_box(self.mint("refresh", now, REFRESH_LIFETIME_S, &new_jti(), None));
                black_box(self.mint("access", now, ACCESS_LIFETIME_S, &new_jti(), None));
            }
            "access_from_refresh" => {
                let now = now_us() / 1_000_000;
                black_box(self.mint("access", now, ACCESS_LIFETIME_S, &new_jti(), None));
            }
            "refresh" | "refresh_rotate" => {
                let rotate = operation == "refresh_rotate";
                self.verified(self.refresh.as_bytes(), Some("refresh"), |payload| {
                    assert_eq!(
                        payload.get("user_id").and_then(Value::as_str),
                        Some(USER_ID)
                    );
                    let now = now_us() / 1_000_000;
                    black_box(self.mint("access", now, ACCESS_LIFETIME_S, &new_jti(), None));
                    if rotate {
                        black_box(self.mint("refresh", now, REFRESH_LIFETIME_S, &new_jti(), None));
                    }
                });
            }
            "sliding_refresh" => {
                self.verified(self.sliding.as_bytes(), Some("sliding"), |payload| {
                    let now_us = now_us();
                    let refresh_exp = payload
                        .get("refresh_exp")
                        .map(|value| claims::numeric_date(value, "refresh_exp"))
                        .expect("refresh_exp claim")
                        .expect("refresh_exp date");
                    assert!(refresh_exp * 1_000_000 > now_us, "refresh period over");
                    let jti = payload.get("jti").and_then(Value::as_str).expect("jti");
                    let now = now_us / 1_000_000;
                    black_box(self.mint(
                        "sliding",
                        now,
                        SLIDING_LIFETIME_S,
                        jti,
                        Some(refresh_exp),
                    ));
                });
            }
            other => panic!("unknown operation {other}"),
        }
    }
}

/// A token id; the bench has no use for a failure to draw random bytes.
fn new_jti() -> String {
    jti::new_jti().expect("random bytes for a token id")
}

/// The payload as PyJWT's `json.dumps(separators=(",", ":"))` writes it.
fn write_payload(members: &[(&str, Claim<'_>)], out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(name, out);
        out.push(b':');
        match value {
            Claim::Str(text) => write_str(text, out),
            Claim::Int(int) => write_i64(*int, out),
        }
    }
    out.push(b'}');
}

/// Now, as the Python layer hands it to the engine.
fn now_us() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    i64::try_from(since.as_micros()).expect("clock in range")
}

fn main() {
    let opts = options();
    let mut fixtures = vec![(
        "HS256",
        Fixture::new(Algorithm::HS256, HS256_SECRET, HS256_SECRET),
    )];
    for (name, private, public) in ASYMMETRIC {
        let alg = Algorithm::from_name(name).expect("algorithm");
        fixtures.push((
            name,
            Fixture::new(alg, private.as_bytes(), public.as_bytes()),
        ));
    }

    if opts.serve {
        serve(&fixtures);
        return;
    }

    let mut json = String::from("{\"unit\":\"ns\",\"results\":{");
    for (a, (name, fixture)) in fixtures.iter().enumerate() {
        if opts.only.as_deref().is_some_and(|only| only != *name) {
            continue;
        }
        if a > 0 && !json.ends_with('{') {
            json.push(',');
        }
        json.push_str(&format!("\"{name}\":{{"));
        for (o, operation) in OPERATIONS.iter().enumerate() {
            let (ns, number) = measure(opts.batch, opts.batches, || fixture.run(operation));
            eprintln!(
                "{name:6} {operation:20} {:>10.3} us  ({number} per batch)",
                ns / 1000.0
            );
            if o > 0 {
                json.push(',');
            }
            json.push_str(&format!("\"{operation}\":{ns:.1}"));
        }
        json.push('}');
    }
    json.push_str("}}");
    if let Some(path) = &opts.json_path {
        std::fs::write(path, &json).expect("writing --json");
    }
    println!("{json}");
}

/// Answers `ALGORITHM OPERATION BATCH_MS BATCHES` lines with nanoseconds.
fn serve(fixtures: &[(&str, Fixture)]) {
    use std::io::{BufRead, Write};

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "ready").expect("stdout");
    stdout.flush().expect("stdout");
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin");
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [algorithm, operation, batch_ms, batches] = fields[..] else {
            break;
        };
        let (_, fixture) = fixtures
            .iter()
            .find(|(name, _)| *name == algorithm)
            .unwrap_or_else(|| panic!("unknown algorithm {algorithm}"));
        assert!(
            OPERATIONS.contains(&operation),
            "unknown operation {operation}"
        );
        let batch = Duration::from_millis(batch_ms.parse().expect("BATCH_MS"));
        let batches = batches.parse().expect("BATCHES");
        let (ns, _) = measure(batch, batches, || fixture.run(operation));
        writeln!(stdout, "{ns:.1}").expect("stdout");
        stdout.flush().expect("stdout");
    }
}
