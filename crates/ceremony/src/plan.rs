//! From a ceremony file to the exact certificate it makes, without a private key.
//!
//! `plan` and `run` both start here, so what the witnesses read on the plan page is what
//! the key signs: the same file gives the same to-be-signed bytes, because nothing in them
//! comes from the clock or a random source (docs/ceremony.md "Determinism"):
//! * `not_before` is required and absolute;
//! * the serial is the file's `serial:`, or derived from the file's SHA-256 ([`derived_serial`]);
//! * the certified key of an intermediate or cross-sign comes from a file (CSR, public key or
//!   certificate), and the issuer's name, key identifier and signature algorithm from its
//!   certificate (`cfssl_signer::template::IssuerName`), so the whole TBS is known.
//!
//! Only a root's TBS waits for its key (the key is made by `run`); `run` shows its hash
//! before the key signs.
//!
//! The safety refusals (docs/ceremony.md "Refusals") are made here too, so that `plan`
//! already says what `run` would refuse.

use std::path::{Path, PathBuf};

use cfssl_config::{CertificatePolicy, KeyUsageBits, NameConstraints, PolicyQualifier};
use cfssl_csr::SubjectName;
use cfssl_csr::hosts::SubjectAltNames;
use cfssl_keys::{Curve, KeyAlgorithm, KeySpec, PublicKey};
use cfssl_signer::ParsedCertificate;
use cfssl_signer::certificate::TbsCertificate;
use cfssl_signer::crl::{CrlEntry, RevokedSerial, TbsCertList};
use cfssl_signer::extensions as x;
use cfssl_signer::name_constraints::IssuerConstraints;
use cfssl_signer::template::{IssuerName, Template};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use crate::CeremonyError;
use crate::file::{
    Algo, CeremonyFile, CertificateFields, CrlStep, CurveName, EndTime, ExistingKey, IgnoredLint,
    IssuerSection, Kind, NewKey, OcspStatusName, OcspStep, SignedStep, Step, SubjectKey,
};

/// Where a key is, as the file names it (paths resolved against the file's folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    /// A key file; encrypted when a password file is given.
    File {
        /// The key file.
        path: PathBuf,
        /// The file whose first line is the password.
        password_file: Option<PathBuf>,
    },
    /// A key in a PKCS#11 token (RFC 7512 URI).
    Pkcs11(String),
}

impl KeyLocation {
    /// For the plan page.
    pub fn describe(&self) -> String {
        match self {
            KeyLocation::File {
                path,
                password_file: None,
            } => format!("file {}", path.display()),
            KeyLocation::File {
                path,
                password_file: Some(p),
            } => format!(
                "file {} (encrypted; password in {})",
                path.display(),
                p.display()
            ),
            KeyLocation::Pkcs11(uri) => format!("PKCS#11 token key {uri}"),
        }
    }
}

/// A key `run` makes.
#[derive(Clone, Debug)]
pub struct NewKeyPlan {
    /// Type and size.
    pub spec: KeySpec,
    /// Where it will be kept.
    pub location: KeyLocation,
}

/// One file the step reads, with its bytes as read (for the transcript).
#[derive(Clone, Debug)]
pub struct InputFile {
    /// As resolved.
    pub path: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What the step does.
#[derive(Clone, Debug)]
pub enum Action {
    /// Make a key and self-sign a CA certificate with it.
    Root {
        /// The key.
        key: NewKeyPlan,
        /// The certificate, waiting for the key.
        certificate: Box<CertificatePlan>,
    },
    /// Sign a CA certificate for a known key with an existing CA key.
    Signed {
        /// The issuer's certificate.
        issuer: Box<ParsedCertificate>,
        /// Where the issuer's key is (opened only by `run`).
        issuer_key: KeyLocation,
        /// The to-be-signed certificate, complete.
        tbs: Box<TbsCertificate>,
    },
    /// Make a key; write its public key.
    Key {
        /// The key.
        key: NewKeyPlan,
    },
    /// Sign an OCSP response with an existing CA key.
    OcspResponse {
        /// The issuer's certificate (also the responder).
        issuer: Box<ParsedCertificate>,
        /// Where the issuer's key is (opened only by `run`).
        issuer_key: KeyLocation,
        /// The to-be-signed response, complete.
        tbs: Box<cfssl_ocsp::TbsResponse>,
    },
    /// Sign a CRL with an existing CA key.
    Crl {
        /// The issuer's certificate.
        issuer: Box<ParsedCertificate>,
        /// Where the issuer's key is (opened only by `run`).
        issuer_key: KeyLocation,
        /// The to-be-signed CRL, complete.
        tbs: Box<TbsCertList>,
    },
}

/// The certificate of a root: everything but the key.
#[derive(Clone, Debug)]
pub struct CertificatePlan {
    template_without_key: Template,
    signature_for: KeyAlgorithm,
}

impl CertificatePlan {
    /// The self-signed TBS for `public_key` (the root's new key).
    pub fn to_be_signed(&self, public_key: PublicKey) -> Result<TbsCertificate, CeremonyError> {
        let mut template = self.template_without_key.clone();
        template.public_key = public_key;
        // Issued by its own subject, so no authorityKeyIdentifier (as cfssl's initca,
        // docs/cfssl-compat.md §5.9).
        let issuer = IssuerName {
            subject_der: template.subject.to_der()?,
            subject_key_id: Some(template.public_key.subject_key_id().to_vec()),
            signature: template.public_key.algorithm().signature_algorithm(),
        };
        Ok(template.to_be_signed(&issuer)?)
    }

