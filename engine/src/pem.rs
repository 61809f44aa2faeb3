//! PEM armour, read with the `pem` crate (the one pyca/cryptography, and so
//! PyJWT, reads keys with).
//!
//! A file may hold several blocks: `openssl ecparam -genkey` writes an
//! `EC PARAMETERS` block before the key. Parameter blocks are skipped; the
//! first other block is the key, whatever its label, so that a certificate
//! or an unknown label is reported by name rather than skipped.

/// The key block of a PEM file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pem {
    pub label: String,
    pub der: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemError {
    /// No `-----BEGIN ...-----` / `-----END ...-----` pair.
    NotPem,
    /// Armour present but the body is not base64.
    BadBody,
    /// `Proc-Type: 4,ENCRYPTED` and the like: passphrase-protected keys.
    Encrypted,
}

/// Finds the key block in `text`.
pub fn parse(text: &[u8]) -> Result<Pem, PemError> {
    let blocks = pem::parse_many(text).map_err(|err| match err {
        // RFC 1421 headers only appear on encrypted legacy keys; without the
        // blank line after them they end up in the body.
        _ if contains(text, b"Proc-Type:") => PemError::Encrypted,
        pem::PemError::InvalidData(_) => PemError::BadBody,
        _ => PemError::NotPem,
    })?;
    let block = blocks
        .into_iter()
        .find(|block| !block.tag().ends_with(" PARAMETERS"))
        .ok_or(PemError::NotPem)?;
    if block.headers().iter().next().is_some() {
        return Err(PemError::Encrypted);
    }
    Ok(Pem {
        label: block.tag().to_owned(),
        der: block.into_contents(),
    })
}

/// Looks like PEM: a BEGIN marker and, after it, an END marker. PyJWT
/// refuses such text as an HMAC secret, and so do we.
pub fn looks_like_pem(text: &[u8]) -> bool {
    let begin = b"-----BEGIN ";
    text.windows(begin.len())
        .position(|window| window == begin)
        .and_then(|at| text.get(at..))
        .is_some_and(|rest| contains(rest, b"-----END "))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPKI_P256: &str = include_str!("../../tests/keys/p256_public.pem");
    const SEC1_P256: &str = include_str!("../../tests/keys/p256_private_sec1.pem");

    #[test]
    fn pem_blocks_are_found_and_decoded() {
        let pem = parse(SPKI_P256.as_bytes()).unwrap();
        assert_eq!(pem.label, "PUBLIC KEY");
        let indented = format!("\n   {}\n", SPKI_P256.replace('\n', "\n   "));
        assert_eq!(parse(indented.as_bytes()).unwrap(), pem);
    }

    #[test]
    fn parameters_before_the_key_are_skipped() {
        // What `openssl ecparam -name prime256v1 -genkey` writes.
        let file = format!(
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{SEC1_P256}"
        );
        let pem = parse(file.as_bytes()).unwrap();
        assert_eq!(pem, parse(SEC1_P256.as_bytes()).unwrap());
        assert_eq!(pem.label, "EC PRIVATE KEY");
        // Only parameters: no key.
        assert_eq!(
            parse(
                b"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
            ),
            Err(PemError::NotPem)
        );
    }

    #[test]
    fn other_labels_are_kept_to_be_named() {
        let cert = SPKI_P256.replace("PUBLIC KEY", "CERTIFICATE");
        assert_eq!(parse(cert.as_bytes()).unwrap().label, "CERTIFICATE");
    }

    #[test]
    fn broken_pem_is_reported() {
        assert_eq!(parse(b"secret"), Err(PemError::NotPem));
        assert_eq!(parse(b""), Err(PemError::NotPem));
        assert_eq!(
            parse(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
            Err(PemError::NotPem)
        );
        assert_eq!(
            parse(b"-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----"),
            Err(PemError::BadBody)
        );
        assert_eq!(
            parse(b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----"),
            Err(PemError::Encrypted)
        );
        assert_eq!(
            parse(b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----"),
            Err(PemError::Encrypted)
        );
    }

    #[test]
    fn pem_lookalikes_for_hmac() {
        assert!(looks_like_pem(SPKI_P256.as_bytes()));
        assert!(!looks_like_pem(b"-----BEGIN PUBLIC KEY----- but no end"));
        assert!(!looks_like_pem(b"-----END X----- -----BEGIN X-----"));
        assert!(!looks_like_pem(b"an ordinary secret"));
    }
}
