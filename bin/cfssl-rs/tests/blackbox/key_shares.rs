//! `cfssl-rs key split` / `key combine` (issue 14 item 4): M-of-N backup of a key file.
//! Black-box: every 3 of 5 shares restore the key byte for byte, no 2 do, each kind of bad
//! input is named, the restored key signs a certificate openssl verifies against the
//! original CA, an encrypted key round-trips as is, and nothing is written 0644 or over an
//! existing file.

#![allow(clippy::unwrap_used, clippy::panic)]

use crate::common;
use std::os::unix::fs::PermissionsExt as _;

use common::{Dir, Run};

const PASSWORD: &str = "correct horse battery staple";

/// Splits `key` 3-of-5 into `dir`; returns the five share file names, in order.
fn split_3_of_5(d: &Dir, key: &str, dir: &str) -> Vec<String> {
    let r = d.cfssl(&[
        "key", "split", "-m", "3", "-n", "5", "-key", key, "-out", dir,
    ]);
    r.ok();
    let stem = key.trim_end_matches(".pem");
    let names: Vec<String> = (1..=5)
        .map(|i| format!("{dir}/{stem}-share-{i}-of-5.txt"))
        .collect();
    assert_eq!(
        r.stdout.lines().map(str::to_owned).collect::<Vec<_>>(),
        names,
        "the written files are listed"
    );
    assert!(r.stderr.contains("key fingerprint SHA256:"), "{}", r.stderr);
    names
}

fn combine(d: &Dir, shares: &[&str]) -> Run {
    let mut args = vec!["key", "combine"];
    args.extend_from_slice(shares);
    d.cfssl(&args)
}

fn mode(d: &Dir, name: &str) -> u32 {
    std::fs::metadata(d.path(name))
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

/// What `openssl pkey -pubout -outform DER | sha256sum` prints, as `SHA256:<hex>`.
fn openssl_fingerprint(d: &Dir, key: &str) -> String {
    d.openssl(&[
        "pkey", "-in", key, "-pubout", "-outform", "DER", "-out", "pub.der",
    ])
    .ok();
    let r = common::run("sha256sum", d.tmp.path(), &["pub.der"], b"");
    r.ok();
    format!("SHA256:{}", r.stdout.split_whitespace().next().unwrap())
}

fn logged_fingerprint(r: &Run) -> String {
    let at = r
        .stderr
        .find("key fingerprint ")
        .expect("fingerprint logged")
        + 16;
    r.stderr[at..].split_whitespace().next().unwrap().to_owned()
}

#[test]
fn every_three_of_five_restore_and_no_two_do() {
    let d = Dir::new();
    let (_, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    let shares = split_3_of_5(&d, &key, "shares");
    for s in &shares {
        assert_eq!(mode(&d, s), 0o600, "{s}");
        let text = d.read(s);
        assert!(
            text.contains("-----BEGIN CFSSL-RS KEY SHARE-----"),
            "{text}"
        );
        assert!(text.contains("Threshold: 3\n"), "{text}");
    }
    assert!(d.read(&shares[1]).contains("Share: 2 of 5\n"));
    let original = std::fs::read(d.path(&key)).unwrap();
    for a in 0..5 {
        for b in a + 1..5 {
            let r = combine(&d, &[&shares[a], &shares[b]]);
            r.fails_with(
                "3 shares are needed to restore this key and 2 were given: 1 more share is needed",
            );
            for c in b + 1..5 {
                let r = combine(&d, &[&shares[a], &shares[b], &shares[c]]);
                r.ok();
                assert_eq!(r.stdout.as_bytes(), &original[..], "shares {a} {b} {c}");
            }
        }
    }
}

#[test]
fn the_restored_key_signs_what_the_original_ca_verifies() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"rsa","size":2048}"#);
    let shares = split_3_of_5(&d, &key, "shares");
    let split_fp = {
        // Split again into another folder just to read the log line: same fingerprint.
        let r = d.cfssl(&[
            "key", "split", "-m", "2", "-n", "2", "-key", &key, "-out", "other",
        ]);
        r.ok();
        logged_fingerprint(&r)
    };
    let r = d.cfssl(&[
        "key",
        "combine",
        "-out",
        "restored.pem",
        &shares[4],
        &shares[0],
        &shares[2],
    ]);
    r.ok();
    assert!(r.stdout.is_empty());
    assert_eq!(mode(&d, "restored.pem"), 0o600);
    assert_eq!(
        std::fs::read(d.path("restored.pem")).unwrap(),
        std::fs::read(d.path(&key)).unwrap()
    );
    // The logged fingerprint is the documented openssl command's.
    assert_eq!(
        logged_fingerprint(&r),
        openssl_fingerprint(&d, "restored.pem")
    );
    assert_eq!(split_fp, logged_fingerprint(&r));
    // …and the certificate's key gives the same value, without the private key at all.
    let pubkey = d.openssl(&["x509", "-in", &ca, "-pubkey", "-noout"]);
    pubkey.ok();
    d.write("ca-pub.pem", &pubkey.stdout);
    d.openssl(&[
        "pkey",
        "-pubin",
        "-in",
        "ca-pub.pem",
        "-outform",
        "DER",
        "-out",
        "ca-pub.der",
    ])
    .ok();
    let sum = common::run("sha256sum", d.tmp.path(), &["ca-pub.der"], b"");
    assert_eq!(
        split_fp,
        format!("SHA256:{}", sum.stdout.split_whitespace().next().unwrap())
    );

    d.write(
        "leaf.json",
        r#"{"CN":"leaf.example","hosts":["leaf.example"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl(&[
        "gencert",
        "-ca",
        &ca,
        "-ca-key",
        "restored.pem",
        "leaf.json",
    ]);
    r.ok();
    d.save(&r, "cert", "leaf.pem");
    let v = d.openssl(&["verify", "-CAfile", &ca, "leaf.pem"]);
    v.ok();
    assert!(v.stdout.contains("leaf.pem: OK"), "{}", v.stdout);

    // Refuses to overwrite, and leaves the existing file alone.
    d.write("taken.pem", "keep me");
    let r = d.cfssl(&[
        "key",
        "combine",
        "-out",
        "taken.pem",
        &shares[0],
        &shares[1],
        &shares[2],
    ]);
    r.fails_with("taken.pem already exists; nothing was written");
    assert_eq!(d.read("taken.pem"), "keep me");
}

