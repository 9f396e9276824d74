//! [`SigningProfile`] and its parts: one signing policy, after cfssl's `populate`.

use const_oid::ObjectIdentifier;
use time::OffsetDateTime;

use crate::duration::GoDuration;
use crate::usage::Usages;

/// One signing policy (`signing.default` or an entry of `signing.profiles`), as cfssl's
/// `SigningProfile` after loading (docs/cfssl-compat.md §3.3.1).
///
/// Only `expiry`, `crl_url`, `ocsp_url` and `issuer_urls` fall back to the default profile,
/// and that happens when signing, not here (docs/cfssl-compat.md §3.3.5).
#[derive(Debug, Clone, Default)]
pub struct SigningProfile {
    /// `usages`, as written (see [`SigningProfile::usages`]).
    pub usages: Vec<String>,
    /// True only for cfssl's built-in default profile (no `-config`, or a config without
    /// `signing.default`): its usages were chosen by cfssl, not written by the user, so
    /// adjusting them to the key type is not worth a warning (see
    /// [`SigningProfile::has_builtin_usages`]). Whoever replaces `usages` must clear it.
    pub builtin_usages: bool,
    /// The validity length: `expiry` parsed for a local profile; for a remote profile,
    /// Go's untagged `Expiry` nanoseconds (normally 0). Zero means "use the default's".
    pub expiry: GoDuration,
    /// `expiry` as written (`"8760h"`).
    pub expiry_text: String,
    /// `backdate`, `None` when zero: cfssl then backdates by its default 5 minutes.
    pub backdate: Option<GoDuration>,
    /// `backdate` as written (`""` when absent).
    pub backdate_text: String,
    /// `not_before`: a fixed notBefore (docs/cfssl-compat.md §5.8). Go's zero time counts as unset.
    pub not_before: Option<OffsetDateTime>,
    /// `not_after`: a fixed notAfter. Go's zero time counts as unset.
    pub not_after: Option<OffsetDateTime>,
    /// `ca_constraint`.
    pub ca_constraint: CaConstraint,
    /// `issuer_urls` (AIA caIssuers); `None` when absent or `null`, which falls back to the
    /// default profile's.
    pub issuer_urls: Option<Vec<String>>,
    /// `ocsp_url` (AIA OCSP); `""` falls back to the default profile's.
    pub ocsp_url: String,
    /// `crl_url` (CRL distribution point); `""` falls back to the default profile's.
    pub crl_url: String,
    /// `ocsp_no_check`: add id-pkix-ocsp-nocheck.
    pub ocsp_no_check: bool,
    /// `copy_extensions`: copy CSR extensions into the certificate.
    pub copy_extensions: bool,
    /// `name_whitelist` compiled (or Go's untagged `NameWhitelist`): CN and DNS, e-mail
    /// and URI SANs must each contain a match (unanchored).
    pub name_whitelist: Option<regex::Regex>,
    /// `allowed_extensions`: extension OIDs a signing request may add.
    pub allowed_extensions: Vec<ObjectIdentifier>,
    /// `policies` (Go's untagged `Policies`): the certificatePolicies extension content.
    pub policies: Vec<CertificatePolicy>,
    /// Go's untagged `CSRWhitelist`: when present, only the `true` CSR fields are copied.
    pub csr_whitelist: Option<CsrWhitelist>,
    /// Go's untagged `ClientProvidesSerialNumbers`.
    pub client_provides_serial_numbers: bool,
    /// The remote signer name: `remote`, or `auth_remote.remote`. `Some` makes this a
    /// remote profile, which ignores the local settings.
    pub remote: Option<String>,
    /// The `host:port` the remote name resolves to in `remotes`.
    pub remote_server: Option<String>,
    /// `auth_key`: a name in `auth_keys`.
    pub auth_key: Option<String>,
    /// `prev_auth_key`: a name in `auth_keys` (key rotation).
    pub prev_auth_key: Option<String>,
    /// `auth_remote.auth_key`: a name in `auth_keys`.
    pub auth_remote_key: Option<String>,
    /// `ct_log_servers`. Always empty in a loaded local profile: cfssl-rs does not submit to
    /// Certificate Transparency logs and refuses the setting.
    pub ct_log_servers: Vec<String>,
    /// `lint_error_level` as zlint's number (`"reserved"` 0 … `"fatal"` 7): a certificate
    /// with a lint finding above it is refused before signing; 0 lints nothing
    /// (docs/cfssl-compat.md §5.17).
    pub lint_error_level: u8,
    /// `ignored_lints`: lint names (each one cfssl-lint knows) whose findings never refuse.
    pub ignored_lints: Vec<String>,
    /// `ignored_lint_sources` (each a known zlint source) whose lints never refuse.
    pub ignored_lint_sources: Vec<String>,
    /// `cert_store` (unused by cfssl's signer).
    pub cert_store: String,
    /// `name_constraints` (cfssl-rs extension): only on a CA profile.
    pub name_constraints: Option<NameConstraints>,
}

