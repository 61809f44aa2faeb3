//! A JSON reader with the semantics of Python's `json.loads`.
//!
//! Tokens are parsed into a small borrowed tree first, so the claim checks run
//! on plain Rust data and the Python objects are built once, afterwards.
//! Where JSON implementations differ, this one does what `json.loads` does:
//! `NaN`, `Infinity` and `-Infinity` are numbers, integers have no size limit,
//! a repeated key keeps its first position with its last value, lone UTF-16
//! surrogates from `\u` escapes survive. It only accepts UTF-8 input and
//! bounds nesting depth, so hostile input costs linear time and bounded stack.

use std::borrow::Cow;

use super::MAX_DEPTH;

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer literal outside i64, kept as its decimal text.
    BigInt(&'a str),
    Float(f64),
    Str(JsonStr<'a>),
    Array(Vec<Value<'a>>),
    /// Members in document order, duplicates included.
    Object(Vec<(JsonStr<'a>, Value<'a>)>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonStr<'a> {
    Text(Cow<'a, str>),
    /// A string holding a lone surrogate, which Rust strings cannot; kept
    /// as UTF-16 code units so Python can still receive it exactly.
    Utf16(Vec<u16>),
}

impl JsonStr<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonStr::Text(text) => Some(text),
            JsonStr::Utf16(_) => None,
        }
    }
}

impl<'a> Value<'a> {
    /// The value of `key` in an object, the last one if repeated (as a
    /// Python dict built from the document would hold).
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members
                .iter()
                .rev()
                .find(|(name, _)| name.as_str() == Some(key))
                .map(|(_, value)| value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => s.as_str(),
            _ => None,
        }
    }

    /// Python truthiness, as PyJWT's `not payload["aud"]` uses it.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::BigInt(_) => true,
            Value::Float(f) => *f != 0.0,
            Value::Str(JsonStr::Text(t)) => !t.is_empty(),
            Value::Str(JsonStr::Utf16(units)) => !units.is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Object(members) => !members.is_empty(),
        }
    }
}

/// What one escape sequence stands for.
enum Escaped {
    Char(char),
    /// A `\u` escape of a surrogate with no partner.
    LoneSurrogate(u16),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    NotUtf8,
    Syntax,
    TooDeep,
}

