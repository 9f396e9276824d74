//! # cfssl-k8s: the Kubernetes round-trip of a certificate request
//!
//! Every Kubernetes guide that uses cfssl ends in `kubectl`: the CSR is base64-encoded into
//! a `CertificateSigningRequest`, approved, signed (by the cluster, or by "you playing the
//! part of a signer"), and the certificate lands in a kubeconfig. This crate does each step
//! without `base64`, `jq` or hand-written YAML, and checks the identity a request asks for
//! before anyone approves it:
//!
//! * [`manifest::CsrManifest`]: a `certificates.k8s.io/v1` manifest from a PEM CSR, with
//!   the API server's create-time checks ([`names`]) and per-signer default usages;
//! * [`object::read_requests`]: an object as `kubectl get csr NAME -o yaml` or `-o json`
//!   prints it (or a `List`, or a bare PEM CSR), and its [`object::Approval`] state;
//! * [`review::review`]: the user and groups the certificate would carry (user = CN,
//!   groups = O) and the [`review::Finding`]s a careful approver must refuse;
//! * [`sign`]: an approved object signed with the local signer, `status.certificate` set;
//! * [`kubeconfig::build`]: a kubeconfig with embedded credentials.
//!
//! ```
//! use cfssl_k8s::{manifest::CsrManifest, names, object, review};
//! # let key = cfssl_keys::PrivateKey::generate(cfssl_keys::KeySpec::EcdsaP256)?;
//! # let request = cfssl_csr::CertificateRequest::from_json(br#"{"CN":"jane","names":[{"O":"system:masters"}]}"#)?;
//! # let csr_pem = cfssl_csr::generate(&key, &request)?.pem;
//! // csr_pem: a PEM CSR for CN=jane, O=system:masters
//! let manifest = CsrManifest::new("jane", names::KUBE_APISERVER_CLIENT, csr_pem.as_bytes(), None, Some(86_400))?;
//! assert!(manifest.to_yaml().contains("signerName: kubernetes.io/kube-apiserver-client\n"));
//!
//! let requests = object::read_requests(manifest.to_json().as_bytes())?;
//! let report = review::review(&requests[0]);
//! assert_eq!((report.user.as_str(), report.groups.as_slice()), ("jane", &["system:masters".to_owned()][..]));
//! assert!(report.is_flagged()); // system:masters is cluster-admin
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules
//! * What we write passes the API server's validation of a CertificateSigningRequest on
//!   create (Kubernetes `pkg/apis/certificates/validation`): a signer name of the form
//!   `example.com/name`, not `kubernetes.io/legacy-unknown`; at least one usage, each
//!   known, none twice; `expirationSeconds` ≥ 600 and an int32; a request in a
//!   `CERTIFICATE REQUEST` PEM block that is signed by its own key. Object names are
//!   held to DNS-subdomain form ([`names::validate_object_name`]).
//! * Default usages per built-in signer follow the signers' documented rules (Kubernetes
//!   docs, "Certificate Signing Requests", "Kubernetes signers"), choosing `key
//!   encipherment` only for RSA keys as the kubelet does ([`names::default_usages`]).
//! * The review's checks and their sources are listed in [`review`].
//! * Signing follows the kube-controller-manager signer: the certificate carries the
//!   approved `spec.usages`, lives at most `spec.expirationSeconds` (which, as on the API
//!   server, may not be under 600), and is never a CA ([`sign`]).
//! * YAML is written by a small emitter that quotes every string a YAML 1.1 reader
//!   could mistake for something else ([`yaml`]), and read into the JSON value the JSON
//!   path decodes, refusing what an object has no use for ([`yaml_read`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod kubeconfig;
pub mod manifest;
pub mod names;
pub mod object;
pub mod review;
pub mod sign;
pub mod yaml;
/// The guarded YAML reader, shared with ceremony files (`cfssl_yaml`).
pub use cfssl_yaml as yaml_read;

use review::Finding;

