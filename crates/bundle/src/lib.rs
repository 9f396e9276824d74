//! # cfssl-bundle: cfssl's bundler, offline
//!
//! `cfssl bundle` (and the API's `/bundle` endpoint) takes a certificate, maybe with some
//! of its chain and its private key, finds every path from it to a trusted root, picks
//! one by a *flavor*, and describes the result in one JSON object: the chain to serve
//! (leaf first, root left out), the root, the key, names, expiry, and a status with
//! cfssl's warnings. This crate does that the way cfssl 1.6.5 does
//! (docs/cfssl-lifecycle.md §11), with three departures:
//!
//! * nothing is fetched: where cfssl would download a missing intermediate from the
//!   leaf's Authority Information Access URL, the error names that URL and says to pass
//!   the certificate as an intermediate (docs/differences.md #36);
//! * inputs cfssl ignores or crashes on are refused (docs/differences.md #37);
//! * `hostnames` and the SHA-1 messages come in a stable order (cfssl's follow Go's map
//!   iteration).
//!
//! Why a crate of its own: the command line and the server's `/bundle` endpoint must
//! answer the same; the chain search is a world of its own (Go's `x509.Verify`, see
//! [`verify`](crate::verify) for why it is ours and not webpki's), and it needs nothing
//! from the signing workflows. It sits beside `cfssl-certinfo` (whose signature names it
//! uses) and below the binaries and the server; it never reads files, the environment or
//! the clock: the caller passes bytes and `now`.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cfssl_bundle::{Bundler, Flavor};
//! # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/bundle/");
//! # let root = std::fs::read(format!("{dir}ca.pem"))?;
//! # let intermediate = std::fs::read(format!("{dir}int.pem"))?;
//! # let leaf = std::fs::read(format!("{dir}leafb.pem"))?;
//! let bundler = Bundler::from_pem(Some(&root), Some(&intermediate))?;
//! let now = time::macros::datetime!(2027-01-01 00:00 UTC);
//! let mut notes = Vec::new();
//! let bundle = bundler.bundle_pem_or_der(&leaf, None, "", Flavor::Optimal, now, &mut |n| notes.push(n))?;
//! assert_eq!(bundle.chain.len(), 2); // leaf and intermediate; the root is apart
//! assert!(bundle.to_json().starts_with(r#"{"bundle":"-----BEGIN CERTIFICATE-----"#));
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cert;
mod error;
mod json;
mod metadata;
mod ubiquity;
mod verify;

use std::str::FromStr;

use cfssl_keys::{KeyAlgorithm, PrivateKey};
use time::OffsetDateTime;

pub use cert::BundleCertificate;
pub use error::BundleError;
pub use metadata::{certificates_from_pem_lenient, platforms_from_json};
pub use ubiquity::Platform;

use verify::{Verifier, VerifyFailure, is_self_signed, partial_verify};

/// cfssl's bundle flavors (`-flavor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// The shortest chain, with the newest intermediates and best cryptography.
    Optimal,
    /// The chain trusted by most platforms of the metadata (cfssl's default); without
    /// metadata the same as [`Flavor::Optimal`], with a warning.
    Ubiquitous,
    /// The input chain as given, only checked certificate by certificate; no root.
    Force,
}

impl FromStr for Flavor {
    type Err = String;

    /// `optimal`, `ubiquitous`, `force`. cfssl treats any other word as `ubiquitous`
    /// (without its warning); we refuse it (docs/differences.md #37).
    fn from_str(s: &str) -> Result<Flavor, String> {
        match s {
            "optimal" => Ok(Flavor::Optimal),
            "ubiquitous" => Ok(Flavor::Ubiquitous),
            "force" => Ok(Flavor::Force),
            other => Err(format!(
                "invalid bundle flavor {other:?}: use optimal, ubiquitous or force"
            )),
        }
    }
}

/// A line cfssl would log while bundling; the caller prints or collects it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// cfssl's INFO lines (`bundling certificate for …`, `the anchoring root is …`).
    Info(String),
    /// cfssl's WARNING lines, and ours where we differ from cfssl.
    Warning(String),
}

/// The trusted roots, intermediates and platform metadata a bundle is built with.
#[derive(Clone, Debug, Default)]
pub struct Bundler {
    roots: Vec<BundleCertificate>,
    intermediates: Vec<BundleCertificate>,
    platforms: Vec<Platform>,
}