    /// The TBS around a stand-in key, for the plan page only: every field but the key and
    /// its identifier is final. Never signed.
    pub fn preview(&self) -> Result<TbsCertificate, CeremonyError> {
        let mut tbs = self.to_be_signed(stand_in_key()?)?;
        tbs.signature = self.signature_for.signature_algorithm();
        Ok(tbs)
    }
}

/// A P-256 public key nobody holds the private half of any more, to lay out a root's plan
/// page before its key exists. Rendering marks every field that depends on it.
fn stand_in_key() -> Result<PublicKey, CeremonyError> {
    const SPKI: &str = "3059301306072a8648ce3d020106082a8648ce3d03010703420004efcc6ecaf9fc7089\
                        ef8ddebf3319f0747b4ae47645bada74ee0608e9a15823bc4d65172951c076b16a40a2\
                        a9c15b41b5376b62b3f8136356eeabcf3c225b2db8";
    let der: Vec<u8> = (0..SPKI.len())
        .step_by(2)
        .filter_map(|i| SPKI.get(i..i + 2))
        .filter_map(|pair| u8::from_str_radix(pair, 16).ok())
        .collect();
    PublicKey::from_spki_der(&der).map_err(|e| CeremonyError::Internal(e.to_string()))
}

/// A checked step, ready to render or run.
#[derive(Clone, Debug)]
pub struct StepPlan {
    /// The file.
    pub file: CeremonyFile,
    /// `type`.
    pub kind: Kind,
    /// The folder relative paths are read against.
    pub dir: PathBuf,
    /// The files read (certificates, CSRs, public keys; never a private key).
    pub inputs: Vec<InputFile>,
    /// The files `run` writes, in order (a new key file first, if any).
    pub outputs: Vec<PathBuf>,
    /// What is done.
    pub action: Action,
    /// Lints accepted by the file.
    pub ignored_lints: Vec<IgnoredLint>,
    /// Notes for the plan page (what a witness should know but is not an error).
    pub notes: Vec<String>,
}

/// Checks `file` (read from `dir`) and computes what it makes. Reads certificates, CSRs and
/// public keys; never opens a private key or a token.
pub fn plan(file: CeremonyFile, dir: &Path) -> Result<StepPlan, CeremonyError> {
    let mut p = Planner {
        file_name: file.name.clone(),
        dir: dir.to_path_buf(),
        inputs: Vec::new(),
        outputs: Vec::new(),
        notes: Vec::new(),
    };
    let (kind, action, ignored_lints) = match &file.step {
        Step::Root(root) => {
            let key = p.new_key(&root.key)?;
            p.output(&root.outputs.certificate, "outputs.certificate")?;
            let certificate = p.root_certificate(&root.certificate, &key, &file)?;
            (
                Kind::Root,
                Action::Root {
                    key,
                    certificate: Box::new(certificate),
                },
                root.ignored_lints.clone(),
            )
        }
        Step::Signed(kind, step) => {
            let (issuer, issuer_key, tbs) = p.signed(*kind, step, &file)?;
            (
                *kind,
                Action::Signed {
                    issuer: Box::new(issuer),
                    issuer_key,
                    tbs: Box::new(tbs),
                },
                step.ignored_lints.clone(),
            )
        }
        Step::Key(step) => {
            let key = p.new_key(&step.key)?;
            p.output(&step.outputs.public_key, "outputs.public_key")?;
            (Kind::Key, Action::Key { key }, Vec::new())
        }
        Step::OcspResponse(step) => {
            let (issuer, issuer_key, tbs) = p.ocsp(step)?;
            (
                Kind::OcspResponse,
                Action::OcspResponse {
                    issuer: Box::new(issuer),
                    issuer_key,
                    tbs: Box::new(tbs),
                },
                Vec::new(),
            )
        }
        Step::Crl(step) => {
            let (issuer, issuer_key, tbs) = p.crl(step)?;
            (
                Kind::Crl,
                Action::Crl {
                    issuer: Box::new(issuer),
                    issuer_key,
                    tbs: Box::new(tbs),
                },
                step.ignored_lints.clone(),
            )
        }
    };
    crate::lint::check_names(&ignored_lints).map_err(|e| p.bad(e))?;
    for (i, lint) in ignored_lints.iter().enumerate() {
        if lint.reason.trim().is_empty() {
            return Err(p.bad(format!(
                "ignored_lints[{i}].reason: say why {} is accepted",
                lint.name
            )));
        }
    }
    Ok(StepPlan {
        file,
        kind,
        dir: p.dir,
        inputs: p.inputs,
        outputs: p.outputs,
        action,
        ignored_lints,
        notes: p.notes,
    })
}

/// The serial of a file without `serial:`: the first 20 bytes of
/// SHA-256("cfssl-rs ceremony serial" ‖ SHA-256(file)), top bit cleared (a positive
/// INTEGER of at most 20 octets, RFC 5280 §4.1.2.2). `plan` and `run` must agree, and a
/// random serial would differ between them; the file is what the witnesses reviewed;
/// outputs are never overwritten, so the same file cannot be run twice to mint a second
/// certificate with the same serial (docs/ceremony.md "Serial numbers").
pub fn derived_serial(file_sha256: &[u8; 32]) -> Result<Vec<u8>, CeremonyError> {
    let mut h = Sha256::new();
    h.update(b"cfssl-rs ceremony serial");
    h.update(file_sha256);
    let digest = h.finalize();
    let mut bytes: Vec<u8> = digest.iter().take(20).copied().collect();
    if let Some(first) = bytes.first_mut() {
        *first &= 0x7f;
    }
    let magnitude: Vec<u8> = bytes.into_iter().skip_while(|b| *b == 0).collect();
    if magnitude.is_empty() {
        return Err(CeremonyError::Internal(
            "the derived serial is zero; give serial: in the file".into(),
        ));
    }
    Ok(magnitude)
}

struct Planner {
    file_name: String,
    dir: PathBuf,
    inputs: Vec<InputFile>,
    outputs: Vec<PathBuf>,
    notes: Vec<String>,
}

impl Planner {
    fn bad(&self, message: String) -> CeremonyError {
        CeremonyError::File {
            file: self.file_name.clone(),
            message,
        }
    }

