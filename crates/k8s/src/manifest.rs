//! Building a `certificates.k8s.io/v1` CertificateSigningRequest manifest from a PEM CSR
//! (what the "Manage TLS Certificates in a Cluster" guide writes by hand with `base64 | tr
//! -d '\n'` and a heredoc).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cfssl_csr::ParsedCsr;
use serde_json::{Value, json};

use crate::K8sError;
use crate::names::{
    default_usages, validate_expiration, validate_object_name, validate_signer_name,
    validate_usages,
};

/// The API group and version we write.
pub const API_VERSION: &str = "certificates.k8s.io/v1";
/// The kind.
pub const KIND: &str = "CertificateSigningRequest";

/// A CertificateSigningRequest ready to be applied, every field already checked as the
/// API server checks it on create.
#[derive(Clone, Debug)]
pub struct CsrManifest {
    /// `metadata.name`.
    pub name: String,
    /// `spec.signerName`.
    pub signer_name: String,
    /// The CSR as a `CERTIFICATE REQUEST` PEM block (`spec.request` before base64).
    pub request_pem: String,
    /// `spec.usages`.
    pub usages: Vec<String>,
    /// `spec.expirationSeconds`, when requested.
    pub expiration_seconds: Option<i64>,
}

impl CsrManifest {
    /// Builds a manifest for `csr_pem` (the first PEM block in it).
    ///
    /// The request is re-encoded as a `CERTIFICATE REQUEST` block (the API refuses
    /// `NEW CERTIFICATE REQUEST`) after its self-signature is checked (the API refuses a
    /// request that is not signed by its own key). `usages` `None` picks the signer's
    /// default ([`default_usages`]).
    ///
    /// # Errors
    /// The first of: [`K8sError::Name`], [`K8sError::Signer`], [`K8sError::LegacySigner`],
    /// [`K8sError::Csr`], [`K8sError::Usages`], [`K8sError::Expiration`].
    pub fn new(
        name: &str,
        signer_name: &str,
        csr_pem: &[u8],
        usages: Option<Vec<String>>,
        expiration_seconds: Option<i64>,
    ) -> Result<CsrManifest, K8sError> {
        validate_object_name(name)?;
        validate_signer_name(signer_name)?;
        let csr = ParsedCsr::from_pem(csr_pem)?;
        csr.verify_signature()?;
        let usages = match usages {
            Some(u) => u,
            None => default_usages(signer_name, csr.public_key.algorithm())?,
        };
        validate_usages(&usages)?;
        if let Some(seconds) = expiration_seconds {
            validate_expiration(seconds)?;
        }
        Ok(CsrManifest {
            name: name.to_owned(),
            signer_name: signer_name.to_owned(),
            request_pem: csr.to_pem(),
            usages,
            expiration_seconds,
        })
    }

    /// The object, fields in the order `kubectl` prints them.
    pub fn to_value(&self) -> Value {
        let mut spec = serde_json::Map::new();
        spec.insert(
            "request".into(),
            Value::String(STANDARD.encode(self.request_pem.as_bytes())),
        );
        spec.insert("signerName".into(), Value::String(self.signer_name.clone()));
        if let Some(seconds) = self.expiration_seconds {
            spec.insert("expirationSeconds".into(), json!(seconds));
        }
        spec.insert("usages".into(), json!(self.usages));
        json!({
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": {"name": self.name},
            "spec": spec,
        })
    }

    /// The manifest as YAML (for `kubectl apply -f`).
    pub fn to_yaml(&self) -> String {
        crate::yaml::to_yaml(&self.to_value())
    }

    /// The manifest as indented JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        crate::pretty_json(&self.to_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::csr;

    #[test]
    fn builds_the_manifest() {
        let pem =
            csr(r#"{"CN":"jane","names":[{"O":"app-team"}],"key":{"algo":"ecdsa","size":256}}"#);
        let m = CsrManifest::new(
            "jane",
            crate::names::KUBE_APISERVER_CLIENT,
            pem.as_bytes(),
            None,
            Some(86_400),
        )
        .unwrap();
        assert_eq!(m.usages, ["digital signature", "client auth"]);
        let yaml = m.to_yaml();
        let request = STANDARD.encode(pem.as_bytes());
        assert_eq!(
            yaml,
            format!(
                "apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: jane\nspec:\n  request: {request}\n  signerName: kubernetes.io/kube-apiserver-client\n  expirationSeconds: 86400\n  usages:\n  - digital signature\n  - client auth\n"
            )
        );
        let v: Value = serde_json::from_str(&m.to_json()).unwrap();
        assert_eq!(v, m.to_value());
        assert_eq!(v["spec"]["request"], request);
    }

    #[test]
    fn new_certificate_request_label_is_normalised() {
        let pem = csr(r#"{"CN":"jane","key":{"algo":"ecdsa","size":256}}"#);
        let old_label = pem.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
        let m = CsrManifest::new(
            "jane",
            "example.com/x",
            old_label.as_bytes(),
            Some(vec!["client auth".into()]),
            None,
        )
        .unwrap();
        assert_eq!(m.request_pem, pem);
        assert!(m.to_value()["spec"].get("expirationSeconds").is_none());
    }

    #[test]
    fn refuses_what_the_api_refuses() {
        let pem = csr(r#"{"CN":"jane","key":{"algo":"ecdsa","size":256}}"#);
        let p = pem.as_bytes();
        let s = crate::names::KUBE_APISERVER_CLIENT;
        assert!(matches!(
            CsrManifest::new("Jane", s, p, None, None),
            Err(K8sError::Name(_))
        ));
        assert!(matches!(
            CsrManifest::new("j", "bad", p, None, None),
            Err(K8sError::Signer(_))
        ));
        assert!(matches!(
            CsrManifest::new("j", crate::names::LEGACY_UNKNOWN, p, None, None),
            Err(K8sError::LegacySigner)
        ));
        assert!(matches!(
            CsrManifest::new("j", s, p, None, Some(599)),
            Err(K8sError::Expiration(_))
        ));
        assert!(matches!(
            CsrManifest::new("j", s, p, Some(vec![]), None),
            Err(K8sError::Usages(_))
        ));
        assert!(matches!(
            CsrManifest::new("j", s, b"not pem", None, None),
            Err(K8sError::Csr(_))
        ));
        // A request whose signature does not verify.
        let mut der = ParsedCsr::from_pem(p).unwrap().der;
        if let Some(last) = der.last_mut() {
            *last ^= 1;
        }
        let tampered = cfssl_csr::pkcs10::pem_encode("CERTIFICATE REQUEST", &der);
        assert!(matches!(
            CsrManifest::new("j", s, tampered.as_bytes(), None, None),
            Err(K8sError::Csr(_))
        ));
    }
}
