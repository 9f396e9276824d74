//! The identity review: what a certificate issued for a request would let its holder be,
//! and what a careful approver must refuse.
//!
//! The API server's x509 authenticator takes the user name from the subject's common
//! name and the groups from its organizations (Kubernetes docs, "Authenticating", "X509
//! client certificates"), so the subject *is* the identity. Each [`Finding`] names one
//! reason to refuse; a request without findings is "clean" (nothing here forbids it,
//! which is not the same as "should be approved": the approver still decides who may be
//! `jane`).
//!
//! The checks (Kubernetes docs, "Certificate Signing Requests", "Kubernetes signers";
//! the kubelet CSR rules of `pkg/apis/certificates`):
//! * [`Check::ClusterAdminGroup`] flags `O=system:masters` (bypasses authorization entirely)
//!   and `O=kubeadm:cluster-admins` (bound to `cluster-admin` by kubeadm);
//! * [`Check::SystemGroup`] / [`Check::SystemUser`] flags other `system:` groups and user
//!   names, reserved for Kubernetes components;
//! * [`Check::NodeIdentity`] flags `CN=system:node:NAME` or `O=system:nodes` outside the kubelet
//!   signers, or a kubelet-signer request whose subject is not exactly
//!   `O=system:nodes, CN=system:node:NAME` or (client signer) that carries SANs;
//! * [`Check::NodeServingSans`] flags a `kubelet-serving` request without a DNS or IP SAN, with
//!   e-mail or URI SANs, or with a DNS SAN that is not the node's name (`NAME` itself or a
//!   name under `NAME.`); IP SANs are listed for the approver to compare with the node's
//!   addresses, which only the cluster knows;
//! * [`Check::Usages`] flags usages the signer does not issue, unknown or repeated ones;
//! * [`Check::WeakKey`] flags RSA below 2048 bits;
//! * [`Check::CaRequest`] flags basicConstraints `cA=TRUE`, keyUsage keyCertSign/cRLSign, or
//!   `cert sign`/`crl sign`/`any` usages (no Kubernetes signer issues CA certificates);
//! * [`Check::Signer`] flags `kubernetes.io/legacy-unknown` or a malformed signer name;
//! * [`Check::Signature`] flags a request not signed by its own key.

use std::collections::BTreeSet;

use cfssl_csr::hosts::go_ip_string;
use cfssl_keys::KeyAlgorithm;
use const_oid::db::rfc5280::ID_CE_KEY_USAGE;
use der::Decode as _;
use serde_json::{Value, json};

use crate::names::{
    ALL_USAGES, BuiltInSigner, CA_USAGES, CLIENT_AUTH, DIGITAL_SIGNATURE, KEY_ENCIPHERMENT,
    SERVER_AUTH,
};
use crate::object::CsrRequest;

/// Groups that make their members cluster administrators.
pub const CLUSTER_ADMIN_GROUPS: &[&str] = &["system:masters", "kubeadm:cluster-admins"];
/// The node group.
pub const NODES_GROUP: &str = "system:nodes";
/// The prefix of node user names.
pub const NODE_USER_PREFIX: &str = "system:node:";
/// RSA keys shorter than this are weak (NIST SP 800-131A).
pub const MIN_RSA_BITS: usize = 2048;

/// The kind of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// `system:masters` or `kubeadm:cluster-admins`.
    ClusterAdminGroup,
    /// Another `system:` group.
    SystemGroup,
    /// A `system:` user name other than a node's under the kubelet signers.
    SystemUser,
    /// A node identity outside the kubelet signer rules.
    NodeIdentity,
    /// `kubelet-serving` SANs that are not the node's.
    NodeServingSans,
    /// Usages that do not fit the signer or the API.
    Usages,
    /// A weak key.
    WeakKey,
    /// A request for a CA certificate or signing powers.
    CaRequest,
    /// A signer name the API refuses.
    Signer,
    /// The request is not signed by its own key.
    Signature,
}

