//! Path building: Go's `x509.Certificate.Verify` as cfssl's bundler calls it
//! (docs/cfssl-lifecycle.md §11), over certificates held in one arena.
//!
//! Why our own path builder rather than rustls-webpki: cfssl's answers depend on Go's
//! exact search — which candidate issuers are tried and in what order (roots before
//! intermediates, key-identifier matches first), every chain found (not the first one:
//! the bundler then ranks them by flavor), an intermediate of the root pool acting as a
//! trust anchor, the extended key usage check switched off (`ExtKeyUsageAny`), the
//! `parent certificate cannot sign` rule, and Go's error texts and codes (1211 expired,
//! 1220 unknown authority with its "possibly because of" hint). webpki stops at the first
//! valid path, requires an EKU and reports its own errors, so it could neither rank chains
//! nor answer like cfssl. The cryptography is not ours: signatures are checked by
//! [`cfssl_keys::PublicKey::verify`] (RustCrypto's RSA, ECDSA and Ed25519), as everywhere
//! else in cfssl-rs.
//!
//! Name constraints of intermediates and roots are checked against the leaf's SANs with the
//! signer's rules (`cfssl_signer::name_constraints`); the wording after Go's prefix is ours.

use cfssl_json::go_quote;
use cfssl_signer::certificate::decimal;
use cfssl_signer::name_constraints::IssuerConstraints;
use const_oid::ObjectIdentifier;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cert::BundleCertificate;

/// Go's `maxChainSignatureChecks`.
const MAX_SIGNATURE_CHECKS: usize = 100;

/// Go's `x509.InvalidReason` values cfssl adds to 1210.
pub(crate) mod reason {
    pub const NOT_AUTHORIZED_TO_SIGN: u32 = 0;
    pub const EXPIRED: u32 = 1;
    pub const CA_NOT_AUTHORIZED_FOR_THIS_NAME: u32 = 2;
    pub const TOO_MANY_INTERMEDIATES: u32 = 3;
    pub const NAME_MISMATCH: u32 = 5;
}

/// Why a certificate did not verify, in Go's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum VerifyFailure {
    /// `x509.CertificateInvalidError` (cfssl code 1210 + reason).
    Invalid { reason: u32, message: String },
    /// `x509.UnknownAuthorityError` (1220), with Go's hint when a candidate issuer was
    /// found by name but refused.
    UnknownAuthority { message: String },
    /// Anything else (1200).
    Other(String),
}

impl VerifyFailure {
    pub(crate) fn code(&self) -> u32 {
        match self {
            VerifyFailure::Invalid { reason, .. } => 1210 + reason,
            VerifyFailure::UnknownAuthority { .. } => 1220,
            VerifyFailure::Other(_) => 1200,
        }
    }

    pub(crate) fn message(&self) -> &str {
        match self {
            VerifyFailure::Invalid { message, .. }
            | VerifyFailure::UnknownAuthority { message }
            | VerifyFailure::Other(message) => message,
        }
    }
}

/// What a candidate is to the chain being built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Leaf,
    Intermediate,
    Root,
}

/// The certificates and the two pools of one verification: indices into `certs`.
pub(crate) struct Verifier<'a> {
    pub certs: &'a [BundleCertificate],
    pub roots: &'a [usize],
    pub intermediates: &'a [usize],
    pub now: OffsetDateTime,
}

