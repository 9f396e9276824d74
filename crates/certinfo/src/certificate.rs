//! `certinfo -cert`: cfssl's `certinfo.Certificate` (docs/cfssl-compat.md §1.7.6).

use cfssl_csr::SubjectName;
use cfssl_csr::hosts::go_ip_string;
use cfssl_csr::subject::AttributeValue;
use cfssl_json::Value;
use cfssl_signer::ParsedCertificate;
use cfssl_signer::certificate::decimal;
use cfssl_signer::validity::rfc3339;

use crate::signature::signature_name;

/// cfssl's `certinfo.Certificate` object, fields in its order.
pub fn certificate_json(cert: &ParsedCertificate) -> Value {
    let mut fields = vec![
        ("subject".to_owned(), name_json(&cert.subject)),
        ("issuer".to_owned(), name_json(&cert.issuer)),
    ];
    let serial = decimal(&cert.serial);
    let serial = if cert.serial_negative {
        format!("-{serial}")
    } else {
        serial
    };
    fields.push(("serial_number".into(), Value::String(serial)));
    let sans: Vec<Value> = cert
        .sans
        .dns_names
        .iter()
        .cloned()
        .chain(cert.sans.ip_addresses.iter().map(go_ip_string))
        .map(Value::String)
        .collect();
    if !sans.is_empty() {
        fields.push(("sans".into(), Value::Array(sans)));
    }
    fields.push(("not_before".into(), Value::String(rfc3339(cert.not_before))));
    fields.push(("not_after".into(), Value::String(rfc3339(cert.not_after))));
    fields.push((
        "sigalg".into(),
        Value::String(signature_name(&cert.signature_algorithm.oid).into()),
    ));
    fields.push((
        "authority_key_id".into(),
        Value::String(hex_id(cert.authority_key_id.as_deref())),
    ));
    fields.push((
        "subject_key_id".into(),
        Value::String(hex_id(cert.subject_key_id.as_deref())),
    ));
    fields.push(("pem".into(), Value::String(cert.to_pem())));
    Value::Object(fields)
}

/// cfssl's `certinfo.Name`: each field omitted when empty, multi-valued ones joined by `,`,
/// then `names`: every attribute value in DER order.
fn name_json(name: &SubjectName) -> Value {
    let mut fields = Vec::new();
    let mut push = |key: &str, value: String| {
        if !value.is_empty() {
            fields.push((key.to_owned(), Value::String(value)));
        }
    };
    push("common_name", name.common_name.clone());
    push("serial_number", name.serial_number.clone());
    push("country", name.country.join(","));
    push("organization", name.organization.join(","));
    push("organizational_unit", name.organizational_unit.join(","));
    push("locality", name.locality.join(","));
    push("province", name.province.join(","));
    push("street_address", name.street_address.join(","));
    push("postal_code", name.postal_code.join(","));
    let names: Vec<Value> = name
        .names
        .iter()
        .filter_map(|n| match &n.value {
            AttributeValue::Text(t) => Some(Value::String(t.clone())),
            AttributeValue::Raw(_) => None,
        })
        .collect();
    if !names.is_empty() {
        fields.push(("names".into(), Value::Array(names)));
    }
    Value::Object(fields)
}

/// `3E:60:…` (upper-case, colon-separated); "" when absent.
fn hex_id(id: Option<&[u8]>) -> String {
    id.map(|b| {
        b.iter()
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    })
    .unwrap_or_default()
}
