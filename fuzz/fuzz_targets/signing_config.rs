//! The signing configuration (`-config`, cfssl.md §3.3) and Go durations (`expiry`,
//! `backdate`, cfssl.md §3.3.3).
//!
//! Invariants:
//! * `Config::from_json` never panics; for every accepted profile (default included)
//!   `usages()` never panics and `profile(name)` finds it;
//! * `GoDuration::from_str` on the input as UTF-8 never panics, and an accepted duration
//!   prints (Go's `Duration.String`) as text that parses back to the same value.
#![no_main]

use cfssl_config::{Config, GoDuration};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(config) = Config::from_json(data) {
        let _ = config.signing.default.usages();
        for (name, profile) in &config.signing.profiles {
            let _ = profile.usages();
            let _ = profile.is_remote();
            assert!(config.profile(name).is_ok(), "profile {name:?} not found");
        }
        assert!(config.profile("").is_ok(), "no default profile");
    }

    if let Ok(text) = std::str::from_utf8(data) {
        check_duration(text);
    }
});

fn check_duration(text: &str) {
    let Ok(d) = text.parse::<GoDuration>() else {
        return;
    };
    let printed = d.to_string();
    let back: GoDuration = printed
        .parse()
        .unwrap_or_else(|e| panic!("{printed:?} (from {text:?}) does not parse: {e}"));
    assert_eq!(d, back, "{text:?} → {printed:?} → {back:?}");
    let _ = d.as_time_duration();
}
