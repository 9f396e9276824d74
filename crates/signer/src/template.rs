//! The certificate template shared by every issuing path (`sign`, `gencert`, initca,
//! selfsign), and its turning into extensions in Go's order (docs/cfssl-compat.md §5.3):
//!
//! 1. keyUsage (critical) 2. extKeyUsage 3. basicConstraints (critical, always)
//! 4. subjectKeyIdentifier 5. authorityKeyIdentifier (issuer has an SKI and the issuer DN
//!    differs from the subject DN) 6. authorityInfoAccess 7. subjectAltName (critical iff
//!    the subject is empty) 8. nameConstraints (critical; cfssl-rs extension)
//! 9. cRLDistributionPoints 10. the extra extensions, in order.
//!
//! Go skips a generated extension when an extra extension has the same OID.

use cfssl_config::{KeyUsageBits, SigningProfile};
use cfssl_csr::SubjectName;
use cfssl_csr::hosts::SubjectAltNames;
use cfssl_keys::{KeyAlgorithm, PublicKey, SigningKey};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oids;
use der::Decode;
use time::OffsetDateTime;
use x509_cert::ext::pkix::{BasicConstraints, SubjectKeyIdentifier};

use crate::certificate::TbsCertificate;
use crate::extensions::{self as x, CertExtension};
use crate::{Issued, SignError};

/// Everything that decides the content of a certificate.
#[derive(Clone, Debug)]
pub struct Template {
    /// Serial magnitude.
    pub serial: Vec<u8>,
    /// Subject.
    pub subject: SubjectName,
    /// Certified key.
    pub public_key: PublicKey,
    /// SANs.
    pub sans: SubjectAltNames,
    /// notBefore.
    pub not_before: OffsetDateTime,
    /// notAfter.
    pub not_after: OffsetDateTime,
    /// keyUsage bits (0 = no extension).
    pub key_usage: KeyUsageBits,
    /// extKeyUsage purposes (empty = no extension).
    pub ext_key_usages: Vec<ObjectIdentifier>,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// Go's MaxPathLen (-1 = none).
    pub max_path_len: i64,
    /// Go's MaxPathLenZero.
    pub max_path_len_zero: bool,
    /// AIA OCSP URLs.
    pub ocsp_urls: Vec<String>,
    /// AIA caIssuers URLs.
    pub issuer_urls: Vec<String>,
    /// CRL distribution point URL.
    pub crl_url: Option<String>,
    /// Extensions appended after the generated ones.
    pub extra: Vec<CertExtension>,
    /// Include a subjectKeyIdentifier (cfssl always does).
    pub subject_key_id: bool,
    /// nameConstraints for a CA certificate (cfssl-rs extension, README "Name constraints
    /// (extension)").
    pub name_constraints: Option<cfssl_config::NameConstraints>,
}

/// The issuer as the to-be-signed certificate names it: its subject, its key identifier and
/// the signature algorithm its key will use. No key is needed, so a ceremony's `plan` can
/// show the exact bytes that `run` will sign before any key is touched.
#[derive(Clone, Debug)]
pub struct IssuerName {
    /// The issuer's subject DER (verbatim from its certificate); empty for a self-signed
    /// certificate, whose issuer is its own subject.
    pub subject_der: Vec<u8>,
    /// The issuer's subjectKeyIdentifier, if it has one (becomes the authorityKeyIdentifier).
    pub subject_key_id: Option<Vec<u8>>,
    /// The signature algorithm of the issuer's key (`KeyAlgorithm::signature_algorithm`).
    pub signature: spki::AlgorithmIdentifierOwned,
}

