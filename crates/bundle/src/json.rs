//! The bundle as cfssl prints it (`Bundle.MarshalJSON`, docs/cfssl-lifecycle.md §11): a
//! Go map, so the keys come sorted; `status` is a struct, so its fields keep cfssl's
//! order; no trailing newline. Also Go's `pkix.Name.String()` for cfssl's log lines.

use cfssl_csr::SubjectName;
use cfssl_csr::subject::AttributeValue;
use cfssl_json::Value;
use const_oid::ObjectIdentifier;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{Bundle, BundleStatus, key_type};

impl Bundle {
    /// The JSON object as a value (for an API envelope's `result`).
    pub fn to_json_value(&self) -> Value {
        let leaf = &self.leaf.parsed;
        let (key_type, key_size) = key_type(leaf.public_key.algorithm());
        let chain = self
            .chain
            .iter()
            .map(|c| c.parsed.to_pem())
            .collect::<String>()
            .trim()
            .to_owned();
        let key = self
            .key
            .as_ref()
            .map(|k| k.to_pem().trim().to_owned())
            .unwrap_or_default();
        let ocsp = if self.leaf.ocsp_servers.is_empty() {
            Value::Null
        } else {
            strings(&self.leaf.ocsp_servers)
        };
        let string = |s: String| Value::String(s);
        Value::Object(vec![
            ("bundle".into(), string(chain)),
            (
                "crl_support".into(),
                Value::Bool(!self.leaf.crl_distribution_points.is_empty()),
            ),
            ("crt".into(), string(self.leaf.pem_trimmed())),
            ("expires".into(), string(go_time(self.expires))),
            ("hostnames".into(), strings(&self.hostnames)),
            ("issuer".into(), string(names_path(&leaf.issuer))),
            ("key".into(), string(key)),
            ("key_size".into(), Value::Number(key_size.to_string())),
            ("key_type".into(), string(key_type)),
            ("leaf_expires".into(), string(go_time(self.leaf_expires))),
            ("ocsp".into(), ocsp),
            (
                "ocsp_support".into(),
                Value::Bool(!self.leaf.ocsp_servers.is_empty()),
            ),
            (
                "root".into(),
                string(
                    self.root
                        .as_ref()
                        .map(|r| r.pem_trimmed())
                        .unwrap_or_default(),
                ),
            ),
            (
                "signature".into(),
                string(cfssl_certinfo::signature_name(&leaf.signature_algorithm.oid).to_owned()),
            ),
            ("status".into(), self.status.to_json_value()),
            ("subject".into(), string(names_path(&leaf.subject))),
        ])
    }

    /// What `cfssl bundle` prints: Go's `json.Marshal` of the bundle, no newline.
    pub fn to_json(&self) -> String {
        self.to_json_value().to_compact()
    }
}

impl BundleStatus {
    /// cfssl's `BundleStatus` fields in declaration order.
    pub fn to_json_value(&self) -> Value {
        let optional = |list: &Option<Vec<String>>| list.as_deref().map_or(Value::Null, strings);
        Value::Object(vec![
            ("rebundled".into(), Value::Bool(self.rebundled)),
            ("expiring_SKIs".into(), optional(&self.expiring_skis)),
            (
                "untrusted_root_stores".into(),
                optional(&self.untrusted_root_stores),
            ),
            ("messages".into(), optional(&self.messages)),
            ("code".into(), Value::Number(self.code.to_string())),
        ])
    }
}

fn strings(list: &[String]) -> Value {
    Value::Array(list.iter().cloned().map(Value::String).collect())
}

/// Go's `time.Time` JSON: RFC 3339 (UTC certificate times print with `Z`).
fn go_time(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::Text(t) => t.clone(),
        AttributeValue::Raw(_) => String::new(),
    }
}