    fn refuse(&self, message: String) -> CeremonyError {
        CeremonyError::Refused {
            file: self.file_name.clone(),
            message,
        }
    }

    fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }

    fn read_input(&mut self, path: &str, field: &str) -> Result<Vec<u8>, CeremonyError> {
        let resolved = self.resolve(path);
        let bytes = std::fs::read(&resolved)
            .map_err(|e| self.bad(format!("{field}: cannot read {}: {e}", resolved.display())))?;
        self.inputs.push(InputFile {
            path: resolved,
            bytes: bytes.clone(),
        });
        Ok(bytes)
    }

    /// An output must not exist: a ceremony never replaces a file (a key or certificate
    /// silently overwritten may be the only copy, and a re-run would mint a duplicate serial).
    fn output(&mut self, path: &str, field: &str) -> Result<PathBuf, CeremonyError> {
        let resolved = self.resolve(path);
        if resolved.symlink_metadata().is_ok() {
            return Err(self.refuse(format!(
                "{field}: {} already exists; a ceremony never replaces a file (move it away, \
                 or, if the step already ran, do not run it again)",
                resolved.display()
            )));
        }
        if self.outputs.contains(&resolved) {
            return Err(self.bad(format!(
                "{field}: {} is named twice as an output",
                resolved.display()
            )));
        }
        self.outputs.push(resolved.clone());
        Ok(resolved)
    }

    fn new_key(&mut self, key: &NewKey) -> Result<NewKeyPlan, CeremonyError> {
        let spec = match (key.algo, key.size, key.curve) {
            (Algo::Rsa, Some(bits), None) => {
                if bits < 2048 {
                    return Err(self.refuse(format!(
                        "key.size: RSA {bits} is refused: RSA keys under 2048 bits can be \
                         factored with feasible effort (NIST SP 800-131A)"
                    )));
                }
                KeySpec::from_request("rsa", i64::from(bits))
                    .map_err(|e| self.bad(format!("key.size: {e}")))?
            }
            (Algo::Rsa, None, _) => {
                return Err(self.bad("key.size: give the RSA modulus size (2048..8192)".into()));
            }
            (Algo::Ecdsa, None, Some(curve)) => match curve {
                CurveName::P256 => KeySpec::EcdsaP256,
                CurveName::P384 => KeySpec::EcdsaP384,
                CurveName::P521 => KeySpec::EcdsaP521,
            },
            (Algo::Ecdsa, None, None) => {
                return Err(self.bad("key.curve: give P-256, P-384 or P-521".into()));
            }
            (Algo::Ed25519, None, None) => KeySpec::Ed25519,
            (Algo::Rsa, Some(_), Some(_)) => {
                return Err(self.bad("key.curve: an RSA key has no curve".into()));
            }
            (Algo::Ecdsa, Some(_), _) => {
                return Err(self.bad("key.size: an ECDSA key takes curve:, not size:".into()));
            }
            (Algo::Ed25519, _, _) => {
                return Err(self.bad("key: an Ed25519 key takes neither size: nor curve:".into()));
            }
        };
        let location = match (&key.file, &key.pkcs11) {
            (Some(file), None) => {
                let path = self.output(file, "key.file")?;
                KeyLocation::File {
                    path,
                    password_file: key.password_file.as_deref().map(|p| self.resolve(p)),
                }
            }
            (None, Some(uri)) => {
                if key.password_file.is_some() {
                    return Err(self.bad(
                        "key.password_file: only for a key file; a token key is protected by \
                         the token's PIN"
                            .into(),
                    ));
                }
                KeyLocation::Pkcs11(uri.clone())
            }
            _ => {
                return Err(self.bad(
                    "key: give exactly one of file: (a key file) or pkcs11: (a token URI)".into(),
                ));
            }
        };
        Ok(NewKeyPlan { spec, location })
    }

