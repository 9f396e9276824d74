//! Reading what an approver or signer is handed: a CertificateSigningRequest object as
//! `kubectl get csr NAME -o yaml` or `-o json` prints it (or a `List` of them, as `kubectl
//! get csr -o yaml` prints), or a bare PEM CSR; and the object's approval state.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cfssl_csr::ParsedCsr;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::K8sError;

/// One request to look at: the PKCS#10 request, and the object that carried it, if any.
#[derive(Clone, Debug)]
pub struct CsrRequest {
    /// The CertificateSigningRequest object; `None` for a bare PEM CSR.
    pub object: Option<CsrObject>,
    /// The PKCS#10 request (`spec.request` decoded).
    pub csr: ParsedCsr,
    /// The PEM text of the request, as given.
    pub csr_pem: Vec<u8>,
}

/// The fields of a CertificateSigningRequest object that matter here, and the object
/// itself (to hand back with `status.certificate` set).
#[derive(Clone, Debug)]
pub struct CsrObject {
    /// The whole object as read, every field kept (`resourceVersion` included, so that
    /// `kubectl replace` fails if the object changed meanwhile).
    pub raw: Value,
    /// `metadata.name`.
    pub name: String,
    /// `spec.signerName` (`kubernetes.io/legacy-unknown` when a v1beta1 object has none).
    pub signer_name: String,
    /// `spec.usages`.
    pub usages: Vec<String>,
    /// `spec.expirationSeconds`.
    pub expiration_seconds: Option<i64>,
    /// `spec.username`: who created the object (set by the API server).
    pub username: Option<String>,
    /// `spec.groups`: that user's groups.
    pub groups: Vec<String>,
    /// `status.conditions`.
    pub conditions: Vec<Condition>,
    /// `status.certificate` (base64 of PEM), when a signer already issued one.
    pub certificate: Option<String>,
}

/// One `status.conditions` entry (a field of the wrong type reads as empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Condition {
    /// `type`: `Approved`, `Denied`, `Failed`, or a custom one.
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub kind: String,
    /// `status`: `True`, `False`, `Unknown` (empty in objects from before v1).
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// `reason`.
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    /// `message`.
    #[serde(deserialize_with = "lenient")]
    pub message: String,
}

/// Where a request stands, from its conditions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Approval {
    /// An `Approved` condition and no `Denied` or `Failed` one.
    Approved,
    /// No decision yet.
    Pending,
    /// An approver refused it.
    Denied {
        /// The condition's reason.
        reason: String,
        /// The condition's message.
        message: String,
    },
    /// A signer gave up on it.
    Failed {
        /// The condition's reason.
        reason: String,
        /// The condition's message.
        message: String,
    },
}

impl std::fmt::Display for Approval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (word, reason, message) = match self {
            Approval::Approved => return f.write_str("Approved"),
            Approval::Pending => return f.write_str("Pending"),
            Approval::Denied { reason, message } => ("Denied", reason, message),
            Approval::Failed { reason, message } => ("Failed", reason, message),
        };
        f.write_str(word)?;
        match (reason.is_empty(), message.is_empty()) {
            (true, true) => Ok(()),
            (false, true) => write!(f, " ({reason})"),
            (true, false) => write!(f, " ({message})"),
            (false, false) => write!(f, " ({reason}: {message})"),
        }
    }
}

impl CsrObject {
    /// The approval state: `Denied`, then `Failed`, then `Approved` win, in that order
    /// (a `True` or, in old objects, empty status counts); otherwise `Pending`.
    pub fn approval(&self) -> Approval {
        let active = |kind: &str| {
            self.conditions
                .iter()
                .find(|c| c.kind == kind && (c.status == "True" || c.status.is_empty()))
        };
        if let Some(c) = active("Denied") {
            return Approval::Denied {
                reason: c.reason.clone(),
                message: c.message.clone(),
            };
        }
        if let Some(c) = active("Failed") {
            return Approval::Failed {
                reason: c.reason.clone(),
                message: c.message.clone(),
            };
        }
        if active("Approved").is_some() {
            return Approval::Approved;
        }
        Approval::Pending
    }

