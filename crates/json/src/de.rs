//! A serde [`Deserializer`](serde::Deserializer) over [`Value`] with Go `encoding/json`'s
//! decoding rules and error texts.
//!
//! # Why
//!
//! [`Object`](crate::Object) reproduces Go's decoding one accessor call at a time, so every
//! consumer spells out each field, its Go type and its default by hand. This module lets a
//! consumer write the Go struct once as a `#[derive(Deserialize)]` type and get the same
//! key matching, `null` handling, number checks and [`DecodeError`] texts. serde's own
//! conventions (first key or duplicate error, case-sensitive keys, floats) never apply: the
//! deserializer hands derive code exactly one, already resolved, value per field.
//!
//! # How Go types are named in messages
//!
//! serde tells a deserializer what it expects, never the Go type, so the type word is
//! deduced from the request and from serde names, with no per-field annotations:
//!
//! | Rust | Go type in messages |
//! |---|---|
//! | `String`, `char` | `string` |
//! | `bool` | `bool` |
//! | `i64` / `i32` / `i16` / `i8` | `int` / `int32` / `int16` / `int8` |
//! | `u64` / `u32` / `u16` / `u8` | `uint` / `uint32` / `uint16` / `uint8` |
//! | `f64` / `f32` | `float64` / `float32` |
//! | a struct | its serde name: `#[serde(rename = "csr.KeyRequest")]` |
//! | a newtype struct | its serde name (`#[serde(rename = "time.Duration")] struct D(i64)`, also the way to say `int64`) |
//! | `Vec<T>` | `[]` + T's Go type (`[]string`, `[]csr.Name`) |
//! | a map | `map[string]` + the value's Go type |
//! | `Option<T>`, [`pointer`] | T's (a pointer field reports its element type, like Go); `*T` inside slices and maps |
//!
//! The element type of a slice or map is needed only for an error; it is found then by
//! running the element's `Deserialize` against a probe that records which type it asks
//! for, so it costs nothing on valid input.
//!
//! # Go semantics, and how they map onto serde
//!
//! * Struct keys: an exact match of a serde field name wins, else the first field (in
//!   declaration order) equal ignoring case (with Go's `K`/`ſ` folds); other keys are
//!   ignored. All keys mapping to one field are decoded in document order, last one winning,
//!   and a type error in any of them is reported.
//! * `null`: a no-op for strings, numbers, bools and non-pointer structs; resets an
//!   `Option` (a Go pointer), a `Vec` (slice) or a map. A field whose values are all `null`
//!   is not passed to the derive code, so it keeps its `#[serde(default)]` value: **derive
//!   types must be `#[serde(default)]`** (Go never reports a missing field).
//! * Repeated objects for one struct field merge key by key (Go decodes into the same
//!   struct). Repeated arrays reuse elements like Go's slice decoding: element *i* is
//!   decoded from every repeated array that has one, the length is the last array's, and
//!   `null` or `[]` start afresh. Repeated maps merge; every entry is decoded on its own.
//! * Numbers into integers must be integral (no `.`, `e`, `E`) and in range, else the error
//!   quotes the literal (`number 1.5`); floats accept any finite number.
//! * Errors are Go ≥ 1.20's: the root struct's short name and the dotted JSON path with
//!   array indices (`CertificateRequest.names.0.C`), or `Go value of type` at the root.
//!   Fields are visited in the order their first key appears, so with several errors the
//!   first in the document is reported, as Go does.
//!
//! * Like Go, a type mismatch is recorded and decoding goes on; an error raised by a
//!   `Deserialize` implementation (a Go `UnmarshalJSON`, see [`every_value`], [`RawJson`])
//!   stops it and wins; otherwise the mismatch first in the document is returned.
//!
//! Not expressible through serde's own visitors: elements Go decodes and then drops (of an
//! array a later `null` or `[]` resets, or past the last array's length) are type-checked
//! only when the element type is a Go scalar; a value before a `null` that resets a plain
//! `Option` of a struct or a map, or a map, is not. For pointers, [`pointer`] (and
//! [`nil_as_default`]) decode every run like Go.
//! `#[serde(flatten)]` and internally tagged enums go through `deserialize_any` and lose
//! the Go key rules.
//!
//! ```
//! use serde::Deserialize;
//!
//! #[derive(Debug, Default, Deserialize)]
//! #[serde(rename = "csr.CertificateRequest", default)]
//! struct Request {
//!     #[serde(rename = "CN")]
//!     cn: String,
//!     hosts: Vec<String>,
//!     key: Option<Key>,
//! }
//!
//! #[derive(Debug, Default, Deserialize)]
//! #[serde(rename = "csr.KeyRequest", default)]
//! struct Key {
//!     algo: String,
//!     size: i64,
//! }
//!
//! let doc = cfssl_json::parse(br#"{"cn": "a", "CN": "b", "hosts": ["h"], "key": {"SIZE": 384}}"#)?;
//! let req: Request = cfssl_json::from_value(&doc, "csr.CertificateRequest")?;
//! assert_eq!((req.cn.as_str(), req.key.map(|k| k.size)), ("b", Some(384)));
//!
//! let doc = cfssl_json::parse(br#"{"key": {"size": 1.5}}"#)?;
//! let err = cfssl_json::from_value::<Request>(&doc, "csr.CertificateRequest").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "json: cannot unmarshal number 1.5 into Go struct field CertificateRequest.key.size of type int"
//! );
//! let err = cfssl_json::from_slice::<Request>(br#"{"hosts": "h"}"#, "csr.CertificateRequest").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "json: cannot unmarshal string into Go struct field CertificateRequest.hosts of type []string"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer};