/// Who signs: a CA certificate and its key, or the subject's own key (self-signed).
pub struct Issuer<'a> {
    /// The issuer's subject DER (verbatim from its certificate, or the new subject).
    pub subject_der: Vec<u8>,
    /// The issuer's subjectKeyIdentifier, if it has one.
    pub subject_key_id: Option<Vec<u8>>,
    /// The signing key.
    pub key: &'a dyn SigningKey,
    /// The issuer's public key (its certificate's, or the new root's own): every signature is
    /// verified with it before it is returned, which also proves that `key` belongs to it.
    pub public_key: &'a PublicKey,
}

impl Issuer<'_> {
    /// The issuer as the to-be-signed certificate names it.
    pub fn name(&self) -> IssuerName {
        IssuerName {
            subject_der: self.subject_der.clone(),
            subject_key_id: self.subject_key_id.clone(),
            signature: self.key.signature_algorithm(),
        }
    }
}

impl Template {
    /// [`Template::drop_key_encipherment_for_non_rsa`], with the note only when the
    /// profile's usages were written by the user. cfssl's built-in default profile (no
    /// `-config`) lists `key encipherment` for every key type, so with it the adjustment
    /// is routine: the README's first example (an ECDSA leaf from `gencert` without
    /// `-config`) must not warn about a usage nobody asked for. A user's profile that lists
    /// `key encipherment` still gets the warning: their certificate differs from what they
    /// wrote.
    pub fn adjust_key_usage_to_key(&mut self, profile: &SigningProfile) -> Option<String> {
        let note = self.drop_key_encipherment_for_non_rsa()?;
        (!profile.has_builtin_usages()).then_some(note)
    }

    /// docs/differences.md #3: keyEncipherment means RSA key transport; it is meaningless for EC
    /// and Ed25519 subject keys (RFC 5480 §3, RFC 8410 §5). Drop it and, if nothing is left,
    /// use digitalSignature, which is what such a key does in TLS.
    pub fn drop_key_encipherment_for_non_rsa(&mut self) -> Option<String> {
        let is_rsa = matches!(self.public_key.algorithm(), KeyAlgorithm::Rsa { .. });
        if is_rsa || !self.key_usage.contains(KeyUsageBits::KEY_ENCIPHERMENT) {
            return None;
        }
        self.key_usage.remove(KeyUsageBits::KEY_ENCIPHERMENT);
        let mut note = String::from(
            "dropped keyEncipherment from the key usage: the subject key is not RSA (RFC 5480 §3, RFC 8410)",
        );
        if self.key_usage.is_empty() {
            self.key_usage.insert(KeyUsageBits::DIGITAL_SIGNATURE);
            note.push_str("; digitalSignature used instead");
        }
        Some(note)
    }

    /// keyCertSign and cRLSign are CA powers: RFC 5280 §4.2.1.9 allows keyCertSign only
    /// with basicConstraints cA TRUE, and §4.2.1.3 ties both to CA keys. cfssl puts them in
    /// a leaf when its profile lists `cert sign`/`crl sign` without `ca_constraint.is_ca`
    /// (docs/differences.md #18).
    /// We drop them (the rest of the certificate is what cfssl issues) and say so, naming
    /// the profile; refusing would break configurations that work with cfssl for the sake
    /// of two bits no verifier honours in a leaf. If nothing is left at all the profile
    /// grants no usage for a non-CA certificate, which is [`SignError::NoKeyUsage`].
    pub fn drop_ca_usages_for_non_ca(
        &mut self,
        profile: &str,
    ) -> Result<Option<String>, SignError> {
        let powers = KeyUsageBits(KeyUsageBits::KEY_CERT_SIGN.0 | KeyUsageBits::CRL_SIGN.0);
        if self.is_ca_certificate() || self.key_usage.0 & powers.0 == 0 {
            return Ok(None);
        }
        let dropped: Vec<&str> = [
            (KeyUsageBits::KEY_CERT_SIGN, "cert sign"),
            (KeyUsageBits::CRL_SIGN, "crl sign"),
        ]
        .into_iter()
        .filter(|(bit, _)| self.key_usage.contains(*bit))
        .map(|(_, name)| name)
        .collect();
        self.key_usage.remove(powers);
        if self.key_usage.is_empty() && self.ext_key_usages.is_empty() {
            return Err(SignError::NoKeyUsage);
        }
        let profile = if profile.is_empty() {
            "the default signing profile".to_owned()
        } else {
            format!("signing profile {profile:?}")
        };
        Ok(Some(format!(
            "dropped usage {} of {profile} from the key usage: the certificate is not a CA \
             (no ca_constraint.is_ca), and RFC 5280 §4.2.1.9 allows keyCertSign only in CA certificates",
            dropped
                .iter()
                .map(|u| format!("{u:?}"))
                .collect::<Vec<_>>()
                .join(" and ")
        )))
    }

