//! # cfssl-shares: M-of-N backup of a key file
//!
//! A CA key backed up as one file is one theft away from compromise, and one lost USB stick
//! away from a dead CA. Shamir's secret sharing (Shamir, "How to share a secret", CACM
//! 1979) cuts the file into N shares such that any M restore it and M−1 reveal nothing
//! about it. `cfssl-rs key split` and `key combine` (our extension; cfssl has no key
//! splitting) are built on [`split`] and [`combine`].
//!
//! **What is split** is the key file's exact bytes, as stored: a plain PEM key, or an
//! encrypted PKCS#8 one, whose password then stays a separate secret. Splitting the bytes
//! rather than a decoded key means `combine` gives back the very file that was split, byte
//! for byte, whatever its format, and that an encrypted key never needs its password here.
//!
//! **The sharing** is done byte by byte over GF(2⁸) (the AES field, polynomial
//! x⁸+x⁴+x³+x+1) by the [`vsss_rs`] crate, chosen over writing our own after checking the
//! candidates (crates.io and the crates' own sources, December 2026):
//!
//! * `vsss-rs` 6: maintained (6.x released in 2026, on the same RustCrypto generation as
//!   this workspace: `rand_core` 0.10, `elliptic-curve` 0.14), its README says security
//!   audits were funded by LIT Protocol and Turnkey, and its GF(256) code is written to be
//!   constant-time (no lookup tables; bit-sliced multiplication, `subtle` selection) with
//!   audit findings fixed in the code (uniform coefficients, rejected zero identifiers).
//!   The brief named Kudelski Security as auditor; we could not confirm the auditor's name
//!   from the package itself, only that audits happened.
//! * `sharks` 0.5: unmaintained since 2021, and its random coefficients could be zero
//!   (lowering the effective threshold), the flaw that made `blahaj` fork it.
//! * `blahaj` 0.7: that fork; small and careful, but with far fewer users and no audit claim.
//! * `shamir-vault`: young, one author, no audit claim.
//!
//! We use only its byte-oriented GF(256) API, with share indices 1..=N chosen by us, so
//! the share file format ([`Share`]) does not depend on the crate's own encoding beyond
//! "x then y bytes". Randomness is the operating system's generator (`getrandom`).
//!
//! **The share file** ([`Share::to_text`], docs/key-shares.md) says which share it is, of
//! how many, the threshold, the split's random set id, the key's fingerprint
//! ([`KeyFingerprint`]), a digest of the whole secret and a checksum over all of it; so a
//! damaged share, a share of another key or of another split, and a duplicate are each
//! caught and named before combining, and a wrong result after.
//!
//! Secrets (the key file, the shares' bytes, the result) stay in [`Zeroizing`] buffers.
//!
//! ```
//! use cfssl_shares::{ShareInput, combine, split};
//!
//! let key = b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB...\n-----END ENCRYPTED PRIVATE KEY-----\n";
//! let made = split(key, 2, 3)?;
//! let texts: Vec<_> = made.shares.iter().map(|s| s.to_text()).collect();
//! let restored = combine(&[
//!     ShareInput { name: "a.txt", text: texts[0].as_bytes() },
//!     ShareInput { name: "c.txt", text: texts[2].as_bytes() },
//! ])?;
//! assert_eq!(&restored.key_file[..], &key[..]);
//! assert_eq!(restored.fingerprint, made.fingerprint);
//! # Ok::<(), cfssl_shares::SharesError>(())
//! ```

#![deny(missing_docs)]

mod error;
mod fingerprint;
mod format;

pub use error::SharesError;
pub use fingerprint::{FingerprintOf, KeyFingerprint};
pub use format::{MAX_SECRET_LEN, Share};

use rand_core::UnwrapErr;
use vsss_rs::{Gf256, IdentifierGf256};
use zeroize::Zeroizing;

use crate::fingerprint::{hex, sha256};