use crate::decode::fold_eq;
use crate::error::{DecodeError, SyntaxError};
use crate::value::Value;

/// An error from [`from_value`] or [`from_slice`]: Go's syntax or type-error text, or a
/// message from a `Deserialize` implementation (`deserialize_with`, `try_from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Kind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Syntax(SyntaxError),
    Decode(DecodeError),
    Custom(String),
    /// Internal: the Go type a probed `Deserialize` asked for (see [`Probe`]).
    Probe(String),
}

impl Error {
    /// The Go type error, when this is one.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        match &self.0 {
            Kind::Decode(e) => Some(e),
            _ => None,
        }
    }

    /// The JSON syntax error, when this is one (only from [`from_slice`]).
    pub fn syntax_error(&self) -> Option<&SyntaxError> {
        match &self.0 {
            Kind::Syntax(e) => Some(e),
            _ => None,
        }
    }

    /// True for a message raised by a `Deserialize` implementation rather than by Go's
    /// rules (what `serde::de::Error::custom` made).
    pub fn is_custom(&self) -> bool {
        matches!(self.0, Kind::Custom(_))
    }

    fn probe(go_type: String) -> Self {
        Error(Kind::Probe(go_type))
    }

    fn probed_type(&self) -> Option<&str> {
        match &self.0 {
            Kind::Probe(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Syntax(e) => e.fmt(f),
            Kind::Decode(e) => e.fmt(f),
            Kind::Custom(m) => f.write_str(m),
            Kind::Probe(t) => write!(f, "json: cannot decode into Go type {t}"),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(Kind::Custom(msg.to_string()))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error(Kind::Decode(e))
    }
}

impl From<SyntaxError> for Error {
    fn from(e: SyntaxError) -> Self {
        Error(Kind::Syntax(e))
    }
}

/// Decodes `value` into `T` as Go's `json.Unmarshal` would into a variable of type
/// `go_type` (`csr.CertificateRequest`; a pointer type such as `*config.Config` gives the
/// empty struct name cfssl's configuration errors show, see [`Object::new`](crate::Object::new)).
pub fn from_value<'de, T: Deserialize<'de>>(value: &'de Value, go_type: &str) -> Result<T, Error> {
    let struct_name = if go_type.starts_with('*') {
        String::new()
    } else {
        go_type.rsplit('.').next().unwrap_or(go_type).to_string()
    };
    let mismatches = Mismatches::default();
    let ctx = Ctx {
        struct_name: Rc::from(struct_name),
        mismatches: Rc::clone(&mismatches),
        nil_resets: false,
        path: String::new(),
        named: Some(go_type.trim_start_matches('*').to_string()),
    };
    let decoded = T::deserialize(Slot {
        values: vec![value],
        ctx,
    });
    let first = first_in_document(value, mismatches.take());
    match decoded {
        // An error that stops Go's decoder (a custom `UnmarshalJSON`'s) wins over the
        // recorded mismatches, as in Go's `unmarshal`.
        Err(e) if !matches!(e.0, Kind::Decode(_)) => Err(e),
        Err(e) => Err(first.unwrap_or(e)),
        Ok(v) => first.map_or(Ok(v), Err),
    }
}

fn address(v: &Value) -> usize {
    std::ptr::from_ref(v) as usize
}

/// The recorded mismatch whose value comes first in the document (Go decodes in document
/// order and returns its first `UnmarshalTypeError`; we visit a struct's fields in the
/// order of their first key, so a repeated key can be visited early).
fn first_in_document(root: &Value, mut found: Vec<(usize, Error)>) -> Option<Error> {
    if found.len() <= 1 {
        return found.pop().map(|(_, e)| e);
    }
    // Pre-order walk: the position of a value in the text.
    let mut todo = vec![root];
    while let Some(v) = todo.pop() {
        if let Some(i) = found.iter().position(|(a, _)| *a == address(v)) {
            return Some(found.swap_remove(i).1);
        }
        match v {
            Value::Array(items) => todo.extend(items.iter().rev()),
            Value::Object(members) => todo.extend(members.iter().rev().map(|(_, m)| m)),
            _ => {}
        }
    }
    found.into_iter().next().map(|(_, e)| e)
}

/// [`crate::parse`] then [`from_value`]: a syntax error anywhere wins over type errors.
pub fn from_slice<T: DeserializeOwned>(input: &[u8], go_type: &str) -> Result<T, Error> {
    let value = crate::parse(input)?;
    from_value(&value, go_type)
}

/// The serde name [`pointer`] asks for; [`Slot`] answers it with the runs of values.
const POINTER: &str = "$cfssl_json::de::pointer";

/// A Go pointer field (`*T`) decoded exactly like Go: every run of values between `null`s
/// is decoded in document order (so a type error in a value a later `null` discards is
/// still reported), and the result is the last run's (`None` when the last value is `null`).
///
/// A plain `Option<T>` gives the same value but cannot decode the discarded runs (serde's
/// `Option` visitor decodes once); use this where Go's error matters, as
/// `#[serde(deserialize_with = "cfssl_json::de::pointer")]`. With other deserializers it is
/// a plain `Option<T>`.
pub fn pointer<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Pointer<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Pointer<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a Go pointer")
        }
        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            Option::<T>::deserialize(d)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut runs: A) -> Result<Option<T>, A::Error> {
            let mut last = None;
            while let Some(run) = runs.next_element::<Option<T>>()? {
                last = run;
            }
            Ok(last)
        }
    }
    deserializer.deserialize_newtype_struct(POINTER, Pointer(PhantomData))
}

