//! Unit tests of [`split`] and [`combine`], with known-answer vectors for the field
//! arithmetic the shares depend on.

use super::*;
use cfssl_keys::{KeySpec, PrivateKey};

fn ec_key() -> Zeroizing<String> {
    let spec = KeySpec::from_request("ecdsa", 256).expect("spec");
    PrivateKey::generate(spec).expect("key").to_pem()
}

fn texts(split: &Split) -> Vec<Zeroizing<String>> {
    split.shares.iter().map(Share::to_text).collect()
}

fn inputs<'a>(names: &'a [String], texts: &'a [Zeroizing<String>]) -> Vec<ShareInput<'a>> {
    names
        .iter()
        .zip(texts)
        .map(|(name, text)| ShareInput {
            name,
            text: text.as_bytes(),
        })
        .collect()
}

/// Known answers, worked by hand from the field's definition (FIPS-197 §4.2: the AES field,
/// where {57}·{83} = {c1} and xtime({ca}) = {8f}), that any correct GF(256) Shamir
/// implementation with x = share index must reproduce.
#[test]
fn known_answer_vectors() {
    // f(x) = 0x53 + 0xca·x: f(1) = 0x99, f(2) = 0x53 ^ xtime(0xca) = 0x53 ^ 0x8f = 0xdc.
    let secret = Gf256::combine_bytes(vec![vec![1, 0x99], vec![2, 0xdc]]).expect("combine");
    assert_eq!(secret, [0x53]);
    // f(x) = 0x2a + 0x57·x at x = 0x83 gives 0x2a ^ 0xc1 = 0xeb; at x = 1, 0x2a ^ 0x57 = 0x7d.
    let secret = Gf256::combine_bytes(vec![vec![0x83, 0xeb], vec![1, 0x7d]]).expect("combine");
    assert_eq!(secret, [0x2a]);
    // Degree 2, f(x) = s + x + x²: f(1) = s, f(2) = s ^ 2 ^ 4, f(3) = s ^ 3 ^ 5 (3² = 5 in
    // GF(2⁸): (x+1)² = x²+1), for s = 0x10.
    let secret =
        Gf256::combine_bytes(vec![vec![1, 0x10], vec![2, 0x16], vec![3, 0x16]]).expect("combine");
    assert_eq!(secret, [0x10]);
}

#[test]
fn every_threshold_subset_restores_and_smaller_ones_do_not() {
    let key = ec_key();
    let made = split(key.as_bytes(), 3, 5).expect("split");
    assert_eq!(made.shares.len(), 5);
    let all = texts(&made);
    let names: Vec<String> = (1..=5).map(|i| format!("share-{i}")).collect();
    for a in 0..5 {
        for b in a + 1..5 {
            let pair = [all[a].clone(), all[b].clone()];
            let pair_names = [names[a].clone(), names[b].clone()];
            let err = combine(&inputs(&pair_names, &pair)).expect_err("2 of 3");
            assert_eq!(err, SharesError::NotEnoughShares { have: 2, need: 3 });
            for c in b + 1..5 {
                let three = [all[a].clone(), all[b].clone(), all[c].clone()];
                let three_names = [names[a].clone(), names[b].clone(), names[c].clone()];
                let restored = combine(&inputs(&three_names, &three)).expect("3 of 5");
                assert_eq!(&restored.key_file[..], key.as_bytes());
                assert_eq!(restored.fingerprint, made.fingerprint);
            }
        }
    }
    // All five work too.
    let restored = combine(&inputs(&names, &all)).expect("5 of 5");
    assert_eq!(&restored.key_file[..], key.as_bytes());
    assert_eq!(restored.used, 5);
}

#[test]
fn shares_are_marked_and_differ_per_split() {
    let key = ec_key();
    let one = split(key.as_bytes(), 2, 3).expect("split");
    let two = split(key.as_bytes(), 2, 3).expect("split");
    assert_ne!(one.set_id, two.set_id);
    assert_eq!(one.fingerprint, two.fingerprint);
    for (i, share) in one.shares.iter().enumerate() {
        assert_eq!(usize::from(share.index), i + 1);
        assert_eq!((share.count, share.threshold), (3, 2));
        assert_eq!(share.data.len(), key.len());
        // No share is the key itself.
        assert_ne!(&share.data[..], key.as_bytes());
    }
}

