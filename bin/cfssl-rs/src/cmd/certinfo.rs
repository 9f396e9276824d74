//! `cfssl-rs certinfo -cert FILE | -csr FILE` (cfssl.md §1.7.6): what a certificate or a
//! CSR holds, as cfssl's JSON. `-domain` and `-serial`/`-aki` need the network or a cert DB
//! and are refused with a clear message (cfssl-rs is offline).

use cfssl_csr::SubjectName;
use cfssl_csr::hosts::go_ip_string;
use cfssl_csr::subject::AttributeValue;
use cfssl_output::JsonValue;
use cfssl_signer::ParsedCertificate;
use cfssl_signer::certificate::decimal;
use cfssl_signer::validity::rfc3339;

use super::support::in_input;
use super::{CliError, Command, Context};
use crate::usage;

/// The `certinfo` command.
pub static COMMAND: Command = Command {
    name: "certinfo",
    help: &usage::CERTINFO,
    run,
};

fn run(ctx: &mut Context<'_>) -> Result<(), CliError> {
    let cert = ctx.flags.get_str("cert").to_owned();
    let csr = ctx.flags.get_str("csr").to_owned();
    if !cert.is_empty() {
        let bytes = if cert == "-" {
            ctx.read_input("-")?
        } else {
            super::read_file(&cert)?
        };
        let parsed = ParsedCertificate::from_pem(&bytes)
            .map_err(CliError::from)
            .map_err(in_input("the certificate", &cert))?;
        let json = certificate_json(&parsed).to_indented("  ");
        return ctx.print(&format!("{json}\n"));
    }
    if !csr.is_empty() {
        let bytes = if csr == "-" {
            ctx.read_input("-")?
        } else {
            super::read_file(&csr)?
        };
        let json = super::certinfo_csr::csr_json(&bytes)
            .map_err(in_input("the certificate request", &csr))?
            .to_indented("  ");
        return ctx.print(&format!("{json}\n"));
    }
    if !ctx.flags.get_str("domain").is_empty() {
        return Err(CliError::plain(
            "certinfo -domain needs the network; cfssl-rs works offline. Fetch the certificate \
             (e.g. `openssl s_client -connect host:443 </dev/null | openssl x509 > cert.pem`) \
             and use -cert",
        ));
    }
    if !ctx.flags.get_str("serial").is_empty() {
        if ctx.flags.get_str("db-config").is_empty() {
            return Err(CliError::plain("need DB config file (provide with -db-config)"));
        }
        return Err(CliError::plain(
            "certinfo -serial needs a certificate database, which cfssl-rs does not support",
        ));
    }
    Err(CliError::plain(
        "Must specify certinfo target through -cert, -csr, -domain or -serial + -aki",
    ))
}

/// cfssl's `certinfo.Certificate` object, fields in its order.
pub fn certificate_json(cert: &ParsedCertificate) -> JsonValue {
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
    fields.push(("serial_number".into(), JsonValue::String(serial)));
    let sans: Vec<JsonValue> = cert
        .sans
        .dns_names
        .iter()
        .cloned()
        .chain(cert.sans.ip_addresses.iter().map(go_ip_string))
        .map(JsonValue::String)
        .collect();
    if !sans.is_empty() {
        fields.push(("sans".into(), JsonValue::Array(sans)));
    }
    fields.push(("not_before".into(), JsonValue::String(rfc3339(cert.not_before))));
    fields.push(("not_after".into(), JsonValue::String(rfc3339(cert.not_after))));
    fields.push((
        "sigalg".into(),
        JsonValue::String(signature_name(&cert.signature_algorithm.oid.to_string()).into()),
    ));
    fields.push((
        "authority_key_id".into(),
        JsonValue::String(hex_id(cert.authority_key_id.as_deref())),
    ));
    fields.push((
        "subject_key_id".into(),
        JsonValue::String(hex_id(cert.subject_key_id.as_deref())),
    ));
    fields.push(("pem".into(), JsonValue::String(cert.to_pem())));
    JsonValue::Object(fields)
}

/// cfssl's `certinfo.Name`: each field omitted when empty, multi-valued ones joined by `,`,
/// then `names`: every attribute value in DER order.
fn name_json(name: &SubjectName) -> JsonValue {
    let mut fields = Vec::new();
    let mut push = |key: &str, value: String| {
        if !value.is_empty() {
            fields.push((key.to_owned(), JsonValue::String(value)));
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
    let names: Vec<JsonValue> = name
        .names
        .iter()
        .filter_map(|n| match &n.value {
            AttributeValue::Text(t) => Some(JsonValue::String(t.clone())),
            AttributeValue::Raw(_) => None,
        })
        .collect();
    if !names.is_empty() {
        fields.push(("names".into(), JsonValue::Array(names)));
    }
    JsonValue::Object(fields)
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

/// cfssl's `helpers.SignatureString`.
pub fn signature_name(oid: &str) -> &'static str {
    match oid {
        "1.2.840.113549.1.1.2" => "MD2WithRSA",
        "1.2.840.113549.1.1.4" => "MD5WithRSA",
        "1.2.840.113549.1.1.5" => "SHA1WithRSA",
        "1.2.840.113549.1.1.11" => "SHA256WithRSA",
        "1.2.840.113549.1.1.12" => "SHA384WithRSA",
        "1.2.840.113549.1.1.13" => "SHA512WithRSA",
        "1.2.840.10040.4.3" => "DSAWithSHA1",
        "2.16.840.1.101.3.4.3.2" => "DSAWithSHA256",
        "1.2.840.10045.4.1" => "ECDSAWithSHA1",
        "1.2.840.10045.4.3.2" => "ECDSAWithSHA256",
        "1.2.840.10045.4.3.3" => "ECDSAWithSHA384",
        "1.2.840.10045.4.3.4" => "ECDSAWithSHA512",
        "1.3.101.112" => "Ed25519",
        _ => "Unknown Signature",
    }
}