/// The serde name [`every_value`] asks for.
const EVERY_VALUE: &str = "$cfssl_json::de::every_value";
/// The serde name [`RawJson`] asks for.
const RAW_JSON: &str = "$cfssl_json::de::raw_json";

/// The serde name of a marker field that makes a struct see keys whose values are all
/// `null`.
///
/// Normally such a field is not passed to the derive code, so it keeps its default (Go's
/// no-op). A Go type with its own `UnmarshalJSON` is handed `null` too, and may fail on
/// it (zlint's `LintStatus`, cfssl's `OID`): a struct holding such a field declares
/// `#[serde(rename = "$cfssl_json::de::keep_null_keys")] _keep_null_keys: ()`. Only for
/// structs whose defaults are the fields' own defaults (an all-`null` field then decodes
/// to `""`, `0`, `false`, `None`, empty).
pub const KEEP_NULL_KEYS: &str = "$cfssl_json::de::keep_null_keys";

/// Every value given for one Go destination (the keys of a struct field, in document
/// order, `null`s included), each decoded on its own as `T`: what a Go type with its own
/// `UnmarshalJSON` or `UnmarshalText` sees, since Go calls it once per value. Write that
/// type's `Deserialize` with it (each `T` may be a [`RawJson`]). With other deserializers,
/// the one value.
pub fn every_value<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Every<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Every<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the values of a Go field")
        }
        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
            T::deserialize(d).map(|v| vec![v])
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut values: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = values.next_element()? {
                out.push(v);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_newtype_struct(EVERY_VALUE, Every(PhantomData))
}

/// The JSON text of a value, as Go hands it to an `UnmarshalJSON` method (re-encoded, see
/// [`Value::to_json`]; `null` when there is none). Only [`from_value`] provides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawJson(pub String);

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = RawJson;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the JSON text of a value (cfssl_json::from_value only)")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawJson, E> {
                Ok(RawJson(text.to_string()))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<RawJson, E> {
                Ok(RawJson(text))
            }
        }
        deserializer.deserialize_newtype_struct(RAW_JSON, Text)
    }
}

/// For a Go pointer field that the caller pre-sets to a default (cfssl's `key`, pre-set
/// to `csr.NewKeyRequest()`): decodes as [`pointer`] (objects since the last `null` merge
/// into `T::default()`) and treats nil as the default.
///
/// Use as `#[serde(deserialize_with = "cfssl_json::de::nil_as_default")]`.
pub fn nil_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(pointer(deserializer)?.unwrap_or_default())
}

/// A Go `map[string]V` kept in document order (Go's maps have none; cfssl's output then
/// follows the input): a repeated key replaces the earlier value in place.
///
/// Use as `#[serde(deserialize_with = "cfssl_json::de::ordered_map")]` on a
/// `Vec<(String, V)>` field.
pub fn ordered_map<'de, D, V>(deserializer: D) -> Result<Vec<(String, V)>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Ordered<V>(PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Ordered<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, V)> = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => entry.1 = value,
                    None => out.push((key, value)),
                }
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Ordered(PhantomData))
}

/// Type mismatches seen so far, with the address of the offending value (to find the
/// first one in document order at the end).
type Mismatches = Rc<RefCell<Vec<(usize, Error)>>>;