/// Everything that can go wrong here.
#[derive(Debug, thiserror::Error)]
pub enum K8sError {
    /// An object name the API (or our stricter rule) refuses.
    #[error("{0}")]
    Name(String),
    /// A signer name the API refuses.
    #[error("{0}")]
    Signer(String),
    /// `kubernetes.io/legacy-unknown`.
    #[error(
        "signer kubernetes.io/legacy-unknown is not accepted by certificates.k8s.io/v1 (it has no trust guarantees); pick kubernetes.io/kube-apiserver-client, kubernetes.io/kube-apiserver-client-kubelet, kubernetes.io/kubelet-serving or your own signer"
    )]
    LegacySigner,
    /// Usages the API refuses or that must be chosen.
    #[error("{0}")]
    Usages(String),
    /// An `expirationSeconds` the API refuses.
    #[error("invalid expiration: {0}")]
    Expiration(String),
    /// The PKCS#10 request does not parse or verify.
    #[error(transparent)]
    Csr(#[from] cfssl_csr::CsrError),
    /// Input that is not what `kubectl get csr -o json` prints (or a PEM CSR).
    #[error("{0}")]
    Input(String),
    /// YAML input that is malformed or uses what an object has no use for.
    #[error(transparent)]
    Yaml(#[from] yaml_read::YamlError),
    /// `k8s-sign` was handed a bare PEM CSR.
    #[error(
        "k8s-sign needs the CertificateSigningRequest object (kubectl get csr NAME -o json), not a bare CSR; use cfssl-rs sign for that"
    )]
    NotAnObject,
    /// The object is not approved.
    #[error("{}", not_approved_text(.name, .state))]
    NotApproved {
        /// `metadata.name`.
        name: String,
        /// Where it stands.
        state: object::Approval,
    },
    /// The object already carries a certificate.
    #[error(
        "CertificateSigningRequest {0} already has a certificate (status.certificate); the API refuses to replace it"
    )]
    AlreadyIssued(String),
    /// The review found something and the caller did not allow it.
    #[error("{}", flagged_text(.name, .findings))]
    Flagged {
        /// `metadata.name`.
        name: String,
        /// What was found.
        findings: Vec<Finding>,
    },
    /// The signing profile issues CA certificates.
    #[error(
        "signing profile {0:?} issues CA certificates (ca_constraint.is_ca); Kubernetes signers never do: pick a leaf profile"
    )]
    CaProfile(String),
    /// The signer's error.
    #[error(transparent)]
    Sign(#[from] cfssl_signer::SignError),
    /// A workflow error other than the signer's.
    #[error(transparent)]
    Workflow(Box<cfssl_ca::CaError>),
    /// Bad kubeconfig inputs.
    #[error("{0}")]
    Kubeconfig(String),
}

impl K8sError {
    /// cfssl's numeric error code where the error comes from the CSR parser or the signer
    /// (docs/cfssl-compat.md §7.1); `None` for this crate's own errors.
    pub fn code(&self) -> Option<u32> {
        match self {
            K8sError::Csr(e) => e.code(),
            K8sError::Sign(e) => e.code(),
            K8sError::Workflow(e) => e.code(),
            _ => None,
        }
    }
}

fn not_approved_text(name: &str, state: &object::Approval) -> String {
    match state {
        object::Approval::Pending => format!(
            "CertificateSigningRequest {name} is not approved yet: approve it first (kubectl certificate approve {name}), then fetch it again"
        ),
        other => format!("CertificateSigningRequest {name} is {other}; refusing to sign it"),
    }
}

fn flagged_text(name: &str, findings: &[Finding]) -> String {
    let mut text = format!(
        "refusing to sign CertificateSigningRequest {name}: the review flagged {} finding{} (run k8s-review for the report; -allow-privileged signs anyway):",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    );
    for f in findings {
        text.push_str(&format!("\n  - [{}] {}", f.check.id(), f.reason));
    }
    text
}