    /// The object with `status.certificate` set to the base64 of `certificate_pem`, ready
    /// for `kubectl replace --raw /apis/certificates.k8s.io/v1/certificatesigningrequests/NAME/status -f -`.
    pub fn with_certificate(&self, certificate_pem: &str) -> Value {
        let mut object = self.raw.clone();
        let encoded = Value::String(STANDARD.encode(certificate_pem.as_bytes()));
        if let Some(map) = object.as_object_mut() {
            let status = map
                .entry("status")
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if !status.is_object() {
                *status = Value::Object(serde_json::Map::new());
            }
            if let Some(status) = status.as_object_mut() {
                status.insert("certificate".into(), encoded);
            }
        }
        object
    }
}

/// Reads the input of `k8s-review` / `k8s-sign`: a CertificateSigningRequest object in
/// JSON or YAML, a `List` of them, or a PEM CSR.
///
/// JSON is what starts with `{` (after white space); a text that holds `-----BEGIN` and
/// is not a YAML mapping with a `kind` is PEM (openssl's `-text` preamble parses as
/// YAML); anything else is read as YAML ([`crate::yaml_read`]) into the same JSON value,
/// so both go through one decoder.
///
/// # Errors
/// [`K8sError::Input`] for anything else or a malformed object; [`K8sError::Yaml`] for
/// YAML that is refused; [`K8sError::Csr`] when the request inside does not parse.
pub fn read_requests(input: &[u8]) -> Result<Vec<CsrRequest>, K8sError> {
    let trimmed = input.trim_ascii_start();
    if trimmed.starts_with(b"{") {
        let value: Value = serde_json::from_slice(input)
            .map_err(|e| K8sError::Input(format!("the input is not valid JSON: {e}")))?;
        return from_json_value(value);
    }
    let pem = contains(input, b"-----BEGIN");
    if !pem {
        let text = std::str::from_utf8(input).map_err(|e| {
            K8sError::Input(format!(
                "the input is neither JSON, YAML nor a PEM certificate request (not UTF-8: {e})"
            ))
        })?;
        return match crate::yaml_read::from_yaml(text) {
            Ok(value) => from_json_value(value),
            Err(crate::yaml_read::YamlError::Empty) => Err(K8sError::Input(EXPECTED.into())),
            Err(e) => Err(K8sError::Yaml(e)),
        };
    }
    let yaml_object = std::str::from_utf8(input)
        .ok()
        .and_then(|text| crate::yaml_read::from_yaml(text).ok())
        .filter(|v| v.get("kind").is_some());
    if let Some(value) = yaml_object {
        return from_json_value(value);
    }
    let csr = ParsedCsr::from_pem(input)?;
    Ok(vec![CsrRequest {
        object: None,
        csr,
        csr_pem: input.to_vec(),
    }])
}

const EXPECTED: &str = "expected a CertificateSigningRequest object in YAML or JSON (kubectl get csr NAME -o yaml), a List of them, or a PEM certificate request";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn from_json_value(value: Value) -> Result<Vec<CsrRequest>, K8sError> {
    if !value.is_object() {
        return Err(K8sError::Input(EXPECTED.into()));
    }
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    match kind {
        "CertificateSigningRequest" => Ok(vec![from_object(value)?]),
        "List" | "CertificateSigningRequestList" => {
            let Some(Value::Array(items)) = value.get("items") else {
                return Err(K8sError::Input(format!("a {kind} without items")));
            };
            items.iter().cloned().map(from_object).collect()
        }
        "" => Err(K8sError::Input(
            "the object has no \"kind\": expected a CertificateSigningRequest object (kubectl get csr NAME -o yaml)".into(),
        )),
        other => Err(K8sError::Input(format!(
            "expected a CertificateSigningRequest object, got kind {other:?}"
        ))),
    }
}

// The object's fields, as `#[derive(Deserialize)]` types read straight from the JSON value
// with serde_json: Kubernetes decodes case-sensitively (unlike Go's encoding/json, so
// cfssl_json's rules do not apply), and the messages are our own. Fields whose value may be
// of the wrong type are read leniently ([`lenient`], [`Checked`]) so that the caller can
// ignore it or name the field in its message; nested objects go through [`Obj`], so that
// an array is never read as a struct.

