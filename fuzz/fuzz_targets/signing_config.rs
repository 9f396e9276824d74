//! The signing configuration (`-config`, docs/cfssl-compat.md §3.3). Go durations on their own are the
//! `go_duration` target's job.
//!
//! Invariants: `Config::from_json` never panics; for every accepted profile (default
//! included) `usages()` never panics and `profile(name)` finds it.
#![no_main]

use cfssl_config::Config;
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
});
