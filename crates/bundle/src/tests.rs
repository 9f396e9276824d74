//! Unit tests: cfssl 1.6.5's own output for the lifecycle PKI (testdata/bundle, from
//! ../shared/spec/cfssl-1.6.5-lifecycle, transcript T§17), then built PKIs.

use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../testdata/bundle/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The moment cfssl made bundle.json.
fn transcript_time() -> OffsetDateTime {
    time::macros::datetime!(2026-12-06 04:55:58 UTC)
}

fn run(
    bundler: &Bundler,
    cert: &[u8],
    key: Option<&[u8]>,
    flavor: Flavor,
) -> (Result<Bundle, BundleError>, Vec<Note>) {
    let mut notes = Vec::new();
    let result = bundler.bundle_pem_or_der(cert, key, "", flavor, transcript_time(), &mut |n| {
        notes.push(n)
    });
    (result, notes)
}

#[test]
fn matches_cfssl_byte_for_byte() -> TestResult {
    let bundler = Bundler::from_pem(Some(&fixture("ca.pem")), Some(&fixture("int.pem")))?;
    let (bundle, notes) = run(
        &bundler,
        &fixture("leafb.pem"),
        Some(&fixture("leafb-key.pem")),
        Flavor::Ubiquitous,
    );
    let bundle = bundle?;
    assert_eq!(
        bundle.to_json().as_bytes(),
        fixture("bundle.json").as_slice()
    );
    assert_eq!(
        notes,
        vec![
            Note::Info(
                "bundling certificate for CN=bundled.example.com,O=cfssl-lifecycle,C=US".into()
            ),
            Note::Warning("No metadata, Ubiquitous falls back to Optimal.".into()),
            Note::Info(
                "the anchoring root is CN=Lifecycle Test Root CA,O=cfssl-lifecycle,C=US".into()
            ),
        ]
    );
    Ok(())
}

#[test]
fn intermediate_in_the_root_store_anchors_the_chain() -> TestResult {
    // T§17: -int-bundle int.pem -ca-bundle int.pem: the intermediate is the root.
    let bundler = Bundler::from_pem(Some(&fixture("int.pem")), Some(&fixture("int.pem")))?;
    let (bundle, notes) = run(&bundler, &fixture("leafb.pem"), None, Flavor::Ubiquitous);
    let bundle = bundle?;
    assert_eq!(bundle.chain.len(), 1);
    assert_eq!(
        bundle.root.as_ref().map(|r| r.der()),
        Some(&*pem_der(&fixture("int.pem")))
    );
    assert!(!bundle.status.rebundled);
    assert_eq!(bundle.status.untrusted_root_stores, Some(vec![]));
    assert_eq!(
        notes.last(),
        Some(&Note::Info(
            "the anchoring root is CN=Lifecycle Test Intermediate CA,O=cfssl-lifecycle,C=US".into()
        ))
    );
    Ok(())
}

fn pem_der(pem: &[u8]) -> Vec<u8> {
    pem::parse(pem)
        .map(|p| p.contents().to_vec())
        .unwrap_or_default()
}

#[test]
fn cfssl_errors_for_the_lifecycle_pki() -> TestResult {
    let roots_only = Bundler::from_pem(Some(&fixture("ca.pem")), None)?;
    let (unknown, _) = run(&roots_only, &fixture("leafb.pem"), None, Flavor::Ubiquitous);
    let unknown = unknown.err().ok_or("must fail")?;
    assert_eq!(unknown.code(), Some(1220));
    assert_eq!(
        unknown.to_string(),
        "x509: certificate signed by unknown authority"
    );

    let (self_signed, _) = run(&roots_only, &fixture("ca.pem"), None, Flavor::Ubiquitous);
    let self_signed = self_signed.err().ok_or("must fail")?;
    assert_eq!(
        (self_signed.code(), self_signed.to_string()),
        (Some(1100), "Certificate is self signed".into())
    );

    let both = Bundler::from_pem(Some(&fixture("ca.pem")), Some(&fixture("int.pem")))?;
    let other_key = PrivateKey::generate(cfssl_keys::KeySpec::EcdsaP256)?.to_pem();
    let (mismatch, _) = run(
        &both,
        &fixture("leafb.pem"),
        Some(other_key.as_bytes()),
        Flavor::Optimal,
    );
    let mismatch = mismatch.err().ok_or("must fail")?;
    assert_eq!(
        (mismatch.code(), mismatch.to_string()),
        (Some(2300), "Private key does not match public key".into())
    );
    Ok(())
}