    /// Whether the certificate will say cA TRUE: an extra (copied) basicConstraints
    /// replaces the generated one.
    fn is_ca_certificate(&self) -> bool {
        match self
            .extra
            .iter()
            .find(|e| e.oid == oids::ID_CE_BASIC_CONSTRAINTS)
        {
            Some(e) => BasicConstraints::from_der(&e.value).is_ok_and(|bc| bc.ca),
            None => self.is_ca,
        }
    }

    /// The subjectKeyIdentifier the certificate will carry: a copied extension's, else the
    /// one we generate (RFC 5280 §4.2.1.2 method 1, as Go).
    pub fn subject_key_id(&self) -> Vec<u8> {
        self.extra
            .iter()
            .find(|e| e.oid == oids::ID_CE_SUBJECT_KEY_IDENTIFIER)
            .and_then(|e| SubjectKeyIdentifier::from_der(&e.value).ok())
            .map(|ski| ski.0.as_bytes().to_vec())
            .unwrap_or_else(|| self.public_key.subject_key_id().to_vec())
    }

    /// The ordered extension list.
    pub fn extensions(
        &self,
        issuer: &IssuerName,
        subject_der: &[u8],
    ) -> Result<Vec<CertExtension>, SignError> {
        if self.max_path_len < -1 {
            return Err(SignError::Certificate(
                "x509: invalid MaxPathLen, must be greater or equal to -1".into(),
            ));
        }
        if !self.is_ca && (self.max_path_len > 0 || self.max_path_len_zero) {
            return Err(SignError::Certificate(
                "x509: only CAs are allowed to specify MaxPathLen".into(),
            ));
        }
        let taken = |oid: ObjectIdentifier| self.extra.iter().any(|e| e.oid == oid);
        let mut out = Vec::new();
        if !self.key_usage.is_empty() && !taken(oids::ID_CE_KEY_USAGE) {
            out.push(x::ext(
                oids::ID_CE_KEY_USAGE,
                true,
                x::key_usage(self.key_usage),
            ));
        }
        if !self.ext_key_usages.is_empty() && !taken(oids::ID_CE_EXT_KEY_USAGE) {
            out.push(x::ext(
                oids::ID_CE_EXT_KEY_USAGE,
                false,
                x::ext_key_usage(&self.ext_key_usages),
            ));
        }
        if !taken(oids::ID_CE_BASIC_CONSTRAINTS) {
            out.push(x::ext(
                oids::ID_CE_BASIC_CONSTRAINTS,
                true,
                x::basic_constraints(self.is_ca, self.max_path_len, self.max_path_len_zero),
            ));
        }
        if self.subject_key_id && !taken(oids::ID_CE_SUBJECT_KEY_IDENTIFIER) {
            out.push(x::ext(
                oids::ID_CE_SUBJECT_KEY_IDENTIFIER,
                false,
                x::subject_key_identifier(&self.public_key.subject_key_id()),
            ));
        }
        if let Some(aki) = &issuer.subject_key_id
            && issuer.subject_der != subject_der
            && !taken(oids::ID_CE_AUTHORITY_KEY_IDENTIFIER)
        {
            out.push(x::ext(
                oids::ID_CE_AUTHORITY_KEY_IDENTIFIER,
                false,
                x::authority_key_identifier(aki),
            ));
        }
        if (!self.ocsp_urls.is_empty() || !self.issuer_urls.is_empty())
            && !taken(oids::ID_PE_AUTHORITY_INFO_ACCESS)
        {
            out.push(x::ext(
                oids::ID_PE_AUTHORITY_INFO_ACCESS,
                false,
                x::authority_info_access(&self.ocsp_urls, &self.issuer_urls),
            ));
        }
        if !self.sans.is_empty() && !taken(oids::ID_CE_SUBJECT_ALT_NAME) {
            out.push(x::ext(
                oids::ID_CE_SUBJECT_ALT_NAME,
                self.subject.is_empty(),
                self.sans.to_extension_value()?,
            ));
        }
        // After the SAN and before the CRL distribution points, where Go puts it.
        if let Some(nc) = &self.name_constraints
            && !taken(oids::ID_CE_NAME_CONSTRAINTS)
        {
            out.push(x::ext(
                oids::ID_CE_NAME_CONSTRAINTS,
                nc.critical,
                crate::name_constraints::encode(nc),
            ));
        }
        if let Some(url) = &self.crl_url
            && !taken(oids::ID_CE_CRL_DISTRIBUTION_POINTS)
        {
            out.push(x::ext(
                oids::ID_CE_CRL_DISTRIBUTION_POINTS,
                false,
                x::crl_distribution_points(url),
            ));
        }
        out.extend(self.extra.iter().cloned());
        Ok(out)
    }

