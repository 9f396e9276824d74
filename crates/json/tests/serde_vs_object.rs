//! The serde path ([`cfssl_json::from_value`]) against the field-by-field [`Object`] path on
//! the same documents: same values, and an error text the `Object` path also produces.
//!
//! The `Object` reference below collects every error it can find, because the two paths
//! may visit fields in different orders (the serde path reports the first error in document
//! order, like Go; an `Object` consumer reports errors in the order it asks for fields).
//! Documents repeat scalar and object fields freely but give each array field at most once:
//! for repeated arrays the serde path reuses elements like Go's slice decoding, while
//! `Object` takes the last array whole (table tests below pin the serde behaviour).

use cfssl_json::{DecodeError, Object, Value, from_value, parse};
use proptest::prelude::*;
use serde::Deserialize;

const CSR: &str = "csr.CertificateRequest";

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(rename = "csr.CertificateRequest", default)]
struct Request {
    #[serde(rename = "CN")]
    cn: String,
    names: Vec<Name>,
    hosts: Vec<String>,
    #[serde(deserialize_with = "cfssl_json::de::nil_as_default")]
    key: Key,
    #[serde(deserialize_with = "cfssl_json::de::pointer")]
    ca: Option<Ca>,
    #[serde(rename = "serialnumber")]
    serial_number: String,
    delegation_enabled: bool,
    level: u8,
}
const REQUEST_FIELDS: &[&str] = &[
    "CN",
    "names",
    "hosts",
    "key",
    "ca",
    "serialnumber",
    "delegation_enabled",
    "level",
];

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(rename = "csr.Name", default)]
struct Name {
    #[serde(rename = "C")]
    c: String,
    #[serde(rename = "ST")]
    st: String,
    #[serde(rename = "OID", deserialize_with = "cfssl_json::de::ordered_map")]
    oid: Vec<(String, String)>,
}
const NAME_FIELDS: &[&str] = &["C", "ST", "OID"];

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename = "csr.KeyRequest", default)]
struct Key {
    algo: String,
    size: i64,
}
const KEY_FIELDS: &[&str] = &["algo", "size"];

impl Default for Key {
    fn default() -> Self {
        Key {
            algo: "ecdsa".into(),
            size: 256,
        }
    }
}

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(rename = "csr.CAConfig", default)]
struct Ca {
    pathlen: i64,
    pathlenzero: bool,
    expiry: String,
}
const CA_FIELDS: &[&str] = &["pathlen", "pathlenzero", "expiry"];

/// Records the error, if any.
fn ok<T>(errors: &mut Vec<String>, r: Result<T, DecodeError>) -> Option<T> {
    r.map_err(|e| errors.push(e.to_string())).ok()
}

