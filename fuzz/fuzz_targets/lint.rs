//! cfssl-lint (`cfssl-rs lint FILE`, pre-issuance linting, docs/cfssl-compat.md §5.17): the
//! four entry points on the same input.
//!
//! Invariants: no panic on any input; every finding names a lint of the registry with that
//! lint's source and citation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for findings in [
        cfssl_lint::lint_certificate(data),
        cfssl_lint::lint_tbs_certificate(data),
        cfssl_lint::lint_crl(data),
        cfssl_lint::lint_tbs_crl(data),
    ]
    .into_iter()
    .flatten()
    {
        for f in &findings {
            let lint = cfssl_lint::lints()
                .iter()
                .find(|l| l.name == f.lint)
                .expect("a finding names a registered lint");
            assert_eq!(lint.source, f.source);
            assert_eq!(lint.citation, f.citation);
        }
    }
});
