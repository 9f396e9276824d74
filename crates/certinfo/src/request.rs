//! `certinfo -csr`: Go's `x509.CertificateRequest` struct as `encoding/json` prints it
//! (docs/cfssl-compat.md §1.7.6). cfssl dumps the whole Go struct, so this module rebuilds it field by
//! field in Go's declaration order: raw DER slices as base64, Go's enum numbers for the
//! algorithms, big integers as bare JSON numbers, `null` for empty slices.
//!
//! The signature is not checked, as in cfssl: certinfo describes, it does not vouch.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cfssl_csr::ParsedCsr;
use cfssl_csr::hosts::go_ip_string;
use cfssl_csr::subject::{AttributeValue, ExtraName};
use cfssl_json::Value;
use cfssl_keys::{Curve, KeyAlgorithm};
use cfssl_signer::certificate::decimal;
use const_oid::ObjectIdentifier;
use der::{Any, Decode, Encode, Tag, Tagged};
use x509_cert::request::CertReq;

use cfssl_csr::CsrError;

use crate::signature::go_signature_algorithm;

/// The JSON cfssl prints for the first PEM block of `input` (its type is not checked, the
/// signature is not verified). No PEM block is [`CsrError::Decode`] (9002).
pub fn csr_json(input: &[u8]) -> Result<Value, CsrError> {
    let block = pem::parse(input).map_err(|_| CsrError::Decode)?;
    let csr = ParsedCsr::from_der(block.contents())?;
    Ok(request_json(&csr))
}

fn request_json(csr: &ParsedCsr) -> Value {
    let spki_der = csr.public_key.to_spki_der();
    let sig_alg_der = csr.signature_algorithm.to_der().unwrap_or_default();
    let (public_key_algorithm, public_key) = public_key_json(csr);
    let sans = &csr.sans;
    Value::Object(vec![
        field("Raw", bytes(&csr.der)),
        field("RawTBSCertificateRequest", bytes(&csr.info_der)),
        field("RawSubjectPublicKeyInfo", bytes(&spki_der)),
        field("RawSubject", bytes(&csr.subject_der)),
        field("RawSignatureAlgorithm", bytes(&sig_alg_der)),
        field("Version", number(0)),
        field("Signature", bytes(&csr.signature)),
        field(
            "SignatureAlgorithm",
            number(go_signature_algorithm(&csr.signature_algorithm.oid)),
        ),
        field("PublicKeyAlgorithm", number(public_key_algorithm)),
        field("PublicKey", public_key),
        field("Subject", subject_json(csr)),
        field("Attributes", attributes_json(&csr.der)),
        field("Extensions", extensions_json(csr)),
        field("ExtraExtensions", Value::Null),
        field("DNSNames", strings_or_null(&sans.dns_names)),
        field("EmailAddresses", strings_or_null(&sans.email_addresses)),
        field(
            "IPAddresses",
            strings_or_null(
                &sans
                    .ip_addresses
                    .iter()
                    .map(go_ip_string)
                    .collect::<Vec<_>>(),
            ),
        ),
        field("URIs", uris_json(&sans.uris)),
    ])
}

fn field(name: &str, value: Value) -> (String, Value) {
    (name.to_owned(), value)
}

fn bytes(data: &[u8]) -> Value {
    Value::String(BASE64.encode(data))
}

fn number(n: impl ToString) -> Value {
    Value::Number(n.to_string())
}

fn strings_or_null(items: &[String]) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items.iter().cloned().map(Value::String).collect())
    }
}

fn oid_json(oid: &ObjectIdentifier) -> Value {
    Value::Array(oid.arcs().map(number).collect())
}

/// Go's `PublicKeyAlgorithm` number and its `PublicKey` value: ECDSA `{"Curve":{},"X","Y"}`,
/// RSA `{"N","E"}`, Ed25519 the raw key as base64.
fn public_key_json(csr: &ParsedCsr) -> (u8, Value) {
    let key_bits = csr.public_key.spki().subject_public_key.raw_bytes();
    match csr.public_key.algorithm() {
        KeyAlgorithm::Rsa { .. } => {
            let Some((n, e)) = rsa_components(key_bits) else {
                return (1, Value::Null);
            };
            let key = Value::Object(vec![
                field("N", Value::Number(decimal(&n))),
                field("E", Value::Number(decimal(&e))),
            ]);
            (1, key)
        }
        KeyAlgorithm::Ecdsa(curve) => {
            let size = coordinate_len(curve);
            // An uncompressed point: 0x04 || X || Y.
            let point = key_bits.get(1..).filter(|p| p.len() == 2 * size);
            let Some(point) = point else {
                return (3, Value::Null);
            };
            let (x, y) = point.split_at(size);
            let key = Value::Object(vec![
                field("Curve", Value::Object(Vec::new())),
                field("X", Value::Number(decimal(x))),
                field("Y", Value::Number(decimal(y))),
            ]);
            (3, key)
        }
        KeyAlgorithm::Ed25519 => (4, bytes(key_bits)),
    }
}

