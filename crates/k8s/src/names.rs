//! What the `certificates.k8s.io/v1` API accepts: object names, signer names, key usages,
//! `expirationSeconds`, and the usages each built-in signer expects.
//!
//! The rules are the API server's create-time validation of a CertificateSigningRequest
//! (Kubernetes `pkg/apis/certificates/validation`) and the documented rules of the
//! built-in signers (Kubernetes docs, "Certificate Signing Requests", "Kubernetes
//! signers"), so that a manifest we write is one `kubectl apply` accepts.

use cfssl_keys::KeyAlgorithm;

use crate::K8sError;

/// `kubernetes.io/kube-apiserver-client`: client certificates the API server honours.
pub const KUBE_APISERVER_CLIENT: &str = "kubernetes.io/kube-apiserver-client";
/// `kubernetes.io/kube-apiserver-client-kubelet`: the kubelets' client certificates.
pub const KUBE_APISERVER_CLIENT_KUBELET: &str = "kubernetes.io/kube-apiserver-client-kubelet";
/// `kubernetes.io/kubelet-serving`: the kubelets' serving certificates.
pub const KUBELET_SERVING: &str = "kubernetes.io/kubelet-serving";
/// `kubernetes.io/legacy-unknown`: no trust guarantees; refused by the v1 API.
pub const LEGACY_UNKNOWN: &str = "kubernetes.io/legacy-unknown";

/// One of the signers Kubernetes itself defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltInSigner {
    /// [`KUBE_APISERVER_CLIENT`].
    KubeApiserverClient,
    /// [`KUBE_APISERVER_CLIENT_KUBELET`].
    KubeApiserverClientKubelet,
    /// [`KUBELET_SERVING`].
    KubeletServing,
    /// [`LEGACY_UNKNOWN`].
    LegacyUnknown,
}

impl BuiltInSigner {
    /// The built-in signer called `name`, if it is one.
    pub fn from_name(name: &str) -> Option<BuiltInSigner> {
        match name {
            KUBE_APISERVER_CLIENT => Some(BuiltInSigner::KubeApiserverClient),
            KUBE_APISERVER_CLIENT_KUBELET => Some(BuiltInSigner::KubeApiserverClientKubelet),
            KUBELET_SERVING => Some(BuiltInSigner::KubeletServing),
            LEGACY_UNKNOWN => Some(BuiltInSigner::LegacyUnknown),
            _ => None,
        }
    }

    /// The `signerName`.
    pub fn name(self) -> &'static str {
        match self {
            BuiltInSigner::KubeApiserverClient => KUBE_APISERVER_CLIENT,
            BuiltInSigner::KubeApiserverClientKubelet => KUBE_APISERVER_CLIENT_KUBELET,
            BuiltInSigner::KubeletServing => KUBELET_SERVING,
            BuiltInSigner::LegacyUnknown => LEGACY_UNKNOWN,
        }
    }

    /// Whether the signer issues node (kubelet) credentials, whose subject must be
    /// `O=system:nodes, CN=system:node:NAME`.
    pub fn is_kubelet_signer(self) -> bool {
        matches!(
            self,
            BuiltInSigner::KubeApiserverClientKubelet | BuiltInSigner::KubeletServing
        )
    }
}

/// `digital signature`.
pub const DIGITAL_SIGNATURE: &str = "digital signature";
/// `key encipherment`.
pub const KEY_ENCIPHERMENT: &str = "key encipherment";
/// `client auth`.
pub const CLIENT_AUTH: &str = "client auth";
/// `server auth`.
pub const SERVER_AUTH: &str = "server auth";

/// Every usage the v1 API accepts in `spec.usages` (`allValidUsages`); the same words
/// cfssl's signing profiles use (docs/cfssl-compat.md §3.3.4).
pub const ALL_USAGES: &[&str] = &[
    "signing",
    DIGITAL_SIGNATURE,
    "content commitment",
    KEY_ENCIPHERMENT,
    "key agreement",
    "data encipherment",
    "cert sign",
    "crl sign",
    "encipher only",
    "decipher only",
    "any",
    SERVER_AUTH,
    CLIENT_AUTH,
    "code signing",
    "email protection",
    "s/mime",
    "ipsec end system",
    "ipsec tunnel",
    "ipsec user",
    "timestamping",
    "ocsp signing",
    "microsoft sgc",
    "netscape sgc",
];