/// Where a value sits, for messages.
#[derive(Debug, Clone)]
struct Ctx {
    /// Short name of the root struct (`CertificateRequest`, or empty for a pointer root).
    struct_name: Rc<str>,
    /// Shared by the whole decoding: Go records a mismatch and goes on.
    mismatches: Mismatches,
    /// Set below an `Option` (a Go pointer), which hands on every value so that scalars
    /// and slices type-check the ones a later `null` drops; structs and maps then keep
    /// only the values after the last `null` (see [`Slot::pointee`]).
    nil_resets: bool,
    /// Dotted JSON path from the root; empty at the root.
    path: String,
    /// The Go type named by the caller (root) or by a newtype's serde name, which replaces
    /// the deduced type word for this value (not for its elements).
    named: Option<String>,
}

impl Ctx {
    fn child(&self, sub: &str) -> Ctx {
        let path = if self.path.is_empty() {
            sub.to_string()
        } else {
            format!("{}.{sub}", self.path)
        };
        Ctx {
            struct_name: Rc::clone(&self.struct_name),
            mismatches: Rc::clone(&self.mismatches),
            nil_resets: false,
            path,
            named: None,
        }
    }

    /// Go's `saveError`: remembers a type mismatch found at `found`; decoding goes on.
    fn mismatch(&self, found: &Value, error: Error) {
        self.mismatches.borrow_mut().push((address(found), error));
    }

    fn go_type(&self, deduced: &str) -> String {
        self.named.clone().unwrap_or_else(|| deduced.to_string())
    }

    fn error(&self, value: String, go_type: String) -> Error {
        let e = if self.path.is_empty() {
            DecodeError::Root { value, go_type }
        } else {
            DecodeError::Field {
                value,
                struct_name: self.struct_name.to_string(),
                path: self.path.clone(),
                go_type,
            }
        };
        e.into()
    }

    fn type_error(&self, found: &Value, deduced: &str) -> Error {
        self.error(found.type_word().to_string(), self.go_type(deduced))
    }

    fn number_error(&self, literal: &str, deduced: &str) -> Error {
        self.error(format!("number {literal}"), self.go_type(deduced))
    }
}

/// Every value given for one Go destination, in document order (`null`s included): the
/// keys of a struct field, or element *i* of repeated arrays. Decoding goes through all of
/// them the way Go decodes each into the same place.
struct Slot<'de> {
    values: Vec<&'de Value>,
    ctx: Ctx,
}

/// Go's `strconv.ParseInt`/`ParseUint` on a JSON number literal, then the range check.
fn parse_integer(text: &str, min: i128, max: i128) -> Option<i128> {
    if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return None;
    }
    if min >= 0 && text.starts_with('-') {
        return None;
    }
    text.parse::<i128>()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

impl<'de> Slot<'de> {
    /// The last non-null value accepted by `accept`; the others are recorded as mismatches.
    fn last_scalar(
        &self,
        deduced: &str,
        accept: impl Fn(&Value) -> bool,
    ) -> Result<Option<&'de Value>, Error> {
        let mut out = None;
        for &v in &self.values {
            if v.is_null() {
                continue;
            }
            if accept(v) {
                out = Some(v);
            } else {
                self.ctx.mismatch(v, self.ctx.type_error(v, deduced));
            }
        }
        Ok(out)
    }

    /// A Go integer of type `deduced` with values in `min..=max` (0 when all are `null`);
    /// other values are recorded as mismatches.
    fn integer(&self, deduced: &str, min: i128, max: i128) -> Result<i128, Error> {
        let mut out = 0;
        for &v in &self.values {
            match v {
                Value::Null => {}
                Value::Number(text) => match parse_integer(text, min, max) {
                    Some(n) => out = n,
                    None => self.ctx.mismatch(v, self.ctx.number_error(text, deduced)),
                },
                other => self
                    .ctx
                    .mismatch(other, self.ctx.type_error(other, deduced)),
            }
        }
        Ok(out)
    }

    /// A Go float (`float64`/`float32`): any literal whose value is finite at that size.
    fn float(&self, deduced: &str, finite: impl Fn(&str) -> Option<f64>) -> Result<f64, Error> {
        let mut out = 0.0;
        for &v in &self.values {
            match v {
                Value::Null => {}
                Value::Number(text) => match finite(text) {
                    Some(f) => out = f,
                    None => self.ctx.mismatch(v, self.ctx.number_error(text, deduced)),
                },
                other => self
                    .ctx
                    .mismatch(other, self.ctx.type_error(other, deduced)),
            }
        }
        Ok(out)
    }

    /// Splits the values into those of the wanted kind (and `null`s) and the mismatches,
    /// which Go skips.
    fn split_kind(self, is_kind: impl Fn(&Value) -> bool) -> (Slot<'de>, Vec<&'de Value>) {
        let (ok, bad) = self
            .values
            .into_iter()
            .partition(|v| v.is_null() || is_kind(v));
        (
            Slot {
                values: ok,
                ctx: self.ctx,
            },
            bad,
        )
    }

    /// Below an `Option`: only the values after the last `null` (a Go pointer set to nil
    /// and allocated afresh).
    fn pointee(self) -> Slot<'de> {
        if !self.ctx.nil_resets {
            return self;
        }
        let values = self.since_last(Value::is_null).to_vec();
        let mut ctx = self.ctx;
        ctx.nil_resets = false;
        Slot { values, ctx }
    }

    /// The values after the last one for which `resets` holds.
    fn since_last(&self, resets: impl Fn(&Value) -> bool) -> &[&'de Value] {
        let start = self
            .values
            .iter()
            .rposition(|v| resets(v))
            .map_or(0, |i| i + 1);
        self.values.get(start..).unwrap_or_default()
    }
}