impl Check {
    /// A stable short name (used in reports and `-json`).
    pub fn id(self) -> &'static str {
        match self {
            Check::ClusterAdminGroup => "cluster-admin-group",
            Check::SystemGroup => "system-group",
            Check::SystemUser => "system-user",
            Check::NodeIdentity => "node-identity",
            Check::NodeServingSans => "node-serving-sans",
            Check::Usages => "usages",
            Check::WeakKey => "weak-key",
            Check::CaRequest => "ca-request",
            Check::Signer => "signer",
            Check::Signature => "signature",
        }
    }
}

/// One reason a careful approver must refuse the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of problem.
    pub check: Check,
    /// Why, in words that name the offending value.
    pub reason: String,
}

/// The result of a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// `metadata.name` (None for a bare PEM CSR).
    pub name: Option<String>,
    /// `spec.signerName` (None for a bare PEM CSR).
    pub signer_name: Option<String>,
    /// The approval state, for objects.
    pub status: Option<String>,
    /// `spec.username`: who submitted the object.
    pub requested_by: Option<String>,
    /// `spec.groups`: the submitter's groups.
    pub requester_groups: Vec<String>,
    /// The user name the certificate would carry (CN).
    pub user: String,
    /// The groups it would carry (O).
    pub groups: Vec<String>,
    /// SANs as `DNS:…`, `IP:…`, `email:…`, `URI:…`.
    pub sans: Vec<String>,
    /// The key, e.g. `ecdsa-256`, `rsa-2048`, `ed25519`.
    pub key: String,
    /// `spec.usages`.
    pub usages: Vec<String>,
    /// `spec.expirationSeconds`.
    pub expiration_seconds: Option<i64>,
    /// What to refuse.
    pub findings: Vec<Finding>,
    /// What the approver should still check by hand.
    pub notes: Vec<String>,
}

impl Review {
    /// Whether anything was found.
    pub fn is_flagged(&self) -> bool {
        !self.findings.is_empty()
    }

    /// The report as text, one `label: value` line each, findings last.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut line = |label: &str, value: &str| {
            out.push_str(&format!("{:<13} {value}\n", format!("{label}:")));
        };
        match &self.name {
            Some(name) => line("request", &format!("CertificateSigningRequest {name}")),
            None => line("request", "PEM certificate request"),
        }
        if let Some(signer) = &self.signer_name {
            line("signer", signer);
        }
        if let Some(status) = &self.status {
            line("status", status);
        }
        if let Some(by) = &self.requested_by {
            let groups = if self.requester_groups.is_empty() {
                String::new()
            } else {
                format!(" (groups: {})", self.requester_groups.join(", "))
            };
            line("requested by", &format!("{by}{groups}"));
        }
        line("user", &or_none(&self.user));
        line("groups", &or_none(&self.groups.join(", ")));
        line("SANs", &or_none(&self.sans.join(", ")));
        line("key", &self.key);
        if self.name.is_some() {
            line("usages", &or_none(&self.usages.join(", ")));
            line(
                "expiration",
                &match self.expiration_seconds {
                    Some(s) => format!("{s}s ({})", human_duration(s)),
                    None => "signer's default".to_owned(),
                },
            );
        }
        for note in &self.notes {
            line("note", note);
        }
        if self.findings.is_empty() {
            line("verdict", "clean: nothing a careful approver must refuse");
        } else {
            line(
                "verdict",
                &format!(
                    "FLAGGED: {} finding{}; refuse unless you are sure",
                    self.findings.len(),
                    if self.findings.len() == 1 { "" } else { "s" }
                ),
            );
            for f in &self.findings {
                out.push_str(&format!("  - [{}] {}\n", f.check.id(), f.reason));
            }
        }
        out
    }

    /// The report as a JSON value.
    pub fn to_value(&self) -> Value {
        json!({
            "name": self.name,
            "signerName": self.signer_name,
            "status": self.status,
            "requestedBy": self.requested_by,
            "requesterGroups": self.requester_groups,
            "user": self.user,
            "groups": self.groups,
            "sans": self.sans,
            "key": self.key,
            "usages": self.usages,
            "expirationSeconds": self.expiration_seconds,
            "flagged": self.is_flagged(),
            "findings": self.findings.iter().map(|f| json!({"check": f.check.id(), "reason": f.reason})).collect::<Vec<_>>(),
            "notes": self.notes,
        })
    }
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "(none)".to_owned()
    } else {
        s.to_owned()
    }
}

