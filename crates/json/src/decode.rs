//! Struct-style typed access that reproduces Go's `encoding/json` decoding into structs.

use crate::error::DecodeError;
use crate::value::Value;

/// A JSON object seen as a Go struct with a known list of JSON field names.
///
/// Key → field mapping is Go's (docs/cfssl-compat.md §3.0):
/// * a key equal to a field name maps to it;
/// * otherwise the first field (in the order given) that matches ignoring ASCII case maps to
///   it; like Go's Unicode simple folding, `K` (U+212A KELVIN SIGN) matches `k` and `ſ`
///   (U+017F LATIN SMALL LETTER LONG S) matches `s`;
/// * other keys are ignored;
/// * several keys for one field are all decoded in document order, so the last one wins,
///   and a type error in any of them is an error (Go keeps decoding and reports it).
///
/// Accessors return `Ok(None)` when the field is absent or `null` (Go leaves the field
/// untouched, or sets a slice/pointer to nil). Error texts are Go's `UnmarshalTypeError`
/// with the Go ≥ 1.20 full path: `json: cannot unmarshal number into Go struct field
/// CertificateRequest.names.0.C of type string`.
///
/// ```
/// use cfssl_json::{parse, Object};
///
/// let doc = parse(br#"{"cn": "example.com", "key": {"algo": "rsa", "size": 1.5}}"#)?;
/// let req = Object::new(&doc, "csr.CertificateRequest", &["CN", "names", "hosts", "key"])?;
/// assert_eq!(req.string("CN")?.as_deref(), Some("example.com"));
/// let key = req.object("key", "csr.KeyRequest", &["algo", "size"])?.expect("present");
/// assert_eq!(
///     key.int("size").unwrap_err().to_string(),
///     "json: cannot unmarshal number 1.5 into Go struct field CertificateRequest.key.size of type int"
/// );
/// # Ok::<(), cfssl_json::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Object<'a> {
    members: Vec<&'a (String, Value)>,
    struct_name: String,
    path: String,
    fields: Vec<String>,
    /// For each field, the indices into `members` of the keys that map to it, in order.
    slots: Vec<Vec<usize>>,
}