macro_rules! integer_methods {
    ($($method:ident $visit:ident $ty:ty, $go:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let n = self.integer($go, i128::from(<$ty>::MIN), i128::from(<$ty>::MAX))?;
            let n = <$ty>::try_from(n).map_err(|_| self.ctx.number_error(&n.to_string(), $go))?;
            visitor.$visit(n)
        }
    )*};
}

impl<'de> Deserializer<'de> for Slot<'de> {
    type Error = Error;

    /// Go's `interface{}`: the last value replaces the others (`null` gives unit).
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let this = self.pointee();
        match this.values.last().copied().unwrap_or(&Value::Null) {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(text) => {
                if let Some(n) = parse_integer(text, i128::from(i64::MIN), i128::from(i64::MAX))
                    .and_then(|n| i64::try_from(n).ok())
                {
                    visitor.visit_i64(n)
                } else if let Some(n) =
                    parse_integer(text, 0, i128::from(u64::MAX)).and_then(|n| u64::try_from(n).ok())
                {
                    visitor.visit_u64(n)
                } else {
                    match text.parse::<f64>() {
                        Ok(f) if f.is_finite() => visitor.visit_f64(f),
                        _ => {
                            let last = this.values.last().copied().unwrap_or(&Value::Null);
                            this.ctx
                                .mismatch(last, this.ctx.number_error(text, "float64"));
                            visitor.visit_unit()
                        }
                    }
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Elements {
                arrays: vec![items.as_slice()],
                len: items.len(),
                next: 0,
                unnamed_mismatches: Vec::new(),
                dropped: Vec::new(),
                ctx: this.ctx,
            }),
            Value::Object(members) => visitor.visit_map(Entries {
                members: members.iter().collect(),
                next: 0,
                pending: None,
                ctx: this.ctx,
            }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = self.last_scalar("bool", |v| matches!(v, Value::Bool(_)))?;
        visitor.visit_bool(matches!(v, Some(Value::Bool(true))))
    }

    integer_methods! {
        deserialize_i8 visit_i8 i8, "int8";
        deserialize_i16 visit_i16 i16, "int16";
        deserialize_i32 visit_i32 i32, "int32";
        deserialize_i64 visit_i64 i64, "int";
        deserialize_u8 visit_u8 u8, "uint8";
        deserialize_u16 visit_u16 u16, "uint16";
        deserialize_u32 visit_u32 u32, "uint32";
        deserialize_u64 visit_u64 u64, "uint";
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let f = self.float("float32", |t| {
            t.parse::<f32>()
                .ok()
                .filter(|f| f.is_finite())
                .map(f64::from)
        })?;
        // In range by the check above; `as` rounds to the nearest f32, as Go does.
        #[allow(clippy::cast_possible_truncation)]
        visitor.visit_f32(f as f32)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let f = self.float("float64", |t| {
            t.parse::<f64>().ok().filter(|f| f.is_finite())
        })?;
        visitor.visit_f64(f)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.last_scalar("string", |v| matches!(v, Value::String(_)))? {
            Some(Value::String(s)) => visitor.visit_borrowed_str(s),
            _ => visitor.visit_borrowed_str(""),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// The string's bytes (Go would base64-decode a `[]byte`; decode a `String` field
    /// instead when that matters).
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.last_scalar("[]uint8", |v| matches!(v, Value::String(_)))? {
            Some(Value::String(s)) => visitor.visit_borrowed_bytes(s.as_bytes()),
            _ => visitor.visit_borrowed_bytes(&[]),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    /// A Go pointer: `null` sets it to nil; values after the last `null` decode into it.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.since_last(Value::is_null).is_empty() {
            visitor.visit_none()
        } else {
            let mut ctx = self.ctx;
            ctx.nil_resets = true;
            visitor.visit_some(Slot {
                values: self.values,
                ctx,
            })
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    /// A Go interface type with methods (`auth.Provider`): only `null` decodes into it,
    /// anything else is a mismatch naming the unit struct's serde name.
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        for &v in self.values.iter().filter(|v| !v.is_null()) {
            self.ctx.mismatch(v, self.ctx.type_error(v, name));
        }
        visitor.visit_unit()
    }

    /// A Go named type: its serde name is the Go type in messages about this value.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let this = self.pointee();
        match name {
            POINTER => return visitor.visit_seq(Runs::new(this)),
            EVERY_VALUE => {
                return visitor.visit_seq(EachValue {
                    values: this.values.into_iter(),
                    ctx: this.ctx,
                });
            }
            RAW_JSON => {
                let last = this.values.last().copied().unwrap_or(&Value::Null);
                return visitor.visit_string(last.to_json());
            }
            _ => {}
        }
        let mut ctx = this.ctx;
        ctx.named = Some(name.to_string());
        visitor.visit_newtype_struct(Slot {
            values: this.values,
            ctx,
        })
    }

    /// A Go slice: `null` and `[]` reset it; elements of repeated arrays are decoded into
    /// the same element, the length is the last array's.
    ///
    /// A mismatch is recorded once the slice's Go type is known: from the serde name of a
    /// newtype, else from the element type the visitor's last `next_element` call asks for.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (slot, bad) = self.split_kind(|v| matches!(v, Value::Array(_)));
        let live = slot.since_last(|v| v.as_array().is_none_or(<[Value]>::is_empty));
        let arrays: Vec<&'de [Value]> = live.iter().filter_map(|v| v.as_array()).collect();
        let len = arrays.last().map_or(0, |a| a.len());
        // Elements Go decodes and then drops: of arrays before a reset, and past the end.
        let reset = slot.values.len() - live.len();
        let dropped = slot
            .values
            .get(..reset)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_array())
            .flat_map(|a| a.iter().enumerate())
            .chain(arrays.iter().flat_map(|a| a.iter().enumerate().skip(len)))
            .collect();
        let mut elements = Elements {
            arrays,
            len,
            next: 0,
            unnamed_mismatches: Vec::new(),
            dropped,
            ctx: slot.ctx,
        };
        match elements.ctx.named.clone() {
            Some(named) => {
                for v in bad {
                    let e = elements.ctx.error(v.type_word().to_string(), named.clone());
                    elements.ctx.mismatch(v, e);
                }
            }
            None => elements.unnamed_mismatches = bad,
        }
        visitor.visit_seq(elements)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    /// A Go map: `null` resets it; repeated objects add to it; every entry is decoded on
    /// its own, in document order (the visitor decides what a repeated key does).
    ///
    /// A mismatch needs the map's Go type: without a newtype naming it, probing the value
    /// type uses up the visitor, so decoding stops there (name map types that share a
    /// struct with Go types having their own `UnmarshalJSON`).
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let this = self.pointee();
        let (slot, bad) = this.split_kind(|v| matches!(v, Value::Object(_)));
        if let Some(&first) = bad.first() {
            let Some(named) = slot.ctx.named.clone() else {
                let e = slot
                    .ctx
                    .error(first.type_word().to_string(), probe_map_type(visitor));
                slot.ctx.mismatch(first, e.clone());
                return Err(e);
            };
            for v in bad {
                slot.ctx
                    .mismatch(v, slot.ctx.error(v.type_word().to_string(), named.clone()));
            }
        }
        let members = slot
            .since_last(Value::is_null)
            .iter()
            .filter_map(|v| v.as_object())
            .flatten()
            .collect();
        visitor.visit_map(Entries {
            members,
            next: 0,
            pending: None,
            ctx: slot.ctx,
        })
    }

    /// A Go struct: keys matched exactly, then ignoring case; repeated objects merge;
    /// `null` is a no-op (wrap in `Option` for a pointer).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let this = self.pointee();
        let (slot, bad) = this.split_kind(|v| matches!(v, Value::Object(_)));
        for v in bad {
            slot.ctx.mismatch(v, slot.ctx.type_error(v, name));
        }
        let keep_null = fields.contains(&KEEP_NULL_KEYS);
        let fields = || fields.iter().filter(|f| **f != KEEP_NULL_KEYS);
        // For each field, its values in document order; fields in order of first key.
        let mut groups: Vec<(&'static str, Vec<&'de Value>)> = Vec::new();
        let members = slot.values.iter().filter_map(|v| v.as_object()).flatten();
        for (key, value) in members {
            let field = fields()
                .find(|f| **f == key)
                .or_else(|| fields().find(|f| fold_eq(key, f)));
            let Some(&field) = field else { continue };
            match groups.iter_mut().find(|(f, _)| *f == field) {
                Some((_, values)) => values.push(value),
                None => groups.push((field, vec![value])),
            }
        }
        if !keep_null {
            groups.retain(|(_, values)| values.iter().any(|v| !v.is_null()));
        }
        visitor.visit_map(Fields {
            groups: groups.into_iter(),
            pending: None,
            ctx: slot.ctx,
        })
    }

    /// A string naming a unit variant (Go has no enums; this serves string-valued types).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let this = self.pointee();
        // No neutral variant to go on with: a mismatch stops here.
        if let Some(&bad) = this
            .values
            .iter()
            .find(|v| !matches!(v, Value::Null | Value::String(_)))
        {
            let e = this.ctx.type_error(bad, name);
            this.ctx.mismatch(bad, e.clone());
            return Err(e);
        }
        match this.last_scalar(name, |v| matches!(v, Value::String(_)))? {
            Some(Value::String(s)) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => visitor.visit_enum("".into_deserializer()),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The Go type of a slice, from what its visitor asks of the [`Probe`] element.
fn probe_seq_type<'de, V: Visitor<'de>>(visitor: V) -> String {
    let element = visitor
        .visit_seq(ProbeSeq { done: false })
        .err()
        .and_then(|e| e.probed_type().map(str::to_string));
    format!("[]{}", element.as_deref().unwrap_or("interface {}"))
}

/// The Go type of a map, from what its visitor asks of the [`Probe`] value.
fn probe_map_type<'de, V: Visitor<'de>>(visitor: V) -> String {
    let value = visitor
        .visit_map(ProbeMap { done: false })
        .err()
        .and_then(|e| e.probed_type().map(str::to_string));
    format!("map[string]{}", value.as_deref().unwrap_or("interface {}"))
}

/// The runs of non-null values between `null`s, for [`pointer`]: each is decoded as an
/// `Option<T>`, and an empty last run (the values end with `null`) gives `None`.
struct Runs<'de> {
    runs: std::vec::IntoIter<Vec<&'de Value>>,
    ctx: Ctx,
}

