//! Ranking chains and judging a bundle: cfssl's `ubiquity` package
//! (docs/cfssl-lifecycle.md §11): hash and key-algorithm scores, the `optimal` and
//! `ubiquitous` filters, platform metadata (`-metadata`), and the SHA-1 deprecation table.

use std::collections::HashSet;

use cfssl_keys::{Curve, KeyAlgorithm};
use sha1::{Digest, Sha1};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::cert::BundleCertificate;

/// Go's `HashUbiquity` of a certificate's signature algorithm.
const SHA2_UBIQUITY: i64 = 70;
const SHA1_UBIQUITY: i64 = 100;
/// Go's `KeyAlgoUbiquity` values.
const RSA_UBIQUITY: i64 = 100;
const ECDSA256_UBIQUITY: i64 = 70;
const ECDSA384_UBIQUITY: i64 = 70;
const ECDSA521_UBIQUITY: i64 = 30;

/// The signature hash family of a certificate's signature algorithm.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HashFamily {
    Sha1,
    Sha2,
    Md,
    Unknown,
}

fn hash_family(cert: &BundleCertificate) -> HashFamily {
    match cert.parsed.signature_algorithm.oid.to_string().as_str() {
        // sha1WithRSA, ecdsa-with-SHA1, dsa-with-sha1
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" | "1.2.840.10040.4.3" => HashFamily::Sha1,
        // sha256/384/512WithRSA, ecdsa-with-SHA256/384/512, dsa-with-sha256
        "1.2.840.113549.1.1.11"
        | "1.2.840.113549.1.1.12"
        | "1.2.840.113549.1.1.13"
        | "1.2.840.10045.4.3.2"
        | "1.2.840.10045.4.3.3"
        | "1.2.840.10045.4.3.4"
        | "2.16.840.1.101.3.4.3.2" => HashFamily::Sha2,
        // md5WithRSA, md2WithRSA
        "1.2.840.113549.1.1.4" | "1.2.840.113549.1.1.2" => HashFamily::Md,
        _ => HashFamily::Unknown,
    }
}

fn hash_ubiquity(cert: &BundleCertificate) -> i64 {
    match hash_family(cert) {
        HashFamily::Sha1 => SHA1_UBIQUITY,
        HashFamily::Sha2 => SHA2_UBIQUITY,
        HashFamily::Md | HashFamily::Unknown => 0,
    }
}

fn key_algo_ubiquity(cert: &BundleCertificate) -> i64 {
    match cert.parsed.public_key.algorithm() {
        KeyAlgorithm::Ecdsa(Curve::P256) => ECDSA256_UBIQUITY,
        KeyAlgorithm::Ecdsa(Curve::P384) => ECDSA384_UBIQUITY,
        KeyAlgorithm::Ecdsa(Curve::P521) => ECDSA521_UBIQUITY,
        KeyAlgorithm::Rsa { bits } if bits >= 1024 => RSA_UBIQUITY,
        KeyAlgorithm::Rsa { .. } | KeyAlgorithm::Ed25519 => 0,
    }
}

/// Go's `ChainHashUbiquity`: the lowest score in the chain.
pub(crate) fn chain_hash_ubiquity(chain: &[&BundleCertificate]) -> i64 {
    chain
        .iter()
        .map(|c| hash_ubiquity(c))
        .min()
        .unwrap_or(i64::from(i32::MAX))
}

/// Go's `ChainKeyAlgoUbiquity`.
pub(crate) fn chain_key_algo_ubiquity(chain: &[&BundleCertificate]) -> i64 {
    chain
        .iter()
        .map(|c| key_algo_ubiquity(c))
        .min()
        .unwrap_or(i64::from(i32::MAX))
}

/// True when the chain draws cfssl's SHA-2 warning.
pub(crate) fn has_sha2_warning(chain: &[&BundleCertificate]) -> bool {
    chain_hash_ubiquity(chain) <= SHA2_UBIQUITY
}

/// True when the chain draws cfssl's ECDSA warning (Go's score: also Ed25519 and small
/// RSA keys, which score 0).
pub(crate) fn has_ecdsa_warning(chain: &[&BundleCertificate]) -> bool {
    chain_key_algo_ubiquity(chain) <= ECDSA256_UBIQUITY
}

fn hash_priority(cert: &BundleCertificate) -> f64 {
    match hash_family(cert) {
        HashFamily::Sha1 => 10.0,
        HashFamily::Sha2 => 100.0,
        HashFamily::Md | HashFamily::Unknown => 0.0,
    }
}

