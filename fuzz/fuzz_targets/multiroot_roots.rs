//! `multirootca`'s roots file (`cfssl_config::multiroot`, docs/cfssl-lifecycle.md §10):
//! `parse_roots` over arbitrary text, and `IpNet::parse` over each line and each
//! comma-separated piece of it. A roots file is operator input, but its `nets` decide which
//! network clients may use a root, so the CIDR matching must be exact.
//!
//! Invariants:
//! * nothing panics, whatever the text;
//! * an accepted file has at least one root, and its labels are unique words written in the
//!   file (or `default`, for settings before the first header);
//! * a parsed CIDR block's network has no host bits, its prefix fits the family, it
//!   contains its own network address (also as IPv4-mapped IPv6 for IPv4), and an address
//!   with a bit flipped inside the prefix is outside it while one flipped after the
//!   prefix is inside; an IPv4-mapped IPv6 network contains nothing, as in Go.
#![no_main]

use std::net::IpAddr;

use cfssl_config::multiroot::{IpNet, parse_roots};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_roots(&text) {
        Ok(roots) => {
            assert!(!roots.is_empty(), "accepted file without roots");
            let mut seen = std::collections::BTreeSet::new();
            for (label, root) in &roots {
                assert!(seen.insert(label.clone()), "label {label:?} twice");
                assert!(
                    !label.is_empty()
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "label {label:?} is not a word"
                );
                assert!(
                    label == "default" || text.contains(label.as_str()),
                    "label {label:?} not in the file"
                );
                for net in &root.nets {
                    check_net(net);
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    for piece in text.split(['\n', ',', ' ', '=']) {
        if let Some(net) = IpNet::parse(piece) {
            check_net(&net);
        }
    }
});

fn check_net(net: &IpNet) {
    let (bits, width): (u128, u32) = match net.network {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    };
    let prefix = u32::from(net.prefix);
    assert!(prefix <= width, "prefix {prefix} too long");
    let host_mask = if prefix == width {
        0
    } else {
        (u128::MAX >> (128 - width)) >> prefix
    };
    assert_eq!(bits & host_mask, 0, "host bits set in {net:?}");
    if let IpAddr::V6(v6) = net.network
        && v6.to_ipv4_mapped().is_some()
    {
        // `::ffff:10.0.0.0/104`: Go's `IPNet.Contains` turns every IPv4-mapped address it
        // is asked about into IPv4, which then never matches a 16-byte network; so neither
        // does ours.
        assert!(
            !net.contains(net.network),
            "{net:?} contains an address, unlike Go"
        );
        return;
    }
    assert!(
        net.contains(net.network),
        "{net:?} does not contain its network"
    );
    if let IpAddr::V4(v4) = net.network {
        assert!(
            net.contains(IpAddr::V6(v4.to_ipv6_mapped())),
            "mapped address outside {net:?}"
        );
    }
    let with = |flip: u32| -> IpAddr {
        let flipped = bits ^ (1u128 << (width - 1 - flip));
        if width == 32 {
            IpAddr::V4((flipped as u32).into())
        } else {
            IpAddr::V6(flipped.into())
        }
    };
    if prefix > 0 {
        assert!(
            !net.contains(with(prefix - 1)),
            "{net:?} contains an address outside its prefix"
        );
    }
    if prefix < width {
        assert!(
            net.contains(with(width - 1)),
            "{net:?} misses an address inside it"
        );
    }
}
