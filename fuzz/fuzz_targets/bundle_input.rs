//! `bundle`'s inputs (docs/cfssl-lifecycle.md §11.1, §11.2): `read_chain` (PEM, PKCS#12,
//! DER, PKCS#7 detection) on the bytes, then path building with the input's first
//! certificate as the only trusted root and the rest as intermediates, in every flavor.
//! The API's `/bundle` endpoint hands these bytes over from the network.
//!
//! Invariants:
//! * nothing panics, whatever the bytes;
//! * a bundle's chain starts with its leaf, and its JSON is an object that parses back;
//! * `status.code` holds only cfssl's two bits.
#![no_main]

use cfssl_bundle::{Bundler, Flavor, read_chain};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = read_chain(data, "0") else {
        return;
    };
    let Some(first) = input.certificates.first() else {
        return;
    };
    let bundler = Bundler::new(vec![first.clone()], input.certificates.clone());
    let now = time::macros::datetime!(2026-12-07 00:00 UTC);
    for flavor in [Flavor::Optimal, Flavor::Ubiquitous, Flavor::Force] {
        let Ok(bundle) = bundler.bundle(
            input.certificates.clone(),
            input.key.clone(),
            flavor,
            now,
            &mut |_| {},
        ) else {
            continue;
        };
        assert_eq!(
            bundle.chain.first().map(|c| c.der()),
            Some(bundle.leaf.der())
        );
        assert_eq!(bundle.status.code & !3, 0);
        let json = bundle.to_json();
        assert!(matches!(
            cfssl_json::parse(json.as_bytes()),
            Ok(cfssl_json::Value::Object(_))
        ));
    }
});
