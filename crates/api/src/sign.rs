//! The sign request, in its two shapes (docs/cfssl-lifecycle.md §7.3 `sign`, §9.3).
//!
//! cfssl's client marshals its whole `signer.SignRequest` ([`WireSignRequest`]), members
//! such as `crl_override`, `NotBefore` and `ReturnPrecert` included. cfssl's server reads
//! a different struct ([`ApiSignRequest`], its `jsonSignRequest`): it adds `hostname` and
//! `bundle`, and ignores everything else the client sent. An `authsign` token covers the
//! client's exact bytes, so the client's shape must be reproduced member for member.

use cfssl_json::{Object, Value};

use crate::ApiError;

/// Go's zero `time.Time` as `encoding/json` writes it.
pub const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// What cfssl's remote client sends to `sign` (or wraps for `authsign`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WireSignRequest {
    /// `hosts` (`null` when `None`: cfssl sends `null` when no `-hostname` was given).
    pub hosts: Option<Vec<String>>,
    /// `certificate_request`: the CSR, PEM.
    pub certificate_request: String,
    /// `subject`: a Go-marshalled `signer.Subject` (`{"CN":…,"names":[…],"SerialNumber":…}`),
    /// omitted when `None`.
    pub subject: Option<Value>,
    /// `profile`.
    pub profile: String,
    /// `label`.
    pub label: String,
    /// `serial`: decimal digits of the serial the client chose, omitted when `None`.
    pub serial: Option<String>,
    /// `extensions`: Go-marshalled `[]signer.Extension`, omitted when `None`.
    pub extensions: Option<Value>,
}

impl WireSignRequest {
    /// The JSON bytes cfssl's client sends, member for member (Go `json.Marshal` of
    /// `signer.SignRequest`): `hosts`, `certificate_request`, `subject`?, `profile`,
    /// `crl_override`, `label`, `serial`?, `extensions`?, `NotBefore`, `NotAfter`,
    /// `ReturnPrecert`, `metadata`.
    pub fn to_json(&self) -> String {
        let mut members: Vec<(String, Value)> = Vec::with_capacity(12);
        members.push((
            "hosts".into(),
            match &self.hosts {
                Some(hosts) => Value::Array(hosts.iter().cloned().map(Value::String).collect()),
                None => Value::Null,
            },
        ));
        members.push((
            "certificate_request".into(),
            Value::String(self.certificate_request.clone()),
        ));
        if let Some(subject) = &self.subject {
            members.push(("subject".into(), subject.clone()));
        }
        members.push(("profile".into(), Value::String(self.profile.clone())));
        members.push(("crl_override".into(), Value::String(String::new())));
        members.push(("label".into(), Value::String(self.label.clone())));
        if let Some(serial) = &self.serial {
            members.push(("serial".into(), Value::Number(serial.clone())));
        }
        if let Some(extensions) = &self.extensions {
            members.push(("extensions".into(), extensions.clone()));
        }
        members.push(("NotBefore".into(), Value::String(GO_ZERO_TIME.into())));
        members.push(("NotAfter".into(), Value::String(GO_ZERO_TIME.into())));
        members.push(("ReturnPrecert".into(), Value::Bool(false)));
        members.push(("metadata".into(), Value::Null));
        Value::Object(members).to_compact()
    }
}

/// What cfssl's `sign` and `authsign` handlers read from a sign request
/// (`jsonSignRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiSignRequest {
    /// `hostname`: comma-separated names; when non-empty it replaces `hosts`.
    pub hostname: String,
    /// `hosts` (`None`: absent or `null`).
    pub hosts: Option<Vec<String>>,
    /// `certificate_request`: the CSR, PEM (empty: the handler refuses the request).
    pub certificate_request: String,
    /// `subject`, as sent (`None`: absent or `null`); decoded by the signer's subject rules.
    pub subject: Option<Value>,
    /// `profile`.
    pub profile: String,
    /// `label`.
    pub label: String,
    /// `serial`: decimal digits (a leading `-` kept), `None` when absent or `null`.
    pub serial: Option<String>,
    /// `bundle`: also return the chain (needs a bundler on the server).
    pub bundle: bool,
}

impl ApiSignRequest {
    /// Reads a body as cfssl's handler does (`json.Unmarshal` into `jsonSignRequest`).
    ///
    /// # Errors
    /// Go's text for bad JSON or a member of the wrong type. cfssl answers every one of
    /// them with `Unable to parse sign request`; the text is for logs.
    pub fn from_json(body: &[u8]) -> Result<Self, ApiError> {
        let doc = cfssl_json::parse(body)?;
        Self::from_value(&doc)
    }

