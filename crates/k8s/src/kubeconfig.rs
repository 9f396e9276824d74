//! Kubeconfig files with embedded credentials: what `kubectl config set-cluster
//! --embed-certs`, `set-credentials --embed-certs`, `set-context` and `use-context` write
//! into an empty file (the "Kubernetes the Hard Way" recipe), in one step.
//!
//! The embedded data are the input files' bytes, base64-encoded, as `--embed-certs`
//! embeds them. Before writing, the inputs are checked: the CA file holds only
//! certificates, the client key belongs to the client certificate; a client certificate
//! that no given CA issued, one without the `client auth` usage, or a server that is not
//! `https://` produce warnings.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cfssl_keys::PrivateKey;
use cfssl_signer::ParsedCertificate;
use serde_json::{Value, json};

use crate::K8sError;

/// What goes into the kubeconfig.
#[derive(Clone, Copy, Debug)]
pub struct KubeconfigRequest<'a> {
    /// The cluster's name (`-cluster`).
    pub cluster: &'a str,
    /// The API server URL (`-server`).
    pub server: &'a str,
    /// The CA bundle that verifies the API server (`-ca`), PEM.
    pub ca_pem: &'a [u8],
    /// The user's name in the file (`-user`).
    pub user: &'a str,
    /// The client certificate (`-cert`), PEM (a chain is kept as given).
    pub cert_pem: &'a [u8],
    /// The client key (`-key`), PEM.
    pub key_pem: &'a [u8],
    /// The context's name (`-context`); `None` → `USER@CLUSTER`, as kubeadm names them.
    pub context: Option<&'a str>,
}

/// A kubeconfig ready to write, and what looked wrong.
#[derive(Clone, Debug)]
pub struct Kubeconfig {
    /// The document.
    pub value: Value,
    /// Reasons for a second look (for the command line to print as warnings).
    pub warnings: Vec<String>,
}

impl Kubeconfig {
    /// The kubeconfig as YAML, in `kubectl config view --raw`'s layout.
    pub fn to_yaml(&self) -> String {
        crate::yaml::to_yaml(&self.value)
    }

    /// The kubeconfig as indented JSON (kubectl reads both).
    pub fn to_json(&self) -> String {
        crate::pretty_json(&self.value)
    }
}

/// The `clientAuth` extended key usage, 1.3.6.1.5.5.7.3.2.
const CLIENT_AUTH: const_oid::ObjectIdentifier = cfssl_config::eku::CLIENT_AUTH;
/// `anyExtendedKeyUsage`, 2.5.29.37.0.
const ANY_EKU: const_oid::ObjectIdentifier = cfssl_config::eku::ANY;

/// Builds the kubeconfig.
///
/// # Errors
/// [`K8sError::Kubeconfig`] for a missing name or server, a CA file without
/// certificates, an unreadable certificate or key, or a key that is not the
/// certificate's.
pub fn build(request: &KubeconfigRequest<'_>) -> Result<Kubeconfig, K8sError> {
    let missing = |what: &str| Err(K8sError::Kubeconfig(format!("{what} is required")));
    if request.cluster.is_empty() {
        return missing("a cluster name (-cluster)");
    }
    if request.server.is_empty() {
        return missing("the API server URL (-server)");
    }
    if request.user.is_empty() {
        return missing("a user name (-user)");
    }
    let mut warnings = Vec::new();
    let cas = certificates(request.ca_pem, "the CA file (-ca)")?;
    let chain = certificates(request.cert_pem, "the client certificate (-cert)")?;
    let Some(leaf) = chain.first() else {
        return Err(K8sError::Kubeconfig(
            "the client certificate (-cert) holds no certificate".into(),
        ));
    };
    let key = PrivateKey::from_pem(request.key_pem).map_err(|e| {
        K8sError::Kubeconfig(match e {
            // kubectl reads client-key-data unencrypted; embedding ours would fail there.
            cfssl_keys::KeyError::Encrypted => "the client key (-key) is encrypted, and \
                kubectl cannot use an encrypted client-key-data; embed an unencrypted copy \
                (e.g. `openssl pkey -in KEY -out plain-key.pem`) and keep the kubeconfig private"
                .to_owned(),
            other => format!("the client key (-key) cannot be read: {other}"),
        })
    })?;
    if !leaf.public_key.matches(&key) {
        return Err(K8sError::Kubeconfig(
            "the client key (-key) does not belong to the client certificate (-cert)".into(),
        ));
    }
    let issuer_known = cas
        .iter()
        .chain(chain.iter().skip(1))
        .any(|ca| ca.subject_der == leaf.issuer_der);
    if !issuer_known {
        warnings.push(format!(
            "the client certificate was issued by {:?}, which is not in the CA file: the API server must trust that issuer for client certificates (its --client-ca-file)",
            leaf.issuer.common_name
        ));
    }
    if let Some(ekus) = &leaf.ext_key_usage
        && !ekus.iter().any(|e| *e == CLIENT_AUTH || *e == ANY_EKU)
    {
        warnings.push(
            "the client certificate lacks the client auth usage: the API server will refuse it"
                .into(),
        );
    }
    if !request.server.starts_with("https://") {
        warnings.push(format!(
            "server {:?} is not an https:// URL: client certificates are only sent over TLS",
            request.server
        ));
    }
    let context = request.context.map_or_else(
        || format!("{}@{}", request.user, request.cluster),
        str::to_owned,
    );
    let value = json!({
        "apiVersion": "v1",
        "clusters": [{
            "cluster": {
                "certificate-authority-data": STANDARD.encode(request.ca_pem),
                "server": request.server,
            },
            "name": request.cluster,
        }],
        "contexts": [{
            "context": {"cluster": request.cluster, "user": request.user},
            "name": context,
        }],
        "current-context": context,
        "kind": "Config",
        "preferences": {},
        "users": [{
            "name": request.user,
            "user": {
                "client-certificate-data": STANDARD.encode(request.cert_pem),
                "client-key-data": STANDARD.encode(request.key_pem),
            },
        }],
    });
    Ok(Kubeconfig { value, warnings })
}