    fn existing_key(&self, key: &ExistingKey, field: &str) -> Result<KeyLocation, CeremonyError> {
        match (&key.file, &key.pkcs11) {
            (Some(file), None) => Ok(KeyLocation::File {
                path: self.resolve(file),
                password_file: key.password_file.as_deref().map(|p| self.resolve(p)),
            }),
            (None, Some(uri)) if key.password_file.is_none() => {
                Ok(KeyLocation::Pkcs11(uri.clone()))
            }
            (None, Some(_)) => Err(self.bad(format!(
                "{field}.password_file: only for a key file; a token key is protected by the \
                 token's PIN"
            ))),
            _ => Err(self.bad(format!(
                "{field}: give exactly one of file: (a key file) or pkcs11: (a token URI)"
            ))),
        }
    }

    fn root_certificate(
        &mut self,
        fields: &CertificateFields,
        key: &NewKeyPlan,
        file: &CeremonyFile,
    ) -> Result<CertificatePlan, CeremonyError> {
        let algorithm = spec_algorithm(key.spec);
        self.check_signature_algorithm(fields, algorithm)?;
        let subject = match &fields.subject {
            Some(s) => subject_name(s),
            None => return Err(self.bad("certificate.subject: missing".into())),
        };
        let template = self.template(fields, subject, stand_in_key()?, file)?;
        Ok(CertificatePlan {
            template_without_key: template,
            signature_for: algorithm,
        })
    }

    /// The issuing CA of a step: its certificate, read and parsed, and where its key is
    /// (not opened: `plan` touches no key).
    fn issuer(
        &mut self,
        section: &IssuerSection,
    ) -> Result<(ParsedCertificate, KeyLocation), CeremonyError> {
        let issuer_bytes = self.read_input(&section.certificate, "issuer.certificate")?;
        let issuer = ParsedCertificate::from_pem(&issuer_bytes)
            .map_err(|e| self.bad(format!("issuer.certificate: {}: {e}", section.certificate)))?;
        let issuer_key = self.existing_key(&section.key, "issuer.key")?;
        Ok((issuer, issuer_key))
    }

    /// Refuses an issuer whose own certificate is signed with SHA-1 or MD5: a chain through
    /// such a signature can be forged (chosen-prefix collisions), whatever this step signs.
    fn refuse_weak_issuer(
        &self,
        issuer: &ParsedCertificate,
        section: &IssuerSection,
    ) -> Result<(), CeremonyError> {
        if is_weak_hash(&issuer.signature_algorithm.oid) {
            return Err(self.refuse(format!(
                "issuer.certificate: {} is signed with {}; a chain through a SHA-1 or MD5 \
                 signature can be forged (chosen-prefix collisions), so it is refused",
                section.certificate,
                oid_name(&issuer.signature_algorithm.oid)
            )));
        }
        Ok(())
    }

    fn signed(
        &mut self,
        kind: Kind,
        step: &SignedStep,
        file: &CeremonyFile,
    ) -> Result<(ParsedCertificate, KeyLocation, TbsCertificate), CeremonyError> {
        let (issuer, issuer_key) = self.issuer(&step.issuer)?;
        self.output(&step.outputs.certificate, "outputs.certificate")?;
        self.refuse_weak_issuer(&issuer, &step.issuer)?;
        let (public_key, existing) = self.subject_key(kind, &step.subject_key)?;
        if let KeyAlgorithm::Rsa { bits } = public_key.algorithm()
            && bits < 2048
        {
            return Err(self.refuse(format!(
                "subject_key: the RSA key has {bits} bits; RSA keys under 2048 bits are refused"
            )));
        }
        let subject = match (&step.certificate.subject, &existing) {
            (Some(s), None) => subject_name(s),
            (None, Some(cert)) if kind == Kind::CrossSign => cert.subject.clone(),
            (Some(s), Some(cert)) if kind == Kind::CrossSign => {
                let named = subject_name(s);
                if named.to_der()? != cert.subject_der {
                    return Err(self.refuse(
                        "certificate.subject: a cross-signed certificate must have the existing \
                         certificate's subject exactly; omit subject: to copy it"
                            .into(),
                    ));
                }
                cert.subject.clone()
            }
            (Some(s), Some(_)) => subject_name(s),
            (None, _) => return Err(self.bad("certificate.subject: missing".into())),
        };
        let issuer_algorithm = issuer.public_key.algorithm();
        self.check_signature_algorithm(&step.certificate, issuer_algorithm)?;
        let template = self.template(&step.certificate, subject, public_key, file)?;
        self.check_against_issuer(&template, &issuer, &step.certificate)?;
        let issuer_name = IssuerName {
            subject_der: issuer.subject_der.clone(),
            subject_key_id: issuer.subject_key_id.clone(),
            signature: issuer_algorithm.signature_algorithm(),
        };
        let tbs = template.to_be_signed(&issuer_name)?;
        Ok((issuer, issuer_key, tbs))
    }

