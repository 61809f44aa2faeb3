//! Token ids: a random UUID4 as 32 lowercase hex digits, like `uuid4().hex`.
//!
//! The bytes come from aws-lc's generator (seeded from the OS, reseeded
//! after fork), drawn in blocks from a per-thread pool (`rng`): a system
//! call per token, as `os.urandom` would make, costs more than the rest of
//! minting. If that generator fails, the OS's (getrandom) is asked directly;
//! if both fail, no id is made.

use uuid::fmt::Simple;
use uuid::Builder;

use crate::error::{Error, Result};

/// Length of an id in hex digits.
pub const JTI_LEN: usize = Simple::LENGTH;

/// A new id written into `buffer`, returned as text.
pub fn write_jti(buffer: &mut [u8; JTI_LEN]) -> Result<&str> {
    let mut bytes = [0u8; 16];
    if !crate::rng::fill(&mut bytes) && getrandom::fill(&mut bytes).is_err() {
        return Err(Error::Crypto("no random bytes for a token id"));
    }
    // Sets the version (4) and variant (RFC 4122) bits, as uuid4() does.
    let id = Builder::from_random_bytes(bytes).into_uuid();
    Ok(id.simple().encode_lower(buffer))
}

/// A new id as a String.
pub fn new_jti() -> Result<String> {
    let mut buffer = [0u8; JTI_LEN];
    write_jti(&mut buffer).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jti_is_a_uuid4_hex() {
        let jti = new_jti().unwrap();
        assert_eq!(jti.len(), 32);
        assert!(jti.bytes().all(|b| b"0123456789abcdef".contains(&b)));
        assert_eq!(&jti[12..13], "4");
        assert!(matches!(&jti[16..17], "8" | "9" | "a" | "b"));
        assert_ne!(new_jti().unwrap(), jti);
    }
}