/// `90061` → `1d1h1m1s`.
fn human_duration(seconds: i64) -> String {
    let mut out = String::new();
    let mut rest = seconds;
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() { "0s".into() } else { out }
}

/// Reviews one request.
pub fn review(request: &CsrRequest) -> Review {
    let csr = &request.csr;
    let object = request.object.as_ref();
    let signer = object.map(|o| o.signer_name.as_str());
    let built_in = signer.and_then(BuiltInSigner::from_name);
    let user = csr.subject.common_name.clone();
    let groups = csr.subject.organization.clone();
    let sans = &csr.sans;
    let key_alg = csr.public_key.algorithm();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let mut flag = |check: Check, reason: String| findings.push(Finding { check, reason });

    if let Err(e) = csr.verify_signature() {
        flag(
            Check::Signature,
            format!("the request is not signed by its own key (no proof of possession): {e}"),
        );
    }

    // Identity: groups, then the user name.
    let kubelet_signer = built_in.is_some_and(BuiltInSigner::is_kubelet_signer);
    let node_subject = user.starts_with(NODE_USER_PREFIX) && groups == [NODES_GROUP];
    for group in &groups {
        match group.as_str() {
            "system:masters" => flag(
                Check::ClusterAdminGroup,
                "group system:masters: its members bypass every authorization check (cluster-admin that no RBAC change can take away); only a new CA revokes it".into(),
            ),
            "kubeadm:cluster-admins" => flag(
                Check::ClusterAdminGroup,
                "group kubeadm:cluster-admins: kubeadm binds it to the cluster-admin ClusterRole (full control of the cluster)".into(),
            ),
            NODES_GROUP if kubelet_signer || (signer.is_none() && node_subject) => {}
            NODES_GROUP => flag(
                Check::NodeIdentity,
                format!(
                    "group system:nodes through {}: node credentials must come from the kubelet signers ({} for clients), whose node rules then apply",
                    signer.unwrap_or("a bare CSR"),
                    crate::names::KUBE_APISERVER_CLIENT_KUBELET
                ),
            ),
            g if g.starts_with("system:") => flag(
                Check::SystemGroup,
                format!("group {g}: system: groups are reserved for Kubernetes components and built-in roles; the certificate would act with that group's permissions"),
            ),
            _ => {}
        }
    }
    if let Some(node) = user.strip_prefix(NODE_USER_PREFIX) {
        if !(kubelet_signer || signer.is_none() && node_subject) {
            flag(
                Check::NodeIdentity,
                format!(
                    "user {user}: a node identity requested {} without the kubelet signer rules (O exactly system:nodes, no SANs, fixed usages); the Node authorizer would let it act as node {node:?}",
                    signer.map_or_else(|| "in a bare CSR".to_owned(), |s| format!("through {s}"))
                ),
            );
        } else if signer.is_none() {
            notes.push(format!(
                "a node identity ({node}): submit it with signer {} (client) or {} (serving), whose rules are checked once the signer is known",
                crate::names::KUBE_APISERVER_CLIENT_KUBELET,
                crate::names::KUBELET_SERVING
            ));
        }
    } else if user.starts_with("system:") {
        flag(
            Check::SystemUser,
            format!(
                "user {user}: system: user names are reserved for Kubernetes components (system:kube-controller-manager, system:kube-scheduler, system:serviceaccount:…); the certificate would act as that component"
            ),
        );
    } else if user.is_empty() && !kubelet_signer {
        notes.push(
            "no common name: the API server authenticates no user from this certificate".into(),
        );
    }

    // The kubelet signers' subject and SAN rules.
    if kubelet_signer {
        let signer_name = signer.unwrap_or_default();
        if groups != [NODES_GROUP] {
            flag(
                Check::NodeIdentity,
                format!(
                    "{signer_name} requires the organization to be exactly [system:nodes]; got [{}]",
                    groups.join(", ")
                ),
            );
        }
        if !user.starts_with(NODE_USER_PREFIX) {
            flag(
                Check::NodeIdentity,
                format!("{signer_name} requires a common name system:node:NAME; got {user:?}"),
            );
        }
    }
    let san_list = san_strings(csr);
    match built_in {
        Some(BuiltInSigner::KubeApiserverClientKubelet) if !san_list.is_empty() => flag(
            Check::NodeIdentity,
            format!(
                "{} forbids subjectAltNames; this request has {}",
                crate::names::KUBE_APISERVER_CLIENT_KUBELET,
                san_list.join(", ")
            ),
        ),
        Some(BuiltInSigner::KubeletServing) => {
            let node = user.strip_prefix(NODE_USER_PREFIX).unwrap_or("");
            if sans.dns_names.is_empty() && sans.ip_addresses.is_empty() {
                flag(
                    Check::NodeServingSans,
                    "kubelet-serving needs at least one DNS or IP subjectAltName (the node's name or address)".into(),
                );
            }
            for email in &sans.email_addresses {
                flag(
                    Check::NodeServingSans,
                    format!("e-mail SAN {email}: kubelet-serving allows DNS and IP SANs only"),
                );
            }
            for uri in &sans.uris {
                flag(
                    Check::NodeServingSans,
                    format!("URI SAN {uri}: kubelet-serving allows DNS and IP SANs only"),
                );
            }
            for dns in &sans.dns_names {
                if !is_node_dns_name(node, dns) {
                    flag(
                        Check::NodeServingSans,
                        format!(
                            "DNS SAN {dns} is not the node's name (node {node:?}: expected {node:?} or a name under \"{node}.\"); the certificate could serve as that host"
                        ),
                    );
                }
            }
            if !sans.ip_addresses.is_empty() {
                let ips: Vec<String> = sans.ip_addresses.iter().map(go_ip_string).collect();
                notes.push(format!(
                    "check that {} {} node {node}'s (kubectl get node {node} -o jsonpath='{{.status.addresses}}')",
                    ips.join(", "),
                    if ips.len() == 1 { "is" } else { "are" }
                ));
            }
        }
        _ => {}
    }

    // Usages, against the API's vocabulary and the signer's rules.
    if let Some(object) = object {
        check_usages(&object.usages, built_in, &mut flag);
    }

    // The signer itself.
    if let Some(name) = signer {
        match crate::names::validate_signer_name(name) {
            Ok(()) => {}
            Err(crate::K8sError::LegacySigner) => flag(
                Check::Signer,
                format!(
                    "{name}: no trust guarantees, and certificates.k8s.io/v1 no longer accepts it"
                ),
            ),
            Err(e) => flag(Check::Signer, e.to_string()),
        }
    }

    // The key.
    if let KeyAlgorithm::Rsa { bits } = key_alg
        && bits < MIN_RSA_BITS
    {
        flag(
            Check::WeakKey,
            format!("RSA-{bits} key: below {MIN_RSA_BITS} bits, breakable (NIST SP 800-131A)"),
        );
    }

    // CA requests.
    if let Some((true, path_len)) = csr.basic_constraints {
        let limit = if path_len >= 0 {
            format!(", pathLen {path_len}")
        } else {
            String::new()
        };
        flag(
            Check::CaRequest,
            format!(
                "asks for a CA certificate (basicConstraints cA=TRUE{limit}): no Kubernetes signer issues one, and its holder could mint any identity"
            ),
        );
    }
    if let Some(bits) = requested_key_usage(csr)
        && bits & (KEY_CERT_SIGN | CRL_SIGN) != 0
    {
        flag(
            Check::CaRequest,
            "requests keyUsage keyCertSign/cRLSign: signing powers over other certificates".into(),
        );
    }

    Review {
        name: object.map(|o| o.name.clone()),
        signer_name: signer.map(str::to_owned),
        status: object.map(|o| o.approval().to_string()),
        requested_by: object.and_then(|o| o.username.clone()),
        requester_groups: object.map(|o| o.groups.clone()).unwrap_or_default(),
        user,
        groups,
        sans: san_list,
        key: key_alg.describe(),
        usages: object.map(|o| o.usages.clone()).unwrap_or_default(),
        expiration_seconds: object.and_then(|o| o.expiration_seconds),
        findings,
        notes,
    }
}

