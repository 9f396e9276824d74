//! Go's `time.ParseDuration` port alone (`expiry`, `backdate`, `ca.expiry`; docs/cfssl-compat.md
//! §3.3.3): hand-written digit, fraction and unit arithmetic, fuzzed without the JSON
//! around it so every execution reaches it.
//!
//! Invariants on every input (as UTF-8):
//! * `parse` never panics (no overflow, whatever the digits);
//! * an accepted duration prints as text that parses back to the same value;
//! * an accepted unsigned `s` means `-s` is accepted as its negation (`+s` as itself).
#![no_main]

use cfssl_config::GoDuration;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(d) = text.parse::<GoDuration>() else {
        return;
    };
    let printed = d.to_string();
    let back: GoDuration = printed
        .parse()
        .unwrap_or_else(|e| panic!("{printed:?} (from {text:?}) does not parse: {e}"));
    assert_eq!(d, back, "{text:?} → {printed:?} → {back:?}");

    if !text.starts_with(['-', '+']) {
        let neg: GoDuration = format!("-{text}")
            .parse()
            .unwrap_or_else(|e| panic!("-{text:?} rejected while {text:?} is {d:?}: {e}"));
        assert_eq!(
            neg.nanos(),
            d.nanos().wrapping_neg(),
            "-{text:?} is not the negation"
        );
        let pos: GoDuration = format!("+{text}").parse().expect("+s must parse like s");
        assert_eq!(pos, d);
    }
});