/// cfssl's `BundleStatus`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleStatus {
    /// The chain differs from the input (`rebundled`).
    pub rebundled: bool,
    /// Upper-case hex SKIs of certificates expiring within 30 days (`expiring_SKIs`,
    /// `null` when none).
    pub expiring_skis: Option<Vec<String>>,
    /// Platforms of the metadata that do not trust the root (`untrusted_root_stores`;
    /// `null` for [`Flavor::Force`]).
    pub untrusted_root_stores: Option<Vec<String>>,
    /// cfssl's human-readable warnings (`null` when none).
    pub messages: Option<Vec<String>>,
    /// Bit 0x01: something expires within 30 days; 0x02: not ubiquitous.
    pub code: i64,
}

/// A finished bundle: cfssl's `Bundle`.
#[derive(Clone, Debug)]
pub struct Bundle {
    /// The chain to serve, leaf first (the root left out unless cfssl keeps it).
    pub chain: Vec<BundleCertificate>,
    /// The leaf.
    pub leaf: BundleCertificate,
    /// The anchoring root (`None` for [`Flavor::Force`]).
    pub root: Option<BundleCertificate>,
    /// The leaf's private key, if one was given (or came in a PKCS#12 file).
    pub key: Option<PrivateKey>,
    /// CN and DNS SANs of the leaf, without duplicates: CN first, then the SANs in
    /// certificate order (cfssl's order is random).
    pub hostnames: Vec<String>,
    /// The earliest notAfter of the chain.
    pub expires: OffsetDateTime,
    /// The leaf's notAfter.
    pub leaf_expires: OffsetDateTime,
    /// Warnings and status code.
    pub status: BundleStatus,
}

/// What a chain input held: certificates in file order, and a key if it was a PKCS#12 file.
#[derive(Debug)]
pub struct ChainInput {
    /// The certificates, in input order.
    pub certificates: Vec<BundleCertificate>,
    /// The private key a PKCS#12 file carried.
    pub key: Option<PrivateKey>,
}

