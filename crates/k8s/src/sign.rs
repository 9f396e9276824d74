//! Playing the part of a signer offline: an approved CertificateSigningRequest object in,
//! the same object with `status.certificate` set out (the "API-based signers" path of the
//! Kubernetes docs: an UPDATE of the `status` subresource).
//!
//! Rules:
//! * only an `Approved` object is signed; `Pending`, `Denied` and `Failed` ones, and ones
//!   that already carry a certificate, are refused ([`check_signable`]);
//! * the [identity review](crate::review) runs first and a flagged request is refused
//!   unless the caller allows it (the findings are then returned for a warning);
//! * the certificate carries the object's `spec.usages` (what was approved), as the
//!   kube-controller-manager signer issues them; the `-config` profile supplies
//!   everything else (expiry, URLs, whitelists), and a profile that issues CA
//!   certificates is refused, as no Kubernetes signer issues one ([`check_signing_profile`]);
//! * `spec.expirationSeconds` under 600 is refused, as the API server refuses it
//!   ([`check_expiration`]);
//! * `spec.expirationSeconds` caps the life: the certificate ends at the earlier of the
//!   profile's expiry and `now + expirationSeconds` (and never after the CA,
//!   docs/differences.md #1).

use cfssl_ca::{CaError, Log, Note};
use cfssl_config::Config;
use cfssl_signer::{CsrInput, Issued, LocalSigner, SignRequest};
use serde_json::Value;
use time::OffsetDateTime;

use crate::K8sError;
use crate::object::{Approval, CsrObject, CsrRequest};
use crate::review::{Review, review};

/// Refuses what must not be signed; returns the review (its findings were allowed when
/// `allow_privileged` is true and there are any).
///
/// # Errors
/// [`K8sError::NotAnObject`] for a bare PEM CSR, [`K8sError::NotApproved`],
/// [`K8sError::AlreadyIssued`], [`K8sError::Expiration`] ([`check_expiration`]),
/// [`K8sError::Flagged`].
pub fn check_signable(request: &CsrRequest, allow_privileged: bool) -> Result<Review, K8sError> {
    let object = request.object.as_ref().ok_or(K8sError::NotAnObject)?;
    match object.approval() {
        Approval::Approved => {}
        state => {
            return Err(K8sError::NotApproved {
                name: object.name.clone(),
                state,
            });
        }
    }
    if object.certificate.is_some() {
        return Err(K8sError::AlreadyIssued(object.name.clone()));
    }
    check_expiration(object)?;
    let result = review(request);
    if result.is_flagged() && !allow_privileged {
        return Err(K8sError::Flagged {
            name: object.name.clone(),
            findings: result.findings,
        });
    }
    Ok(result)
}

/// Refuses an `expirationSeconds` the API server would not have accepted (under 600 s or
/// past an int32): an object holding one did not come from a cluster, and under 600 s a
/// certificate could be issued already expired.
///
/// # Errors
/// [`K8sError::Expiration`] naming the field, the object and the value.
pub fn check_expiration(object: &CsrObject) -> Result<(), K8sError> {
    let Some(seconds) = object.expiration_seconds else {
        return Ok(());
    };
    match crate::names::expiration_problem(seconds) {
        Some(reason) => Err(K8sError::Expiration(format!(
            "spec.expirationSeconds of {:?} is {seconds}: {reason}",
            object.name
        ))),
        None => Ok(()),
    }
}

/// Checks that `object` may be signed under `policy`'s `profile`: the profile exists and
/// does not issue CA certificates, and the object's `spec.usages` are ones the API accepts.
/// The usages then reach the certificate as a request override ([`sign`] sets
/// [`SignRequest::usages`]); the policy itself is never cloned and patched.
///
/// # Errors
/// [`K8sError::Sign`] for an unknown profile (cfssl code 5400), [`K8sError::CaProfile`]
/// for a profile that issues CA certificates, [`K8sError::Usages`] for usages the API
/// would not have accepted.
pub fn check_signing_profile(
    policy: &Config,
    profile: &str,
    object: &CsrObject,
) -> Result<(), K8sError> {
    crate::names::validate_usages(&object.usages)?;
    let chosen = policy
        .profile(profile)
        .map_err(|e| K8sError::Sign(e.into()))?;
    if chosen.ca_constraint.is_ca {
        return Err(K8sError::CaProfile(if profile.is_empty() {
            "default".to_owned()
        } else {
            profile.to_owned()
        }));
    }
    Ok(())
}