/// Usages that give a certificate signing powers over other certificates or CRLs.
pub const CA_USAGES: &[&str] = &["cert sign", "crl sign", "any"];

/// The smallest `expirationSeconds` the API accepts ("may not specify a duration less
/// than 600 seconds (10 minutes)").
pub const MIN_EXPIRATION_SECONDS: i64 = 600;

/// The usages `k8s-csr` requests when none are given.
///
/// Built-in signers get one of the sets their rules permit, chosen the way the kubelet
/// chooses for its own requests: `digital signature` plus the signer's extended usage,
/// and `key encipherment` only for RSA keys (an EC or Ed25519 key cannot encipher;
/// RFC 5480 §3, RFC 8410 §5):
/// * `kube-apiserver-client`: must include `client auth`, nothing beyond
///   `digital signature`, `key encipherment`, `client auth`;
/// * `kube-apiserver-client-kubelet`: exactly `[digital signature, key encipherment,
///   client auth]` or `[digital signature, client auth]`;
/// * `kubelet-serving`: exactly `[digital signature, key encipherment, server auth]` or
///   `[digital signature, server auth]`.
///
/// # Errors
/// [`K8sError::LegacySigner`] for `kubernetes.io/legacy-unknown`; [`K8sError::Usages`] for
/// a custom signer (only its operator knows what it issues).
pub fn default_usages(signer_name: &str, key: KeyAlgorithm) -> Result<Vec<String>, K8sError> {
    let extended = match BuiltInSigner::from_name(signer_name) {
        Some(BuiltInSigner::KubeApiserverClient | BuiltInSigner::KubeApiserverClientKubelet) => {
            CLIENT_AUTH
        }
        Some(BuiltInSigner::KubeletServing) => SERVER_AUTH,
        Some(BuiltInSigner::LegacyUnknown) => return Err(K8sError::LegacySigner),
        None => {
            return Err(K8sError::Usages(format!(
                "signer {signer_name:?} is not a built-in Kubernetes signer: say which usages it should issue with -usages (e.g. \"digital signature,key encipherment,server auth\")"
            )));
        }
    };
    let mut usages = vec![DIGITAL_SIGNATURE.to_owned()];
    if matches!(key, KeyAlgorithm::Rsa { .. }) {
        usages.push(KEY_ENCIPHERMENT.to_owned());
    }
    usages.push(extended.to_owned());
    Ok(usages)
}

/// Splits `-usages` at commas, trimming spaces around each item.
pub fn parse_usages(list: &str) -> Vec<String> {
    list.split(',')
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect()
}

/// The API's checks of `spec.usages`: at least one, each known, none twice.
///
/// # Errors
/// [`K8sError::Usages`] naming the offending usage.
pub fn validate_usages(usages: &[String]) -> Result<(), K8sError> {
    if usages.is_empty() {
        return Err(K8sError::Usages(
            "at least one usage is required (spec.usages)".into(),
        ));
    }
    for (i, usage) in usages.iter().enumerate() {
        if !ALL_USAGES.contains(&usage.as_str()) {
            return Err(K8sError::Usages(format!(
                "unknown usage {usage:?}; the API accepts: {}",
                ALL_USAGES.join(", ")
            )));
        }
        if usages.get(..i).is_some_and(|before| before.contains(usage)) {
            return Err(K8sError::Usages(format!(
                "usage {usage:?} is given twice; the API refuses duplicates"
            )));
        }
    }
    Ok(())
}

/// `-expiration` as `spec.expirationSeconds`: a Go duration (`24h`, `90m`) or a bare
/// number of seconds. The API takes whole seconds in an int32, at least 600.
///
/// # Errors
/// [`K8sError::Expiration`] with the reason.
pub fn parse_expiration(text: &str) -> Result<i64, K8sError> {
    let text = text.trim();
    let seconds = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<i64>()
            .map_err(|_| K8sError::Expiration(format!("{text:?} is out of range")))?
    } else {
        let d: cfssl_config::GoDuration = text
            .parse()
            .map_err(|e: cfssl_config::DurationError| K8sError::Expiration(e.to_string()))?;
        let nanos = d.nanos();
        if nanos % 1_000_000_000 != 0 {
            return Err(K8sError::Expiration(format!(
                "{text:?} is not a whole number of seconds (spec.expirationSeconds is an integer)"
            )));
        }
        nanos / 1_000_000_000
    };
    validate_expiration(seconds)?;
    Ok(seconds)
}