fn key_algo_priority(cert: &BundleCertificate) -> f64 {
    match cert.parsed.public_key.algorithm() {
        KeyAlgorithm::Ecdsa(Curve::P256) => 100.0,
        KeyAlgorithm::Ecdsa(Curve::P384) => 120.0,
        KeyAlgorithm::Ecdsa(Curve::P521) => 140.0,
        KeyAlgorithm::Rsa { bits: 4096 } => 70.0,
        KeyAlgorithm::Rsa { bits: 3072 } => 50.0,
        KeyAlgorithm::Rsa { bits: 2048 } => 30.0,
        KeyAlgorithm::Rsa { .. } | KeyAlgorithm::Ed25519 => 0.0,
    }
}

/// Go's running average, truncated to an integer as Go's `int(ret)` does.
fn weighted(chain: &[&BundleCertificate], score: fn(&BundleCertificate) -> f64) -> i64 {
    let mut ret = 0.0_f64;
    for (i, cert) in chain.iter().enumerate() {
        let f1 = 1.0 / (i as f64 + 1.0);
        let f2 = 1.0 - f1;
        ret = score(cert) * f1 + ret * f2;
    }
    ret as i64
}

fn expiry(chain: &[&BundleCertificate]) -> Option<OffsetDateTime> {
    chain.iter().map(|c| c.parsed.not_after).min()
}

fn compare_time(a: Option<OffsetDateTime>, b: Option<OffsetDateTime>) -> i64 {
    match a.cmp(&b) {
        std::cmp::Ordering::Greater => 1,
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
    }
}

/// A ranking: positive when the second chain is worse than the first, as Go's
/// `RankingFunc(best, candidate)` (negative = candidate better).
type Ranking<'a> = &'a dyn Fn(&[&BundleCertificate], &[&BundleCertificate]) -> i64;

/// Go's `ubiquity.Filter`: keeps the chains that rank equal to the best one.
fn filter<'c>(
    chains: Vec<Vec<&'c BundleCertificate>>,
    rank: Ranking<'_>,
) -> Vec<Vec<&'c BundleCertificate>> {
    if chains.len() <= 1 {
        return chains;
    }
    let mut best = 0;
    let mut kept: Vec<usize> = Vec::new();
    for (i, chain) in chains.iter().enumerate() {
        let r = rank(&chains[best], chain);
        if r < 0 {
            best = i;
            kept = vec![i];
        } else if r == 0 {
            kept.push(i);
        }
    }
    chains
        .into_iter()
        .enumerate()
        .filter(|(i, _)| kept.contains(i))
        .map(|(_, c)| c)
        .collect()
}

/// cfssl's `optimalChains`: shortest, then latest expiry, then best crypto.
pub(crate) fn optimal_chains(chains: Vec<Vec<&BundleCertificate>>) -> Vec<Vec<&BundleCertificate>> {
    let chains = filter(chains, &|a, b| b.len() as i64 - a.len() as i64);
    let chains = filter(chains, &|a, b| compare_time(expiry(a), expiry(b)));
    filter(chains, &|a, b| {
        (weighted(a, hash_priority) + weighted(a, key_algo_priority))
            - (weighted(b, hash_priority) + weighted(b, key_algo_priority))
    })
}

/// cfssl's `ubiquitousChains`: platform coverage, SHA-2 homogeneity, length, hash and key
/// ubiquity, intermediates' expiry, then the optimal filters.
pub(crate) fn ubiquitous_chains<'c>(
    chains: Vec<Vec<&'c BundleCertificate>>,
    platforms: &[Platform],
) -> Vec<Vec<&'c BundleCertificate>> {
    let chains = filter(chains, &|a, b| {
        cross_platform_ubiquity(a, platforms) - cross_platform_ubiquity(b, platforms)
    });
    let chains = filter(chains, &|a, b| sha2_homogeneity(a) - sha2_homogeneity(b));
    let chains = filter(chains, &|a, b| b.len() as i64 - a.len() as i64);
    let chains = filter(chains, &|a, b| {
        chain_hash_ubiquity(a) - chain_hash_ubiquity(b)
    });
    let chains = filter(chains, &|a, b| {
        chain_key_algo_ubiquity(a) - chain_key_algo_ubiquity(b)
    });
    let chains = filter(chains, &compare_expiry_ubiquity);
    optimal_chains(chains)
}

