//! cfssl's certificate request JSON ("CSRJSON", docs/cfssl-compat.md §3.1), decoded with Go's
//! `encoding/json` rules: keys match case-insensitively, unknown keys are ignored, `null`
//! leaves a value at its default, and `"key"` is merged field by field into the default
//! `{"algo":"ecdsa","size":256}` (so `{"algo":"rsa"}` asks for RSA-256 and fails, as in cfssl).
//!
//! The types below are the Go structs written as `#[derive(Deserialize)]` types and decoded
//! through [`cfssl_json::from_value`], which supplies Go's key matching, `null` handling and
//! error texts; each struct's serde name is its Go type (`csr.Name`), which is what the
//! messages print. One piece stays manual: `extensions` (Go's `[]pkix.Extension`) is
//! decoded in a second pass into wire types and then checked (object identifier, base64),
//! because those checks are not JSON errors in cfssl and must not pre-empt a JSON error
//! elsewhere in the document.

use base64::Engine as _;
use cfssl_json::Value;
use const_oid::ObjectIdentifier;
use serde::Deserialize;

use crate::CsrError;
use crate::subject::{AttributeValue, ExtraName, SubjectName, oids};

/// `{"algo","size"}`: the key to generate (docs/cfssl-compat.md §6).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename = "csr.KeyRequest", default)]
pub struct KeyRequest {
    /// `rsa`, `ecdsa` or `ed25519` (case-sensitive).
    pub algo: String,
    /// Bits (RSA) or curve size (ECDSA); ignored for Ed25519.
    pub size: i64,
}

impl Default for KeyRequest {
    /// cfssl's `csr.NewKeyRequest()`: ECDSA P-256.
    fn default() -> Self {
        KeyRequest {
            algo: "ecdsa".into(),
            size: 256,
        }
    }
}

impl KeyRequest {
    /// The validated key specification (cfssl's error texts, code 2400).
    pub fn spec(&self) -> Result<cfssl_keys::KeySpec, CsrError> {
        Ok(cfssl_keys::KeySpec::from_request(&self.algo, self.size)?)
    }

    /// `rsa-2048`, `ecdsa-256`, `ed25519-0`…: cfssl's log spelling, values verbatim.
    pub fn describe(&self) -> String {
        format!("{}-{}", self.algo, self.size)
    }
}

/// One entry of `names` (Go's `csr.Name`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename = "csr.Name", default)]
pub struct Name {
    /// countryName
    #[serde(rename = "C")]
    pub c: String,
    /// stateOrProvinceName
    #[serde(rename = "ST")]
    pub st: String,
    /// localityName
    #[serde(rename = "L")]
    pub l: String,
    /// organizationName
    #[serde(rename = "O")]
    pub o: String,
    /// organizationalUnitName
    #[serde(rename = "OU")]
    pub ou: String,
    /// emailAddress (an extra name, UTF8String when it contains `@`)
    #[serde(rename = "E")]
    pub e: String,
    /// Ignored by cfssl: only the top-level `serialnumber` is used (docs/cfssl-compat.md §3.1).
    #[serde(rename = "SerialNumber")]
    pub serial_number: String,
    /// `{"1.2.3.4": "value"}` extra attributes, in JSON order (Go's `map[string]string`;
    /// a repeated key replaces the value in place, `null` values are `""`).
    #[serde(rename = "OID", deserialize_with = "cfssl_json::de::ordered_map")]
    pub oid: Vec<(String, String)>,
}

/// The `ca` block: only for CA creation (docs/cfssl-compat.md §5.9, §5.10).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename = "csr.CAConfig", default)]
pub struct CaConfig {
    /// `pathlen`
    #[serde(rename = "pathlen")]
    pub path_length: i64,
    /// `pathlenzero`: make `pathlen: 0` mean "zero", not "unlimited".
    #[serde(rename = "pathlenzero")]
    pub path_len_zero: bool,
    /// `expiry`, a Go duration ("" = cfssl's 43800h).
    pub expiry: String,
    /// `backdate`, a Go duration ("" = 5 minutes).
    pub backdate: String,
}

/// An extension to copy verbatim into the CSR (Go's `pkix.Extension`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestedExtension {
    /// `Id` (an array of integers in the JSON).
    pub oid: ObjectIdentifier,
    /// `Critical`
    pub critical: bool,
    /// `Value`, base64 in the JSON.
    pub value: Vec<u8>,
}