pub fn parse(input: &[u8]) -> Result<Value<'_>, ParseError> {
    let text = std::str::from_utf8(input).map_err(|_| ParseError::NotUtf8)?;
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos != reader.bytes.len() {
        return Err(ParseError::Syntax);
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The input from the current position on.
    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// Advances over the bytes from the position on that `accept` takes.
    /// One addition per run, not per byte: with overflow checks on (the
    /// release profile), a check per byte costs the hot loops measurably.
    fn advance_while(&mut self, accept: impl Fn(u8) -> bool) {
        let run = self.rest().iter().take_while(|&&b| accept(b)).count();
        self.pos += run;
    }

    fn skip_whitespace(&mut self) {
        self.advance_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    }

    fn eat_literal(&mut self, literal: &str) -> bool {
        if self.rest().starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        self.skip_whitespace();
        match self.peek().ok_or(ParseError::Syntax)? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => Ok(Value::Str(self.string()?)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => self.keyword(),
        }
    }

    fn keyword(&mut self) -> Result<Value<'a>, ParseError> {
        const KEYWORDS: [(&str, Value<'static>); 5] = [
            ("null", Value::Null),
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("NaN", Value::Float(f64::NAN)),
            ("Infinity", Value::Float(f64::INFINITY)),
        ];
        for (literal, value) in KEYWORDS {
            if self.eat_literal(literal) {
                return Ok(value);
            }
        }
        Err(ParseError::Syntax)
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(ParseError::Syntax);
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(ParseError::Syntax);
            }
            self.pos += 1;
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(ParseError::Syntax),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(ParseError::Syntax),
            }
        }
    }

    /// Python's number grammar: `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`,
    /// plus `-Infinity`.
    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            if self.eat_literal("Infinity") {
                return Ok(Value::Float(f64::NEG_INFINITY));
            }
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(ParseError::Syntax),
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') && self.digit_at(self.pos + 1) {
            is_float = true;
            self.pos += 1;
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            let mut exp = self.pos + 1;
            if let Some(b'+' | b'-') = self.bytes.get(exp) {
                exp += 1;
            }
            if self.digit_at(exp) {
                is_float = true;
                self.pos = exp;
                self.digits();
            }
        }
        let literal = self.text.get(start..self.pos).ok_or(ParseError::Syntax)?;
        if is_float {
            // Rust's parser rounds correctly, as Python's float() does, and
            // overflows to infinity the same way.
            literal
                .parse::<f64>()
                .map(Value::Float)
                .map_err(|_| ParseError::Syntax)
        } else {
            Ok(literal
                .parse::<i64>()
                .map_or(Value::BigInt(literal), Value::Int))
        }
    }

    fn digit_at(&self, pos: usize) -> bool {
        matches!(self.bytes.get(pos), Some(b'0'..=b'9'))
    }

    fn digits(&mut self) {
        self.advance_while(|b| b.is_ascii_digit());
    }

    fn string(&mut self) -> Result<JsonStr<'a>, ParseError> {
        self.pos += 1; // opening quote
        let start = self.pos;
        let run = self
            .rest()
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .ok_or(ParseError::Syntax)?;
        self.pos = start + run;
        match self.peek() {
            Some(b'"') => {
                let text = self.text.get(start..self.pos).ok_or(ParseError::Syntax)?;
                self.pos += 1;
                return Ok(JsonStr::Text(Cow::Borrowed(text)));
            }
            Some(b'\\') => {}
            _ => return Err(ParseError::Syntax),
        }
        // Escapes present: decode straight into UTF-8. Only a lone
        // surrogate, which UTF-8 cannot hold, switches to UTF-16 units.
        let mut text = String::from(self.text.get(start..self.pos).ok_or(ParseError::Syntax)?);
        loop {
            match self.peek() {
                None => return Err(ParseError::Syntax),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(JsonStr::Text(Cow::Owned(text)));
                }
                Some(b'\\') => {
                    let ch = match self.escape()? {
                        Escaped::Char(ch) => ch,
                        Escaped::LoneSurrogate(unit) => {
                            let mut units: Vec<u16> = text.encode_utf16().collect();
                            units.push(unit);
                            return self.utf16_string(units);
                        }
                    };
                    text.push(ch);
                }
                Some(0x00..=0x1f) => return Err(ParseError::Syntax),
                Some(_) => text.push_str(self.plain_run()?),
            }
        }
    }

    /// The rest of a string holding a lone surrogate, as UTF-16 units.
    fn utf16_string(&mut self, mut units: Vec<u16>) -> Result<JsonStr<'a>, ParseError> {
        loop {
            match self.peek() {
                None => return Err(ParseError::Syntax),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(JsonStr::Utf16(units));
                }
                Some(b'\\') => match self.escape()? {
                    Escaped::Char(ch) => units.extend(ch.encode_utf16(&mut [0; 2]).iter()),
                    Escaped::LoneSurrogate(unit) => units.push(unit),
                },
                Some(0x00..=0x1f) => return Err(ParseError::Syntax),
                Some(_) => units.extend(self.plain_run()?.encode_utf16()),
            }
        }
    }

    /// The text up to the next quote, backslash or control character.
    fn plain_run(&mut self) -> Result<&'a str, ParseError> {
        let start = self.pos;
        self.advance_while(|b| b != b'"' && b != b'\\' && b >= 0x20);
        self.text.get(start..self.pos).ok_or(ParseError::Syntax)
    }

    /// One escape sequence, the backslash included. A `\u` escape of a high
    /// surrogate followed by one of a low surrogate is one character, as
    /// `json.loads` joins them.
    fn escape(&mut self) -> Result<Escaped, ParseError> {
        self.pos += 1; // '\\'
        let escaped = self.peek().ok_or(ParseError::Syntax)?;
        self.pos += 1;
        let ch = match escaped {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => return Err(ParseError::Syntax),
        };
        Ok(Escaped::Char(ch))
    }

    fn unicode_escape(&mut self) -> Result<Escaped, ParseError> {
        let unit = self.hex4()?;
        if (0xd800..0xdc00).contains(&unit) && self.rest().starts_with(b"\\u") {
            let before = self.pos;
            self.pos += 2;
            match self.hex4() {
                Ok(low @ 0xdc00..=0xdfff) => {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xd800) << 10) + (u32::from(low) - 0xdc00);
                    return char::from_u32(code)
                        .map(Escaped::Char)
                        .ok_or(ParseError::Syntax);
                }
                // Not a low surrogate: the high one stands alone, and the
                // next escape is read on its own.
                _ => self.pos = before,
            }
        }
        Ok(char::from_u32(u32::from(unit)).map_or(Escaped::LoneSurrogate(unit), Escaped::Char))
    }

    fn hex4(&mut self) -> Result<u16, ParseError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or(ParseError::Syntax)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ParseError::Syntax);
        }
        self.pos += 4;
        u16::from_str_radix(digits, 16).map_err(|_| ParseError::Syntax)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value<'_> {
        Value::Str(JsonStr::Text(Cow::Borrowed(s)))
    }

    #[test]
    fn parses_a_token_payload() {
        let doc = br#"{"token_type":"access","exp":1700000000,"jti":"abc","user_id":"1"}"#;
        let value = parse(doc).unwrap();
        assert_eq!(value.get("exp"), Some(&Value::Int(1_700_000_000)));
        assert_eq!(value.get("token_type"), Some(&text("access")));
        assert_eq!(value.get("missing"), None);
    }

    #[test]
    fn numbers_follow_python() {
        assert_eq!(parse(b"-0").unwrap(), Value::Int(0));
        assert_eq!(parse(b"1.5e3").unwrap(), Value::Float(1500.0));
        assert_eq!(parse(b"1E+2").unwrap(), Value::Float(100.0));
        assert_eq!(
            parse(b"123456789012345678901234567890").unwrap(),
            Value::BigInt("123456789012345678901234567890")
        );
        assert_eq!(parse(b"1e400").unwrap(), Value::Float(f64::INFINITY));
        assert_eq!(
            parse(b"-Infinity").unwrap(),
            Value::Float(f64::NEG_INFINITY)
        );
        assert!(matches!(parse(b"NaN").unwrap(), Value::Float(f) if f.is_nan()));
        for bad in [
            &b"01"[..],
            b"+1",
            b"1.",
            b".5",
            b"-",
            b"1e",
            b"0x10",
            b"--1",
        ] {
            assert_eq!(parse(bad), Err(ParseError::Syntax), "{:?}", bad);
        }
    }

    #[test]
    fn strings_follow_python() {
        assert_eq!(
            parse(br#""a\u00e9\n""#).unwrap(),
            Value::Str(JsonStr::Text("a\u{e9}\n".into()))
        );
        assert_eq!(
            parse(br#""\ud83d\ude00""#).unwrap(),
            Value::Str(JsonStr::Text("\u{1f600}".into()))
        );
        assert_eq!(
            parse(br#""x\ud800""#).unwrap(),
            Value::Str(JsonStr::Utf16(vec![0x78, 0xd800]))
        );
        // Escapes before and after a lone surrogate, a surrogate pair after it.
        assert_eq!(
            parse(br#""\u00e9\udc00\ud83d\ude00\n\ud800\u0041""#).unwrap(),
            Value::Str(JsonStr::Utf16(vec![
                0xe9, 0xdc00, 0xd83d, 0xde00, 0x0a, 0xd800, 0x41
            ]))
        );
        // A high surrogate followed by a bad escape is a syntax error.
        assert_eq!(parse(br#""\ud800\u12""#), Err(ParseError::Syntax));
        assert_eq!(parse(br#""\ud800\x""#), Err(ParseError::Syntax));
        assert_eq!(
            parse("\"\\u0041caf\u{e9}\\t\u{1f600}\"".as_bytes()).unwrap(),
            Value::Str(JsonStr::Text("Acaf\u{e9}\t\u{1f600}".into()))
        );
        assert_eq!(parse(b"\"tab\there\""), Err(ParseError::Syntax));
        assert_eq!(parse(br#""\x41""#), Err(ParseError::Syntax));
        assert_eq!(parse(br#""\u12""#), Err(ParseError::Syntax));
        assert_eq!(parse(b"\"unterminated"), Err(ParseError::Syntax));
    }

    #[test]
    fn repeated_keys_resolve_to_the_last_value() {
        let value = parse(br#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(value.get("a"), Some(&Value::Int(3)));
    }

    #[test]
    fn structure_errors() {
        for bad in [
            &b""[..],
            b"{",
            b"{\"a\"}",
            b"{\"a\":1,}",
            b"[1,]",
            b"{} x",
            b"{'a':1}",
            b"nul",
            b"\xff",
        ] {
            assert!(parse(bad).is_err(), "{:?}", bad);
        }
        assert_eq!(
            parse(b" {\"a\" : [ 1 , 2 ] } \n").unwrap().get("a"),
            Some(&Value::Array(vec![Value::Int(1), Value::Int(2)]))
        );
    }

    #[test]
    fn depth_is_bounded_without_deep_recursion() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(deep.as_bytes()), Err(ParseError::TooDeep));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(too_deep.as_bytes()), Err(ParseError::TooDeep));
    }

    #[test]
    fn truthiness_matches_python() {
        assert!(!parse(b"\"\"").unwrap().is_truthy());
        assert!(!parse(b"[]").unwrap().is_truthy());
        assert!(!parse(b"0").unwrap().is_truthy());
        assert!(parse(b"[0]").unwrap().is_truthy());
    }
}