/// Reads certificates the way cfssl's `helpers.ParseCertificatesPEM` does: every PEM block
/// in turn, whatever its label, must be a certificate (1003 otherwise); anything that is
/// not PEM after the last block → 1002. Empty input gives an empty list.
pub fn certificates_from_pem(input: &[u8]) -> Result<Vec<BundleCertificate>, BundleError> {
    let text = input.trim_ascii();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    if !contains(text, b"-----BEGIN") {
        return Err(BundleError::CertificateDecode);
    }
    let blocks = pem::parse_many(text).map_err(|_| BundleError::CertificateDecode)?;
    if blocks.is_empty() {
        return Err(BundleError::CertificateDecode);
    }
    if blocks.iter().any(|b| b.tag() == "PKCS7") {
        return Err(BundleError::Pkcs7);
    }
    let tail_is_pem = text.ends_with(b"-----");
    let certs = blocks
        .iter()
        .map(|b| BundleCertificate::from_der(b.contents()))
        .collect::<Result<Vec<_>, _>>()?;
    if !tail_is_pem {
        return Err(BundleError::CertificateDecode);
    }
    Ok(certs)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// cfssl's `BundleFromPEMorDER` input rule: PEM certificates; failing that, DER — a
/// PKCS#12 file opened with `password` (cfssl's CLI default is `0`), or one or more
/// concatenated DER certificates. When neither reads, the PEM error is returned, as cfssl
/// does; a PKCS#12 file with a wrong password says so (cfssl: 1002).
///
/// PKCS#7 (`.p7b`) input, which cfssl also reads, is refused with 1003, saying so.
pub fn read_chain(input: &[u8], password: &str) -> Result<ChainInput, BundleError> {
    let pem_error = match certificates_from_pem(input) {
        Ok(certificates) => {
            return Ok(ChainInput {
                certificates,
                key: None,
            });
        }
        Err(e) => e,
    };
    let der = input.trim_ascii();
    match cfssl_pkcs12::open(der, password) {
        Ok(opened) => {
            let certificates = opened
                .certificates
                .iter()
                .map(|c| BundleCertificate::from_der(&c.der))
                .collect::<Result<Vec<_>, _>>()?;
            let key = match opened.keys.first() {
                Some(entry) => Some(PrivateKey::from_pem(
                    pem::encode(&pem::Pem::new("PRIVATE KEY", entry.pkcs8.to_vec())).as_bytes(),
                )?),
                None => None,
            };
            // The key's certificate is the leaf, wherever its bag sits in the file.
            let mut certificates = certificates;
            if let Some(key) = &key
                && let Some(position) = certificates
                    .iter()
                    .position(|c| c.parsed.public_key == key.public_key())
            {
                let leaf = certificates.remove(position);
                certificates.insert(0, leaf);
            }
            return Ok(ChainInput { certificates, key });
        }
        Err(cfssl_pkcs12::Pkcs12Error::Malformed(_)) => {}
        Err(e) => {
            return Err(BundleError::Pkcs12 {
                reason: e.to_string(),
            });
        }
    }
    match der_certificates(der) {
        Some(certificates) if !certificates.is_empty() => Ok(ChainInput {
            certificates,
            key: None,
        }),
        _ if is_pkcs7_signed_data(der) => Err(BundleError::Pkcs7),
        _ => Err(pem_error),
    }
}

/// A DER ContentInfo of type signedData (RFC 5652 §3, §5.1: `id-signedData`
/// 1.2.840.113549.1.7.2) — a `.p7b` certificate bag.
fn is_pkcs7_signed_data(der: &[u8]) -> bool {
    const SIGNED_DATA_OID: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    // The OID is the first element of the outer SEQUENCE: right after a header of at most
    // six bytes.
    der.first() == Some(&0x30)
        && der
            .get(..6 + SIGNED_DATA_OID.len())
            .is_some_and(|head| contains(head, SIGNED_DATA_OID))
}

/// Concatenated DER certificates (Go's `x509.ParseCertificates`).
fn der_certificates(mut der: &[u8]) -> Option<Vec<BundleCertificate>> {
    let mut out = Vec::new();
    while !der.is_empty() {
        let len = tlv_len(der)?;
        let (one, rest) = der.split_at_checked(len)?;
        out.push(BundleCertificate::from_der(one).ok()?);
        der = rest;
    }
    Some(out)
}

fn tlv_len(der: &[u8]) -> Option<usize> {
    use der::{Decode, Reader, SliceReader};
    let mut reader = SliceReader::new(der).ok()?;
    let header = der::Header::decode(&mut reader).ok()?;
    let header_len = usize::try_from(reader.position()).ok()?;
    Some(header_len + usize::try_from(header.length()).ok()?)
}

impl Bundler {
    /// A bundler over parsed roots and intermediates (duplicates are dropped, as Go's
    /// `CertPool` does). An empty root list trusts nothing.
    pub fn new(roots: Vec<BundleCertificate>, intermediates: Vec<BundleCertificate>) -> Bundler {
        Bundler {
            roots: dedup(roots),
            intermediates: dedup(intermediates),
            platforms: Vec::new(),
        }
    }

    /// cfssl's `NewBundlerFromPEM`: `-ca-bundle` and `-int-bundle` contents (`None` = not
    /// given). Errors: 4003 for a root bundle that does not parse, 3003 for an intermediate
    /// one. (cfssl uses the system roots when no root bundle is given; the caller loads
    /// them and passes them here.)
    pub fn from_pem(
        ca_bundle: Option<&[u8]>,
        int_bundle: Option<&[u8]>,
    ) -> Result<Bundler, BundleError> {
        let roots = match ca_bundle {
            Some(pem) => certificates_from_pem(pem).map_err(|_| BundleError::RootParse)?,
            None => Vec::new(),
        };
        let intermediates = match int_bundle {
            Some(pem) => certificates_from_pem(pem).map_err(|_| BundleError::IntermediateParse)?,
            None => Vec::new(),
        };
        Ok(Bundler::new(roots, intermediates))
    }

    /// Adds cfssl's platform metadata (what `-metadata` loads): rankings for
    /// [`Flavor::Ubiquitous`] and the untrusted-platforms warning.
    pub fn with_platforms(mut self, platforms: Vec<Platform>) -> Bundler {
        self.platforms = platforms;
        self
    }

    /// cfssl's `BundleFromPEMorDER`: reads the chain (see [`read_chain`]) and the key (PEM;
    /// a key given here wins over one in a PKCS#12 file), then [`Bundler::bundle`].
    pub fn bundle_pem_or_der(
        &self,
        chain: &[u8],
        key_pem: Option<&[u8]>,
        password: &str,
        flavor: Flavor,
        now: OffsetDateTime,
        log: &mut dyn FnMut(Note),
    ) -> Result<Bundle, BundleError> {
        let key = match key_pem {
            Some(pem) if !pem.is_empty() => Some(PrivateKey::from_pem(pem)?),
            _ => None,
        };
        let input = read_chain(chain, password)?;
        let key = key.or(input.key);
        if input.certificates.is_empty() {
            return Err(BundleError::CertificateDecode);
        }
        self.bundle(input.certificates, key, flavor, now, log)
    }

    /// cfssl's `Bundler.Bundle`: `certs` is the input chain (leaf first, or root first:
    /// reversed when only that order verifies), `key` the leaf's key if any.
    pub fn bundle(
        &self,
        certs: Vec<BundleCertificate>,
        key: Option<PrivateKey>,
        flavor: Flavor,
        now: OffsetDateTime,
        log: &mut dyn FnMut(Note),
    ) -> Result<Bundle, BundleError> {
        let Some(first) = certs.first() else {
            return Err(BundleError::CertificateDecode);
        };
        log(Note::Info(format!(
            "bundling certificate for {}",
            json::name_string(&first.parsed.subject)
        )));
        let certs = leaf_first(certs);
        let Some(leaf) = certs.first().cloned() else {
            return Err(BundleError::CertificateDecode);
        };
        if let Some(key) = &key
            && key.public_key() != leaf.parsed.public_key
        {
            return Err(BundleError::KeyMismatch);
        }
        let hostnames = hostnames(&leaf);

        let mut full_chain: Vec<BundleCertificate> = if flavor == Flavor::Force {
            let refs: Vec<&BundleCertificate> = certs.iter().collect();
            if !partial_verify(&refs) {
                return Err(BundleError::ForcedChainUnverified);
            }
            certs.clone()
        } else {
            if is_self_signed(&leaf) {
                return Err(BundleError::SelfSigned);
            }
            let chains = self.verified_chains(&certs, now, log)?;
            if flavor == Flavor::Ubiquitous && self.platforms.is_empty() {
                log(Note::Warning(
                    "No metadata, Ubiquitous falls back to Optimal.".to_owned(),
                ));
            }
            let ranked = match flavor {
                Flavor::Optimal => ubiquity::optimal_chains(chains),
                _ => ubiquity::ubiquitous_chains(chains, &self.platforms),
            };
            let Some(best) = ranked.into_iter().next() else {
                return Err(BundleError::Verify {
                    code: 1200,
                    message: "Unable to verify certificate".to_owned(),
                });
            };
            best.into_iter().cloned().collect()
        };

        let refs: Vec<&BundleCertificate> = full_chain.iter().collect();
        let mut code = 0;
        let mut messages = Vec::new();
        let expiring: Vec<usize> = refs
            .iter()
            .enumerate()
            .filter(|(_, c)| (c.parsed.not_after - now).whole_seconds() < 720 * 3600)
            .map(|(i, _)| i)
            .collect();
        if !expiring.is_empty() {
            code |= 0x01;
            messages.push(expiration_warning(&expiring));
        }
        if ubiquity::has_sha2_warning(&refs) {
            code |= 0x02;
            messages.push(SHA2_WARNING.to_owned());
        }
        if ubiquity::has_ecdsa_warning(&refs) {
            code |= 0x02;
            messages.push(ECDSA_WARNING.to_owned());
        }
        let mut root = None;
        let mut untrusted = None;
        if flavor != Flavor::Force
            && let Some(anchor) = full_chain.last()
        {
            log(Note::Info(format!(
                "the anchoring root is {}",
                json::name_string(&anchor.parsed.subject)
            )));
            let names = ubiquity::untrusted_platforms(anchor, &self.platforms);
            let warning = if self.platforms.is_empty() {
                Some(UBIQUITY_WARNING.to_owned())
            } else if names.is_empty() {
                None
            } else {
                Some(format!("{UNTRUSTED_WARNING} {}.", names.join(", ")))
            };
            if let Some(warning) = warning {
                code |= 0x02;
                messages.push(warning);
            }
            root = Some(anchor.clone());
            untrusted = Some(names);
        }
        let sha1 = ubiquity::sha1_deprecation_messages(&refs, now);
        if !sha1.is_empty() {
            code |= 0x02;
            messages.extend(sha1);
        }
        let expiring_skis = (!expiring.is_empty()).then(|| {
            expiring
                .iter()
                .map(|&i| {
                    full_chain[i]
                        .parsed
                        .subject_key_id
                        .as_deref()
                        .unwrap_or_default()
                        .iter()
                        .map(|b| format!("{b:02X}"))
                        .collect()
                })
                .collect()
        });

        if flavor != Flavor::Force {
            let keeps_root =
                !leaf.ocsp_servers.is_empty() && !leaf.parsed.is_ca() && full_chain.len() <= 2;
            // cfssl would leave an empty chain (and crash) when the leaf itself is in the
            // root pool; we keep the leaf (docs/differences.md #37).
            if !keeps_root && full_chain.len() > 1 {
                full_chain.pop();
            }
        }
        let rebundled = full_chain.len() != certs.len()
            || full_chain
                .iter()
                .zip(&certs)
                .any(|(a, b)| a.signature != b.signature);
        let expires = full_chain
            .iter()
            .map(|c| c.parsed.not_after)
            .min()
            .unwrap_or(leaf.parsed.not_after);
        Ok(Bundle {
            leaf_expires: leaf.parsed.not_after,
            chain: full_chain,
            leaf,
            root,
            key,
            hostnames,
            expires,
            status: BundleStatus {
                rebundled,
                expiring_skis,
                untrusted_root_stores: untrusted,
                messages: (!messages.is_empty()).then_some(messages),
                code,
            },
        })
    }

    /// Go's `Verify` over the pools, then cfssl's fallback for an unknown authority: the
    /// input's own intermediates that verify are added (cfssl's `fetchIntermediates`
    /// without the fetching), and the leaf is verified again.
    fn verified_chains<'s>(
        &'s self,
        certs: &'s [BundleCertificate],
        now: OffsetDateTime,
        log: &mut dyn FnMut(Note),
    ) -> Result<Vec<Vec<&'s BundleCertificate>>, BundleError> {
        // One arena: roots, intermediates, then the input (leaf at `input_start`).
        let arena: Vec<BundleCertificate> = self
            .roots
            .iter()
            .chain(&self.intermediates)
            .chain(certs)
            .cloned()
            .collect();
        let roots: Vec<usize> = (0..self.roots.len()).collect();
        let mut intermediates: Vec<usize> =
            (self.roots.len()..self.roots.len() + self.intermediates.len()).collect();
        let input_start = self.roots.len() + self.intermediates.len();
        let leaf = input_start;
        let verifier = |intermediates: &[usize]| {
            Verifier {
                certs: &arena,
                roots: &roots,
                intermediates,
                now,
            }
            .verify(leaf)
        };
        let chains = match verifier(&intermediates) {
            Ok(chains) => chains,
            Err(failure @ VerifyFailure::UnknownAuthority { .. }) => {
                let found = self.add_input_intermediates(
                    &arena,
                    &roots,
                    &mut intermediates,
                    input_start,
                    now,
                );
                let retried = if found {
                    verifier(&intermediates)
                } else {
                    Err(failure)
                };
                match retried {
                    Ok(chains) => chains,
                    Err(e @ VerifyFailure::UnknownAuthority { .. }) => {
                        return Err(unknown_authority_offline(&e, certs, log));
                    }
                    Err(e) => return Err(verify_error(&e)),
                }
            }
            Err(e) => return Err(verify_error(&e)),
        };
        // Map arena indices back to our own certificates (the input's live in `certs`).
        let lookup = |i: usize| -> &'s BundleCertificate {
            if i < self.roots.len() {
                &self.roots[i]
            } else if i < input_start {
                &self.intermediates[i - self.roots.len()]
            } else {
                &certs[i - input_start]
            }
        };
        Ok(chains
            .into_iter()
            .map(|chain| chain.into_iter().map(lookup).collect())
            .collect())
    }

    /// cfssl's `fetchIntermediates` loop with nothing to fetch: from the input's top
    /// certificate down, each partial chain is checked (`verifyChain`) and the input
    /// intermediates that verify join the intermediate pool. True when some partial chain
    /// verified.
    fn add_input_intermediates(
        &self,
        arena: &[BundleCertificate],
        roots: &[usize],
        intermediates: &mut Vec<usize>,
        input_start: usize,
        now: OffsetDateTime,
    ) -> bool {
        // Root-most first, as cfssl builds it.
        let chain: Vec<usize> = (input_start..arena.len()).rev().collect();
        let mut found = 0;
        for start in 0..chain.len() {
            let vchain = &chain[start..];
            let mut ok = true;
            for (position, &index) in vchain.iter().enumerate() {
                let known = roots
                    .iter()
                    .chain(intermediates.iter())
                    .any(|&k| arena[k].signature == arena[index].signature);
                if known {
                    continue;
                }
                let verified = Verifier {
                    certs: arena,
                    roots,
                    intermediates,
                    now,
                }
                .verify(index);
                if verified.is_err() {
                    ok = false;
                    break;
                }
                if start == 0 && position == 0 && is_self_signed(&arena[index]) {
                    continue;
                }
                if index == input_start {
                    continue;
                }
                intermediates.push(index);
            }
            if ok {
                found += 1;
            }
        }
        found > 0
    }
}