/// cfssl's `csr.CertificateRequest`.
///
/// Decode it with [`CertificateRequest::from_json`] or [`CertificateRequest::from_value`]:
/// its `Deserialize` implementation leaves `extensions` empty (they are decoded and checked
/// in a second pass, see the module docs) and gives Go's semantics only through
/// [`cfssl_json::from_value`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename = "csr.CertificateRequest", default)]
pub struct CertificateRequest {
    /// `CN`
    #[serde(rename = "CN")]
    pub cn: String,
    /// `names`
    pub names: Vec<Name>,
    /// `hosts`
    pub hosts: Vec<String>,
    /// `key` (merged into the ECDSA P-256 default; `null` means the default).
    #[serde(deserialize_with = "cfssl_json::de::nil_as_default")]
    pub key: KeyRequest,
    /// `ca`
    #[serde(deserialize_with = "cfssl_json::de::pointer")]
    pub ca: Option<CaConfig>,
    /// `serialnumber`: the subject serialNumber attribute.
    #[serde(rename = "serialnumber")]
    pub serial_number: String,
    /// `delegation_enabled`
    pub delegation_enabled: bool,
    /// `extensions`
    #[serde(skip)]
    pub extensions: Vec<RequestedExtension>,
    /// `crl_url`: CRL distribution point of a new root CA.
    pub crl_url: String,
}

/// The second decoding pass: only `extensions`, as Go's wire types.
#[derive(Default, Deserialize)]
#[serde(rename = "csr.CertificateRequest", default)]
struct ExtensionsJson {
    extensions: Vec<ExtensionJson>,
}

/// Go's `pkix.Extension` as it appears in the JSON.
#[derive(Default, Deserialize)]
#[serde(rename = "pkix.Extension", default)]
struct ExtensionJson {
    #[serde(rename = "Id")]
    id: ObjectIdentifierJson,
    #[serde(rename = "Critical")]
    critical: bool,
    /// Base64 text, decoded after the JSON pass (`""` decodes to nothing).
    #[serde(rename = "Value")]
    value: String,
}

/// Go's `asn1.ObjectIdentifier` (`[]int`): the newtype's serde name is the Go type.
#[derive(Default, Deserialize)]
#[serde(rename = "asn1.ObjectIdentifier")]
struct ObjectIdentifierJson(Vec<i64>);

impl CertificateRequest {
    /// Decodes the JSON text of a request; errors carry Go's `encoding/json` wording.
    pub fn from_json(input: &[u8]) -> Result<CertificateRequest, CsrError> {
        let value = cfssl_json::parse(input).map_err(|e| CsrError::Json(e.to_string()))?;
        Self::from_value(&value)
    }

    /// Decodes an already parsed JSON value.
    pub fn from_value(value: &Value) -> Result<CertificateRequest, CsrError> {
        const GO_TYPE: &str = "csr.CertificateRequest";
        let mut req: CertificateRequest = cfssl_json::from_value(value, GO_TYPE).map_err(json)?;
        let wire: ExtensionsJson = cfssl_json::from_value(value, GO_TYPE).map_err(json)?;
        req.extensions = wire
            .extensions
            .into_iter()
            .map(RequestedExtension::from_json)
            .collect::<Result<_, _>>()?;
        Ok(req)
    }

    /// Go's `CertificateRequest.Name()`: CN, then for each `names` entry its non-empty
    /// C/ST/L/O/OU appended to their lists and its OIDs then `E` appended as extra names;
    /// finally the top-level `serialnumber`.
    pub fn subject(&self) -> Result<SubjectName, CsrError> {
        let mut name = SubjectName {
            common_name: self.cn.clone(),
            serial_number: self.serial_number.clone(),
            ..Default::default()
        };
        let push = |list: &mut Vec<String>, v: &str| {
            if !v.is_empty() {
                list.push(v.to_owned());
            }
        };
        for n in &self.names {
            push(&mut name.country, &n.c);
            push(&mut name.province, &n.st);
            push(&mut name.locality, &n.l);
            push(&mut name.organization, &n.o);
            push(&mut name.organizational_unit, &n.ou);
            for (oid, value) in &n.oid {
                name.extra_names.push(ExtraName {
                    oid: parse_oid_key(oid)?,
                    value: AttributeValue::Text(value.clone()),
                });
            }
            if !n.e.is_empty() {
                name.extra_names.push(ExtraName {
                    oid: oids::EMAIL_ADDRESS,
                    value: AttributeValue::Text(n.e.clone()),
                });
            }
        }
        // Refused here too (not only when encoding) so no key is generated for nothing.
        name.check_bounds()?;
        Ok(name)
    }