    /// The TBSCertList of a `type: crl` step, with the refusals of docs/ceremony.md
    /// "type: crl": an issuer that may not sign CRLs, dates outside the issuer's validity or
    /// out of order, a serial listed twice.
    fn crl(
        &mut self,
        step: &CrlStep,
    ) -> Result<(ParsedCertificate, KeyLocation, TbsCertList), CeremonyError> {
        let (issuer, issuer_key) = self.issuer(&step.issuer)?;
        self.output(&step.outputs.crl, "outputs.crl")?;
        self.refuse_weak_issuer(&issuer, &step.issuer)?;
        if !issuer.is_ca() {
            return Err(self.refuse(
                "issuer.certificate: not a CA certificate (basicConstraints cA is not TRUE)".into(),
            ));
        }
        // RFC 5280 §4.2.1.3, §6.3.3 (f): a CRL issuer with a key usage needs cRLSign.
        if let Some(bits) = issuer.key_usage
            && bits & KeyUsageBits::CRL_SIGN.0 == 0
        {
            return Err(self.refuse(
                "issuer.certificate: its key usage lacks cRLSign, so relying parties reject \
                 the CRLs it signs (RFC 5280 §4.2.1.3)"
                    .into(),
            ));
        }
        let fields = &step.crl;
        let this_update = fields.this_update.0;
        let next_update = match fields.next_update {
            EndTime::At(t) => t,
            EndTime::After(d) => this_update
                .checked_add(d.as_time_duration())
                .ok_or_else(|| self.bad("crl.next_update: out of range".into()))?,
        };
        let when = |t: OffsetDateTime| crate::render::utc(t);
        if next_update <= this_update {
            return Err(self.refuse(format!(
                "crl.next_update: {} is not after this_update {}; the CRL would be stale when \
                 issued",
                when(next_update),
                when(this_update)
            )));
        }
        if this_update < issuer.not_before || this_update > issuer.not_after {
            return Err(self.refuse(format!(
                "crl.this_update: {} is outside the issuer's validity ({} to {}); the CRL \
                 would be signed by a certificate that is not valid then",
                when(this_update),
                when(issuer.not_before),
                when(issuer.not_after)
            )));
        }
        let mut entries: Vec<CrlEntry> = Vec::with_capacity(fields.revoked.len());
        for (i, revoked) in fields.revoked.iter().enumerate() {
            let serial = RevokedSerial::from_magnitude(&revoked.serial.0)
                .map_err(|e| self.bad(format!("crl.revoked[{i}].serial: {e}")))?;
            if let Some(first) = entries.iter().position(|e| e.serial == serial) {
                return Err(self.refuse(format!(
                    "crl.revoked[{i}].serial: {} is already crl.revoked[{first}]; a serial is \
                     listed once (RFC 5280 §5.1.2.6)",
                    crate::render::colon_hex(serial.magnitude())
                )));
            }
            if revoked.revoked_at.0 > this_update {
                return Err(self.refuse(format!(
                    "crl.revoked[{i}].revoked_at: {} is after this_update {}; a CRL lists \
                     revocations that have happened",
                    when(revoked.revoked_at.0),
                    when(this_update)
                )));
            }
            entries.push(CrlEntry {
                serial,
                revoked_at: revoked.revoked_at.0,
                reason: revoked.reason.0.code(),
            });
        }
        let tbs = TbsCertList::new(
            &entries,
            &issuer,
            issuer.public_key.algorithm().signature_algorithm(),
            this_update,
            next_update,
            &fields.number.0,
        )?;
        Ok((issuer, issuer_key, tbs))
    }

    /// The ResponseData of a `type: ocsp-response` step: the issuer answers for a
    /// certificate it issued, producedAt = this_update (docs/ceremony.md
    /// "type: ocsp-response").
    fn ocsp(
        &mut self,
        step: &OcspStep,
    ) -> Result<(ParsedCertificate, KeyLocation, cfssl_ocsp::TbsResponse), CeremonyError> {
        let (issuer, issuer_key) = self.issuer(&step.issuer)?;
        let cert_bytes = self.read_input(&step.certificate, "certificate")?;
        let certificate = ParsedCertificate::from_pem(&cert_bytes)
            .map_err(|e| self.bad(format!("certificate: {}: {e}", step.certificate)))?;
        self.output(&step.outputs.response, "outputs.response")?;
        self.refuse_weak_issuer(&issuer, &step.issuer)?;
        let fields = &step.response;
        let this_update = fields.this_update.0;
        let next_update = match fields.next_update {
            EndTime::At(t) => t,
            EndTime::After(d) => this_update
                .checked_add(d.as_time_duration())
                .ok_or_else(|| self.bad("response.next_update: out of range".into()))?,
        };
        let when = |t: OffsetDateTime| crate::render::utc(t);
        if next_update <= this_update {
            return Err(self.refuse(format!(
                "response.next_update: {} is not after this_update {}",
                when(next_update),
                when(this_update)
            )));
        }
        if this_update < issuer.not_before || this_update > issuer.not_after {
            return Err(self.refuse(format!(
                "response.this_update: {} is outside the issuer's validity ({} to {})",
                when(this_update),
                when(issuer.not_before),
                when(issuer.not_after)
            )));
        }
        let status = match (fields.status, fields.revoked_at, fields.reason) {
            (OcspStatusName::Good, None, None) => cfssl_ocsp::CertificateStatus::Good,
            (OcspStatusName::Good, _, _) => {
                return Err(
                    self.bad("response: revoked_at and reason belong to status: revoked".into())
                );
            }
            (OcspStatusName::Revoked, Some(at), Some(reason)) => {
                if at.0 > this_update {
                    return Err(self.refuse(format!(
                        "response.revoked_at: {} is after this_update {}",
                        when(at.0),
                        when(this_update)
                    )));
                }
                cfssl_ocsp::CertificateStatus::Revoked {
                    at: at.0,
                    reason: reason.0.code(),
                }
            }
            (OcspStatusName::Revoked, _, _) => {
                return Err(
                    self.bad("response: status: revoked needs revoked_at and reason".into())
                );
            }
        };
        let request = cfssl_ocsp::OcspSignRequest::new(&certificate, status);
        let tbs = cfssl_ocsp::TbsResponse::new(
            &issuer,
            &issuer,
            cfssl_ocsp::response_signature_algorithm_for(&issuer.public_key),
            &request,
            this_update,
            next_update,
            this_update,
        )
        .map_err(|e| {
            self.refuse(format!(
                "certificate: {} is not a certificate the issuer signed: {e}",
                step.certificate
            ))
        })?;
        Ok((issuer, issuer_key, tbs))
    }