    /// [`ApiSignRequest::from_json`] over an already parsed document.
    ///
    /// # Errors
    /// As [`ApiSignRequest::from_json`].
    pub fn from_value(doc: &Value) -> Result<Self, ApiError> {
        let object = Object::new(
            doc,
            "signhandler.jsonSignRequest",
            &[
                "hostname",
                "hosts",
                "certificate_request",
                "subject",
                "profile",
                "label",
                "serial",
                "bundle",
            ],
        )?;
        let subject = match object.raw("subject") {
            None | Some(Value::Null) => None,
            Some(value @ Value::Object(_)) => Some(value.clone()),
            Some(other) => {
                return Err(object.type_error("subject", other, "signer.Subject").into());
            }
        };
        let serial = match object.raw("serial") {
            None | Some(Value::Null) => None,
            Some(Value::Number(text)) => Some(big_int_literal(text)?),
            Some(other) => {
                return Err(ApiError::BigInt {
                    literal: other.to_compact(),
                });
            }
        };
        Ok(ApiSignRequest {
            hostname: object.string("hostname")?.unwrap_or_default(),
            hosts: object.string_array("hosts")?,
            certificate_request: object.string("certificate_request")?.unwrap_or_default(),
            subject,
            profile: object.string("profile")?.unwrap_or_default(),
            label: object.string("label")?.unwrap_or_default(),
            serial,
            bundle: object.bool("bundle")?.unwrap_or(false),
        })
    }

    /// The hosts to sign for: `hostname` split at commas when it is non-empty (cfssl
    /// `signer.SplitHosts`), else `hosts`.
    pub fn effective_hosts(&self) -> Option<Vec<String>> {
        if self.hostname.is_empty() {
            self.hosts.clone()
        } else {
            Some(self.hostname.split(',').map(str::to_owned).collect())
        }
    }
}

/// Go's `(*big.Int).UnmarshalJSON` for a JSON number: an integer literal (`12`, `-3`); a
/// fraction or exponent is refused with `math/big`'s text.
fn big_int_literal(text: &str) -> Result<String, ApiError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::BigInt {
            literal: text.to_owned(),
        });
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_bytes_are_cfssls() {
        let request = WireSignRequest {
            certificate_request: "-----BEGIN CERTIFICATE REQUEST-----\n".into(),
            profile: "authed".into(),
            ..WireSignRequest::default()
        };
        assert_eq!(
            request.to_json(),
            "{\"hosts\":null,\"certificate_request\":\"-----BEGIN CERTIFICATE REQUEST-----\\n\",\
             \"profile\":\"authed\",\"crl_override\":\"\",\"label\":\"\",\
             \"NotBefore\":\"0001-01-01T00:00:00Z\",\"NotAfter\":\"0001-01-01T00:00:00Z\",\
             \"ReturnPrecert\":false,\"metadata\":null}"
        );
        let with_all = WireSignRequest {
            hosts: Some(vec!["a.example".into()]),
            serial: Some("42".into()),
            subject: Some(Value::Object(vec![(
                "CN".into(),
                Value::String("x".into()),
            )])),
            ..request
        };
        let json = with_all.to_json();
        assert!(json.starts_with(r#"{"hosts":["a.example"],"certificate_request""#));
        assert!(json.contains(r#""subject":{"CN":"x"},"profile":"authed""#));
        assert!(json.contains(r#""label":"","serial":42,"NotBefore""#));
    }

    #[test]
    fn server_reads_like_cfssl() -> Result<(), ApiError> {
        // The client's own bytes parse, and members the handler does not know are ignored.
        let sent = WireSignRequest {
            hosts: Some(vec!["a".into()]),
            certificate_request: "csr".into(),
            profile: "p".into(),
            serial: Some("7".into()),
            ..WireSignRequest::default()
        };
        let read = ApiSignRequest::from_json(sent.to_json().as_bytes())?;
        assert_eq!(read.hosts, Some(vec!["a".into()]));
        assert_eq!(read.certificate_request, "csr");
        assert_eq!(read.profile, "p");
        assert_eq!(read.serial.as_deref(), Some("7"));
        assert!(!read.bundle);

        let hostname = ApiSignRequest::from_json(
            br#"{"Hostname":"x.example,y.example","hosts":["ignored"],"bundle":true}"#,
        )?;
        assert_eq!(
            hostname.effective_hosts(),
            Some(vec!["x.example".into(), "y.example".into()])
        );
        assert!(hostname.bundle);

        let bad = |body: &[u8]| ApiSignRequest::from_json(body).map_err(|e| e.to_string());
        assert_eq!(
            bad(br#"{"serial":1.5}"#),
            Err("math/big: cannot unmarshal \"1.5\" into a *big.Int".into())
        );
        assert_eq!(
            bad(br#"{"serial":"12"}"#),
            Err("math/big: cannot unmarshal \"\\\"12\\\"\" into a *big.Int".into())
        );
        assert!(bad(br#"{"hosts":"a"}"#).is_err());
        assert!(bad(b"{").is_err());
        Ok(())
    }
}
