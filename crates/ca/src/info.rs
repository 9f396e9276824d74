//! `info`: the CA certificate a signer uses and what one of its profiles grants (cfssl
//! `Signer.Info`, docs/cfssl-lifecycle.md §7.3 `info`). The `info` command prints it for a
//! local CA, and the server's `info` endpoint answers it; both call [`info`].

use cfssl_config::Config;
use cfssl_signer::ParsedCertificate;

use crate::CaError;

/// What `info` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaInfo {
    /// The CA certificate, PEM, without the final newline (cfssl trims it).
    pub certificate: String,
    /// The profile's usages as written in the configuration; `None` when it has none
    /// (cfssl then answers `null`).
    pub usages: Option<Vec<String>>,
    /// The profile's expiry as written (`"8760h"`).
    pub expiry: String,
}

/// The CA certificate `ca` and the profile `profile` of `policy` (`""`: the default).
///
/// # Errors
/// An unknown profile is [`CaError::Config`] naming the known ones: cfssl would answer
/// with the default profile's values instead, which misleads a client about what it will
/// get (docs/differences.md #4).
pub fn info(ca: &ParsedCertificate, policy: &Config, profile: &str) -> Result<CaInfo, CaError> {
    let chosen = policy.profile(profile)?;
    Ok(CaInfo {
        certificate: ca.to_pem().trim().to_owned(),
        usages: (!chosen.usages.is_empty()).then(|| chosen.usages.clone()),
        expiry: chosen.expiry_text.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CertificateRequest, InitCa, init_ca};

    #[test]
    fn reports_the_certificate_and_profile() -> Result<(), Box<dyn std::error::Error>> {
        let now = time::OffsetDateTime::now_utc();
        let request = CertificateRequest::from_json(br#"{"CN": "Info Root"}"#)?;
        let root = init_ca(&InitCa { request }, now, &mut Vec::new())?;
        let ca = ParsedCertificate::from_pem(root.certificate.pem.as_bytes())?;

        let default = info(&ca, &Config::default_policy(), "")?;
        assert_eq!(default.certificate, root.certificate.pem.trim());
        assert!(!default.certificate.ends_with('\n'));
        assert_eq!(
            default.usages,
            Some(vec![
                "signing".to_string(),
                "key encipherment".into(),
                "server auth".into(),
                "client auth".into()
            ])
        );
        assert_eq!(default.expiry, "8760h");

        let policy = Config::from_json(
            br#"{"signing": {"default": {"expiry": "1h", "usages": ["signing"]},
                "profiles": {"www": {"expiry": "720h", "usages": ["server auth", "digital signature"]}}}}"#,
        )?;
        let www = info(&ca, &policy, "www")?;
        assert_eq!(
            www.usages,
            Some(vec!["server auth".to_string(), "digital signature".into()])
        );
        assert_eq!(www.expiry, "720h");
        assert!(matches!(
            info(&ca, &policy, "nope"),
            Err(CaError::Config(_))
        ));
        Ok(())
    }
}
