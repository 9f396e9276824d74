//! The cfssl commands cfssl-rs does not implement, and the suggestion for a mistyped name.
//!
//! cfssl 1.6.5 registers 19 commands (docs/cfssl-compat.md §1.1). The ones cfssl-rs lacks answer
//! `cfssl-rs does not implement `NAME`: REASON; ALTERNATIVE` (exit 1) rather than cfssl's
//! `Command NAME is not defined.`, which would read like a typo.

use std::fmt;

use crate::COMMANDS;

/// A cfssl command that cfssl-rs refuses, with why and what to use instead.
#[derive(Debug)]
pub struct Unimplemented {
    /// The command name.
    pub name: &'static str,
    /// Why it is not here.
    pub reason: &'static str,
    /// What to do instead.
    pub alternative: &'static str,
}

impl fmt::Display for Unimplemented {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cfssl-rs does not implement `{}`: {}; {}",
            self.name, self.reason, self.alternative
        )
    }
}

const fn entry(
    name: &'static str,
    reason: &'static str,
    alternative: &'static str,
) -> Unimplemented {
    Unimplemented {
        name,
        reason,
        alternative,
    }
}

/// The refused commands, by name.
pub static UNIMPLEMENTED: &[Unimplemented] = &[
    entry(
        "bundle",
        "building a chain from root and intermediate stores (and fetching from -domain) is not built yet",
        "concatenate the certificates yourself (`cat leaf.pem intermediate.pem > bundle.pem`) and \
         check the chain with `openssl verify -CAfile root.pem -untrusted intermediate.pem leaf.pem`",
    ),
    entry(
        "info",
        "it asks a (remote) signer for its CA certificate and profile, and remote signing is not built yet",
        "print the CA certificate with `cfssl-rs certinfo -cert ca.pem` and read the profile in the -config file",
    ),
    entry(
        "scan",
        "it probes remote TLS servers, which an offline tool does not do",
        "use `openssl s_client -connect host:443 </dev/null` (or a TLS scanner such as testssl.sh)",
    ),
];

/// The refused command called `name`.
pub fn find(name: &str) -> Option<&'static Unimplemented> {
    UNIMPLEMENTED.iter().find(|u| u.name == name)
}

/// The known command name closest to a mistyped `name` (case-insensitive edit distance),
/// if one is close enough to be a likely typo: at most 2 edits and fewer than half the
/// typed name's length, so that short unrelated words get no suggestion.
pub fn suggest(name: &str) -> Option<&'static str> {
    let typed = name.to_lowercase();
    let known = COMMANDS
        .iter()
        .map(|c| c.name)
        .chain(UNIMPLEMENTED.iter().map(|u| u.name));
    let (distance, best) = known
        .map(|k| (levenshtein(&typed, k), k))
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))?;
    let limit = (typed.chars().count().saturating_sub(1) / 2).min(2);
    (distance <= limit).then_some(best)
}

/// Edit distance (insertions, deletions, substitutions) between two strings, by chars.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the dynamic-programming table at a time.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let substitute = diagonal + usize::from(ca != *cb);
            let best = substitute
                .min(above.saturating_add(1))
                .min(left.saturating_add(1));
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("gencrt", "gencert"), 1);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("singn", "sign"), 1);
        assert_eq!(levenshtein("é", "e"), 1);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("gencrt"), Some("gencert"));
        assert_eq!(suggest("GENCERT"), Some("gencert"));
        assert_eq!(suggest("bundel"), Some("bundle"));
        assert_eq!(suggest("k8s-sing"), Some("k8s-sign"));
        assert_eq!(suggest("foo"), None);
        assert_eq!(suggest("-"), None);
        assert_eq!(suggest(""), None);
        assert_eq!(suggest("frobnicate"), None);
    }

    #[test]
    fn refused_names_are_not_commands_and_cover_cfssl() {
        for u in UNIMPLEMENTED {
            assert!(crate::find(u.name).is_none(), "{}", u.name);
        }
        // cfssl 1.6.5's 19 commands (docs/cfssl-compat.md §1.1): each is implemented or refused.
        for name in [
            "bundle",
            "certinfo",
            "crl",
            "sign",
            "serve",
            "version",
            "genkey",
            "gencert",
            "gencsr",
            "gencrl",
            "ocspdump",
            "ocsprefresh",
            "ocspsign",
            "ocspserve",
            "selfsign",
            "scan",
            "info",
            "print-defaults",
            "revoke",
        ] {
            assert!(
                crate::find(name).is_some() || find(name).is_some(),
                "{name}"
            );
        }
    }
}