    /// Builds and signs the certificate. `warnings` are the caller's notes on where this
    /// certificate departs from cfssl; the IA5String subject note (docs/differences.md #15) is
    /// added here, for every signer.
    pub fn issue(
        &self,
        issuer: &Issuer<'_>,
        mut warnings: Vec<String>,
    ) -> Result<Issued, SignError> {
        let der = self.sign(issuer)?;
        if self.subject.has_ia5_attributes() {
            warnings.push(cfssl_csr::subject::IA5_SUBJECT_WARNING.to_owned());
        }
        Ok(Issued::new(der, &self.serial, warnings))
    }

    /// The certificate's DER, signed by `issuer`.
    fn sign(&self, issuer: &Issuer<'_>) -> Result<Vec<u8>, SignError> {
        self.to_be_signed(&issuer.name())?
            .sign(issuer.key, issuer.public_key)
    }

    /// The to-be-signed certificate `issuer` would sign: every byte but the signature.
    pub fn to_be_signed(&self, issuer: &IssuerName) -> Result<TbsCertificate, SignError> {
        let subject_der = self.subject.to_der()?;
        Ok(TbsCertificate {
            serial: self.serial.clone(),
            signature: issuer.signature.clone(),
            issuer_der: if issuer.subject_der.is_empty() {
                subject_der.clone()
            } else {
                issuer.subject_der.clone()
            },
            not_before: self.not_before,
            not_after: self.not_after,
            extensions: self.extensions(issuer, &subject_der)?,
            subject_der,
            spki_der: self.public_key.to_spki_der(),
        })
    }
}

/// cfssl's serial: 20 random bytes with the top bit cleared, so the INTEGER is positive and
/// at most 20 octets (RFC 5280 §4.1.2.2; docs/cfssl-compat.md §5.1 step 10). The bytes come
/// from [`cfssl_keys::fill_random`]: the OS CSPRNG, or the FIPS module's in the `fips` build.
pub fn random_serial() -> Result<Vec<u8>, SignError> {
    loop {
        let mut bytes = [0u8; 20];
        cfssl_keys::fill_random(&mut bytes)
            .map_err(|e| SignError::Internal(format!("random: {e}")))?;
        bytes[0] &= 0x7f;
        if bytes.iter().any(|&b| b != 0) {
            return Ok(bytes.to_vec());
        }
    }
}