fn sha2_homogeneity(chain: &[&BundleCertificate]) -> i64 {
    let below_root = chain.len().saturating_sub(1);
    i64::from(
        chain
            .iter()
            .take(below_root)
            .all(|c| hash_ubiquity(c) == SHA2_UBIQUITY),
    )
}

/// Go's `CompareExpiryUbiquity`: from the root down, a certificate within the CA/B
/// Forum's maximum validity wins, then the later notAfter.
fn compare_expiry_ubiquity(a: &[&BundleCertificate], b: &[&BundleCertificate]) -> i64 {
    for (c1, c2) in a.iter().rev().zip(b.iter().rev()) {
        let (v1, v2) = (valid_expiry(c1), valid_expiry(c2));
        if v1 && !v2 {
            return 1;
        }
        if !v1 && v2 {
            return -1;
        }
        let r = compare_time(Some(c1.parsed.not_after), Some(c2.parsed.not_after));
        if r != 0 {
            return r;
        }
    }
    0
}

fn utc(year: i32, month: Month, day: u8) -> OffsetDateTime {
    Date::from_calendar_date(year, month, day)
        .map(|d| PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// cfssl's `helpers.ValidExpiry`: at most 39 months after April 2015, 60 after July
/// 2012, 120 before.
fn valid_expiry(cert: &BundleCertificate) -> bool {
    let issued = cert.parsed.not_before;
    let max_months = if issued > utc(2015, Month::April, 1) {
        39
    } else if issued > utc(2012, Month::July, 1) {
        60
    } else if issued < utc(2012, Month::July, 1) {
        120
    } else {
        0
    };
    months_valid(cert) <= max_months
}

/// cfssl's `helpers.MonthsValid` (a part month counts as a month).
fn months_valid(cert: &BundleCertificate) -> i64 {
    let (issued, expiry) = (cert.parsed.not_before, cert.parsed.not_after);
    let years = i64::from(expiry.year() - issued.year());
    let mut months =
        years * 12 + i64::from(u8::from(expiry.month())) - i64::from(u8::from(issued.month()));
    if expiry.day() > issued.day() {
        months += 1;
    }
    months
}

/// One platform of cfssl's ubiquity metadata (`-metadata`): a name, a weight, the
/// hash and key algorithms it accepts, and its trusted roots (SHA-1 of their
/// SubjectPublicKeyInfo). A platform without a key store trusts every root.
#[derive(Clone, Debug)]
pub struct Platform {
    /// The platform's name, as printed in the untrusted-platforms warning.
    pub name: String,
    /// Its weight in the ubiquity score.
    pub weight: i64,
    hash_ubiquity: i64,
    key_algo_ubiquity: i64,
    keystore: HashSet<[u8; 20]>,
}

impl Platform {
    /// A platform from the metadata fields: `hash_algo` `SHA1`/`SHA2`, `key_algo`
    /// `RSA`/`ECDSA256`/`ECDSA384`/`ECDSA521`, and the PEM certificates of its key store
    /// (empty: trusts everything). `None` when an algorithm is unknown (cfssl then drops
    /// the whole metadata).
    pub fn new(
        name: String,
        weight: i64,
        hash_algo: &str,
        key_algo: &str,
        keystore: &[BundleCertificate],
    ) -> Option<Platform> {
        let hash_ubiquity = match hash_algo {
            "SHA1" => SHA1_UBIQUITY,
            "SHA2" => SHA2_UBIQUITY,
            _ => return None,
        };
        let key_algo_ubiquity = match key_algo {
            "RSA" => RSA_UBIQUITY,
            "ECDSA256" => ECDSA256_UBIQUITY,
            "ECDSA384" => ECDSA384_UBIQUITY,
            "ECDSA521" => ECDSA521_UBIQUITY,
            _ => return None,
        };
        Some(Platform {
            name,
            weight,
            hash_ubiquity,
            key_algo_ubiquity,
            keystore: keystore.iter().map(spki_sha1).collect(),
        })
    }

    fn trusts(&self, root: &BundleCertificate) -> bool {
        self.keystore.is_empty() || self.keystore.contains(&spki_sha1(root))
    }
}

fn spki_sha1(cert: &BundleCertificate) -> [u8; 20] {
    // Go hashes RawSubjectPublicKeyInfo; our key's SPKI is the canonical re-encoding,
    // which is the same bytes for every well-formed key.
    Sha1::digest(cert.parsed.public_key.to_spki_der()).into()
}

fn cross_platform_ubiquity(chain: &[&BundleCertificate], platforms: &[Platform]) -> i64 {
    let Some(root) = chain.last() else {
        return 0;
    };
    platforms
        .iter()
        .filter(|p| {
            p.trusts(root)
                && p.hash_ubiquity <= chain_hash_ubiquity(chain)
                && p.key_algo_ubiquity <= chain_key_algo_ubiquity(chain)
        })
        .map(|p| p.weight)
        .sum()
}

/// cfssl's `UntrustedPlatforms`: the platforms whose store lacks the root.
pub(crate) fn untrusted_platforms(root: &BundleCertificate, platforms: &[Platform]) -> Vec<String> {
    platforms
        .iter()
        .filter(|p| !p.trusts(root))
        .map(|p| p.name.clone())
        .collect()
}

/// One row of cfssl's SHA-1 deprecation table.
struct Sha1Policy {
    platform: &'static str,
    description: &'static str,
    severity: u8,
    effective: Option<(i32, Month, u8)>,
    expiry_deadline: Option<(i32, Month, u8)>,
    never_issue_after: Option<(i32, Month, u8)>,
}

const SHA1_POLICIES: &[Sha1Policy] = &[
    Sha1Policy {
        platform: "Google Chrome",
        description: "shows the SSL connection has minor problems",
        severity: 2,
        effective: None,
        expiry_deadline: Some((2016, Month::January, 1)),
        never_issue_after: None,
    },
    Sha1Policy {
        platform: "Google Chrome",
        description: "shows the SSL connection is untrusted",
        severity: 3,
        effective: None,
        expiry_deadline: Some((2017, Month::January, 1)),
        never_issue_after: None,
    },
    Sha1Policy {
        platform: "Mozilla Firefox",
        description: "gives warning in the developer console",
        severity: 1,
        effective: None,
        expiry_deadline: Some((2017, Month::January, 1)),
        never_issue_after: None,
    },
    Sha1Policy {
        platform: "Mozilla Firefox",
        description: "shows the SSL connection is untrusted",
        severity: 2,
        effective: Some((2016, Month::January, 1)),
        expiry_deadline: None,
        never_issue_after: Some((2016, Month::January, 1)),
    },
    Sha1Policy {
        platform: "Mozilla Firefox",
        description: "shows the SSL connection is untrusted",
        severity: 3,
        effective: Some((2017, Month::January, 1)),
        expiry_deadline: Some((2017, Month::January, 1)),
        never_issue_after: None,
    },
    Sha1Policy {
        platform: "Microsoft Windows Vista and later",
        description: "shows the SSL connection is untrusted",
        severity: 3,
        effective: Some((2017, Month::January, 1)),
        expiry_deadline: Some((2017, Month::January, 1)),
        never_issue_after: None,
    },
];

impl Sha1Policy {
    fn flags(&self, chain: &[&BundleCertificate], now: OffsetDateTime) -> bool {
        let Some(leaf) = chain.first() else {
            return false;
        };
        let at = |d: Option<(i32, Month, u8)>| d.map(|(y, m, day)| utc(y, m, day));
        if now <= at(self.effective).unwrap_or(OffsetDateTime::UNIX_EPOCH)
            && self.effective.is_some()
        {
            return false;
        }
        let is_sha1 = |c: &BundleCertificate| hash_family(c) == HashFamily::Sha1;
        if let Some(limit) = at(self.never_issue_after)
            && leaf.parsed.not_before > limit
            && chain.len() > 1
            && is_sha1(leaf)
        {
            return true;
        }
        if let Some(deadline) = at(self.expiry_deadline)
            && leaf.parsed.not_after > deadline
        {
            let below_root = chain.len().saturating_sub(1);
            return chain.iter().take(below_root).any(|c| is_sha1(c));
        }
        false
    }
}

/// cfssl's `SHA1DeprecationMessages`: the most severe flagged policy per platform. Go
/// walks a map (random order); ours follow the table's platform order.
pub(crate) fn sha1_deprecation_messages(
    chain: &[&BundleCertificate],
    now: OffsetDateTime,
) -> Vec<String> {
    let mut chosen: Vec<&Sha1Policy> = Vec::new();
    for policy in SHA1_POLICIES.iter().filter(|p| p.flags(chain, now)) {
        match chosen.iter_mut().find(|c| c.platform == policy.platform) {
            Some(existing) if existing.severity < policy.severity => *existing = policy,
            Some(_) => {}
            None => chosen.push(policy),
        }
    }
    chosen
        .iter()
        .map(|p| format!("{} {} due to SHA-1 deprecation", p.platform, p.description))
        .collect()
}