/// The `Object` path: the decoded request (as far as it got) and every error found.
fn reference(v: &Value) -> (Request, Vec<String>) {
    let mut errors = Vec::new();
    let mut req = Request::default();
    let o = match Object::new(v, CSR, REQUEST_FIELDS) {
        Ok(o) => o,
        Err(e) => return (req, vec![e.to_string()]),
    };
    req.cn = ok(&mut errors, o.string("CN"))
        .flatten()
        .unwrap_or_default();
    req.hosts = ok(&mut errors, o.string_array("hosts"))
        .flatten()
        .unwrap_or_default();
    req.serial_number = ok(&mut errors, o.string("serialnumber"))
        .flatten()
        .unwrap_or_default();
    req.delegation_enabled = ok(&mut errors, o.bool("delegation_enabled"))
        .flatten()
        .unwrap_or_default();
    // Go's ParseUint refuses any sign, `-0` too; `Object::integer` is ParseInt's.
    for v in o.values("level") {
        if let Value::Number(text) = v
            && text.starts_with('-')
        {
            errors.push(o.number_error("level", text, "uint8").to_string());
        }
    }
    req.level = ok(&mut errors, o.integer("level", "uint8", 0, 255))
        .flatten()
        .and_then(|n| u8::try_from(n).ok())
        .unwrap_or_default();
    // Go (and `de::pointer`) decode objects that a later null discards; `Object::object`
    // only checks their kind, so check their fields one object at a time.
    for (field, go_type, fields) in [
        ("key", "csr.KeyRequest", KEY_FIELDS),
        ("ca", "csr.CAConfig", CA_FIELDS),
    ] {
        for v in o.values(field).filter(|v| v.as_object().is_some()) {
            if let Some(Some(sub)) = ok(&mut errors, o.nested(field, v, go_type, fields)) {
                for f in fields {
                    match *f {
                        "size" | "pathlen" => drop(ok(&mut errors, sub.int(f))),
                        "pathlenzero" => drop(ok(&mut errors, sub.bool(f))),
                        _ => drop(ok(&mut errors, sub.string(f))),
                    }
                }
            }
        }
    }
    if let Some(key) = ok(&mut errors, o.object("key", "csr.KeyRequest", KEY_FIELDS)).flatten() {
        if let Some(algo) = ok(&mut errors, key.string("algo")).flatten() {
            req.key.algo = algo;
        }
        if let Some(size) = ok(&mut errors, key.int("size")).flatten() {
            req.key.size = size;
        }
    }
    if let Some(ca) = ok(&mut errors, o.object("ca", "csr.CAConfig", CA_FIELDS)).flatten() {
        req.ca = Some(Ca {
            pathlen: ok(&mut errors, ca.int("pathlen"))
                .flatten()
                .unwrap_or_default(),
            pathlenzero: ok(&mut errors, ca.bool("pathlenzero"))
                .flatten()
                .unwrap_or_default(),
            expiry: ok(&mut errors, ca.string("expiry"))
                .flatten()
                .unwrap_or_default(),
        });
    }
    if let Some(items) = ok(&mut errors, o.array("names", "[]csr.Name")).flatten() {
        for (i, item) in items.iter().enumerate() {
            let sub = format!("names.{i}");
            let Some(n) = ok(&mut errors, o.nested(&sub, item, "csr.Name", NAME_FIELDS)) else {
                continue;
            };
            let mut name = Name::default();
            if let Some(n) = n {
                name.c = ok(&mut errors, n.string("C")).flatten().unwrap_or_default();
                name.st = ok(&mut errors, n.string("ST"))
                    .flatten()
                    .unwrap_or_default();
                // Every entry after the last null is decoded (Go decodes each).
                let live = n.values("OID").collect::<Vec<_>>();
                let start = live.iter().rposition(|v| v.is_null()).map_or(0, |i| i + 1);
                for members in live[start..].iter().filter_map(|v| v.as_object()) {
                    for (k, v) in members {
                        if !matches!(v, Value::String(_) | Value::Null) {
                            ok::<()>(
                                &mut errors,
                                Err(n.type_error(&format!("OID.{k}"), v, "string")),
                            );
                        }
                    }
                }
                if let Some(map) = ok(&mut errors, n.map("OID", "map[string]string")).flatten() {
                    name.oid = map
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
                        .collect();
                }
            }
            req.names.push(name);
        }
    }
    (req, errors)
}

fn compare(text: &str) -> Result<(), String> {
    let v = parse(text.as_bytes()).map_err(|e| format!("{text}: {e}"))?;
    let (expected, errors) = reference(&v);
    match from_value::<Request>(&v, CSR) {
        Ok(got) if errors.is_empty() => {
            if got == expected {
                Ok(())
            } else {
                Err(format!("{text}: serde {got:?} != object {expected:?}"))
            }
        }
        Ok(got) => Err(format!("{text}: serde Ok({got:?}), object {errors:?}")),
        Err(e) if errors.contains(&e.to_string()) => Ok(()),
        Err(e) => Err(format!("{text}: serde {e}, object {errors:?}")),
    }
}

/// A tiny deterministic generator of JSON text around the request's fields.
struct Gen(u64);

