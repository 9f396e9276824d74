//! Self-signed leaf certificates (cfssl's `selfsign.Sign`, docs/cfssl-compat.md §5.14).
//!
//! Different from the local signer in cfssl's own ways: the serial is a random 63-bit
//! number; notBefore is *unrounded* now − 5 min and notAfter is now + expiry; every CSR
//! extension is copied verbatim after the generated ones (so the SAN, and a `ca` block's
//! BasicConstraints, come from the CSR); AIA carries only the profile's `issuer_urls`. Our
//! differences #2 (short life never born expired) and #3 (no keyEncipherment for EC/Ed25519)
//! apply here too, and so do the refusal of dNSNames that are not host names and the
//! dropping of `cert sign`/`crl sign` from a non-CA certificate (see `Template`).
//!
//! One more difference (docs/differences.md #19): cfssl writes no authorityKeyIdentifier. RFC 5280 §4.2.1.1 lets only
//! a self-signed *CA* certificate omit it, and a selfsign certificate is normally a leaf
//! (pkilint: `authority_key_identifier_extension_absent`), so we write AKI = SKI, as every
//! self-signed certificate's issuer key is its own.

use cfssl_config::SigningProfile;
use cfssl_csr::VerifiedCsr;
use cfssl_keys::SigningKey;
use time::{Duration, OffsetDateTime};

use crate::extensions as x;
use crate::template::{Issuer, Template};
use crate::validity::DEFAULT_BACKDATE;
use crate::{Issued, SignError};

/// Self-signs `csr` with `key` under `profile` at `now`.
pub fn sign(
    csr: &VerifiedCsr,
    key: &dyn SigningKey,
    profile: &SigningProfile,
    profile_name: &str,
    default_expiry: cfssl_config::GoDuration,
    now: OffsetDateTime,
) -> Result<Issued, SignError> {
    if !csr.public_key.matches(key) {
        return Err(SignError::KeyMismatch);
    }
    let usages = profile.usages();
    if usages.key_usage.is_empty() && usages.ext_key_usages.is_empty() {
        return Err(SignError::NoKeyUsage);
    }
    let expiry = if profile.expiry.0 == 0 {
        default_expiry
    } else {
        profile.expiry
    };
    let life = expiry.as_time_duration();
    let mut warnings = Vec::new();
    let backdate = if life > Duration::ZERO && life / 4 < DEFAULT_BACKDATE {
        warnings.push(format!(
            "backdating by {} instead of cfssl's 5m0s so that a certificate living {expiry} is not born expired",
            cfssl_config::GoDuration::from(life / 4)
        ));
        life / 4
    } else {
        DEFAULT_BACKDATE
    };
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let not_before = now - backdate;
    let not_after = now
        .checked_add(life)
        .filter(|t| t.year() <= 9999 && *t > not_before)
        .ok_or_else(|| SignError::InvalidValidity(format!("invalid expiry {expiry}")))?;
    let mut serial = [0u8; 8];
    cfssl_keys::fill_random(&mut serial)
        .map_err(|e| SignError::Internal(format!("random: {e}")))?;
    serial[0] &= 0x7f;
    let mut subject = csr.subject.clone();
    subject.names.clear();
    let mut template = Template {
        serial: serial.to_vec(),
        subject,
        public_key: csr.public_key.clone(),
        sans: Default::default(),
        not_before,
        not_after,
        key_usage: usages.key_usage,
        ext_key_usages: usages.ext_key_usages,
        is_ca: profile.ca_constraint.is_ca,
        max_path_len: -1,
        max_path_len_zero: false,
        ocsp_urls: Vec::new(),
        issuer_urls: profile.issuer_urls.clone().unwrap_or_default(),
        crl_url: None,
        extra: csr
            .extensions
            .iter()
            .map(|e| x::ext(e.extn_id, e.critical, e.extn_value.as_bytes().to_vec()))
            .collect(),
        subject_key_id: true,
        name_constraints: None,
    };
    if let Some(note) = template.adjust_key_usage_to_key(profile) {
        warnings.push(note);
    }
    if let Some(note) = template.drop_ca_usages_for_non_ca(profile_name)? {
        warnings.push(note);
    }
    // The SAN is the CSR's extension, copied verbatim: its names must be host names.
    csr.sans.check_dns_names()?;
    let issuer = Issuer {
        // Empty: the issuer is the subject, and unlike `initca` the AKI is written.
        subject_der: Vec::new(),
        subject_key_id: Some(template.subject_key_id()),
        key,
        public_key: &csr.public_key,
    };
    crate::local::lint_before_signing(&template, &issuer, profile)?;
    template.issue(&issuer, warnings)
}

#[cfg(test)]
mod tests {
    use cfssl_config::Config;
    use cfssl_csr::{CertificateRequest, ParsedCsr, SubjectAltNames, SubjectName};
    use cfssl_keys::{KeySpec, PrivateKey};
    use const_oid::db::rfc5280 as oids;
    use der::Decode;
    use der::asn1::OctetString;
    use x509_cert::Certificate;
    use x509_cert::ext::pkix::{AuthorityKeyIdentifier, KeyUsage, KeyUsages, SubjectKeyIdentifier};

    use super::*;