/// The unknown-authority error, naming the AIA URL cfssl would have fetched.
fn unknown_authority_offline(
    failure: &VerifyFailure,
    certs: &[BundleCertificate],
    log: &mut dyn FnMut(Note),
) -> BundleError {
    let url = certs
        .iter()
        .rev()
        .find_map(|c| c.issuing_certificate_urls.first());
    let mut message = failure.message().to_owned();
    if let Some(url) = url {
        let advice = format!(
            "cfssl would fetch the issuer from {url} (the certificate's Authority Information Access); \
             cfssl-rs does not fetch: download it and pass it with -int-bundle"
        );
        log(Note::Warning(format!("{advice} (docs/differences.md #36)")));
        message = format!("{message} ({advice})");
    }
    BundleError::Verify {
        code: failure.code(),
        message,
    }
}

fn verify_error(failure: &VerifyFailure) -> BundleError {
    BundleError::Verify {
        code: failure.code(),
        message: failure.message().to_owned(),
    }
}

fn dedup(certs: Vec<BundleCertificate>) -> Vec<BundleCertificate> {
    let mut out: Vec<BundleCertificate> = Vec::with_capacity(certs.len());
    for cert in certs {
        if !out.iter().any(|c| c.der() == cert.der()) {
            out.push(cert);
        }
    }
    out
}