impl Gen {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }

    fn scalar(&mut self) -> String {
        self.pick(&[
            "null",
            "true",
            "false",
            "\"s\"",
            "\"\"",
            "1",
            "-0",
            "1.5",
            "1e3",
            "2.0",
            "300",
            "-1",
            "255",
            "4096",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "[]",
            "{}",
        ])
        .to_string()
    }

    fn object(&mut self, keys: &[&str], value: impl Fn(&mut Gen, &str) -> String) -> String {
        let n = self.next(5);
        let members: Vec<String> = (0..n)
            .map(|_| {
                let key = self.pick(keys);
                format!("\"{key}\":{}", value(self, key))
            })
            .collect();
        format!("{{{}}}", members.join(","))
    }

    fn array(&mut self, elem: impl Fn(&mut Gen) -> String) -> String {
        let n = self.next(4);
        let items: Vec<String> = (0..n).map(|_| elem(self)).collect();
        format!("[{}]", items.join(","))
    }

    fn sometimes(&mut self, good: impl FnOnce(&mut Gen) -> String) -> String {
        if self.next(4) == 0 {
            self.scalar()
        } else {
            good(self)
        }
    }

    fn name(&mut self) -> String {
        self.sometimes(|g| {
            g.object(&["C", "c", "ST", "st", "OID", "oid", "x"], |g, k| {
                if k.eq_ignore_ascii_case("oid") {
                    g.sometimes(|g| {
                        g.object(&["1.2", "1.3", "1.2"], |g, _| {
                            g.sometimes(|g| g.pick(&["\"v\"", "\"w\"", "null"]).to_string())
                        })
                    })
                } else {
                    g.sometimes(|g| g.pick(&["\"US\"", "\"DE\""]).to_string())
                }
            })
        })
    }

    fn request(&mut self) -> String {
        let mut array_fields_used = Vec::new();
        let keys = [
            "CN",
            "cn",
            "Cn",
            "names",
            "NAMES",
            "hosts",
            "Hosts",
            "key",
            "KEY",
            "\u{212A}ey",
            "ca",
            "CA",
            "serialnumber",
            "SerialNumber",
            "delegation_enabled",
            "level",
            "Level",
            "bogus",
        ];
        let n = self.next(7);
        let mut members = Vec::new();
        for _ in 0..n {
            let key = self.pick(&keys);
            let lower = key.to_lowercase();
            let value = match lower.as_str() {
                "names" | "hosts" if array_fields_used.contains(&lower) => continue,
                "names" => {
                    array_fields_used.push(lower);
                    self.sometimes(|g| g.array(Gen::name))
                }
                "hosts" => {
                    array_fields_used.push(lower);
                    self.sometimes(|g| {
                        g.array(|g| g.sometimes(|g| g.pick(&["\"a\"", "\"b\""]).to_string()))
                    })
                }
                "key" | "\u{212a}ey" => self.sometimes(|g| {
                    g.object(&["algo", "ALGO", "size", "Size", "x"], |g, _| {
                        g.sometimes(|g| g.pick(&["\"rsa\"", "2048", "384"]).to_string())
                    })
                }),
                "ca" => self.sometimes(|g| {
                    g.object(&["pathlen", "PathLen", "pathlenzero", "expiry"], |g, _| {
                        g.sometimes(|g| g.pick(&["1", "true", "\"1h\""]).to_string())
                    })
                }),
                _ => self.sometimes(|g| g.pick(&["\"x\"", "true", "7"]).to_string()),
            };
            members.push(format!("\"{key}\":{value}"));
        }
        if self.next(20) == 0 {
            return self.scalar();
        }
        format!("{{{}}}", members.join(","))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn serde_path_agrees_with_object_path(seed in 1u64..) {
        let mut g = Gen(seed);
        let text = g.request();
        prop_assert_eq!(compare(&text), Ok(()));
    }
}

#[test]
fn table_agrees_with_object_path() {
    for text in [
        r#"{"cn":"a","Hosts":["h"],"bogus":1}"#,
        r#"{"CN":"exact","cn":"folded"}"#,
        r#"{"cn":"folded","CN":"exact"}"#,
        "{\"\u{212A}ey\":{\"\u{17F}ize\":2048}}",
        "{\"\u{0441}n\":\"x\"}",
        "[]",
        "1",
        "\"x\"",
        "true",
        "null",
        r#"{"CN":1}"#,
        r#"{"CN":true}"#,
        r#"{"CN":[]}"#,
        r#"{"CN":{}}"#,
        r#"{"hosts":"a"}"#,
        r#"{"hosts":["a",2]}"#,
        r#"{"hosts":["a",null]}"#,
        r#"{"ca":{"pathlenzero":"yes"}}"#,
        r#"{"key":"rsa"}"#,
        r#"{"names":[{"C":"US"},null,{"C":5}]}"#,
        r#"{"names":[1]}"#,
        r#"{"names":{}}"#,
        r#"{"names":[{"OID":{"1.2":"a","1.3":null,"1.2":"b"}}]}"#,
        r#"{"names":[{"OID":{"1.2":5}}]}"#,
        r#"{"names":[{"OID":[]}]}"#,
        r#"{"names":[{"OID":{"1.2":"a"},"OID":{"1.3":"b","1.2":"c"}}]}"#,
        r#"{"names":[{"OID":{"1.2":"a"},"oid":null}]}"#,
        r#"{"key":{"size":2048}}"#,
        r#"{"key":{"size":-0}}"#,
        r#"{"key":{"size":null}}"#,
        r#"{"key":{"size":1.5}}"#,
        r#"{"key":{"size":1e3}}"#,
        r#"{"key":{"size":2.0}}"#,
        r#"{"key":{"size":9223372036854775808}}"#,
        r#"{"key":{"size":-9223372036854775808}}"#,
        r#"{"key":{"size":"2048"}}"#,
        r#"{"level":255}"#,
        r#"{"level":256}"#,
        r#"{"level":-1}"#,
        r#"{"level":-0}"#,
        r#"{"CN":"a","CN":null,"hosts":["x",null],"key":{"algo":"rsa"},"key":null}"#,
        r#"{"key":{"algo":"rsa"},"key":{"size":4096}}"#,
        r#"{"key":{"algo":"rsa"},"key":null,"key":{"size":384}}"#,
        r#"{"CN":1,"CN":"ok"}"#,
        r#"{"ca":null}"#,
        r#"{"ca":{}}"#,
        r#"{"ca":{"pathlen":1},"CA":{"expiry":"1h"}}"#,
        r#"{"delegation_enabled":"yes"}"#,
        r#"{"key":5,"key":null}"#,
        r#"{"ca":{"pathlen":"x"},"ca":null}"#,
        r#"{"key":{"size":1.5},"key":null,"key":{"algo":"rsa"}}"#,
    ] {
        assert_eq!(compare(text), Ok(()));
    }
}