    fn subject_key(
        &mut self,
        kind: Kind,
        source: &SubjectKey,
    ) -> Result<(PublicKey, Option<ParsedCertificate>), CeremonyError> {
        match (&source.csr, &source.public_key, &source.certificate) {
            (Some(csr), None, None) if kind == Kind::Intermediate => {
                let bytes = self.read_input(csr, "subject_key.csr")?;
                let parsed = cfssl_csr::ParsedCsr::from_pem(&bytes)
                    .map_err(|e| self.bad(format!("subject_key.csr: {csr}: {e}")))?;
                let verified = parsed.verify().map_err(|e| {
                    self.refuse(format!(
                        "subject_key.csr: {csr}: the CSR's signature does not verify: {e}"
                    ))
                })?;
                self.notes.push(format!(
                    "only the public key of {csr} is used; the subject and extensions come from \
                     this file"
                ));
                Ok((verified.public_key.clone(), None))
            }
            (None, Some(pem), None) if kind == Kind::Intermediate => {
                let bytes = self.read_input(pem, "subject_key.public_key")?;
                let key = public_key_from_pem(&bytes)
                    .map_err(|e| self.bad(format!("subject_key.public_key: {pem}: {e}")))?;
                Ok((key, None))
            }
            (None, None, Some(cert)) => {
                let bytes = self.read_input(cert, "subject_key.certificate")?;
                let parsed = ParsedCertificate::from_pem(&bytes)
                    .map_err(|e| self.bad(format!("subject_key.certificate: {cert}: {e}")))?;
                Ok((parsed.public_key.clone(), Some(parsed)))
            }
            _ if kind == Kind::CrossSign => Err(self.bad(
                "subject_key: a cross-sign takes certificate: (the existing CA certificate \
                 whose subject and key are certified again)"
                    .into(),
            )),
            _ => Err(self
                .bad("subject_key: give exactly one of csr:, public_key: or certificate:".into())),
        }
    }

    fn check_signature_algorithm(
        &self,
        fields: &CertificateFields,
        signer: KeyAlgorithm,
    ) -> Result<(), CeremonyError> {
        let Some(name) = &fields.signature_algorithm else {
            return Ok(());
        };
        let lower = name.to_ascii_lowercase();
        if lower.contains("sha1") || lower.contains("sha-1") || lower.contains("md5") {
            return Err(self.refuse(format!(
                "certificate.signature_algorithm: {name} is refused: SHA-1 and MD5 signatures \
                 can be forged with chosen-prefix collisions (CA/Browser Forum Baseline \
                 Requirements §7.1.3.2)"
            )));
        }
        let expected = signature_algorithm_name(signer);
        if !lower.eq_ignore_ascii_case(expected) {
            return Err(self.bad(format!(
                "certificate.signature_algorithm: {name}: the signing key ({}) signs with {expected}",
                signer.describe()
            )));
        }
        Ok(())
    }

