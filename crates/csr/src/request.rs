//! cfssl's certificate request JSON ("CSRJSON", cfssl.md §3.1), decoded with Go's
//! `encoding/json` rules: keys match case-insensitively, unknown keys are ignored, `null`
//! leaves a value at its default, and `"key"` is merged field by field into the default
//! `{"algo":"ecdsa","size":256}` (so `{"algo":"rsa"}` asks for RSA-256 and fails, as in cfssl).

use base64::Engine as _;
use cfssl_json::{Object, Value};
use const_oid::ObjectIdentifier;

use crate::CsrError;
use crate::subject::{AttributeValue, ExtraName, SubjectName, oids};

/// The JSON field names of Go's `csr.CertificateRequest`.
const REQUEST_FIELDS: &[&str] = &[
    "CN",
    "names",
    "hosts",
    "key",
    "ca",
    "serialnumber",
    "delegation_enabled",
    "extensions",
    "crl_url",
];
const NAME_FIELDS: &[&str] = &["C", "ST", "L", "O", "OU", "E", "SerialNumber", "OID"];
const KEY_FIELDS: &[&str] = &["algo", "size"];
const CA_FIELDS: &[&str] = &["pathlen", "pathlenzero", "expiry", "backdate"];
const EXTENSION_FIELDS: &[&str] = &["Id", "Critical", "Value"];

/// `{"algo","size"}`: the key to generate (cfssl.md §6).
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Name {
    /// countryName
    pub c: String,
    /// stateOrProvinceName
    pub st: String,
    /// localityName
    pub l: String,
    /// organizationName
    pub o: String,
    /// organizationalUnitName
    pub ou: String,
    /// emailAddress (an extra name, UTF8String when it contains `@`)
    pub e: String,
    /// Ignored by cfssl: only the top-level `serialnumber` is used (cfssl.md §3.1).
    pub serial_number: String,
    /// `{"1.2.3.4": "value"}` extra attributes, in JSON order.
    pub oid: Vec<(String, String)>,
}

/// The `ca` block: only for CA creation (cfssl.md §5.9, §5.10).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaConfig {
    /// `pathlen`
    pub path_length: i64,
    /// `pathlenzero`: make `pathlen: 0` mean "zero", not "unlimited".
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateRequest {
    /// `CN`
    pub cn: String,
    /// `names`
    pub names: Vec<Name>,
    /// `hosts`
    pub hosts: Vec<String>,
    /// `key` (merged into the ECDSA P-256 default).
    pub key: KeyRequest,
    /// `ca`
    pub ca: Option<CaConfig>,
    /// `serialnumber`: the subject serialNumber attribute.
    pub serial_number: String,
    /// `delegation_enabled`
    pub delegation_enabled: bool,
    /// `extensions`
    pub extensions: Vec<RequestedExtension>,
    /// `crl_url`: CRL distribution point of a new root CA.
    pub crl_url: String,
}

impl CertificateRequest {
    /// Decodes the JSON text of a request; errors carry Go's `encoding/json` wording.
    pub fn from_json(input: &[u8]) -> Result<CertificateRequest, CsrError> {
        let value = cfssl_json::parse(input).map_err(|e| CsrError::Json(e.to_string()))?;
        Self::from_value(&value)
    }

