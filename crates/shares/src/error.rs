//! The one error type of the crate (docs/architecture.md): every way a split or a restore
//! can fail, with the files involved named so that the person holding the shares knows
//! which one to look at.

/// Why a key could not be split or restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SharesError {
    /// M below 2: one share alone would be the key itself, with no protection.
    #[error("the threshold must be at least 2 shares (-m {threshold})")]
    ThresholdTooSmall {
        /// The M asked for.
        threshold: usize,
    },
    /// M above N: the key could never be restored.
    #[error("the threshold (-m {threshold}) cannot exceed the number of shares (-n {count})")]
    ThresholdAboveCount {
        /// The M asked for.
        threshold: usize,
        /// The N asked for.
        count: usize,
    },
    /// N above 255: GF(256) has 255 non-zero points to hand out.
    #[error("at most 255 shares can be made (-n {count})")]
    TooManyShares {
        /// The N asked for.
        count: usize,
    },
    /// The file to split is not a private key we can fingerprint.
    #[error("{reason}")]
    NotAKey {
        /// What is wrong with it.
        reason: String,
    },
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random,
    /// A share file that does not parse or whose checksum does not match.
    #[error("{file}: corrupted key share: {reason}")]
    Corrupted {
        /// The file, as the caller named it.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// No share given.
    #[error("no key share given")]
    NoShares,
    /// Fewer distinct shares than the threshold.
    #[error(
        "{need} shares are needed to restore this key and {have} were given: {} more share{} needed",
        need - have,
        if need - have == 1 { " is" } else { "s are" }
    )]
    NotEnoughShares {
        /// Distinct shares given.
        have: usize,
        /// The threshold M.
        need: usize,
    },
    /// Two files hold the same share (the same index of the same split).
    #[error(
        "{first} and {second} are both share {index}: give {index} only once, and another share instead"
    )]
    DuplicateShare {
        /// The share index.
        index: u8,
        /// The first file holding it.
        first: String,
        /// The second.
        second: String,
    },
    /// Shares of two different keys.
    #[error(
        "{first} and {other} are shares of different keys ({first_fingerprint} and {other_fingerprint})"
    )]
    DifferentKeys {
        /// The first file given.
        first: String,
        /// Its key fingerprint.
        first_fingerprint: String,
        /// The file that does not match it.
        other: String,
        /// That file's key fingerprint.
        other_fingerprint: String,
    },
    /// Shares of one key but of two separate splits, which do not combine.
    #[error(
        "{first} and {other} are shares of the same key but of two different splits (set {first_set} and {other_set}): use shares of one split"
    )]
    DifferentSplits {
        /// The first file given.
        first: String,
        /// Its set id.
        first_set: String,
        /// The file that does not match it.
        other: String,
        /// That file's set id.
        other_set: String,
    },
    /// Two shares claim the same split but disagree on its parameters: one was edited.
    #[error(
        "{first} and {other} claim the same split but disagree on {field}: one of them was altered"
    )]
    Inconsistent {
        /// The first file given.
        first: String,
        /// The file that disagrees.
        other: String,
        /// The header they disagree on.
        field: &'static str,
    },
    /// The restored bytes do not have the digest the shares recorded.
    #[error("the restored key does not match the digest recorded in the shares ({reason})")]
    WrongReconstruction {
        /// What did not match.
        reason: String,
    },
}

impl SharesError {
    /// cfssl's numeric error code: none, as cfssl has no key splitting (our extension).
    pub fn code(&self) -> Option<u32> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let one = SharesError::NotEnoughShares { have: 2, need: 3 };
        assert_eq!(
            one.to_string(),
            "3 shares are needed to restore this key and 2 were given: 1 more share is needed"
        );
        let two = SharesError::NotEnoughShares { have: 1, need: 3 };
        assert!(two.to_string().ends_with("2 more shares are needed"));
        assert_eq!(two.code(), None);
    }
}