/// The result of [`split`].
#[derive(Debug)]
pub struct Split {
    /// The key's fingerprint, written in every share.
    pub fingerprint: KeyFingerprint,
    /// The split's random id, written in every share.
    pub set_id: [u8; 16],
    /// Shares 1..=N, in order.
    pub shares: Vec<Share>,
}

/// Cuts `key_file` (its bytes as stored) into `count` shares, any `threshold` of which
/// restore it.
///
/// # Errors
/// [`SharesError::ThresholdTooSmall`] (M < 2), [`SharesError::ThresholdAboveCount`],
/// [`SharesError::TooManyShares`] (N > 255), [`SharesError::NotAKey`] (not a private key,
/// empty, or larger than [`MAX_SECRET_LEN`]), [`SharesError::Random`].
pub fn split(key_file: &[u8], threshold: usize, count: usize) -> Result<Split, SharesError> {
    if threshold < 2 {
        return Err(SharesError::ThresholdTooSmall { threshold });
    }
    if count > 255 {
        return Err(SharesError::TooManyShares { count });
    }
    if threshold > count {
        return Err(SharesError::ThresholdAboveCount { threshold, count });
    }
    let (Ok(m), Ok(n)) = (u8::try_from(threshold), u8::try_from(count)) else {
        return Err(SharesError::TooManyShares { count });
    };
    if key_file.is_empty() || key_file.len() > MAX_SECRET_LEN {
        return Err(SharesError::NotAKey {
            reason: format!(
                "a key file of {} bytes is not a private key",
                key_file.len()
            ),
        });
    }
    let fingerprint = KeyFingerprint::of_key_file(key_file)?;
    let mut set_id = [0u8; 16];
    getrandom::fill(&mut set_id).map_err(|_| SharesError::Random)?;

    // `UnwrapErr` aborts if the OS generator fails half-way, as Go's crypto/rand does: the
    // generator just worked for the set id, and carrying on with non-random coefficients
    // would hand out shares that leak the key.
    let ids = (1..=n).map(|x| IdentifierGf256(Gf256(x)));
    let raw = Gf256::split_bytes_with_participant_ids_iter(
        threshold,
        count,
        key_file,
        UnwrapErr(getrandom::SysRng),
        ids,
    )
    .map_err(|e| SharesError::NotAKey {
        reason: format!("the key could not be split: {e:?}"),
    })?;
    let secret_digest = sha256(key_file);
    let mut shares = Vec::with_capacity(raw.len());
    for one in raw {
        let one = Zeroizing::new(one);
        // vsss-rs lays a share out as its x coordinate, then one y byte per secret byte.
        let Some((&index, values)) = one.split_first() else {
            continue;
        };
        shares.push(Share {
            index,
            count: n,
            threshold: m,
            set_id,
            fingerprint,
            secret_digest,
            data: Zeroizing::new(values.to_vec()),
        });
    }
    Ok(Split {
        fingerprint,
        set_id,
        shares,
    })
}

/// One share file handed to [`combine`]: a name for messages and its text.
#[derive(Debug, Clone, Copy)]
pub struct ShareInput<'a> {
    /// How errors name it (the path given on the command line).
    pub name: &'a str,
    /// The file's contents.
    pub text: &'a [u8],
}

/// The result of [`combine`].
#[derive(Debug)]
pub struct Restored {
    /// The key file, byte for byte as it was split.
    pub key_file: Zeroizing<Vec<u8>>,
    /// Its fingerprint, recomputed from the restored bytes (and equal to the shares').
    pub fingerprint: KeyFingerprint,
    /// How many distinct shares were combined.
    pub used: usize,
}