/// Every PEM block of `pem`, each a certificate.
fn certificates(pem: &[u8], what: &str) -> Result<Vec<ParsedCertificate>, K8sError> {
    let blocks = pem::parse_many(pem)
        .map_err(|e| K8sError::Kubeconfig(format!("{what} is not PEM: {e}")))?;
    if blocks.is_empty() {
        return Err(K8sError::Kubeconfig(format!(
            "{what} holds no PEM certificate"
        )));
    }
    blocks
        .iter()
        .map(|b| {
            if b.tag() != "CERTIFICATE" {
                return Err(K8sError::Kubeconfig(format!(
                    "{what} holds a {:?} block where certificates were expected",
                    b.tag()
                )));
            }
            ParsedCertificate::from_der(b.contents())
                .map_err(|e| K8sError::Kubeconfig(format!("{what}: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{issue, test_ca};

    #[test]
    fn embeds_the_files_verbatim() {
        let (ca, ca_key) = test_ca();
        let ca_pem = ca.to_pem();
        let (cert, key) = issue(&ca, &ca_key, r#"{"CN":"admin","names":[{"O":"ops"}]}"#);
        let k = build(&KubeconfigRequest {
            cluster: "kthw",
            server: "https://127.0.0.1:6443",
            ca_pem: ca_pem.as_bytes(),
            user: "admin",
            cert_pem: cert.as_bytes(),
            key_pem: key.as_bytes(),
            context: None,
        })
        .unwrap();
        assert_eq!(k.warnings, Vec::<String>::new());
        let v = &k.value;
        assert_eq!(v["current-context"], "admin@kthw");
        assert_eq!(v["contexts"][0]["context"]["user"], "admin");
        assert_eq!(
            v["clusters"][0]["cluster"]["server"],
            "https://127.0.0.1:6443"
        );
        let data = |p: &str| {
            STANDARD
                .decode(v.pointer(p).and_then(Value::as_str).unwrap())
                .unwrap()
        };
        assert_eq!(
            data("/clusters/0/cluster/certificate-authority-data"),
            ca_pem.as_bytes()
        );
        assert_eq!(
            data("/users/0/user/client-certificate-data"),
            cert.as_bytes()
        );
        assert_eq!(data("/users/0/user/client-key-data"), key.as_bytes());
        let yaml = k.to_yaml();
        assert!(
            yaml.starts_with(
                "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0t"
            ),
            "{yaml}"
        );
        assert!(yaml.contains("\ncurrent-context: \"admin@kthw\"\nkind: Config\npreferences: {}\nusers:\n- name: admin\n  user:\n"), "{yaml}");
        let json: Value = serde_json::from_str(&k.to_json()).unwrap();
        assert_eq!(&json, v);
    }

    #[test]
    fn checks_the_inputs() {
        let (ca, ca_key) = test_ca();
        let ca_pem = ca.to_pem();
        let (cert, key) = issue(&ca, &ca_key, r#"{"CN":"admin"}"#);
        let (_, other_key) = issue(&ca, &ca_key, r#"{"CN":"other"}"#);
        let base = KubeconfigRequest {
            cluster: "c",
            server: "https://h:6443",
            ca_pem: ca_pem.as_bytes(),
            user: "u",
            cert_pem: cert.as_bytes(),
            key_pem: key.as_bytes(),
            context: Some("default"),
        };
        assert_eq!(build(&base).unwrap().value["current-context"], "default");
        for bad in [
            KubeconfigRequest {
                cluster: "",
                ..base
            },
            KubeconfigRequest { server: "", ..base },
            KubeconfigRequest { user: "", ..base },
            KubeconfigRequest {
                key_pem: other_key.as_bytes(),
                ..base
            },
            KubeconfigRequest {
                ca_pem: b"",
                ..base
            },
            KubeconfigRequest {
                ca_pem: key.as_bytes(),
                ..base
            },
            KubeconfigRequest {
                cert_pem: b"junk",
                ..base
            },
            KubeconfigRequest {
                key_pem: b"junk",
                ..base
            },
        ] {
            assert!(
                matches!(build(&bad), Err(K8sError::Kubeconfig(_))),
                "{bad:?}"
            );
        }
        let (other_ca, _) = test_ca();
        let other_pem = other_ca.to_pem();
        let k = build(&KubeconfigRequest {
            ca_pem: other_pem.as_bytes(),
            server: "http://h:8080",
            ..base
        })
        .unwrap();
        assert_eq!(k.warnings.len(), 2, "{:?}", k.warnings);
    }
}
