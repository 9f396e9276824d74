//! `info`: which CA certificate a signer uses and what a profile grants
//! (cfssl `info.Req` / `info.Resp`, docs/cfssl-lifecycle.md §7.3 `info`, §9.3).

use cfssl_json::{Object, Value};

use crate::ApiError;

/// The request: `{"label":…,"profile":…}` (both may be empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InfoRequest {
    /// The key label (multirootca's root; ignored by a single-CA server).
    pub label: String,
    /// The profile (empty: the default profile).
    pub profile: String,
}

impl InfoRequest {
    /// The body cfssl's client sends (Go `json.Marshal(info.Req)`).
    pub fn to_json(&self) -> String {
        Value::Object(vec![
            ("label".into(), Value::String(self.label.clone())),
            ("profile".into(), Value::String(self.profile.clone())),
        ])
        .to_compact()
    }

    /// Reads a body under Go's rules.
    ///
    /// # Errors
    /// Go's text for bad JSON or a member of the wrong type.
    pub fn from_json(body: &[u8]) -> Result<Self, ApiError> {
        let doc = cfssl_json::parse(body)?;
        let object = Object::new(&doc, "info.Req", &["label", "profile"])?;
        Ok(InfoRequest {
            label: object.string("label")?.unwrap_or_default(),
            profile: object.string("profile")?.unwrap_or_default(),
        })
    }
}

/// The result: the CA certificate and the profile's usages and expiry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InfoResponse {
    /// The CA certificate, PEM, without its final newline (cfssl trims it).
    pub certificate: String,
    /// The profile's usages as written in the configuration (`None`: `null`).
    pub usages: Option<Vec<String>>,
    /// The profile's expiry as written (`"8760h"`).
    pub expiry: String,
}

impl InfoResponse {
    /// The JSON value, members in Go's order: `certificate`, `usages`, `expiry`.
    pub fn to_value(&self) -> Value {
        Value::Object(vec![
            (
                "certificate".into(),
                Value::String(self.certificate.clone()),
            ),
            (
                "usages".into(),
                match &self.usages {
                    Some(usages) => {
                        Value::Array(usages.iter().cloned().map(Value::String).collect())
                    }
                    None => Value::Null,
                },
            ),
            ("expiry".into(), Value::String(self.expiry.clone())),
        ])
    }

    /// What `cfssl info` prints: the compact JSON, without a trailing newline.
    pub fn to_json(&self) -> String {
        self.to_value().to_compact()
    }

    /// Reads the `result` of an `info` answer as cfssl's client does: missing members stay
    /// empty.
    ///
    /// # Errors
    /// [`ApiError::Shape`] when `result` is not an object or a member has the wrong type
    /// (where cfssl's client would panic on its type assertion).
    pub fn from_result(result: &Value) -> Result<Self, ApiError> {
        let Value::Object(_) = result else {
            return Err(ApiError::Shape("response is formatted improperly"));
        };
        let object = Object::new(result, "info.Resp", &["certificate", "usages", "expiry"])
            .map_err(|_| ApiError::Shape("response is formatted improperly"))?;
        let text = |field: &str| {
            object
                .string(field)
                .map(Option::unwrap_or_default)
                .map_err(|_| ApiError::Shape("info response member has the wrong type"))
        };
        Ok(InfoResponse {
            certificate: text("certificate")?,
            usages: object
                .string_array("usages")
                .map_err(|_| ApiError::Shape("info response usages are not strings"))?,
            expiry: text("expiry")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() -> Result<(), ApiError> {
        let request = InfoRequest {
            label: "primary".into(),
            profile: "server".into(),
        };
        assert_eq!(
            request.to_json(),
            r#"{"label":"primary","profile":"server"}"#
        );
        assert_eq!(
            InfoRequest::from_json(request.to_json().as_bytes())?,
            request
        );
        assert_eq!(InfoRequest::from_json(b"{}")?, InfoRequest::default());

        let response = InfoResponse {
            certificate: "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----".into(),
            usages: Some(vec!["signing".into(), "server auth".into()]),
            expiry: "8760h".into(),
        };
        assert!(
            response
                .to_json()
                .starts_with(r#"{"certificate":"-----BEGIN"#)
        );
        assert!(
            response
                .to_json()
                .ends_with(r#""usages":["signing","server auth"],"expiry":"8760h"}"#)
        );
        assert_eq!(InfoResponse::from_result(&response.to_value())?, response);
        let no_usages = InfoResponse {
            usages: None,
            ..response
        };
        assert!(no_usages.to_json().contains(r#""usages":null"#));
        assert!(InfoResponse::from_result(&Value::String("x".into())).is_err());
        Ok(())
    }
}
