//! JSON as Python's `json` module reads and writes it (and so PyJWT).

pub mod read;
pub mod write;

pub use read::{parse, JsonStr, ParseError, Value};

/// Deeper documents are refused when read, and deeper Python values are left
/// to the `json` module when written (which also reports circular
/// references). Real tokens nest two or three levels.
pub const MAX_DEPTH: usize = 256;