impl Verifier<'_> {
    /// Go's `Verify` with `KeyUsages: [ExtKeyUsageAny]`: every chain from `leaf` to a
    /// certificate of the root pool, leaf first.
    pub(crate) fn verify(&self, leaf: usize) -> Result<Vec<Vec<usize>>, VerifyFailure> {
        self.is_valid(leaf, Role::Leaf, &[])?;
        if self.roots.iter().any(|&r| self.same(r, leaf)) {
            return Ok(vec![vec![leaf]]);
        }
        let mut signature_checks = 0;
        self.build_chains(vec![leaf], &mut signature_checks)
    }

    fn same(&self, a: usize, b: usize) -> bool {
        self.certs[a].der() == self.certs[b].der()
    }

    fn build_chains(
        &self,
        current: Vec<usize>,
        signature_checks: &mut usize,
    ) -> Result<Vec<Vec<usize>>, VerifyFailure> {
        let Some(&child) = current.last() else {
            return Ok(Vec::new());
        };
        let mut chains: Vec<Vec<usize>> = Vec::new();
        let mut failure: Option<VerifyFailure> = None;
        let mut hint: Option<(String, usize)> = None;
        let candidates = self
            .potential_parents(self.roots, child)
            .into_iter()
            .map(|c| (Role::Root, c))
            .chain(
                self.potential_parents(self.intermediates, child)
                    .into_iter()
                    .map(|c| (Role::Intermediate, c)),
            );
        for (role, candidate) in candidates {
            if self.already_in_chain(candidate, &current) {
                continue;
            }
            *signature_checks += 1;
            if *signature_checks > MAX_SIGNATURE_CHECKS {
                failure = Some(VerifyFailure::Other(
                    "x509: signature check attempts limit reached while verifying certificate chain"
                        .to_owned(),
                ));
                continue;
            }
            if let Err(e) = check_signature_from(&self.certs[child], &self.certs[candidate]) {
                hint.get_or_insert((e, candidate));
                continue;
            }
            // Go assigns the candidate's validity to the search's error (not only to the
            // hint), so an expired or unfit issuer is reported as itself (1211, 1213, …)
            // unless a later candidate clears it.
            match self.is_valid(candidate, role, &current) {
                Err(e) => {
                    hint.get_or_insert((e.message().to_owned(), candidate));
                    failure = Some(e);
                    continue;
                }
                Ok(()) => failure = None,
            }
            let mut longer = current.clone();
            longer.push(candidate);
            match role {
                Role::Root => chains.push(longer),
                Role::Intermediate | Role::Leaf => {
                    match self.build_chains(longer, signature_checks) {
                        Ok(found) => {
                            chains.extend(found);
                            failure = None;
                        }
                        Err(e) => failure = Some(e),
                    }
                }
            }
        }
        if !chains.is_empty() {
            return Ok(chains);
        }
        Err(failure.unwrap_or_else(|| unknown_authority(hint.map(|(e, c)| (e, &self.certs[c])))))
    }

    /// Go's `CertPool.findPotentialParents`: the pool's certificates whose subject is the
    /// child's issuer, those whose SKI matches the child's AKI first, then those where only
    /// one of the two is present, then mismatches; pool order within each group.
    fn potential_parents(&self, pool: &[usize], child: usize) -> Vec<usize> {
        let child = &self.certs[child].parsed;
        let (mut matching, mut one, mut mismatch) = (Vec::new(), Vec::new(), Vec::new());
        for &index in pool {
            let candidate = &self.certs[index].parsed;
            if candidate.subject_der != child.issuer_der {
                continue;
            }
            let ski = candidate.subject_key_id.as_deref().unwrap_or_default();
            let aki = child.authority_key_id.as_deref().unwrap_or_default();
            if ski == aki {
                matching.push(index);
            } else if ski.is_empty() != aki.is_empty() {
                one.push(index);
            } else {
                mismatch.push(index);
            }
        }
        matching.extend(one);
        matching.extend(mismatch);
        matching
    }

    /// Go's `alreadyInChain`: the same subject, key and SANs are never used twice.
    fn already_in_chain(&self, candidate: usize, chain: &[usize]) -> bool {
        let c = &self.certs[candidate].parsed;
        chain.iter().any(|&i| {
            let other = &self.certs[i].parsed;
            other.subject_der == c.subject_der
                && other.public_key == c.public_key
                && other.sans == c.sans
        })
    }

    /// Go's `isValid` for a certificate in `role` below which `chain` has been built.
    fn is_valid(&self, index: usize, role: Role, chain: &[usize]) -> Result<(), VerifyFailure> {
        let cert = &self.certs[index];
        if cert.unhandled_critical_extension {
            return Err(VerifyFailure::Other(
                "x509: unhandled critical extension".to_owned(),
            ));
        }
        if let Some(&child) = chain.last()
            && self.certs[child].parsed.issuer_der != cert.parsed.subject_der
        {
            return Err(VerifyFailure::Invalid {
                reason: reason::NAME_MISMATCH,
                message: "x509: issuer name does not match subject from issuing certificate"
                    .to_owned(),
            });
        }
        let parsed = &cert.parsed;
        let expired = |relation: &str, limit: OffsetDateTime| VerifyFailure::Invalid {
            reason: reason::EXPIRED,
            message: format!(
                "x509: certificate has expired or is not yet valid: current time {} is {relation} {}",
                rfc3339(self.now),
                rfc3339(limit)
            ),
        };
        if self.now < parsed.not_before {
            return Err(expired("before", parsed.not_before));
        }
        if self.now > parsed.not_after {
            return Err(expired("after", parsed.not_after));
        }
        if role != Role::Leaf
            && let Some(value) = &parsed.name_constraints
            && let Some(&leaf) = chain.first()
        {
            self.check_name_constraints(value, leaf)?;
        }
        if role == Role::Intermediate && !parsed.is_ca() {
            return Err(VerifyFailure::Invalid {
                reason: reason::NOT_AUTHORIZED_TO_SIGN,
                message: "x509: certificate is not authorized to sign other certificates"
                    .to_owned(),
            });
        }
        if let Some((_, max_path_len)) = parsed.basic_constraints {
            let intermediates_below = i64::try_from(chain.len()).unwrap_or(i64::MAX) - 1;
            if max_path_len >= 0 && intermediates_below > max_path_len {
                return Err(VerifyFailure::Invalid {
                    reason: reason::TOO_MANY_INTERMEDIATES,
                    message: "x509: too many intermediates for path length constraint".to_owned(),
                });
            }
        }
        Ok(())
    }
}