/// cfssl's `names` view: `/Country=US/Organization=…/CommonName=…`, every attribute of the
/// DN in DER order, named by the fourth arc of its type (so an attribute outside
/// 2.5.4.x prints with an empty name, as in cfssl).
pub(crate) fn names_path(name: &SubjectName) -> String {
    let mut out = String::new();
    for atv in &name.names {
        let label = match atv.oid.arcs().nth(3) {
            Some(3) => "CommonName",
            Some(5) => "SerialNumber",
            Some(6) => "Country",
            Some(7) => "Locality",
            Some(8) => "Province",
            Some(9) => "StreetAddress",
            Some(10) => "Organization",
            Some(11) => "OrganizationalUnit",
            Some(17) => "PostalCode",
            _ => "",
        };
        out.push('/');
        out.push_str(label);
        out.push('=');
        out.push_str(&text(&atv.value));
    }
    out
}

/// The short names Go's `RDNSequence.String` uses.
fn short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    let arcs: Vec<u32> = oid.arcs().collect();
    match arcs.as_slice() {
        [2, 5, 4, 3] => Some("CN"),
        [2, 5, 4, 5] => Some("SERIALNUMBER"),
        [2, 5, 4, 6] => Some("C"),
        [2, 5, 4, 7] => Some("L"),
        [2, 5, 4, 8] => Some("ST"),
        [2, 5, 4, 9] => Some("STREET"),
        [2, 5, 4, 10] => Some("O"),
        [2, 5, 4, 11] => Some("OU"),
        [2, 5, 4, 17] => Some("POSTALCODE"),
        _ => None,
    }
}

/// Go's `pkix.Name.String()` of a parsed name (cfssl's `%v` of a subject in log lines):
/// attributes of other types first (so they print last), then C, ST, L, STREET,
/// POSTALCODE, O, OU, CN, SERIALNUMBER; printed in reverse, RFC 2253 escaping; other types
/// as `OID=#hex` of the value's DER.
pub(crate) fn name_string(name: &SubjectName) -> String {
    let mut rdns: Vec<Vec<(String, String)>> = Vec::new();
    for atv in &name.names {
        if short_name(&atv.oid).is_none() {
            let der = match &atv.value {
                AttributeValue::Text(t) => string_der(t),
                AttributeValue::Raw(any) => der::Encode::to_der(any).unwrap_or_default(),
            };
            let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
            rdns.push(vec![(atv.oid.to_string(), format!("#{hex}"))]);
        }
    }
    let lists: [(&str, &[String]); 7] = [
        ("C", &name.country),
        ("ST", &name.province),
        ("L", &name.locality),
        ("STREET", &name.street_address),
        ("POSTALCODE", &name.postal_code),
        ("O", &name.organization),
        ("OU", &name.organizational_unit),
    ];
    for (label, values) in lists {
        if !values.is_empty() {
            rdns.push(
                values
                    .iter()
                    .map(|v| (label.to_owned(), escape(v)))
                    .collect(),
            );
        }
    }
    if !name.common_name.is_empty() {
        rdns.push(vec![("CN".into(), escape(&name.common_name))]);
    }
    if !name.serial_number.is_empty() {
        rdns.push(vec![("SERIALNUMBER".into(), escape(&name.serial_number))]);
    }
    rdns.iter()
        .rev()
        .map(|rdn| {
            rdn.iter()
                .map(|(t, v)| format!("{t}={v}"))
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn escape(value: &str) -> String {
    let count = value.chars().count();
    let mut out = String::with_capacity(value.len());
    for (k, c) in value.chars().enumerate() {
        let needs = match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => true,
            ' ' => k == 0 || k + 1 == count,
            '#' => k == 0,
            _ => false,
        };
        if needs {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Go's `asn1.Marshal` of a string: PrintableString when every character is printable,
/// UTF8String otherwise.
fn string_der(s: &str) -> Vec<u8> {
    let printable = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    let tag = if printable { 0x13 } else { 0x0c };
    let mut out = vec![tag];
    let len = s.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(s.as_bytes());
    out
}