    /// Decodes an already parsed JSON value.
    pub fn from_value(value: &Value) -> Result<CertificateRequest, CsrError> {
        let obj = Object::new(value, "csr.CertificateRequest", REQUEST_FIELDS).map_err(json)?;
        let mut req = CertificateRequest {
            cn: obj.string("CN").map_err(json)?.unwrap_or_default(),
            hosts: obj.string_array("hosts").map_err(json)?.unwrap_or_default(),
            serial_number: obj
                .string("serialnumber")
                .map_err(json)?
                .unwrap_or_default(),
            delegation_enabled: obj
                .bool("delegation_enabled")
                .map_err(json)?
                .unwrap_or(false),
            crl_url: obj.string("crl_url").map_err(json)?.unwrap_or_default(),
            ..Default::default()
        };
        if let Some(key) = obj
            .object("key", "csr.KeyRequest", KEY_FIELDS)
            .map_err(json)?
        {
            if let Some(algo) = key.string("algo").map_err(json)? {
                req.key.algo = algo;
            }
            if let Some(size) = key.int("size").map_err(json)? {
                req.key.size = size;
            }
        }
        if let Some(ca) = obj.object("ca", "csr.CAConfig", CA_FIELDS).map_err(json)? {
            req.ca = Some(CaConfig {
                path_length: ca.int("pathlen").map_err(json)?.unwrap_or(0),
                path_len_zero: ca.bool("pathlenzero").map_err(json)?.unwrap_or(false),
                expiry: ca.string("expiry").map_err(json)?.unwrap_or_default(),
                backdate: ca.string("backdate").map_err(json)?.unwrap_or_default(),
            });
        }
        let names = obj
            .object_array("names", "[]csr.Name", "csr.Name", NAME_FIELDS)
            .map_err(json)?;
        for name in names.unwrap_or_default() {
            req.names.push(decode_name(&name)?);
        }
        let extensions = obj
            .object_array(
                "extensions",
                "[]pkix.Extension",
                "pkix.Extension",
                EXTENSION_FIELDS,
            )
            .map_err(json)?;
        for ext in extensions.unwrap_or_default() {
            req.extensions.push(decode_extension(&ext)?);
        }
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

fn json(e: cfssl_json::DecodeError) -> CsrError {
    CsrError::Json(e.to_string())
}

fn decode_name(obj: &Object<'_>) -> Result<Name, CsrError> {
    let mut oid = Vec::new();
    for (key, value) in obj
        .map("OID", "map[string]string")
        .map_err(json)?
        .unwrap_or_default()
    {
        match value {
            Value::String(text) => oid.push((key.to_owned(), text.clone())),
            // Go stores the zero value for a null map element.
            Value::Null => oid.push((key.to_owned(), String::new())),
            other => return Err(json(obj.type_error(&format!("OID.{key}"), other, "string"))),
        }
    }
    Ok(Name {
        c: obj.string("C").map_err(json)?.unwrap_or_default(),
        st: obj.string("ST").map_err(json)?.unwrap_or_default(),
        l: obj.string("L").map_err(json)?.unwrap_or_default(),
        o: obj.string("O").map_err(json)?.unwrap_or_default(),
        ou: obj.string("OU").map_err(json)?.unwrap_or_default(),
        e: obj.string("E").map_err(json)?.unwrap_or_default(),
        serial_number: obj
            .string("SerialNumber")
            .map_err(json)?
            .unwrap_or_default(),
        oid,
    })
}

fn decode_extension(obj: &Object<'_>) -> Result<RequestedExtension, CsrError> {
    let mut arcs = Vec::new();
    for (i, arc) in obj
        .array("Id", "asn1.ObjectIdentifier")
        .map_err(json)?
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        match arc {
            Value::Number(text) => match text.parse::<i64>() {
                Ok(n) => arcs.push(n),
                Err(_) => return Err(json(obj.number_error(&format!("Id.{i}"), text, "int"))),
            },
            Value::Null => arcs.push(0),
            other => return Err(json(obj.type_error(&format!("Id.{i}"), other, "int"))),
        }
    }
    let dotted = arcs
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(".");
    let oid = ObjectIdentifier::new(&dotted)
        .map_err(|_| CsrError::InvalidExtension(format!("invalid extension id [{dotted}]")))?;
    // Go decodes a []byte field from standard base64 text.
    let value = match obj.string("Value").map_err(json)? {
        Some(text) => base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(|e| {
                CsrError::InvalidExtension(format!("illegal base64 data in extension Value: {e}"))
            })?,
        None => Vec::new(),
    };
    Ok(RequestedExtension {
        oid,
        critical: obj.bool("Critical").map_err(json)?.unwrap_or(false),
        value,
    })
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
    fn type_errors_use_go_wording() {
        let e = CertificateRequest::from_json(br#"{"CN":1}"#).unwrap_err();
        assert!(e.to_string().contains("cannot unmarshal number"), "{e}");
        let e = CertificateRequest::from_json(b"").unwrap_err();
        assert_eq!(e.to_string(), "unexpected end of JSON input");
    }
}