impl Verifier<'_> {
    /// Go's name-constraint check of a CA candidate: the leaf's SAN names (not its CN, as
    /// Go ≥ 1.15) against the candidate's NameConstraints, with the signer's matching rules
    /// (`cfssl_signer::name_constraints`). The detail after Go's prefix is ours; constraints
    /// of a type we cannot evaluate (directoryName, otherName) refuse the candidate rather
    /// than pass unchecked.
    fn check_name_constraints(&self, value: &[u8], leaf: usize) -> Result<(), VerifyFailure> {
        let not_authorized = |detail: String| VerifyFailure::Invalid {
            reason: reason::CA_NOT_AUTHORIZED_FOR_THIS_NAME,
            message: format!(
                "x509: a root or intermediate certificate is not authorized to sign for this name: {detail}"
            ),
        };
        let constraints =
            IssuerConstraints::from_der(value).map_err(|e| not_authorized(e.to_string()))?;
        let sans = &self.certs[leaf].parsed.sans;
        constraints
            .check(sans, &cfssl_csr::SubjectName::default())
            .map_err(|e| not_authorized(e.to_string()))
    }
}

/// Go's `UnknownAuthorityError` text, with its hint about the refused candidate.
fn unknown_authority(hint: Option<(String, &BundleCertificate)>) -> VerifyFailure {
    let mut message = "x509: certificate signed by unknown authority".to_owned();
    if let Some((error, cert)) = hint {
        let subject = &cert.parsed.subject;
        let name = if !subject.common_name.is_empty() {
            subject.common_name.clone()
        } else if let Some(o) = subject.organization.first() {
            o.clone()
        } else {
            format!("serial:{}", decimal(&cert.parsed.serial))
        };
        message.push_str(&format!(
            " (possibly because of {} while trying to verify candidate authority certificate {})",
            go_quote(&error),
            go_quote(&name)
        ));
    }
    VerifyFailure::UnknownAuthority { message }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Signature algorithms Go refuses in certificates (`InsecureAlgorithmError`), with Go's
/// names for them.
const INSECURE_ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.5", "SHA1-RSA"),
    ("1.2.840.10045.4.1", "ECDSA-SHA1"),
    ("1.2.840.10040.4.3", "DSA-SHA1"),
    ("1.2.840.113549.1.1.4", "MD5-RSA"),
];

/// Go's `Certificate.CheckSignatureFrom`: the parent must be allowed to sign certificates
/// (a v3 parent needs basicConstraints cA TRUE; a keyUsage without keyCertSign refuses),
/// SHA-1 and MD5 are refused, then the signature is checked over the raw to-be-signed
/// bytes. The error is Go's text.
pub(crate) fn check_signature_from(
    child: &BundleCertificate,
    parent: &BundleCertificate,
) -> Result<(), String> {
    let p = &parent.parsed;
    let v3_without_constraints = p.version == 2 && p.basic_constraints.is_none();
    let not_ca = matches!(p.basic_constraints, Some((false, _)));
    let no_cert_sign = p.key_usage.is_some_and(|ku| ku != 0 && ku & (1 << 5) == 0);
    if v3_without_constraints || not_ca || no_cert_sign {
        return Err(
            "x509: invalid signature: parent certificate cannot sign this kind of certificate"
                .to_owned(),
        );
    }
    let algorithm: &ObjectIdentifier = &child.parsed.signature_algorithm.oid;
    let dotted = algorithm.to_string();
    if let Some((_, name)) = INSECURE_ALGORITHMS.iter().find(|(oid, _)| *oid == dotted) {
        return Err(format!(
            "x509: cannot verify signature: insecure algorithm {name}"
        ));
    }
    p.public_key
        .verify(
            &der::referenced::OwnedToRef::owned_to_ref(&child.parsed.signature_algorithm),
            &child.tbs,
            &child.signature,
        )
        .map_err(|e| e.to_string())
}

/// cfssl's `partialVerify`: every certificate is signed by the next one.
pub(crate) fn partial_verify(certs: &[&BundleCertificate]) -> bool {
    !certs.is_empty()
        && certs
            .windows(2)
            .all(|pair| check_signature_from(pair[0], pair[1]).is_ok())
}

/// cfssl's `isSelfSigned`: the certificate verifies its own signature (under Go's parent
/// rules, so a v3 certificate without cA TRUE is not "self-signed").
pub(crate) fn is_self_signed(cert: &BundleCertificate) -> bool {
    check_signature_from(cert, cert).is_ok()
}