    /// The `-initca` validator (cfssl `initca.validator`): a CN, or else at least one
    /// `names` entry and none whose C, ST, L, O and OU are all blank.
    pub fn validate_for_ca(&self) -> Result<(), CsrError> {
        if !self.cn.is_empty() {
            return Ok(());
        }
        let blank = |n: &Name| {
            [&n.c, &n.st, &n.l, &n.o, &n.ou]
                .iter()
                .all(|v| v.trim().is_empty())
        };
        if self.names.is_empty() || self.names.iter().any(blank) {
            return Err(CsrError::MissingSubject);
        }
        Ok(())
    }
}

fn json(e: cfssl_json::de::Error) -> CsrError {
    CsrError::Json(e.to_string())
}

impl RequestedExtension {
    /// Checks a decoded `pkix.Extension`: a valid object identifier, base64 `Value`.
    fn from_json(ext: ExtensionJson) -> Result<Self, CsrError> {
        let dotted = ext
            .id
            .0
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(".");
        let oid = ObjectIdentifier::new(&dotted)
            .map_err(|_| CsrError::InvalidExtension(format!("invalid extension id [{dotted}]")))?;
        // Go decodes a []byte field from standard base64 text.
        let value = base64::engine::general_purpose::STANDARD
            .decode(ext.value.as_bytes())
            .map_err(|e| {
                CsrError::InvalidExtension(format!("illegal base64 data in extension Value: {e}"))
            })?;
        Ok(RequestedExtension {
            oid,
            critical: ext.critical,
            value,
        })
    }
}

