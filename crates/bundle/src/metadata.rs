//! cfssl's platform metadata (`-metadata`, `ubiquity.LoadPlatforms`): a JSON array of
//! platforms, each `{"name", "weight", "hash_algo", "key_algo", "keystore"}`, the key
//! store being a PEM file of the roots the platform trusts (path relative to the
//! metadata file). cfssl ignores a metadata file it cannot load; we refuse it
//! (docs/differences.md #37).

use cfssl_json::{Object, Value};

use crate::{BundleCertificate, BundleError, Platform};

const FIELDS: &[&str] = &["name", "weight", "hash_algo", "key_algo", "keystore"];

/// Reads the metadata `json`; `read_keystore` returns the bytes of a key store named in
/// it (the caller resolves the path against the metadata file's directory).
///
/// # Errors
/// [`BundleError::Metadata`] for JSON that is not a platform list, an unknown
/// `hash_algo`/`key_algo` (as cfssl: the whole metadata is then unusable), or a key store
/// that cannot be read.
pub fn platforms_from_json(
    json: &[u8],
    read_keystore: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Vec<Platform>, BundleError> {
    let bad = |reason: String| BundleError::Metadata { reason };
    let value = cfssl_json::parse(json).map_err(|e| bad(e.to_string()))?;
    let Value::Array(items) = &value else {
        return Err(bad(format!(
            "json: cannot unmarshal {} into Go value of type []ubiquity.Platform",
            value.type_word()
        )));
    };
    let mut platforms = Vec::with_capacity(items.len());
    for item in items {
        let platform =
            Object::new(item, "ubiquity.Platform", FIELDS).map_err(|e| bad(e.to_string()))?;
        let field = |name: &str| -> Result<String, BundleError> {
            Ok(platform
                .string(name)
                .map_err(|e| bad(e.to_string()))?
                .unwrap_or_default())
        };
        let name = field("name")?;
        let weight = platform
            .int("weight")
            .map_err(|e| bad(e.to_string()))?
            .unwrap_or_default();
        let (hash_algo, key_algo, keystore) =
            (field("hash_algo")?, field("key_algo")?, field("keystore")?);
        let roots = if keystore.is_empty() {
            Vec::new()
        } else {
            let pem = read_keystore(&keystore).map_err(bad)?;
            certificates_from_pem_lenient(&pem)
        };
        let Some(platform) = Platform::new(name.clone(), weight, &hash_algo, &key_algo, &roots)
        else {
            return Err(bad(format!(
                "platform {name:?}: hash_algo {hash_algo:?} must be SHA1 or SHA2 and key_algo \
                 {key_algo:?} one of RSA, ECDSA256, ECDSA384, ECDSA521"
            )));
        };
        platforms.push(platform);
    }
    Ok(platforms)
}

/// Go's `CertPool.AppendCertsFromPEM` (and cfssl's key store reading): every PEM block
/// that is a certificate cfssl-rs can read, the rest skipped. For root stores that hold
/// many certificates of many kinds (the system's, a platform's).
pub fn certificates_from_pem_lenient(input: &[u8]) -> Vec<BundleCertificate> {
    pem::parse_many(input)
        .unwrap_or_default()
        .iter()
        .filter(|block| block.tag() == "CERTIFICATE")
        .filter_map(|block| BundleCertificate::from_der(block.contents()).ok())
        .collect()
}