/// What is read of a CertificateSigningRequest object.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ObjectJson {
    #[serde(deserialize_with = "lenient")]
    kind: String,
    #[serde(deserialize_with = "lenient")]
    api_version: String,
    metadata: Obj<MetadataJson>,
    /// `Some` when the key is there, whatever its value (`null` included).
    #[serde(deserialize_with = "present")]
    spec: Option<Obj<SpecJson>>,
    status: Obj<StatusJson>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct MetadataJson {
    #[serde(deserialize_with = "lenient")]
    name: String,
}

/// `spec`: `None` is absent or `null`.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SpecJson {
    /// A non-string counts as absent.
    #[serde(deserialize_with = "lenient")]
    request: Option<String>,
    signer_name: Option<Checked<String>>,
    expiration_seconds: Option<Checked<i64>>,
    usages: Option<Checked<Vec<Checked<String>>>>,
    groups: Option<Checked<Vec<Checked<String>>>>,
    #[serde(deserialize_with = "lenient")]
    username: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct StatusJson {
    #[serde(deserialize_with = "lenient")]
    conditions: Vec<Obj<Condition>>,
    #[serde(deserialize_with = "lenient")]
    certificate: Option<String>,
}

/// A value of type `T`, or of another type (the caller decides what that means).
#[derive(Deserialize)]
#[serde(untagged)]
enum Checked<T> {
    Ok(T),
    Wrong(serde::de::IgnoredAny),
}

/// A value of the wrong type reads as the default.
fn lenient<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(match Checked::deserialize(d)? {
        Checked::Ok(v) => v,
        Checked::Wrong(_) => T::default(),
    })
}

/// A key that is there, whatever its value.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A nested object; anything else (`null`, an array…) reads as the default.
#[derive(Default)]
struct Obj<T>(T);

impl<'de, T: DeserializeOwned + Default> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            object @ Value::Object(_) => T::deserialize(object)
                .map(Obj)
                .map_err(serde::de::Error::custom),
            _ => Ok(Obj(T::default())),
        }
    }
}