/// A signed object.
#[derive(Clone, Debug)]
pub struct Signed {
    /// The object with `status.certificate` set.
    pub object: Value,
    /// The certificate.
    pub issued: Issued,
}

/// `k8s-sign`, the whole workflow: refuses what must not be signed ([`check_signable`];
/// findings allowed by `allow_privileged` become warnings in `log`), checks the profile
/// against the signer's policy ([`check_signing_profile`]) and the CA key against the CA
/// certificate, then signs through [`cfssl_ca::sign`] with the object's `spec.usages` and
/// `spec.expirationSeconds` as request overrides — the loaded policy is never patched. The
/// certificate's notes (warnings, cfssl's serial-number line) go to `log` as for `sign`.
///
/// # Errors
/// Those of [`check_signable`] and [`check_signing_profile`], and the signer's as
/// [`K8sError::Sign`] (a CA key that is not the certificate's: `SignError::KeyMismatch`).
pub fn sign(
    request: &CsrRequest,
    signer: &LocalSigner,
    profile: &str,
    allow_privileged: bool,
    now: OffsetDateTime,
    log: &mut dyn Log,
) -> Result<Signed, K8sError> {
    let review = check_signable(request, allow_privileged)?;
    for finding in &review.findings {
        log.note(Note::Warning(format!(
            "signing despite [{}] {} (-allow-privileged)",
            finding.check.id(),
            finding.reason
        )));
    }
    let object = request.object.as_ref().ok_or(K8sError::NotAnObject)?;
    check_signing_profile(signer.policy(), profile, object)?;
    signer.check_key()?;
    let overrides = SignRequest {
        csr: CsrInput::Pem(request.csr_pem.clone()),
        profile: profile.to_owned(),
        max_lifetime: object.expiration_seconds.map(time::Duration::seconds),
        usages: Some(object.usages.clone()),
        ..SignRequest::default()
    };
    let issued = cfssl_ca::sign(signer, &overrides, now, log).map_err(|e| match e {
        CaError::Sign(e) => K8sError::Sign(e),
        other => K8sError::Workflow(Box::new(other)),
    })?;
    Ok(Signed {
        object: object.with_certificate(&issued.pem),
        issued,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::KUBE_APISERVER_CLIENT;
    use crate::object::read_requests;
    use crate::test_support::{csr, object, test_ca};
    use base64::Engine as _;
    use cfssl_signer::ParsedCertificate;

    fn request(conditions: &[(&str, &str)], o: &str, expiration: Option<i64>) -> CsrRequest {
        let pem = csr(&format!(
            r#"{{"CN":"jane","names":[{{"O":"{o}"}}],"key":{{"algo":"ecdsa","size":256}}}}"#
        ));
        let obj = object(
            "jane",
            KUBE_APISERVER_CLIENT,
            &pem,
            &["digital signature", "client auth"],
            expiration,
            conditions,
        );
        read_requests(obj.to_string().as_bytes()).unwrap().remove(0)
    }

    #[test]
    fn only_approved_clean_objects_are_signable() {
        assert!(check_signable(&request(&[("Approved", "True")], "dev", None), false).is_ok());
        let e = check_signable(&request(&[], "dev", None), false).unwrap_err();
        assert!(matches!(
            e,
            K8sError::NotApproved {
                state: Approval::Pending,
                ..
            }
        ));
        assert!(
            e.to_string().contains("kubectl certificate approve jane"),
            "{e}"
        );
        let e = check_signable(&request(&[("Denied", "True")], "dev", None), false).unwrap_err();
        assert!(matches!(
            e,
            K8sError::NotApproved {
                state: Approval::Denied { .. },
                ..
            }
        ));
        let e = check_signable(
            &request(&[("Approved", "True"), ("Failed", "True")], "dev", None),
            false,
        )
        .unwrap_err();
        assert!(matches!(
            e,
            K8sError::NotApproved {
                state: Approval::Failed { .. },
                ..
            }
        ));

        let admin = request(&[("Approved", "True")], "system:masters", None);
        let e = check_signable(&admin, false).unwrap_err();
        assert!(matches!(e, K8sError::Flagged { .. }));
        assert!(e.to_string().contains("-allow-privileged"), "{e}");
        let r = check_signable(&admin, true).unwrap();
        assert!(r.is_flagged());

        let pem_only = read_requests(request(&[], "dev", None).csr_pem.as_slice()).unwrap();
        assert!(matches!(
            check_signable(&pem_only[0], false),
            Err(K8sError::NotAnObject)
        ));
    }

    #[test]
    fn signs_with_the_requested_usages_and_lifetime() {
        let (ca, key) = test_ca();
        let req = request(&[("Approved", "True")], "dev", Some(3600));
        let object = req.object.as_ref().unwrap();
        let base = Config::from_json(
            br#"{"signing":{"default":{"expiry":"8760h","usages":["server auth"]},"profiles":{"ca":{"expiry":"1h","usages":["cert sign"],"ca_constraint":{"is_ca":true}}}}}"#,
        )
        .unwrap();
        check_signing_profile(&base, "", object).unwrap();
        assert!(matches!(
            check_signing_profile(&base, "ca", object),
            Err(K8sError::CaProfile(_))
        ));
        assert!(matches!(
            check_signing_profile(&base, "nope", object),
            Err(K8sError::Sign(_))
        ));

        let signer = LocalSigner::new(ca, key, base).unwrap();
        let now = OffsetDateTime::now_utc();
        let mut log = Vec::new();
        let signed = sign(&req, &signer, "", false, now, &mut log).unwrap();
        assert_eq!(
            log.last(),
            Some(&Note::Info(format!(
                "signed certificate with serial number {}",
                signed.issued.serial_decimal
            )))
        );
        let b64 = signed.object["status"]["certificate"].as_str().unwrap();
        let pem = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        assert_eq!(pem, signed.issued.pem.as_bytes());
        let cert = ParsedCertificate::from_pem(&pem).unwrap();
        let life = cert.not_after - now;
        assert!(
            life <= time::Duration::seconds(3600) && life > time::Duration::seconds(3590),
            "{life}"
        );
        assert_eq!(cert.subject.common_name, "jane");
        assert_eq!(
            cert.ext_key_usage,
            Some(vec![cfssl_config::eku::CLIENT_AUTH])
        );
        assert_eq!(signed.object["status"]["conditions"][0]["type"], "Approved");
    }

    #[test]
    fn expiration_seconds_under_ten_minutes_refused() {
        // Kubernetes: "may not specify a duration less than 600 seconds (10 minutes)".
        for seconds in [-5, 0, 599] {
            let req = request(&[("Approved", "True")], "dev", Some(seconds));
            let e = check_signable(&req, false).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "invalid expiration: spec.expirationSeconds of \"jane\" is {seconds}: may not specify a duration less than 600 seconds (10 minutes)"
                )
            );
            // sign() refuses it too, whether or not check_signable ran.
            let (ca, key) = test_ca();
            let base = Config::from_json(
                br#"{"signing":{"default":{"expiry":"8760h","usages":["server auth"]}}}"#,
            )
            .unwrap();
            check_signing_profile(&base, "", req.object.as_ref().unwrap()).unwrap();
            let signer = LocalSigner::new(ca, key, base).unwrap();
            assert!(matches!(
                sign(
                    &req,
                    &signer,
                    "",
                    false,
                    OffsetDateTime::now_utc(),
                    &mut cfssl_ca::Discard
                ),
                Err(K8sError::Expiration(_))
            ));
        }
        let req = request(&[("Approved", "True")], "dev", Some(600));
        assert!(check_signable(&req, false).is_ok());
    }
}