impl<'de> Runs<'de> {
    fn new(slot: Slot<'de>) -> Self {
        let mut runs = vec![Vec::new()];
        for v in slot.values {
            if v.is_null() {
                runs.push(Vec::new());
            } else if let Some(run) = runs.last_mut() {
                run.push(v);
            }
        }
        let last = runs.pop().unwrap_or_default();
        runs.retain(|run| !run.is_empty());
        runs.push(last);
        Runs {
            runs: runs.into_iter(),
            ctx: slot.ctx,
        }
    }
}

impl<'de> de::SeqAccess<'de> for Runs<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(values) = self.runs.next() else {
            return Ok(None);
        };
        seed.deserialize(Slot {
            values,
            ctx: self.ctx.clone(),
        })
        .map(Some)
    }
}

/// Each value of a slot on its own, for [`every_value`].
struct EachValue<'de> {
    values: std::vec::IntoIter<&'de Value>,
    ctx: Ctx,
}

impl<'de> de::SeqAccess<'de> for EachValue<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.values.next() else {
            return Ok(None);
        };
        seed.deserialize(Slot {
            values: vec![value],
            ctx: self.ctx.clone(),
        })
        .map(Some)
    }
}

/// Element *i* of repeated arrays, for `i < len` (the last array's length).
struct Elements<'de> {
    arrays: Vec<&'de [Value]>,
    len: usize,
    next: usize,
    /// Non-arrays given for the slice, to record once the element type is known.
    unnamed_mismatches: Vec<&'de Value>,
    /// Elements Go decodes into the slice before they are dropped, with their index:
    /// type-checked at the end when the element type is a Go scalar (see `check_dropped`).
    dropped: Vec<(usize, &'de Value)>,
    ctx: Ctx,
}