fn from_object(raw: Value) -> Result<CsrRequest, K8sError> {
    let ObjectJson {
        kind,
        api_version,
        metadata: Obj(MetadataJson { name }),
        spec,
        status: Obj(status),
    } = if raw.is_object() {
        ObjectJson::deserialize(&raw).map_err(|e| K8sError::Input(e.to_string()))?
    } else {
        // A `List` item that is not an object: no kind.
        ObjectJson::default()
    };
    if kind != "CertificateSigningRequest" {
        return Err(K8sError::Input(format!(
            "expected a CertificateSigningRequest object, got kind {kind:?}"
        )));
    }
    if !api_version.starts_with("certificates.k8s.io/") {
        return Err(K8sError::Input(format!(
            "unexpected apiVersion {api_version:?} for a CertificateSigningRequest (expected certificates.k8s.io/v1)"
        )));
    }
    let Some(Obj(spec)) = spec else {
        return Err(K8sError::Input(format!(
            "CertificateSigningRequest {name:?} has no spec"
        )));
    };
    let request_b64 = spec.request.ok_or_else(|| {
        K8sError::Input(format!(
            "CertificateSigningRequest {name:?} has no spec.request"
        ))
    })?;
    let csr_pem = STANDARD
        .decode(request_b64.trim())
        .map_err(|e| K8sError::Input(format!("spec.request of {name:?} is not base64: {e}")))?;
    let csr = ParsedCsr::from_pem(&csr_pem)?;
    let signer_name = match spec.signer_name {
        None => crate::names::LEGACY_UNKNOWN.to_owned(),
        Some(Checked::Ok(s)) => s,
        Some(Checked::Wrong(_)) => {
            return Err(K8sError::Input(format!(
                "spec.signerName of {name:?} is not a string"
            )));
        }
    };
    let expiration_seconds = match spec.expiration_seconds {
        None => None,
        Some(Checked::Ok(n)) => Some(n),
        Some(Checked::Wrong(_)) => {
            return Err(K8sError::Input(format!(
                "spec.expirationSeconds of {name:?} is not an integer"
            )));
        }
    };
    let string_list = |key: &str, list: Option<Checked<Vec<Checked<String>>>>| match list {
        None => Ok(Vec::new()),
        Some(Checked::Ok(items)) => items
            .into_iter()
            .map(|item| match item {
                Checked::Ok(s) => Ok(s),
                Checked::Wrong(_) => Err(K8sError::Input(format!(
                    "spec.{key} of {name:?} holds a non-string"
                ))),
            })
            .collect(),
        Some(Checked::Wrong(_)) => Err(K8sError::Input(format!(
            "spec.{key} of {name:?} is not a list"
        ))),
    };
    let usages = string_list("usages", spec.usages)?;
    let groups = string_list("groups", spec.groups)?;
    let conditions = status.conditions.into_iter().map(|Obj(c)| c).collect();
    let object = CsrObject {
        name,
        signer_name,
        usages,
        expiration_seconds,
        username: spec.username,
        groups,
        conditions,
        certificate: status.certificate.filter(|c| !c.is_empty()),
        raw,
    };
    Ok(CsrRequest {
        object: Some(object),
        csr,
        csr_pem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{csr, object};
    use serde_json::json;

    #[test]
    fn reads_kubectl_json_and_pem() {
        let pem = csr(r#"{"CN":"jane","names":[{"O":"dev"}],"key":{"algo":"ecdsa","size":256}}"#);
        let obj = object(
            "jane",
            crate::names::KUBE_APISERVER_CLIENT,
            &pem,
            &["client auth"],
            Some(3600),
            &[],
        );
        let reqs = read_requests(obj.to_string().as_bytes()).unwrap();
        assert_eq!(reqs.len(), 1);
        let o = reqs[0].object.as_ref().unwrap();
        assert_eq!(o.name, "jane");
        assert_eq!(o.signer_name, crate::names::KUBE_APISERVER_CLIENT);
        assert_eq!(o.usages, ["client auth"]);
        assert_eq!(o.expiration_seconds, Some(3600));
        assert_eq!(o.username.as_deref(), Some("kubernetes-admin"));
        assert_eq!(o.groups, ["system:masters", "system:authenticated"]);
        assert_eq!(reqs[0].csr.subject.common_name, "jane");
        assert_eq!(reqs[0].csr_pem, pem.as_bytes());

        let list = json!({"apiVersion": "v1", "kind": "List", "items": [obj.clone(), obj]});
        assert_eq!(read_requests(list.to_string().as_bytes()).unwrap().len(), 2);

        let bare = read_requests(pem.as_bytes()).unwrap();
        assert!(bare[0].object.is_none());
        assert_eq!(bare[0].csr.subject.organization, ["dev"]);
    }

    #[test]
    fn reads_yaml_like_json() {
        let pem = csr(r#"{"CN":"jane","names":[{"O":"dev"}],"key":{"algo":"ecdsa","size":256}}"#);
        let obj = object(
            "jane",
            crate::names::KUBE_APISERVER_CLIENT,
            &pem,
            &["client auth"],
            Some(3600),
            &[("Approved", "True")],
        );
        let yaml = crate::yaml::to_yaml(&obj);
        let reqs = read_requests(yaml.as_bytes()).unwrap();
        let o = reqs[0].object.as_ref().unwrap();
        assert_eq!(o.raw, obj);
        assert_eq!(o.expiration_seconds, Some(3600));
        assert_eq!(o.approval(), Approval::Approved);

        let list = json!({"apiVersion": "v1", "kind": "List", "items": [obj.clone(), obj]});
        let yaml = crate::yaml::to_yaml(&list);
        assert_eq!(read_requests(yaml.as_bytes()).unwrap().len(), 2);

        // openssl req -text puts a preamble that is itself YAML before the PEM block.
        let text = format!("Certificate Request:\n    Data:\n        Version: 1 (0x0)\n{pem}");
        let bare = read_requests(text.as_bytes()).unwrap();
        assert!(bare[0].object.is_none());

        for (bad, expected) in [
            ("a: 1\n---\nb: 2\n", "more than one document"),
            ("kind: List\nkind: List\n", "duplicate key"),
            (
                "just words\n",
                "expected a CertificateSigningRequest object in YAML or JSON",
            ),
            (
                "# nothing\n",
                "expected a CertificateSigningRequest object in YAML or JSON",
            ),
            (
                "- a\n",
                "expected a CertificateSigningRequest object in YAML or JSON",
            ),
            ("kind: Secret\n", "got kind \"Secret\""),
            ("kind: [\n", "malformed YAML: "),
        ] {
            let e = read_requests(bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(expected), "{bad:?}: {e}");
        }
        assert!(read_requests(b"kind: \xff\n").is_err());
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        for bad in [
            "",
            "apiVersion: v1",
            "{",
            "{}",
            r#"{"kind":"Secret"}"#,
            r#"{"kind":"List"}"#,
            r#"{"kind":"CertificateSigningRequest","apiVersion":"v1"}"#,
            r#"{"kind":"CertificateSigningRequest","apiVersion":"certificates.k8s.io/v1"}"#,
            r#"{"kind":"CertificateSigningRequest","apiVersion":"certificates.k8s.io/v1","spec":{}}"#,
            r#"{"kind":"CertificateSigningRequest","apiVersion":"certificates.k8s.io/v1","spec":{"request":"!!"}}"#,
            r#"{"kind":"CertificateSigningRequest","apiVersion":"certificates.k8s.io/v1","spec":{"request":"aGVsbG8="}}"#,
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        ] {
            assert!(read_requests(bad.as_bytes()).is_err(), "{bad}");
        }
        let pem = csr(r#"{"CN":"x","key":{"algo":"ecdsa","size":256}}"#);
        let mut obj = object("x", "example.com/x", &pem, &["client auth"], None, &[]);
        obj["spec"]["usages"] = json!([1]);
        assert!(read_requests(obj.to_string().as_bytes()).is_err());
        obj["spec"]["usages"] = json!("client auth");
        assert!(read_requests(obj.to_string().as_bytes()).is_err());
        obj["spec"]["usages"] = json!(["client auth"]);
        obj["spec"]["expirationSeconds"] = json!("600");
        assert!(read_requests(obj.to_string().as_bytes()).is_err());
    }

    #[test]
    fn approval_states() {
        let pem = csr(r#"{"CN":"x","key":{"algo":"ecdsa","size":256}}"#);
        let state = |conditions: &[(&str, &str)]| {
            let obj = object(
                "x",
                "example.com/x",
                &pem,
                &["client auth"],
                None,
                conditions,
            );
            read_requests(obj.to_string().as_bytes()).unwrap()[0]
                .object
                .as_ref()
                .unwrap()
                .approval()
        };
        assert_eq!(state(&[]), Approval::Pending);
        assert_eq!(state(&[("Approved", "True")]), Approval::Approved);
        assert_eq!(state(&[("Approved", "")]), Approval::Approved);
        assert_eq!(state(&[("Approved", "False")]), Approval::Pending);
        assert!(matches!(
            state(&[("Denied", "True")]),
            Approval::Denied { .. }
        ));
        assert!(matches!(
            state(&[("Approved", "True"), ("Failed", "True")]),
            Approval::Failed { .. }
        ));
        assert!(matches!(
            state(&[("Approved", "True"), ("Denied", "True")]),
            Approval::Denied { .. }
        ));
        let denied = Approval::Denied {
            reason: "R".into(),
            message: "m".into(),
        };
        assert_eq!(denied.to_string(), "Denied (R: m)");
    }

    #[test]
    fn certificate_is_set_in_status() {
        let pem = csr(r#"{"CN":"x","key":{"algo":"ecdsa","size":256}}"#);
        let obj = object(
            "x",
            "example.com/x",
            &pem,
            &["client auth"],
            None,
            &[("Approved", "True")],
        );
        let req = &read_requests(obj.to_string().as_bytes()).unwrap()[0];
        let out = req.object.as_ref().unwrap().with_certificate("CERT\n");
        assert_eq!(out["status"]["certificate"], STANDARD.encode("CERT\n"));
        assert_eq!(out["status"]["conditions"], obj["status"]["conditions"]);
        assert_eq!(out["metadata"], obj["metadata"]);

        let mut bare = obj.clone();
        bare.as_object_mut().unwrap().remove("status");
        let req = &read_requests(bare.to_string().as_bytes()).unwrap()[0];
        let out = req.object.as_ref().unwrap().with_certificate("C");
        assert_eq!(out["status"], json!({"certificate": "Qw=="}));
    }
}