fn check_usages(
    usages: &[String],
    signer: Option<BuiltInSigner>,
    flag: &mut impl FnMut(Check, String),
) {
    if usages.is_empty() {
        flag(
            Check::Usages,
            "no usages: the API requires at least one".into(),
        );
    }
    let mut seen = BTreeSet::new();
    for usage in usages {
        if !ALL_USAGES.contains(&usage.as_str()) {
            flag(Check::Usages, format!("unknown usage {usage:?}"));
        }
        if !seen.insert(usage.as_str()) {
            flag(Check::Usages, format!("usage {usage:?} is given twice"));
        }
    }
    let set: BTreeSet<&str> = usages.iter().map(String::as_str).collect();
    let exactly = |extended: &str| {
        let with_ke = BTreeSet::from([DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, extended]);
        let without = BTreeSet::from([DIGITAL_SIGNATURE, extended]);
        set == with_ke || set == without
    };
    match signer {
        Some(BuiltInSigner::KubeApiserverClient) => {
            if !set.contains(CLIENT_AUTH) {
                flag(
                    Check::Usages,
                    "kube-apiserver-client certificates must include the \"client auth\" usage"
                        .into(),
                );
            }
            for extra in set
                .iter()
                .filter(|u| ![DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, CLIENT_AUTH].contains(*u))
            {
                flag(
                    Check::Usages,
                    format!(
                        "usage {extra:?} does not fit kube-apiserver-client (allowed: digital signature, key encipherment, client auth)"
                    ),
                );
            }
        }
        Some(s @ (BuiltInSigner::KubeApiserverClientKubelet | BuiltInSigner::KubeletServing)) => {
            let extended = if s == BuiltInSigner::KubeletServing {
                SERVER_AUTH
            } else {
                CLIENT_AUTH
            };
            if !exactly(extended) {
                flag(
                    Check::Usages,
                    format!(
                        "{} issues exactly [digital signature, key encipherment, {extended}] or [digital signature, {extended}]; got [{}]",
                        s.name(),
                        usages.join(", ")
                    ),
                );
            }
        }
        _ => {
            for ca in set.iter().filter(|u| CA_USAGES.contains(*u)) {
                flag(
                    Check::CaRequest,
                    format!(
                        "usage {ca:?} gives the certificate signing powers over other certificates or CRLs"
                    ),
                );
            }
        }
    }
}