/// The API's bounds on `spec.expirationSeconds`: at least 600 and an int32.
///
/// # Errors
/// [`K8sError::Expiration`].
pub fn validate_expiration(seconds: i64) -> Result<(), K8sError> {
    match expiration_problem(seconds) {
        Some(reason) => Err(K8sError::Expiration(format!("{seconds}s: {reason}"))),
        None => Ok(()),
    }
}

/// Why the API server refuses `spec.expirationSeconds` = `seconds`, if it does
/// (Kubernetes `pkg/apis/certificates/validation`: "may not specify a duration less than
/// 600 seconds (10 minutes)", and the field is an int32).
pub fn expiration_problem(seconds: i64) -> Option<String> {
    if seconds < MIN_EXPIRATION_SECONDS {
        return Some("may not specify a duration less than 600 seconds (10 minutes)".into());
    }
    if seconds > i64::from(i32::MAX) {
        return Some(format!(
            "spec.expirationSeconds is an int32 (at most {} seconds, about 68 years)",
            i32::MAX
        ));
    }
    None
}

/// An object name we write: a DNS subdomain (RFC 1123: lower-case alphanumerics, `-` and
/// `.`, alphanumeric at both ends of each label, at most 253 characters), the form
/// `kubectl` and the Kubernetes naming conventions use for cluster-scoped objects. (The
/// API itself only refuses names that cannot be a URL path segment; a stricter name
/// never surprises anyone.)
///
/// # Errors
/// [`K8sError::Name`].
pub fn validate_object_name(name: &str) -> Result<(), K8sError> {
    let bad = |why: &str| Err(K8sError::Name(format!("invalid name {name:?}: {why}")));
    if name.is_empty() {
        return bad("a name is required (-name)");
    }
    if name.len() > 253 {
        return bad("must be no more than 253 characters");
    }
    if !name.split('.').all(is_rfc1123_label_chars) {
        return bad(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
        );
    }
    Ok(())
}

/// A non-empty run of `[a-z0-9-]` that starts and ends with `[a-z0-9]`.
fn is_rfc1123_label_chars(label: &str) -> bool {
    let b = label.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    matches!((b.first(), b.last()), (Some(f), Some(l)) if alnum(f) && alnum(l))
        && b.iter().all(|c| alnum(c) || *c == b'-')
}