/// Indented JSON with a final newline.
pub(crate) fn pretty_json(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Requests, objects and CAs for the unit tests.
    use cfssl_config::Config;
    use cfssl_csr::CertificateRequest;
    use cfssl_keys::PrivateKey;
    use cfssl_signer::{LocalSigner, ParsedCertificate, SignRequest};
    use serde_json::{Value, json};

    /// A fresh CSR (PEM) for a cfssl request JSON.
    pub fn csr(request_json: &str) -> String {
        key_and_csr(request_json).1
    }

    fn key_and_csr(request_json: &str) -> (PrivateKey, String) {
        let request = CertificateRequest::from_json(request_json.as_bytes()).unwrap();
        let key = PrivateKey::generate(request.key.spec().unwrap()).unwrap();
        let pem = cfssl_csr::generate(&key, &request).unwrap().pem;
        (key, pem)
    }

    /// A CSR asking for a CA certificate: basicConstraints cA=TRUE and keyUsage
    /// keyCertSign.
    pub fn ca_csr(cn: &str) -> String {
        use der::Encode as _;
        let key = PrivateKey::generate(cfssl_keys::KeySpec::EcdsaP256).unwrap();
        let subject = CertificateRequest::from_json(format!(r#"{{"CN":"{cn}"}}"#).as_bytes())
            .unwrap()
            .subject()
            .unwrap();
        let ext = |oid, value: Vec<u8>| x509_ext(oid, value);
        let ku = der::asn1::BitString::from_bytes(&[0x06])
            .unwrap()
            .to_der()
            .unwrap();
        let extensions = [
            ext(
                const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS,
                cfssl_csr::pkcs10::basic_constraints_der(true, 0).unwrap(),
            ),
            ext(const_oid::db::rfc5280::ID_CE_KEY_USAGE, ku),
        ];
        let der = cfssl_csr::pkcs10::sign_request(&key, &subject, &extensions).unwrap();
        cfssl_csr::pkcs10::pem_encode("CERTIFICATE REQUEST", &der)
    }

    /// A CSR whose SAN holds these dNSNames verbatim: for names that `generate` refuses
    /// (an absolute name with a trailing dot) but other tools put into CSRs.
    pub fn csr_with_dns_names(request_json: &str, dns_names: &[&str]) -> String {
        let request = CertificateRequest::from_json(request_json.as_bytes()).unwrap();
        let key = PrivateKey::generate(request.key.spec().unwrap()).unwrap();
        let sans = cfssl_csr::SubjectAltNames {
            dns_names: dns_names.iter().map(|d| d.to_string()).collect(),
            ..Default::default()
        };
        let mut san = x509_ext(
            const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME,
            sans.to_extension_value().unwrap(),
        );
        san.critical = false;
        let subject = request.subject().unwrap();
        let der = cfssl_csr::pkcs10::sign_request(&key, &subject, &[san]).unwrap();
        cfssl_csr::pkcs10::pem_encode("CERTIFICATE REQUEST", &der)
    }

    fn x509_ext(oid: const_oid::ObjectIdentifier, value: Vec<u8>) -> x509_cert::ext::Extension {
        x509_cert::ext::Extension {
            extn_id: oid,
            critical: true,
            extn_value: der::asn1::OctetString::new(value).unwrap(),
        }
    }

    /// An object as `kubectl get csr -o json` prints it.
    pub fn object(
        name: &str,
        signer: &str,
        pem: &str,
        usages: &[&str],
        expiration: Option<i64>,
        conditions: &[(&str, &str)],
    ) -> Value {
        use base64::Engine as _;
        let mut spec = json!({
            "groups": ["system:masters", "system:authenticated"],
            "request": base64::engine::general_purpose::STANDARD.encode(pem),
            "signerName": signer,
            "usages": usages,
            "username": "kubernetes-admin",
        });
        if let Some(seconds) = expiration {
            spec["expirationSeconds"] = json!(seconds);
        }
        let conditions: Vec<Value> = conditions
            .iter()
            .map(|(kind, status)| {
                json!({"type": kind, "status": status, "reason": "KubectlApprove", "message": "by test",
                       "lastUpdateTime": "2025-01-01T00:00:00Z"})
            })
            .collect();
        json!({
            "apiVersion": "certificates.k8s.io/v1",
            "kind": "CertificateSigningRequest",
            "metadata": {"name": name, "resourceVersion": "42", "uid": "u-1"},
            "spec": spec,
            "status": {"conditions": conditions},
        })
    }

    /// A root CA (ECDSA P-256).
    pub fn test_ca() -> (ParsedCertificate, PrivateKey) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let request = CertificateRequest::from_json(
            format!(r#"{{"CN":"Test CA {n}","key":{{"algo":"ecdsa","size":256}}}}"#).as_bytes(),
        )
        .unwrap();
        let key = PrivateKey::generate(request.key.spec().unwrap()).unwrap();
        let csr = cfssl_csr::generate(&key, &request)
            .unwrap()
            .verified()
            .unwrap();
        let policy = cfssl_signer::initca::ca_policy(&request, true).unwrap();
        let issued =
            cfssl_signer::initca::self_sign(&csr, &key, &policy, time::OffsetDateTime::now_utc())
                .unwrap();
        (
            ParsedCertificate::from_pem(issued.pem.as_bytes()).unwrap(),
            key,
        )
    }

    /// A client certificate and its key (PEM) issued by the CA.
    pub fn issue(
        ca: &ParsedCertificate,
        ca_key: &PrivateKey,
        request_json: &str,
    ) -> (String, String) {
        let (key, pem) = key_and_csr(request_json);
        let signer =
            LocalSigner::new(ca.clone(), ca_key.clone(), Config::default_policy()).unwrap();
        let issued = signer
            .sign(
                &SignRequest {
                    csr: cfssl_signer::CsrInput::Pem(pem.into_bytes()),
                    ..SignRequest::default()
                },
                time::OffsetDateTime::now_utc(),
            )
            .unwrap();
        (issued.pem, key.to_pem().as_str().to_owned())
    }
}