impl SigningProfile {
    /// The profile's lint settings as a [`cfssl_lint::LintPolicy`]: what the signer consults
    /// before signing (docs/cfssl-compat.md §5.17).
    pub fn lint_policy(&self) -> cfssl_lint::LintPolicy {
        cfssl_lint::LintPolicy {
            error_level: self.lint_error_level,
            ignored_lints: self.ignored_lints.clone(),
            ignored_sources: self.ignored_lint_sources.clone(),
        }
    }

    /// Whether the usages are still cfssl's built-in default ones: the flag, and the list
    /// itself, so that a caller that replaced `usages` but forgot the flag still gets
    /// its warnings.
    pub fn has_builtin_usages(&self) -> bool {
        self.builtin_usages && self.usages == crate::DEFAULT_USAGES
    }

    /// The usage strings translated like cfssl's `Usages()` (docs/cfssl-compat.md §3.3.4).
    pub fn usages(&self) -> Usages {
        Usages::from_names(&self.usages)
    }

    /// True for a profile served by a remote cfssl (`remote` or `auth_remote.remote`).
    pub fn is_remote(&self) -> bool {
        self.remote.is_some()
    }
}

/// `ca_constraint`: the BasicConstraints of issued certificates (docs/cfssl-compat.md §5.10).
///
/// Its `Deserialize` is Go's `config.CAConstraint`; Go's semantics come with
/// [`cfssl_json::from_value`] (use [`crate::Config::from_json`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename = "config.CAConstraint", default)]
pub struct CaConstraint {
    /// `is_ca`.
    pub is_ca: bool,
    /// `max_path_len` (Go `int`).
    pub max_path_len: i64,
    /// `max_path_len_zero`: with `max_path_len` 0, encode pathLenConstraint 0.
    pub max_path_len_zero: bool,
}

/// One `policies` entry: RFC 5280 §4.2.1.4 `PolicyInformation`.
///
/// ```text
/// PolicyInformation ::= SEQUENCE {
///      policyIdentifier   CertPolicyId,
///      policyQualifiers   SEQUENCE SIZE (1..MAX) OF
///                              PolicyQualifierInfo OPTIONAL }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificatePolicy {
    /// `ID`.
    pub id: ObjectIdentifier,
    /// `Qualifiers`, in configuration order.
    pub qualifiers: Vec<PolicyQualifier>,
}

/// One policy qualifier (`{"Type": …, "Value": …}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyQualifier {
    /// `id-qt-cps`: a CPS URI (encoded as IA5String).
    Cps(String),
    /// `id-qt-unotice`: a user notice's explicitText (encoded as UTF8String).
    UserNotice(String),
}