/// cfssl's order detection: keep the input order when each certificate is signed by the
/// next; otherwise reverse it if that order verifies.
fn leaf_first(certs: Vec<BundleCertificate>) -> Vec<BundleCertificate> {
    if certs.len() < 2 || partial_verify(&certs.iter().collect::<Vec<_>>()) {
        return certs;
    }
    let reversed: Vec<BundleCertificate> = certs.iter().rev().cloned().collect();
    if partial_verify(&reversed.iter().collect::<Vec<_>>()) {
        reversed
    } else {
        certs
    }
}

fn hostnames(leaf: &BundleCertificate) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let cn = &leaf.parsed.subject.common_name;
    if !cn.is_empty() {
        out.push(cn.clone());
    }
    for name in &leaf.parsed.sans.dns_names {
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

const SHA2_WARNING: &str = "The bundle contains certificates signed with advanced hash functions such as SHA2, which are problematic for certain operating systems, e.g. Windows XP SP2.";
const ECDSA_WARNING: &str = "The bundle contains ECDSA signatures, which are problematic for certain operating systems, e.g. Windows XP, Android 2.2 and Android 2.3.";
const EXPIRING_WARNING: &str = "The bundle is expiring within 30 days.";
const UNTRUSTED_WARNING: &str = "The bundle may not be trusted by the following platform(s):";
const UBIQUITY_WARNING: &str = "Unable to measure bundle ubiquity: No platform metadata present.";

/// cfssl's `expirationWarning` (positions are 1-based; no space after the first sentence,
/// as in cfssl).
fn expiration_warning(expiring: &[usize]) -> String {
    let mut out = EXPIRING_WARNING.to_owned();
    out.push_str(if expiring.len() > 1 {
        "The expiring certs are"
    } else {
        "The expiring cert is"
    });
    for i in expiring {
        out.push_str(&format!(" #{}", i + 1));
    }
    out.push_str(" in the chain.");
    out
}

/// cfssl's `key_type` for a public key.
fn key_type(algorithm: KeyAlgorithm) -> (String, i64) {
    match algorithm {
        KeyAlgorithm::Rsa { bits } => (format!("{bits}-bit RSA"), bits as i64),
        KeyAlgorithm::Ecdsa(curve) => (format!("{}-bit ECDSA", curve.bits()), curve.bits() as i64),
        // Go's KeyLength is ed25519.PublicKeySize (32) for Ed25519.
        KeyAlgorithm::Ed25519 => ("Ed25519".to_owned(), 32),
    }
}

#[cfg(test)]
mod tests;