impl<'a> Object<'a> {
    /// Views the document root as the Go struct type `go_type` with JSON field names
    /// `fields` (Go declaration order matters for case-insensitive matches).
    ///
    /// `go_type` is the qualified type as Go prints it (`csr.CertificateRequest`). Its short
    /// name (`CertificateRequest`) starts every field path in error messages. When the Go
    /// code decodes through a pointer variable (`json.Unmarshal(data, &cfg)` with
    /// `cfg *config.Config`), pass the pointer type (`*config.Config`): the struct part of
    /// the message is then empty, as observed from cfssl (docs/cfssl-compat.md §3.3.1:
    /// `Go struct field .signing.default.Expiry`).
    ///
    /// A JSON `null` root decodes to an empty struct (Go: no-op). Any other non-object root
    /// is `json: cannot unmarshal array into Go value of type csr.CertificateRequest`.
    pub fn new(value: &'a Value, go_type: &str, fields: &[&str]) -> Result<Self, DecodeError> {
        let members: Vec<&'a (String, Value)> = match value {
            Value::Object(members) => members.iter().collect(),
            Value::Null => Vec::new(),
            other => {
                return Err(DecodeError::Root {
                    value: other.type_word().to_string(),
                    go_type: go_type.trim_start_matches('*').to_string(),
                });
            }
        };
        let struct_name = if go_type.starts_with('*') {
            String::new()
        } else {
            go_type.rsplit('.').next().unwrap_or(go_type).to_string()
        };
        Ok(Self::build(members, struct_name, String::new(), fields))
    }

    fn build(
        members: Vec<&'a (String, Value)>,
        struct_name: String,
        path: String,
        fields: &[&str],
    ) -> Self {
        let mut slots = vec![Vec::new(); fields.len()];
        for (index, (key, _)) in members.iter().map(|m| (&m.0, &m.1)).enumerate() {
            let exact = fields.iter().position(|f| *f == key);
            let field = exact.or_else(|| fields.iter().position(|f| fold_eq(key, f)));
            if let Some(slot) = field.and_then(|f| slots.get_mut(f)) {
                slot.push(index);
            }
        }
        Object {
            members,
            struct_name,
            path,
            fields: fields.iter().map(|f| (*f).to_string()).collect(),
            slots,
        }
    }

    /// Dotted JSON path of this object from the root (`""` for the root, `names.0`, …).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Dotted path of `sub` below this object, as Go prints it in errors.
    pub fn path_of(&self, sub: &str) -> String {
        if self.path.is_empty() {
            sub.to_string()
        } else {
            format!("{}.{sub}", self.path)
        }
    }

    /// Every value given for `field`, in document order (duplicates included, `null` too).
    /// Useful for types with custom Go `UnmarshalJSON` methods, which see each one.
    pub fn values(&self, field: &str) -> impl Iterator<Item = &'a Value> + '_ {
        self.slot(field)
            .iter()
            .filter_map(|&i| self.members.get(i).map(|m| &m.1))
    }

    /// True when at least one key maps to `field`, even if its value is `null`.
    pub fn is_present(&self, field: &str) -> bool {
        !self.slot(field).is_empty()
    }

    /// The last value given for `field`, `null` included; `None` when absent.
    pub fn raw(&self, field: &str) -> Option<&'a Value> {
        self.values(field).last()
    }

    /// A Go `string` field.
    pub fn string(&self, field: &str) -> Result<Option<String>, DecodeError> {
        let mut out = None;
        for value in self.values(field) {
            match value {
                Value::String(s) => out = Some(s.clone()),
                Value::Null => {}
                other => return Err(self.type_error(field, other, "string")),
            }
        }
        Ok(out)
    }

    /// A Go `bool` field.
    pub fn bool(&self, field: &str) -> Result<Option<bool>, DecodeError> {
        let mut out = None;
        for value in self.values(field) {
            match value {
                Value::Bool(b) => out = Some(*b),
                Value::Null => {}
                other => return Err(self.type_error(field, other, "bool")),
            }
        }
        Ok(out)
    }

    /// A Go `int` field (64-bit): the number must be written as an integer
    /// (`1.5`, `1e3` and out-of-range values are errors naming the literal).
    pub fn int(&self, field: &str) -> Result<Option<i64>, DecodeError> {
        self.integer(field, "int", i64::MIN, i64::MAX)
    }

    /// A Go signed integer field of type `go_type` (`int32`, `time.Duration`, …) whose
    /// values must lie in `min..=max`.
    pub fn integer(
        &self,
        field: &str,
        go_type: &str,
        min: i64,
        max: i64,
    ) -> Result<Option<i64>, DecodeError> {
        let mut out = None;
        for value in self.values(field) {
            match value {
                Value::Number(text) => {
                    let n = parse_go_int(text)
                        .filter(|n| (min..=max).contains(n))
                        .ok_or_else(|| self.number_error(field, text, go_type))?;
                    out = Some(n);
                }
                Value::Null => {}
                other => return Err(self.type_error(field, other, go_type)),
            }
        }
        Ok(out)
    }

    /// A Go `[]string` field. A `null` element becomes `""` (Go leaves the zero value).
    pub fn string_array(&self, field: &str) -> Result<Option<Vec<String>>, DecodeError> {
        let mut out = None;
        for value in self.values(field) {
            match value {
                Value::Array(items) => {
                    let mut strings = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        match item {
                            Value::String(s) => strings.push(s.clone()),
                            Value::Null => strings.push(String::new()),
                            other => {
                                return Err(self.type_error(
                                    &format!("{field}.{i}"),
                                    other,
                                    "string",
                                ));
                            }
                        }
                    }
                    out = Some(strings);
                }
                Value::Null => out = None,
                other => return Err(self.type_error(field, other, "[]string")),
            }
        }
        Ok(out)
    }

    /// A Go slice field of type `go_type` (e.g. `[]csr.Name`), left undecoded: the caller
    /// decodes the elements (see [`Object::nested`] with the path `field.<index>`).
    pub fn array(&self, field: &str, go_type: &str) -> Result<Option<&'a [Value]>, DecodeError> {
        let mut out = None;
        for value in self.values(field) {
            match value {
                Value::Array(items) => out = Some(items.as_slice()),
                Value::Null => out = None,
                other => return Err(self.type_error(field, other, go_type)),
            }
        }
        Ok(out)
    }

    /// A nested struct field (Go `*T` or `T`) of type `go_type` with JSON fields `fields`.
    ///
    /// Several objects for one field are merged key by key, as Go decodes each into the same
    /// struct; a `null` resets the field (pointer semantics), and `Ok(None)` means absent or
    /// `null` last.
    pub fn object(
        &self,
        field: &str,
        go_type: &str,
        fields: &[&str],
    ) -> Result<Option<Object<'a>>, DecodeError> {
        let mut merged: Option<Vec<&'a (String, Value)>> = None;
        for value in self.values(field) {
            match value {
                Value::Object(members) => {
                    merged.get_or_insert_with(Vec::new).extend(members.iter())
                }
                Value::Null => merged = None,
                other => return Err(self.type_error(field, other, go_type)),
            }
        }
        Ok(merged.map(|members| {
            Self::build(
                members,
                self.struct_name.clone(),
                self.path_of(field),
                fields,
            )
        }))
    }

    /// A Go slice of structs (`[]T`, type `slice_type`, elements `elem_type` with JSON fields
    /// `fields`). A `null` element is an empty struct (Go's zero value).
    pub fn object_array(
        &self,
        field: &str,
        slice_type: &str,
        elem_type: &str,
        fields: &[&str],
    ) -> Result<Option<Vec<Object<'a>>>, DecodeError> {
        let Some(items) = self.array(field, slice_type)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let sub = format!("{field}.{i}");
            let obj = self.nested(&sub, item, elem_type, fields)?;
            out.push(obj.unwrap_or_else(|| {
                Self::build(
                    Vec::new(),
                    self.struct_name.clone(),
                    self.path_of(&sub),
                    fields,
                )
            }));
        }
        Ok(Some(out))
    }

    /// A Go map field (`map[string]T`, type `go_type`): the entries of every object given
    /// for `field`, merged (Go reuses the map), later keys replacing earlier ones in place.
    /// `null` resets the map; `Ok(None)` means absent or `null` last.
    pub fn map(
        &self,
        field: &str,
        go_type: &str,
    ) -> Result<Option<Vec<(&'a str, &'a Value)>>, DecodeError> {
        let mut out: Option<Vec<(&'a str, &'a Value)>> = None;
        for value in self.values(field) {
            match value {
                Value::Object(members) => {
                    let entries = out.get_or_insert_with(Vec::new);
                    for (k, v) in members {
                        match entries.iter_mut().find(|(existing, _)| *existing == k) {
                            Some(entry) => entry.1 = v,
                            None => entries.push((k.as_str(), v)),
                        }
                    }
                }
                Value::Null => out = None,
                other => return Err(self.type_error(field, other, go_type)),
            }
        }
        Ok(out)
    }

    /// Views `value`, found at `sub` below this object (`profiles.www`, `names.0`), as the
    /// struct `go_type` with JSON fields `fields`. `null` gives `Ok(None)`; a non-object is
    /// a type error at that path.
    pub fn nested(
        &self,
        sub: &str,
        value: &'a Value,
        go_type: &str,
        fields: &[&str],
    ) -> Result<Option<Object<'a>>, DecodeError> {
        match value {
            Value::Object(members) => Ok(Some(Self::build(
                members.iter().collect(),
                self.struct_name.clone(),
                self.path_of(sub),
                fields,
            ))),
            Value::Null => Ok(None),
            other => Err(self.type_error(sub, other, go_type)),
        }
    }

    /// Go's type-mismatch error for `value` found at `sub` below this object.
    pub fn type_error(&self, sub: &str, value: &Value, go_type: &str) -> DecodeError {
        DecodeError::Field {
            value: value.type_word().to_string(),
            struct_name: self.struct_name.clone(),
            path: self.path_of(sub),
            go_type: go_type.to_string(),
        }
    }

    /// Go's error for a number literal that does not fit `go_type` (`number 1.5`).
    pub fn number_error(&self, sub: &str, literal: &str, go_type: &str) -> DecodeError {
        DecodeError::Field {
            value: format!("number {literal}"),
            struct_name: self.struct_name.clone(),
            path: self.path_of(sub),
            go_type: go_type.to_string(),
        }
    }

    fn slot(&self, field: &str) -> &[usize] {
        let index = self.fields.iter().position(|f| f == field);
        debug_assert!(index.is_some(), "field {field:?} was not declared");
        index
            .and_then(|i| self.slots.get(i))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// Go's `strconv.ParseInt(text, 10, 64)` on a JSON number literal.
fn parse_go_int(text: &str) -> Option<i64> {
    if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return None;
    }
    text.parse().ok()
}