/// keyCertSign and cRLSign in the DER BIT STRING numbering (bit 5 and 6).
const KEY_CERT_SIGN: u16 = 1 << 5;
const CRL_SIGN: u16 = 1 << 6;

/// The keyUsage bits a CSR requests (bit i = RFC 5280 bit i), if it requests any.
fn requested_key_usage(csr: &cfssl_csr::ParsedCsr) -> Option<u16> {
    let ext = csr
        .extensions
        .iter()
        .find(|e| e.extn_id == ID_CE_KEY_USAGE)?;
    let bits = der::asn1::BitString::from_der(ext.extn_value.as_bytes()).ok()?;
    let mut value = 0u16;
    for (i, set) in bits.bits().enumerate().take(16) {
        if set {
            value |= 1 << i;
        }
    }
    Some(value)
}

/// A DNS SAN belongs to node `node` when it is the node's name or a name under it
/// (`worker-0`, `worker-0.example.internal`); wildcards never do.
fn is_node_dns_name(node: &str, dns: &str) -> bool {
    if node.is_empty() || dns.contains('*') {
        return false;
    }
    let dns = dns.trim_end_matches('.').to_ascii_lowercase();
    let node = node.to_ascii_lowercase();
    dns == node
        || dns
            .strip_prefix(&node)
            .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1)
}

