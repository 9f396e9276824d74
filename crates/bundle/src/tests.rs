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