/// The API's `signerName` rule: `DOMAIN/PATH`, one `/`; the domain at most 253
/// characters of RFC 1123 labels (each at most 63) with at least one dot; the path
/// dot-separated RFC 1123 subdomains; the whole at most 571 characters.
///
/// # Errors
/// [`K8sError::Signer`].
pub fn validate_signer_name(name: &str) -> Result<(), K8sError> {
    let bad = |why: &str| {
        Err(K8sError::Signer(format!(
            "invalid signer name {name:?}: {why}"
        )))
    };
    if name.is_empty() {
        return bad("a signer is required (-signer), e.g. kubernetes.io/kube-apiserver-client");
    }
    let Some((domain, path)) = name.split_once('/') else {
        return bad(
            "must be a fully qualified domain and path of the form 'example.com/signer-name'",
        );
    };
    if path.contains('/') {
        return bad(
            "must be a fully qualified domain and path of the form 'example.com/signer-name'",
        );
    }
    if domain.len() > 253 {
        return bad("the domain must be no more than 253 characters");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if !labels
        .iter()
        .all(|l| l.len() <= 63 && is_rfc1123_label_chars(l))
    {
        return bad(
            "the domain must consist of RFC 1123 labels (lower case alphanumerics and '-')",
        );
    }
    if labels.len() < 2 {
        return bad("the domain should have at least two segments separated by dots");
    }
    if !path
        .split('.')
        .all(|l| l.len() <= 253 && is_rfc1123_label_chars(l))
    {
        return bad(
            "the path must consist of lower case alphanumerics, '-' and '.', starting and ending with an alphanumeric",
        );
    }
    if name.len() > 253 + 253 + 63 + 2 {
        return bad("must be no more than 571 characters");
    }
    if name == LEGACY_UNKNOWN {
        return Err(K8sError::LegacySigner);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfssl_keys::Curve;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn defaults_follow_the_signer_and_key() {
        let rsa = KeyAlgorithm::Rsa { bits: 2048 };
        let ec = KeyAlgorithm::Ecdsa(Curve::P256);
        assert_eq!(
            default_usages(KUBE_APISERVER_CLIENT, ec).unwrap(),
            strings(&["digital signature", "client auth"])
        );
        assert_eq!(
            default_usages(KUBE_APISERVER_CLIENT, rsa).unwrap(),
            strings(&["digital signature", "key encipherment", "client auth"])
        );
        assert_eq!(
            default_usages(KUBELET_SERVING, rsa).unwrap(),
            strings(&["digital signature", "key encipherment", "server auth"])
        );
        assert_eq!(
            default_usages(KUBE_APISERVER_CLIENT_KUBELET, KeyAlgorithm::Ed25519).unwrap(),
            strings(&["digital signature", "client auth"])
        );
        assert!(matches!(
            default_usages(LEGACY_UNKNOWN, ec),
            Err(K8sError::LegacySigner)
        ));
        assert!(matches!(
            default_usages("example.com/serving", ec),
            Err(K8sError::Usages(_))
        ));
    }

    #[test]
    fn usages_are_checked_as_the_api_does() {
        assert_eq!(
            parse_usages(" client auth,digital signature ,,"),
            strings(&["client auth", "digital signature"])
        );
        assert!(validate_usages(&strings(&["client auth", "digital signature"])).is_ok());
        assert!(validate_usages(&[]).is_err());
        let e = validate_usages(&strings(&["client-auth"])).unwrap_err();
        assert!(
            e.to_string().contains("unknown usage \"client-auth\""),
            "{e}"
        );
        let e = validate_usages(&strings(&["client auth", "client auth"])).unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
    }

    #[test]
    fn expiration() {
        assert_eq!(parse_expiration("24h").unwrap(), 86_400);
        assert_eq!(parse_expiration("600").unwrap(), 600);
        assert_eq!(parse_expiration("10m").unwrap(), 600);
        assert_eq!(parse_expiration("8760h").unwrap(), 31_536_000);
        for bad in [
            "599s",
            "9m59s",
            "0",
            "-1h",
            "1y",
            "",
            "1.5s",
            "600000000000h",
            "2147483648",
        ] {
            assert!(parse_expiration(bad).is_err(), "{bad}");
        }
        assert!(parse_expiration("2147483647").is_ok());
        let e = parse_expiration("5m").unwrap_err().to_string();
        assert!(e.contains("less than 600 seconds"), "{e}");
    }

    #[test]
    fn object_names() {
        for ok in ["myuser", "node-csr-abc.def", "a", "0x", &"a".repeat(253)] {
            assert!(validate_object_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "MyUser",
            "-a",
            "a-",
            "a..b",
            ".a",
            "a_b",
            "a/b",
            "a b",
            "é",
            &"a".repeat(254),
        ] {
            assert!(validate_object_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn signer_names() {
        for ok in [
            KUBE_APISERVER_CLIENT,
            KUBELET_SERVING,
            "example.com/serving",
            "example.com/a.b-c",
        ] {
            assert!(validate_signer_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "kubernetes.io",
            "example/serving",
            "example.com/",
            "example.com/a/b",
            "Example.com/x",
            "example.com/X",
            "exa_mple.com/x",
        ] {
            assert!(
                matches!(validate_signer_name(bad), Err(K8sError::Signer(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            validate_signer_name(LEGACY_UNKNOWN),
            Err(K8sError::LegacySigner)
        ));
        assert_eq!(
            BuiltInSigner::from_name(KUBELET_SERVING).map(BuiltInSigner::name),
            Some(KUBELET_SERVING)
        );
        assert!(BuiltInSigner::KubeletServing.is_kubelet_signer());
        assert!(!BuiltInSigner::KubeApiserverClient.is_kubelet_signer());
    }
}
