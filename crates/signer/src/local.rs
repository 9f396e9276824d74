//! The local signer: a CA certificate, its key and a signing policy turn a CSR into a
//! certificate (cfssl's `signer/local`, docs/cfssl-compat.md §5.1–§5.2).
//!
//! Order of the pipeline, as cfssl: profile → CSR parse and proof of possession → template
//! from the CSR → CSR whitelist → CRL override → CA-request checks → `-hostname` override →
//! SUBJECT override → name whitelist → serial → fill from the profile → sign.
//!
//! Deliberate differences (docs/differences.md): unknown profile refused (#4); CSR KeyUsage,
//! ExtKeyUsage, BasicConstraints, SAN and NameConstraints never copied (#7); expired,
//! not-yet-valid, non-CA or no-keyCertSign issuers refused and the CA key checked against
//! the certificate before anything is issued (#8); validity clamped and never born expired
//! (#1, #2); keyEncipherment dropped for EC/Ed25519 keys (#3). And, so that nothing we issue
//! breaks RFC 5280 where cfssl's would: a CSR's dNSNames must be host names (cfssl-csr
//! `hosts`), `-crl` must be an ASCII absolute URI (cfssl-config `check_url`), and `cert
//! sign`/`crl sign` are dropped, with a warning, from a certificate that is not a CA
//! ([`Template::drop_ca_usages_for_non_ca`]).

use cfssl_config::{Config, SigningProfile};
use cfssl_csr::hosts::SubjectAltNames;
use cfssl_csr::pkcs10::ID_DELEGATION_USAGE;
use cfssl_csr::{ParsedCsr, SubjectName, VerifiedCsr};
use cfssl_keys::SigningKey;
use time::OffsetDateTime;

use crate::certificate::{ParsedCertificate, decimal};
use crate::extensions::{self as x, CertExtension, NEVER_COPIED};
use crate::name_constraints::IssuerConstraints;
use crate::subject_override::SubjectOverride;
use crate::template::{Issuer, Template, random_serial};
use crate::validity::{self, ValidityPolicy, rfc3339};
use crate::{Issued, SignError};

/// keyCertSign's bit in Go/`KeyUsageBits` numbering.
const KEY_CERT_SIGN_BIT: u16 = 1 << 5;

/// What `sign`/`gencert` ask the signer for (cfssl's `signer.SignRequest`, CLI subset).
#[derive(Clone, Debug, Default)]
pub struct SignRequest {
    /// The request to sign.
    pub csr: CsrInput,
    /// `-hostname`, split on commas; `None` keeps the CSR's SANs.
    pub hosts: Option<Vec<String>>,
    /// The SUBJECT file of `cfssl sign CSR SUBJECT`.
    pub subject: Option<SubjectOverride>,
    /// `-profile` ("" = default).
    pub profile: String,
    /// `-crl` (gencert): CRL distribution point override.
    pub crl_override: Option<String>,
    /// An upper bound on the certificate's life from `now` (Kubernetes
    /// `spec.expirationSeconds`); the profile's validity applies when it is shorter.
    pub max_lifetime: Option<time::Duration>,
    /// Usage names that replace the profile's `usages` for this request only (Kubernetes
    /// `spec.usages`, what the cluster approved). The loaded policy is left as it is: a
    /// caller changes what one certificate gets through its request, never by cloning
    /// and patching the configuration. The list is the requester's, so adjusting it to
    /// the key type is reported even when the profile's own usages are cfssl's built-in
    /// ones ([`cfssl_config::SigningProfile::has_builtin_usages`]).
    pub usages: Option<Vec<String>>,
}

/// Where the request to sign comes from.
#[derive(Clone, Debug)]
pub enum CsrInput {
    /// CSR text from outside (the first PEM block in it is used): parsed, and its
    /// signature verified, before anything else is read from it.
    Pem(Vec<u8>),
    /// A request already verified, such as the one `gencert` has just made.
    Verified(Box<VerifiedCsr>),
}

impl Default for CsrInput {
    fn default() -> Self {
        CsrInput::Pem(Vec::new())
    }
}

/// A CA that signs locally.
pub struct LocalSigner {
    ca: ParsedCertificate,
    key: Box<dyn SigningKey>,
    policy: Config,
    /// The certificates above `ca`, its issuer first (`-ca-chain`): their name constraints
    /// bind what `ca` may issue too (RFC 5280 §4.2.1.10 applies along the whole path).
    chain: Vec<ParsedCertificate>,
}