    fn template(
        &self,
        fields: &CertificateFields,
        subject: SubjectName,
        public_key: PublicKey,
        file: &CeremonyFile,
    ) -> Result<Template, CeremonyError> {
        let mut key_usage = KeyUsageBits::default();
        for usage in &fields.key_usage {
            key_usage.insert(usage.1);
        }
        // A CA certificate without keyCertSign cannot sign certificates: it is a leaf
        // wearing a CA's name (RFC 5280 §4.2.1.3, §4.2.1.9).
        if !key_usage.contains(KeyUsageBits::KEY_CERT_SIGN) {
            return Err(self.refuse(
                "certificate.key_usage: a ceremony makes CA certificates, and this one lacks \
                 \"cert sign\" (keyCertSign): it would be a leaf-shaped CA that cannot sign \
                 certificates (RFC 5280 §4.2.1.3)"
                    .into(),
            ));
        }
        let not_before = fields.not_before.0;
        let not_after = match fields.not_after {
            EndTime::At(t) => t,
            EndTime::After(d) => not_before
                .checked_add(d.as_time_duration())
                .ok_or_else(|| self.bad("certificate.not_after: out of range".into()))?,
        };
        if not_after <= not_before {
            return Err(self.bad("certificate.not_after: must be after not_before".into()));
        }
        if not_before.year() < 1950 || not_after.year() > 9999 {
            return Err(self.bad(
                "certificate: times must lie between 1950 and 9999 (RFC 5280 §4.1.2.5)".into(),
            ));
        }
        let serial = match &fields.serial {
            Some(s) => s.0.clone(),
            None => derived_serial(&file.sha256)?,
        };
        let name_constraints = match &fields.name_constraints {
            None => None,
            Some(value) => Some(
                NameConstraints::from_json(&value.to_string())
                    .map_err(|e| self.bad(format!("certificate.{e}")))?,
            ),
        };
        for (field, urls) in [
            ("ocsp_urls", &fields.ocsp_urls),
            ("issuer_urls", &fields.issuer_urls),
        ] {
            for (i, url) in urls.iter().enumerate() {
                check_url(url).map_err(|e| self.bad(format!("certificate.{field}[{i}]: {e}")))?;
            }
        }
        if let Some(url) = &fields.crl_url {
            check_url(url).map_err(|e| self.bad(format!("certificate.crl_url: {e}")))?;
        }
        let mut extra = Vec::new();
        if !fields.policies.is_empty() {
            let policies: Vec<CertificatePolicy> = fields
                .policies
                .iter()
                .map(|p| CertificatePolicy {
                    id: p.id.0,
                    qualifiers: p
                        .cps
                        .iter()
                        .cloned()
                        .map(PolicyQualifier::Cps)
                        .chain(
                            p.user_notice
                                .iter()
                                .cloned()
                                .map(PolicyQualifier::UserNotice),
                        )
                        .collect(),
                })
                .collect();
            extra.push(x::ext(
                const_oid::db::rfc5280::ID_CE_CERTIFICATE_POLICIES,
                false,
                x::certificate_policies(&policies),
            ));
        }
        let (max_path_len, max_path_len_zero) = match fields.path_length {
            None => (-1, false),
            Some(n) => (i64::from(n), n == 0),
        };
        Ok(Template {
            serial,
            subject,
            public_key,
            sans: SubjectAltNames::default(),
            not_before,
            not_after,
            key_usage,
            ext_key_usages: fields.ext_key_usage.iter().map(|e| e.1).collect(),
            is_ca: true,
            max_path_len,
            max_path_len_zero,
            ocsp_urls: fields.ocsp_urls.clone(),
            issuer_urls: fields.issuer_urls.clone(),
            crl_url: fields.crl_url.clone(),
            extra,
            subject_key_id: true,
            name_constraints,
        })
    }

    /// RFC 5280 §6.1: what a verifier would reject in the chain, refused before signing.
    fn check_against_issuer(
        &self,
        t: &Template,
        issuer: &ParsedCertificate,
        fields: &CertificateFields,
    ) -> Result<(), CeremonyError> {
        if !issuer.is_ca() {
            return Err(self.refuse(
                "issuer.certificate: not a CA certificate (basicConstraints cA is not TRUE)".into(),
            ));
        }
        if let Some(bits) = issuer.key_usage
            && bits & KeyUsageBits::KEY_CERT_SIGN.0 == 0
        {
            return Err(self.refuse(
                "issuer.certificate: its key usage lacks keyCertSign, so it may not sign \
                 certificates (RFC 5280 §4.2.1.3)"
                    .into(),
            ));
        }
        let when = |t: OffsetDateTime| crate::render::utc(t);
        if t.not_after > issuer.not_after {
            return Err(self.refuse(format!(
                "certificate.not_after: {} is after the issuer's notAfter {}; a certificate \
                 may not outlive its issuer",
                when(t.not_after),
                when(issuer.not_after)
            )));
        }
        if t.not_before < issuer.not_before {
            return Err(self.refuse(format!(
                "certificate.not_before: {} is before the issuer's notBefore {}",
                when(t.not_before),
                when(issuer.not_before)
            )));
        }
        let (issuer_len, _) = issuer.max_path_len();
        if issuer_len >= 0 {
            match fields.path_length {
                _ if issuer_len == 0 => {
                    return Err(self.refuse(
                        "issuer.certificate: its path length is 0: it may not sign CA \
                         certificates (RFC 5280 §4.2.1.9)"
                            .into(),
                    ));
                }
                Some(n) if i64::from(n) < issuer_len => {}
                Some(n) => {
                    return Err(self.refuse(format!(
                        "certificate.path_length: {n} must be less than the issuer's {issuer_len}"
                    )));
                }
                None => {
                    return Err(self.refuse(format!(
                        "certificate.path_length: missing; the issuer's path length is \
                         {issuer_len}, so give at most {}",
                        issuer_len - 1
                    )));
                }
            }
        }
        if let Some(value) = &issuer.name_constraints {
            let constraints = IssuerConstraints::from_der(value)?;
            constraints
                .check(&SubjectAltNames::default(), &t.subject)
                .map_err(|e| self.refuse(format!("certificate.subject: {e}")))?;
            // The signer's own rule (RFC 5280 §4.2.1.10 subtree containment, every name
            // type): what `sign` refuses for a sub-CA, a ceremony refuses too.
            if let Some(nc) = &t.name_constraints {
                constraints.check_subordinate(nc).map_err(|e| {
                    self.refuse(format!("certificate.name_constraints.permitted: {e}"))
                })?;
            }
        }
        Ok(())
    }
}