#[test]
fn parameters_are_checked() {
    let key = ec_key();
    let key = key.as_bytes();
    assert_eq!(
        split(key, 1, 5).unwrap_err(),
        SharesError::ThresholdTooSmall { threshold: 1 }
    );
    assert_eq!(
        split(key, 4, 3).unwrap_err(),
        SharesError::ThresholdAboveCount {
            threshold: 4,
            count: 3
        }
    );
    assert_eq!(
        split(key, 3, 256).unwrap_err(),
        SharesError::TooManyShares { count: 256 }
    );
    assert!(split(key, 255, 255).is_ok());
    assert!(matches!(
        split(b"", 2, 3).unwrap_err(),
        SharesError::NotAKey { .. }
    ));
    assert!(matches!(
        split(b"not a key", 2, 3).unwrap_err(),
        SharesError::NotAKey { .. }
    ));
}

#[test]
fn wrong_sets_are_named() {
    let key_a = ec_key();
    let key_b = ec_key();
    let a = texts(&split(key_a.as_bytes(), 2, 3).expect("split"));
    let a_again = texts(&split(key_a.as_bytes(), 2, 3).expect("split"));
    let b = texts(&split(key_b.as_bytes(), 2, 3).expect("split"));
    let names = ["a1".to_owned(), "x".to_owned()];

    let err = combine(&inputs(&names, &[a[0].clone(), b[1].clone()])).unwrap_err();
    assert!(
        matches!(&err, SharesError::DifferentKeys { first, other, .. } if first == "a1" && other == "x"),
        "{err}"
    );

    let err = combine(&inputs(&names, &[a[0].clone(), a_again[1].clone()])).unwrap_err();
    assert!(
        matches!(&err, SharesError::DifferentSplits { other, .. } if other == "x"),
        "{err}"
    );
    assert!(err.to_string().contains("two different splits"));

    let err = combine(&inputs(&names, &[a[0].clone(), a[0].clone()])).unwrap_err();
    assert_eq!(
        err,
        SharesError::DuplicateShare {
            index: 1,
            first: "a1".into(),
            second: "x".into()
        }
    );

    let mut damaged = a[1].as_bytes().to_vec();
    let last_body_byte = damaged.len() - 40;
    damaged[last_body_byte] ^= 0x02;
    let damaged = Zeroizing::new(String::from_utf8(damaged).expect("ascii"));
    let err = combine(&inputs(&names, &[a[0].clone(), damaged])).unwrap_err();
    assert!(
        matches!(&err, SharesError::Corrupted { file, .. } if file == "x"),
        "{err}"
    );

    assert_eq!(combine(&[]).unwrap_err(), SharesError::NoShares);
}

#[test]
fn a_forged_but_well_formed_share_is_caught_after_combining() {
    let key = ec_key();
    let made = split(key.as_bytes(), 2, 3).expect("split");
    let mut forged = made.shares[1].clone();
    forged.data[0] ^= 1; // re-rendered, so the checksum matches
    let texts = [made.shares[0].to_text(), forged.to_text()];
    let names = ["a".to_owned(), "b".to_owned()];
    let err = combine(&inputs(&names, &texts)).unwrap_err();
    assert!(
        matches!(err, SharesError::WrongReconstruction { .. }),
        "{err}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    /// Any encrypted-looking file of any content splits and restores as is.
    #[test]
    fn any_bytes_of_an_encrypted_key_round_trip(body in proptest::collection::vec(proptest::num::u8::ANY, 1..600), m in 2usize..5, extra in 0usize..3) {
        let mut file = b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n".to_vec();
        file.extend_from_slice(&body);
        let n = m + extra;
        let made = split(&file, m, n).expect("split");
        let all = texts(&made);
        let names: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
        // The last M shares.
        let restored = combine(&inputs(&names[n - m..], &all[n - m..])).expect("combine");
        proptest::prop_assert_eq!(&restored.key_file[..], &file[..]);
        proptest::prop_assert_eq!(restored.fingerprint.of, FingerprintOf::EncryptedFile);
    }

    /// Share parsing never panics on arbitrary input.
    #[test]
    fn parse_never_panics(text in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
        let _ = Share::parse(&text);
        let mut framed = b"-----BEGIN CFSSL-RS KEY SHARE-----\n".to_vec();
        framed.extend_from_slice(&text);
        let _ = Share::parse(&framed);
    }
}