impl LocalSigner {
    /// Builds a signer. The key must be the CA certificate's; like cfssl, a mismatch is
    /// reported when signing ([`SignError::KeyMismatch`], 1000), found by verifying the new
    /// signature with the certificate's key. [`LocalSigner::check_key`] checks it up front.
    pub fn new(
        ca: ParsedCertificate,
        key: impl SigningKey + 'static,
        policy: Config,
    ) -> Result<Self, SignError> {
        Ok(Self::with_key(ca, Box::new(key), policy))
    }

    /// [`LocalSigner::new`] for a key already boxed: a key file's or a token's, chosen at run
    /// time.
    pub fn with_key(ca: ParsedCertificate, key: Box<dyn SigningKey>, policy: Config) -> Self {
        LocalSigner {
            ca,
            key,
            policy,
            chain: Vec::new(),
        }
    }

    /// Adds the certificates above the CA, its issuer first, up to the root or any point
    /// below it. Each must have issued the one before it (name and signature checked), so
    /// a chain file that does not belong to the CA is refused instead of checked against.
    pub fn with_chain(mut self, chain: Vec<ParsedCertificate>) -> Result<Self, SignError> {
        let mut child = &self.ca;
        for (i, cert) in chain.iter().enumerate() {
            if !child.is_issued_by(cert) {
                return Err(SignError::Input(format!(
                    "certificate {} of the CA chain did not issue {}: the chain must list the CA's \
                     issuer first, then each issuer's issuer",
                    i + 1,
                    if i == 0 {
                        "the CA certificate".to_string()
                    } else {
                        format!("certificate {i}")
                    }
                )));
            }
            child = cert;
        }
        self.chain = chain;
        Ok(self)
    }

    /// Checks now that the key is the CA certificate's. Costs deriving the public key (an EC
    /// scalar multiplication), which a single `sign` avoids; worth it before a batch.
    pub fn check_key(&self) -> Result<(), SignError> {
        if self.ca.public_key.matches(self.key.as_ref()) {
            Ok(())
        } else {
            Err(SignError::KeyMismatch)
        }
    }

    /// The CA certificate.
    pub fn ca(&self) -> &ParsedCertificate {
        &self.ca
    }

    /// The CA's key: for what else the CA signs with it (the API server's `crl`).
    pub fn key(&self) -> &dyn SigningKey {
        self.key.as_ref()
    }

    /// The policy.
    pub fn policy(&self) -> &Config {
        &self.policy
    }