fn coordinate_len(curve: Curve) -> usize {
    curve.bits().div_ceil(8)
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` → magnitudes.
fn rsa_components(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let parts: Vec<Any> = Any::from_der(der).ok()?.decode_as().ok()?;
    let integer = |i: usize| {
        parts
            .get(i)
            .filter(|p| p.tag() == Tag::Integer)
            .map(|p| p.value().to_vec())
    };
    Some((integer(0)?, integer(1)?))
}

fn subject_json(csr: &ParsedCsr) -> Value {
    let s = &csr.subject;
    let list = |items: &[String]| {
        if items.is_empty() {
            Value::Null
        } else {
            Value::Array(items.iter().cloned().map(Value::String).collect())
        }
    };
    let names = Value::Array(s.names.iter().map(type_and_value_json).collect());
    Value::Object(vec![
        field("Country", list(&s.country)),
        field("Organization", list(&s.organization)),
        field("OrganizationalUnit", list(&s.organizational_unit)),
        field("Locality", list(&s.locality)),
        field("Province", list(&s.province)),
        field("StreetAddress", list(&s.street_address)),
        field("PostalCode", list(&s.postal_code)),
        field("SerialNumber", Value::String(s.serial_number.clone())),
        field("CommonName", Value::String(s.common_name.clone())),
        field("Names", names),
        field("ExtraNames", Value::Null),
    ])
}

fn type_and_value_json(atv: &ExtraName) -> Value {
    let value = match &atv.value {
        AttributeValue::Text(text) => Value::String(text.clone()),
        AttributeValue::Raw(any) => go_interface_value(any),
    };
    Value::Object(vec![
        field("Type", oid_json(&atv.oid)),
        field("Value", value),
    ])
}

/// What Go's `encoding/asn1` stores in an `interface{}` for one value: strings, booleans,
/// integers and OCTET STRINGs (as `[]byte`, hence base64); anything else stays `nil`.
fn go_interface_value(any: &Any) -> Value {
    let text = || String::from_utf8_lossy(any.value()).into_owned();
    match any.tag() {
        Tag::Boolean => Value::Bool(any.value().first().is_some_and(|b| *b != 0)),
        Tag::Integer => match i64_from_der(any.value()) {
            Some(n) => number(n),
            None => Value::Null,
        },
        Tag::OctetString => bytes(any.value()),
        Tag::PrintableString
        | Tag::Utf8String
        | Tag::Ia5String
        | Tag::TeletexString
        | Tag::NumericString => Value::String(text()),
        _ => Value::Null,
    }
}

fn i64_from_der(content: &[u8]) -> Option<i64> {
    if content.is_empty() || content.len() > 8 {
        return None;
    }
    let negative = content.first().is_some_and(|b| b & 0x80 != 0);
    let mut value: i64 = if negative { -1 } else { 0 };
    for &b in content {
        value = (value << 8) | i64::from(b);
    }
    Some(value)
}

/// Go's deprecated `Attributes` field: each request attribute whose values parse as
/// `SET OF SEQUENCE OF AttributeTypeAndValue`; the others are skipped, as Go does.
fn attributes_json(der: &[u8]) -> Value {
    let Ok(req) = CertReq::from_der(der) else {
        return Value::Null;
    };
    let mut out = Vec::new();
    for attr in req.info.attributes.iter() {
        let mut values = Vec::new();
        let mut ok = true;
        for value in attr.values.iter() {
            match sequence_of_type_and_value(value) {
                Some(v) => values.push(v),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push(Value::Object(vec![
                field("Type", oid_json(&attr.oid)),
                field("Value", Value::Array(values)),
            ]));
        }
    }
    if out.is_empty() {
        Value::Null
    } else {
        Value::Array(out)
    }
}

fn sequence_of_type_and_value(value: &Any) -> Option<Value> {
    let items: Vec<Any> = value.decode_as().ok()?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let parts: Vec<Any> = item.decode_as().ok()?;
        let oid: ObjectIdentifier = parts.first()?.decode_as().ok()?;
        let inner = parts.get(1).map_or(Value::Null, go_interface_value);
        out.push(Value::Object(vec![
            field("Type", oid_json(&oid)),
            field("Value", inner),
        ]));
    }
    Some(Value::Array(out))
}

fn extensions_json(csr: &ParsedCsr) -> Value {
    if csr.extensions.is_empty() {
        return Value::Null;
    }
    Value::Array(
        csr.extensions
            .iter()
            .map(|e| {
                Value::Object(vec![
                    field("Id", oid_json(&e.extn_id)),
                    field("Critical", Value::Bool(e.critical)),
                    field("Value", bytes(e.extn_value.as_bytes())),
                ])
            })
            .collect(),
    )
}

/// Go's `*url.URL` as JSON (exported fields in declaration order; `User` is nil unless the
/// URI carries user info, which then marshals as `{}`).
fn uris_json(uris: &[String]) -> Value {
    if uris.is_empty() {
        return Value::Null;
    }
    Value::Array(uris.iter().map(|u| url_json(u)).collect())
}

fn url_json(uri: &str) -> Value {
    let (rest, fragment) = match uri.split_once('#') {
        Some((r, f)) => (r, f),
        None => (uri, ""),
    };
    let (rest, query, force_query) = match rest.split_once('?') {
        Some((r, q)) => (r, q, q.is_empty()),
        None => (rest, "", false),
    };
    let (scheme, rest) = match rest.split_once(':') {
        Some((s, r)) if !s.is_empty() && !s.contains('/') => (s.to_ascii_lowercase(), r),
        _ => (String::new(), rest),
    };
    let (mut opaque, mut host, mut path, mut user) =
        (String::new(), String::new(), String::new(), false);
    if let Some(authority_and_path) = rest.strip_prefix("//") {
        let (authority, p) = match authority_and_path.find('/') {
            Some(i) => authority_and_path.split_at(i),
            None => (authority_and_path, ""),
        };
        let authority = match authority.rsplit_once('@') {
            Some((_, h)) => {
                user = true;
                h
            }
            None => authority,
        };
        host = authority.to_owned();
        path = p.to_owned();
    } else if !scheme.is_empty() && !rest.starts_with('/') {
        opaque = rest.to_owned();
    } else {
        path = rest.to_owned();
    }
    let s = |v: &str| Value::String(v.to_owned());
    Value::Object(vec![
        field("Scheme", Value::String(scheme)),
        field("Opaque", Value::String(opaque)),
        field(
            "User",
            if user {
                Value::Object(Vec::new())
            } else {
                Value::Null
            },
        ),
        field("Host", Value::String(host)),
        field("Path", Value::String(path)),
        field("RawPath", s("")),
        field("OmitHost", Value::Bool(false)),
        field("ForceQuery", Value::Bool(force_query)),
        field("RawQuery", s(query)),
        field("Fragment", s(fragment)),
        field("RawFragment", s("")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE_CSR: &str = include_str!("../../../testdata/certinfo/server.csr");
    const FIXTURE_JSON: &str = include_str!("../../../testdata/certinfo/certinfo-csr-server.json");

    #[test]
    fn matches_cfssl_output_for_the_server_csr() {
        let json = csr_json(FIXTURE_CSR.as_bytes()).unwrap().to_indented("  ");
        assert_eq!(format!("{json}\n"), FIXTURE_JSON);
    }

    #[test]
    fn no_pem_block_is_9002() {
        let err = csr_json(b"not a pem").unwrap_err();
        assert_eq!(err.code(), Some(9002));
        assert_eq!(err.to_string(), "CSR Decode failed");
    }

    #[test]
    fn url_fields() {
        let Value::Object(fields) = url_json("spiffe://cluster.local/ns/default/sa/x") else {
            panic!("object expected");
        };
        assert_eq!(fields[0].1, Value::String("spiffe".into()));
        assert_eq!(fields[3].1, Value::String("cluster.local".into()));
        assert_eq!(fields[4].1, Value::String("/ns/default/sa/x".into()));
    }
}