    const CONFIG: &str = r#"{"signing":{"default":{"expiry":"1h","usages":["signing","server auth"]},"profiles":{
        "leaf":{"expiry":"1h","usages":["signing","cert sign","crl sign","server auth"]},
        "only-ca-powers":{"expiry":"1h","usages":["cert sign"]}}}}"#;

    fn selfsign(csr: &VerifiedCsr, key: &PrivateKey, profile: &str) -> Result<Issued, SignError> {
        let config = Config::from_json(CONFIG.as_bytes()).unwrap();
        let p = config.profile(profile).unwrap();
        sign(
            csr,
            key,
            p,
            profile,
            config.signing.default.expiry,
            OffsetDateTime::now_utc(),
        )
    }

    fn request(json: &str) -> (VerifiedCsr, PrivateKey) {
        let key = PrivateKey::generate(KeySpec::EcdsaP256).unwrap();
        let req = CertificateRequest::from_json(json.as_bytes()).unwrap();
        let csr = cfssl_csr::generate(&key, &req).unwrap().verified().unwrap();
        (csr, key)
    }

    fn extension(cert: &Certificate, oid: const_oid::ObjectIdentifier) -> Option<&[u8]> {
        cert.tbs_certificate()
            .extensions()?
            .iter()
            .find(|e| e.extn_id == oid)
            .map(|e| e.extn_value.as_bytes())
    }

    #[test]
    fn authority_key_id_is_the_subject_key_id() {
        let (csr, key) = request(r#"{"CN":"self.example.com","hosts":["self.example.com"]}"#);
        let issued = selfsign(&csr, &key, "").unwrap();
        let cert = Certificate::from_der(&issued.der).unwrap();
        let ski = SubjectKeyIdentifier::from_der(
            extension(&cert, oids::ID_CE_SUBJECT_KEY_IDENTIFIER).unwrap(),
        )
        .unwrap();
        let aki = AuthorityKeyIdentifier::from_der(
            extension(&cert, oids::ID_CE_AUTHORITY_KEY_IDENTIFIER).expect("an AKI"),
        )
        .unwrap();
        assert_eq!(aki.key_identifier, Some(ski.0.clone()));
        assert_eq!(ski.0.as_bytes(), key.public_key().subject_key_id());
    }

    #[test]
    fn ca_powers_are_dropped_from_a_leaf_and_said() {
        let (csr, key) = request(r#"{"CN":"leaf.example.com","hosts":["leaf.example.com"]}"#);
        let issued = selfsign(&csr, &key, "leaf").unwrap();
        let cert = Certificate::from_der(&issued.der).unwrap();
        let ku = KeyUsage::from_der(extension(&cert, oids::ID_CE_KEY_USAGE).unwrap()).unwrap();
        assert!(ku.digital_signature());
        assert!(!ku.0.contains(KeyUsages::KeyCertSign));
        assert!(!ku.0.contains(KeyUsages::CRLSign));
        let note = issued
            .warnings
            .iter()
            .find(|w| w.contains("cert sign"))
            .expect("a warning");
        assert!(note.contains("\"crl sign\""), "{note}");
        assert!(note.contains("signing profile \"leaf\""), "{note}");
        // Nothing left: the profile grants a leaf nothing.
        assert!(matches!(
            selfsign(&csr, &key, "only-ca-powers"),
            Err(SignError::NoKeyUsage)
        ));
        // A CSR asking for a CA (its BasicConstraints is copied) keeps them.
        let (ca_csr, ca_key) = request(r#"{"CN":"Self CA","ca":{}}"#);
        let issued = selfsign(&ca_csr, &ca_key, "leaf").unwrap();
        let cert = Certificate::from_der(&issued.der).unwrap();
        let ku = KeyUsage::from_der(extension(&cert, oids::ID_CE_KEY_USAGE).unwrap()).unwrap();
        assert!(ku.key_cert_sign());
        assert!(!issued.warnings.iter().any(|w| w.contains("cert sign")));
    }

    #[test]
    fn key_encipherment_is_dropped_for_ec_and_said_only_when_configured() {
        let (csr, key) = request(r#"{"CN":"ec.example.com","hosts":["ec.example.com"]}"#);
        let builtin = Config::default_policy();
        let written = Config::from_json(
            br#"{"signing":{"default":{"expiry":"1h","usages":["signing","key encipherment","server auth","client auth"]}}}"#,
        )
        .unwrap();
        for (config, warned) in [(builtin, false), (written, true)] {
            let p = &config.signing.default;
            let issued = sign(&csr, &key, p, "", p.expiry, OffsetDateTime::now_utc()).unwrap();
            let cert = Certificate::from_der(&issued.der).unwrap();
            let ku = KeyUsage::from_der(extension(&cert, oids::ID_CE_KEY_USAGE).unwrap()).unwrap();
            assert!(ku.digital_signature());
            assert!(!ku.key_encipherment());
            let said = issued
                .warnings
                .iter()
                .any(|w| w.contains("keyEncipherment"));
            assert_eq!(said, warned, "{:?}", issued.warnings);
        }
    }

    #[test]
    fn csr_san_must_hold_host_names() {
        let key = PrivateKey::generate(KeySpec::EcdsaP256).unwrap();
        let sans = SubjectAltNames {
            dns_names: vec!["a..b".into()],
            ..Default::default()
        };
        let ext = x509_cert::ext::Extension {
            extn_id: oids::ID_CE_SUBJECT_ALT_NAME,
            critical: false,
            extn_value: OctetString::new(sans.to_extension_value().unwrap()).unwrap(),
        };
        let subject = SubjectName {
            common_name: "x".into(),
            ..Default::default()
        };
        let der = cfssl_csr::pkcs10::sign_request(&key, &subject, &[ext]).unwrap();
        let csr = ParsedCsr::from_der(&der).unwrap().verify().unwrap();
        let e = selfsign(&csr, &key, "").unwrap_err();
        assert!(e.to_string().contains("\"a..b\""), "{e}");
        assert_eq!(e.code(), Some(1300));
    }
}