    /// docs/differences.md #8: refuse to sign with an issuer nobody should trust.
    fn check_issuer(&self, now: OffsetDateTime) -> Result<(), SignError> {
        let ca = &self.ca;
        if now > ca.not_after {
            return Err(SignError::IssuerExpired(format!(
                "the CA certificate expired at {}; refusing to sign with it",
                rfc3339(ca.not_after)
            )));
        }
        if now < ca.not_before {
            return Err(SignError::IssuerExpired(format!(
                "the CA certificate is not valid before {}; refusing to sign with it",
                rfc3339(ca.not_before)
            )));
        }
        if !ca.is_ca() {
            return Err(SignError::IssuerNotCa(
                "the -ca certificate is not a CA (no basicConstraints cA:TRUE); refusing to sign with it".into(),
            ));
        }
        if let Some(ku) = ca.key_usage
            && ku & KEY_CERT_SIGN_BIT == 0
        {
            return Err(SignError::IssuerNotCa(
                "the -ca certificate's key usage lacks keyCertSign; refusing to sign with it"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Signs a CSR under the named profile at time `now`.
    pub fn sign(&self, request: &SignRequest, now: OffsetDateTime) -> Result<Issued, SignError> {
        let profile = self.policy.profile(&request.profile)?;
        if profile.remote.is_some() {
            return Err(SignError::RemoteUnsupported);
        }
        self.check_issuer(now)?;
        let parsed;
        let csr = match &request.csr {
            CsrInput::Pem(pem) => {
                parsed = VerifiedCsr::from_pem(pem)?;
                &parsed
            }
            CsrInput::Verified(csr) => csr,
        };
        let mut template = template_from_csr(csr, profile);
        let mut warnings = Vec::new();

        if let Some(url) = &request.crl_override {
            // Like the profile's crl_url (cfssl-config checks those when loading).
            cfssl_config::check_url(url).map_err(|reason| {
                SignError::Input(format!("-crl {url:?} is not a usable URI: {reason}"))
            })?;
            template.crl_url = Some(url.clone());
        }

        // §5.1 step 6: a CSR asking for a CA certificate.
        let csr_wants_ca = matches!(csr.basic_constraints, Some((true, _)));
        if csr_wants_ca && template.is_ca {
            if !profile.ca_constraint.is_ca {
                return Err(SignError::PolicyViolation(
                    "local signer policy disallows issuing CA certificate".into(),
                ));
            }
            let (issuer_max, issuer_zero) = self.ca.max_path_len();
            if issuer_max > 0 && template.max_path_len >= issuer_max {
                return Err(SignError::PolicyViolation(
                    "local signer certificate disallows CA MaxPathLen extending".into(),
                ));
            }
            if issuer_max == 0 && issuer_zero {
                return Err(SignError::PolicyViolation(
                    "local signer certificate disallows issuing CA certificate".into(),
                ));
            }
        }

        if let Some(hosts) = &request.hosts {
            let classified = SubjectAltNames::classify(hosts)?;
            warnings.extend(classified.warnings);
            template.sans = classified.sans;
        }
        if let Some(subject) = &request.subject {
            template.subject = subject.populate(&template.subject);
        }
        check_name_whitelist(profile, &template)?;
        if profile.client_provides_serial_numbers {
            return Err(SignError::MissingSerial);
        }
        template.serial = random_serial()?;

        fill_from_profile(
            &mut template,
            profile,
            &request.profile,
            request.usages.as_deref(),
            &self.policy,
            &mut warnings,
        )?;
        // The CSR's own SANs (no -hostname) have not been looked at yet; CA certificates
        // kept only their IP addresses.
        template.sans.check_dns_names()?;
        // RFC 5280 §4.2.1.10: names outside the constraints of the issuer, or of any
        // certificate above it (leaf or CA alike); a subordinate CA's own constraints may
        // not ask for more than any of them gives.
        let mut constrained = false;
        for cert in std::iter::once(&self.ca).chain(&self.chain) {
            let Some(value) = &cert.name_constraints else {
                continue;
            };
            let constraints = IssuerConstraints::from_der(value)?;
            constraints.check(&template.sans, &template.subject)?;
            if let Some(asked) = &template.name_constraints {
                constraints.check_subordinate(asked)?;
            }
            constrained |= !constraints.is_empty();
        }
        if constrained && template.is_ca && template.name_constraints.is_none() {
            warnings.push(
                "issuing a CA certificate without name_constraints under a name-constrained CA: \
                 verifiers still apply the issuer's constraints, but the new CA's certificate \
                 does not state them"
                    .into(),
            );
        }
        if profile.ca_constraint.is_ca && !csr_wants_ca {
            let (issuer_max, issuer_zero) = self.ca.max_path_len();
            if issuer_max == 0 && issuer_zero {
                warnings.push(
                    "issuing a CA certificate under a CA with pathlen 0: validators will reject certificates it signs".into(),
                );
            }
        }
        let validity = validity::compute(
            &validity_policy(profile, &self.policy, true),
            now,
            Some(&validity::IssuerValidity {
                not_before: self.ca.not_before,
                not_after: self.ca.not_after,
            }),
        )?;
        warnings.extend(validity.warnings);
        template.not_before = validity.not_before;
        template.not_after = validity.not_after;
        if let Some(life) = request.max_lifetime
            && let Some(cap) = now.checked_add(life)
        {
            let cap = validity::whole_seconds(cap.to_offset(time::UtcOffset::UTC));
            if cap < template.not_after {
                // RFC 5280 §4.1.2.5: a certificate that has ended by the signing time is
                // refused, not issued.
                if cap <= now {
                    return Err(SignError::InvalidValidity(format!(
                        "the requested lifetime ({}) would make the certificate already expired",
                        cfssl_config::GoDuration::from(life)
                    )));
                }
                if cap <= template.not_before {
                    return Err(SignError::InvalidValidity(
                        "the requested lifetime ends before the certificate would begin".into(),
                    ));
                }
                template.not_after = cap;
            }
        }

        let issuer = Issuer {
            subject_der: self.ca.subject_der.clone(),
            subject_key_id: self.ca.subject_key_id.clone(),
            key: self.key.as_ref(),
            public_key: &self.ca.public_key,
        };
        lint_before_signing(&template, &issuer, profile)?;
        template.issue(&issuer, warnings)
    }
}

/// cfssl's pre-issuance linting (docs/cfssl-compat.md §5.17): with a profile
/// `lint_error_level` above 0, the exact TBSCertificate the CA key is about to sign is linted
/// and refused when a finding is above the level and not ignored. cfssl signs a throw-away
/// copy with a throw-away key to lint it; cfssl-rs lints the TBS bytes themselves. Findings at
/// or below the level are not reported, as cfssl logs nothing for them. `selfsign` with a
/// profile lints the same way (cfssl's selfsign ignores the setting; cfssl-rs does not leave
/// a setting the user wrote without effect).
pub(crate) fn lint_before_signing(
    template: &Template,
    issuer: &Issuer<'_>,
    profile: &SigningProfile,
) -> Result<(), SignError> {
    let policy = profile.lint_policy();
    if policy.error_level == 0 {
        return Ok(());
    }
    let tbs = template.to_be_signed(&issuer.name())?.to_der()?;
    let findings = cfssl_lint::lint_tbs_certificate(&tbs)
        .map_err(|e| SignError::Internal(format!("linting the certificate to sign: {e}")))?;
    let blocking: Vec<cfssl_lint::Finding> =
        policy.blocking(&findings).into_iter().cloned().collect();
    if blocking.is_empty() {
        Ok(())
    } else {
        Err(SignError::Lint(blocking))
    }
}

/// cfssl's `ParseCertificateRequest`: the template a CSR gives before policy applies.
pub(crate) fn template_from_csr(csr: &ParsedCsr, profile: &SigningProfile) -> Template {
    let (is_ca, max_path_len) = csr.basic_constraints.unwrap_or((false, -1));
    let mut extra = Vec::new();
    for e in &csr.extensions {
        // DelegationUsage always travels (docs/cfssl-compat.md §5.1); others only with copy_extensions,
        // and never the ones that grant powers (differences row 7).
        let copied = profile.copy_extensions && !NEVER_COPIED.contains(&e.extn_id);
        if e.extn_id == ID_DELEGATION_USAGE || copied {
            extra.push(x::ext(
                e.extn_id,
                e.critical,
                e.extn_value.as_bytes().to_vec(),
            ));
        }
    }
    let mut template = Template {
        serial: Vec::new(),
        subject: csr.subject.clone(),
        public_key: csr.public_key.clone(),
        sans: csr.sans.clone(),
        not_before: OffsetDateTime::UNIX_EPOCH,
        not_after: OffsetDateTime::UNIX_EPOCH,
        key_usage: Default::default(),
        ext_key_usages: Vec::new(),
        is_ca,
        max_path_len,
        max_path_len_zero: max_path_len == 0,
        ocsp_urls: Vec::new(),
        issuer_urls: Vec::new(),
        crl_url: None,
        extra,
        subject_key_id: true,
        name_constraints: None,
    };
    template.subject.names.clear();
    if let Some(wl) = &profile.csr_whitelist {
        // Only whitelisted CSR fields survive; CA bits and copied extensions are dropped.
        let mut kept = Template {
            subject: SubjectName::default(),
            sans: SubjectAltNames::default(),
            is_ca: false,
            max_path_len: -1,
            max_path_len_zero: false,
            extra: Vec::new(),
            ..template.clone()
        };
        if wl.subject {
            kept.subject = template.subject.clone();
        }
        if wl.dns_names {
            kept.sans.dns_names = template.sans.dns_names.clone();
        }
        if wl.ip_addresses {
            kept.sans.ip_addresses = template.sans.ip_addresses.clone();
        }
        if wl.email_addresses {
            kept.sans.email_addresses = template.sans.email_addresses.clone();
        }
        if wl.uris {
            kept.sans.uris = template.sans.uris.clone();
        }
        template = kept;
    }
    template
}

/// §5.1 step 9: CN, DNS names, e-mails and URIs must each contain a match.
fn check_name_whitelist(profile: &SigningProfile, t: &Template) -> Result<(), SignError> {
    let Some(re) = &profile.name_whitelist else {
        return Ok(());
    };
    let cn_ok = t.subject.common_name.is_empty() || re.is_match(&t.subject.common_name);
    let all = t
        .sans
        .dns_names
        .iter()
        .chain(&t.sans.email_addresses)
        .chain(&t.sans.uris)
        .all(|n| re.is_match(n));
    if cn_ok && all {
        Ok(())
    } else {
        Err(SignError::Whitelist)
    }
}

/// The validity policy of a profile, with cfssl's fallback of `expiry` to the default.
pub(crate) fn validity_policy(
    profile: &SigningProfile,
    policy: &Config,
    round: bool,
) -> ValidityPolicy {
    let expiry = if profile.expiry.0 == 0 {
        policy.signing.default.expiry
    } else {
        profile.expiry
    };
    ValidityPolicy {
        not_before: profile.not_before,
        not_after: profile.not_after,
        backdate: profile.backdate,
        expiry,
        round_to_minute: round,
    }
}

/// cfssl's `FillTemplate` (docs/cfssl-compat.md §5.2) minus validity, which the caller computes.
/// `usages_override` replaces the profile's usages ([`SignRequest::usages`]).
pub(crate) fn fill_from_profile(
    t: &mut Template,
    profile: &SigningProfile,
    profile_name: &str,
    usages_override: Option<&[String]>,
    policy: &Config,
    warnings: &mut Vec<String>,
) -> Result<(), SignError> {
    let (usages, builtin_usages) = match usages_override {
        Some(names) => (cfssl_config::Usages::from_names(names), false),
        None => (profile.usages(), profile.has_builtin_usages()),
    };
    // cfssl drops usage strings it does not know without a word; a typo then silently
    // narrows the certificate. Same result, but said.
    for unknown in &usages.unknown {
        warnings.push(format!(
            "ignoring unknown usage {unknown:?} in the signing profile (cfssl ignores it too)"
        ));
    }
    if usages.key_usage.is_empty() && usages.ext_key_usages.is_empty() {
        return Err(SignError::NoKeyUsage);
    }
    t.key_usage = usages.key_usage;
    t.ext_key_usages = usages.ext_key_usages;
    // Routine for cfssl's built-in usages, worth a warning for anyone else's
    // ([`Template::adjust_key_usage_to_key`]).
    if let Some(note) = t.drop_key_encipherment_for_non_rsa()
        && !builtin_usages
    {
        warnings.push(note);
    }
    let default = &policy.signing.default;
    let crl = if profile.crl_url.is_empty() {
        &default.crl_url
    } else {
        &profile.crl_url
    };
    if t.crl_url.is_none() && !crl.is_empty() {
        t.crl_url = Some(crl.clone());
    }
    let ocsp = if profile.ocsp_url.is_empty() {
        &default.ocsp_url
    } else {
        &profile.ocsp_url
    };
    if !ocsp.is_empty() {
        t.ocsp_urls = vec![ocsp.clone()];
    }
    t.issuer_urls = profile
        .issuer_urls
        .clone()
        .or_else(|| default.issuer_urls.clone())
        .unwrap_or_default();
    t.is_ca = profile.ca_constraint.is_ca;
    if t.is_ca {
        t.max_path_len = profile.ca_constraint.max_path_len;
        if t.max_path_len == 0 {
            t.max_path_len_zero = profile.ca_constraint.max_path_len_zero;
        }
        // CA certificates keep only IP SANs (docs/cfssl-compat.md §11 item 10).
        t.sans.dns_names.clear();
        t.sans.email_addresses.clear();
        t.sans.uris.clear();
        t.name_constraints = profile.name_constraints.clone();
    }
    if let Some(note) = t.drop_ca_usages_for_non_ca(profile_name)? {
        warnings.push(note);
    }
    let mut tail: Vec<CertExtension> = Vec::new();
    if !profile.policies.is_empty() {
        tail.push(x::ext(
            const_oid::db::rfc5280::ID_CE_CERTIFICATE_POLICIES,
            false,
            x::certificate_policies(&profile.policies),
        ));
    }
    if profile.ocsp_no_check {
        tail.push(x::ext(x::ID_PKIX_OCSP_NOCHECK, false, x::null()));
    }
    t.extra.extend(tail);
    Ok(())
}

/// Makes the `Issued` record.
impl Issued {
    pub(crate) fn new(der: Vec<u8>, serial: &[u8], warnings: Vec<String>) -> Issued {
        Issued {
            pem: cfssl_csr::pkcs10::pem_encode("CERTIFICATE", &der),
            serial_decimal: decimal(serial),
            der,
            warnings,
        }
    }
}