fn subject_name(s: &crate::file::Subject) -> SubjectName {
    let mut name = SubjectName {
        common_name: s.cn.clone(),
        ..SubjectName::default()
    };
    let push = |list: &mut Vec<String>, v: &str| {
        if !v.is_empty() {
            list.push(v.to_owned());
        }
    };
    for n in &s.names {
        push(&mut name.country, &n.c);
        push(&mut name.province, &n.st);
        push(&mut name.locality, &n.l);
        push(&mut name.organization, &n.o);
        push(&mut name.organizational_unit, &n.ou);
    }
    name
}

fn check_url(url: &str) -> Result<(), String> {
    if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("ldap://") {
        if url.bytes().all(|b| b.is_ascii_graphic()) {
            return Ok(());
        }
        return Err(format!(
            "{url:?}: a URL is ASCII without spaces (IA5String)"
        ));
    }
    Err(format!(
        "{url:?}: expected an http://, https:// or ldap:// URL"
    ))
}

/// The key algorithm a key spec makes.
pub fn spec_algorithm(spec: KeySpec) -> KeyAlgorithm {
    match spec {
        KeySpec::Rsa { bits } => KeyAlgorithm::Rsa { bits },
        KeySpec::EcdsaP256 => KeyAlgorithm::Ecdsa(Curve::P256),
        KeySpec::EcdsaP384 => KeyAlgorithm::Ecdsa(Curve::P384),
        KeySpec::EcdsaP521 => KeyAlgorithm::Ecdsa(Curve::P521),
        KeySpec::Ed25519 => KeyAlgorithm::Ed25519,
    }
}

/// Go's name of the signature algorithm a key signs with (docs/cfssl-compat.md §5.5).
pub fn signature_algorithm_name(key: KeyAlgorithm) -> &'static str {
    match key {
        KeyAlgorithm::Rsa { bits } if bits >= 4096 => "SHA512WithRSA",
        KeyAlgorithm::Rsa { bits } if bits >= 3072 => "SHA384WithRSA",
        KeyAlgorithm::Rsa { .. } => "SHA256WithRSA",
        KeyAlgorithm::Ecdsa(Curve::P256) => "ECDSAWithSHA256",
        KeyAlgorithm::Ecdsa(Curve::P384) => "ECDSAWithSHA384",
        KeyAlgorithm::Ecdsa(Curve::P521) => "ECDSAWithSHA512",
        KeyAlgorithm::Ed25519 => "Ed25519",
    }
}

fn is_weak_hash(oid: &const_oid::ObjectIdentifier) -> bool {
    use const_oid::db::rfc5912 as a;
    [
        a::SHA_1_WITH_RSA_ENCRYPTION,
        a::MD_5_WITH_RSA_ENCRYPTION,
        a::DSA_WITH_SHA_1,
        // ecdsa-with-SHA1 (RFC 5758 §3.2 lists the SHA-2 ones that replace it).
        const_oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.1"),
        // md2WithRSAEncryption, md4WithRSAEncryption.
        const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.2"),
        const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.3"),
    ]
    .contains(oid)
}

/// A readable name for a signature algorithm OID.
pub fn oid_name(oid: &const_oid::ObjectIdentifier) -> String {
    /// ecdsa-with-SHA1 (RFC 3279 §2.2.3), which const-oid's database lacks; a refusal of a
    /// SHA-1 signature should name it rather than print digits.
    const ECDSA_WITH_SHA1: const_oid::ObjectIdentifier =
        const_oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
    if *oid == ECDSA_WITH_SHA1 {
        return "ecdsa-with-SHA1".to_owned();
    }
    const_oid::db::DB
        .by_oid(oid)
        .map(str::to_owned)
        .unwrap_or_else(|| oid.to_string())
}

/// A PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
pub fn public_key_from_pem(bytes: &[u8]) -> Result<PublicKey, String> {
    let blocks = pem::parse_many(bytes).map_err(|e| format!("not PEM: {e}"))?;
    let [block] = blocks.as_slice() else {
        return Err("expected exactly one PEM block (PUBLIC KEY)".into());
    };
    if block.tag() != "PUBLIC KEY" {
        return Err(format!(
            "expected a PUBLIC KEY block, found {}",
            block.tag()
        ));
    }
    PublicKey::from_spki_der(block.contents()).map_err(|e| e.to_string())
}

/// PEM of a public key.
pub fn public_key_pem(key: &PublicKey) -> String {
    cfssl_csr::pkcs10::pem_encode("PUBLIC KEY", &key.to_spki_der())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_serials_are_positive_and_stable() {
        let a = derived_serial(&[1; 32]).unwrap();
        assert_eq!(a, derived_serial(&[1; 32]).unwrap());
        assert_ne!(a, derived_serial(&[2; 32]).unwrap());
        assert!(a.len() <= 20 && a[0] & 0x80 == 0);
    }

    #[test]
    fn the_stand_in_key_parses() {
        assert!(stand_in_key().is_ok());
    }
}