fn san_strings(csr: &cfssl_csr::ParsedCsr) -> Vec<String> {
    let s = &csr.sans;
    s.dns_names
        .iter()
        .map(|d| format!("DNS:{d}"))
        .chain(
            s.ip_addresses
                .iter()
                .map(|ip| format!("IP:{}", go_ip_string(ip))),
        )
        .chain(s.email_addresses.iter().map(|e| format!("email:{e}")))
        .chain(s.uris.iter().map(|u| format!("URI:{u}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING};
    use crate::object::read_requests;
    use crate::test_support::{ca_csr, csr, object};

    fn review_object(json: &str, signer: &str, usages: &[&str]) -> Review {
        review_pem(&csr(json), signer, usages)
    }

    fn review_pem(pem: &str, signer: &str, usages: &[&str]) -> Review {
        let obj = object("r", signer, pem, usages, None, &[]);
        review(&read_requests(obj.to_string().as_bytes()).unwrap()[0])
    }

    fn checks(r: &Review) -> Vec<Check> {
        r.findings.iter().map(|f| f.check).collect()
    }

    const EC: &str = r#""key":{"algo":"ecdsa","size":256}"#;

    #[test]
    fn plain_user_and_node_requests_are_clean() {
        let user = review_object(
            &format!(r#"{{"CN":"jane","names":[{{"O":"app-team"}}],{EC}}}"#),
            KUBE_APISERVER_CLIENT,
            &["digital signature", "client auth"],
        );
        assert_eq!(user.findings, [], "{}", user.to_text());
        assert_eq!(user.user, "jane");
        assert_eq!(user.groups, ["app-team"]);
        assert!(
            user.to_text().contains("verdict:      clean"),
            "{}",
            user.to_text()
        );

        let node_client = review_object(
            &format!(r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],{EC}}}"#),
            KUBE_APISERVER_CLIENT_KUBELET,
            &["digital signature", "client auth"],
        );
        assert_eq!(node_client.findings, [], "{}", node_client.to_text());

        let node_serving = review_object(
            &format!(
                r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],"hosts":["worker-0","worker-0.example.internal","10.240.0.20"],{EC}}}"#
            ),
            KUBELET_SERVING,
            &["digital signature", "server auth"],
        );
        assert_eq!(node_serving.findings, [], "{}", node_serving.to_text());
        assert!(node_serving.notes.iter().any(|n| n.contains("10.240.0.20")));

        let rsa_node = review_object(
            r#"{"CN":"system:node:w","names":[{"O":"system:nodes"}],"key":{"algo":"rsa","size":2048}}"#,
            KUBE_APISERVER_CLIENT_KUBELET,
            &["key encipherment", "digital signature", "client auth"],
        );
        assert_eq!(rsa_node.findings, []);
    }

    #[test]
    fn cluster_admin_groups() {
        for group in ["system:masters", "kubeadm:cluster-admins"] {
            let r = review_object(
                &format!(r#"{{"CN":"eve","names":[{{"O":"{group}"}}],{EC}}}"#),
                KUBE_APISERVER_CLIENT,
                &["client auth"],
            );
            assert_eq!(checks(&r), [Check::ClusterAdminGroup], "{group}");
            assert!(r.findings[0].reason.contains(group));
            assert!(
                r.to_text().contains("FLAGGED: 1 finding;"),
                "{}",
                r.to_text()
            );
        }
    }

    #[test]
    fn other_system_groups_and_users() {
        let r = review_object(
            &format!(r#"{{"CN":"eve","names":[{{"O":"system:kube-controller-manager"}}],{EC}}}"#),
            KUBE_APISERVER_CLIENT,
            &["client auth"],
        );
        assert_eq!(checks(&r), [Check::SystemGroup]);
        let r = review_object(
            &format!(r#"{{"CN":"system:kube-scheduler",{EC}}}"#),
            KUBE_APISERVER_CLIENT,
            &["client auth"],
        );
        assert_eq!(checks(&r), [Check::SystemUser]);
    }

    #[test]
    fn node_names_outside_the_kubelet_signers() {
        let r = review_object(
            &format!(r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],{EC}}}"#),
            KUBE_APISERVER_CLIENT,
            &["client auth"],
        );
        assert_eq!(checks(&r), [Check::NodeIdentity, Check::NodeIdentity]);
        // A kubelet signer with the wrong subject.
        let r = review_object(
            &format!(r#"{{"CN":"system:node:worker-0","names":[{{"O":"ops"}}],{EC}}}"#),
            KUBE_APISERVER_CLIENT_KUBELET,
            &["digital signature", "client auth"],
        );
        assert_eq!(checks(&r), [Check::NodeIdentity]);
        let r = review_object(
            &format!(r#"{{"CN":"worker-0","names":[{{"O":"system:nodes"}}],{EC}}}"#),
            KUBE_APISERVER_CLIENT_KUBELET,
            &["digital signature", "client auth"],
        );
        assert_eq!(checks(&r), [Check::NodeIdentity]);
        // SANs are forbidden for kubelet client certificates.
        let r = review_object(
            &format!(
                r#"{{"CN":"system:node:w","names":[{{"O":"system:nodes"}}],"hosts":["w"],{EC}}}"#
            ),
            KUBE_APISERVER_CLIENT_KUBELET,
            &["digital signature", "client auth"],
        );
        assert_eq!(checks(&r), [Check::NodeIdentity]);
    }

    #[test]
    fn kubelet_serving_sans() {
        let serving = |hosts: &str| {
            review_object(
                &format!(
                    r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],"hosts":[{hosts}],{EC}}}"#
                ),
                KUBELET_SERVING,
                &["digital signature", "server auth"],
            )
        };
        assert_eq!(
            checks(&serving(r#""kubernetes.default""#)),
            [Check::NodeServingSans]
        );
        assert_eq!(
            checks(&serving(r#""worker-0","*.worker-0""#)),
            [Check::NodeServingSans]
        );
        assert_eq!(checks(&serving(r#""worker-00""#)), [Check::NodeServingSans]);
        assert_eq!(checks(&serving("")), [Check::NodeServingSans]);
        assert_eq!(
            checks(&serving(r#""worker-0","ops@example.com""#)),
            [Check::NodeServingSans]
        );
        assert_eq!(
            checks(&serving(r#""worker-0","spiffe://x/y""#)),
            [Check::NodeServingSans]
        );
        // cfssl-rs no longer writes a trailing-dot name into a CSR (it is not RFC 5280
        // preferred name syntax), but a kubelet's CSR may carry one: the review still matches
        // it to the node, case-insensitively.
        let absolute = crate::test_support::csr_with_dns_names(
            &format!(r#"{{"CN":"system:node:worker-0","names":[{{"O":"system:nodes"}}],{EC}}}"#),
            &["WORKER-0.example."],
        );
        assert_eq!(
            checks(&review_pem(
                &absolute,
                KUBELET_SERVING,
                &["digital signature", "server auth"]
            )),
            []
        );
    }

    #[test]
    fn usages_that_do_not_fit() {
        let user = format!(r#"{{"CN":"jane",{EC}}}"#);
        let node = format!(r#"{{"CN":"system:node:w","names":[{{"O":"system:nodes"}}],{EC}}}"#);
        for (json, signer, usages) in [
            (&user, KUBE_APISERVER_CLIENT, &["digital signature"][..]),
            (
                &user,
                KUBE_APISERVER_CLIENT,
                &["client auth", "server auth"][..],
            ),
            (
                &user,
                KUBE_APISERVER_CLIENT,
                &["signing", "client auth"][..],
            ),
            (
                &user,
                KUBE_APISERVER_CLIENT,
                &["client auth", "client auth"][..],
            ),
            (&user, KUBE_APISERVER_CLIENT, &[][..]),
            (&user, "example.com/x", &["client-auth"][..]),
            (&node, KUBE_APISERVER_CLIENT_KUBELET, &["client auth"][..]),
            (
                &node,
                KUBE_APISERVER_CLIENT_KUBELET,
                &["digital signature", "client auth", "server auth"][..],
            ),
        ] {
            let r = review_object(json, signer, usages);
            assert!(
                !r.findings.is_empty() && checks(&r).iter().all(|c| *c == Check::Usages),
                "{usages:?}: {}",
                r.to_text()
            );
        }
        let r = review_object(&user, "example.com/x", &["client auth", "cert sign"]);
        assert_eq!(checks(&r), [Check::CaRequest]);
    }

    #[test]
    fn weak_keys() {
        let r = review_pem(
            include_str!("../testdata/rsa1024.csr"),
            KUBE_APISERVER_CLIENT,
            &["client auth"],
        );
        assert_eq!(checks(&r), [Check::WeakKey], "{}", r.to_text());
        assert_eq!(r.key, "rsa-1024");
    }

    #[test]
    fn ca_requests() {
        let r = review_pem(&ca_csr("sub-ca"), KUBE_APISERVER_CLIENT, &["client auth"]);
        assert_eq!(
            checks(&r),
            [Check::CaRequest, Check::CaRequest],
            "{}",
            r.to_text()
        );
    }

    #[test]
    fn signer_and_signature() {
        let user = format!(r#"{{"CN":"jane",{EC}}}"#);
        let r = review_object(&user, crate::names::LEGACY_UNKNOWN, &["client auth"]);
        assert_eq!(checks(&r), [Check::Signer]);
        let r = review_object(&user, "nodomain/x", &["client auth"]);
        assert_eq!(checks(&r), [Check::Signer]);

        let pem = csr(&user);
        let mut der = cfssl_csr::ParsedCsr::from_pem(pem.as_bytes()).unwrap().der;
        if let Some(last) = der.last_mut() {
            *last ^= 1;
        }
        let tampered = cfssl_csr::pkcs10::pem_encode("CERTIFICATE REQUEST", &der);
        let r = review_pem(&tampered, KUBE_APISERVER_CLIENT, &["client auth"]);
        assert_eq!(checks(&r), [Check::Signature]);
    }

    #[test]
    fn bare_pem_requests() {
        let pem = csr(&format!(
            r#"{{"CN":"system:node:w","names":[{{"O":"system:nodes"}}],{EC}}}"#
        ));
        let r = review(&read_requests(pem.as_bytes()).unwrap()[0]);
        assert_eq!(r.findings, []);
        assert!(r.notes.iter().any(|n| n.contains("kubelet")));
        assert!(
            r.to_text()
                .starts_with("request:      PEM certificate request\n")
        );

        let pem = csr(&format!(
            r#"{{"CN":"system:node:w","names":[{{"O":"system:masters"}}],{EC}}}"#
        ));
        let r = review(&read_requests(pem.as_bytes()).unwrap()[0]);
        assert_eq!(checks(&r), [Check::ClusterAdminGroup, Check::NodeIdentity]);
        let v = r.to_value();
        assert_eq!(v["flagged"], true);
        assert_eq!(v["findings"][0]["check"], "cluster-admin-group");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(86_400), "1d");
        assert_eq!(human_duration(90_061), "1d1h1m1s");
        assert_eq!(human_duration(600), "10m");
    }
}