/// cfssl's `OIDFromString`: split on `.`, each part an integer (`invalid OID part x`).
fn parse_oid_key(key: &str) -> Result<ObjectIdentifier, CsrError> {
    for part in key.split('.') {
        if part.parse::<i64>().is_err() {
            return Err(CsrError::InvalidOidPart(part.to_owned()));
        }
    }
    ObjectIdentifier::new(key).map_err(|_| CsrError::InvalidOidPart(key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_partial_key_merge() {
        let r = CertificateRequest::from_json(br#"{"CN":"x"}"#).unwrap();
        assert_eq!(r.key, KeyRequest::default());
        let r = CertificateRequest::from_json(br#"{"key":{"algo":"rsa"}}"#).unwrap();
        assert_eq!(r.key.describe(), "rsa-256");
        assert!(r.key.spec().is_err());
        let r = CertificateRequest::from_json(br#"{"key":{"size":384}}"#).unwrap();
        assert_eq!(r.key.describe(), "ecdsa-384");
        let r = CertificateRequest::from_json(br#"{"key":null}"#).unwrap();
        assert_eq!(r.key, KeyRequest::default());
    }

    #[test]
    fn case_insensitive_keys() {
        let r =
            CertificateRequest::from_json(br#"{"cn":"a","Hosts":["h"],"KEY":{"ALGO":"ed25519"}}"#)
                .unwrap();
        assert_eq!(r.cn, "a");
        assert_eq!(r.hosts, vec!["h"]);
        assert_eq!(r.key.algo, "ed25519");
    }

    #[test]
    fn subject_from_names() {
        let r = CertificateRequest::from_json(
            br#"{"CN":"c","serialnumber":"42","names":[{"C":"US","O":"o1","E":"a@b.c","SerialNumber":"ignored"},{"C":"DE","OID":{"1.2.3.4":"v"}}]}"#,
        )
        .unwrap();
        let s = r.subject().unwrap();
        assert_eq!(s.country, vec!["US", "DE"]);
        assert_eq!(s.serial_number, "42");
        assert_eq!(s.extra_names.len(), 2);
        assert_eq!(s.extra_names[0].oid, oids::EMAIL_ADDRESS);
        assert_eq!(s.extra_names[1].oid.to_string(), "1.2.3.4");
    }

    #[test]
    fn bad_oid_part() {
        let r = CertificateRequest::from_json(br#"{"names":[{"OID":{"1.x.3":"v"}}]}"#).unwrap();
        let e = r.subject().unwrap_err();
        assert_eq!(e.to_string(), "invalid OID part x");
        assert_eq!(e.code(), Some(9300));
    }

    #[test]
    fn ca_validation() {
        let ok = CertificateRequest::from_json(br#"{"CN":"x"}"#).unwrap();
        assert!(ok.validate_for_ca().is_ok());
        let empty = CertificateRequest::default();
        assert_eq!(
            empty.validate_for_ca().unwrap_err().to_string(),
            "missing subject information"
        );
        let blank = CertificateRequest::from_json(br#"{"names":[{"C":"US"},{"L":" "}]}"#).unwrap();
        assert!(blank.validate_for_ca().is_err());
    }

    #[test]
    fn go_error_texts_through_serde() {
        let err = |text: &str| {
            CertificateRequest::from_json(text.as_bytes())
                .unwrap_err()
                .to_string()
        };
        let field = |value: &str, path: &str, ty: &str| {
            format!(
                "json: cannot unmarshal {value} into Go struct field CertificateRequest.{path} of type {ty}"
            )
        };
        assert_eq!(
            err("[]"),
            "json: cannot unmarshal array into Go value of type csr.CertificateRequest"
        );
        // (document, Go's word for the value, JSON path, Go type)
        let cases = [
            (r#"{"hosts":{}}"#, "object", "hosts", "[]string"),
            (r#"{"names":["US"]}"#, "string", "names.0", "csr.Name"),
            (
                r#"{"names":[{"OID":{"1.2.3":1}}]}"#,
                "number",
                "names.0.OID.1.2.3",
                "string",
            ),
            (
                r#"{"names":[{"oid":"x"}]}"#,
                "string",
                "names.0.OID",
                "map[string]string",
            ),
            (r#"{"key":{"size":"1"}}"#, "string", "key.size", "int"),
            (
                r#"{"ca":{"pathlen":1e3}}"#,
                "number 1e3",
                "ca.pathlen",
                "int",
            ),
            (
                r#"{"extensions":[{"id":"1.2.3"}]}"#,
                "string",
                "extensions.0.Id",
                "asn1.ObjectIdentifier",
            ),
            (
                r#"{"extensions":[{"Id":[1,2.5]}]}"#,
                "number 2.5",
                "extensions.0.Id.1",
                "int",
            ),
            (
                r#"{"extensions":{}}"#,
                "object",
                "extensions",
                "[]pkix.Extension",
            ),
        ];
        for (doc, value, path, ty) in cases {
            assert_eq!(err(doc), field(value, path, ty), "{doc}");
        }
        // Extension checks come after every JSON error, and are not JSON errors.
        let e =
            CertificateRequest::from_json(br#"{"extensions":[{"Id":[1]}],"CN":1}"#).unwrap_err();
        assert!(matches!(e, CsrError::Json(_)), "{e}");
        // A value a later null discards is still decoded, as in Go.
        assert_eq!(
            err(r#"{"ca":{"pathlen":"1"},"ca":null}"#),
            field("string", "ca.pathlen", "int")
        );
        assert_eq!(
            err(r#"{"key":5,"key":null}"#),
            field("number", "key", "csr.KeyRequest")
        );
        let e = CertificateRequest::from_json(br#"{"extensions":[{"Id":[1]}]}"#).unwrap_err();
        assert!(matches!(e, CsrError::InvalidExtension(_)), "{e}");
        assert_eq!(e.to_string(), "invalid extension id [1]");
        let r = CertificateRequest::from_json(
            br#"{"extensions":[{"Id":[1,2,3],"critical":true,"Value":"AQI="}],"names":[{"OID":{"1.2":"a","1.3":null,"1.2":"b"}}]}"#,
        )
        .unwrap();
        assert_eq!(r.extensions[0].oid.to_string(), "1.2.3");
        assert!(r.extensions[0].critical);
        assert_eq!(r.extensions[0].value, [1, 2]);
        assert_eq!(
            r.names[0].oid,
            [
                ("1.2".to_string(), "b".to_string()),
                ("1.3".to_string(), String::new())
            ]
        );
    }

    #[test]
    fn type_errors_use_go_wording() {
        let e = CertificateRequest::from_json(br#"{"CN":1}"#).unwrap_err();
        assert!(e.to_string().contains("cannot unmarshal number"), "{e}");
        let e = CertificateRequest::from_json(b"").unwrap_err();
        assert_eq!(e.to_string(), "unexpected end of JSON input");
    }
}