/// Restores a key file from at least M shares of one split. Every share is checked before
/// anything is combined, and the result is checked against the digest and fingerprint the
/// shares carry.
///
/// # Errors
/// [`SharesError::Corrupted`] naming the damaged file, [`SharesError::NoShares`],
/// [`SharesError::DifferentKeys`] and [`SharesError::DifferentSplits`] naming both files,
/// [`SharesError::Inconsistent`], [`SharesError::DuplicateShare`],
/// [`SharesError::NotEnoughShares`] saying how many more are needed, and
/// [`SharesError::WrongReconstruction`].
pub fn combine(inputs: &[ShareInput<'_>]) -> Result<Restored, SharesError> {
    let mut parsed: Vec<(&str, Share)> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let share = Share::parse(input.text).map_err(|reason| SharesError::Corrupted {
            file: input.name.to_owned(),
            reason,
        })?;
        parsed.push((input.name, share));
    }
    let Some((first_name, first)) = parsed.first() else {
        return Err(SharesError::NoShares);
    };
    for (i, (name, share)) in parsed.iter().enumerate() {
        if share.fingerprint != first.fingerprint {
            return Err(SharesError::DifferentKeys {
                first: (*first_name).to_owned(),
                first_fingerprint: first.fingerprint.to_string(),
                other: (*name).to_owned(),
                other_fingerprint: share.fingerprint.to_string(),
            });
        }
        if share.set_id != first.set_id {
            return Err(SharesError::DifferentSplits {
                first: (*first_name).to_owned(),
                first_set: first.set_id_hex(),
                other: (*name).to_owned(),
                other_set: share.set_id_hex(),
            });
        }
        let disagreement = if share.threshold != first.threshold {
            Some("Threshold")
        } else if share.count != first.count {
            Some("the number of shares")
        } else if share.secret_digest != first.secret_digest {
            Some("Secret-Digest")
        } else if share.data.len() != first.data.len() {
            Some("Secret-Length")
        } else {
            None
        };
        if let Some(field) = disagreement {
            return Err(SharesError::Inconsistent {
                first: (*first_name).to_owned(),
                other: (*name).to_owned(),
                field,
            });
        }
        if let Some((earlier, _)) = parsed[..i].iter().find(|(_, s)| s.index == share.index) {
            return Err(SharesError::DuplicateShare {
                index: share.index,
                first: (*earlier).to_owned(),
                second: (*name).to_owned(),
            });
        }
    }
    let need = usize::from(first.threshold);
    if parsed.len() < need {
        return Err(SharesError::NotEnoughShares {
            have: parsed.len(),
            need,
        });
    }

    let points: Vec<Zeroizing<Vec<u8>>> = parsed
        .iter()
        .map(|(_, share)| {
            let mut point = Zeroizing::new(Vec::with_capacity(share.data.len() + 1));
            point.push(share.index);
            point.extend_from_slice(&share.data);
            point
        })
        .collect();
    // vsss-rs wants `&[Vec<u8>]`: a copy in a buffer we wipe ourselves after use.
    let mut plain: Vec<Vec<u8>> = points.iter().map(|p| p.to_vec()).collect();
    let combined = Gf256::combine_bytes(&plain);
    for p in &mut plain {
        zeroize::Zeroize::zeroize(p);
    }
    let key_file = Zeroizing::new(combined.map_err(|e| SharesError::WrongReconstruction {
        reason: format!("{e:?}"),
    })?);

    if sha256(&key_file) != first.secret_digest {
        return Err(SharesError::WrongReconstruction {
            reason: format!(
                "Secret-Digest SHA256:{} expected",
                hex(&first.secret_digest)
            ),
        });
    }
    let fingerprint =
        KeyFingerprint::of_key_file(&key_file).map_err(|e| SharesError::WrongReconstruction {
            reason: e.to_string(),
        })?;
    if fingerprint != first.fingerprint {
        return Err(SharesError::WrongReconstruction {
            reason: format!(
                "the key's fingerprint is {fingerprint}, the shares name {}",
                first.fingerprint
            ),
        });
    }
    Ok(Restored {
        key_file,
        fingerprint,
        used: parsed.len(),
    })
}

#[cfg(test)]
mod tests;