impl Elements<'_> {
    /// Records the pending mismatches as `[]element`.
    fn record_mismatches(&mut self, element: Option<&str>) {
        let go_type = format!("[]{}", element.unwrap_or("interface {}"));
        for v in std::mem::take(&mut self.unnamed_mismatches) {
            let e = self.ctx.error(v.type_word().to_string(), go_type.clone());
            self.ctx.mismatch(v, e);
        }
    }
}

impl<'de> Elements<'de> {
    /// Records Go's type errors in the dropped elements when the element type is a Go
    /// scalar (`string`, `bool`, integers, floats, or a pointer to one). Elements of other
    /// types would need their `Deserialize` once per element, and serde gives one seed per
    /// element of the result: they are not checked (a documented difference).
    fn check_dropped(&mut self, element: Option<&str>) {
        let Some(go_type) = element.map(|t| t.trim_start_matches('*')) else {
            return;
        };
        for (i, v) in std::mem::take(&mut self.dropped) {
            let slot = Slot {
                values: vec![v],
                ctx: self.ctx.child(&i.to_string()),
            };
            let ignored = de::IgnoredAny;
            // Ok or Err: mismatches are recorded by the slot either way.
            let _ = match go_type {
                "string" => slot.deserialize_str(ignored),
                "bool" => slot.deserialize_bool(ignored),
                "int" => slot.deserialize_i64(ignored),
                "int32" => slot.deserialize_i32(ignored),
                "int16" => slot.deserialize_i16(ignored),
                "int8" => slot.deserialize_i8(ignored),
                "uint" => slot.deserialize_u64(ignored),
                "uint32" => slot.deserialize_u32(ignored),
                "uint16" => slot.deserialize_u16(ignored),
                "uint8" => slot.deserialize_u8(ignored),
                "float64" => slot.deserialize_f64(ignored),
                "float32" => slot.deserialize_f32(ignored),
                _ => return,
            };
        }
    }
}