/// Go's untagged `CSRWhitelist`: which CSR fields may reach the certificate.
///
/// Its `Deserialize` is Go's `config.CSRWhitelist` (see [`CaConstraint`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename = "config.CSRWhitelist", rename_all = "PascalCase", default)]
pub struct CsrWhitelist {
    /// `Subject`.
    pub subject: bool,
    /// `PublicKeyAlgorithm`.
    pub public_key_algorithm: bool,
    /// `PublicKey`.
    pub public_key: bool,
    /// `SignatureAlgorithm`.
    pub signature_algorithm: bool,
    /// `DNSNames`.
    #[serde(rename = "DNSNames")]
    pub dns_names: bool,
    /// `IPAddresses`.
    #[serde(rename = "IPAddresses")]
    pub ip_addresses: bool,
    /// `EmailAddresses`.
    pub email_addresses: bool,
    /// `URIs`.
    #[serde(rename = "URIs")]
    pub uris: bool,
}

/// `name_constraints` (a cfssl-rs extension): the NameConstraints extension of RFC 5280
/// §4.2.1.10 that a CA profile puts in the certificates it issues.
///
/// ```text
/// NameConstraints ::= SEQUENCE {
///      permittedSubtrees       [0]     GeneralSubtrees OPTIONAL,
///      excludedSubtrees        [1]     GeneralSubtrees OPTIONAL }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameConstraints {
    /// `critical`: always true in a loaded profile (RFC 5280 requires it).
    pub critical: bool,
    /// `permitted`: names of a type listed here must fall within one entry of that type.
    pub permitted: NameSubtrees,
    /// `excluded`: names within any entry are refused (this wins over `permitted`).
    pub excluded: NameSubtrees,
}

/// One `permitted` / `excluded` set of GeneralSubtrees, by name type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameSubtrees {
    /// `dns_domains`: dNSName subtrees (`example.test`, or `.example.test` for subdomains only).
    pub dns_domains: Vec<String>,
    /// `ip_ranges`: iPAddress subtrees (CIDR).
    pub ip_ranges: Vec<IpRange>,
    /// `email_addresses`: rfc822Name subtrees (a mailbox, a host, or `.domain`).
    pub email_addresses: Vec<String>,
    /// `uri_domains`: uniformResourceIdentifier subtrees (a host, or `.domain`).
    pub uri_domains: Vec<String>,
}

impl NameSubtrees {
    /// True when no name type has an entry.
    pub fn is_empty(&self) -> bool {
        self.dns_domains.is_empty()
            && self.ip_ranges.is_empty()
            && self.email_addresses.is_empty()
            && self.uri_domains.is_empty()
    }
}

/// An IP range in CIDR form, with no host bits set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    /// The network address.
    pub address: std::net::IpAddr,
    /// The prefix length (≤ 32 for IPv4, ≤ 128 for IPv6).
    pub prefix_len: u8,
}

impl IpRange {
    /// The network mask, 4 or 16 bytes.
    pub fn mask_bytes(&self) -> Vec<u8> {
        let len = if self.address.is_ipv4() { 4 } else { 16 };
        (0..len)
            .map(|i| {
                let bits = usize::from(self.prefix_len).saturating_sub(i * 8).min(8);
                // bits ≤ 8: the shift cannot overflow a u16.
                (0xff00u16 >> bits) as u8
            })
            .collect()
    }

    /// The address bytes, 4 or 16.
    pub fn address_bytes(&self) -> Vec<u8> {
        match self.address {
            std::net::IpAddr::V4(a) => a.octets().to_vec(),
            std::net::IpAddr::V6(a) => a.octets().to_vec(),
        }
    }

    /// The address with the host bits cleared.
    pub fn network(&self) -> std::net::IpAddr {
        let masked: Vec<u8> = self
            .address_bytes()
            .iter()
            .zip(self.mask_bytes())
            .map(|(a, m)| a & m)
            .collect();
        match <[u8; 4]>::try_from(masked.as_slice()) {
            Ok(v4) => std::net::IpAddr::from(v4),
            Err(_) => {
                let mut v6 = [0u8; 16];
                for (d, s) in v6.iter_mut().zip(&masked) {
                    *d = *s;
                }
                std::net::IpAddr::from(v6)
            }
        }
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix_len)
    }
}
