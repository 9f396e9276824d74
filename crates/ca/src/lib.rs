//! # cfssl-ca: cfssl's workflows as library calls
//!
//! One function per thing cfssl does with a CA: [`init_ca`], [`rekey`], [`renew`],
//! [`genkey`], [`gencert`], [`sign`], [`sign_batch`], [`selfsign`], [`gencrl`], [`info`]. Each takes a
//! typed input (decoded keys, parsed certificates, a loaded policy) and returns a typed
//! result or a [`CaError`].
//!
//! Why a crate of its own: the command line and the coming HTTP API must issue the same
//! certificates with the same checks, so neither may hold the steps between "a request
//! came in" and "a certificate came out". The binary reads files, flags and passwords,
//! builds the input, calls one function here and prints the result; a server will do the
//! same with JSON. Nothing here reads argv, the environment or the terminal, prints or
//! exits. What cfssl would log along the way is handed, as [`Note`]s, to a [`Log`] the
//! caller chooses (see [`note`]).
//!
//! Behaviour changes go into the request, never into the policy: a caller that needs
//! other usages or a shorter life for one certificate sets [`SignRequest::usages`] or
//! [`SignRequest::max_lifetime`] (as `k8s-sign` does for an approved Kubernetes request)
//! instead of cloning and patching the loaded [`Config`].
//!
//! Crate graph: this crate sits above `cfssl-signer`, `cfssl-csr`, `cfssl-config` and
//! `cfssl-keys`, and below the binaries, the server and `cfssl-k8s` (whose `k8s-sign`
//! workflow is its own: Kubernetes objects are that crate's concept, and the dependency
//! arrows point one way).
//!
//! Signing a CSR with a profile, from a root made on the spot:
//!
//! ```
//! use cfssl_ca::{Config, CertificateRequest, InitCa, LocalSigner, ParsedCertificate};
//! use cfssl_ca::{CsrInput, SignRequest, init_ca, sign};
//!
//! let now = time::OffsetDateTime::now_utc();
//! let mut log = Vec::new(); // collects what cfssl would log
//! let policy = Config::from_json(br#"{"signing": {
//!     "default": {"expiry": "168h", "usages": ["signing"]},
//!     "profiles": {"www": {"expiry": "720h", "usages": ["digital signature", "server auth"]}}
//! }}"#)?;
//!
//! // A root CA (cfssl gencert -initca).
//! let root_request = CertificateRequest::from_json(
//!     br#"{"CN": "Example Root", "key": {"algo": "ecdsa", "size": 256}}"#,
//! )?;
//! let root = init_ca(&InitCa { request: root_request }, now, &mut log)?;
//!
//! // The signer: the root's certificate and key under the policy.
//! let root_cert = ParsedCertificate::from_pem(root.certificate.pem.as_bytes())?;
//! let signer = LocalSigner::new(root_cert, root.key, policy)?;
//!
//! // Someone's CSR (made here with genkey; normally it arrives as PEM).
//! let leaf_request = CertificateRequest::from_json(
//!     br#"{"CN": "www.example.com", "hosts": ["www.example.com"]}"#,
//! )?;
//! let csr_pem = cfssl_ca::genkey(&leaf_request, &mut log)?.csr.pem;
//!
//! // cfssl sign -profile www.
//! let issued = sign(
//!     &signer,
//!     &SignRequest {
//!         csr: CsrInput::Pem(csr_pem.into_bytes()),
//!         profile: "www".into(),
//!         ..SignRequest::default()
//!     },
//!     now,
//!     &mut log,
//! )?;
//!
//! let leaf = ParsedCertificate::from_pem(issued.pem.as_bytes())?;
//! assert_eq!(leaf.subject.common_name, "www.example.com");
//! assert_eq!(leaf.sans.dns_names, ["www.example.com"]);
//! assert_eq!(leaf.issuer.common_name, "Example Root");
//! assert!(leaf.not_after - now <= time::Duration::hours(720));
//! assert!(issued.warnings.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod crl;
mod error;
mod info;
mod issue;
mod keygen;
pub mod ledger;
pub mod note;
pub mod revocation;
mod root;
mod selfsign;

pub use crl::{DEFAULT_LIFETIME as DEFAULT_CRL_LIFETIME, GenCrl, gencrl};
pub use error::{CaError, RequestError};
pub use info::{CaInfo, info};
pub use issue::{GenCert, NO_HOSTS_WARNING, SignBatch, gencert, sign, sign_batch, sign_new_csr};
pub use keygen::{KeyAndCsr, csr_for_key, genkey, new_key_and_csr, new_key_and_csr_with};
pub use note::{Discard, Log, Note};
pub use root::{InitCa, Rekey, Rekeyed, Renew, init_ca, init_ca_with_new_key, rekey, renew};
pub use selfsign::{DEFAULT_EXPIRY as SELFSIGN_DEFAULT_EXPIRY, SelfSign, selfsign};

// The types the inputs and results are made of, so that a caller needs only this crate.
pub use cfssl_config::Config;
pub use cfssl_csr::{CertificateRequest, GeneratedCsr};
pub use cfssl_db::{CertificateRecord, Db, DbConfig, DbError, ListFilter, STATUS_REVOKED};
pub use cfssl_keys::PrivateKey;
pub use cfssl_signer::{CsrInput, Issued, LocalSigner, ParsedCertificate, SignRequest};

/// A new key with its CSR and certificate (`gencert`, `-initca`, `selfsign`).
#[derive(Debug)]
pub struct Generated {
    /// The certificate.
    pub certificate: Issued,
    /// The CSR made for it, PEM.
    pub csr_pem: String,
    /// The new key (the caller chooses how to write it: plain or encrypted PEM).
    pub key: PrivateKey,
}