/// Go's key/field match ignoring case (`bytes.EqualFold`), for ASCII field names.
pub(crate) fn fold_eq(key: &str, field: &str) -> bool {
    let mut key_chars = key.chars();
    for f in field.chars() {
        let Some(k) = key_chars.next() else {
            return false;
        };
        let same = k == f
            || (k.is_ascii() && k.eq_ignore_ascii_case(&f))
            || (k == '\u{212A}' && f.eq_ignore_ascii_case(&'k'))
            || (k == '\u{17F}' && f.eq_ignore_ascii_case(&'s'));
        if !same {
            return false;
        }
    }
    key_chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    const CSR: &str = "csr.CertificateRequest";
    const CSR_FIELDS: &[&str] = &["CN", "names", "hosts", "key", "ca", "serialnumber"];

    fn doc(text: &str) -> Value {
        parse(text.as_bytes()).expect("valid JSON")
    }

    #[test]
    fn exact_then_case_insensitive_then_ignored() {
        let v = doc(r#"{"cn":"a","Hosts":["h"],"bogus":1}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert_eq!(o.string("CN").expect("ok").as_deref(), Some("a"));
        assert_eq!(
            o.string_array("hosts").expect("ok"),
            Some(vec!["h".to_string()])
        );
        assert_eq!(o.string("serialnumber").expect("ok"), None);
    }

    #[test]
    fn last_key_wins_whatever_its_case() {
        let v = doc(r#"{"CN":"exact","cn":"folded"}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert_eq!(o.string("CN").expect("ok").as_deref(), Some("folded"));
        let v = doc(r#"{"cn":"folded","CN":"exact"}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert_eq!(o.string("CN").expect("ok").as_deref(), Some("exact"));
    }

    #[test]
    fn exact_match_beats_earlier_folded_field() {
        // Go: "Expiry" is an exact match for the untagged field even though the tagged
        // "expiry" field comes first; "EXPIRY" folds to the first field, "expiry".
        let fields = ["expiry", "Expiry"];
        let v = doc(r#"{"Expiry":"1h"}"#);
        let o = Object::new(&v, "*config.Config", &fields).expect("object");
        assert!(o.is_present("Expiry"));
        assert!(!o.is_present("expiry"));
        let v = doc(r#"{"EXPIRY":"1h"}"#);
        let o = Object::new(&v, "*config.Config", &fields).expect("object");
        assert!(o.is_present("expiry"));
        assert!(!o.is_present("Expiry"));
    }

    #[test]
    fn kelvin_and_long_s_fold_like_go() {
        let v = doc("{\"\u{212A}ey\":{\"\u{17F}ize\":2048}}");
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        let key = o
            .object("key", "csr.KeyRequest", &["algo", "size"])
            .expect("ok");
        assert_eq!(key.expect("present").int("size").expect("ok"), Some(2048));
        // Other non-ASCII look-alikes do not fold.
        let v = doc("{\"\u{0441}n\":\"x\"}");
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert_eq!(o.string("CN").expect("ok"), None);
    }

    #[test]
    fn root_type_errors() {
        let v = doc("[]");
        assert_eq!(
            Object::new(&v, CSR, CSR_FIELDS).unwrap_err().to_string(),
            "json: cannot unmarshal array into Go value of type csr.CertificateRequest"
        );
        for (text, word) in [("1", "number"), ("\"x\"", "string"), ("true", "bool")] {
            let v = doc(text);
            assert_eq!(
                Object::new(&v, CSR, CSR_FIELDS).unwrap_err().to_string(),
                format!(
                    "json: cannot unmarshal {word} into Go value of type csr.CertificateRequest"
                )
            );
        }
        let v = doc("null");
        assert!(Object::new(&v, CSR, CSR_FIELDS).is_ok());
    }

    #[test]
    fn field_type_errors_use_go_words_and_full_paths() {
        let cases = [
            (r#"{"CN":1}"#, "number", "CN", "string"),
            (r#"{"CN":true}"#, "bool", "CN", "string"),
            (r#"{"CN":[]}"#, "array", "CN", "string"),
            (r#"{"CN":{}}"#, "object", "CN", "string"),
        ];
        for (text, word, path, ty) in cases {
            let v = doc(text);
            let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
            assert_eq!(
                o.string("CN").unwrap_err().to_string(),
                format!(
                    "json: cannot unmarshal {word} into Go struct field CertificateRequest.{path} of type {ty}"
                )
            );
        }
        let v = doc(r#"{"hosts":"a"}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert_eq!(
            o.string_array("hosts").unwrap_err().to_string(),
            "json: cannot unmarshal string into Go struct field CertificateRequest.hosts of type []string"
        );
        let v = doc(r#"{"hosts":["a",2]}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert_eq!(
            o.string_array("hosts").unwrap_err().to_string(),
            "json: cannot unmarshal number into Go struct field CertificateRequest.hosts.1 of type string"
        );
        let v = doc(r#"{"ca":{"pathlenzero":"yes"}}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        let ca = o
            .object("ca", "csr.CAConfig", &["pathlen", "pathlenzero"])
            .expect("ok");
        assert_eq!(
            ca.expect("present")
                .bool("pathlenzero")
                .unwrap_err()
                .to_string(),
            "json: cannot unmarshal string into Go struct field CertificateRequest.ca.pathlenzero of type bool"
        );
        let v = doc(r#"{"key":"rsa"}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert_eq!(
            o.object("key", "csr.KeyRequest", &["algo", "size"])
                .unwrap_err()
                .to_string(),
            "json: cannot unmarshal string into Go struct field CertificateRequest.key of type csr.KeyRequest"
        );
    }

    #[test]
    fn nested_arrays_of_structs_carry_indices() {
        let v = doc(r#"{"names":[{"C":"US"},null,{"C":5}]}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        let names = o
            .object_array("names", "[]csr.Name", "csr.Name", &["C", "ST"])
            .expect("ok")
            .expect("present");
        assert_eq!(names.len(), 3);
        assert_eq!(names[0].string("C").expect("ok").as_deref(), Some("US"));
        assert_eq!(names[1].string("C").expect("ok"), None);
        assert_eq!(
            names[2].string("C").unwrap_err().to_string(),
            "json: cannot unmarshal number into Go struct field CertificateRequest.names.2.C of type string"
        );
        let v = doc(r#"{"names":[1]}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert_eq!(
            o.object_array("names", "[]csr.Name", "csr.Name", &["C"])
                .unwrap_err()
                .to_string(),
            "json: cannot unmarshal number into Go struct field CertificateRequest.names.0 of type csr.Name"
        );
    }

    #[test]
    fn ints_must_be_integral_and_in_range() {
        let fields = ["algo", "size"];
        let check = |text: &str| {
            let v = doc(text);
            let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
            let key = o
                .object("key", "csr.KeyRequest", &fields)
                .expect("ok")
                .expect("present");
            key.int("size").map_err(|e| e.to_string())
        };
        assert_eq!(check(r#"{"key":{"size":2048}}"#), Ok(Some(2048)));
        assert_eq!(check(r#"{"key":{"size":-0}}"#), Ok(Some(0)));
        assert_eq!(check(r#"{"key":{"size":null}}"#), Ok(None));
        assert_eq!(
            check(r#"{"key":{"size":1.5}}"#),
            Err("json: cannot unmarshal number 1.5 into Go struct field CertificateRequest.key.size of type int".into())
        );
        assert_eq!(
            check(r#"{"key":{"size":1e3}}"#),
            Err("json: cannot unmarshal number 1e3 into Go struct field CertificateRequest.key.size of type int".into())
        );
        assert_eq!(
            check(r#"{"key":{"size":2.0}}"#),
            Err("json: cannot unmarshal number 2.0 into Go struct field CertificateRequest.key.size of type int".into())
        );
        assert_eq!(
            check(r#"{"key":{"size":9223372036854775808}}"#),
            Err("json: cannot unmarshal number 9223372036854775808 into Go struct field CertificateRequest.key.size of type int".into())
        );
        assert_eq!(
            check(r#"{"key":{"size":-9223372036854775808}}"#),
            Ok(Some(i64::MIN))
        );
        assert_eq!(
            check(r#"{"key":{"size":"2048"}}"#),
            Err("json: cannot unmarshal string into Go struct field CertificateRequest.key.size of type int".into())
        );
    }

    #[test]
    fn typed_integer_ranges() {
        let v = doc(r#"{"n":300}"#);
        let o = Object::new(&v, "x.T", &["n"]).expect("object");
        assert_eq!(
            o.integer("n", "uint8", 0, 255).unwrap_err().to_string(),
            "json: cannot unmarshal number 300 into Go struct field T.n of type uint8"
        );
    }

    #[test]
    fn null_handling() {
        let v = doc(r#"{"CN":"a","CN":null,"hosts":["x",null],"key":{"algo":"rsa"},"key":null}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        // null into a string is a no-op in Go.
        assert_eq!(o.string("CN").expect("ok").as_deref(), Some("a"));
        assert_eq!(
            o.string_array("hosts").expect("ok"),
            Some(vec!["x".to_string(), String::new()])
        );
        assert!(
            o.object("key", "csr.KeyRequest", &["algo"])
                .expect("ok")
                .is_none()
        );
        assert!(o.raw("key").expect("present").is_null());
    }

    #[test]
    fn repeated_objects_merge() {
        let v = doc(r#"{"key":{"algo":"rsa"},"key":{"size":4096}}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        let key = o
            .object("key", "csr.KeyRequest", &["algo", "size"])
            .expect("ok")
            .expect("present");
        assert_eq!(key.string("algo").expect("ok").as_deref(), Some("rsa"));
        assert_eq!(key.int("size").expect("ok"), Some(4096));
    }

    #[test]
    fn type_error_in_an_overwritten_duplicate_still_fails() {
        let v = doc(r#"{"CN":1,"CN":"ok"}"#);
        let o = Object::new(&v, CSR, CSR_FIELDS).expect("object");
        assert!(o.string("CN").is_err());
    }

    #[test]
    fn maps_merge_and_replace_in_place() {
        let v = doc(r#"{"remotes":{"a":"1","b":"2"},"remotes":{"a":"3"}}"#);
        let o = Object::new(&v, "*config.Config", &["remotes"]).expect("object");
        let m = o
            .map("remotes", "map[string]string")
            .expect("ok")
            .expect("present");
        let got: Vec<_> = m.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(got, [("a", Some("3")), ("b", Some("2"))]);
        let v = doc(r#"{"remotes":[]}"#);
        let o = Object::new(&v, "*config.Config", &["remotes"]).expect("object");
        assert_eq!(
            o.map("remotes", "map[string]string")
                .unwrap_err()
                .to_string(),
            "json: cannot unmarshal array into Go struct field .remotes of type map[string]string"
        );
    }

    #[test]
    fn pointer_roots_have_an_empty_struct_name() {
        let v = doc(r#"{"signing":{"default":{"Expiry":"1h"}}}"#);
        let o = Object::new(&v, "*config.Config", &["signing"]).expect("object");
        let signing = o
            .object("signing", "config.Signing", &["default"])
            .expect("ok")
            .expect("present");
        let default = signing
            .object("default", "config.SigningProfile", &["expiry", "Expiry"])
            .expect("ok")
            .expect("present");
        assert_eq!(
            default
                .integer("Expiry", "time.Duration", i64::MIN, i64::MAX)
                .unwrap_err()
                .to_string(),
            "json: cannot unmarshal string into Go struct field .signing.default.Expiry of type time.Duration"
        );
    }
}
