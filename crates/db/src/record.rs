//! The rows: [`CertificateRecord`] and [`OcspRecord`], one field per column.
//!
//! The fields hold what cfssl binds, not what the columns declare: the serial is a decimal
//! string, the AKI lower-case hex, the label `""` when there is none, the PEM text, and the
//! metadata and SANs are JSON documents (docs/cfssl-lifecycle.md §1.3). This crate does not
//! parse certificates; the caller derives these values (and must derive them as cfssl does,
//! or its rows will not match cfssl's queries, which compare serial and AKI as exact strings,
//! §1.4).

use serde_json::Value;
use time::OffsetDateTime;

pub use crate::timefmt::GO_ZERO_TIME;

/// `status` of a certificate that has not been revoked.
pub const STATUS_GOOD: &str = "good";
/// `status` after `revoke`.
pub const STATUS_REVOKED: &str = "revoked";

/// A row of `certificates` (docs/cfssl-lifecycle.md §1.2, §1.3).
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateRecord {
    /// The serial number as an unsigned decimal string without leading zeros.
    pub serial_number: String,
    /// The AuthorityKeyIdentifier keyIdentifier in lower-case hex without separators
    /// (`""` when the certificate has none).
    pub authority_key_identifier: String,
    /// The sign request's label; `""` (not NULL) when none.
    pub ca_label: String,
    /// `good` or `revoked` ([`STATUS_GOOD`], [`STATUS_REVOKED`]).
    pub status: String,
    /// The RFC 5280 CRLReason code after revocation, 0 before.
    pub reason: i32,
    /// notAfter, UTC.
    pub expiry: OffsetDateTime,
    /// When it was revoked; [`GO_ZERO_TIME`] while it is good.
    pub revoked_at: OffsetDateTime,
    /// The certificate PEM exactly as issued.
    pub pem: String,
    /// When the row was written. `None` only for rows written before cfssl's migration 002
    /// (cfssl's `*time.Time`).
    pub issued_at: Option<OffsetDateTime>,
    /// notBefore, UTC; `None` as for `issued_at`.
    pub not_before: Option<OffsetDateTime>,
    /// The request's metadata map as JSON; `None` is stored as the JSON `null` that cfssl
    /// writes for a request without metadata (every CLI and API request).
    pub metadata: Option<Value>,
    /// The certificate's DNS SANs only (no IPs, e-mails, URIs); `None` is stored as `null`,
    /// what cfssl writes for a certificate without a DNS SAN.
    pub sans: Option<Vec<String>>,
    /// The subject CN, `""` when none.
    pub common_name: String,
}

impl CertificateRecord {
    /// A freshly issued certificate's row as cfssl's signer writes it: status `good`, reason
    /// 0, `revoked_at` zero, `issued_at` = now, no metadata.
    #[allow(clippy::too_many_arguments)]
    pub fn issued(
        serial_number: impl Into<String>,
        authority_key_identifier: impl Into<String>,
        ca_label: impl Into<String>,
        pem: impl Into<String>,
        not_before: OffsetDateTime,
        expiry: OffsetDateTime,
        sans: Option<Vec<String>>,
        common_name: impl Into<String>,
    ) -> Self {
        CertificateRecord {
            serial_number: serial_number.into(),
            authority_key_identifier: authority_key_identifier.into(),
            ca_label: ca_label.into(),
            status: STATUS_GOOD.to_string(),
            reason: 0,
            expiry,
            revoked_at: GO_ZERO_TIME,
            pem: pem.into(),
            issued_at: Some(OffsetDateTime::now_utc()),
            not_before: Some(not_before),
            metadata: None,
            sans,
            common_name: common_name.into(),
        }
    }

    /// `metadata` as the JSON text cfssl stores (Go `json.Marshal` of the map: keys sorted,
    /// HTML-safe escapes; `null` for none).
    pub fn metadata_json(&self) -> String {
        match &self.metadata {
            None => "null".to_string(),
            Some(value) => go_json(value),
        }
    }

    /// `sans` as the JSON text cfssl stores (`["a.example"]`, `null` for none).
    pub fn sans_json(&self) -> String {
        match &self.sans {
            None => "null".to_string(),
            Some(names) => {
                let quoted: Vec<String> = names
                    .iter()
                    .map(|n| cfssl_json::marshal_string(n))
                    .collect();
                format!("[{}]", quoted.join(","))
            }
        }
    }
}

/// A row of `ocsp_responses`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspRecord {
    /// The certificate's serial, decimal.
    pub serial_number: String,
    /// The issuer's key identifier, lower-case hex.
    pub authority_key_identifier: String,
    /// The DER OCSP response.
    pub body: Vec<u8>,
    /// The response's nextUpdate, UTC.
    pub expiry: OffsetDateTime,
}

/// Go's `json.Marshal` of a decoded JSON value: map keys sorted, strings HTML-escaped.
fn go_json(value: &Value) -> String {
    let mut out = String::new();
    write_go_json(value, &mut out);
    out
}

fn write_go_json(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&cfssl_json::marshal_string(key));
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_go_json(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        Value::String(s) => out.push_str(&cfssl_json::marshal_string(s)),
        other => out.push_str(&other.to_string()),
    }
}

/// Reads a stored metadata document back (`null` and empty mean none).
pub(crate) fn parse_metadata(bytes: &[u8]) -> Result<Option<Value>, String> {
    if bytes.is_empty() {
        return Ok(None);
    }
    match serde_json::from_slice::<Value>(bytes).map_err(|e| e.to_string())? {
        Value::Null => Ok(None),
        value => Ok(Some(value)),
    }
}

/// Reads a stored SANs document back (`null` and empty mean none).
pub(crate) fn parse_sans(bytes: &[u8]) -> Result<Option<Vec<String>>, String> {
    if bytes.is_empty() {
        return Ok(None);
    }
    serde_json::from_slice::<Option<Vec<String>>>(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn json_columns_as_go_writes_them() {
        let mut r = CertificateRecord::issued(
            "1",
            "ab",
            "",
            "pem",
            datetime!(2026-12-06 04:49:00 UTC),
            datetime!(2027-12-06 04:49:00 UTC),
            None,
            "",
        );
        assert_eq!(
            (r.metadata_json().as_str(), r.sans_json().as_str()),
            ("null", "null")
        );
        r.sans = Some(vec!["leaf1.example.com".into(), "a<b".into()]);
        assert_eq!(r.sans_json(), r#"["leaf1.example.com","a\u003cb"]"#);
        r.metadata = Some(serde_json::json!({"z": 1, "a": {"y": [true, null], "b": "&"}}));
        assert_eq!(
            r.metadata_json(),
            r#"{"a":{"b":"\u0026","y":[true,null]},"z":1}"#
        );
        assert_eq!(parse_sans(b"null"), Ok(None));
        assert_eq!(parse_sans(br#"["a"]"#), Ok(Some(vec!["a".to_string()])));
        assert_eq!(parse_metadata(b"null"), Ok(None));
        assert!(parse_sans(b"{").is_err());
    }
}