impl Drop for Elements<'_> {
    /// A visitor that stopped before the end never asked for the element type.
    fn drop(&mut self) {
        self.record_mismatches(None);
    }
}

impl<'de> de::SeqAccess<'de> for Elements<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.next >= self.len {
            if !self.unnamed_mismatches.is_empty() || !self.dropped.is_empty() {
                // The last call's seed names the element type (see `Probe`).
                let probed = seed.deserialize(Probe).err();
                let element = probed.as_ref().and_then(Error::probed_type);
                self.record_mismatches(element);
                self.check_dropped(element);
            }
            return Ok(None);
        }
        let i = self.next;
        self.next += 1;
        let values = self.arrays.iter().filter_map(|a| a.get(i)).collect();
        seed.deserialize(Slot {
            values,
            ctx: self.ctx.child(&i.to_string()),
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.len.saturating_sub(self.next))
    }
}

/// The entries of a map, every member in document order.
struct Entries<'de> {
    members: Vec<&'de (String, Value)>,
    next: usize,
    pending: Option<&'de (String, Value)>,
    ctx: Ctx,
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(&member) = self.members.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.pending = Some(member);
        seed.deserialize(BorrowedStrDeserializer::new(member.0.as_str()))
            .map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom("map value requested before its key"));
        };
        seed.deserialize(Slot {
            values: vec![value],
            ctx: self.ctx.child(key),
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len().saturating_sub(self.next))
    }
}

/// The resolved fields of a struct: one key per field, all its values behind it.
struct Fields<'de> {
    groups: std::vec::IntoIter<(&'static str, Vec<&'de Value>)>,
    pending: Option<(&'static str, Vec<&'de Value>)>,
    ctx: Ctx,
}

impl<'de> de::MapAccess<'de> for Fields<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(group) = self.groups.next() else {
            return Ok(None);
        };
        let field = group.0;
        self.pending = Some(group);
        seed.deserialize(BorrowedStrDeserializer::new(field))
            .map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let Some((field, values)) = self.pending.take() else {
            return Err(de::Error::custom(
                "struct field value requested before its key",
            ));
        };
        seed.deserialize(Slot {
            values,
            ctx: self.ctx.child(field),
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.groups.len())
    }
}

/// A deserializer with no value: whatever a `Deserialize` asks of it fails with the Go
/// type that request implies, which is how slice and map element types are named.
struct Probe;

fn probe_fail<T>(go_type: &str) -> Result<T, Error> {
    Err(Error::probe(go_type.to_string()))
}

macro_rules! probe_scalars {
    ($($method:ident $go:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
            probe_fail($go)
        }
    )*};
}

impl<'de> Deserializer<'de> for Probe {
    type Error = Error;

    probe_scalars! {
        deserialize_any "interface {}";
        deserialize_ignored_any "interface {}";
        deserialize_bool "bool";
        deserialize_i8 "int8";
        deserialize_i16 "int16";
        deserialize_i32 "int32";
        deserialize_i64 "int";
        deserialize_u8 "uint8";
        deserialize_u16 "uint16";
        deserialize_u32 "uint32";
        deserialize_u64 "uint";
        deserialize_f32 "float32";
        deserialize_f64 "float64";
        deserialize_char "string";
        deserialize_str "string";
        deserialize_string "string";
        deserialize_identifier "string";
        deserialize_bytes "[]uint8";
        deserialize_byte_buf "[]uint8";
        deserialize_unit "struct {}";
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match visitor.visit_some(Probe) {
            Err(e) => match e.probed_type() {
                Some(t) => probe_fail(&format!("*{t}")),
                None => Err(e),
            },
            ok => ok,
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _visitor: V,
    ) -> Result<V::Value, Error> {
        probe_fail(name)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _visitor: V,
    ) -> Result<V::Value, Error> {
        probe_fail(name)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        probe_fail(&probe_seq_type(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, Error> {
        probe_fail(name)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        probe_fail(&probe_map_type(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        probe_fail(name)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        probe_fail(name)
    }
}

/// A sequence whose only element is the [`Probe`].
struct ProbeSeq {
    done: bool,
}

impl<'de> de::SeqAccess<'de> for ProbeSeq {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if std::mem::replace(&mut self.done, true) {
            return Ok(None);
        }
        seed.deserialize(Probe).map(Some)
    }
}

/// A map whose only entry has the key `""` and the [`Probe`] as value (cfssl's maps all
/// have string keys).
struct ProbeMap {
    done: bool,
}

impl<'de> de::MapAccess<'de> for ProbeMap {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if std::mem::replace(&mut self.done, true) {
            return Ok(None);
        }
        seed.deserialize(BorrowedStrDeserializer::new("")).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(Probe)
    }
}