fn serde_error(text: &str) -> String {
    let v = parse(text.as_bytes()).expect("valid JSON");
    match from_value::<Request>(&v, CSR) {
        Ok(r) => format!("ok {r:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn exact_error_texts() {
    let field = |value: &str, path: &str, ty: &str| {
        format!(
            "json: cannot unmarshal {value} into Go struct field CertificateRequest.{path} of type {ty}"
        )
    };
    for (text, want) in [
        (
            "[]",
            "json: cannot unmarshal array into Go value of type csr.CertificateRequest".to_string(),
        ),
        (r#"{"CN":1}"#, field("number", "CN", "string")),
        (r#"{"cn":{}}"#, field("object", "CN", "string")),
        (r#"{"hosts":"a"}"#, field("string", "hosts", "[]string")),
        (r#"{"hosts":["a",2]}"#, field("number", "hosts.1", "string")),
        (r#"{"names":{}}"#, field("object", "names", "[]csr.Name")),
        (r#"{"names":[1]}"#, field("number", "names.0", "csr.Name")),
        (
            r#"{"names":[{},{"c":5}]}"#,
            field("number", "names.1.C", "string"),
        ),
        (
            r#"{"names":[{"OID":[]}]}"#,
            field("array", "names.0.OID", "map[string]string"),
        ),
        (
            r#"{"names":[{"OID":{"1.2":true}}]}"#,
            field("bool", "names.0.OID.1.2", "string"),
        ),
        (r#"{"key":"rsa"}"#, field("string", "key", "csr.KeyRequest")),
        (
            r#"{"key":{"size":1.5}}"#,
            field("number 1.5", "key.size", "int"),
        ),
        (
            r#"{"key":{"size":1e3}}"#,
            field("number 1e3", "key.size", "int"),
        ),
        (
            r#"{"key":{"size":9223372036854775808}}"#,
            field("number 9223372036854775808", "key.size", "int"),
        ),
        (r#"{"level":256}"#, field("number 256", "level", "uint8")),
        (r#"{"level":-0}"#, field("number -0", "level", "uint8")),
        (r#"{"ca":[]}"#, field("array", "ca", "csr.CAConfig")),
        (
            r#"{"ca":{"pathlen":"1"}}"#,
            field("string", "ca.pathlen", "int"),
        ),
        // First error in document order, as Go reports it.
        (
            r#"{"hosts":1,"CN":1}"#,
            field("number", "hosts", "[]string"),
        ),
        (r#"{"CN":1,"hosts":1}"#, field("number", "CN", "string")),
        // An overwritten duplicate is still decoded.
        (r#"{"CN":1,"CN":"ok"}"#, field("number", "CN", "string")),
    ] {
        assert_eq!(serde_error(text), want, "{text}");
    }
}

#[test]
fn go_reuses_elements_of_repeated_arrays() {
    let v = parse(
        br#"{"names":[{"C":"US"},{"C":"DE"}],"names":[{"ST":"x"}],
            "hosts":["a","b"],"hosts":[null],
            "hosts":["c"]}"#,
    )
    .expect("valid");
    let r: Request = from_value(&v, CSR).expect("decodes");
    assert_eq!(
        r.names,
        [Name {
            c: "US".into(),
            st: "x".into(),
            oid: Vec::new()
        }]
    );
    assert_eq!(r.hosts, ["c"]);
    // null keeps a reused string element; null and [] start afresh.
    let v = parse(br#"{"hosts":["a","b"],"hosts":[null]}"#).expect("valid");
    assert_eq!(from_value::<Request>(&v, CSR).expect("ok").hosts, ["a"]);
    let v = parse(br#"{"hosts":["a","b"],"hosts":["c"],"hosts":[null,null]}"#).expect("valid");
    assert_eq!(
        from_value::<Request>(&v, CSR).expect("ok").hosts,
        ["c", "b"]
    );
    let v = parse(br#"{"hosts":["a","b"],"hosts":[],"hosts":[null]}"#).expect("valid");
    assert_eq!(from_value::<Request>(&v, CSR).expect("ok").hosts, [""]);
    let v = parse(br#"{"hosts":["a"],"hosts":null,"hosts":[null]}"#).expect("valid");
    assert_eq!(from_value::<Request>(&v, CSR).expect("ok").hosts, [""]);
    // Every reused element is decoded, so an error in an overwritten one is reported.
    let v = parse(br#"{"hosts":[1],"hosts":["c"]}"#).expect("valid");
    assert_eq!(
        from_value::<Request>(&v, CSR).unwrap_err().to_string(),
        "json: cannot unmarshal number into Go struct field CertificateRequest.hosts.0 of type string"
    );
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename = "config.Config", default)]
struct Config {
    signing: Option<Signing>,
    remotes: std::collections::BTreeMap<String, String>,
    usages: Option<Vec<Option<Usage>>>,
    ratio: f32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename = "config.Signing", default)]
struct Signing {
    default: Option<Profile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename = "config.SigningProfile", default)]
struct Profile {
    expiry: String,
    #[serde(rename = "Expiry")]
    duration: Duration,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename = "time.Duration")]
struct Duration(i64);

#[derive(Debug, Default, Deserialize)]
#[serde(rename = "config.Usage", default)]
struct Usage {
    name: String,
}

#[test]
fn named_types_pointer_roots_and_exact_match_precedence() {
    let decode = |text: &str| {
        let v = parse(text.as_bytes()).expect("valid");
        from_value::<Config>(&v, "*config.Config").map_err(|e| e.to_string())
    };
    assert_eq!(
        decode(r#"{"signing":{"default":{"Expiry":"1h"}}}"#).unwrap_err(),
        "json: cannot unmarshal string into Go struct field .signing.default.Expiry of type time.Duration"
    );
    // "EXPIRY" folds to the first field, "expiry"; "Expiry" is exact.
    let c = decode(r#"{"signing":{"default":{"EXPIRY":"1h","Expiry":5}}}"#).expect("ok");
    let p = c.signing.and_then(|s| s.default).expect("profile");
    assert_eq!((p.expiry.as_str(), p.duration.0), ("1h", 5));
    assert_eq!(
        decode(r#"{"remotes":[]}"#).unwrap_err(),
        "json: cannot unmarshal array into Go struct field .remotes of type map[string]string"
    );
    let c = decode(r#"{"remotes":{"a":"1","b":"2"},"remotes":{"a":"3"}}"#).expect("ok");
    assert_eq!(
        c.remotes.into_iter().collect::<Vec<_>>(),
        [("a".into(), "3".into()), ("b".into(), "2".into())]
    );
    assert_eq!(
        decode(r#"{"usages":"x"}"#).unwrap_err(),
        "json: cannot unmarshal string into Go struct field .usages of type []*config.Usage"
    );
    assert_eq!(
        decode(r#"{"usages":[null,{"name":1}]}"#).unwrap_err(),
        "json: cannot unmarshal number into Go struct field .usages.1.name of type string"
    );
    assert_eq!(
        decode(r#"{"ratio":1e39}"#).unwrap_err(),
        "json: cannot unmarshal number 1e39 into Go struct field .ratio of type float32"
    );
    assert!(decode(r#"{"ratio":1e3}"#).is_ok());
    assert_eq!(
        decode("[1]").unwrap_err(),
        "json: cannot unmarshal array into Go value of type config.Config"
    );
}

#[test]
fn no_panic_on_hostile_shapes() {
    // Deep nesting under an ignored key and under a typed field.
    let deep = format!(
        r#"{{"x":{}{},"CN":"a"}}"#,
        "[".repeat(9000),
        "]".repeat(9000)
    );
    assert_eq!(compare(&deep), Ok(()));
    let deep = format!(r#"{{"names":{}{}}}"#, "[".repeat(9000), "]".repeat(9000));
    assert!(serde_error(&deep).contains("names.0 of type csr.Name"));
}