#[test]
fn bad_sets_are_named() {
    let d = Dir::new();
    let (_, key_a) = d.root_ca("a", r#"{"algo":"ecdsa","size":256}"#);
    let (_, key_b) = d.root_ca("b", r#"{"algo":"ecdsa","size":256}"#);
    let a = split_3_of_5(&d, &key_a, "a-shares");
    let b = split_3_of_5(&d, &key_b, "b-shares");
    let a2 = split_3_of_5(&d, &key_a, "a-again");

    combine(&d, &[&a[0], &a[1], &a[0]])
        .fails_with(&format!("{} and {} are both share 1", a[0], a[0]));
    combine(&d, &[&a[0], &a[1], &b[2]]).fails_with(&format!(
        "{} and {} are shares of different keys",
        a[0], b[2]
    ));
    combine(&d, &[&a[0], &a[1], &a2[2]]).fails_with(&format!(
        "{} and {} are shares of the same key but of two different splits",
        a[0], a2[2]
    ));

    // One flipped byte in the base64 body.
    let mut damaged = std::fs::read(d.path(&a[3])).unwrap();
    let at = damaged.len() - 45;
    damaged[at] = if damaged[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(d.path("damaged.txt"), &damaged).unwrap();
    combine(&d, &[&a[0], "damaged.txt", &a[1]])
        .fails_with("damaged.txt: corrupted key share: checksum mismatch");

    combine(&d, &[&a[0], "nothing-here.txt", &a[1]])
        .fails_with("open nothing-here.txt: no such file or directory");
    combine(&d, &[&a[0], &key_a, &a[1]]).fails_with(&format!(
        "{key_a}: corrupted key share: no -----BEGIN CFSSL-RS KEY SHARE----- line"
    ));
    d.cfssl(&["key", "combine"])
        .fails_with("key combine needs the share files as arguments");
    // The split flags mean nothing to combine: refused, nothing written.
    for extra in [&["-m", "3"][..], &["-n", "5"], &["-key", key_a.as_str()]] {
        let mut args = vec!["key", "combine", "-out", "restored.pem"];
        args.extend_from_slice(extra);
        args.extend([a[0].as_str(), &a[1], &a[2]]);
        d.cfssl(&args).fails_with(&format!(
            "-{} is for `key split`: drop -{}",
            &extra[0][1..],
            &extra[0][1..]
        ));
        assert!(!d.path("restored.pem").exists());
    }
}

#[test]
fn split_parameters_are_checked() {
    let d = Dir::new();
    let (ca, key) = d.root_ca("ca", r#"{"algo":"ecdsa","size":256}"#);
    let split = |m: &str, n: &str, key: &str| {
        d.cfssl(&["key", "split", "-m", m, "-n", n, "-key", key, "-out", "s"])
    };
    split("4", "3", &key)
        .fails_with("the threshold (-m 4) cannot exceed the number of shares (-n 3)");
    split("1", "3", &key).fails_with("the threshold must be at least 2 shares (-m 1)");
    split("3", "256", &key).fails_with("at most 255 shares can be made (-n 256)");
    split("2", "3", &ca).fails_with("not a private key");
    split("2", "-3", &key).fails_with("the numbers of shares cannot be negative");
    split("2", "3", "missing.pem").fails_with("open missing.pem: no such file or directory");
    assert!(
        !d.path("s").exists(),
        "nothing is created on a refused split"
    );

    // Refuses to overwrite an existing share, writing none of the set.
    std::fs::create_dir(d.path("s")).unwrap();
    d.write("s/ca-key-share-2-of-3.txt", "keep me");
    split("2", "3", &key)
        .fails_with("s/ca-key-share-2-of-3.txt already exists; nothing was written");
    assert_eq!(d.read("s/ca-key-share-2-of-3.txt"), "keep me");
    assert!(!d.path("s/ca-key-share-1-of-3.txt").exists());

    d.cfssl(&["key", "split", "-m", "2", "-key", &key, "-out", "t"])
        .fails_with("key split needs -m (shares needed to restore) and -n (shares to make)");
    d.cfssl(&["key", "split", "-m", "2", "-n", "3", "-out", "t"])
        .fails_with("key split needs -key (the key file) and -out");
    d.cfssl(&["key", "bogus"])
        .fails_with("key: unknown action \"bogus\"");
}

#[test]
fn an_encrypted_key_splits_and_restores_as_is() {
    let d = Dir::new();
    d.write("pw.txt", format!("{PASSWORD}\n"));
    d.write(
        "ca-csr.json",
        r#"{"CN":"Enc Root","key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl_env(
        &[
            "gencert",
            "-initca",
            "-encrypt-key",
            "-password-file",
            "pw.txt",
            "ca-csr.json",
        ],
        &[],
    );
    r.ok();
    d.save(&r, "cert", "ca.pem");
    d.save(&r, "key", "ca-key.pem");
    assert!(
        d.read("ca-key.pem")
            .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    );

    let shares = split_3_of_5(&d, "ca-key.pem", "shares");
    assert!(
        d.read(&shares[0])
            .contains("Fingerprint-Of: encrypted-file\n")
    );
    let r = d.cfssl(&[
        "key",
        "combine",
        "-out",
        "restored.pem",
        &shares[1],
        &shares[3],
        &shares[4],
    ]);
    r.ok();
    assert!(r.stderr.contains("an encrypted key"), "{}", r.stderr);
    assert_eq!(
        std::fs::read(d.path("restored.pem")).unwrap(),
        std::fs::read(d.path("ca-key.pem")).unwrap()
    );
    // The encrypted-file fingerprint is sha256sum's.
    let sum = common::run("sha256sum", d.tmp.path(), &["ca-key.pem"], b"");
    assert_eq!(
        logged_fingerprint(&r),
        format!("SHA256:{}", sum.stdout.split_whitespace().next().unwrap())
    );
    // Still encrypted with the same password: it signs once the password is given.
    d.write(
        "leaf.json",
        r#"{"CN":"leaf","hosts":["leaf"],"key":{"algo":"ecdsa","size":256}}"#,
    );
    let r = d.cfssl_env(
        &[
            "gencert",
            "-ca",
            "ca.pem",
            "-ca-key",
            "restored.pem",
            "-password-file",
            "pw.txt",
            "leaf.json",
        ],
        &[],
    );
    r.ok();
    d.save(&r, "cert", "leaf.pem");
    d.openssl(&["verify", "-CAfile", "ca.pem", "leaf.pem"]).ok();
}

#[test]
fn help_lists_the_command() {
    let d = Dir::new();
    let r = d.cfssl(&["key", "-h"]);
    r.ok();
    assert!(
        r.stdout
            .contains("cfssl-rs key split -m M -n N -key KEY -out DIR"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("cfssl-rs key combine [-out FILE] SHARE..."),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("(cfssl-rs extension)"));
}