#[test]
fn root_first_input_is_reversed_and_its_intermediate_used() -> TestResult {
    // Root first: int.pem then leafb.pem. The intermediate comes only from the input.
    let bundler = Bundler::from_pem(Some(&fixture("ca.pem")), None)?;
    let input = [fixture("int.pem"), fixture("leafb.pem")].concat();
    let (bundle, _) = run(&bundler, &input, None, Flavor::Optimal);
    let bundle = bundle?;
    assert_eq!(bundle.chain.len(), 2);
    assert_eq!(bundle.chain[0].der(), pem_der(&fixture("leafb.pem")));
    assert_eq!(bundle.chain[1].der(), pem_der(&fixture("int.pem")));
    assert!(
        !bundle.status.rebundled,
        "leaf + intermediate is the input, reversed"
    );
    assert_eq!(
        bundle.root.as_ref().map(|r| r.der().to_vec()),
        Some(pem_der(&fixture("ca.pem")))
    );
    Ok(())
}

#[test]
fn force_keeps_the_input_and_checks_only_signatures() -> TestResult {
    let bundler = Bundler::default();
    let chain = [fixture("leafb.pem"), fixture("int.pem")].concat();
    let (bundle, _) = run(&bundler, &chain, None, Flavor::Force);
    let bundle = bundle?;
    let json = bundle.to_json();
    assert!(json.contains(r#","root":"","#), "{json}");
    assert!(json.contains(
        r#""status":{"rebundled":false,"expiring_SKIs":null,"untrusted_root_stores":null,"messages":["The bundle contains certificates signed with advanced hash functions such as SHA2, which are problematic for certain operating systems, e.g. Windows XP SP2.","The bundle contains ECDSA signatures, which are problematic for certain operating systems, e.g. Windows XP, Android 2.2 and Android 2.3."],"code":2}"#
    ), "{json}");
    // A chain that does not link up.
    let broken = [fixture("leafb.pem"), fixture("ca.pem")].concat();
    let (err, _) = run(&bundler, &broken, None, Flavor::Force);
    let err = err.err().ok_or("must fail")?;
    assert_eq!(
        (err.code(), err.to_string()),
        (Some(1200), "Unable to verify the certificate chain".into())
    );
    Ok(())
}

#[test]
fn der_and_bad_inputs() -> TestResult {
    let bundler = Bundler::from_pem(Some(&fixture("ca.pem")), Some(&fixture("int.pem")))?;
    let (bundle, _) = run(
        &bundler,
        &pem_der(&fixture("leafb.pem")),
        None,
        Flavor::Optimal,
    );
    assert_eq!(bundle?.chain.len(), 2);
    for (input, code) in [
        (&b""[..], 1002),
        (b"not a certificate", 1002),
        (
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            1003,
        ),
    ] {
        let (err, _) = run(&bundler, input, None, Flavor::Optimal);
        assert_eq!(err.err().and_then(|e| e.code()), Some(code), "{input:?}");
    }
    assert_eq!(
        Bundler::from_pem(Some(b"junk"), None)
            .err()
            .and_then(|e| e.code()),
        Some(4003)
    );
    assert_eq!(
        Bundler::from_pem(None, Some(b"junk"))
            .err()
            .and_then(|e| e.code()),
        Some(3003)
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Built PKIs: our own signer, at a fixed time, checked at chosen moments.

use cfssl_config::Config;
use cfssl_csr::CertificateRequest;
use cfssl_keys::KeySpec;
use cfssl_signer::{CsrInput, LocalSigner, ParsedCertificate, SignRequest, initca};

const POLICY: &[u8] = br#"{"signing": {
    "default": {"expiry": "8760h", "usages": ["digital signature", "server auth"]},
    "profiles": {
        "int": {"expiry": "43800h", "usages": ["cert sign", "crl sign"],
                "ca_constraint": {"is_ca": true, "max_path_len": 1}},
        "constrained-int": {"expiry": "43800h", "usages": ["cert sign", "crl sign"],
                "ca_constraint": {"is_ca": true, "max_path_len": 1},
                "name_constraints": {"critical": true, "permitted": {"dns_domains": ["example.test"]}}},
        "short-int": {"expiry": "24h", "usages": ["cert sign", "crl sign"],
                "ca_constraint": {"is_ca": true, "max_path_len": 1}},
        "server": {"expiry": "2160h", "usages": ["digital signature", "server auth"],
                "issuer_urls": ["http://ca.example.test/int.crt"],
                "ocsp_url": "http://ocsp.example.test"},
        "client": {"expiry": "2160h", "usages": ["digital signature", "client auth"]}
    }}}"#;

fn t0() -> OffsetDateTime {
    time::macros::datetime!(2026-06-01 00:00 UTC)
}

struct Ca {
    cert: ParsedCertificate,
    key: PrivateKey,
}

fn root(cn: &str, spec: KeySpec, expiry: &str) -> Result<Ca, Box<dyn std::error::Error>> {
    let key = PrivateKey::generate(spec)?;
    let request = CertificateRequest::from_json(
        format!(r#"{{"CN":"{cn}","ca":{{"expiry":"{expiry}"}}}}"#).as_bytes(),
    )?;
    let policy = initca::ca_policy(&request, true)?;
    let csr = cfssl_csr::generate(&key, &request)?;
    let issued = initca::self_sign(&csr.verified()?, &key, &policy, t0())?;
    Ok(Ca {
        cert: ParsedCertificate::from_der(&issued.der)?,
        key,
    })
}

fn issue(
    issuer: &Ca,
    cn: &str,
    key: &PrivateKey,
    profile: &str,
) -> Result<ParsedCertificate, Box<dyn std::error::Error>> {
    let signer = LocalSigner::new(
        issuer.cert.clone(),
        issuer.key.clone(),
        Config::from_json(POLICY)?,
    )?;
    let json = if profile.ends_with("int") {
        format!(r#"{{"CN":"{cn}"}}"#)
    } else {
        format!(r#"{{"CN":"{cn}","hosts":["{cn}"]}}"#)
    };
    let request = CertificateRequest::from_json(json.as_bytes())?;
    let csr = cfssl_csr::generate(key, &request)?;
    let issued = signer.sign(
        &SignRequest {
            csr: CsrInput::Pem(csr.pem.into_bytes()),
            profile: profile.into(),
            ..SignRequest::default()
        },
        t0(),
    )?;
    Ok(ParsedCertificate::from_der(&issued.der)?)
}

fn intermediate(
    issuer: &Ca,
    cn: &str,
    key: &PrivateKey,
    profile: &str,
) -> Result<Ca, Box<dyn std::error::Error>> {
    Ok(Ca {
        cert: issue(issuer, cn, key, profile)?,
        key: key.clone(),
    })
}

fn certs(list: &[&ParsedCertificate]) -> Result<Vec<BundleCertificate>, BundleError> {
    list.iter()
        .map(|c| BundleCertificate::from_der(&c.der))
        .collect()
}

fn bundle_at(
    bundler: &Bundler,
    input: &[&ParsedCertificate],
    flavor: Flavor,
    now: OffsetDateTime,
) -> Result<(Bundle, Vec<Note>), BundleError> {
    let mut notes = Vec::new();
    let bundle = bundler.bundle(certs(input)?, None, flavor, now, &mut |n| notes.push(n))?;
    Ok((bundle, notes))
}

#[test]
fn an_expired_intermediate_gives_way_to_a_valid_one() -> TestResult {
    let root = root("Root", KeySpec::EcdsaP256, "87600h")?;
    let int_key = PrivateKey::generate(KeySpec::EcdsaP256)?;
    let long = intermediate(&root, "Int", &int_key, "int")?;
    let short = issue(&root, "Int", &int_key, "short-int")?;
    let leaf = issue(
        &long,
        "www.example.test",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "server",
    )?;
    let later = t0() + time::Duration::hours(48);

    // Both versions of the intermediate: the expired one is passed over.
    let bundler = Bundler::new(certs(&[&root.cert])?, certs(&[&short, &long.cert])?);
    let (bundle, _) = bundle_at(&bundler, &[&leaf], Flavor::Optimal, later)?;
    assert_eq!(bundle.chain[1].der(), long.cert.der.as_slice());

    // Only the expired one: Go reports the intermediate's own failure (1211).
    let bundler = Bundler::new(certs(&[&root.cert])?, certs(&[&short])?);
    let err = bundle_at(&bundler, &[&leaf], Flavor::Optimal, later)
        .err()
        .ok_or("must fail")?;
    assert_eq!(err.code(), Some(1211));
    let expected = format!(
        "x509: certificate has expired or is not yet valid: current time 2026-06-03T00:00:00Z is after {}",
        short
            .not_after
            .format(&time::format_description::well_known::Rfc3339)?
    );
    assert_eq!(err.to_string(), expected);

    // A candidate that fails only its signature check is Go's hint on 1220.
    let impostor_key = PrivateKey::generate(KeySpec::EcdsaP256)?;
    let impostor = issue(&root, "Int", &impostor_key, "int")?;
    let bundler = Bundler::new(certs(&[&root.cert])?, certs(&[&impostor])?);
    let err = bundle_at(&bundler, &[&leaf], Flavor::Optimal, later)
        .err()
        .ok_or("must fail")?;
    assert_eq!(err.code(), Some(1220));
    assert!(
        err.to_string().starts_with(
            "x509: certificate signed by unknown authority (possibly because of \"x509: ECDSA \
             verification failure\" while trying to verify candidate authority certificate \"Int\")"
        ),
        "{err}"
    );

    // An expired leaf is Go's 1211.
    let much_later = t0() + time::Duration::days(200);
    let err = bundle_at(&bundler, &[&leaf], Flavor::Optimal, much_later)
        .err()
        .ok_or("must fail")?;
    assert_eq!(err.code(), Some(1211));
    assert!(err.to_string().starts_with("x509: certificate has expired or is not yet valid: current time 2026-12-18T00:00:00Z is after "), "{err}");
    Ok(())
}

#[test]
fn cross_signed_intermediates_are_ranked_by_flavor() -> TestResult {
    // One intermediate key and name, certified by two roots: the RSA root lives longer.
    let ecdsa_root = root("ECDSA Root", KeySpec::EcdsaP256, "43800h")?;
    let rsa_root = root("RSA Root", KeySpec::Rsa { bits: 2048 }, "87600h")?;
    let int_key = PrivateKey::generate(KeySpec::EcdsaP256)?;
    let under_ecdsa = intermediate(&ecdsa_root, "Cross Int", &int_key, "int")?;
    let under_rsa = issue(&rsa_root, "Cross Int", &int_key, "int")?;
    let leaf = issue(
        &under_ecdsa,
        "www.example.test",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "server",
    )?;
    let bundler = Bundler::new(
        certs(&[&ecdsa_root.cert, &rsa_root.cert])?,
        certs(&[&under_ecdsa.cert, &under_rsa])?,
    );
    let now = t0() + time::Duration::hours(1);
    // ubiquitous: chains compared from the root down, the longer-lived root wins.
    let (bundle, _) = bundle_at(&bundler, &[&leaf], Flavor::Ubiquitous, now)?;
    assert_eq!(
        bundle.root.as_ref().map(|r| r.der()),
        Some(rsa_root.cert.der.as_slice())
    );
    assert_eq!(bundle.chain[1].der(), under_rsa.der.as_slice());
    // optimal: same length and expiry (the leaf's); better crypto (ECDSA root) wins.
    let (bundle, _) = bundle_at(&bundler, &[&leaf], Flavor::Optimal, now)?;
    assert_eq!(
        bundle.root.as_ref().map(|r| r.der()),
        Some(ecdsa_root.cert.der.as_slice())
    );
    assert!(bundle.status.rebundled);
    Ok(())
}

#[test]
fn a_missing_intermediate_names_the_aia_url() -> TestResult {
    let root = root("Root", KeySpec::EcdsaP256, "87600h")?;
    let int = intermediate(
        &root,
        "Int",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "int",
    )?;
    let leaf = issue(
        &int,
        "www.example.test",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "server",
    )?;
    let bundler = Bundler::new(certs(&[&root.cert])?, Vec::new());
    let mut notes = Vec::new();
    let err = bundler
        .bundle(certs(&[&leaf])?, None, Flavor::Optimal, t0(), &mut |n| {
            notes.push(n)
        })
        .err()
        .ok_or("must fail")?;
    assert_eq!(err.code(), Some(1220));
    assert_eq!(
        err.to_string(),
        "x509: certificate signed by unknown authority (cfssl would fetch the issuer from \
         http://ca.example.test/int.crt (the certificate's Authority Information Access); \
         cfssl-rs does not fetch: download it and pass it with -int-bundle)"
    );
    assert!(
        matches!(notes.last(), Some(Note::Warning(w)) if w.contains("docs/differences.md #36"))
    );
    Ok(())
}

#[test]
fn a_client_only_leaf_bundles_and_ocsp_keeps_the_root() -> TestResult {
    // cfssl verifies with ExtKeyUsageAny: a client-auth-only leaf is bundled.
    let root = root("Root", KeySpec::EcdsaP256, "87600h")?;
    let client = issue(
        &root,
        "client.example.test",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "client",
    )?;
    let bundler = Bundler::new(certs(&[&root.cert])?, Vec::new());
    let (bundle, _) = bundle_at(&bundler, &[&client], Flavor::Optimal, t0())?;
    assert_eq!(bundle.chain.len(), 1, "root left out");
    // A leaf with an OCSP URL directly under the root keeps the root in the chain.
    let server = issue(
        &root,
        "www.example.test",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "server",
    )?;
    let (bundle, _) = bundle_at(&bundler, &[&server], Flavor::Optimal, t0())?;
    assert_eq!(bundle.chain.len(), 2, "root kept for OCSP");
    let json = bundle.to_json();
    assert!(
        json.contains(r#""ocsp":["http://ocsp.example.test"],"ocsp_support":true"#),
        "{json}"
    );
    Ok(())
}

#[test]
fn expiring_certificates_are_flagged() -> TestResult {
    let root = root("Root", KeySpec::EcdsaP256, "87600h")?;
    let leaf = issue(
        &root,
        "www.example.test",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "client",
    )?;
    let bundler = Bundler::new(certs(&[&root.cert])?, Vec::new());
    // 2160h leaf: 20 days before its end.
    let now = leaf.not_after - time::Duration::days(20);
    let (bundle, _) = bundle_at(&bundler, &[&leaf], Flavor::Optimal, now)?;
    assert_eq!(bundle.status.code, 3);
    let ski: String = leaf
        .subject_key_id
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_eq!(bundle.status.expiring_skis, Some(vec![ski]));
    assert_eq!(
        bundle
            .status
            .messages
            .as_ref()
            .and_then(|m| m.first())
            .map(String::as_str),
        Some("The bundle is expiring within 30 days.The expiring cert is #1 in the chain.")
    );
    Ok(())
}

#[test]
fn pkcs12_input_brings_its_key() -> TestResult {
    let root = root("Root", KeySpec::EcdsaP256, "87600h")?;
    let key = PrivateKey::generate(KeySpec::EcdsaP256)?;
    let leaf = issue(&root, "www.example.test", &key, "client")?;
    let pfx = cfssl_pkcs12::build(
        &cfssl_pkcs12::Contents {
            key: &key,
            certificate: &leaf.der,
            chain: &[],
            friendly_name: None,
        },
        "0",
        cfssl_pkcs12::Scheme::Aes256,
    )?;
    let bundler = Bundler::new(certs(&[&root.cert])?, Vec::new());
    let bundle = bundler.bundle_pem_or_der(&pfx, None, "0", Flavor::Optimal, t0(), &mut |_| {})?;
    assert_eq!(
        bundle.key.as_ref().map(|k| k.public_key()),
        Some(key.public_key())
    );
    let wrong = bundler.bundle_pem_or_der(&pfx, None, "1", Flavor::Optimal, t0(), &mut |_| {});
    assert_eq!(wrong.err().and_then(|e| e.code()), Some(1002));
    Ok(())
}

#[test]
fn name_constraints_of_an_intermediate_bind_the_leaf() -> TestResult {
    // The same intermediate key and name, once constrained to example.test, once not; the
    // leaf for www.other.test was issued under the unconstrained one.
    let root = root("Root", KeySpec::EcdsaP256, "87600h")?;
    let int_key = PrivateKey::generate(KeySpec::EcdsaP256)?;
    let constrained = issue(&root, "Int", &int_key, "constrained-int")?;
    let open = intermediate(&root, "Int", &int_key, "int")?;
    let leaf = issue(
        &open,
        "www.other.test",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "client",
    )?;

    let bundler = Bundler::new(certs(&[&root.cert])?, certs(&[&constrained])?);
    let err = bundle_at(&bundler, &[&leaf], Flavor::Optimal, t0())
        .err()
        .ok_or("must fail")?;
    assert_eq!(err.code(), Some(1212));
    assert!(
        err.to_string().starts_with(
            "x509: a root or intermediate certificate is not authorized to sign for this name: "
        ),
        "{err}"
    );
    let bundler = Bundler::new(certs(&[&root.cert])?, certs(&[&constrained, &open.cert])?);
    let (bundle, _) = bundle_at(&bundler, &[&leaf], Flavor::Optimal, t0())?;
    assert_eq!(bundle.chain[1].der(), open.cert.der.as_slice());
    Ok(())
}

#[test]
fn metadata_ranks_and_names_untrusted_platforms() -> TestResult {
    let trusted = root("Root", KeySpec::EcdsaP256, "87600h")?;
    let other = root("Other Root", KeySpec::EcdsaP256, "87600h")?;
    let leaf = issue(
        &trusted,
        "www.example.test",
        &PrivateKey::generate(KeySpec::EcdsaP256)?,
        "client",
    )?;
    let metadata = br#"[
        {"name": "Trusting", "weight": 10, "hash_algo": "SHA2", "key_algo": "ECDSA256", "keystore": "trusting.pem"},
        {"name": "Other", "weight": 5, "hash_algo": "SHA1", "key_algo": "RSA", "keystore": "other.pem"},
        {"Name": "Everyone", "Weight": 1, "hash_algo": "SHA2", "key_algo": "RSA"}
    ]"#;
    let mut read = |name: &str| -> Result<Vec<u8>, String> {
        match name {
            "trusting.pem" => Ok(trusted.cert.to_pem().into_bytes()),
            "other.pem" => Ok(other.cert.to_pem().into_bytes()),
            _ => Err(format!("open {name}: no such file or directory")),
        }
    };
    let platforms = platforms_from_json(metadata, &mut read)?;
    assert_eq!(platforms.len(), 3);
    let bundler = Bundler::new(certs(&[&trusted.cert])?, Vec::new()).with_platforms(platforms);
    let (bundle, notes) = bundle_at(&bundler, &[&leaf], Flavor::Ubiquitous, t0())?;
    assert!(
        !notes.iter().any(|n| matches!(n, Note::Warning(_))),
        "{notes:?}"
    );
    assert_eq!(
        bundle.status.untrusted_root_stores,
        Some(vec!["Other".to_owned()])
    );
    assert_eq!(
        bundle
            .status
            .messages
            .as_ref()
            .and_then(|m| m.last())
            .map(String::as_str),
        Some("The bundle may not be trusted by the following platform(s): Other.")
    );

    // An algorithm cfssl does not know makes the whole metadata unusable; so does a
    // missing key store.
    let bad = br#"[{"name": "X", "hash_algo": "MD5", "key_algo": "RSA"}]"#;
    let err = platforms_from_json(bad, &mut read)
        .err()
        .ok_or("must fail")?;
    assert!(err.to_string().contains(r#"hash_algo "MD5""#), "{err}");
    let missing =
        br#"[{"name": "X", "hash_algo": "SHA2", "key_algo": "RSA", "keystore": "nope.pem"}]"#;
    let err = platforms_from_json(missing, &mut read)
        .err()
        .ok_or("must fail")?;
    assert_eq!(
        err.to_string(),
        "platform metadata failed to load: open nope.pem: no such file or directory"
    );
    Ok(())
}

#[test]
fn ed25519_leaf_fields() -> TestResult {
    let root = root("Root", KeySpec::EcdsaP256, "87600h")?;
    let key = PrivateKey::generate(KeySpec::Ed25519)?;
    let leaf = issue(&root, "www.example.test", &key, "client")?;
    let bundler = Bundler::new(certs(&[&root.cert])?, Vec::new());
    let bundle = bundler.bundle(
        certs(&[&leaf])?,
        Some(key),
        Flavor::Optimal,
        t0(),
        &mut |_| {},
    )?;
    let json = bundle.to_json();
    for field in [
        r#""key_size":32,"key_type":"Ed25519""#,
        r#""signature":"ECDSAWithSHA256""#,
        r#""key":"-----BEGIN PRIVATE KEY-----"#,
        r#""hostnames":["www.example.test"]"#,
    ] {
        assert!(json.contains(field), "{field} in {json}");
    }
    Ok(())
}

#[test]
fn pkcs7_input_is_refused_by_name() -> TestResult {
    let bundler = Bundler::from_pem(Some(&fixture("ca.pem")), Some(&fixture("int.pem")))?;
    // openssl crl2pkcs7 -nocrl -certfile leafb.pem -outform DER, reduced to its head: the
    // ContentInfo's SEQUENCE header and the signedData OID.
    let der_head = [
        0x30, 0x82, 0x03, 0x43, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
        0xa0, 0x00,
    ];
    let pem = b"-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n";
    for input in [&der_head[..], pem] {
        let (err, _) = run(&bundler, input, None, Flavor::Optimal);
        let err = err.err().ok_or("must fail")?;
        assert_eq!(err.code(), Some(1003));
        assert!(
            err.to_string().contains("openssl pkcs7 -print_certs"),
            "{err}"
        );
    }
    Ok(())
}

/// The fuzz target's body (fuzz/fuzz_targets/bundle_input.rs) over truncated, bit-flipped
/// and shortened variants of the fixtures: errors, never a panic.
#[test]
fn mangled_inputs_never_panic() {
    let leaf = fixture("leafb.pem");
    let chain = [fixture("ca.pem"), fixture("int.pem"), fixture("leafb.pem")].concat();
    let der = pem_der(&leaf);
    for seed in [leaf, chain, der] {
        let step = seed.len() / 61 + 1;
        for i in (0..seed.len()).step_by(step) {
            let mut flipped = seed.clone();
            flipped[i] ^= 0x04;
            let mut shortened = seed.clone();
            shortened.remove(i);
            for input in [&seed[..i], &flipped[..], &shortened[..]] {
                let Ok(parsed) = read_chain(input, "0") else {
                    continue;
                };
                let Some(first) = parsed.certificates.first() else {
                    continue;
                };
                let bundler = Bundler::new(vec![first.clone()], parsed.certificates.clone());
                for flavor in [Flavor::Optimal, Flavor::Ubiquitous, Flavor::Force] {
                    if let Ok(bundle) = bundler.bundle(
                        parsed.certificates.clone(),
                        None,
                        flavor,
                        transcript_time(),
                        &mut |_| {},
                    ) {
                        assert!(bundle.to_json().starts_with('{'));
                    }
                }
            }
        }
    }
}
